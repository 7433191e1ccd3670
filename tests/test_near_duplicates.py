"""Near-duplicate documents are found through LSH buckets in SQLite, not by pairwise comparison."""
from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from archive import near_duplicates
from archive.schema import open_db

TEXT = ("一、总体情况。本年度，清河县人民政府认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进决策、执行、管理、服务、结果公开。"
        "二、主动公开政府信息情况。围绕重点领域信息公开，及时公开规范性文件、行政许可、行政处罚等信息。"
        "三、收到和处理政府信息公开申请情况。本年共收到政府信息公开申请48件，均在法定期限内予以答复。"
        "四、政府信息公开行政复议、行政诉讼情况。因政府信息公开被申请行政复议2件，被提起行政诉讼1件。"
        "五、存在的主要问题及改进情况。" + "".join(f"第{i}项整改任务按期完成，共公开信息{i * 37}条。" for i in range(1, 40)))


def test_same_text_in_other_chrome_is_a_near_duplicate(tmp_path):
    db = open_db(str(tmp_path / "a.db"))
    assert near_duplicates.find_and_index(db, 1, TEXT) == []
    chrome = "首页 | 政务公开 | 网站地图\n" + TEXT + "\n主办：清河县人民政府 网站标识码：1300000001"
    found = near_duplicates.find_and_index(db, 2, chrome)
    assert [d for d, _ in found] == [1] and found[0][1] >= 0.9


def test_different_report_is_not(tmp_path):
    db = open_db(str(tmp_path / "a.db"))
    near_duplicates.find_and_index(db, 1, TEXT)
    other = TEXT.replace("48", "7").replace("清河县", "武城县").replace("2件", "0件").replace("主动公开", "积极推进") * 1
    other = "".join(reversed(other))
    assert near_duplicates.find_and_index(db, 2, other) == []


def test_short_texts_are_not_compared(tmp_path):
    db = open_db(str(tmp_path / "a.db"))
    assert near_duplicates.find_and_index(db, 1, "年度报告") == []
    assert db["minhash_signatures"].count == 0


def test_buckets_are_rebuilt_from_signatures_when_the_banding_changes(tmp_path):
    db = open_db(str(tmp_path / "a.db"))
    near_duplicates.find_and_index(db, 1, TEXT)
    # an archive written with another banding: its buckets mean nothing now
    db.execute("UPDATE minhash_bands SET bucket = 'stale'")
    db["_meta"].upsert({"key": "lsh_bands", "value": "16x8"}, pk="key")
    db.conn.commit()
    db.conn.close()
    db = open_db(str(tmp_path / "a.db"))
    assert db["minhash_bands"].count == near_duplicates.BANDS
    found = near_duplicates.find_and_index(db, 2, "首页\n" + TEXT)
    assert [d for d, _ in found] == [1]


ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "corpus" / "files").glob("*.txt"))
HANZI = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
# sha256 of signature(TEXT): stored signatures are compared with new ones, so a change here
# needs a new near_duplicates.SCHEME (which recomputes every archive's signatures on open).
GOLDEN = "1e43f74534e672f6"


def _shingles(text):
    norm = near_duplicates.normalized_text(text)
    return {norm[i:i + near_duplicates.SHINGLE] for i in range(len(norm) - near_duplicates.SHINGLE + 1)}


def _jaccard(a, b):
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb)


def _estimate(a, b):
    return float((near_duplicates.signature(a) == near_duplicates.signature(b)).mean())


def _pair(rnd, target, chars=5000, pieces=10):
    """Two random texts sharing pieces of text so that their shingle sets' Jaccard ≈ target."""
    own = round(chars * (1 - target) / (1 + target) / pieces)  # |only a| = |only b|, shared = chars - own
    shared = chars // pieces - own

    def words(n):
        return "".join(rnd.choice(HANZI) for _ in range(n))
    common = [words(shared) for _ in range(pieces)]
    return ("".join(c + words(own) for c in common), "".join(c + words(own) for c in common))


@pytest.mark.parametrize("target", [0.3, 0.6, 0.9, 0.95, 1.0])
def test_estimate_tracks_the_exact_jaccard_of_the_shingle_sets(target):
    rnd = random.Random(int(target * 100))
    pairs = [_pair(rnd, target) for _ in range(12)]
    exact = np.array([_jaccard(a, b) for a, b in pairs])
    errors = np.array([_estimate(a, b) for a, b in pairs]) - exact
    assert abs(exact.mean() - target) < 0.02
    assert abs(errors[0]) <= 0.1
    # As good as ideal MinHash with k = NUM_PERM permutations, whose error has σ = √(J(1-J)/k):
    # no bias, and a mean absolute error at most 1.5× the ideal one, √(2/π)·σ ≈ 0.8 σ.
    sigma = np.sqrt(exact * (1 - exact) / near_duplicates.NUM_PERM)
    assert abs(errors.mean()) <= 3 * sigma.mean() / np.sqrt(len(pairs)) + 1e-9
    assert np.abs(errors).mean() <= 1.5 * 0.8 * sigma.mean() + 1e-9


