"""The dashboard in a real browser: Playwright drives Debian's Chromium (never a downloaded one).

The seeds are ingested into a fresh database, ``accords``' web app is served by uvicorn on
127.0.0.1 (a free port) in a background thread, and the user story of the Russia–Mali visit is
walked through: the dyad page, the nuclear agreement with both articles' sentences highlighted,
search. Every page is written to ``screenshots/`` at the root of the checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_path

CHROMIUM = os.environ.get("ACCORDS_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

playwright_api = pytest.importorskip("playwright.sync_api")


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: run scripts/system-deps.sh (Debian packages chromium, chromium-driver)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory, pipeline) -> Path:
    from accords.ingest import Ingester
    from accords.readers import read_inputs
    from accords.store import open_store

    db = tmp_path_factory.mktemp("web") / "seeds.db"
    store = open_store(db)
    report = Ingester(store, pipeline).ingest(read_inputs([str(shared_path("seeds", "seeds.jsonl"))]))
    store.close()
    assert report.added == 2, report.as_dict()
    return db


@pytest.fixture(scope="module")
def server(seeded_db: Path) -> Iterator[str]:
    """``accords``' web app served by uvicorn on 127.0.0.1 and a free port; yields the base URL."""
    import uvicorn

    from accords.web import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(seeded_db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    _need_chromium()
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server: str) -> Iterator:
    """A fresh laptop-sized page that records every request it makes (to check nothing leaves the server)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=server)
    pg = context.new_page()
    pg.requests_seen = []
    pg.on("request", lambda r: pg.requests_seen.append(r.url))
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def load_ms(page) -> float:
    """Navigation start to the end of the load event, as the browser measured it."""
    return page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"
    )


def only_local(page, server: str) -> None:
    outside = [u for u in page.requests_seen if not (u.startswith(server) or u.startswith("data:"))]
    assert outside == [], f"requests left the server: {outside}"


def test_dyad_page_shows_the_three_agreements_and_the_two_source_cluster(page, server) -> None:
    page.goto("/dyad/RUS/MLI")
    assert load_ms(page) > 0  # the page finished loading (its speed is measured in bench/web_bench.py)
    assert page.locator("h1").inner_text().startswith("Russia – Mali")
    rows = page.locator("table.agreements tbody tr")
    assert rows.count() == 3
    titles = " | ".join(rows.locator("a.agreement-link").all_inner_texts())
    assert "fundamentals of relations" in titles
    assert "Intergovernmental Russia–Mali Commission" in titles
    assert "peaceful use of nuclear energy" in titles
    visit = page.locator("ol.clusters li", has_text="Official visit of Assimi Goïta")
    assert visit.count() == 1
    assert visit.locator(".sources").inner_text() == "2 sources"
    # the chart and the timeline are server-side SVG
    assert page.locator("#chart svg.chart rect").count() >= 4
    assert page.locator("#timeline svg.chart circle").count() == 2
    assert page.locator("#people li", has_text="Assimi Goïta").count() == 1
    assert page.locator("#quotes li", has_text="mutual trust").count() == 1
    shot(page, "dyad")
    only_local(page, server)


def test_the_nuclear_agreement_shows_both_articles_sentences_highlighted(page, server) -> None:
    page.goto("/dyad/RUS/MLI")
    page.get_by_role("link", name=re.compile("peaceful use of nuclear energy")).click()
    page.wait_for_url(re.compile(r"/agreement/\d+$"))
    assert "peaceful use of nuclear energy" in page.locator("h1").inner_text()
    reports = page.locator(".side-by-side article.report")
    assert reports.count() == 2
    docs = sorted(reports.locator("h3").all_inner_texts())
    assert docs == ["seed-000", "seed-002"]
    for i in range(2):
        marks = reports.nth(i).locator("blockquote mark")
        assert marks.count() >= 1
        assert "nuclear energy" in " ".join(marks.all_inner_texts())
        assert marks.first.is_visible()
    # both sources' values side by side
    assert page.locator("table.compare thead th").count() == 3
    assert "signed" in page.locator("dl.facts").inner_text()
    shot(page, "agreement-nuclear")
    only_local(page, server)


def test_search_nuclear_lands_on_the_agreement(page, server) -> None:
    page.goto("/")
    assert load_ms(page) > 0
    assert page.locator("table.dyads a.dyad-link", has_text="Mali").count() >= 1
    shot(page, "home")
    page.locator("#q-home").fill("nuclear")
    page.locator("#q-home").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=nuclear"))
    first = page.locator("a.result-agreement").first
    assert "nuclear" in first.inner_text()
    assert page.locator("ol.results mark").count() >= 1  # full-text snippets of the documents
    shot(page, "search-nuclear")
    first.click()
    page.wait_for_url(re.compile(r"/agreement/\d+$"))
    assert "peaceful use of nuclear energy" in page.locator("h1").inner_text()


def test_cluster_page_puts_the_reports_side_by_side(page, server) -> None:
    page.goto("/dyad/RUS/MLI")
    page.locator("ol.clusters a.cluster-link", has_text="Official visit").click()
    page.wait_for_url(re.compile(r"/cluster/\d+$"))
    assert page.locator(".n-sources").inner_text() == "2"
    assert page.locator(".side-by-side article.report").count() == 2
    # agreements named by one report only are marked so
    only = page.locator("table.facts-table tr.only")
    assert only.count() >= 1
    assert "only seed-002" in only.first.inner_text() or "only seed-000" in only.first.inner_text()
    shot(page, "cluster")
    only_local(page, server)


def test_actor_pages_show_partners_and_quotes(page, server) -> None:
    page.goto("/actor/RUS")
    assert page.locator("h1").inner_text().startswith("Russia")
    assert page.locator("svg.network a").count() >= 1  # Mali (at least) around Russia
    assert page.locator("svg.network text", has_text="MLI").count() == 1
    shot(page, "actor-state")
    page.goto("/dyad/RUS/MLI")
    page.locator("#people a", has_text="Assimi Goïta").click()
    page.wait_for_url(re.compile(r"/actor/\d+$"))
    assert page.locator("h1").inner_text().startswith("Assimi Goïta")
    assert page.locator("ul.quotes li", has_text="mutual trust").count() == 1
    shot(page, "actor-person")
    only_local(page, server)


def test_document_page_marks_the_evidence(page, server) -> None:
    page.goto("/document/seed-002")
    assert page.locator(".doctext mark.m-agreements").count() >= 3
    assert page.locator(".doctext .sent").count() > 5
    shot(page, "document")


def test_keyboard_navigation(page, server) -> None:
    page.goto("/dyad/RUS/MLI")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "after the skip link, Tab moves into the content"
    # every agreement link is reachable with the keyboard
    link = page.locator("a.agreement-link").first
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/agreement/\d+$"))


def test_phone_layout_has_no_sideways_scrolling(browser, server) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server, is_mobile=True)
    pg = context.new_page()
    try:
        for path, name in (("/dyad/RUS/MLI", "phone-dyad"), ("/", "phone-home"), ("/agreement/1", "phone-agreement")):
            pg.goto(path)
            overflow = pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
            shot(pg, name)
            pg.screenshot(path=str(SCREENSHOTS / f"{name}-screen.png"))  # what the phone shows first
    finally:
        context.close()


def test_pages_and_json_twins_agree(page, server) -> None:
    response = page.request.get(f"{server}/dyad/RUS/MLI.json")
    assert response.ok and response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert len(data["agreements"]) == 3
    again = page.request.get(f"{server}/dyad/RUS/MLI?format=json").json()
    assert again == data


def test_screenshot_for_the_docs(browser, server) -> None:
    """The dyad page at a laptop size (docs/dashboard-dyad.png is a copy of this)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, base_url=server)
    pg = context.new_page()
    try:
        pg.goto("/dyad/RUS/MLI")
        SCREENSHOTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / "dashboard-dyad.png"), full_page=False)
    finally:
        context.close()
    if os.environ.get("ACCORDS_UPDATE_DOCS_SCREENSHOT"):
        shutil.copyfile(SCREENSHOTS / "dashboard-dyad.png", ROOT / "docs" / "dashboard-dyad.png")


def test_api_reference_is_served_offline(page, server) -> None:
    page.goto("/api/docs")
    assert page.locator("section.endpoint").count() >= 15
    assert page.locator("section.endpoint", has_text="/api/dyads/{a}/{b}").count() == 1
    shot(page, "api-docs")
    only_local(page, server)
