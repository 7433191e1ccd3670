"""The `nianbao` command.

Only `harvest`, `demo`, `reparse` and `schedule` import Prefect: `search`, `serve`,
`parse` and `add` stay fast because they never load it.

Exit codes: 0 the run finished (site failures are recorded, not fatal);
2 the run could not start (bad arguments, unreadable sites file, unwritable
database or store); 1 an unexpected internal error.
"""
from __future__ import annotations

import argparse
import sys

from archive.errors import UserError

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2


def _add_store(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="DIR", help="WARC directory (default: ARCHIVE.warc beside the database)")


def _add_runner(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runner", choices=["thread", "process", "dask"], default="thread",
                   help="where extraction and parsing tasks run (default thread; dask needs prefect-dask)")
    p.add_argument("--dask-address", metavar="ADDR", help="scheduler of an existing Dask cluster (with --runner dask)")
    p.add_argument("--workers", type=int, default=None, help="task workers (default: the number of cores, at least 2)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="Harvest, parse and archive 政府信息公开工作年度报告 (government information-disclosure annual reports).",
        epilog="Exit codes: 0 finished (per-site failures are recorded in the archive), "
               "2 could not start (bad arguments, sites file, database), 1 internal error.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("harvest", help="crawl every site, extract, parse, deduplicate, archive")
    p.add_argument("--sites", required=True, metavar="SITES.yaml", help="sites file (see README)")
    p.add_argument("--db", required=True, metavar="ARCHIVE.db", help="SQLite archive (created if missing)")
    _add_store(p)
    _add_crawl_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress, only the summary")
    _add_runner(p)

    p = sub.add_parser("demo", help="harvest the bundled sample sites on loopback into ./demo.db")
    p.add_argument("--db", default="demo.db", metavar="ARCHIVE.db", help="default ./demo.db")
    _add_store(p)
    p.add_argument("--quiet", action="store_true", help="no progress, only the summary")
    _add_runner(p)

    p = sub.add_parser("search", help="full-text search (Chinese queries of any length)")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--db", required=True, metavar="ARCHIVE.db")
    p.add_argument("--json", action="store_true", help="print a JSON array, one object per matching report")
    p.add_argument("--limit", type=int, default=None, help="at most N hits (default: all)")
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--agency", default=None, help="agency name contains this")
    p.add_argument("--region", default=None, help="province, city or county contains this")
    p.add_argument("--template", choices=["2021", "2019", "pre2019", "unknown"], default=None)

    p = sub.add_parser("serve", help="browse the archive with datasette (read-only)")
    p.add_argument("--db", required=True, metavar="ARCHIVE.db")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    _add_store(p)

    p = sub.add_parser("reparse", help="re-extract and re-parse from the archived WARC captures (no network)")
    p.add_argument("--db", required=True, metavar="ARCHIVE.db")
    _add_store(p)
    p.add_argument("--quiet", action="store_true", help="no progress, only the summary")
    _add_runner(p)

    p = sub.add_parser("schedule", help="register/serve the harvest as a scheduled Prefect deployment")
    p.add_argument("--sites", required=True, metavar="SITES.yaml")
    p.add_argument("--db", required=True, metavar="ARCHIVE.db")
    p.add_argument("--cron", required=True, help='cron expression, e.g. "0 2 * * *"')
    _add_store(p)
    p.add_argument("--name", default="nianbao-nightly", help="deployment name (default nianbao-nightly)")
    p.add_argument("--work-pool", metavar="POOL",
                   help="register the deployment on this Prefect work pool and return; "
                        "without it, this process serves the schedule until stopped")
    p.add_argument("--timezone", default=None, help="timezone of the cron expression, e.g. Asia/Shanghai (default UTC)")
    _add_crawl_options(p)

    p = sub.add_parser("parse", help="extract and parse local files, no archive: what the archive would hold")
    p.add_argument("files", nargs="+", metavar="FILE", help="one report's documents (any supported format)")
    p.add_argument("--json", action="store_true", help="one JSON object: template, agency, year, cells, checks, warnings")

    p = sub.add_parser("add", help="archive documents obtained outside the crawl (a file sent by an agency…)")
    p.add_argument("files", nargs="+", metavar="FILE", help="documents of one report, or of several")
    p.add_argument("--db", required=True, metavar="ARCHIVE.db", help="SQLite archive (created if missing)")
    _add_store(p)
    p.add_argument("--url", default=None, help="the address the document was published at, if known")
    p.add_argument("--agency", default=None, metavar="NAME", help="the agency, when the document does not say")
    p.add_argument("--year", type=int, default=None, metavar="Y", help="the report's year, when the document does not say")
    p.add_argument("--quiet", action="store_true", help="no message while waiting for another writer")
    return parser


def _add_crawl_options(p: argparse.ArgumentParser) -> None:
    """How the harvest crawls: the same options whether run now or on a schedule."""
    p.add_argument("--max-download-mb", type=float, default=50.0, metavar="MB",
                   help="larger documents are cut off and recorded as oversize (default 50)")
    p.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                   help="seconds between requests to one host, adapted by AutoThrottle (default 1.0)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="a download taking longer is cut off and recorded as timeout (default 120)")
    p.add_argument("--crawlers", type=int, default=None, metavar="N",
                   help="crawl processes; the sites are sharded over them, each process crawling "
                        "its whole shard at once, one request at a time per host (default: one per "
                        "300 sites, at most one per core)")


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "search":
        from archive.search_cli import run
        return run(args)
    if args.command == "serve":
        from archive.serve import run
        return run(args)
    if args.command == "parse":
        from .parse_cli import run
        return run(args)
    if args.command == "add":
        from .add import run_add
        return run_add(args)
    if args.command == "harvest":
        from .harvest_cli import run_harvest
        return run_harvest(args)
    if args.command == "demo":
        from .demo import run_demo
        return run_demo(args)
    if args.command == "reparse":
        from .reparse_cli import run_reparse
        return run_reparse(args)
    if args.command == "schedule":
        from .schedule_cli import run_schedule
        return run_schedule(args)
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except UserError as exc:
        print(f"nianbao {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"nianbao {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `nianbao parse … | head`: the reader left, nothing to report
        sys.stderr.close()
        return EXIT_OK
    except RuntimeError as exc:
        if "ephemeral Prefect API server" not in str(exc):
            raise
        print(f"nianbao {args.command}: error: Prefect's temporary server did not start in time ({exc}); "
              "run `prefect server start` and set PREFECT_API_URL, or raise "
              "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
