"""The short summary every run ends with."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def path_size(path: Path) -> int:
    """Bytes in a file, or in every file below a directory (0 when missing)."""
    if path.is_file():
        return path.stat().st_size
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return 0


def human_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def archive_totals(db_path: str) -> dict[str, int]:
    import sqlite_utils
    db = sqlite_utils.Database(db_path)
    return {t: db[t].count for t in ("reports", "documents", "report_versions", "statistics")}


def format_summary(result: dict[str, Any], db_path: str, warc_dir: str) -> str:
    totals = archive_totals(db_path)
    db_size = sum(path_size(Path(db_path + s)) for s in ("", "-wal"))
    lines = [
        f"harvest {result['run_id'][:8]} finished in {result['duration_s']} s",
        f"  sites      {result['sites']}   pages fetched {result['pages_fetched']}   not modified (304) {result['not_modified']}",
        f"  reports    {result['reports_new']} new, {totals['reports']} in archive   versions new {result['versions_new']}",
        f"  documents  {result['documents_new']} new, {result['documents_seen']} seen again, {totals['documents']} in archive",
        f"  statistics {totals['statistics']} cells in archive",
        # What the night cost beyond fetching: nothing on an unchanged night (all 304).
        f"  work       {result.get('documents_extracted', 0)} documents extracted, {result.get('reports_parsed', 0)} "
        f"reports parsed, {result.get('reports_indexed', 0)} indexed; crawl processes {result.get('crawl_cpu_s', 0):.1f} s CPU",
        f"  skipped    {result['robots_disallowed']} URLs disallowed by robots.txt",
        f"  errors     {result['errors']}" + (
            "  (" + ", ".join(f"{k} {v}" for k, v in sorted(result["errors_by_kind"].items())) + ")" if result["errors"] else ""),
        f"  archive    {os.path.abspath(db_path)} ({human_bytes(db_size)}), WARC {os.path.abspath(warc_dir)} ({human_bytes(path_size(Path(warc_dir)))})",
    ]
    lines += site_lines(db_path, result["run_id"])
    return "\n".join(lines)


def site_lines(db_path: str, run_id: str, most: int = 20) -> list[str]:
    """One line of health per site crawled in the run (the rest are in `site_runs`)."""
    import sqlite_utils
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("select * from site_runs where run_id = ? order by site_id", [run_id]))
    out = []
    for r in rows[:most]:
        out.append(f"  site {r['site_id']:<20} pages {r['pages_fetched'] or 0:>4}  304 {r['not_modified'] or 0:>4}  "
                   f"reports {r['reports_found'] or 0} found, {r['reports_new'] or 0} new, "
                   f"{r['reports_changed'] or 0} changed  errors {r['errors'] or 0}  blocked {r['blocked'] or 0}  "
                   f"{r['duration_s'] or 0:.1f} s" + (f"  [{r['status']}]" if r["status"] not in (None, "ok") else ""))
    if len(rows) > most:
        out.append(f"  … and {len(rows) - most} more sites (table site_runs)")
    return out
