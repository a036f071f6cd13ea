"""Text normalization: the one place where raw input text becomes analyzable text.

Wire text arrives full of debris: doubly escaped HTML (``&lt;b&gt;``), entities
that lost their ampersand (``#39;``, `` quot;``), markup, odd spaces. Every
offset the pipeline produces refers to the text this module returns.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Entities whose "&" was lost on the wire: "Arafat #39;s", " quot;normalcy quot;".
# The space before them stands for the lost "&" and goes too.
_BARE_NUMERIC = re.compile(r" ?(?<!&)#(\d{2,5});")
_BARE_NAMED = re.compile(r" ?(?<![&\w;])(quot|amp|lt|gt|apos|nbsp|mdash|ndash|hellip);")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Windows-1252 code points that show up as numeric references (#151; is an em dash).
_CP1252 = {128: "€", 130: "‚", 132: "„", 133: "…", 145: "‘", 146: "’", 147: "“", 148: "”", 150: "–", 151: "—"}


def _numeric(match: re.Match) -> str:
    code = int(match.group(1))
    if code in _CP1252:
        return _CP1252[code]
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return match.group(0)


def _unescape(text: str) -> str:
    """Unescape entities until stable (``&amp;lt;`` -> ``<``), including bare wire forms."""
    for _ in range(3):
        before = text
        text = _BARE_NUMERIC.sub(_numeric, text)
        text = _BARE_NAMED.sub(lambda m: html.unescape(f"&{m.group(1)};"), text)
        if "&" in text:
            text = html.unescape(text)
            text = re.sub(r"&#(\d+);", _numeric, text)
        if text == before:
            break
    # html.unescape maps &#151; to U+0097 (a C1 control); map C1 controls through cp1252.
    return re.sub("[\u0080-\u009f]", lambda m: _CP1252.get(ord(m.group(0)), " "), text)


def normalize_text(raw: str) -> str:
    """Return clean text: entities decoded, tags removed, NFC, single spaces, paragraphs kept."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _unescape(text)
    text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    # "word ." left behind by removed tags
    text = re.sub(r" +([.,;:!?])(?=\s|$)", r"\1", text)
    return text.strip()


class _FoldTable(dict):
    """A ``str.translate`` table that folds each character on first sight and remembers it."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch.isascii():
            folded = ch.lower()
        else:
            decomposed = unicodedata.normalize("NFD", ch)
            stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
            folded = _SPECIAL_FOLD.get(ch, stripped if len(stripped) == 1 else ch.lower()[:1] or ch)
        self[code] = folded
        return folded


def fold(text: str) -> str:
    """Accent- and case-folded form used for matching names ("Goïta" -> "goita").

    The result has exactly one character per input character, so offsets found
    in the folded text are offsets in the original.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


_SPECIAL_FOLD = {
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "`": "'",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "ß": "s",
    "ı": "i",
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "æ": "a",
    "œ": "o",
    "İ": "i",
}
_FOLD_TABLE = _FoldTable()
