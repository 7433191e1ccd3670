"""Benchmark Chinese full-text search on synthetic reports: recall, latency, index size.

    python benchmarks/bench_search.py                 # 100,000 reports, 550 MB of text: ~15 min on 2 cores
    python benchmarks/bench_search.py --reports 10000 --keep /tmp/bench.db
    python benchmarks/bench_search.py --keep /tmp/bench.db --reuse    # same reports, index rebuilt

Reports are built from sentences of the real seed reports (numbers and places
varied) mixed with Zipf-distributed words over the seeds' own characters, so the
character and bigram frequencies look like real text with a long tail.

Recall is measured against a substring scan of every report's normalised text
(archive.search.normalize) for query lengths 1, 2, 3-4 and 5-16, the queries being
substrings of random reports plus random strings (which mostly match nothing).
Latency: `matching_ids` (every matching report id, unranked — what a count or an
export needs) and `search(limit=20)` (ranked, with snippets — what a person sees).
Index size: the FTS5 shadow tables plus `search_source`, from dbstat.
"""
from __future__ import annotations

import argparse
import glob
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import search  # noqa: E402
from archive.schema import open_db  # noqa: E402

SEEDS = "/work/shared/seeds/*.txt"
BOX_SQL = (f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH ? UNION ALL "
           f"SELECT rowid FROM {search.CHARS_TABLE} WHERE {search.CHARS_TABLE} MATCH ?")
PREVIOUS = "previous (char unigrams+bigrams, one FTS5 column): 100 % recall, p95 ≈ 235 ms all ids, index ≈ 1.5× text"


def seed_material(rng: random.Random) -> tuple[list[str], list[str]]:
    text = ""
    for path in sorted(glob.glob(SEEDS)):
        text += Path(path).read_text(encoding="utf-8") + "\n"
    if not text:
        text = "本报告根据政府信息公开条例编制。全年主动公开政府信息一百条。本年新收政府信息公开申请十件。"
    sentences = [s.strip() + "。" for s in re.split(r"[。\n]+", text) if len(s.strip()) >= 6]
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    freq: dict[str, int] = {}
    for c in chars:
        freq[c] = freq.get(c, 0) + 1
    alphabet = sorted(freq, key=freq.get, reverse=True)
    # a vocabulary of 20,000 pseudo-words, their characters drawn by the seeds' own frequencies
    weights = [freq[c] for c in alphabet]
    words = ["".join(rng.choices(alphabet, weights, k=rng.choice((2, 2, 2, 3, 4)))) for _ in range(20000)]
    return sentences, words


PLACES = list("东西南北中新安平河山江湖城阳宁远兴华永清和泰丰明德昌文武临")
DEPTS = ["人民政府", "发展和改革委员会", "教育局", "公安局", "财政局", "人力资源和社会保障局", "自然资源局",
         "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "卫生健康委员会", "市场监督管理局",
         "应急管理局", "统计局", "医疗保障局", "司法局", "民政局", "审计局"]
LATIN = ["GB/T 9704—2012", "GB 2312", "PDF", "OA系统", "12345热线", "APP", "ISO 9001", "5G", "2021年", "2022年度"]


def synth_report(rng: random.Random, i: int, sentences: list[str], words: list[str], chars: int) -> tuple[dict, dict]:
    place = "".join(rng.sample(PLACES, 2)) + rng.choice(["县", "市", "区", "镇"])
    agency = place + rng.choice(DEPTS)
    year = rng.randint(2008, 2023)
    title = f"{agency}{year}年政府信息公开工作年度报告"
    parts, n = [title], len(title)
    target = int(chars * rng.uniform(0.5, 1.5))
    while n < target:
        if rng.random() < 0.6:
            s = rng.choice(sentences)
            s = re.sub(r"\d+", lambda m: str(rng.randint(0, 5000)), s)
        else:
            s = "".join(rng.choice(words) for _ in range(rng.randint(4, 14)))
            if rng.random() < 0.1:
                s += rng.choice(LATIN)
            s += rng.choice("，。；：、") 
        parts.append(s)
        n += len(s)
    text = "\n".join(parts)
    if i % 7 == 0:  # PDF-like glyph spacing in part of the text
        k = len(text) // 3
        text = text[:k] + " ".join(text[k:k + 200]) + text[k + 200:]
    report = {"id": i, "agency": agency, "agency_key": f"a{i}", "year": year, "title": title,
              "template": "2021" if year >= 2021 else ("2019" if year >= 2019 else "pre2019"),
              "province": place, "level": "county"}
    doc = {"id": i, "report_id": i, "url": f"http://bench.gov.cn/{i}.html", "sha256": f"{i:064x}",
           "format": "html", "title": title, "text": text}
    return report, doc


