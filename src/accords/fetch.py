"""Fetch articles from the web: one page by URL, or every item of an RSS/Atom feed.

Polite by default: a descriptive User-Agent, connect/read timeouts, at most
one request per host every ``delay`` seconds, redirects followed, and no
re-fetch of an item whose URL is already in the knowledge base (``known``).
Article text comes from :func:`accords.readers.html_document` (trafilatura).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from urllib.parse import urlparse

import httpx

from .model import Document, DocumentError
from .readers import html_document

USER_AGENT = "accords/0.1 (news research bot; polite: one request per host per second)"
Item = Document | DocumentError


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


class Fetcher:
    def __init__(
        self,
        known: Callable[[str], bool] | None = None,
        timeout: float = 20.0,
        delay: float = 1.0,
        user_agent: str = USER_AGENT,
        client: httpx.Client | None = None,
    ):
        self.known = known or (lambda url: False)
        self.delay = delay
        self.client = client or httpx.Client(
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            },
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=True,
        )
        self._last: dict[str, float] = {}
        self.fetched = 0
        self.skipped = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, url: str) -> httpx.Response:
        host = urlparse(url).netloc
        wait = self._last.get(host, 0.0) + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return self.client.get(url)
        finally:
            self._last[host] = time.monotonic()
            self.fetched += 1

    def article(self, url: str, doc_id: str = "", published: date | None = None, title: str = "") -> Item | None:
        """The article at ``url`` as a Document; None when it is already known (not fetched again)."""
        if self.known(url):
            self.skipped += 1
            return None
        try:
            response = self._get(url)
            response.raise_for_status()
        except httpx.HTTPStatusError as exc:
            return DocumentError(url, f"HTTP {exc.response.status_code} {exc.response.reason_phrase}", doc_id)
        except httpx.HTTPError as exc:
            return DocumentError(url, f"cannot fetch: {type(exc).__name__}: {exc}", doc_id)
        item = html_document(response.content, origin=url, doc_id=doc_id or url, url=str(response.url))
        if isinstance(item, Document):
            item.url = url  # the address we were given: what "known" is checked against next time
            if item.published is None and published is not None:
                item.published = published
            if not item.title and title:
                item.title = title
        return item

    def feed(self, url: str) -> Iterator[Item]:
        """Every new item of an RSS/Atom feed, fetched and extracted."""
        import feedparser

        try:
            response = self._get(url)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            yield DocumentError(url, f"cannot fetch feed: {type(exc).__name__}: {exc}")
            return
        parsed = feedparser.parse(response.content)
        if parsed.bozo and not parsed.entries:
            yield DocumentError(url, f"not a readable RSS/Atom feed: {parsed.get('bozo_exception', 'parse error')}")
            return
        seen: set[str] = set()
        for n, entry in enumerate(parsed.entries, 1):
            link = entry.get("link") or ""
            if not link:
                yield DocumentError(f"{url}#{n}", "feed item has no link")
                continue
            if link in seen:
                continue
            seen.add(link)
            published = None
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            if stamp:
                published = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
            item = self.article(link, doc_id=entry.get("id") or link, published=published, title=entry.get("title", ""))
            if item is not None:
                yield item
