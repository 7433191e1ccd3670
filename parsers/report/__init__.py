"""One report's documents → template, metadata, sections, statistics cells and checks.

This is the parser the harvest calls (`parse_report`); keep its signature
stable. Documents of one report are merged: the document whose tables yield
the most cells supplies the statistics; a table that no document has as a
real table is read from flattened text; prose supplies sections and, for
pre-2019 reports (and as a cross-check), headline figures. Values are never
repaired: uncertain cells carry flags and a lower confidence instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .checks import CheckResult, run_checks
from .flat_text import parse_flat_text
from .metadata import read_metadata
from ..model import Document, table_text
from .prose_figures import prose_figures
from .row_alignment import table_label
from .sections import Section, split_sections
from .statistics_tables import StatCell, parse_tables
from .template import detect_template, template_from_labels

PARSER_VERSION = "1.0.0"

__all__ = ["PARSER_VERSION", "ParsedReport", "Section", "StatCell", "CheckResult", "parse_report"]

# 万元 amounts above these are almost certainly entered in 元 (seed 003: 498742.4 for one town).
_UNIT_LIMIT = {"town": 5_000, "county": 50_000, "department": 50_000, "city": 500_000}
_UNIT_LIMIT_DEFAULT = 1_000_000


@dataclass
class ParsedReport:
    template: str
    year: int | None
    agency: str | None
    agency_short: str | None
    level: str | None
    province: str | None
    city: str | None
    county: str | None
    region_code: str | None
    is_aggregate: bool
    published: str | None
    sections: list[Section] = field(default_factory=list)
    cells: list[StatCell] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _text_lines(doc: Document) -> list[str]:
    return [line for line, _page in _paged_lines(doc)]


def _paged_lines(doc: Document) -> list[tuple[str, int | None]]:
    """The document's non-table text, line by line, with the PDF page of each line."""
    if doc.blocks:
        return [(line, b.source.page) for b in doc.blocks if b.kind != "table" for line in b.text.split("\n")]
    return [(line, None) for line in (doc.text or "").split("\n")]


def _flag_outliers(cells: list[StatCell], level: str | None) -> None:
    limit = _UNIT_LIMIT.get(level or "", _UNIT_LIMIT_DEFAULT)
    for c in cells:
        if c.col_key == "amount_10k_yuan" and isinstance(c.value, (int, float)) and c.value > limit:
            c.flags.append("unit_outlier")
            c.confidence = min(c.confidence, 0.5)


def _ocr_cell(doc: Document, c: StatCell):
    """The document's table cell a statistics cell was read from, if it can be found."""
    tables = doc.tables
    if c.table_index is None or c.row_index is None or c.col_index is None or c.table_index >= len(tables):
        return None
    rows = tables[c.table_index].rows or []
    if c.row_index >= len(rows) or c.col_index >= len(rows[c.row_index]):
        return None
    return rows[c.row_index][c.col_index]


