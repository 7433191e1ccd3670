"""Requests per second per host that a crawl with the default settings sends to a loopback site.

    python benchmarks/crawl_politeness.py [--pages 18] [--delay SECONDS]

Two sites on two loopback hosts are crawled at once (one crawler process each,
as the harvest flow runs them); each has a list page linking `--pages` report
pages, so a host sees robots.txt + 1 list + N pages (20 requests by default).
Prints the politeness settings in force, then per host: requests, requests/s,
the smallest and median gap between request arrivals (DOWNLOAD_DELAY is
randomised to 0.5–1.5 × the delay, so the smallest gap stays above half of
it), then how much the two hosts' crawls overlapped in time.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawlers.local_crawl import crawl  # noqa: E402
from crawlers.sample_server import SampleSite  # noqa: E402


def make_site(root: Path, pages: int) -> None:
    (root / "nb").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow:\n")
    links = "\n".join(f'<li><a href="r{y}.html">某镇{y}年政府信息公开工作年度报告</a></li>' for y in range(2000, 2000 + pages))
    (root / "nb" / "index.html").write_text(f"<html><head><meta charset='utf-8'></head><body><ul>{links}</ul></body></html>",
                                            encoding="utf-8")
    for y in range(2000, 2000 + pages):
        (root / "nb" / f"r{y}.html").write_text(f"<html><head><meta charset='utf-8'></head><body>某镇{y}年报告</body></html>",
                                                encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=18)
    parser.add_argument("--delay", type=float, default=None, help="DOWNLOAD_DELAY; default: the crawler's own (1 s)")
    args = parser.parse_args()
    from crawlers.settings import crawl_settings
    s = crawl_settings(delay=args.delay)
    print(f"settings: DOWNLOAD_DELAY {s['DOWNLOAD_DELAY']} s (jitter ±{s['DOWNLOAD_DELAY_JITTER']:.0%}), "
          f"CONCURRENT_REQUESTS_PER_DOMAIN {s['CONCURRENT_REQUESTS_PER_DOMAIN']}, AUTOTHROTTLE "
          f"{'on' if s['AUTOTHROTTLE_ENABLED'] else 'off'} (target concurrency {s['AUTOTHROTTLE_TARGET_CONCURRENCY']}, "
          f"max delay {s['AUTOTHROTTLE_MAX_DELAY']} s), robots.txt obeyed: {s['ROBOTSTXT_OBEY']}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        make_site(tmp_path / "site", args.pages)
        servers = {name: SampleSite(tmp_path / "site", host=host).start()
                   for name, host in (("a", "127.0.0.21"), ("b", "127.0.0.22"))}
        outs = {}

        def run(name: str) -> None:
            job = {} if args.delay is None else {"delay": args.delay}
            outs[name] = crawl({"id": name, "start_urls": [servers[name].url + "/nb/index.html"]}, tmp_path / name,
                               name=name, timeout_s=600, **job)

        started = time.monotonic()
        threads = [threading.Thread(target=run, args=(n,)) for n in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        for s in servers.values():
            s.stop()
    spans = {}
    for name, server in servers.items():
        times = [r.at for r in server.requests]
        gaps = [b - a for a, b in zip(times, times[1:])]
        span = times[-1] - times[0]
        spans[name] = (times[0], times[-1])
        docs = len(outs[name].documents())
        print(f"host {server.url}: {len(times)} requests in {span:.1f} s = {len(times) / span:.2f} req/s; "
              f"gap min {min(gaps):.2f} s, median {statistics.median(gaps):.2f} s; {docs} documents; "
              f"crawler exit {outs[name].returncode}")
    (a0, a1), (b0, b1) = spans["a"], spans["b"]
    overlap = max(0.0, min(a1, b1) - max(a0, b0))
    print(f"both hosts: wall {wall:.1f} s, crawls overlapped for {overlap:.1f} s "
          f"({overlap / max(a1 - a0, b1 - b0):.0%} of the longer one): hosts are crawled in parallel")


if __name__ == "__main__":
    main()
