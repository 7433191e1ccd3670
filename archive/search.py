"""Chinese full-text search over the archive: exact substring recall at every query length.

SQLite's FTS5 tokenizers do not fit Chinese: `unicode61` makes a whole run of Chinese
characters one token, `trigram` cannot answer one- or two-character queries. We tokenise
in Python and give FTS5 pre-split text through the `ascii` tokenizer (which splits on
spaces and ASCII punctuation only and keeps every non-ASCII character inside tokens):

* `search_fts` (detail=full, no per-row sizes): every overlapping bigram of the report in order, then its
  last character alone. A two-character query is one token; a longer one is the phrase
  of its overlapping bigrams, which matches exactly where the query is a substring; a
  one-character query `c` is the prefix query `"c" *` (every occurrence of c starts a
  bigram, or is the last character).
* `search_chars` (detail=none): each distinct character of the report once. Prefix
  queries over a common character's hundreds of bigrams are slow, so `search` and
  `nianbao search` answer one-character queries here, from doc-level lists only.

Text and query go through the same `normalize` (NFKC, lower case, whitespace removed,
ASCII punctuation turned full-width so it stays inside tokens), so a report matches
exactly when the normalised query is a substring of its normalised text. Removing
whitespace is deliberate: PDF extraction spaces glyphs out (`结 果 维 持`) and a
journalist searching 结果维持 must still find it.

Both FTS tables are contentless (the text lives in `documents`). Deleting a row from a
contentless table needs the tokens it was indexed with, so `search_source` records which
documents (and a hash of their text) each report was indexed from; when those texts
have changed since (a re-extraction), only a full rebuild is exact, and that is what
`refresh_index` then does.

`match_expression` is also installed in datasette as `escape_fts` (see
archive/datasette/plugins/nianbao.py), so its search box gives the same answers.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import unicodedata
from dataclasses import asdict, dataclass
from operator import add
from typing import Any, Iterable, Iterator

import sqlite_utils

logger = logging.getLogger(__name__)

FTS_TABLE = "search_fts"
CHARS_TABLE = "search_chars"
SOURCE_TABLE = "search_source"
_DDL = {
    # columnsize=0: bm25 read every hit's length from the docsize table, a B-tree lookup per
    # hit that made ranking ~4× slower than matching (50 ms vs 11 ms for 30,000 hits)
    FTS_TABLE: f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(b, content='', tokenize='ascii', detail=full, "
               f"columnsize=0)",
    CHARS_TABLE: f"CREATE VIRTUAL TABLE {CHARS_TABLE} USING fts5(u, content='', tokenize='ascii', "
                 f"detail=none, columnsize=0)",
    SOURCE_TABLE: f"CREATE TABLE {SOURCE_TABLE} (report_id INTEGER PRIMARY KEY, docs TEXT NOT NULL, "
                  f"chars INTEGER NOT NULL)",
}

# documents are joined with a private-use character so no bigram spans two documents
# that a query could match
_SEP = "\ue000"
_PUNCT_TO_FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F) if not chr(c).isalnum()}
_FULLWIDTH_TO_PUNCT = {chr(v): chr(k) for k, v in _PUNCT_TO_FULLWIDTH.items()}
# whitespace, control characters and private-use characters (unmapped PDF glyphs, and
# our separator if it ever occurs in real text)
_DROP = re.compile(r"[\s\x00-\x1f\x7f\ue000-\uf8ff]+")


@dataclass
class Hit:
    report_id: int
    agency: str | None
    year: int | None
    title: str | None
    template: str | None
    snippet: str  # the match wrapped in ** **
    url: str | None
    score: float  # higher is better: bm25 without length normalisation (0 for one-character queries)
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
    """The `search_chars` and `search_fts` values for an already normalised text."""
    chars = " ".join(dict.fromkeys(normalized.replace(_SEP, "")))
    bigrams = " ".join(map(add, normalized, normalized[1:]))
    return chars, (bigrams + " " + normalized[-1]) if normalized else ""


def match_expression(query: str) -> str | None:
    """The `search_fts` MATCH expression for "normalised query is a substring"; None if blank."""
    q = normalize(query or "")
    if not q:
        return None
    if len(q) == 1:
        return f'"{q}" *'
    # normalize() made `"` full-width, so nothing inside the phrase needs escaping
    return '"' + " ".join(q[i:i + 2] for i in range(len(q) - 1)) + '"'


def _fast_match(query: str) -> tuple[str, str] | None:
    """(table, MATCH expression): one-character queries go to the doc-level character table."""
    q = normalize(query or "")
    if not q:
        return None
    if len(q) == 1:
        return CHARS_TABLE, f'"{q}"'
    return FTS_TABLE, match_expression(q)  # type: ignore[return-value]


_NO_MATCH = '"\ue001\ue001"'  # normalize() drops private-use characters: no text has this term


def table_expressions(query: str) -> tuple[str, str]:
    """MATCH expressions for (search_fts, search_chars), the one not needed matching nothing:
    lets plain SQL take the fast route as `rowid IN (… fts … UNION ALL … chars …)`."""
    route = _fast_match(query)
    if route is None:
        return _NO_MATCH, _NO_MATCH
    table, expr = route
    return (expr, _NO_MATCH) if table == FTS_TABLE else (_NO_MATCH, expr)


def index_exists(db: sqlite_utils.Database) -> bool:
    """True when all the search tables exist with the current layout."""
    have = {name: sql for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE name IN (?, ?, ?)", list(_DDL)).fetchall()}
    return all(have.get(name) == ddl for name, ddl in _DDL.items())


def ensure_tables(db: sqlite_utils.Database) -> bool:
    """Create the search tables; an older layout is dropped. True if they were (re)created."""
    if index_exists(db):
        return False
    for name in _DDL:
        db.execute(f"DROP TABLE IF EXISTS {name}")
    for ddl in _DDL.values():
        db.execute(ddl)
    return True


def _doc_hash(title: str | None, text: str | None) -> str:
    return hashlib.blake2b(f"{title or ''}\x00{text or ''}".encode("utf-8"), digest_size=8).hexdigest()


def _report_texts(db: sqlite_utils.Database, report_ids: list[int] | None
                  ) -> Iterator[tuple[int, str, list[list[Any]]]]:
    """(report_id, normalised text, [[document id, text hash]…]) per report: its documents'
    titles and texts in id order."""
    sql = "SELECT report_id, id, title, text FROM documents WHERE report_id IS NOT NULL"
    params: list[Any] = []
    if report_ids is not None:
        sql += f" AND report_id IN ({','.join('?' * len(report_ids))})"
        params = list(report_ids)
    sql += " ORDER BY report_id, id"
    current, parts, docs = None, [], []
    for report_id, doc_id, title, text in db.execute(sql, params):
        if report_id != current:
            if current is not None:
                yield current, _SEP.join(parts), docs
            current, parts, docs = report_id, [], []
        parts.extend(normalize(p) for p in (title, text) if p)
        docs.append([doc_id, _doc_hash(title, text)])
    if current is not None:
        yield current, _SEP.join(parts), docs


def report_text(db: sqlite_utils.Database, report_id: int) -> str:
    """The normalised text a report is searched in (for tests and reference scans)."""
    return next((t for _, t, _ in _report_texts(db, [report_id])), "")


class _Stale(Exception):
    """A report's indexed documents changed text since: its old tokens are unknown."""