def test_reports_from_one_template_are_told_apart_but_their_copies_are_found(tmp_path):
    texts = [p.read_text(encoding="utf-8") for p in CORPUS]
    db = open_db(str(tmp_path / "a.db"))
    # different agencies' reports written from one template (exact Jaccard 0.2–0.56)
    assert all(near_duplicates.find_and_index(db, i + 1, t) == [] for i, t in enumerate(texts))
    for i, t in enumerate(texts[:5]):
        chrome = "首页 | 政务公开 | 信息公开年报\n当前位置：" + t + "\n主办单位：人民政府办公室 ICP备案 技术支持"
        found = near_duplicates.find_and_index(db, 100 + i, chrome)
        assert [d for d, _ in found] == [i + 1] and found[0][1] >= near_duplicates.SIMILAR


def test_fast_normalisation_is_the_plain_one():
    def plain(s):
        return near_duplicates._code_points(near_duplicates.normalized_text(s))
    for c in map(chr, range(0x10000)):  # every BMP character, beside a letter it might combine with
        assert np.array_equal(near_duplicates.normalized_code_points("e" + c + "\u0301"), plain("e" + c + "\u0301")), hex(ord(c))
    tricky = list("（）：；，。　ａＺ０９㎡①⑴㈠℃™ÅΩ\u212b\u2126\u1e9b\u0323\u0344\u0f73\u0958\u093c\u0915ｶﾞﾟ\u3099\u309aか"
                  "\u0300\u0301\u0308\u1100\u1161\u11a8가\ud800𠮷𝐀\U0002f800\uf900\u2f00_ \n中国政府信息公开abc123")
    rnd = random.Random(3)
    for _ in range(3000):
        s = "".join(rnd.choice(tricky) for _ in range(rnd.randint(0, 20)))
        assert np.array_equal(near_duplicates.normalized_code_points(s), plain(s)), repr(s)
    for p in CORPUS:
        t = p.read_text(encoding="utf-8")
        assert np.array_equal(near_duplicates.normalized_code_points(t), plain(t))


def test_a_long_text_in_chunks_has_the_signature_of_the_whole(monkeypatch):
    rnd = random.Random(5)
    text = "".join(rnd.choice(HANZI[:200]) for _ in range(100_000))  # several chunks, shingles repeated across them
    assert len(text) > 3 * near_duplicates.CHUNK
    whole = _unchunked(text)
    assert np.array_equal(near_duplicates.signature(text), whole)
    for chunk in (997, 10**9):
        monkeypatch.setattr(near_duplicates, "CHUNK", chunk)
        assert np.array_equal(near_duplicates.signature(text), whole)


def _unchunked(text):
    """All shingles of the text permuted at once: NUM_PERM × N values."""
    cps = near_duplicates._code_points(near_duplicates.normalized_text(text))
    hashes = np.unique(near_duplicates._shingle_hashes(cps))
    a, b = near_duplicates._permutations()
    return (a * hashes + b).min(axis=1).astype(np.uint64)


def test_signature_is_the_same_in_every_process():
    code = ("import sys; from archive import near_duplicates as nd; "
            "sys.stdout.write(nd.signature(sys.stdin.read()).tobytes().hex())")
    here = near_duplicates.signature(TEXT).tobytes().hex()
    for seed in ("0", "1", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed,
               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        out = subprocess.run([sys.executable, "-c", code], input=TEXT, capture_output=True, text=True,
                             env=env, cwd=ROOT, check=True, encoding="utf-8")
        assert out.stdout == here
    assert hashlib.sha256(bytes.fromhex(here)).hexdigest()[:16] == GOLDEN


@pytest.mark.parametrize("old_scheme", [None, "affine32"])  # written before the key existed, or under another scheme
def test_an_archive_of_the_old_scheme_is_recomputed_once(tmp_path, old_scheme):
    path = str(tmp_path / "a.db")
    db = open_db(path)
    short = "年度报告" * 10
    for doc, text in [(1, TEXT), (2, "首页\n" + TEXT), (3, short)]:
        db["documents"].insert({"id": doc, "text": text})
    # as an archive written with datasketch looks: other hash values and buckets
    stale = np.arange(near_duplicates.NUM_PERM, dtype=np.uint64).tobytes()
    db.conn.executemany("insert into minhash_signatures values (?, ?)", [(1, stale), (2, stale), (3, stale)])
    db.conn.executemany("insert into minhash_bands values (?, 'stale', ?)", [(b, d) for d in (1, 2, 3) for b in range(8)])
    db.execute("delete from _meta where key = 'minhash_scheme'")
    if old_scheme:
        db["_meta"].insert({"key": "minhash_scheme", "value": old_scheme})
    db.conn.commit()
    db.conn.close()

    db = open_db(path)
    sigs = dict(db.execute("select document_id, signature from minhash_signatures").fetchall())
    assert sigs == {1: near_duplicates.signature(TEXT).tobytes(), 2: near_duplicates.signature("首页\n" + TEXT).tobytes()}
    assert sorted(db.execute("select document_id, band, bucket from minhash_bands").fetchall()) == sorted(
        (d, b, k) for d in (1, 2) for b, k in enumerate(near_duplicates._bucket_keys(np.frombuffer(sigs[d], np.uint64))))
    assert db["_meta"].get("minhash_scheme")["value"].startswith(near_duplicates.SCHEME + " ")
    found = near_duplicates.find_and_index(db, 4, TEXT + "\n网站地图")
    assert sorted(d for d, _ in found) == [1, 2]

    # once: opening again leaves the signatures as they are
    db.execute("update minhash_signatures set signature = ? where document_id = 1", [stale])
    db.conn.commit()
    db.conn.close()
    db = open_db(path)
    assert db.execute("select signature from minhash_signatures where document_id = 1").fetchone()[0] == stale
