"""Build realistic archives for tests without a harvest: real SQLite via `open_db`, real WARC.

    from tests.archive_builder import ArchiveBuilder, build_sample_archive
    db_path, warc_dir, ids = build_sample_archive(tmp_path)        # the standard fixture
    b = ArchiveBuilder(tmp_path / "a.db")                          # or your own reports
    rid = b.add_report(agency="清河县柳林镇人民政府", year=2021, province="河北省", ...)

Every document is written to `ARCHIVE.warc/fixture.warc.gz` as a response record (gzip
Content-Encoding optional), so the stored (file, offset) replay with `archive.warc.read_response`.
Statistics follow `statistics-schema.json` keys and add up unless asked not to.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.schema import open_db

APPLICANT_COLUMNS = ["natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org"]
OUTCOME_ROWS_2021 = [
    "granted", "partly_granted", "denied_state_secret", "denied_law", "denied_security",
    "denied_third_party", "denied_internal", "denied_process", "denied_enforcement_file", "denied_query",
    "unable_not_held", "unable_need_create", "unable_unclear", "rejected_petition", "rejected_duplicate",
    "rejected_publication", "rejected_excessive", "rejected_confirm",
    "other_no_correction", "other_no_fee", "other_other",
]
OUTCOME_ROWS_2019 = OUTCOME_ROWS_2021[:-3] + ["other"]
REVIEW_ROWS = ["review", "litigation_direct", "litigation_after_review"]
REVIEW_COLUMNS = ["upheld", "corrected", "other", "pending"]
ACTIVE_2021 = {"regulations": ["made", "repealed", "in_force"], "normative_docs": ["made", "repealed", "in_force"],
               "licensing": ["decisions"], "penalty": ["decisions"], "enforcement": ["decisions"],
               "fees": ["amount_10k_yuan"]}
ACTIVE_2019 = {"regulations": ["new_made", "new_published", "total_published"],
               "normative_docs": ["new_made", "new_published", "total_published"],
               "licensing": ["prev_items", "change", "decisions"], "other_services": ["prev_items", "change", "decisions"],
               "penalty": ["prev_items", "change", "decisions"], "enforcement": ["prev_items", "change", "decisions"],
               "fees": ["prev_items", "change"], "procurement": ["items", "amount_10k_yuan"]}
CHECK_NAMES = ["requests_balance", "requests_outcomes_sum", "requests_row_total", "review_total"]

PARAGRAPHS = [
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定编制。",
    "{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《条例》，扎实推进政府信息公开工作。",
    "一、总体情况。全年主动公开政府信息{n1}条，其中政策文件{n2}件。",
    "依申请公开方面，本年新收政府信息公开申请{new}件，均在法定期限内答复。",
    "政府信息管理方面，严格执行GB/T 9704—2012《党政机关公文格式》，规范公文公开属性源头认定。",
    "平台建设方面，政府网站全年发布信息{n3}条，政务新媒体发布信息{n4}条。",
    "四、政府信息公开行政复议、行政诉讼情况。本年度因政府信息公开被申请行政复议{reviews}件，提起行政诉讼{lawsuits}件。",
    "五、存在的主要问题及改进情况。一是公开内容不够全面；二是解读形式较为单一。下一步，我们将进一步加强培训。",
    "六、其他需要报告的事项。本年度未收取信息处理费。",
]


@dataclass
class DocSpec:
    url: str
    text: str
    title: str | None = None
    format: str = "html"
    content_type: str = "text/html; charset=utf-8"
    body: bytes | None = None  # the raw bytes served; default: an HTML page of the text
    gzip_encoded: bool = False
    role: str = "page"


@dataclass
class Built:
    db_path: Path
    warc_dir: Path
    report_ids: dict[str, int] = field(default_factory=dict)  # fixture label -> report id


class ArchiveBuilder:
    def __init__(self, db_path: str | Path, warc_dir: str | Path | None = None, *, seed: int = 7) -> None:
        self.db_path = Path(db_path)
        self.warc_dir = Path(warc_dir) if warc_dir else self.db_path.with_suffix(".warc")
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        self.db = open_db(str(self.db_path))
        self.rng = random.Random(seed)
        self.warc_name = "fixture.warc.gz"
        self._run_id = "fixture-run"
        self.db["runs"].upsert({"id": self._run_id, "command": "fixture", "started_at": "2024-03-01T02:00:00Z",
                                "status": "finished"}, pk="id")

    # -- WARC ---------------------------------------------------------------------------
    def write_capture(self, url: str, body: bytes, content_type: str, *, gzip_encoded: bool = False) -> tuple[str, int, str]:
        wire = gzip.compress(body) if gzip_encoded else body
        headers = [("Content-Type", content_type), ("Content-Length", str(len(wire)))]
        if gzip_encoded:
            headers.append(("Content-Encoding", "gzip"))
        with open(self.warc_dir / self.warc_name, "ab") as fh:
            writer = WARCWriter(fh, gzip=True)
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(wire), length=len(wire),
                                               http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"))
            offset = fh.tell()
            writer.write_record(record)
        return self.warc_name, offset, record.rec_headers.get_header("WARC-Record-ID")

    # -- statistics ---------------------------------------------------------------------
    def statistics(self, template: str, *, unbalanced: bool = False, refusals: dict[str, int] | None = None,
                   lawsuits: int | None = None, corrected: int | None = None) -> list[dict[str, Any]]:
        """Cells for the three tables that pass every check (or fail requests_outcomes_sum)."""
        rng, cells = self.rng, []
        active = ACTIVE_2021 if template == "2021" else ACTIVE_2019
        for row, cols in active.items():
            for col in cols:
                value: Any = round(rng.uniform(0, 50), 2) if col == "amount_10k_yuan" else rng.randint(0, 40)
                cells.append(("active", row, col, value))
        outcomes = OUTCOME_ROWS_2021 if template == "2021" else OUTCOME_ROWS_2019
        by_row: dict[str, dict[str, int]] = {r: {} for r in outcomes}
        for col in APPLICANT_COLUMNS:
            for r in outcomes:
                hi = 12 if r in ("granted", "unable_not_held") else (3 if col == "natural_person" else 1)
                by_row[r][col] = rng.randint(0, hi)
        for r, n in (refusals or {}).items():
            by_row[r]["natural_person"] = n
        total_processed = {c: sum(by_row[r][c] for r in outcomes) for c in APPLICANT_COLUMNS}
        carried_over = {c: rng.randint(0, 2) for c in APPLICANT_COLUMNS}
        carried_in = {c: rng.randint(0, min(2, total_processed[c] + carried_over[c])) for c in APPLICANT_COLUMNS}
        new = {c: total_processed[c] + carried_over[c] - carried_in[c] for c in APPLICANT_COLUMNS}
        rows = {"new": new, "carried_in": carried_in, **by_row, "total_processed": dict(total_processed),
                "carried_over": carried_over}
        if unbalanced:
            rows["total_processed"]["natural_person"] += 5  # outcomes no longer add up
        for r, vals in rows.items():
            for c in APPLICANT_COLUMNS:
                cells.append(("requests", r, c, vals[c]))
            cells.append(("requests", r, "total", sum(vals.values())))
        for i, r in enumerate(REVIEW_ROWS):
            vals = {c: rng.randint(0, 4) for c in REVIEW_COLUMNS}
            if r == "litigation_direct" and lawsuits is not None:
                vals = {"upheld": lawsuits, "corrected": 0, "other": 0, "pending": 0}
            if r == "review" and corrected is not None:
                vals["corrected"] = corrected
            for c in REVIEW_COLUMNS:
                cells.append(("review", r, c, vals[c]))
            cells.append(("review", r, "total", sum(vals.values())))
        return [{"table_name": t, "row_key": r, "col_key": c, "value": v, "raw_text": str(v)} for t, r, c, v in cells]

    @staticmethod
    def evaluate_checks(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
        v = {(c["table_name"], c["row_key"], c["col_key"]): c["value"] for c in cells}
        req = lambda r, c: v.get(("requests", r, c)) or 0  # noqa: E731
        outcome_rows = sorted({k[1] for k in v if k[0] == "requests"} - {"new", "carried_in", "total_processed", "carried_over"})
        cols = APPLICANT_COLUMNS + ["total"]
        bad = [c for c in cols if req("new", c) + req("carried_in", c) != req("total_processed", c) + req("carried_over", c)]
        out = [{"check_name": "requests_balance", "passed": int(not bad), "detail": f"columns {bad}" if bad else ""}]
        bad = [c for c in cols if req("total_processed", c) != sum(req(r, c) for r in outcome_rows)]
        out.append({"check_name": "requests_outcomes_sum", "passed": int(not bad),
                    "detail": f"total_processed differs from the outcomes in {bad}" if bad else ""})
        rows = sorted({k[1] for k in v if k[0] == "requests"})
        bad = [r for r in rows if req(r, "total") != sum(req(r, c) for c in APPLICANT_COLUMNS)]
        out.append({"check_name": "requests_row_total", "passed": int(not bad), "detail": f"rows {bad}" if bad else ""})
        rv = lambda r, c: v.get(("review", r, c)) or 0  # noqa: E731
        bad = [r for r in REVIEW_ROWS if rv(r, "total") != sum(rv(r, c) for c in REVIEW_COLUMNS)]
        out.append({"check_name": "review_total", "passed": int(not bad), "detail": f"rows {bad}" if bad else ""})
        return out

    def report_text(self, agency: str, year: int, cells: list[dict[str, Any]], extra: str = "") -> str:
        v = {(c["table_name"], c["row_key"], c["col_key"]): c["value"] for c in cells}
        fill = dict(year=year, agency=agency, n1=self.rng.randint(100, 3000), n2=self.rng.randint(5, 90),
                    n3=self.rng.randint(100, 9000), n4=self.rng.randint(10, 900),
                    new=v.get(("requests", "new", "total"), 0), reviews=v.get(("review", "review", "total"), 0),
                    lawsuits=(v.get(("review", "litigation_direct", "total"), 0) or 0)
                    + (v.get(("review", "litigation_after_review", "total"), 0) or 0))
        paras = [p.format(**fill) for p in PARAGRAPHS]
        if extra:
            paras.insert(3, extra)
        return f"{agency}{year}年政府信息公开工作年度报告\n" + "\n".join(paras)

    # -- rows ---------------------------------------------------------------------------
    def add_report(self, *, agency: str, year: int, province: str | None = None, city: str | None = None,
                   county: str | None = None, level: str = "county", template: str = "2021",
                   title: str | None = None, docs: list[DocSpec] | None = None, extra_text: str = "",
                   unbalanced: bool = False, refusals: dict[str, int] | None = None,
                   lawsuits: int | None = None, versions: int = 1, site_id: str = "fixture-site",
                   with_statistics: bool | None = None, agency_key: str | None = None,
                   region_code: str | None = None, revision: dict[tuple[str, str, str], Any] | None = None,
                   corrected: int | None = None, version_created_at: str | None = None) -> int:
        """One report. `agency_key` joins reports printed under another name (an alias row is kept);
        `region_code` defaults to the division of province/city/county; `revision` {(table, row, col):
        old value} makes a second version whose changes_json is what archive/store.py writes;
        `corrected` sets 行政复议 结果纠正."""
        db = self.db
        title = title or f"{agency}{year}年政府信息公开工作年度报告"
        with_statistics = template in ("2019", "2021") if with_statistics is None else with_statistics
        cells = self.statistics(template, unbalanced=unbalanced, refusals=refusals, lawsuits=lawsuits,
                                corrected=corrected) if with_statistics else []
        agency_key = agency_key or hashlib.sha1(agency.encode()).hexdigest()[:12]
        db["agency_aliases"].insert({"alias": agency, "agency_key": agency_key, "site_id": site_id,
                                     "first_seen_at": f"{year + 1}-02-01T02:00:00Z"}, ignore=True)
        if region_code is None and (province or city or county):
            region_code = _region_code(province, city, county)
        versions = 2 if revision else versions
        rid = db["reports"].insert({
            "agency": agency, "agency_key": agency_key, "year": year, "title": title, "template": template,
            "level": level, "province": province, "city": city, "county": county, "region_code": region_code,
            "is_aggregate": 0, "published": f"{year + 1}-01-20", "site_id": site_id,
            "first_seen_at": f"{year + 1}-02-01T02:00:00Z", "last_seen_at": "2024-03-01T02:00:00Z",
            "current_version": versions, "run_id": self._run_id,
        }).last_pk
        slug = f"{agency_key}-{year}"
        docs = docs or [DocSpec(url=f"http://fixture.gov.cn/zfxxgk/zfxxgknb/{slug}.html",
                                text=self.report_text(agency, year, cells, extra_text), title=title)]
        doc_ids = []
        for d in docs:
            body = d.body if d.body is not None else (
                "<!doctype html><html><head><meta charset='utf-8'><title>" + (d.title or "") + "</title></head><body>"
                + "".join(f"<p>{line}</p>" for line in d.text.split("\n")) + "</body></html>").encode("utf-8")
            warc_file, offset, record_id = self.write_capture(d.url, body, d.content_type, gzip_encoded=d.gzip_encoded)
            sha = hashlib.sha256(body).hexdigest()
            doc_id = db["documents"].insert({
                "report_id": rid, "url": d.url, "final_url": d.url, "sha256": sha, "format": d.format,
                "size": len(body), "content_type": d.content_type, "fetched_at": "2024-03-01T02:00:05Z",
                "http_status": 200, "warc_file": warc_file, "warc_offset": offset, "warc_record_id": record_id,
                "role": d.role, "site_id": site_id, "title": d.title, "text": d.text,
                "document_json": json.dumps({"blocks": [{"kind": "paragraph", "text": t} for t in d.text.split("\n")]},
                                            ensure_ascii=False),
                "extractor": "fixture", "run_id": self._run_id,
            }).last_pk
            doc_ids.append(doc_id)
            db["document_locations"].insert({"document_id": doc_id, "url": d.url, "site_id": site_id,
                                             "first_seen_at": "2024-03-01T02:00:05Z",
                                             "last_seen_at": "2024-03-01T02:00:05Z", "run_id": self._run_id})
            db["captures"].insert({"document_id": doc_id, "url": d.url, "final_url": d.url, "http_status": 200,
                                   "fetched_at": "2024-03-01T02:00:05Z", "sha256": sha, "warc_file": warc_file,
                                   "warc_offset": offset, "warc_record_id": record_id, "site_id": site_id,
                                   "run_id": self._run_id})
        for v in range(1, versions + 1):
            changes: Any = [] if v == 1 else [{"table": "requests", "row": "granted", "col": "total",
                                               "old": v, "new": v + 3}]
            if revision and v == 2:
                new_values = {(c["table_name"], c["row_key"], c["col_key"]): c["value"] for c in cells}
                changed = [{"table": t, "row": r, "col": c, "old": old, "new": new_values.get((t, r, c))}
                           for (t, r, c), old in revision.items()]
                changes = {"documents_added": doc_ids[-1:], "documents_removed": [], "cells_changed": changed,
                           "cells_changed_count": len(changed), "text": []}
            created = version_created_at if (version_created_at and v == versions) else f"{2023 + v}-03-01T02:00:00Z"
            db["report_versions"].insert({
                "report_id": rid, "version": v, "created_at": created, "run_id": self._run_id,
                "content_sha256": hashlib.sha256(f"{rid}-{v}".encode()).hexdigest(),
                "document_ids_json": json.dumps(doc_ids), "changes_json": json.dumps(changes, ensure_ascii=False),
                "is_current": int(v == versions), "parser": "fixture", "extractor": "fixture"})
        for i, c in enumerate(cells):
            row = {**c, "report_id": rid, "version": versions, "document_id": doc_ids[-1], "source": "table",
                   "raw_label": c["row_key"], "confidence": 1.0, "parser": "fixture", "run_id": self._run_id,
                   "table_index": {"active": 0, "requests": 1, "review": 2}[c["table_name"]]}
            db["statistics"].insert(row)
        if cells:
            for chk in self.evaluate_checks(cells):
                db["checks"].insert({**chk, "report_id": rid, "version": versions, "parser": "fixture",
                                     "run_id": self._run_id})
        return rid


def build_sample_archive(tmp_path: str | Path, *, index: bool = True) -> Built:
    """The standard fixture: 10 reports, 3 templates, 4 provinces, a failing check, a PDF, gzip."""
    tmp_path = Path(tmp_path)
    b = ArchiveBuilder(tmp_path / "archive.db")
    built = Built(b.db_path, b.warc_dir)
    ids = built.report_ids
    ids["liulin_2021"] = b.add_report(agency="清河县柳林镇人民政府", year=2021, province="河北省", city="邢台市",
                                      county="清河县", level="town", template="2021", lawsuits=3,
                                      extra_text="本年度行政复议纠错1件，已按复议决定重新答复。")
    ids["liulin_2022"] = b.add_report(agency="清河县柳林镇人民政府", year=2022, province="河北省", city="邢台市",
                                      county="清河县", level="town", template="2021", versions=2,
                                      refusals={"unable_not_held": 9})
    ids["liulin_2020"] = b.add_report(agency="清河县柳林镇人民政府", year=2020, province="河北省", city="邢台市",
                                      county="清河县", level="town", template="2019")
    ids["kunming_hr_2021"] = b.add_report(agency="昆明市人力资源和社会保障局", year=2021, province="云南省",
                                          city="昆明市", level="city", template="2021", unbalanced=True,
                                          refusals={"denied_third_party": 4, "rejected_petition": 6}, lawsuits=7)
    ids["kunming_hr_2022"] = b.add_report(agency="昆明市人力资源和社会保障局", year=2022, province="云南省",
                                          city="昆明市", level="city", template="2021", lawsuits=5)
    ids["henan_sports_2018"] = b.add_report(
        agency="河南省体育局", year=2018, province="河南省", level="province", template="pre2019",
        docs=[DocSpec(url="http://tyj.henan.gov.cn/zfxxgk/zfxxgknb/2018.html", title="河南省体育局2018年政府信息公开工作年度报告",
                      text="河南省体育局2018年政府信息公开工作年度报告\n一、概述\n2018年，我局认真贯彻落实条例。\n"
                           "二、依申请公开和不予公开情况\n全年受理依申请公开12件。\n三、收费及减免情况\n未收取任何费用。\n"
                           "四、因政府信息公开申请行政复议、提起行政诉讼的情况\n未发生行政复议和行政诉讼。",
                      gzip_encoded=True)])
    pdf = _tiny_pdf("2021 report")
    ids["henan_sports_2021"] = b.add_report(
        agency="河南省体育局", year=2021, province="河南省", level="province", template="2021",
        docs=[DocSpec(url="http://tyj.henan.gov.cn/zfxxgk/zfxxgknb/2021.html", title="河南省体育局2021年政府信息公开工作年度报告",
                      text="河南省体育局2021年政府信息公开工作年度报告\n详见附件。"),
              DocSpec(url="http://tyj.henan.gov.cn/zfxxgk/zfxxgknb/2021.pdf", title="附件：年度报告（PDF）",
                      text="结 果 维 持\n行政复议 2 件\n按GB 2312编码发布。本年度收到行政诉讼应诉案件1件。",
                      format="pdf", content_type="application/pdf", body=pdf, role="attachment")])
    ids["xiangyang_2019"] = b.add_report(agency="襄阳市住房和城乡建设局", year=2019, province="湖北省", city="襄阳市",
                                         level="city", template="2019",
                                         extra_text="申请人对答复不服申请复议的，均依法办理。")
    ids["xiangyang_2021"] = b.add_report(agency="襄阳市住房和城乡建设局", year=2021, province="湖北省", city="襄阳市",
                                         level="city", template="2021", refusals={"denied_process": 2},
                                         extra_text="（六）其他处理：申请人无正当理由逾期不补正3件。")
    ids["mohrss_2022"] = b.add_report(agency="人力资源社会保障部", year=2022, level="national", template="2021",
                                      lawsuits=11, extra_text="依据GB/T 7714开展档案数字化，复议案件全部在法定期限内办结。")
    if index:
        from archive.search import refresh_index
        refresh_index(b.db)
    b.db.conn.close()
    return built


def _region_code(province: str | None, city: str | None, county: str | None) -> str | None:
    """The division code of the most specific of the names, as parsers/report/metadata.py sets it."""
    from parsers.report import regions
    chain = regions.find_regions("".join(n for n in (province, city, county) if n))
    return chain[-1][0].code if chain and len(chain[-1]) == 1 else None


# A city of several counties, agencies that changed their name, a year not published, a revision,
# and a second province: what the agency, place and feed pages have to show.
JOURNALIST_AGENCIES = [
    # label, agency, key, level, city, county, years
    ("qinghe_gov", "清河县人民政府", "清河县", "county", "邢台市", "清河县", range(2019, 2024)),
    ("liulin", "清河县柳林镇人民政府", "清河县柳林镇", "town", "邢台市", "清河县", range(2019, 2024)),
    ("weixian_edu", "威县教育局", "威县教育局", "department", "邢台市", "威县", range(2019, 2023)),
    ("linxi_police", "临西县公安局", "临西县公安局", "department", "邢台市", "临西县", (2020, 2021, 2023)),
    ("xingtai_eco", "邢台市生态环境局", "邢台市生态环境局", "department", "邢台市", None, range(2020, 2024)),
    ("sjz_hr", "石家庄市人力资源和社会保障局", "石家庄市人力资源和社会保障局", "department", "石家庄市", None,
     range(2021, 2024)),
]


def build_journalist_archive(tmp_path: str | Path) -> Built:
    """Several agencies over 2019–2023 in 河北省 (邢台市's counties, 石家庄市), for the agency and
    place pages: 柳林镇 printed its 2020 report under its short name, 临西县公安局 has no 2022
    report and 威县教育局 none for 2023, 清河县人民政府's 2022 report was revised (two cells)."""
    tmp_path = Path(tmp_path)
    b = ArchiveBuilder(tmp_path / "journalist.db", seed=13)
    built = Built(b.db_path, b.warc_dir)
    for label, agency, key, level, city, county, years in JOURNALIST_AGENCIES:
        for year in years:
            name = "柳林镇人民政府" if (label == "liulin" and year == 2020) else agency
            kwargs: dict[str, Any] = {}
            if label == "qinghe_gov" and year == 2022:
                kwargs["revision"] = {("requests", "new", "total"): 3, ("review", "review", "corrected"): 0}
                kwargs["version_created_at"] = "2024-05-20T02:00:00Z"
            if label == "qinghe_gov":
                kwargs["lawsuits"] = 14 + year - 2019  # direct ones; with those after review, the most
                kwargs["corrected"] = 1 + year % 2
            built.report_ids[f"{label}_{year}"] = b.add_report(
                agency=name, agency_key=key, year=year, province="河北省", city=city, county=county, level=level,
                template="2019" if year == 2019 else "2021",
                refusals={"denied_third_party": year - 2017, "unable_not_held": 2 * (year - 2018)}, **kwargs)
    from archive.search import refresh_index
    refresh_index(b.db)
    b.db.conn.close()
    return built


def _tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF (so browsers and the replay endpoint see real PDF bytes)."""
    content = f"BT /F1 18 Tf 40 100 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)
