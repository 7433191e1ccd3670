"""`nianbao schedule` serves a deployment on a real `prefect server start`, and Prefect's own
tools (its client, its CLI, its UI) see the deployment and its next scheduled run there.

A real server, not the session's test harness: the harness's ephemeral server runs neither the
scheduler nor the UI, and those are what a scheduler's user looks at.
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(what: str, probe, timeout: float, proc: subprocess.Popen, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = probe()
        except Exception:
            found = None
        if found:
            return found
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log else proc.stderr.read()
            pytest.fail(f"{what}: the process exited with {proc.returncode}: {tail}")
        time.sleep(1)
    pytest.fail(f"{what}: not within {timeout:.0f} s")


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """`prefect server start` on loopback with its own home, UI and scheduler included."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    log = home / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_UI_ENABLED="true", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    with open(log, "wb") as out:
        proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for("prefect server start", lambda: urllib.request.urlopen(f"{base}/api/health", timeout=5).read(),
                  180, proc, log)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def test_schedule_is_seen_by_prefects_client_cli_and_ui(prefect_server, sites_file, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterId, FlowRunFilter,
                                                FlowRunFilterState, FlowRunFilterStateType)
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    api = f"{prefect_server}/api"
    env = dict(os.environ, PREFECT_API_URL=api, COLUMNS="250")  # wide: Prefect's tables truncate names
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "schedule", "--sites", str(sites_file),
                             "--db", str(tmp_path / "a.db"), "--cron", "0 2 * * *", "--name", "test-nightly",
                             "--delay", "2.5", "--crawlers", "3"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)

    async def deployment_and_runs():
        async with get_client() as client:
            deployment = await client.read_deployment_by_name("harvest/test-nightly")
            runs = await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC)
            listed = await client.read_deployments()  # Prefect's defaults: "limit": null, "sort": null
            return (deployment, runs, listed) if runs else None

    try:
        with temporary_settings({PREFECT_API_URL: api}):
            deployment, runs, listed = _wait_for("a deployment with scheduled runs",
                                                 lambda: asyncio.run(deployment_and_runs()), 180, proc)
        assert [s.schedule.cron for s in deployment.schedules] == ["0 2 * * *"]
        assert deployment.parameters["db_path"] == str(tmp_path / "a.db")
        # the crawl options reach the scheduled runs
        assert deployment.parameters["delay"] == 2.5 and deployment.parameters["crawlers"] == 3
        assert deployment.id in [d.id for d in listed]
        upcoming = runs[0].expected_start_time.astimezone(timezone.utc)
        assert (upcoming.hour, upcoming.minute) == (2, 0)
        assert 0 < (upcoming - datetime.now(timezone.utc)).total_seconds() <= 24 * 3600

        # Prefect's CLI, the first thing a scheduler's user types
        listing = subprocess.run([PREFECT, "deployment", "ls"], env=env, capture_output=True, text=True, timeout=120)
        assert listing.returncode == 0, listing.stderr[-2000:]
        assert "harvest/test-nightly" in listing.stdout
        scheduled = subprocess.run([PREFECT, "flow-run", "ls", "--state", "Scheduled"], env=env,
                                   capture_output=True, text=True, timeout=120)
        assert scheduled.returncode == 0, scheduled.stderr[-2000:]
        assert runs[0].name in scheduled.stdout

        # and its UI, on the same server
        with urllib.request.urlopen(f"{prefect_server}/", timeout=30) as page:
            assert page.status == 200 and "text/html" in page.headers["Content-Type"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
