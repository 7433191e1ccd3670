"""Milliseconds per document for the near-duplicate signature: datasketch (before) and numpy (now).

    python benchmarks/bench_minhash.py
    python benchmarks/bench_minhash.py --rounds 30

The texts are reports of the test corpus (tests/corpus/files/*.txt, one template, other
agencies and figures) joined into documents of about 3,000–8,000 normalised characters, the size
of a real report. "before" is the signature as archive/near_duplicates.py made it with
datasketch 2.0 (affine32, seed 1: sha1 of each shingle, a set of byte strings, update_batch);
"now" is `near_duplicates.signature`. Both include the text's normalisation. Each round times
every text once with each way, interleaved, so a load change on the machine hits both alike;
the figure is the median round. datasketch is only needed here (`pip install nianbao[test]`).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import near_duplicates  # noqa: E402


def texts() -> list[str]:
    reports = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "corpus" / "files").glob("*.txt"))]
    docs, i = [], 0
    for target in (3000, 4000, 5000, 6000, 7000):
        parts: list[str] = []
        while len(near_duplicates.normalized_text("\n".join(parts))) < target:
            parts.append(reports[i % len(reports)])
            i += 1
        docs.append("\n".join(parts))
    return docs


def datasketch_signature(text: str):
    """The signature before this module went numpy (datasketch imported by the caller)."""
    from datasketch import MinHash

    norm = near_duplicates.normalized_text(text)
    if len(norm) < near_duplicates.MIN_CHARS:
        return None
    m = MinHash(num_perm=near_duplicates.NUM_PERM, seed=1, scheme="affine32")
    m.update_batch({norm[i:i + near_duplicates.SHINGLE].encode("utf-8") for i in range(len(norm) - near_duplicates.SHINGLE + 1)})
    return m


def per_doc_ms(fn, docs: list[str]) -> float:
    start = time.perf_counter()
    for d in docs:
        fn(d)
    return (time.perf_counter() - start) / len(docs) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    docs = texts()

    start = time.perf_counter()
    import datasketch  # noqa: F401
    import_s = time.perf_counter() - start
    start = time.perf_counter()
    near_duplicates.signature(docs[0])  # the first call builds the BMP tables and the permutations
    first_ms = (time.perf_counter() - start) * 1e3
    datasketch_signature(docs[0])

    old, new, norm = [], [], []
    for _ in range(args.rounds):
        old.append(per_doc_ms(datasketch_signature, docs))
        new.append(per_doc_ms(near_duplicates.signature, docs))
        norm.append(per_doc_ms(near_duplicates.normalized_text, docs))
    lengths = [len(near_duplicates.normalized_text(d)) for d in docs]
    print(f"{len(docs)} documents of {min(lengths)}–{max(lengths)} normalised characters "
          f"({min(map(len, docs))}–{max(map(len, docs))} raw), {args.rounds} rounds, median round:")
    o, n = statistics.median(old), statistics.median(new)
    print(f"  datasketch (before): {o:6.2f} ms/document   (normalized_text alone {statistics.median(norm):.2f} ms)")
    print(f"  numpy (now):         {n:6.2f} ms/document")
    print(f"  speed-up:            {o / n:6.1f}×")
    print(f"  one-off: `import datasketch` {import_s:.2f} s (scipy with it); numpy's first signature {first_ms:.0f} ms")


if __name__ == "__main__":
    main()
