"""Chinese full-text search over the archive: exact substring recall at every query length.

SQLite's FTS5 tokenizers do not fit Chinese: `unicode61` makes a whole run of Chinese
characters one token, `trigram` cannot answer one- or two-character queries. We tokenise
in Python instead and give FTS5 pre-split text through the `ascii` tokenizer (which
splits on spaces and ASCII punctuation only, and keeps every non-ASCII character inside
tokens):

* column `u`: the distinct characters of the report, once each. One-character queries
  need only "does the report contain it", and storing each character once instead of
  at every position keeps this column small.
* column `b`: every overlapping bigram, in order. A two-character query is one token;
  a longer one is the phrase of its overlapping bigrams, which matches exactly where
  the query is a substring.

Text and query go through the same `normalize` (NFKC, lower case, whitespace removed,
ASCII punctuation turned full-width so it stays inside tokens), so a report matches
exactly when the normalised query is a substring of its normalised text. Removing
whitespace is deliberate: PDF extraction spaces glyphs out (`结 果 维 持`) and a
journalist searching 结果维持 must still find it.

The FTS table is contentless (the text lives in `documents`); `search_source` keeps the
normalised text zlib-compressed, because deleting a row from a contentless FTS5 table
needs the tokens it was indexed with.

`match_expression` is also installed in datasette as `escape_fts` (see
archive/datasette/plugins/nianbao.py), so the search box there gives the same answers.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
import zlib
from dataclasses import asdict, dataclass
from operator import add
from typing import Any, Iterable, Iterator

import sqlite_utils

FTS_TABLE = "search_fts"
SOURCE_TABLE = "search_source"

# documents are joined with a private-use character so no bigram spans two documents
# that a query could match
_SEP = "\ue000"
_PUNCT_TO_FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F) if not chr(c).isalnum()}
_FULLWIDTH_TO_PUNCT = {chr(v): chr(k) for k, v in _PUNCT_TO_FULLWIDTH.items()}
# whitespace, control characters and our separator (if it ever occurs in real text)
_DROP = re.compile(r"[\s\x00-\x1f\x7f\ue000]+")


@dataclass
class Hit:
    report_id: int
    agency: str | None
    year: int | None
    title: str | None
    template: str | None
    snippet: str  # the match wrapped in ** **
    url: str | None
    score: float
    province: str | None = None
    city: str | None = None
    county: str | None = None
    document_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalize(text: str) -> str:
    """The searchable form of a text: NFKC, lower case, no whitespace, punctuation kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _DROP.sub("", text).translate(_PUNCT_TO_FULLWIDTH)


def tokens(normalized: str) -> tuple[str, str]:
    """The `u` and `b` column values for an already normalised text."""
    unigrams = " ".join(dict.fromkeys(normalized.replace(_SEP, "")))
    bigrams = " ".join(map(add, normalized, normalized[1:]))
    return unigrams, bigrams


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression equivalent to "normalised query is a substring"; None if blank."""
    q = normalize(query or "")
    if not q:
        return None
    if len(q) == 1:
        return f'u : "{q}"'
    # normalize() made `"` full-width, so nothing inside the phrase needs escaping
    return 'b : "' + " ".join(q[i:i + 2] for i in range(len(q) - 1)) + '"'


def ensure_tables(db: sqlite_utils.Database) -> None:
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "u, b, content='', tokenize='ascii', detail=full)"
    )
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {SOURCE_TABLE} ("
        "report_id INTEGER PRIMARY KEY, text_z BLOB NOT NULL, chars INTEGER NOT NULL)"
    )


def _report_texts(db: sqlite_utils.Database, report_ids: list[int] | None) -> Iterator[tuple[int, str]]:
    """(report_id, normalised text) per report: its documents' titles and texts in id order."""
    sql = "SELECT report_id, title, text FROM documents WHERE report_id IS NOT NULL"
    params: list[Any] = []
    if report_ids is not None:
        sql += f" AND report_id IN ({','.join('?' * len(report_ids))})"
        params = list(report_ids)
    sql += " ORDER BY report_id, id"
    current, parts = None, []
    for report_id, title, text in db.execute(sql, params):
        if report_id != current:
            if current is not None:
                yield current, _SEP.join(parts)
            current, parts = report_id, []
        parts.extend(normalize(p) for p in (title, text) if p)
    if current is not None:
        yield current, _SEP.join(parts)


def report_text(db: sqlite_utils.Database, report_id: int) -> str:
    """The normalised text a report is searched in (for tests and reference scans)."""
    return next((t for _, t in _report_texts(db, [report_id])), "")


def _delete(conn: sqlite3.Connection, report_ids: Iterable[int]) -> None:
    for rid in report_ids:
        row = conn.execute(f"SELECT text_z FROM {SOURCE_TABLE} WHERE report_id = ?", [rid]).fetchone()
        if row is None:
            continue
        u, b = tokens(zlib.decompress(row[0]).decode("utf-8"))
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, u, b) VALUES ('delete', ?, ?, ?)", [rid, u, b])
        conn.execute(f"DELETE FROM {SOURCE_TABLE} WHERE report_id = ?", [rid])


def _insert(conn: sqlite3.Connection, texts: Iterable[tuple[int, str]], batch: int = 500) -> int:
    n, rows, sources = 0, [], []
    for rid, text in texts:
        if not text:
            continue
        u, b = tokens(text)
        rows.append((rid, u, b))
        sources.append((rid, zlib.compress(text.encode("utf-8"), 6), len(text)))
        if len(rows) >= batch:
            n += _flush(conn, rows, sources)
    return n + _flush(conn, rows, sources)


