"""kill -9 during a harvest loses nothing committed; the next run recovers (a short run of the benchmark)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_kill_minus_9_trials_recover(prefect_harness):
    from prefect.settings import PREFECT_API_URL
    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value())
    proc = subprocess.run([sys.executable, "benchmarks/crash_trials.py", "--trials", "4", "--seed", "7"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "4 trials, 4 recovered fully, 0 failed" in proc.stdout
