"""Sites sharded over a few crawl processes, and each site handed to the flow as soon as its crawl is done."""
from __future__ import annotations

import time
from pathlib import Path

from crawlers import sample_routes as routes
from crawlers.sample_server import SampleSite
from crawlers.sites import Site
from flows.harvest import crawl_processes, shard_sites
from flows.tasks import CrawlResult, ShardResult, crawl_shard

SITES = Path(__file__).parent / "sites"


def test_sites_of_one_host_share_a_shard_and_shards_are_balanced():
    sites = [Site(id=f"d{i}", start_urls=(f"http://portal.example/col{i}/",)) for i in range(4)]
    sites += [Site(id=f"c{i}", start_urls=(f"http://c{i}.example/nb/",)) for i in range(8)]
    shards = shard_sites(sites, 3)
    assert len(shards) == 3 and sorted(len(s) for s in shards) == [4, 4, 4]
    assert any({s.id for s in shard} == {"d0", "d1", "d2", "d3"} for shard in shards)
    assert sorted(s.id for shard in shards for s in shard) == sorted(s.id for s in sites)
    assert len(shard_sites(sites[:2], 8)) == 1  # never more processes than hosts


def test_crawl_processes_grow_with_the_sites_up_to_the_cores(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert [crawl_processes(n) for n in (1, 200, 300, 301, 900, 3000)] == [1, 1, 1, 2, 3, 4]
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert crawl_processes(3000) == 1


def test_a_site_is_reported_when_done_while_a_hanging_one_crawls_on(tmp_path):
    with SampleSite(SITES / "plain", host="127.0.0.71") as fast, SampleSite(SITES / "plain", host="127.0.0.72") as slow:
        slow.routes["/zwgk/nb/index.html"] = routes.slow_endless(for_s=30)
        sites = [{"id": "fast", "start_urls": [fast.url + "/zwgk/nb/index.html"], "allowed_domains": ["127.0.0.71"]},
                 {"id": "slow", "start_urls": [slow.url + "/zwgk/nb/index.html"], "allowed_domains": ["127.0.0.72"]}]
        reports: list[tuple[float, object]] = []
        started = time.monotonic()
        result = crawl_shard.fn(sites, shard=0, warc_dir=str(tmp_path), work_dir=str(tmp_path), run_id="12345678-run",
                                known={}, delay=0.0, max_download_bytes=None, timeout=8.0,
                                report=lambda r: reports.append((time.monotonic() - started, r)))
    (t_fast, fast_done), (t_slow, slow_done), (t_end, end) = reports
    assert isinstance(fast_done, CrawlResult) and fast_done.site_id == "fast" and fast_done.returncode == 0
    assert isinstance(slow_done, CrawlResult) and slow_done.site_id == "slow"
    assert end is result and isinstance(result, ShardResult) and result.returncode == 0 and result.cpu_s > 0
    assert t_slow - t_fast > 3  # the fast site was handed over while the slow one still waited
    assert Path(fast_done.events_path).read_text(encoding="utf-8").count('"site_done"') == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith((".job.json", ".stderr.log"))) == []
