"""The WARC files hold every exchange as it came off the wire, and read back with warcio."""
from __future__ import annotations

import base64
import hashlib
import os

import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from archive.content_encoding import decode_content
from archive.warc import read_response


def test_warc_records_read_back_and_match_documents(prefect_harness, sites_file, tmp_path):
    from flows.harvest import harvest
    db_path, warc_dir = str(tmp_path / "a.db"), str(tmp_path / "a.warc")
    harvest(str(sites_file), db_path, warc_dir, delay=0.0)
    db = sqlite_utils.Database(db_path)

    records = {}
    for name in os.listdir(warc_dir):
        if not name.endswith(".warc.gz"):
            continue  # _pending/: crawl output not yet ingested (empty after a clean run)
        with open(os.path.join(warc_dir, name), "rb") as fh:
            it = ArchiveIterator(fh, check_digests=True)
            for rec in it:
                records[(name, it.get_record_offset())] = (rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI"))
                rec.content_stream().read()  # reading verifies the payload digest
    requests = [k for k, v in records.items() if v[0] == "request"]
    responses = [k for k, v in records.items() if v[0] == "response"]
    assert os.listdir(os.path.join(warc_dir, "_pending")) == []
    assert len(requests) == len(responses) == db["fetch_log"].count_where("status is not null")

    for doc in db.query("select * from documents"):
        assert (doc["warc_file"], doc["warc_offset"]) in records
        stored = read_response(warc_dir, doc["warc_file"], doc["warc_offset"])
        body = decode_content(stored.body, stored.header("content-encoding"))
        assert hashlib.sha256(body).hexdigest() == doc["sha256"]
        raw_digest = "sha1:" + base64.b32encode(hashlib.sha1(stored.body).digest()).decode()
        assert stored.payload_digest == raw_digest


def test_html_is_kept_with_its_content_encoding(prefect_harness, sites_file, tmp_path):
    """The sample server gzips HTML: the WARC keeps the gzip bytes, as sent."""
    from flows.harvest import harvest
    db_path, warc_dir = str(tmp_path / "b.db"), str(tmp_path / "b.warc")
    harvest(str(sites_file), db_path, warc_dir, delay=0.0)
    db = sqlite_utils.Database(db_path)
    doc = next(db.query("select * from documents where format = 'html' limit 1"))
    stored = read_response(warc_dir, doc["warc_file"], doc["warc_offset"])
    assert stored.header("content-encoding") == "gzip"
    assert stored.body[:2] == b"\x1f\x8b"
    assert stored.header("transfer-encoding") is None


def test_warc_names_from_the_database_never_escape_the_store(tmp_path):
    import pytest

    from archive.warc import read_response, safe_warc_path
    store = tmp_path / "a.warc"
    store.mkdir()
    (tmp_path / "secret.txt").write_text("not yours")
    assert safe_warc_path(store, "run-site.warc.gz") == (store / "run-site.warc.gz").resolve()
    for name in ("../secret.txt", "/etc/passwd", "sub/../../secret.txt"):
        with pytest.raises(ValueError, match="escapes the store"):
            read_response(store, name, 0)


def test_warc_file_names_come_from_the_run_and_the_site_slug_not_urls(prefect_harness, sites_file, tmp_path):
    import re

    from flows.harvest import harvest
    harvest(str(sites_file), str(tmp_path / "a.db"), str(tmp_path / "a.warc"), delay=0.0)
    names = [p.name for p in (tmp_path / "a.warc").glob("*.warc.gz")]
    assert names and all(re.fullmatch(r"[0-9a-f]{8}-[a-z0-9_-]+\.warc\.gz", n) for n in names), names
