"""Near-duplicate documents: MinHash signatures with LSH banding kept in SQLite.

A re-exported PDF or the same text inside different page chrome has another
sha256 but nearly the same text. Each document's text gets a MinHash
signature over its 5-character shingles (computed with numpy); the signature
is cut into bands and each band's hash is stored with an index, so finding
candidates is a handful of index lookups however large the archive grows
(sub-quadratic: no pairwise comparison). Candidates are confirmed with the
signatures' estimated Jaccard similarity.

Near-duplicates are recorded, never merged: the same report re-exported is a
version matter, and two agencies with the same text (内容雷同) is a finding.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

import numpy as np
import sqlite_utils

NUM_PERM = 128
# 8 bands of 16 rows: candidate threshold ≈ (1/8)^(1/16) ≈ 0.88, so a pair at Jaccard 0.9 is
# found 81 % of the time and at 0.95 99 %; but reports written from one template (Jaccard
# 0.5–0.6 between agencies) collide 0.01–0.2 % of the time instead of 6–24 % with 16×8,
# which at a million reports is the difference between ~10^3 and ~10^5 candidates each.
BANDS, ROWS = 8, 16
MAX_CANDIDATES = 2000  # a bucket of boilerplate can still hold many: compare at most this many, newest first
SIMILAR = 0.9        # estimated Jaccard at which two documents are near-duplicates
SHINGLE = 5
MIN_CHARS = 200
# Stored signatures are only comparable under the scheme that made them; archives written before
# this key existed hold datasketch's "affine32" over sha1 and are recomputed on open (_migrate).
SCHEME = "poly-fmix64/affine32"
CHUNK = 1 << 15  # shingles per step: the permuted block is NUM_PERM × CHUNK × 4 bytes (16 MB) at most
RECOMPUTE_BATCH = 200  # documents' texts held at once while an archive's signatures are recomputed

_NOT_WORD = re.compile(r"[\s\W_]+")
_MAX32 = np.uint32(0xFFFFFFFF)
# Any odd 64-bit multiplier will do; the finaliser below does the mixing.
_POLY = np.uint64(0x9E3779B97F4A7C15)


def ensure_tables(db: sqlite_utils.Database) -> None:
    if not db["minhash_bands"].exists():
        db["minhash_bands"].create({"band": int, "bucket": str, "document_id": int})
    # Covering, and ordered by document: the newest members of a crowded bucket come
    # straight off the index instead of sorting the whole bucket.
    db["minhash_bands"].create_index(["band", "bucket", "document_id"], if_not_exists=True)
    db.execute("DROP INDEX IF EXISTS idx_minhash_bands_band_bucket")
    if not db["minhash_signatures"].exists():
        db["minhash_signatures"].create({"document_id": int, "signature": bytes}, pk="document_id")
    if not db["near_duplicates"].exists():
        db["near_duplicates"].create({"document_id": int, "other_id": int, "similarity": float,
                                      "same_report": int, "run_id": str}, pk=("document_id", "other_id"))
    _migrate(db)


def _migrate(db: sqlite_utils.Database) -> None:
    """Recompute the signatures when the scheme changed, and the LSH buckets when either changed."""
    banding, scheme = f"{BANDS}x{ROWS}", f"{SCHEME} {NUM_PERM}x{SHINGLE}"
    meta = dict(db.execute("SELECT key, value FROM _meta WHERE key IN ('lsh_bands', 'minhash_scheme')").fetchall()
                ) if db["_meta"].exists() else {}
    if meta.get("lsh_bands") == banding and meta.get("minhash_scheme") == scheme:
        return
    # One transaction: a migration cut short leaves the old signatures, keys and buckets, and runs again.
    with db.conn:
        if meta.get("minhash_scheme") != scheme:
            _recompute_signatures(db)
        _reband(db)
        if db["_meta"].exists():
            db["_meta"].upsert_all([{"key": "lsh_bands", "value": banding},
                                    {"key": "minhash_scheme", "value": scheme}], pk="key")


def _recompute_signatures(db: sqlite_utils.Database) -> None:
    """Every stored signature again, from its document's text, a batch of documents at a time."""
    start = 0
    while True:
        rows = db.execute("SELECT s.document_id, d.text FROM minhash_signatures s LEFT JOIN documents d "
                          "ON d.id = s.document_id WHERE s.document_id >= ? ORDER BY s.document_id LIMIT ?",
                          [start, RECOMPUTE_BATCH]).fetchall()
        if not rows:
            break
        sigs = [(doc, signature(text)) for doc, text in rows]
        db.conn.executemany("UPDATE minhash_signatures SET signature = ? WHERE document_id = ?",
                            [(sig.tobytes(), doc) for doc, sig in sigs if sig is not None])
        # A text gone or now too short: a signature of the old scheme would only match noise.
        db.conn.executemany("DELETE FROM minhash_signatures WHERE document_id = ?",
                            [(doc,) for doc, sig in sigs if sig is None])
        start = rows[-1][0] + 1


def _reband(db: sqlite_utils.Database) -> None:
    """Recompute the LSH buckets from the stored signatures."""
    db.execute("DELETE FROM minhash_bands")
    start = 0
    while True:
        rows = db.execute("SELECT document_id, signature FROM minhash_signatures WHERE document_id >= ? "
                          "ORDER BY document_id LIMIT 10000", [start]).fetchall()
        if not rows:
            break
        db.conn.executemany("INSERT INTO minhash_bands (band, bucket, document_id) VALUES (?, ?, ?)",
                            [(b, k, doc) for doc, sig in rows
                             for b, k in enumerate(_bucket_keys(np.frombuffer(sig, dtype=np.uint64)))])
        start = rows[-1][0] + 1


