"""Shared fixtures: the sample sites on loopback, a sites file, one Prefect harness."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crawlers.sample_server import SAMPLE_SITES, sample_sites_yaml, start_sample_sites

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session (starting one costs ~11 s)."""
    from flows import prefect_env
    prefect_env.configure()
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=180):  # 60 s is not enough on a busy 2-core machine
        yield


@pytest.fixture
def sample_sites():
    servers = start_sample_sites()
    yield servers
    for s in servers.values():
        s.stop()


@pytest.fixture
def sites_file(tmp_path: Path, sample_sites) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(sample_sites_yaml(sample_sites), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def expected_reports() -> dict:
    return json.loads((SAMPLE_SITES / "expected.json").read_text(encoding="utf-8"))
