"""Progress on a terminal, silence in CI and pipes."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator

from .ingest import ProgressFn


def interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def harvest_progress(n_sites: int, enabled: bool) -> Iterator[ProgressFn]:
    if not enabled:
        yield lambda what, n: None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), transient=True, console=None) as bar:
        sites = bar.add_task("crawling sites", total=n_sites)
        docs = bar.add_task("documents archived", total=None)

        def update(what: str, n: int) -> None:
            bar.advance(sites if what == "site_crawled" else docs, n)

        yield update
