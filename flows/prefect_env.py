"""Prefect configuration for a command-line tool: quiet, local, apart from the archive.

Imported before Prefect itself. Prefect's own database stays in its home
(~/.prefect by default, or PREFECT_HOME), never in the archive file: Prefect
writes to it concurrently and would lock the archive's single writer out.
Users who run a Prefect server point PREFECT_API_URL at it and see the runs
there; without it, flows run against a temporary local server.
"""
from __future__ import annotations

import os


def configure(verbose: bool = False) -> None:
    level = "INFO" if verbose else "ERROR"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    os.environ.setdefault("PREFECT_SERVER_UI_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # The temporary server needs ~10 s on an idle 2-core machine and several times that on a
    # busy one; Prefect's default 20 s would fail the whole run there.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # a LocalCluster is chatty at INFO
