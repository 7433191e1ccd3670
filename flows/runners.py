"""Choose where the pipeline's tasks run: threads, processes, or a Dask cluster.

The flow itself, and so every archive write, stays in the calling process
whatever the runner: only extraction and parsing move. On the thread runner
their CPU work goes to a pool of worker processes (flows/cpu_pool.py), so that
it does not take turns with the archive writer for one core.
"""
from __future__ import annotations

import os

from archive.errors import UserError

RUNNERS = ("thread", "process", "dask")


def make_task_runner(kind: str = "thread", *, dask_address: str | None = None, workers: int | None = None):
    workers = workers or max(2, os.cpu_count() or 2)
    if kind == "thread":
        from prefect.task_runners import ThreadPoolTaskRunner

        from . import cpu_pool
        cpu_pool.configure(min(workers, os.cpu_count() or 1))
        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "process":
        from prefect.task_runners import ProcessPoolTaskRunner
        return ProcessPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError:
            raise UserError("--runner dask needs prefect-dask: pip install 'nianbao[dask]'") from None
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        # A local cluster of worker processes, one thread each (pdfminer holds the GIL).
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    raise UserError(f"unknown runner {kind!r} (choose from {', '.join(RUNNERS)})")