def normalized_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return _NOT_WORD.sub("", text)


@functools.cache
def _bmp_tables() -> tuple[np.ndarray, np.ndarray]:
    """For each BMP code point: its NFKC form when that is one character (else itself), and
    whether normalized_text keeps it. Built on first use (≈ 20 ms), not at import."""
    bmp = "".join(map(chr, range(0x10000)))
    single = np.arange(0x10000, dtype=np.uint32)
    for i, c in enumerate(bmp):
        n = unicodedata.normalize("NFKC", c)
        if len(n) == 1 and n != c:
            single[i] = ord(n)
    kept = np.zeros(0x10000, dtype=bool)
    kept[_code_points(_NOT_WORD.sub("", bmp))] = True
    return single, kept


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def normalized_code_points(text: str) -> np.ndarray:
    """normalized_text(text) as code points, about ten times faster on report text."""
    cps = _code_points(text or "")
    if cps.size and cps.max() < 0x10000:
        single, kept = _bmp_tables()
        # Full-width punctuation sends NFKC down its slow path over the whole text. Replacing a
        # character by its own NFKC form leaves the text's NFKC unchanged (NFKD(NFKC(c)) = NFKD(c)),
        # and the text is then usually normalised already: NFKC only runs its quick check.
        mapped = single[cps]
        text = mapped.tobytes().decode("utf-32-le", "surrogatepass")
        out = mapped if unicodedata.is_normalized("NFKC", text) else _code_points(unicodedata.normalize("NFKC", text))
        if out.size == 0 or out.max() < 0x10000:
            return out[kept[out]]
    return _code_points(normalized_text(text))


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations h -> a·h + b mod 2^32, a odd so that each is a bijection: the
    ones datasketch's affine32 draws for seed 1. RandomState, not default_rng: its stream is
    frozen across numpy versions (NEP 19), and stored signatures depend on it."""
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a.reshape(-1, 1), b.reshape(-1, 1)


def _shingle_hashes(cps: np.ndarray) -> np.ndarray:
    """A 32-bit hash of each SHINGLE-character window: a polynomial of its code points
    mod 2^64, then MurmurHash3's 64-bit finaliser so that every output bit depends on every char."""
    c = cps.astype(np.uint64)
    n = len(c) - SHINGLE + 1
    h = c[:n].copy()
    for k in range(1, SHINGLE):
        h *= _POLY
        h += c[k:k + n]
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return (h >> np.uint64(32)).astype(np.uint32)


def signature(text: str | None) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM values, as uint64) of the text's set of shingles, or
    None when the normalised text is shorter than MIN_CHARS."""
    cps = normalized_code_points(text or "")
    if len(cps) < MIN_CHARS:
        return None
    a, b = _permutations()
    mins = np.full(NUM_PERM, _MAX32, dtype=np.uint32)
    # A chunk's windows overlap the next chunk's by SHINGLE - 1 characters, so every window is
    # hashed once; a long text never needs more than one NUM_PERM × CHUNK block.
    for start in range(0, len(cps) - SHINGLE + 1, CHUNK):
        h = np.sort(_shingle_hashes(cps[start:start + CHUNK + SHINGLE - 1]))
        # The set of shingles: duplicates would only be permuted again. Not np.unique, ~30× slower here.
        h = h[np.concatenate(([True], h[1:] != h[:-1]))]
        block = a * h  # uint32: the wrap-around is the mod 2^32
        block += b
        np.minimum(mins, block.min(axis=1), out=mins)
    return mins.astype(np.uint64)


def _bucket_keys(hv: np.ndarray) -> list[str]:
    hv = hv.astype(np.uint64)
    return [hashlib.blake2b(hv[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).hexdigest() for b in range(BANDS)]


def find_and_index(db: sqlite_utils.Database, document_id: int, text: str) -> list[tuple[int, float]]:
    """Index a document and return its near-duplicates [(document id, similarity)], best first."""
    mine = signature(text)
    if mine is None:
        return []
    buckets = _bucket_keys(mine)
    # One indexed query for all bands; reports written from one template collide in many
    # buckets, so candidates are compared in bulk (numpy) rather than one by one.
    per_band = MAX_CANDIDATES // BANDS
    one_band = ("select * from (select document_id from minhash_bands where band = ? and bucket = ? "
                "and document_id != ? order by document_id desc limit ?)")
    candidates = [r[0] for r in db.execute(
        " union ".join([one_band] * len(buckets)),
        [x for band, bucket in enumerate(buckets) for x in (band, bucket, document_id, per_band)])]
    found = []
    for start in range(0, len(candidates), 5000):
        chunk = candidates[start:start + 5000]
        rows = db.execute(f"select document_id, signature from minhash_signatures "
                          f"where document_id in ({','.join('?' * len(chunk))})", chunk).fetchall()
        if not rows:
            continue
        sigs = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint64).reshape(len(rows), -1)
        sims = (sigs == mine).mean(axis=1)  # the Jaccard estimate: share of equal hash values
        found += [(rows[i][0], round(float(sims[i]), 3)) for i in np.flatnonzero(sims >= SIMILAR)]
    # Plain statements: sqlite-utils' insert_all and upsert re-read the schema on every call.
    db.conn.executemany("insert into minhash_bands (band, bucket, document_id) values (?, ?, ?)",
                        [(b, k, document_id) for b, k in enumerate(buckets)])
    db.execute("insert or replace into minhash_signatures (document_id, signature) values (?, ?)",
               [document_id, mine.tobytes()])
    return sorted(found, key=lambda x: -x[1])
