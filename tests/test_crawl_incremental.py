"""Nightly runs: the second crawl asks conditionally and downloads nothing unchanged."""
from __future__ import annotations

from pathlib import Path

from crawlers import sample_routes as routes
from crawlers.local_crawl import crawl, known_from
from crawlers.sample_server import SampleSite
from crawlers.spiders.reports import container_url


SITES = Path(__file__).parent / "sites"


def test_second_run_gets_304s_and_downloads_nothing_again(tmp_path):
    with SampleSite(SITES / "trs") as server:
        server.routes["/module/download/downfile.jsp"] = routes.downfile({})  # no validators: fetched again, by design
        site = {"id": "trs", "start_urls": [server.url + "/xxgk/zfxxgknb/index.html"]}
        first = crawl(site, tmp_path, name="first", delay=0.0)
        n_first = len(server.requests)
        second = crawl(site, tmp_path, name="second", delay=0.0, known=known_from(first))
        again = server.requests[n_first:]
    assert first.returncode == second.returncode == 0, second.stderr
    static_docs = [d for d in first.documents() if "downfile.jsp" not in d["url"]]
    assert len(static_docs) == 11  # 3 report pages, 6 attachments, the 2 members of a ZIP attachment
    doc_urls = {container_url(d["url"]).split(server.url, 1)[1] for d in static_docs}
    assert len(doc_urls) == 10  # the ZIP is one download
    asked = [r for r in again if r.path in doc_urls]
    # every known document was asked for conditionally and answered 304 — no body sent twice
    assert sorted(r.path for r in asked) == sorted(doc_urls)
    assert all("If-None-Match" in r.headers and "If-Modified-Since" in r.headers for r in asked)
    assert all(r.status == 304 for r in asked)
    # list pages are always re-read in full: new reports appear there
    assert [r.status for r in again if r.path.startswith("/xxgk/zfxxgknb/index")] == [200, 200, 200]
    second_docs = [d for d in second.documents() if "downfile.jsp" not in d["url"]]
    assert len(second_docs) == 11 and all(d["not_modified"] and d["status"] == 304 for d in second_docs)
    assert sum(1 for f in second.fetches() if f.get("conditional")) == 10


def test_a_page_answered_304_has_its_links_read_from_its_archived_capture(tmp_path):
    """A crawl killed after a report page was archived but before its attachments were fetched:
    the next run gets a 304 for the page, and still fetches every attachment it links."""
    with SampleSite(SITES / "trs") as server:
        server.routes["/module/download/downfile.jsp"] = routes.downfile({})
        site = {"id": "trs", "start_urls": [server.url + "/xxgk/zfxxgknb/index.html"]}
        first = crawl(site, tmp_path, name="first", delay=0.0)
        pages = {d["url"] for d in first.documents("page")}
        # What the archive knew after the kill: the pages (validators, WARC record), no attachment.
        known = {url: {k: v for k, v in entry.items() if k != "attachments"}
                 for url, entry in known_from(first).items() if url in pages}
        second = crawl(site, tmp_path, name="second", delay=0.0, known=known)
    assert first.returncode == second.returncode == 0, second.stderr
    assert len(pages) == 3
    assert all(d["status"] == 304 for d in second.documents("page"))
    want = {container_url(d["url"]) for d in first.documents("attachment")}
    got = {container_url(d["url"]) for d in second.documents("attachment") if d["status"] == 200}
    assert len(want) == 9 and got == want  # 6 files, a ZIP, 2 downloads named only by their headers
    assert {d["parent_url"] for d in second.documents("attachment")} <= pages
    assert second.done()["links_from_archive"] == 3