def _flag_doubts(cells: list[StatCell], checks: list[CheckResult], documents: list[Document]) -> int:
    """Mark what the parser cannot vouch for, so no number enters the archive looking surer than it is.

    - every cell read by OCR: 'ocr' (provenance, not doubt), confidence at most the OCR's confidence in
      that cell (or the page's mean), and the OCR's own doubt ('suspect': two readings that differ,
      ink without digits, a low-confidence reading);
    - an OCR'd cell whose text is no count (a fraction, a negative, unreadable): 'suspect' too;
    - every cell of an identity that fails: 'fails_check' (a finding in a born-digital report, most
      likely a misread in a scan, so every such OCR'd cell is 'suspect'); in a born-digital report a
      cell in failing identities of two checks or more (a row rule and a column rule crossing at it)
      is the probable culprit: 'suspect'. Values are never changed;
    - an OCR'd table cell that no identity confirmed because each identity it is in lacks another
      cell (a row lost, a blank read): 'unconfirmed' and 'suspect' — on a copier scan a stray or
      lost stroke ("154" for "15", "" for "0") looks like any other reading, and only the
      arithmetic could have vouched for it. Returns how many cells that made unconfirmed.
    """
    failing: dict[str, set[str]] = {}
    held: set[str] = set()
    unevaluated: set[str] = set()
    for check in checks:
        for name in check.cells:
            failing.setdefault(name, set()).add(check.name)
        held.update(check.held)
        unevaluated.update(check.unevaluated)
    unconfirmed = 0
    for c in cells:
        doc = documents[c.document_index] if 0 <= c.document_index < len(documents) else None
        ocr = bool(doc and doc.ocr)
        if ocr and c.source != "prose":
            c.flags.append("ocr")
            read = _ocr_cell(doc, c) if c.source == "table" else None
            if read is not None and read.confidence is not None:
                # The OCR's own word on this cell (its reading's confidence, `suspect`) beats the page's mean.
                c.confidence = min(c.confidence, read.confidence)
                c.flags += [f for f in read.flags if f not in c.flags]
            else:
                c.confidence = min(c.confidence, doc.ocr_confidence if doc.ocr_confidence is not None else 0.8)
            if ((c.value is not None and {"non_integer", "negative"} & set(c.flags)) or "unparsed" in c.flags) \
                    and "suspect" not in c.flags:
                c.flags.append("suspect")  # "0.2" for "0 2": two cells read as one
                c.confidence = min(c.confidence, 0.2)
            name = f"{c.table_name}.{c.row_key}.{c.col_key}"
            if c.source == "table" and name in unevaluated and name not in held:
                c.flags.append("unconfirmed")
                if "suspect" not in c.flags:
                    c.flags.append("suspect")
                c.confidence = min(c.confidence, 0.4)
                unconfirmed += 1
        hit = failing.get(f"{c.table_name}.{c.row_key}.{c.col_key}")
        if hit and c.source != "prose":
            c.flags.append("fails_check")
            c.confidence = min(c.confidence, 0.3 if ocr else 0.7)
            if (len(hit) >= 2 or ocr) and "suspect" not in c.flags:
                c.flags.append("suspect")
            if len(hit) >= 2:  # where two failing identities cross: the probable culprit
                c.confidence = min(c.confidence, 0.1 if ocr else 0.5)
            elif ocr:
                c.confidence = min(c.confidence, 0.25)
    return unconfirmed


def _blank_scanned_rows(cells: list[StatCell]) -> list[str]:
    """A scanned table row read blank from end to end while other rows of its table have numbers:
    'suspect', and named in the returned warnings (a row cut where two page images meet reads
    blank; on a scan a blank row and a lost one look alike). Runs after `_flag_doubts` ('ocr')."""
    rows: dict[tuple[str, str], list[StatCell]] = {}
    for c in cells:
        if c.source == "table" and "ocr" in c.flags and c.table_name in ("requests", "active"):
            rows.setdefault((c.table_name, c.row_key), []).append(c)
    with_numbers = {t for (t, _r), row in rows.items() if any(c.value is not None for c in row)}
    warnings = []
    for (table, row_key), row in rows.items():
        if table in with_numbers and all(c.value is None for c in row) and not any("no_cells" in c.flags for c in row):
            for c in row:
                if "suspect" not in c.flags:
                    c.flags.append("suspect")
                c.confidence = min(c.confidence, 0.3)
            warnings.append(f"{table}.{row_key}: scanned row read blank in every cell while the table has numbers; "
                            "check the page (a row cut between page images reads blank)")
    return warnings


