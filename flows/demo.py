"""`nianbao demo`: harvest the bundled sample sites, served on loopback, into ./demo.db."""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from crawlers.sample_server import sample_sites_yaml, start_sample_sites

from .harvest_cli import check_writable, default_store, execute_harvest, print_site_failures
from .summary import format_summary

DEMO_PORT = 8701  # fixed, so that a second demo run finds the same URLs and asks conditionally


def run_demo(args: argparse.Namespace) -> int:
    store = args.store or default_store(args.db)
    check_writable(args.db, store)
    servers = start_sample_sites(port=DEMO_PORT)
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-demo-") as tmp:
            sites_file = Path(tmp) / "sites.yaml"
            sites_file.write_text(sample_sites_yaml(servers), encoding="utf-8")
            print(f"serving {len(servers)} sample sites: " + ", ".join(f"{k} at {s.url}" for k, s in servers.items()))
            # The sites are ours and on loopback: no politeness delay needed.
            result = execute_harvest(str(sites_file), args.db, store, quiet=args.quiet, delay=0.0,
                                     max_download_bytes=None, command="demo", runner=args)
    finally:
        for s in servers.values():
            s.stop()
    print_site_failures(args.db, result["run_id"])
    print(format_summary(result, args.db, store))
    print(f"\nbrowse it:  nianbao serve --db {args.db}")
    print(f"search it:  nianbao search 复议 --db {args.db}")
    return 0
