"""Readers: turn files, directories and stdin into :class:`Document` objects.

Supported: ``.txt`` (one document per file), ``.jsonl``/``.ndjson`` (one JSON
object per line: ``id``, ``text``, optional ``title``, ``published``,
``source``, ``url``), ``.json`` (one object or a list of them), ``.csv``/``.tsv``
(column names configurable; common ones recognized), ``.html``/``.htm`` (main
text extracted with trafilatura), a directory of these (recursively, sorted),
and ``-`` for JSONL on stdin.

Readers stream: they yield one item at a time and never hold a whole corpus.
A bad item yields a :class:`DocumentError` naming the file and line; reading
goes on with the next item.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from .model import Document, DocumentError
from .normalize import normalize_text

# Column names recognized in CSV files and JSON objects, in order of preference.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "document_id", "guid", "uid", "index"),
    "text": ("text", "body", "content", "article", "full_text", "description", "story"),
    "title": ("title", "headline", "heading"),
    "published": ("published", "date", "pubdate", "published_at", "publish_date", "datetime", "timestamp"),
    "source": ("source", "outlet", "publisher", "site", "domain"),
    "url": ("url", "link", "href"),
}
SUFFIXES = {".txt", ".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".html", ".htm"}

Item = Document | DocumentError


@dataclass(slots=True)
class ReaderOptions:
    """How to read structured inputs. ``fields`` maps a document field to column names to try."""

    fields: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    encoding: str = "utf-8"

    def with_columns(self, columns: dict[str, str]) -> ReaderOptions:
        """Options where the given ``{field: column}`` mapping is tried first."""
        merged = dict(self.fields)
        for key, column in columns.items():
            if key not in merged:
                raise ValueError(f"unknown document field {key!r} (known: {', '.join(merged)})")
            merged[key] = (column, *merged[key])
        return ReaderOptions(fields=merged, encoding=self.encoding)


def parse_date(value: object) -> date | None:
    """Read a publication date from the usual forms (ISO, ``2019-03-01 00:00:00``, RFC 2822)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in ("%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%d %b %Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date {text!r}")


def make_document(record: dict, origin: str, fallback_id: str, options: ReaderOptions) -> Item:
    """Build a Document from a mapping (a JSON object or a CSV row)."""

    def get(key: str) -> object:
        for name in options.fields[key]:
            value = record.get(name)
            if value not in (None, ""):
                return value
        return None

    raw_text = get("text")
    if raw_text is None:
        return DocumentError(origin, "missing 'text' field", str(get("id") or ""))
    if not isinstance(raw_text, str):
        return DocumentError(origin, f"'text' must be a string, got {type(raw_text).__name__}")
    doc_id = str(get("id") if get("id") is not None else fallback_id)
    try:
        published = parse_date(get("published"))
    except ValueError as exc:
        return DocumentError(origin, str(exc), doc_id)
    title = normalize_text(str(get("title") or ""))
    body = normalize_text(raw_text)
    if not body and not title:
        return DocumentError(origin, "empty text", doc_id)
    text = body if not title or body.startswith(title) else f"{title}\n{body}"
    return Document(
        id=doc_id,
        text=text,
        title=title,
        published=published,
        source=str(get("source") or ""),
        url=str(get("url") or ""),
        origin=origin,
    )


def _decode(data: bytes, origin: str, encoding: str) -> str | DocumentError:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        return DocumentError(origin, f"cannot decode as {encoding} at byte {exc.start}: {exc.reason}")


