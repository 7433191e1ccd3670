"""The served archive in a real browser: headless Chromium (Debian's) driven by Playwright.

Screenshots go to tests/_artifacts/ (gitignored); their paths are printed (pytest -s shows them).
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from archive import search
from archive.schema import open_db
from tests.archive_builder import build_sample_archive
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


def test_chart_renders(page, server):
    page.goto(server.base + "/archive/requests_per_year_for_region?province=河北"
              "#g.mark=line&g.x_column=year&g.x_type=ordinal&g.y_column=value&g.y_type=quantitative"
              "&g.color_column=measure")
    # datasette-vega draws with JavaScript into a canvas or svg
    chart = page.locator(".vega-embed canvas, .vega-embed svg").first
    expect(chart).to_be_visible(timeout=20000)
    page.wait_for_timeout(500)  # vega draws after the data request returns
    shot(page, "06-chart-hebei")
    # not an empty frame: the five series are drawn in their own colours, and it is legible
    box = chart.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150, box
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    saturated = {c for n, c in image.getcolors(1 << 20) if n >= 10 and max(c) - min(c) > 60}
    assert len(saturated) >= 5, saturated
    assert page.js_errors == []


def test_refusals_chart_renders(page, server):
    page.goto(server.base + "/archive/refusal_totals?province=&year="
              "#g.mark=bar&g.x_column=reason&g.x_type=nominal&g.y_column=requests&g.y_type=quantitative"
              "&g.color_column=kind")
    chart = page.locator(".vega-embed canvas, .vega-embed svg").first
    expect(chart).to_be_visible(timeout=20000)
    page.wait_for_timeout(500)
    shot(page, "07-chart-refusals")
    box = chart.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150, box
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    saturated = {c for n, c in image.getcolors(1 << 20) if n >= 10 and max(c) - min(c) > 60}
    assert len(saturated) >= 2, saturated  # bars in the colours of at least two kinds
    assert page.js_errors == []


class _db:
    def __init__(self, built):
        self.db = open_db(str(built.db_path))

    def __enter__(self):
        return self.db

    def __exit__(self, *exc):
        self.db.conn.close()
