"""Sentence splitting survives news text."""

import pytest

from accords.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Col. Goïta met Mr. Putin in St. Petersburg. Then he left.",
            ["Col. Goïta met Mr. Putin in St. Petersburg.", "Then he left."],
        ),
        (
            "George W. Bush spoke to Gen. Myers. Nothing changed.",
            ["George W. Bush spoke to Gen. Myers.", "Nothing changed."],
        ),
        ("The U.S. military said so. The U.N. agreed.", ["The U.S. military said so.", "The U.N. agreed."]),
        ("He flew to the U.S. The talks began.", ["He flew to the U.S.", "The talks began."]),
        (
            "MOSCOW (Reuters) - Russia said it would respond. Officials declined to comment.",
            ["MOSCOW (Reuters) - Russia said it would respond.", "Officials declined to comment."],
        ),
        ('"We agree," he said. "We will sign."', ['"We agree," he said.', '"We will sign."']),
        (
            "“This approach,” Belousov said, “is the key to any success and victory.” Despite it, violence grew.",
            ["“This approach,” Belousov said, “is the key to any success and victory.”", "Despite it, violence grew."],
        ),
        (
            "Headline Without Period\nBody sentence one. Body two!",
            ["Headline Without Period", "Body sentence one.", "Body two!"],
        ),
        ("The talks opened on Jan. 5 in Geneva. They ended.", ["The talks opened on Jan. 5 in Geneva.", "They ended."]),
        ("Is it over? Nobody knows.", ["Is it over?", "Nobody knows."]),
    ],
)
def test_news_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_offsets_point_into_the_text() -> None:
    text = "  First one.  Second one.\nThird."
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
    assert [s.index for s in split_sentences(text)] == [0, 1, 2]