def _old_text(conn: sqlite3.Connection, docs: list[list[Any]]) -> str:
    parts = []
    for doc_id, digest in docs:
        row = conn.execute("SELECT title, text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None or _doc_hash(*row) != digest:
            raise _Stale(doc_id)
        parts.extend(normalize(p) for p in row if p)
    return _SEP.join(parts)


def _delete(conn: sqlite3.Connection, report_ids: Iterable[int]) -> None:
    for rid in report_ids:
        row = conn.execute(f"SELECT docs FROM {SOURCE_TABLE} WHERE report_id = ?", [rid]).fetchone()
        if row is None:
            continue
        chars, bigrams = tokens(_old_text(conn, json.loads(row[0])))
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, b) VALUES ('delete', ?, ?)", [rid, bigrams])
        conn.execute(f"INSERT INTO {CHARS_TABLE}({CHARS_TABLE}, rowid, u) VALUES ('delete', ?, ?)", [rid, chars])
        conn.execute(f"DELETE FROM {SOURCE_TABLE} WHERE report_id = ?", [rid])


def _insert(conn: sqlite3.Connection, texts: Iterable[tuple[int, str, list]], batch: int = 500) -> int:
    n, rows = 0, []
    for item in texts:
        if item[1]:
            rows.append(item)
        if len(rows) >= batch:
            n += _flush(conn, rows)
    return n + _flush(conn, rows)


