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


def test_one_crawl_process_serves_many_hosts_each_paced_and_each_done_on_its_own(tmp_path):
    """Four sites in one crawl process: each host one request at a time with the delay, all
    hosts at once, and a site whose start page hangs ends on its own, after the others."""
    from crawlers import sample_routes as routes
    from crawlers.local_crawl import crawl_many

    delay = 0.4
    servers = [SampleSite(SITES / "trs", host=f"127.0.0.{61 + i}").start() for i in range(4)]
    try:
        servers[3].routes["/xxgk/bmnb/index.shtml"] = routes.slow_endless(for_s=30)
        sites = [{"id": f"s{i}", "start_urls": [s.url + "/xxgk/bmnb/index.shtml", s.url + "/xxgk/xznb/index.html"]}
                 for i, s in enumerate(servers)]
        outs = crawl_many(sites, tmp_path, delay=delay, timeout=6.0, retry_delays=[0.1])
        times = [[r.at for r in s.requests] for s in servers]
    finally:
        for s in servers:
            s.stop()
    assert all(o.returncode == 0 for o in outs), outs[0].stderr
    for host_times in times:
        gaps = [t2 - t1 for t1, t2 in zip(host_times, host_times[1:])]
        assert gaps and min(gaps) >= 0.5 * delay * 0.9  # never two at once on one host
    for host_times in times[:3]:
        assert len(host_times) >= 9
    # the hosts were crawled at the same time, not one after the other
    merged = sorted((t, h) for h, host_times in enumerate(times) for t in host_times)
    assert sum(1 for (_, a), (_, b) in zip(merged, merged[1:]) if a != b) >= 12
    done = [o.done() for o in outs]
    assert all(d and d["reason"] == "finished" for d in done)
    assert max(d["duration_s"] for d in done[:3]) < done[3]["duration_s"]
    assert [e["error_kind"] for e in outs[3].errors()] == ["timeout"]
    assert all(o.errors() == [] for o in outs[:3])
