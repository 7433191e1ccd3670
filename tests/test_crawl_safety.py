"""Safety of a crawl against misbehaving servers: endless and oversize downloads, challenges,
offsite redirects, servers that are down. Real loopback servers; the crawl in a child process."""
from __future__ import annotations

import time
from pathlib import Path

from crawlers import sample_routes as routes
from crawlers.local_crawl import crawl
from crawlers.sample_server import SampleSite

SITES = Path(__file__).parent / "sites"


def test_misbehaving_downloads_are_cut_off_and_recorded(tmp_path):
    with SampleSite(SITES / "safety") as server, SampleSite(SITES / "safety", host="127.0.0.9") as elsewhere:
        server.routes.update({
            "/files/slow2019.pdf": routes.slow_endless(),
            "/files/big2018.pdf": routes.big(3 * 1024 * 1024, length_header=True),
            "/files/bigstream2017.pdf": routes.big(3 * 1024 * 1024, length_header=False),
            "/moved2016.html": routes.redirect_to(elsewhere.url + "/nb/ok2021.html"),
            "/flaky2015.html": routes.flaky(2, "<html><body>平安镇2015年报</body></html>".encode()),
        })
        started = time.monotonic()
        out = crawl({"id": "safety", "start_urls": [server.url + "/nb/index.html"]}, tmp_path, delay=0.0,
                    timeout=2.0, max_download_bytes=1024 * 1024, retry_delays=[0.3, 0.6, 1.2])
        elapsed = time.monotonic() - started
        paths, log = server.paths(), list(server.requests)
        elsewhere_paths = elsewhere.paths()
    assert out.returncode == 0, out.stderr
    kinds = {e["url"].rsplit("/", 1)[-1]: e["error_kind"] for e in out.errors()}
    assert kinds == {"ok2020.html": "robots_disallowed", "slow2019.pdf": "timeout", "big2018.pdf": "oversize",
                     "bigstream2017.pdf": "oversize", "ok2021.html": "offsite"}
    # robots.txt obeyed: the disallowed page was never requested
    assert not any(p.startswith("/private/") for p in paths)
    # the redirect to another host was not followed
    assert elsewhere_paths == []
    # timeouts and oversize are not retried; each was asked for once
    for p in ("/files/slow2019.pdf", "/files/big2018.pdf", "/files/bigstream2017.pdf"):
        assert paths.count(p) == 1
    # the 503s were retried after growing waits, then the page was archived
    flaky_times = [r.at for r in log if r.path == "/flaky2015.html"]
    assert len(flaky_times) == 3
    assert flaky_times[1] - flaky_times[0] >= 0.3 and flaky_times[2] - flaky_times[1] >= 0.6
    assert any(d["url"].endswith("/flaky2015.html") and d["status"] == 200 for d in out.documents())
    assert elapsed < 30


RUISHU = (b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
          b'<script type="text/javascript">$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};$_ts.nsd=63012;$_ts.cd="qjoQrrAlEn";</script>'
          b'<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r=\'m\'></script></head></html>')
JSL = b"<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+('=1');location.href=location.pathname+location.search</script>"


def test_412_challenge_is_recorded_blocked_and_not_retried(tmp_path):
    with SampleSite(SITES / "safety") as server:
        server.routes["/nb/index.html"] = routes.fixed(412, RUISHU, {"Set-Cookie": "FSSBBIl1UgzbN7N80S=abc; Path=/"})
        out = crawl({"id": "ruishu", "start_urls": [server.url + "/nb/index.html"]}, tmp_path, delay=0.0,
                    retry_delays=[0.1, 0.1])
        paths = server.paths()
    assert out.returncode == 0, out.stderr
    (err,) = out.errors()
    assert err["error_kind"] == "blocked_challenge" and "412" in err["error"]
    assert paths.count("/nb/index.html") == 1   # not retried
    assert out.documents() == []                # not parsed as a report or a list


def test_jsl_challenge_with_status_200_is_recognised(tmp_path):
    with SampleSite(SITES / "safety") as server:
        server.routes["/nb/index.html"] = routes.fixed(521, JSL, {"X-Via-JSL": "1a2b3c,-", "Set-Cookie": "__jsluid_s=9f; path=/"})
        server.routes["/nb/ok2021.html"] = routes.fixed(200, JSL, {"X-Via-JSL": "1a2b3c,-"})
        out = crawl({"id": "jsl", "start_urls": [server.url + "/nb/index.html", server.url + "/nb/ok2021.html"]},
                    tmp_path, delay=0.0)
    assert [e["error_kind"] for e in out.errors()] == ["blocked_challenge", "blocked_challenge"]
    assert out.documents() == []


def test_server_down_is_retried_with_growing_delays_then_unreachable(tmp_path):
    server = SampleSite(SITES / "safety")  # bound, never started: connections are refused
    url = server.url
    server._server.server_close()
    started = time.monotonic()
    out = crawl({"id": "down", "start_urls": [url + "/nb/index.html", url + "/nb/other.html"]}, tmp_path,
                delay=0.0, retry_delays=[0.2, 0.4, 0.8])
    elapsed = time.monotonic() - started
    kinds = sorted(e["error_kind"] for e in out.errors())
    assert kinds == ["unreachable", "unreachable"]
    attempts = [f for f in out.fetches() if f.get("error_kind") == "unreachable"]
    assert 4 <= len(attempts) <= 8  # 1 + 3 retries for one URL; the other gives up with the host
    assert elapsed >= 1.4
