"""Near-duplicate documents: MinHash signatures with LSH banding kept in SQLite.

A re-exported PDF or the same text inside different page chrome has another
sha256 but nearly the same text. Each document's text gets a MinHash
signature (datasketch); the signature is cut into bands and each band's hash
is stored with an index, so finding candidates is a handful of index lookups
however large the archive grows (sub-quadratic: no pairwise comparison).
Candidates are confirmed with the signatures' estimated Jaccard similarity.

Near-duplicates are recorded, never merged: the same report re-exported is a
version matter, and two agencies with the same text (内容雷同) is a finding.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import sqlite_utils
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

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
SCHEME = "affine32"  # stored signatures are only comparable under the scheme that made them


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
    _reband(db)


def _reband(db: sqlite_utils.Database) -> None:
    """Recompute the LSH buckets from the stored signatures when the banding changed."""
    scheme = f"{BANDS}x{ROWS}"
    row = db.execute("SELECT value FROM _meta WHERE key = 'lsh_bands'").fetchone() if db["_meta"].exists() else None
    if row is not None and row[0] == scheme:
        return
    with db.conn:
        db.execute("DELETE FROM minhash_bands")
        start = 0
        while True:
            rows = db.execute("SELECT document_id, signature FROM minhash_signatures WHERE document_id >= ? "
                              "ORDER BY document_id LIMIT 10000", [start]).fetchall()
            if not rows:
                break
            db["minhash_bands"].insert_all(
                {"band": b, "bucket": k, "document_id": doc}
                for doc, sig in rows for b, k in enumerate(_bucket_keys(np.frombuffer(sig, dtype=np.uint64))))
            start = rows[-1][0] + 1
        if db["_meta"].exists():
            db["_meta"].upsert({"key": "lsh_bands", "value": scheme}, pk="key")


def normalized_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\W_]+", "", text)


def signature(text: str) -> MinHash | None:
    norm = normalized_text(text)
    if len(norm) < MIN_CHARS:
        return None
    # Imported here: datasketch's package pulls in scipy (about 2 s), which every command that
    # only opens the archive (serve, search, add of a known file) would otherwise pay at start-up.
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    m.update_batch({norm[i:i + SHINGLE].encode("utf-8") for i in range(len(norm) - SHINGLE + 1)})
    return m


def _buckets(m: MinHash) -> list[str]:
    return _bucket_keys(m.hashvalues)


def _bucket_keys(hv: np.ndarray) -> list[str]:
    hv = hv.astype(np.uint64)
    return [hashlib.blake2b(hv[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).hexdigest() for b in range(BANDS)]


def find_and_index(db: sqlite_utils.Database, document_id: int, text: str) -> list[tuple[int, float]]:
    """Index a document and return its near-duplicates [(document id, similarity)], best first."""
    m = signature(text)
    if m is None:
        return []
    buckets = _buckets(m)
    # One indexed query for all bands; reports written from one template collide in many
    # buckets, so candidates are compared in bulk (numpy) rather than one by one.
    per_band = MAX_CANDIDATES // BANDS
    one_band = ("select * from (select document_id from minhash_bands where band = ? and bucket = ? "
                "and document_id != ? order by document_id desc limit ?)")
    candidates = [r[0] for r in db.execute(
        " union ".join([one_band] * len(buckets)),
        [x for band, bucket in enumerate(buckets) for x in (band, bucket, document_id, per_band)])]
    found = []
    mine = m.hashvalues.astype(np.uint64)
    for start in range(0, len(candidates), 5000):
        chunk = candidates[start:start + 5000]
        rows = db.execute(f"select document_id, signature from minhash_signatures "
                          f"where document_id in ({','.join('?' * len(chunk))})", chunk).fetchall()
        if not rows:
            continue
        sigs = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint64).reshape(len(rows), -1)
        sims = (sigs == mine).mean(axis=1)  # datasketch's jaccard estimate: share of equal hash values
        found += [(rows[i][0], round(float(sims[i]), 3)) for i in np.flatnonzero(sims >= SIMILAR)]
    # Plain statements: sqlite-utils' insert_all and upsert re-read the schema on every call.
    db.conn.executemany("insert into minhash_bands (band, bucket, document_id) values (?, ?, ?)",
                        [(b, k, document_id) for b, k in enumerate(buckets)])
    db.execute("insert or replace into minhash_signatures (document_id, signature) values (?, ?)",
               [document_id, mine.tobytes()])
    return sorted(found, key=lambda x: -x[1])
