"""`nianbao harvest`: check the arguments, run the flow, print the summary."""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path

from archive.errors import UserError
from crawlers.sites import load_sites


def default_store(db_path: str) -> str:
    p = Path(db_path)
    return str(p.with_name(p.stem + ".warc") if p.suffix == ".db" else p.with_name(p.name + ".warc"))


def check_writable(db_path: str, store: str) -> None:
    """Fail before any crawling when the archive cannot be written."""
    from archive.schema import open_db
    parent = Path(db_path).resolve().parent
    if not parent.is_dir():
        raise UserError(f"{db_path}: directory {parent} does not exist")
    try:
        open_db(db_path).conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{db_path}: cannot open the archive ({exc})") from None
    check_store(store)


def check_store(store: str) -> None:
    """The WARC store exists (created if needed) and can be written."""
    try:
        os.makedirs(store, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{store}: cannot create the WARC store ({exc.strerror})") from None
    if not os.access(store, os.W_OK):
        raise UserError(f"{store}: WARC store is not writable")


def print_site_failures(db_path: str, run_id: str) -> None:
    """One line per site that had problems, on stderr, naming the site and the URL."""
    import sqlite_utils
    db = sqlite_utils.Database(db_path)
    for r in db.query("select site_id, errors, errors_by_kind_json, problem from site_runs "
                      "where run_id = ? and errors > 0 order by site_id", [run_id]):
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(json.loads(r["errors_by_kind_json"] or "{}").items()))
        print(f"site {r['site_id']}: {r['errors']} error(s) [{kinds}]; {r['problem']}", file=sys.stderr)


def execute_harvest(sites_file: str, db_path: str, store: str, *, quiet: bool, delay: float | None,
                    max_download_bytes: int | None, command: str, runner: argparse.Namespace,
                    timeout: float | None = None, crawlers: int | None = None) -> dict:
    from . import prefect_env
    prefect_env.configure()
    from .harvest import harvest
    from .progress import harvest_progress, interactive
    from .runners import make_task_runner

    task_runner = make_task_runner(runner.runner, dask_address=runner.dask_address, workers=runner.workers)
    n_sites = len(load_sites(sites_file))
    with harvest_progress(n_sites, enabled=interactive() and not quiet) as progress:
        return harvest.with_options(task_runner=task_runner)(
            sites_file, db_path, store, delay=delay, max_download_bytes=max_download_bytes, timeout=timeout,
            **({"crawlers": crawlers} if crawlers else {}),
            command=command, progress=progress)


def run_harvest(args: argparse.Namespace) -> int:
    from .summary import format_summary
    load_sites(args.sites)  # a bad sites file fails here, before anything starts
    store = args.store or default_store(args.db)
    check_writable(args.db, store)
    result = execute_harvest(args.sites, args.db, store, quiet=args.quiet, delay=args.delay,
                             max_download_bytes=int(args.max_download_mb * 1024 * 1024), command="harvest",
                             runner=args, timeout=args.timeout, crawlers=args.crawlers)
    print_site_failures(args.db, result["run_id"])
    print(format_summary(result, args.db, store))
    return 0
