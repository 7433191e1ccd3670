"""The served archive in a real browser: headless Chromium (Debian's) driven by Playwright.

Screenshots go to tests/_artifacts/ (gitignored); their paths are printed (pytest -s shows them).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from archive import search
from archive.schema import open_db
from tests.archive_builder import build_journalist_archive, build_sample_archive
from tests.test_serve import Server

ARTIFACTS = Path(__file__).resolve().parent / "_artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_sample_archive(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def server(built):
    s = Server(built.db_path)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def page():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.js_errors = errors
        yield pg
        context.close()
        browser.close()


def shot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def test_search_open_report_tables_and_capture(page, server, built):
    with _db(built) as db:
        expected = search.search(db, "复议")
    page.goto(server.base + "/")
    expect(page.get_by_text("Full-text search")).to_be_visible()
    shot(page, "01-index")

    page.get_by_role("link", name="Full-text search (any length, 1-character queries included)").click()
    page.fill("input[name=q]", "复议")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#hit-count")).to_contain_text(f"{len(expected)} reports")
    assert page.locator(".nb-hit").count() == len(expected)
    expect(page.locator(".nb-hit mark").first).to_have_text("复议")
    shot(page, "02-search-复议")

    idx = next(i for i, h in enumerate(expected) if h.template == "2021")
    first = expected[idx]
    page.locator(".nb-report-link").nth(idx).click()
    expect(page.locator("h1")).to_have_text(first.title)
    for table in ("active", "requests", "review"):
        expect(page.locator(f'table[data-table="{table}"]')).to_be_visible()
    shot(page, "03-report")

    page.locator("#capture-link").click()
    expect(page.locator("body")).to_contain_text(first.agency)
    assert "/-/nianbao/capture/" in page.url
    shot(page, "04-capture")
    assert page.js_errors == []


def test_datasette_search_box_and_facets(page, server, built):
    with _db(built) as db:
        expected = {h.report_id for h in search.search(db, "复议", year=2021)}
    page.goto(server.base + "/archive/report_summary?year=2021")
    page.fill("input#_search", "复议")
    page.locator("input#_search").press("Enter")
    expect(page.locator("table.rows-and-columns tbody tr")).to_have_count(len(expected))
    expect(page.locator(".facet-info").first).to_be_visible()
    shot(page, "05-datasette-search-复议")
    # the report id cells link to the report page
    page.locator("table.rows-and-columns tbody tr td.col-report_id a").first.click()
    expect(page.locator('table[data-table="requests"]')).to_be_visible()


@pytest.fixture(scope="module")
def journalist(tmp_path_factory):
    built = build_journalist_archive(tmp_path_factory.mktemp("journalist"))
    s = Server(built.db_path)
    s.built = built
    yield s
    s.stop()


CJK = re.compile(r"[\u4e00-\u9fff]")
MARKS = "g.mark-line path, g.mark-rect path, g.mark-symbol path, g.mark-bar path"


def assert_chart_drawn(page, container: str, name: str) -> Path:
    """The chart drew without a click: an SVG with marks, every text of it Chinese or a number."""
    el = page.locator(container)
    expect(el.locator("svg").first).to_be_visible(timeout=20000)
    page.wait_for_timeout(300)  # vega's transitions
    marks = el.locator(MARKS)
    assert marks.count() >= 2, f"{container}: {marks.count()} marks"
    assert any(len(d or "") > 10 for d in marks.evaluate_all("els => els.map(e => e.getAttribute('d'))"))
    texts = [t.strip() for t in el.locator("svg text").all_text_contents() if t.strip()]
    assert any(CJK.search(t) for t in texts), texts
    keys = [t for t in texts if re.fullmatch(r"[a-z][a-z_]+", t)]
    assert not keys, f"{container} shows keys instead of labels: {keys}"
    path = ARTIFACTS / f"{name}.png"
    el.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def _watch_requests(page, base: str) -> list[str]:
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url))
    return outside


def test_agency_page_draws_its_charts_on_load(page, journalist):
    outside = _watch_requests(page, journalist.base)
    page.goto(journalist.base + "/-/nianbao/agency/" + "清河县")
    expect(page.locator("h1#agency-name")).to_have_text("清河县人民政府")
    expect(page.locator("#agency-years tbody tr")).to_have_count(5)
    for name in ("requests", "reasons", "reviews"):
        assert_chart_drawn(page, f"#chart-{name}", f"10-agency-chart-{name}")
    legend = " ".join(page.locator("#chart-requests svg text").all_text_contents())
    assert "本年新收申请" in legend and "不予公开" in legend and "无法提供" in legend
    assert "本机关不掌握相关政府信息" in " ".join(page.locator("#chart-reasons svg text").all_text_contents())
    assert "纠错率" in " ".join(page.locator("#chart-reviews svg text").all_text_contents())
    shot(page, "10-agency-page")
    # from the agency page to its place and back to an agency
    page.locator("a.nb-place-link", has_text="邢台市").first.click()
    expect(page.locator("h1#place-name")).to_have_text("河北省邢台市")
    assert outside == [] and page.js_errors == []


def test_place_page_ranks_and_draws_on_load(page, journalist):
    outside = _watch_requests(page, journalist.base)
    page.goto(journalist.base + "/-/nianbao/place/邢台市?year=2022")
    expect(page.locator("#place-ranking tbody tr")).to_have_count(4)
    expect(page.locator("#place-missing")).to_contain_text("临西县公安局")
    for name in ("ranking", "refusal"):
        assert_chart_drawn(page, f"#chart-{name}", f"11-place-chart-{name}")
    shot(page, "11-place-page")
    page.locator("a.nb-sort[data-sort=lawsuits]").click()
    expect(page.locator("#place-ranking tbody tr").first).to_contain_text("清河县人民政府")
    page.locator("#place-ranking a.nb-agency-link").first.click()
    expect(page.locator("h1#agency-name")).to_have_text("清河县人民政府")
    assert outside == [] and page.js_errors == []


def test_dashboard_charts_draw_on_load(page, journalist):
    outside = _watch_requests(page, journalist.base)
    page.goto(journalist.base + "/-/dashboards/nianbao?province=河北&year=2022")
    for name in ("requests", "reasons", "lawsuits"):
        assert_chart_drawn(page, f"#chart-{name}", f"12-dashboard-chart-{name}")
    shot(page, "12-dashboard")
    assert outside == [] and page.js_errors == []


def test_report_page_version_history(page, journalist):
    rid = journalist.built.report_ids["qinghe_gov_2022"]
    page.goto(journalist.base + f"/-/nianbao/report/{rid}")
    changes = page.locator('.nb-revision[data-version="2"] table.nb-changes')
    expect(changes).to_contain_text("本年新收政府信息公开申请数量")
    expect(changes.locator("td.nb-old").first).to_have_text("3")
    page.locator("#versions").scroll_into_view_if_needed()
    shot(page, "13-report-versions")
    page.locator("#agency-link").click()
    expect(page.locator("h1#agency-name")).to_have_text("清河县人民政府")


class _db:
    def __init__(self, built):
        self.db = open_db(str(built.db_path))

    def __enter__(self):
        return self.db

    def __exit__(self, *exc):
        self.db.conn.close()
