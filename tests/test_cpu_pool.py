"""flows/cpu_pool.py: the thread runner's CPU steps run on worker processes, and a lost
worker costs a retry here, never the step."""
from __future__ import annotations

import os

import pytest

from flows import cpu_pool


def _pid() -> int:
    return os.getpid()


def _die_unless_in(pid: int) -> str:
    if os.getpid() != pid:
        os._exit(3)  # a worker killed mid-step (the OOM killer, a native crash)
    return "ran in the caller"


@pytest.fixture
def pool():
    cpu_pool.configure(1)
    yield
    cpu_pool.configure(0)


def test_unconfigured_steps_run_inline():
    cpu_pool.configure(0)
    assert cpu_pool.call(_pid) == os.getpid()


def test_configured_steps_run_on_a_worker_process_that_is_reused(pool):
    first = cpu_pool.call(_pid)
    assert first != os.getpid()
    assert cpu_pool.call(_pid) == first  # long-lived: no process start per step


def test_the_same_size_keeps_the_running_pool(pool):
    worker = cpu_pool.call(_pid)
    cpu_pool.configure(1)  # a second flow in the same process
    assert cpu_pool.call(_pid) == worker


def test_a_killed_worker_falls_back_to_the_caller_and_the_next_call_gets_a_fresh_pool(pool):
    assert cpu_pool.call(_die_unless_in, os.getpid()) == "ran in the caller"
    worker = cpu_pool.call(_pid)
    assert worker != os.getpid()


def test_an_exception_in_the_step_reaches_the_caller(pool):
    with pytest.raises(ZeroDivisionError):
        cpu_pool.call(divmod, 1, 0)


def test_workers_leave_when_the_process_they_serve_is_killed(tmp_path):
    """A harvest killed with SIGKILL cannot shut its pool down: its workers must not outlive it,
    even while a process it forked (holding the pool's pipes open) lives on."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = tmp_path / "owner.py"
    script.write_text(
        "import os, sys, time\n"
        "from flows import cpu_pool\n"
        "cpu_pool.configure(1)\n"
        "print(cpu_pool.call(os.getpid), flush=True)\n"
        "if os.fork() == 0:\n"
        "    sys.stdout.close(); time.sleep(20); os._exit(0)\n"
        "time.sleep(60)\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    owner = subprocess.Popen([sys.executable, str(script)], cwd=root, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(root)})
    try:
        worker = int(owner.stdout.readline())
        os.kill(worker, 0)  # running
        owner.send_signal(signal.SIGKILL)
        owner.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"worker {worker} outlived the process it served")
    finally:
        owner.kill()