def _flush(conn: sqlite3.Connection, rows: list, sources: list) -> int:
    conn.executemany(f"INSERT INTO {FTS_TABLE}(rowid, u, b) VALUES (?, ?, ?)", rows)
    conn.executemany(f"INSERT INTO {SOURCE_TABLE}(report_id, text_z, chars) VALUES (?, ?, ?)", sources)
    n = len(rows)
    rows.clear()
    sources.clear()
    return n


def refresh_index(db: sqlite_utils.Database, report_ids: list[int] | None = None) -> None:
    """Re-index the given reports (None: rebuild the whole index) from their documents."""
    ensure_tables(db)
    conn = db.conn
    with conn:
        if report_ids is None:
            conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
            conn.execute(f"DELETE FROM {SOURCE_TABLE}")
            _insert(conn, _report_texts(db, None))
            conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
            return
        ids = sorted({int(r) for r in report_ids})
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            _delete(conn, chunk)
            _insert(conn, _report_texts(db, chunk))


def index_exists(db: sqlite_utils.Database) -> bool:
    return db.execute(
        "SELECT 1 FROM sqlite_master WHERE name = ?", [FTS_TABLE]).fetchone() is not None


def matching_ids(db: sqlite_utils.Database, query: str) -> list[int]:
    """Every report whose text contains the query (unranked): the core the benchmark times."""
    expr = match_expression(query)
    if expr is None:
        return []
    return [r[0] for r in db.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", [expr])]


def search(db: sqlite_utils.Database, query: str, *, year: int | None = None, agency: str | None = None,
           region: str | None = None, template: str | None = None, limit: int | None = None) -> list[Hit]:
    """Reports containing `query`, best first (bm25 over the bigrams, then newest year)."""
    expr = match_expression(query)
    if expr is None:
        return []
    where, params = [f"{FTS_TABLE} MATCH ?"], [expr]
    if year is not None:
        where.append("r.year = ?")
        params.append(year)
    if agency:
        where.append("r.agency LIKE ?")
        params.append(f"%{agency}%")
    if region:
        where.append("(r.province LIKE ? OR r.city LIKE ? OR r.county LIKE ?)")
        params += [f"%{region}%"] * 3
    if template:
        where.append("r.template = ?")
        params.append(template)
    sql = (
        f"SELECT r.id, r.agency, r.year, r.title, r.template, r.province, r.city, r.county, "
        f"bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} JOIN reports r ON r.id = {FTS_TABLE}.rowid "
        f"WHERE {' AND '.join(where)} ORDER BY score, r.year DESC, r.id"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    rows = list(db.execute(sql, params))
    snippets = _snippets(db, [r[0] for r in rows], query)
    hits = []
    for rid, agency_, year_, title, template_, province, city, county, score in rows:
        snippet, url, doc_id = snippets.get(rid, ("", None, None))
        hits.append(Hit(report_id=rid, agency=agency_, year=year_, title=title, template=template_,
                        snippet=snippet, url=url, score=round(-score, 6), province=province,
                        city=city, county=county, document_id=doc_id))
    return hits


def query_pattern(query: str) -> re.Pattern[str]:
    """A regex finding the query in the original text the way the index matches it:
    spacing ignored, case ignored, full-width and ASCII forms of a character alike."""
    parts = []
    for ch in normalize(query):
        forms = {ch}
        if ch in _FULLWIDTH_TO_PUNCT:
            forms.add(_FULLWIDTH_TO_PUNCT[ch])
        elif ch.isascii() and ch.isalnum():
            forms.add(chr(ord(ch) + 0xFEE0))
        alts = sorted(re.escape(f) for f in forms)
        parts.append(alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")")
    return re.compile(r"\s*".join(parts), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str], *, before: int = 40, after: int = 80,
              mark: tuple[str, str] = ("**", "**")) -> str | None:
    """A one-line excerpt of `text` around the first match, the match wrapped in `mark`."""
    flat = " ".join(text.split())
    m = pattern.search(flat)
    if not m:  # a rarer NFKC equivalence (e.g. ① for 1): show the normalised text instead
        flat = " ".join(unicodedata.normalize("NFKC", text).split())
        m = pattern.search(flat)
    if not m:
        return None
    start, end = max(0, m.start() - before), min(len(flat), m.end() + after)
    return ("…" if start else "") + flat[start:m.start()] + mark[0] + m.group(0) + mark[1] + \
        flat[m.end():end] + ("…" if end < len(flat) else "")


def _snippets(db: sqlite_utils.Database, report_ids: list[int], query: str) -> dict[int, tuple[str, str | None, int | None]]:
    """Per report: (snippet, URL of the document it comes from, that document's id)."""
    pattern = query_pattern(query)
    out: dict[int, tuple[str, str | None, int | None]] = {}
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start:start + 500]
        sql = (f"SELECT report_id, id, url, title, text FROM documents WHERE report_id IN "
               f"({','.join('?' * len(chunk))}) ORDER BY report_id, id")
        for rid, doc_id, url, title, text in db.execute(sql, chunk):
            if rid in out and out[rid][0]:
                continue
            snippet = None
            for part in (title, text):
                if part and (snippet := highlight(part, pattern)):
                    break
            if snippet:
                out[rid] = (snippet, url, doc_id)
            elif rid not in out:
                out[rid] = ("", url, doc_id)  # first document's URL until a match is found
    return out
