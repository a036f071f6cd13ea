"""Fetching articles and feeds, against a local HTTP server started by the test (never the internet)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from accords.cli import app
from accords.fetch import USER_AGENT, Fetcher
from accords.model import Document, DocumentError

ARTICLE = """<html><head><title>{title}</title>
<meta property="og:title" content="{title}"><meta name="date" content="2025-06-23"></head>
<body><nav>Home | World | Africa</nav><article><h1>{title}</h1>
<p>{body}</p>
<p>Officials from both governments described the meeting as productive and said further talks would follow
later in the year, with delegations expected to meet again in the capital.</p>
<p>Analysts said the visit reflected a broader realignment of the country's foreign partnerships over the past
few years, as governments in the region look for new sources of investment and security assistance.</p>
</article><footer>Copyright</footer></body></html>"""

PAGES = {
    "/world/visit.html": ARTICLE.format(
        title="Putin receives Mali's leader in Moscow",
        body="Russian President Vladimir Putin held talks with Mali's interim president Assimi Goïta in Moscow "
        "on Monday, and the two governments signed an agreement on cooperation in nuclear energy.",
    ),
    "/world/ties.html": ARTICLE.format(
        title="France and Germany hold consultations",
        body="French and German foreign ministers met in Berlin on Tuesday to discuss energy security and "
        "agreed to coordinate their positions ahead of the European Council.",
    ),
}


def feed(base: str) -> str:
    items = "".join(
        f"<item><title>Item {n}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<pubDate>Tue, 24 Jun 2025 08:00:00 GMT</pubDate></item>"
        for n, path in enumerate(["/world/visit.html", "/world/ties.html", "/world/gone.html"])
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test</title><link>{base}</link>{items}</channel></rss>'


class Server:
    def __init__(self):
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, self.headers.get("User-Agent", "")))
                if self.path == "/slow.html":
                    time.sleep(1.5)
                if self.path == "/feed.xml":
                    body, kind = feed(server.base).encode(), "application/rss+xml"
                elif self.path in PAGES or self.path == "/slow.html":
                    body, kind = PAGES.get(self.path, PAGES["/world/ties.html"]).encode(), "text/html; charset=utf-8"
                else:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def ingest(*args):
    result = CliRunner().invoke(app, ["ingest", *args, "--delay", "0", "--quiet", "--json"], catch_exceptions=False)
    return result, json.loads(result.stdout)


def test_ingest_url_then_no_refetch(server, tmp_path):
    db = str(tmp_path / "kb.db")
    url = server.base + "/world/visit.html"
    result, report = ingest(url, "--db", db)
    assert result.exit_code == 0, result.stderr
    assert report["added"] == 1
    assert server.requests[0][1] == USER_AGENT
    result, report = ingest(url, "--db", db)
    assert report["added"] == report["unchanged"] == report["failed"] == 0
    assert server.paths() == ["/world/visit.html"]  # known URL: not fetched again
    hits = json.loads(CliRunner().invoke(app, ["search", "Goita", "--db", db, "--json"]).stdout)
    assert hits[0]["url"] == url and hits[0]["published"] == "2025-06-23"


def test_feed_items_fetched_once_and_failures_reported(server, tmp_path):
    db = str(tmp_path / "kb.db")
    ingest(server.base + "/world/visit.html", "--db", db)
    result, report = ingest("--feed", server.base + "/feed.xml", "--db", db)
    assert result.exit_code == 1  # one item failed
    assert report["added"] == 1 and report["failed"] == 1
    assert "gone.html" in report["errors"][0] and "404" in report["errors"][0]
    assert server.paths().count("/world/visit.html") == 1  # the known item was not fetched again
    assert server.paths().count("/world/ties.html") == 1
    server.requests.clear()
    result, report = ingest("--feed", server.base + "/feed.xml", "--db", db)
    assert report["added"] == 0
    assert "/world/ties.html" not in server.paths() and "/world/visit.html" not in server.paths()
    assert all(ua == USER_AGENT for _, ua in server.requests)


def test_timeouts_and_politeness(server):
    with Fetcher(timeout=0.5, delay=0.3) as fetcher:
        slow = fetcher.article(server.base + "/slow.html")
        assert isinstance(slow, DocumentError) and "Timeout" in slow.message
        started = time.monotonic()
        first = fetcher.article(server.base + "/world/visit.html")
        second = fetcher.article(server.base + "/world/ties.html")
        assert time.monotonic() - started >= 0.3  # at most one request per host per delay
        assert isinstance(first, Document) and isinstance(second, Document)
        assert first.url == server.base + "/world/visit.html"
        assert "Vladimir Putin" in first.text


def test_unreachable_feed_is_an_error_not_a_crash(tmp_path):
    with Fetcher(timeout=0.5, delay=0) as fetcher:
        items = list(fetcher.feed("http://127.0.0.1:9/feed.xml"))
    assert len(items) == 1 and isinstance(items[0], DocumentError)
