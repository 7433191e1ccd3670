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
from datasketch import MinHash

NUM_PERM = 128
BANDS, ROWS = 16, 8  # candidate threshold ≈ (1/16)^(1/8) ≈ 0.71
SIMILAR = 0.9        # estimated Jaccard at which two documents are near-duplicates
SHINGLE = 5
MIN_CHARS = 200
SCHEME = "affine32"  # stored signatures are only comparable under the scheme that made them      # shorter texts say too little to compare


def ensure_tables(db: sqlite_utils.Database) -> None:
    if not db["minhash_bands"].exists():
        db["minhash_bands"].create({"band": int, "bucket": str, "document_id": int})
        db["minhash_bands"].create_index(["band", "bucket"])
    if not db["minhash_signatures"].exists():
        db["minhash_signatures"].create({"document_id": int, "signature": bytes}, pk="document_id")
    if not db["near_duplicates"].exists():
        db["near_duplicates"].create({"document_id": int, "other_id": int, "similarity": float,
                                      "same_report": int, "run_id": str}, pk=("document_id", "other_id"))


def normalized_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\W_]+", "", text)


def signature(text: str) -> MinHash | None:
    norm = normalized_text(text)
    if len(norm) < MIN_CHARS:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    m.update_batch({norm[i:i + SHINGLE].encode("utf-8") for i in range(len(norm) - SHINGLE + 1)})
    return m


def _buckets(m: MinHash) -> list[str]:
    hv = m.hashvalues
    return [hashlib.blake2b(hv[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).hexdigest() for b in range(BANDS)]


def find_and_index(db: sqlite_utils.Database, document_id: int, text: str) -> list[tuple[int, float]]:
    """Index a document and return its near-duplicates [(document id, similarity)], best first."""
    m = signature(text)
    if m is None:
        return []
    buckets = _buckets(m)
    candidates: set[int] = set()
    for band, bucket in enumerate(buckets):
        for row in db.query("select document_id from minhash_bands where band = ? and bucket = ?", [band, bucket]):
            if row["document_id"] != document_id:
                candidates.add(row["document_id"])
    found = []
    for cid in candidates:
        row = db["minhash_signatures"].get(cid)
        other = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME,
                        hashvalues=np.frombuffer(row["signature"], dtype=np.uint64))
        sim = m.jaccard(other)
        if sim >= SIMILAR:
            found.append((cid, round(sim, 3)))
    db["minhash_bands"].insert_all({"band": b, "bucket": k, "document_id": document_id} for b, k in enumerate(buckets))
    db["minhash_signatures"].upsert({"document_id": document_id, "signature": m.hashvalues.astype(np.uint64).tobytes()},
                                    pk="document_id")
    return sorted(found, key=lambda x: -x[1])
