"""`nianbao schedule` registers a deployment with the cron on a real Prefect server."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time


def test_schedule_serves_a_deployment_with_the_cron(prefect_harness, sites_file, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value())
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "schedule", "--sites", str(sites_file),
                             "--db", str(tmp_path / "a.db"), "--cron", "0 2 * * *", "--name", "test-nightly",
                             "--delay", "2.5", "--crawlers", "3"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)

    async def find():
        async with get_client() as client:
            return await client.read_deployment_by_name("harvest/test-nightly")

    try:
        deadline = time.monotonic() + 90
        deployment = None
        while time.monotonic() < deadline and deployment is None:
            try:
                deployment = asyncio.run(find())
            except Exception:
                assert proc.poll() is None, proc.stderr.read()
                time.sleep(1)
        assert deployment is not None, "deployment never appeared"
        crons = [s.schedule.cron for s in deployment.schedules]
        assert crons == ["0 2 * * *"]
        assert deployment.parameters["db_path"] == str(tmp_path / "a.db")
        # the crawl options reach the scheduled runs
        assert deployment.parameters["delay"] == 2.5 and deployment.parameters["crawlers"] == 3
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
