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


_HAS_TABLES = ("EXISTS (SELECT 1 FROM statistics s WHERE s.report_id = r.id "
               "AND s.table_name IN ('active', 'requests', 'review'))")


def _cell(table: str, row_cond: str) -> str:
    """The `total` column of the rows matching `row_cond` (summed), for report r."""
    return (f"(SELECT SUM(s.value) FROM statistics s WHERE s.report_id = r.id AND s.table_name = '{table}' "
            f"AND s.row_key {row_cond} AND s.col_key = 'total')")


def _prefix(prefix: str) -> str:
    """row_key starting with `prefix`, as an index range ('_' is a LIKE wildcard; '`' sorts right after it)."""
    return f">= '{prefix}' AND s.row_key < '{prefix[:-1]}`'"


_REVIEW_ROWS = "'review', 'litigation_direct', 'litigation_after_review'"


def _prose(key: str) -> str:
    return (f"(SELECT s.value FROM statistics s WHERE s.report_id = r.id AND s.table_name = 'prose' "
            f"AND s.row_key = '{key}' AND s.col_key = 'value')")


_MISSING_ROWS = ("(SELECT {what} FROM json_each(COALESCE(r.parse_warnings_json, '[]')) "
                 "WHERE value LIKE 'row not found:%' OR value LIKE 'table not found:%')")

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
    # Headline totals come from the tables; a report without any table cell (pre-2019, or tables
    # that could not be read) falls back to the figures its prose states, and `figures_from` says
    # which. `uncertain_values`: numbers the parser flagged as doubtful (confidence < 0.8: suspected
    # OCR misreads, ambiguous alignment, unit outliers…); `checks_unevaluable`: checks with cells
    # missing. Each figure is a lookup on the statistics index (report_id, table_name, row_key,
    # col_key), not a GROUP BY over every cell: one report's row costs a few index probes.
    # Columns are only ever appended: the search helper and the datasette pages read them by name.
    # `missing_rows`: rows (or whole tables) of the template the parser did not find in the report, so
    # a figure that is absent is never silently absent; `missing_rows_list` names them (parser warnings
    # "row not found: requests.partly_granted （二）部分公开…"). `identity_warnings`: doubts about which
    # agency the report is (a short name no document or site place could qualify, kept apart per
    # site); `agency_qualified` is 0 for those.
    "report_summary": f"""
SELECT r.id AS report_id, r.agency, r.year, r.province, r.city, r.county, r.level, r.template,
  CASE WHEN {_HAS_TABLES} THEN {_cell('requests', "= 'new'")} ELSE {_prose('applications_received')} END
    AS new_requests,
  CASE WHEN {_HAS_TABLES} THEN {_cell('requests', "= 'granted'")} ELSE {_prose('granted')} END AS granted,
  CASE WHEN {_HAS_TABLES} THEN {_cell('requests', "= 'partly_granted'")} ELSE {_prose('partly_granted')} END
    AS partly_granted,
  CASE WHEN {_HAS_TABLES} THEN {_cell('requests', _prefix('denied_'))} ELSE {_prose('refused')} END AS refused,
  {_cell('requests', _prefix('unable_'))} AS unable,
  {_cell('requests', _prefix('rejected_'))} AS not_processed,
  CASE WHEN {_HAS_TABLES} THEN {_cell('review', "= 'review'")} ELSE {_prose('reviews')} END AS reviews,
  CASE WHEN {_HAS_TABLES} THEN {_cell('review', "IN ('litigation_direct', 'litigation_after_review')")}
    ELSE {_prose('lawsuits')} END AS lawsuits,
  (SELECT COUNT(*) FROM checks c WHERE c.report_id = r.id AND c.passed = 0) AS checks_failed,
  r.title,
  (SELECT d.url FROM documents d WHERE d.report_id = r.id ORDER BY d.role = 'attachment', d.id LIMIT 1) AS url,
  r.current_version AS version, r.is_aggregate, r.site_id,
  r.region_code,
  CASE WHEN {_HAS_TABLES} THEN 'table'
       WHEN EXISTS (SELECT 1 FROM statistics s WHERE s.report_id = r.id AND s.table_name = 'prose') THEN 'prose'
  END AS figures_from,
  (SELECT COUNT(*) FROM statistics s WHERE s.report_id = r.id AND s.table_name IN ('active', 'requests', 'review')
     AND s.value IS NOT NULL AND s.confidence < 0.8) AS uncertain_values,
  (SELECT COUNT(*) FROM checks c WHERE c.report_id = r.id AND c.passed IS NULL) AS checks_unevaluable,
  {_MISSING_ROWS.format(what="COUNT(*)")} AS missing_rows,
  {_MISSING_ROWS.format(what="group_concat(value, ' · ')")} AS missing_rows_list,
  r.agency_qualified,
  (SELECT group_concat(value, ' · ') FROM json_each(COALESCE(r.identity_warnings_json, '[]'))) AS identity_warnings
FROM reports r""",
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
    # requests and denials per year and province. From report_summary's per-report index
    # lookups: joining the report_headlines aggregate materialised it whole (20 s at 30,000 reports)
    "requests_by_region_year": """
SELECT COALESCE(s.province, '(national)') AS province, s.year,
  COUNT(*) AS reports, SUM(s.new_requests) AS new_requests, SUM(s.granted) AS granted,
  SUM(s.refused) AS refused, SUM(s.unable) AS unable, SUM(s.not_processed) AS not_processed,
  SUM(s.lawsuits) AS lawsuits
FROM report_summary s
WHERE s.is_aggregate IS NOT 1
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
    # the rates journalists rank agencies by, per report: 不予公开率 = refused / total processed,
    # 纠错率 = 结果纠正 / decided (total − 尚未审结) over 行政复议 and both 行政诉讼 rows. Index
    # lookups per report like report_summary, so a place's or an agency's rows stay cheap.
    "report_rates": f"""
SELECT t.*,
  CASE WHEN t.total_processed > 0 THEN ROUND(1.0 * t.refused / t.total_processed, 4) END AS refusal_rate,
  CASE WHEN t.decided > 0 THEN ROUND(1.0 * t.corrected / t.decided, 4) END AS correction_rate
FROM (SELECT r.id AS report_id,
  {_cell('requests', _prefix('denied_'))} AS refused,
  {_cell('requests', "= 'total_processed'")} AS total_processed,
  (SELECT SUM(s.value) FROM statistics s WHERE s.report_id = r.id AND s.table_name = 'review'
     AND s.row_key IN ({_REVIEW_ROWS}) AND s.col_key = 'corrected') AS corrected,
  (SELECT SUM(CASE WHEN s.col_key = 'total' THEN s.value END)
       - COALESCE(SUM(CASE WHEN s.col_key = 'pending' THEN s.value END), 0) FROM statistics s
     WHERE s.report_id = r.id AND s.table_name = 'review' AND s.row_key IN ({_REVIEW_ROWS})
       AND s.col_key IN ('total', 'pending')) AS decided
  FROM reports r) t""",
    # every version's cells and checks: the current ones plus the superseded ones
    "statistics_all_versions": """
 SELECT * FROM statistics UNION ALL SELECT * FROM statistics_history""",
    "checks_all_versions": """
 SELECT * FROM checks UNION ALL SELECT * FROM checks_history""",
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
