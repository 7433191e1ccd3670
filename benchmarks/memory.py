"""Peak resident memory of a process tree (this process, its children and theirs), sampled.

`ru_maxrss` sees one process at a time; the harvest's memory is spread over the
flow, its crawler processes and any worker processes, so the benchmarks and the
bad-input test sample /proc instead. The same samples give the tree's CPU time:
`getrusage(RUSAGE_CHILDREN)` misses grandchildren their parent never waited
for, such as a process pool's workers forked by its forkserver.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path


class PeakRss:
    """Context manager: `.peak` is the largest summed RSS (bytes) seen while inside it, `.cpu_s`
    the CPU seconds (user + system) of every process seen in the tree, each as last sampled."""

    def __init__(self, interval: float = 0.1, pid: int | None = None) -> None:
        self.peak = 0
        self.at_peak: dict[str, int] = {}  # role (what the process runs) → RSS summed over its processes
        self._cpu: dict[tuple[int, str], float] = {}  # (pid, start time) → CPU seconds
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

    @property
    def cpu_s(self) -> float:
        return sum(self._cpu.values())

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            tree = _tree(self._pid or os.getpid())
            sizes = [(p, _rss(p)) for p in tree]
            total = sum(rss for _p, rss in sizes)
            if total > self.peak:
                self.peak = total
                self.at_peak = {}
                for p, rss in sizes:
                    self.at_peak[_role(p)] = self.at_peak.get(_role(p), 0) + rss
            for p in tree:
                cpu = _cpu(p)
                if cpu is not None:
                    self._cpu[(p, cpu[0])] = cpu[1]


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


def _role(pid: int) -> str:
    """What a process of the tree runs, from its command line: its module or script, else its name."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    args = [a.decode(errors="replace") for a in argv if a]
    if "-m" in args[:-1]:
        return args[args.index("-m") + 1]
    if "-c" in args[:-1]:
        code = args[args.index("-c") + 1]
        return "forkserver" if "forkserver" in code else "spawn worker" if "spawn" in code else "python -c"
    return Path(args[0]).name if args else "?"


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> tuple[str, float] | None:
    """(start time, user + system seconds) of a process; the start time tells a reused pid apart."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    # after the command: state is field 3, utime 14, stime 15, starttime 22 (proc(5))
    return fields[19], (int(fields[11]) + int(fields[12])) / _TICK
