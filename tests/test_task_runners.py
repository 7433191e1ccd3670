"""The same harvest on a Dask LocalCluster with two workers gives the same archive."""
from __future__ import annotations

import sqlite_utils


def _snapshot(db_path):
    db = sqlite_utils.Database(db_path)
    return {
        "reports": sorted((r["agency_key"], r["year"], r["template"]) for r in db.query("select * from reports")),
        "documents": sorted(r["sha256"] for r in db.query("select sha256 from documents")),
        "cells": sorted((r["agency_key"], r["year"], r["table_name"], r["row_key"], r["col_key"], r["value"])
                        for r in db.query("select r.agency_key, r.year, s.* from statistics s join reports r on r.id = s.report_id")),
        "checks": sorted((r["agency_key"], r["year"], r["check_name"], r["passed"])
                         for r in db.query("select r.agency_key, r.year, c.* from checks c join reports r on r.id = c.report_id")),
    }


def test_dask_runner_gives_the_same_archive(prefect_harness, sites_file, tmp_path):
    from flows.harvest import harvest
    from flows.runners import make_task_runner
    harvest(str(sites_file), str(tmp_path / "t.db"), str(tmp_path / "t.warc"), delay=0.0)
    dask_harvest = harvest.with_options(task_runner=make_task_runner("dask", workers=2))
    dask_harvest(str(sites_file), str(tmp_path / "d.db"), str(tmp_path / "d.warc"), delay=0.0)
    thread, dask = _snapshot(tmp_path / "t.db"), _snapshot(tmp_path / "d.db")
    assert thread["reports"] and thread["cells"]
    assert thread == dask