def parse_report(documents: list[Document], *, year_hint: int | None = None,
                 agency_hint: str | None = None, site_name: str | None = None) -> ParsedReport:
    documents = [d for d in documents if d is not None]
    warnings: list[str] = []
    for i, d in enumerate(documents):
        if d.error:
            warnings.append(f"document {i}: {d.error}")
        if d.ocr:
            warnings.append(f"document {i}: text from OCR"
                            + (f" (confidence {d.ocr_confidence:.2f})" if d.ocr_confidence is not None else ""))
    meta = read_metadata(documents, year_hint=year_hint, agency_hint=agency_hint, site_name=site_name)
    warnings += meta.warnings
    full_text = "\n".join(
        "\n".join([d.text or ""] + [b.text or table_text(b.rows or []) for b in d.blocks if b.kind == "table"])
        for d in documents)
    template, evidence = detect_template(full_text, meta.year)
    if template == "unknown" and any(d.ocr for d in documents):
        # A photocopy's OCR can garble every marker; its table labels still say which form it is.
        template, evidence = template_from_labels(
            [c.text for d in documents for b in d.tables for row in b.rows or [] for c in row], meta.year)
        if template != "unknown":
            warnings.append(f"template {template} read from damaged table labels ({', '.join(evidence[:3])})")

    cells: list[StatCell] = []
    if template in ("2019", "2021"):
        cells, more = _statistics(documents, template)
        warnings += more
        _flag_outliers(cells, meta.level)
        if meta.year is not None and (meta.year >= 2021) != (template == "2021"):
            warnings.append(f"report year {meta.year} uses the {template} template ({', '.join(evidence[:3])})")

    # Sections from the document with the most prose.
    prose_docs = sorted(range(len(documents)), key=lambda i: -len("".join(_text_lines(documents[i]))))
    sections: list[Section] = []
    if prose_docs:
        sections = split_sections(_text_lines(documents[prose_docs[0]]))
        body = "\n".join(_text_lines(documents[prose_docs[0]]))
        # Prose figures are kept for every template: the only figures of a pre-2019 report, a cross-check
        # of the tables otherwise (table_name 'prose', never mixed with the schema tables).
        prose = prose_figures(body, prose_docs[0])
        cells += prose
        warnings += _prose_vs_tables(prose, cells)
    checks = run_checks(cells, template)
    unconfirmed = _flag_doubts(cells, checks, documents)
    if unconfirmed:
        warnings.append(f"{unconfirmed} scanned cells unconfirmed: every identity they are in lacks a cell "
                        "(see the checks); flagged suspect")
    warnings += _blank_scanned_rows(cells)
    return ParsedReport(template=template, year=meta.year, agency=meta.agency, agency_short=meta.agency_short,
                        level=meta.level, province=meta.province, city=meta.city, county=meta.county,
                        region_code=meta.region_code, is_aggregate=meta.is_aggregate, published=meta.published,
                        sections=sections, cells=cells, checks=checks, warnings=warnings)


def _statistics(documents: list[Document], template: str) -> tuple[list[StatCell], list[str]]:
    """Cells from the best table document, then flat text for tables it lacks."""
    best: tuple[int, list[StatCell], list[str]] | None = None
    for i, d in enumerate(documents):
        if not d.tables:
            continue
        cells, warns = parse_tables(d.blocks, i, template)
        if best is None or _score(cells) > _score(best[1]):
            best = (i, cells, warns)
    cells: list[StatCell] = list(best[1]) if best else []
    warnings: list[str] = list(best[2]) if best else []
    have = {c.table_name for c in cells}
    missing = {"active", "requests", "review"} - have
    if missing:
        order = ([best[0]] if best else []) + [i for i in range(len(documents)) if not best or i != best[0]]
        for i in order:
            if not missing:
                break
            flat, warns = parse_flat_text(_paged_lines(documents[i]), i, template, tables=missing)
            if flat:
                cells += flat
                warnings += warns
                missing -= {c.table_name for c in flat}
    for table in ("active", "requests", "review"):
        if table in missing:
            warnings.append(f"table not found: {table} {table_label(template, table)}")
    return cells, warnings


def _score(cells: list[StatCell]) -> float:
    """Cells with values count; blank cells break ties."""
    return sum(c.value is not None for c in cells) + len(cells) / 1000


def _prose_vs_tables(prose: list[StatCell], cells: list[StatCell]) -> list[str]:
    """Prose that contradicts the tables (seed 000: "未收到申请" over a table with a request in it)."""
    stated = {c.row_key: c.value for c in prose}
    table = {(c.table_name, c.row_key, c.col_key): c.value for c in cells if c.source != "prose"}
    out = []
    new_total = table.get(("requests", "new", "total"))
    if stated.get("applications_received") == 0 and isinstance(new_total, (int, float)) and new_total > 0:
        out.append(f"prose says no requests were received, but requests.new.total = {new_total}")
    processed = [f"{r}.{c}" for (t, r, c), v in table.items() if t == "requests" and r != "carried_in"
                 and isinstance(v, (int, float)) and v > 0]
    if stated.get("applications_received") == 0 and processed and not new_total:
        out.append(f"prose says no requests were received, but the requests table counts some ({', '.join(processed[:5])})")
    return out
