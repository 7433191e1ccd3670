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
    """Events: ("started", 0) when the flow runs, ("site_crawled", 1), ("document", 1)."""
    if not enabled:
        yield lambda what, n: None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(), TextColumn("{task.fields[count]}"),
                  TimeElapsedColumn(), transient=True) as bar:
        sites = bar.add_task("starting Prefect", total=n_sites or None, count="")
        docs = bar.add_task("documents archived", total=None, count="0", visible=False)

        def update(what: str, n: int) -> None:
            if what == "started":
                bar.update(sites, description="crawling sites" if n_sites else "re-extracting",
                           count=f"0/{n_sites}" if n_sites else "")
                bar.update(docs, visible=True)
            elif what == "site_crawled":
                bar.advance(sites, n)
                done = int(bar.tasks[sites].completed)
                bar.update(sites, count=f"{done}/{n_sites}")
            else:
                bar.advance(docs, n)
                bar.update(docs, count=str(int(bar.tasks[docs].completed)))

        yield update
