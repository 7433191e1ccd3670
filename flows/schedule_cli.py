"""`nianbao schedule`: the harvest as a scheduled Prefect deployment.

Two ways, as Prefect offers them: served by this process (it stays up and
runs the harvest on the schedule), or registered on a work pool whose workers
run it (`--work-pool`). Both need a Prefect API that outlives the command:
`prefect server start`, or Prefect Cloud, with PREFECT_API_URL set.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from archive.errors import UserError
from crawlers.sites import load_sites

from .harvest_cli import check_writable, default_store

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_schedule(args: argparse.Namespace) -> int:
    load_sites(args.sites)
    store = args.store or default_store(args.db)
    check_writable(args.db, store)
    from . import prefect_env
    prefect_env.configure()
    from prefect.client.schemas.schedules import CronSchedule

    from .harvest import harvest

    try:
        schedule = CronSchedule(cron=args.cron, timezone=args.timezone or "UTC")
    except ValueError as exc:
        raise UserError(f"--cron {args.cron!r}: {exc.errors()[0]['msg'] if hasattr(exc, 'errors') else exc}") from None
    parameters = {"sites_file": os.path.abspath(args.sites), "db_path": os.path.abspath(args.db),
                  "warc_dir": os.path.abspath(store), "delay": args.delay,
                  "max_download_bytes": int(args.max_download_mb * 1024 * 1024), "timeout": args.timeout,
                  "crawlers": args.crawlers}
    if args.work_pool:
        deployment_id = harvest.from_source(source=str(PROJECT_ROOT), entrypoint="flows/harvest.py:harvest").deploy(
            name=args.name, work_pool_name=args.work_pool, schedules=[schedule], parameters=parameters, print_next_steps=False)
        print(f"registered deployment harvest/{args.name} ({deployment_id}) on work pool {args.work_pool!r}, cron {args.cron!r}")
        print(f"start a worker:  prefect worker start --pool {args.work_pool}")
        return 0
    print(f"serving deployment harvest/{args.name}, cron {args.cron!r} — Ctrl-C to stop", flush=True)
    harvest.serve(name=args.name, schedules=[schedule], parameters=parameters, print_starting_message=False)
    return 0
