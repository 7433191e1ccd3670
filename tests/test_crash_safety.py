"""kill -9 during a harvest, even several in a row, loses nothing committed, and the next complete
run archives exactly what an uninterrupted run archives (a short run of the benchmark)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_kill_minus_9_trials_converge_on_the_uninterrupted_archive(prefect_harness):
    from prefect.settings import PREFECT_API_URL
    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value())
    proc = subprocess.run([sys.executable, "benchmarks/crash_trials.py", "--trials", "3", "--kills", "2", "--seed", "7"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "3 trials, 3 converged on the uninterrupted archive" in proc.stdout
    assert "2 kill(s)" in proc.stdout  # some trials were killed twice before the complete run
