"""Re-file an archive's reports under qualified agency names (schema 3), losing nothing.

Archives written before schema 3 keyed a short name alone: "长城镇" of 柏宝县's portal and
"长城镇" of 榆宝县's were one report. This step gives every report its qualified key, and
where one report holds documents of several sites whose qualified names differ, moves each
site's documents to the report of its own name (created when missing). Documents, captures
and versions are never deleted: each move is recorded in `report_moves`, and the reports
touched say so in `identity_warnings_json` until the next reparse recomputes their numbers.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

from parsers.model import Document
from parsers.report.agencies import agency_key, is_qualified
from parsers.report.identity import identify


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _site_key(db: sqlite_utils.Database, report: dict[str, Any], site_id: str | None) -> tuple[str, bool]:
    """The qualified key of a report's documents found on one site."""
    site = next(db.query("select name, region from sites where id = ?", [site_id]), {}) if site_id else {}
    key = agency_key(report["agency"] or "", site.get("name"), site.get("region"))
    if is_qualified(key):
        return key, True
    # The documents may name the agency in full (来源 line, contact sentence, body).
    for d in db.query("select document_json, link_text from documents where report_id = ? and site_id is ? "
                      "order by role = 'attachment', id", [report["id"], site_id]):
        found = identify(Document.from_json(d["document_json"]), link_text=d["link_text"],
                         site_name=site.get("name"), site_region=site.get("region"), year_hint=report["year"])
        if found and found.qualified and found.year == report["year"]:
            return found.agency_key, True
    return f"{key}@{site_id}", False


def requalify_reports(db: sqlite_utils.Database) -> dict[str, int]:
    """Qualify every report's key and split reports whose sites' qualified names disagree.
    Returns counts {reports_rekeyed, reports_created, documents_moved}."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    counts = {"reports_rekeyed": 0, "reports_created": 0, "documents_moved": 0}
    for report in list(db.query("select * from reports order by id")):
        sites = [r["site_id"] for r in db.query(
            "select site_id, min(id) first from documents where report_id = ? group by site_id order by first",
            [report["id"]])] or [report["site_id"]]
        keys = {site: _site_key(db, report, site) for site in sites}
        own_site = report["site_id"] if report["site_id"] in keys else sites[0]
        own_key, own_qualified = keys[own_site]
        clash = next(db.query("select id from reports where agency_key = ? and year = ? and id != ?",
                              [own_key, report["year"], report["id"]]), None)
        if own_key != report["agency_key"] and clash is None:
            db["reports"].update(report["id"], {"agency_key": own_key, "agency_qualified": int(own_qualified)})
            counts["reports_rekeyed"] += 1
        elif clash is None:
            db["reports"].update(report["id"], {"agency_qualified": int(own_qualified)})
        for site, (key, qualified) in keys.items():
            if key == db["reports"].get(report["id"])["agency_key"]:
                continue
            target = next(db.query("select id from reports where agency_key = ? and year = ?",
                                   [key, report["year"]]), None)
            if target is None:
                target_id = db["reports"].insert(dict(
                    {k: report[k] for k in ("agency", "year", "title", "first_seen_at", "last_seen_at", "run_id")},
                    agency_key=key, site_id=site, template="unknown", agency_qualified=int(qualified),
                    identity_warnings_json=_json([f"split at schema 3 from report {report['id']}; reparse to parse it"]),
                )).last_pk
                counts["reports_created"] += 1
            else:
                target_id = target["id"]
            moved = [r["id"] for r in db.query("select id from documents where report_id = ? and site_id is ?",
                                               [report["id"], site])]
            for doc_id in moved:
                db["documents"].update(doc_id, {"report_id": target_id})
                db["report_moves"].insert({"document_id": doc_id, "from_report_id": report["id"],
                                           "to_report_id": target_id, "moved_at": now,
                                           "reason": f"site {site} names the agency {key}, not {report['agency_key']}"})
            counts["documents_moved"] += len(moved)
            if moved:
                warns = json.loads(report.get("identity_warnings_json") or "[]")
                warns.append(f"documents of site {site} moved to report {target_id} at schema 3; reparse to refresh")
                db["reports"].update(report["id"], {"identity_warnings_json": _json(warns)})
                report["identity_warnings_json"] = _json(warns)
    return counts
