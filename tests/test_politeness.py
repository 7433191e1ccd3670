"""Politeness: one request at a time per host with a delay, hosts crawled in parallel."""
from __future__ import annotations

import threading
from pathlib import Path

from crawlers.local_crawl import crawl
from crawlers.sample_server import SampleSite
from crawlers.settings import BASE_SETTINGS, crawl_settings

SITES = Path(__file__).parent / "sites"


def test_defaults_are_polite():
    s = crawl_settings()
    assert s["ROBOTSTXT_OBEY"] and s["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1 and s["AUTOTHROTTLE_ENABLED"]
    assert s["DOWNLOAD_DELAY"] >= 1.0 and s["DOWNLOAD_MAXSIZE"] == 50 * 1024 * 1024
    assert "nianbao" in s["USER_AGENT"] and "robots.txt" in s["USER_AGENT"]
    assert crawl_settings(per_host=5)["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert BASE_SETTINGS["NIANBAO_RETRY_DELAYS"] == [30.0, 120.0, 480.0]


def test_two_hosts_in_parallel_each_paced_by_the_delay(tmp_path):
    delay = 0.4
    with SampleSite(SITES / "trs", host="127.0.0.11") as a, SampleSite(SITES / "trs", host="127.0.0.12") as b:
        outs = {}

        def run(name, server):
            outs[name] = crawl({"id": name, "start_urls": [server.url + "/xxgk/bmnb/index.shtml",
                                                          server.url + "/xxgk/xznb/index.html"]},
                               tmp_path, name=name, delay=delay)

        threads = [threading.Thread(target=run, args=(n, s)) for n, s in (("a", a), ("b", b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        times = {"a": [r.at for r in a.requests], "b": [r.at for r in b.requests]}
    assert all(o.returncode == 0 for o in outs.values())
    for host_times in times.values():
        assert len(host_times) >= 9  # robots.txt, 4 list pages, 4 report pages
        gaps = [t2 - t1 for t1, t2 in zip(host_times, host_times[1:])]
        # DOWNLOAD_DELAY is randomised to 0.5–1.5 × delay; never two at once on one host
        assert min(gaps) >= 0.5 * delay * 0.9
    # the hosts were crawled at the same time, not one after the other
    merged = sorted([(t, "a") for t in times["a"]] + [(t, "b") for t in times["b"]])
    switches = sum(1 for (_, h1), (_, h2) in zip(merged, merged[1:]) if h1 != h2)
    assert switches >= 4


def test_retry_waits_follow_the_politeness_delay_unless_given():
    base: dict = {}
    assert crawl_settings(**base, delay=0.5)["NIANBAO_RETRY_DELAYS"] == [15.0, 60.0, 240.0]
    assert crawl_settings(**base, delay=0)["NIANBAO_RETRY_DELAYS"] == [0.0, 0.0, 0.0]
    assert crawl_settings(**base, delay=0, retry_delays=[1, 2])["NIANBAO_RETRY_DELAYS"] == [1, 2]
