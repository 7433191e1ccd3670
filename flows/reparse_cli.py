"""`nianbao reparse`: re-extract and re-parse the archive from its WARC captures."""
from __future__ import annotations

import argparse
import os

from archive.errors import UserError

from .harvest_cli import default_store


def run_reparse(args: argparse.Namespace) -> int:
    if not os.path.isfile(args.db):
        raise UserError(f"{args.db}: no such archive")
    store = args.store or default_store(args.db)
    if not os.path.isdir(store):
        raise UserError(f"{store}: WARC store not found (give it with --store)")
    from . import prefect_env
    prefect_env.configure()
    from .progress import harvest_progress, interactive
    from .reparse import reparse
    from .runners import make_task_runner

    task_runner = make_task_runner(args.runner, dask_address=args.dask_address, workers=args.workers)
    with harvest_progress(0, enabled=interactive() and not args.quiet) as progress:
        result = reparse.with_options(task_runner=task_runner)(args.db, store, progress=progress)
    rate = result["documents"] / result["duration_s"] if result["duration_s"] else 0
    print(f"reparse {result['run_id'][:8]} finished in {result['duration_s']} s "
          f"({result['documents']} documents, {rate:.1f} documents/s)")
    print(f"  documents whose extraction changed  {result['documents_reextracted_changed']}")
    print(f"  reports with a new version          {result['versions_new']}")
    print(f"  errors                              {result['errors']}")
    return 0
