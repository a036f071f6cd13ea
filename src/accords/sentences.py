"""Sentence splitting for news text, with character offsets.

Rules: a line break always ends a sentence (headlines, paragraphs, list
items); ``.``, ``!``, ``?`` (with any closing quotes or brackets) end one
when followed by space and something that can start a sentence, unless the
word before the period is an abbreviation ("Col.", "Mr.", "Jan."), an
initial ("George W. Bush"), or part of a dotted acronym ("U.S.") that is
followed by a word that does not start sentences. Datelines ("MOSCOW
(Reuters) -") stay with their sentence.
"""

from __future__ import annotations

import re

from .model import Sentence

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft col gen lt sgt capt cpt maj cmdr adm brig cdr pvt cpl rev fr gov
    sen rep pres amb hon messrs mme mlle sen supt insp det no nos vol pp fig approx est dept univ inc
    corp ltd co bros jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs
    fri sat sun vs etc al ca cf eg ie viz op gov't govt""".split()
)
# Words after "U.S." / "U.N." that show the acronym ended the sentence.
SENTENCE_STARTERS = frozenset(
    """the a an he she it they we i this that these those but and in on at as after before when while
    however meanwhile his her their its our there here if since although though yet so also earlier
    later still some many most one two three officials""".split()
)

_CANDIDATE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_NEXT_START = re.compile(r"\s*([\"'“‘(\[]?)(\S+)")


def _token_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"'“‘":
        start -= 1
    return text[start:end]


def _is_boundary(text: str, dot: int, after: int) -> bool:
    """Whether the punctuation at ``dot`` (ending at ``after``) ends a sentence."""
    nxt = _NEXT_START.match(text, after)
    if not nxt:
        return True
    word = nxt.group(2)
    first = word[0]
    if not (first.isupper() or first.isdigit() or nxt.group(1) or first in "“\"'‘"):
        return False  # "... said the U.S. military" / "e.g. something"
    if text[dot] != ".":
        return True
    token = _token_before(text, dot)
    bare = token.rstrip(".").lower()
    if not bare:
        return True
    if "." in token:  # dotted acronym: U.S., U.N., a.m.
        return word.lower().strip("\"'“‘(") in SENTENCE_STARTERS
    if bare in ABBREVIATIONS:
        return False
    return not (len(bare) == 1 and token[:1].isupper())  # initial: "George W. Bush"


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose offsets index into ``text``."""
    sentences: list[Sentence] = []
    start = 0
    n = len(text)
    for match in _CANDIDATE.finditer(text):
        if match.group(0) != "\n" and not _is_boundary(text, match.start(), match.end()):
            continue
        _append(sentences, text, start, match.end())
        start = match.end()
    if start < n:
        _append(sentences, text, start, n)
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(len(sentences), start, end, text[start:end]))
