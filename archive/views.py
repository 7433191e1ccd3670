"""SQL views journalists (and the datasette pages) read instead of the raw cell table.

`ensure_views(db)` is idempotent and cheap: a view is (re)created only when its SQL
differs from what the archive holds, so an archive opened by a newer nianbao gets
the newer definitions.
"""
from __future__ import annotations

import sqlite_utils

# headline figures come from the `total` column of the requests and review tables
_TOTAL = "CASE WHEN s.table_name = '{t}' AND s.col_key = 'total' AND {cond} THEN s.value END"


def _sum(table: str, cond: str) -> str:
    return "SUM(" + _TOTAL.format(t=table, cond=cond) + ")"


VIEWS: dict[str, str] = {
    "report_headlines": f"""
SELECT s.report_id,
  {_sum('requests', "s.row_key = 'new'")} AS new_requests,
  {_sum('requests', "s.row_key = 'carried_in'")} AS carried_in,
  {_sum('requests', "s.row_key = 'granted'")} AS granted,
  {_sum('requests', "s.row_key = 'partly_granted'")} AS partly_granted,
  {_sum('requests', "s.row_key LIKE 'denied^_%' ESCAPE '^'")} AS refused,
  {_sum('requests', "s.row_key LIKE 'unable^_%' ESCAPE '^'")} AS unable,
  {_sum('requests', "s.row_key = 'unable_not_held'")} AS unable_not_held,
  {_sum('requests', "s.row_key LIKE 'rejected^_%' ESCAPE '^'")} AS not_processed,
  {_sum('requests', "s.row_key = 'total_processed'")} AS total_processed,
  {_sum('review', "s.row_key = 'review'")} AS reviews,
  {_sum('review', "s.row_key IN ('litigation_direct', 'litigation_after_review')")} AS lawsuits,
  SUM(CASE WHEN s.table_name = 'review' AND s.col_key = 'corrected' THEN s.value END) AS corrected,
  COUNT(*) AS cells
FROM statistics s
GROUP BY s.report_id""",
    "report_summary": """
SELECT r.id AS report_id, r.agency, r.year, r.province, r.city, r.county, r.level, r.template,
  h.new_requests, h.granted, h.partly_granted, h.refused, h.unable, h.not_processed,
  h.reviews, h.lawsuits,
  (SELECT COUNT(*) FROM checks c WHERE c.report_id = r.id AND c.passed = 0) AS checks_failed,
  r.title,
  (SELECT d.url FROM documents d WHERE d.report_id = r.id ORDER BY d.role = 'attachment', d.id LIMIT 1) AS url,
  r.current_version AS version, r.is_aggregate, r.site_id
FROM reports r LEFT JOIN report_headlines h ON h.report_id = r.id""",
    # one row per refusal reason per report (the `total` column), for "refusals by reason"
    "refusal_reasons": """
SELECT s.report_id, r.agency, r.province, r.year,
  CASE WHEN s.row_key LIKE 'denied^_%' ESCAPE '^' THEN 'denied (不予公开)'
       WHEN s.row_key LIKE 'unable^_%' ESCAPE '^' THEN 'unable (无法提供)'
       ELSE 'not processed (不予处理)' END AS kind,
  s.row_key AS reason, s.value
FROM statistics s JOIN reports r ON r.id = s.report_id
WHERE s.table_name = 'requests' AND s.col_key = 'total'
  AND (s.row_key LIKE 'denied^_%' ESCAPE '^' OR s.row_key LIKE 'unable^_%' ESCAPE '^'
       OR s.row_key LIKE 'rejected^_%' ESCAPE '^')""",
    # requests and denials per year and province: what the chart on the front page draws
    "requests_by_region_year": """
SELECT COALESCE(r.province, '(national)') AS province, r.year,
  COUNT(*) AS reports, SUM(h.new_requests) AS new_requests, SUM(h.granted) AS granted,
  SUM(h.refused) AS refused, SUM(h.unable) AS unable, SUM(h.not_processed) AS not_processed,
  SUM(h.lawsuits) AS lawsuits
FROM reports r LEFT JOIN report_headlines h ON h.report_id = r.id
WHERE r.is_aggregate IS NOT 1
GROUP BY 1, 2""",
    # every (agency, year) between an agency's first report and the newest year archived
    # for which no report exists: candidates for "did not publish"
    "missing_reports": """
WITH RECURSIVE
  span AS (SELECT MAX(year) AS last FROM reports WHERE year IS NOT NULL),
  agencies AS (SELECT agency_key, MAX(agency) AS agency, MAX(province) AS province, MAX(level) AS level,
                      MIN(year) AS first_year FROM reports WHERE year IS NOT NULL GROUP BY agency_key),
  years(agency_key, year) AS (
    SELECT agency_key, first_year FROM agencies
    UNION ALL SELECT y.agency_key, y.year + 1 FROM years y, span WHERE y.year < span.last)
SELECT a.agency, a.province, a.level, y.year AS missing_year, a.first_year
FROM years y JOIN agencies a ON a.agency_key = y.agency_key
WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.agency_key = y.agency_key AND r.year = y.year)""",
}


def ensure_views(db: sqlite_utils.Database) -> None:
    """Create or update the views (in dependency order)."""
    existing = {name: sql for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall()}
    with db.conn:
        for name, body in VIEWS.items():
            sql = f"CREATE VIEW {name} AS{body}"
            if existing.get(name) == sql:
                continue
            if name in existing:
                db.execute(f"DROP VIEW {name}")
            db.execute(sql)