def read_jsonl(stream: Iterable[bytes], name: str, options: ReaderOptions) -> Iterator[Item]:
    empty = True
    for lineno, raw in enumerate(stream, 1):
        origin = f"{name}:{lineno}"
        line = _decode(raw, origin, options.encoding) if isinstance(raw, bytes) else raw
        if isinstance(line, DocumentError):
            yield line
            continue
        if not line.strip():
            continue
        empty = False
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield DocumentError(origin, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield DocumentError(origin, f"expected a JSON object, got {type(record).__name__}")
            continue
        yield make_document(record, origin, f"{Path(name).stem}-{lineno}", options)
    if empty:
        yield DocumentError(name, "empty file: no documents")


def read_json(path: Path, options: ReaderOptions) -> Iterator[Item]:
    text = _decode(path.read_bytes(), str(path), options.encoding)
    if isinstance(text, DocumentError):
        yield text
        return
    if not text.strip():
        yield DocumentError(str(path), "empty file: no documents")
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield DocumentError(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg} (column {exc.colno})")
        return
    records = data if isinstance(data, list) else [data]
    for n, record in enumerate(records, 1):
        origin = f"{path}[{n}]"
        if isinstance(record, dict):
            yield make_document(record, origin, f"{path.stem}-{n}", options)
        else:
            yield DocumentError(origin, f"expected a JSON object, got {type(record).__name__}")


def read_csv(path: Path, options: ReaderOptions) -> Iterator[Item]:
    data = path.read_bytes()
    text = _decode(data, str(path), options.encoding)
    if isinstance(text, DocumentError):
        yield text
        return
    if not text.strip():
        yield DocumentError(str(path), "empty file: no documents")
        return
    csv.field_size_limit(1 << 30)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        yield DocumentError(str(path), "no header row")
        return
    text_columns = options.fields["text"]
    if not any(c in reader.fieldnames for c in text_columns):
        yield DocumentError(
            str(path),
            f"no text column: looked for {', '.join(text_columns)}; found {', '.join(reader.fieldnames)}"
            " (use --text-column)",
        )
        return
    header_line = 1
    for n, row in enumerate(reader, 1):
        origin = f"{path}:{reader.line_num}" if reader.line_num else f"{path}:{header_line + n}"
        if None in row:
            yield DocumentError(origin, "row has more fields than the header")
            continue
        yield make_document(row, origin, f"{path.stem}-{n}", options)


def read_text_file(path: Path, options: ReaderOptions) -> Iterator[Item]:
    text = _decode(path.read_bytes(), str(path), options.encoding)
    if isinstance(text, DocumentError):
        yield text
        return
    body = normalize_text(text)
    if not body:
        yield DocumentError(str(path), "empty file: no documents")
        return
    yield Document(id=path.stem, text=body, origin=str(path))


def read_html_file(path: Path, options: ReaderOptions) -> Iterator[Item]:
    data = path.read_bytes()
    yield html_document(data, origin=str(path), doc_id=path.stem)


def html_document(data: bytes | str, origin: str, doc_id: str, url: str = "") -> Item:
    """Extract an article's title, date and main text from an HTML page (trafilatura)."""
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it

    if isinstance(data, bytes):
        if not data.strip():
            return DocumentError(origin, "empty file: no documents")
    elif not data.strip():
        return DocumentError(origin, "empty file: no documents")
    try:
        extracted = trafilatura.bare_extraction(data, url=url or None, with_metadata=True)
    except Exception as exc:  # trafilatura raises many kinds of parser errors
        return DocumentError(origin, f"cannot parse HTML: {exc}")
    if extracted is None:
        return DocumentError(origin, "no article text found in the HTML page")
    meta = extracted if isinstance(extracted, dict) else extracted.as_dict()
    record = {
        "id": doc_id,
        "text": meta.get("text") or "",
        "title": meta.get("title") or "",
        "published": meta.get("date") or None,
        "source": meta.get("sitename") or meta.get("hostname") or "",
        "url": url or meta.get("url") or "",
    }
    if not record["text"]:
        return DocumentError(origin, "no article text found in the HTML page")
    return make_document(record, origin, doc_id, ReaderOptions())


_BY_SUFFIX = {
    ".txt": read_text_file,
    ".json": read_json,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".html": read_html_file,
    ".htm": read_html_file,
}


def read_path(path: Path, options: ReaderOptions) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with path.open("rb") as fh:
            yield from read_jsonl(fh, str(path), options)
        return
    reader = _BY_SUFFIX.get(suffix)
    if reader is None:
        yield DocumentError(str(path), f"unsupported file type {suffix or '(none)'!r}")
        return
    yield from reader(path, options)


def read_inputs(paths: Iterable[str], options: ReaderOptions | None = None) -> Iterator[Item]:
    """Yield documents (or errors) from files, directories, or ``-`` (JSONL on stdin), in order."""
    options = options or ReaderOptions()
    for spec in paths:
        if spec == "-":
            yield from read_jsonl(sys.stdin.buffer, "<stdin>", options)
            continue
        path = Path(spec)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not files:
                yield DocumentError(str(path), "directory holds no readable files")
            for file in files:
                yield from read_path(file, options)
        elif path.is_file():
            try:
                yield from read_path(path, options)
            except OSError as exc:
                yield DocumentError(str(path), f"cannot read: {exc.strerror or exc}")
        else:
            yield DocumentError(str(path), "no such file or directory")


def content_hash(doc: Document) -> str:
    """Stable hash of a document's normalized text (used for deduplication)."""
    return hashlib.sha1(doc.text.encode("utf-8")).hexdigest()
