"""Readers: every supported input becomes documents; bad input becomes a clear, located error."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from accords.model import Document, DocumentError
from accords.readers import ReaderOptions, read_inputs

from .conftest import shared_path

ARTICLE_HTML = """<html><head><title>Leaders meet in Bamako</title>
<meta property="article:published_time" content="2025-06-23"></head>
<body><nav>Home | World</nav><article><h1>Leaders meet in Bamako</h1>
<p>Mali and Senegal signed an agreement on transport cooperation on Monday, officials in Bamako said.</p>
<p>The two governments also agreed to hold regular consultations between their foreign ministries.</p>
<p>The accord covers road and rail links between the two capitals and a joint customs post.</p>
</article><footer>Copyright</footer></body></html>"""


def read(*paths: Path | str, options: ReaderOptions | None = None) -> list[Document | DocumentError]:
    return list(read_inputs([str(p) for p in paths], options))


def test_jsonl_fields(tmp_path: Path) -> None:
    f = tmp_path / "items.jsonl"
    f.write_text(
        json.dumps(
            {
                "id": "a1",
                "title": "Headline",
                "text": "Body text.",
                "published": "2025-06-24",
                "source": "wire",
                "url": "http://x",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    [doc] = read(f)
    assert isinstance(doc, Document)
    assert (doc.id, doc.title, doc.published, doc.source, doc.url) == (
        "a1",
        "Headline",
        date(2025, 6, 24),
        "wire",
        "http://x",
    )
    assert doc.text == "Headline\nBody text."


def test_malformed_jsonl_lines_are_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    f.write_bytes(
        b'{"id": "ok1", "text": "Fine."}\n'
        b'{"id": "bad", "text": \n'
        b'{"id": "notext"}\n'
        b"\xff\xfe broken bytes\n"
        b'{"id": "ok2", "text": "Also fine."}\n'
    )
    items = read(f)
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, DocumentError)]
    assert [d.id for d in docs] == ["ok1", "ok2"]
    assert [e.origin for e in errors] == [f"{f}:2", f"{f}:3", f"{f}:4"]
    assert "invalid JSON" in errors[0].message
    assert "missing 'text'" in errors[1].message
    assert "cannot decode" in errors[2].message


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "empty.jsonl"
    f.write_text("", encoding="utf-8")
    [err] = read(f)
    assert isinstance(err, DocumentError) and "empty file" in err.message and str(f) in str(err)


def test_missing_path_and_unsupported_type(tmp_path: Path) -> None:
    other = tmp_path / "notes.docx"
    other.write_bytes(b"x")
    errors = read(tmp_path / "nope.jsonl", other)
    assert all(isinstance(e, DocumentError) for e in errors)
    assert "no such file" in errors[0].message and "unsupported" in errors[1].message


def test_guardian_csv_loads() -> None:
    items = read(shared_path("corpora", "guardian_sdf_sample.csv"))
    docs = [i for i in items if isinstance(i, Document)]
    assert len(docs) == 249 and len(items) == 249
    assert docs[0].published == date(2019, 4, 10)
    assert docs[0].source == "Guardian"
    assert len(docs[0].text) > 1000


def test_csv_with_configured_columns(tmp_path: Path) -> None:
    f = tmp_path / "custom.csv"
    f.write_text('key,story,when\nk1,"Iran and Iraq held talks.",2004-10-25\n', encoding="utf-8")
    options = ReaderOptions().with_columns({"id": "key", "text": "story", "published": "when"})
    [doc] = read(f, options=options)
    assert (doc.id, doc.text, doc.published) == ("k1", "Iran and Iraq held talks.", date(2004, 10, 25))


def test_csv_without_text_column_says_what_it_found(tmp_path: Path) -> None:
    f = tmp_path / "odd.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    [err] = read(f)
    assert isinstance(err, DocumentError) and "no text column" in err.message and "a, b" in err.message


def test_html_main_text(tmp_path: Path) -> None:
    f = tmp_path / "article.html"
    f.write_text(ARTICLE_HTML, encoding="utf-8")
    [doc] = read(f)
    assert isinstance(doc, Document)
    assert "signed an agreement on transport cooperation" in doc.text
    assert "Copyright" not in doc.text and "Home | World" not in doc.text


def test_directory_and_txt(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First &amp; foremost.", encoding="utf-8")
    (tmp_path / "skip.bin").write_bytes(b"\x00")
    docs = read(tmp_path)
    assert [(d.id, d.text) for d in docs] == [("a", "First & foremost."), ("b", "Second.")]


def test_stdin_jsonl() -> None:
    code = "from accords.readers import read_inputs; print([d.id for d in read_inputs(['-'])])"
    out = subprocess.run(
        [sys.executable, "-c", code],
        input='{"id": "s1", "text": "From stdin."}\n',
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "['s1']"