def _flush(conn: sqlite3.Connection, rows: list) -> int:
    toks = [(rid, *tokens(text)) for rid, text, _ in rows]
    conn.executemany(f"INSERT INTO {FTS_TABLE}(rowid, b) VALUES (?, ?)", [(r, b) for r, _, b in toks])
    conn.executemany(f"INSERT INTO {CHARS_TABLE}(rowid, u) VALUES (?, ?)", [(r, u) for r, u, _ in toks])
    conn.executemany(f"INSERT INTO {SOURCE_TABLE}(report_id, docs, chars) VALUES (?, ?, ?)",
                     [(rid, json.dumps(docs), len(text)) for rid, text, docs in rows])
    n = len(rows)
    rows.clear()
    return n


def refresh_index(db: sqlite_utils.Database, report_ids: list[int] | None = None) -> None:
    """Re-index the given reports (None: rebuild the whole index) from their documents.

    Call it with the ids of new or changed reports after a harvest, and with None after
    a re-extraction (when documents' texts change, incremental deletes are impossible:
    this falls back to a full rebuild by itself if it finds such a report)."""
    created = ensure_tables(db)
    conn = db.conn
    if report_ids is None or created:
        with conn:
            for table in (FTS_TABLE, CHARS_TABLE):
                conn.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
            conn.execute(f"DELETE FROM {SOURCE_TABLE}")
            _insert(conn, _report_texts(db, None))
            for table in (FTS_TABLE, CHARS_TABLE):
                conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        return
    ids = sorted({int(r) for r in report_ids})
    try:
        with conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                _delete(conn, chunk)
                _insert(conn, _report_texts(db, chunk))
    except _Stale as exc:
        logger.warning("document %s changed text since it was indexed: rebuilding the search index", exc)
        refresh_index(db, None)


def matching_ids(db: sqlite_utils.Database, query: str) -> list[int]:
    """Every report whose text contains the query (unranked): the core the benchmark times."""
    route = _fast_match(query)
    if route is None:
        return []
    table, expr = route
    return [r[0] for r in db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", [expr])]


def search(db: sqlite_utils.Database, query: str, *, year: int | None = None, agency: str | None = None,
           region: str | None = None, template: str | None = None, limit: int | None = None) -> list[Hit]:
    """Reports containing `query`, best first: those containing it most often, then the newest.

    The score is FTS5's bm25 over the bigram table, which keeps no per-report lengths
    (columnsize=0), so it is bm25 without length normalisation: it grows with the number
    of occurrences and saturates (1, 2, 3 … occurrences score 3.2, 3.5, 3.6 … × idf)."""
    route = _fast_match(query)
    if route is None:
        return []
    table, expr = route
    where, params = [f"{table} MATCH ?"], [expr]
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
    # bm25 needs positions; the character table has none (every hit scores 0)
    score = f"bm25({table})" if table == FTS_TABLE else "0.0"
    sql = (
        f"SELECT r.id, r.agency, r.year, r.title, r.template, r.province, r.city, r.county, "
        f"{score} AS score FROM {table} JOIN reports r ON r.id = {table}.rowid "
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
                        snippet=snippet, url=url, score=float(f"{-score:.4g}") if score else 0.0, province=province,
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
