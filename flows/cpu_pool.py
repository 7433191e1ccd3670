"""Worker processes for the CPU steps of tasks that run on threads.

With Prefect's thread runner, extraction and parsing run in the flow's process,
where they share one core with the archive writer: Python threads take turns
(the GIL), so a 200-site harvest used one core of two. Prefect's process runner
sets up a task engine in a fresh process per task run, which cost 50 % more CPU
at 50 sites (benchmarks/national.py). Tasks on threads therefore hand their step
to this pool: a few long-lived processes, forked from a server that has already
imported the parsers. The task, its state and its cache stay Prefect's.

Without `configure` (the process and Dask runners, whose tasks already run in
worker processes, and the in-process commands) steps run inline.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, TypeVar

T = TypeVar("T")
logger = logging.getLogger(__name__)

_PRELOAD = ["flows.steps", "parsers.extract", "parsers.report"]
# A worker is replaced after this many steps: its heap only grows (parser caches, a large
# document's fragments), and at 200 sites two workers took 160 MB each against about 60 MB fresh.
TASKS_PER_WORKER = 150
_lock = threading.Lock()
_size = 0
_pool: ProcessPoolExecutor | None = None


def configure(workers: int) -> None:
    """Run steps on `workers` processes from now on (0: inline). A pool of that size already
    running is kept: one process runs many flows (the tests, `nianbao schedule`)."""
    global _size
    if max(0, workers) != _size:
        shutdown()
        _size = max(0, workers)


def call(fn: Callable[..., T], *args: Any) -> T:
    """fn(*args) on a worker process when the pool is configured, else here. `fn` must be a
    module-level function and its arguments and result picklable."""
    pool = _get()
    if pool is None:
        return fn(*args)
    try:
        return pool.submit(fn, *args).result()
    except BrokenProcessPool:
        # A worker was killed (the OOM killer, a crash in a native library): the step is run
        # here rather than lost, and the next call starts a fresh pool.
        logger.warning("a worker process of the extraction pool died: %s runs in the flow's process, "
                       "and the next step starts a fresh pool", getattr(fn, "__name__", fn))
        _discard(pool)
        return fn(*args)


def _get() -> ProcessPoolExecutor | None:
    global _pool
    if _size == 0:
        return None
    with _lock:
        if _pool is None:
            # forkserver: workers are forked from a clean server process, never from this one
            # with its Prefect threads and open archive connection.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            _pool = ProcessPoolExecutor(max_workers=_size, mp_context=ctx, max_tasks_per_child=TASKS_PER_WORKER)
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)
