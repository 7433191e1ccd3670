"""Peak resident memory of a process tree (this process, its children and theirs), sampled.

`ru_maxrss` sees one process at a time; the harvest's memory is spread over the
flow, its crawler processes and any worker processes, so the benchmarks and the
bad-input test sample /proc instead.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path


class PeakRss:
    """Context manager: `.peak` is the largest summed RSS (bytes) seen while inside it."""

    def __init__(self, interval: float = 0.1, pid: int | None = None) -> None:
        self.peak = 0
        self._pid = pid  # the tree's root (default: this process)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self._pid or os.getpid())))


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            pass  # the process ended meanwhile
    return out


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
