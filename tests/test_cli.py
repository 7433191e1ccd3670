"""The `nianbao` command as a user runs it: real processes, one-line errors, documented exit codes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlite_utils


def nianbao(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def test_unknown_key_in_sites_file_is_a_one_line_error(tmp_path):
    sites = tmp_path / "sites.yaml"
    sites.write_text("sites:\n  - id: a\n    start_urls: [http://127.0.0.1:9/]\n    strat_url: x\n", encoding="utf-8")
    proc = nianbao("harvest", "--sites", str(sites), "--db", str(tmp_path / "a.db"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"{sites}:4: unknown key 'strat_url'" in proc.stderr
    assert not (tmp_path / "a.db").exists()


def test_missing_sites_file(tmp_path):
    proc = nianbao("harvest", "--sites", str(tmp_path / "nope.yaml"), "--db", str(tmp_path / "a.db"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"nianbao harvest: error: {tmp_path / 'nope.yaml'}: sites file not found"


def test_unwritable_database_location(tmp_path):
    sites = tmp_path / "sites.yaml"
    sites.write_text("sites:\n  - id: a\n    start_urls: [http://127.0.0.1:9/]\n", encoding="utf-8")
    proc = nianbao("harvest", "--sites", str(sites), "--db", str(tmp_path / "no" / "such" / "dir" / "a.db"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_unreachable_start_url_is_recorded_and_the_run_finishes(tmp_path):
    sites = tmp_path / "sites.yaml"
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    sites.write_text("sites:\n  - id: gone\n    start_urls: ['http://127.0.0.1:9/zfxxgknb/']\n", encoding="utf-8")
    db_path = tmp_path / "a.db"
    proc = nianbao("harvest", "--sites", str(sites), "--db", str(db_path), "--delay", "0")
    assert proc.returncode == 0, proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.startswith("site gone:")]
    assert lines and "http://127.0.0.1:9/zfxxgknb/" in lines[0] and "unreachable" in lines[0]
    assert "errors     1" in proc.stdout or "errors" in proc.stdout
    db = sqlite_utils.Database(db_path)
    assert db["fetch_log"].count_where("error_kind = 'unreachable'") >= 1
    assert next(db.query("select status from runs"))["status"] == "completed"


def test_help_lists_the_interface_commands():
    proc = nianbao("--help")
    for cmd in ("harvest", "demo", "search", "serve", "reparse", "schedule"):
        assert cmd in proc.stdout
    assert "Exit codes" in proc.stdout