def build(db_path: str, n: int, chars: int, seed: int) -> tuple[int, float]:
    rng = random.Random(seed)
    sentences, words = seed_material(rng)
    db = open_db(db_path)
    t0 = time.perf_counter()
    text_bytes = 0
    batch_r, batch_d = [], []
    for i in range(1, n + 1):
        r, d = synth_report(rng, i, sentences, words, chars)
        text_bytes += len(d["text"].encode()) + len(d["title"].encode())
        batch_r.append(r)
        batch_d.append(d)
        if len(batch_r) == 5000:
            db["reports"].insert_all(batch_r)
            db["documents"].insert_all(batch_d)
            batch_r, batch_d = [], []
    if batch_r:
        db["reports"].insert_all(batch_r)
        db["documents"].insert_all(batch_d)
    db.conn.close()
    return text_bytes, time.perf_counter() - t0


def index_bytes(db) -> int:
    names = [search.SOURCE_TABLE] + [f"{t}_{s}" for t in (search.FTS_TABLE, search.CHARS_TABLE)
                                     for s in ("data", "idx", "docsize", "config", "content")]
    q = f"SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN ({','.join('?' * len(names))})"
    return db.execute(q, names).fetchone()[0]


def fts_only_bytes(db, table: str = search.FTS_TABLE) -> int:
    names = [f"{table}_{s}" for s in ("data", "idx", "docsize", "config")]
    q = f"SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN ({','.join('?' * len(names))})"
    return db.execute(q, names).fetchone()[0]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--chars", type=int, default=2000, help="average characters per report (default 2000)")
    ap.add_argument("--queries", type=int, default=60, help="queries per length class (default 60)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", metavar="DB", help="write the archive here and keep it")
    ap.add_argument("--reuse", action="store_true",
                    help="with --keep: take the reports already in DB (from an earlier --keep run) and only "
                         "rebuild the index; for profiling the query path")
    args = ap.parse_args()

    tmp = None
    if args.reuse:
        if not (args.keep and os.path.exists(args.keep)):
            ap.error("--reuse needs --keep DB naming an existing benchmark archive")
        db_path = args.keep
    elif args.keep:
        db_path = args.keep
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db_path + suffix):
                os.remove(db_path + suffix)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench_search_")
        db_path = os.path.join(tmp.name, "bench.db")

    if args.reuse:
        db = open_db(db_path)
        args.reports, text_bytes = db.execute(
            "SELECT COUNT(*), SUM(LENGTH(CAST(text AS BLOB)) + LENGTH(CAST(title AS BLOB))) FROM documents").fetchone()
        db.conn.close()
        print(f"reusing {args.reports:,} reports from {db_path}: {text_bytes / 1e6:,.1f} MB UTF-8", flush=True)
    else:
        print(f"generating {args.reports:,} synthetic reports (~{args.chars} chars each)…", flush=True)
        text_bytes, t_gen = build(db_path, args.reports, args.chars, args.seed)
        print(f"  text: {text_bytes / 1e6:,.1f} MB UTF-8 in {t_gen:.1f} s", flush=True)

    db = open_db(db_path)
    t0 = time.perf_counter()
    search.refresh_index(db)
    t_index = time.perf_counter() - t0
    size = index_bytes(db)
    bigram, chars = fts_only_bytes(db), fts_only_bytes(db, search.CHARS_TABLE)
    print(f"index build: {t_index:.1f} s ({args.reports / t_index:,.0f} reports/s)")
    print(f"index size: {size / 1e6:,.1f} MB = {size / text_bytes:.2f}× the text "
          f"(bigrams {bigram / 1e6:,.1f} MB, characters {chars / 1e6:,.1f} MB, "
          f"document list {(size - bigram - chars) / 1e6:,.1f} MB)", flush=True)

    # the reference: a substring scan over every report's normalised text
    texts = {rid: search.normalize(t or "") + "\ue000" + search.normalize(x or "")
             for rid, t, x in db.execute("SELECT report_id, title, text FROM documents")}
    all_text = list(texts.items())
    rng = random.Random(args.seed + 1)
    classes = {"1 char": (1, 1), "2 chars": (2, 2), "3-4 chars": (3, 4), "5-16 chars": (5, 16)}
    alphabet = sorted({c for _, t in all_text[:2000] for c in t if "\u4e00" <= c <= "\u9fff"})
    fixed = ["复议", "复", "行政复议", "不予公开", "2021年", "GB/T", "信访", "gb", "诉讼", "结果维持"]

    # warm the page cache once, as a running server would be
    search.matching_ids(db, "政府")
    print(f"\n{'queries':<11} {'n':>4} {'recall':>8} {'exact':>6} {'hits p50':>9} {'all ids p50':>12} "
          f"{'p95':>8} {'max':>8} {'top20 p95':>10}")
    summary_ok = True
    overall: dict[str, list[float]] = {"all ids": [], "ranked top 20": [], "datasette box": []}
    recalls: dict[str, float] = {}
    for name, (lo, hi) in list(classes.items()) + [("named", (0, 0))]:
        if name == "named":
            queries = fixed
        else:
            queries = []
            for _ in range(args.queries):
                if rng.random() < 0.8:
                    _, t = rng.choice(all_text)
                    t = t.replace("\ue000", "")
                    k = rng.randint(lo, hi)
                    i = rng.randrange(max(1, len(t) - k))
                    queries.append(t[i:i + k])
                else:
                    queries.append("".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi))))
        found = expected_total = exact = 0
        lat, lat20, hits, lat_ds, ds_exact = [], [], [], [], 0
        for q in queries:
            nq = search.normalize(q)
            expected = {rid for rid, t in all_text if nq in t}
            t1 = time.perf_counter()
            got = search.matching_ids(db, q)
            lat.append((time.perf_counter() - t1) * 1000)
            t1 = time.perf_counter()
            search.search(db, q, limit=20)
            lat20.append((time.perf_counter() - t1) * 1000)
            # what datasette's search box runs (archive/datasette/plugins/nianbao.py)
            t1 = time.perf_counter()
            n_ds = len(db.execute(BOX_SQL, search.table_expressions(q)).fetchall())
            lat_ds.append((time.perf_counter() - t1) * 1000)
            ds_exact += n_ds == len(expected)
            got_set = set(got)
            found += len(expected & got_set)
            expected_total += len(expected)
            exact += got_set == expected
            hits.append(len(got))
        recall = 100.0 * found / expected_total if expected_total else 100.0
        summary_ok &= exact == len(queries) and ds_exact == len(queries)
        recalls[name] = recall
        if name != "named":
            overall["all ids"] += lat
            overall["ranked top 20"] += lat20
            overall["datasette box"] += lat_ds
        print(f"{name:<11} {len(queries):>4} {recall:>7.2f}% {exact:>3}/{len(queries):<3}"
              f"{statistics.median(hits):>9,.0f} {statistics.median(lat):>9.1f} ms {pct(lat, 95):>5.1f} ms "
              f"{max(lat):>5.1f} ms {pct(lat20, 95):>7.1f} ms", flush=True)
        if lat_ds:
            print(f"{'':<11} datasette search box SQL: {ds_exact}/{len(lat_ds)} exact, "
                  f"p50 {statistics.median(lat_ds):.1f} ms, p95 {pct(lat_ds, 95):.1f} ms", flush=True)
    print(f"\nexact answer (no miss, no extra) for every query: {'yes' if summary_ok else 'NO'}")
    n_random = len(overall["all ids"])
    print(f"p95 over the {n_random} random queries at {args.reports:,} reports (target < 100 ms): "
          + ", ".join(f"{k} {pct(v, 95):.1f} ms" for k, v in overall.items()))
    print("summary: recall " + ", ".join(f"{k} {v:.1f} %" for k, v in recalls.items() if k != "named")
          + f"; index {size / text_bytes:.2f}× the text, built in {t_index:.0f} s")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (figures are noisy above 1 per CPU)")
    print(PREVIOUS)
    db.conn.close()
    if tmp:
        tmp.cleanup()
    return 0 if summary_ok else 1


if __name__ == "__main__":
    sys.exit(main())
