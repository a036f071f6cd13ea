"""Text normalization: wire debris becomes clean text."""

import pytest

from accords.normalize import fold, normalize_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Arafat #39;s health worsening", "Arafat's health worsening"),
        ("Turkey #39;s Adultery Ban", "Turkey's Adultery Ban"),
        ("to  quot;restore normalcy and cooperation quot; between", 'to "restore normalcy and cooperation" between'),
        ("Allawi confirms it will be &lt;b&gt;...&lt;/b&gt;.", "Allawi confirms it will be ...."),
        ("the White House  #151; most disapprove", "the White House — most disapprove"),
        ("a  #36;5 million ransom", "a $5 million ransom"),
        ("Tom &amp;amp; Jerry", "Tom & Jerry"),
        ("<p>Hello <b>world</b></p>", "Hello world"),
        ("non\u00a0breaking\u200b space", "non breaking space"),
        ("line one\r\n\r\n\r\n\r\nline two", "line one\n\nline two"),
        ("  spaces   inside\t\ttabs  ", "spaces inside tabs"),
    ],
)
def test_wire_debris_is_cleaned(raw: str, clean: str) -> None:
    assert normalize_text(raw) == clean


def test_text_is_nfc() -> None:
    decomposed = "Goi\u0308ta"  # i + combining diaeresis
    assert normalize_text(decomposed) == "Goïta"


def test_fold_keeps_offsets_and_drops_accents() -> None:
    text = "Assimi Goïta met Recep Tayyip Erdoğan in Côte d’Ivoire"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "assimi goita met recep tayyip erdogan in cote d'ivoire"
