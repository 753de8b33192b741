"""Detect a plan's period (first and last year) from its text, OCR spellings included.

Evidence is weighed, strongest first: "Dette er 2018-versionen" (the version in hand wins over the
strategy period it belongs to), "Beskæftigelsesplan 2020-2022" / "Beskæftigelsesplanen for 2022"
in the title, then in the opening, then further in; "perioden 2016 til 2020"; "ministermålene
for 2018"; any year in the title; "Budget 2013". A single year is the period's first and last.
All patterns run on text folded with `compare.text.fold`, so `Beskeeftigelsesplanen for 2022`
and `ministermalene for 2018` match like the clean spellings.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict

from compare.text import fold

OPENING_CHARS = 3000  # the opening: title page, introduction
MAX_SPAN = 10  # a plan period longer than this is not a period ("2013-2030" is a vision)

_LETTER_RUNS = re.compile(r"([^\W\d_]+)")
_PARAGRAPH = re.compile(r"\n\s*\n")
_CUES = ("plan", "versi", "udgav", "minister", "politisk", "budget", "period")
_CUE = re.compile("|".join(_CUES))  # is any cue in a (lower-case) paragraph: one search


def _fold_words(text: str) -> str:
    """Fold each word of a lower-case text; digits, spaces and punctuation stay."""
    parts = _LETTER_RUNS.split(text)  # [between, word, between, word, ..., between]
    parts[1::2] = map(fold, parts[1::2])
    return "".join(parts)


# Every distinct space-separated piece of lower-case text, folded: a word never spans a space,
# so a text folds piece by piece, and texts repeat their pieces (one dictionary lookup each
# instead of a regex split). Cleared when it grows past the bound.
_FOLDED: dict[str, str] = {}
MAX_CACHED_PIECES = 300_000


def fold_text(text: str) -> str:
    """Lower-case the text and fold each word; digits, spaces and punctuation stay."""
    pieces = text.lower().split(" ")
    try:
        return " ".join(map(_FOLDED.__getitem__, pieces))
    except KeyError:
        if len(_FOLDED) > MAX_CACHED_PIECES:
            _FOLDED.clear()
        folded = {}  # a local dict: another thread may clear the cache meanwhile
        for piece in set(pieces):
            found = _FOLDED.get(piece)
            if found is None:
                found = _FOLDED[piece] = _fold_words(piece)
            folded[piece] = found
        return " ".join(map(folded.__getitem__, pieces))


PLAN_KEY = fold("beskæftigelsesplan")
# A plan year, 1980-2049, as a group.
_Y = r"(?<!\d)((?:19[89]|20[0-4])\d)(?!\d)"
YEAR = re.compile(_Y)
_RANGE = _Y + r"(?:\s*(?:-|–|—|/|" + fold("til") + r")\s*((?:19|20)?\d\d)(?!\d))?"
_FOR = r"(?:(?:" + "|".join(fold(w) for w in ("for", "til", "i")) + r")\s+)?"
_PERIOD_WORD = r"(?:(?:" + "|".join(fold(w) for w in ("perioden", "året", "årene")) + r")\s+)?"

_VERSION_WORDS = (fold("versionen")[:6], fold("udgaven")[:4])
_VERSION = re.compile(_Y + r"\s*-?\s*(?:" + "|".join(_VERSION_WORDS) + ")")
_PLAN_YEAR = re.compile(PLAN_KEY + r"\w*\s+" + _FOR + _PERIOD_WORD + _RANGE)
_PERIOD = re.compile(
    fold("perioden")
    + r"\s+"
    + _FOR
    + _Y
    + r"\s*(?:-|–|—|"
    + fold("til")
    + r")\s*((?:19|20)?\d\d)(?!\d)"
)
_MINISTER = re.compile(
    r"(?:"
    + fold("ministermål")
    + r"\w*|"
    + fold("beskæftigelsespolitiske")
    + r"\s+"
    + fold("mål")
    + r"\w*)\s+"
    + _FOR
    + _Y
)
_BUDGET = re.compile(fold("budget") + r"\w*\s+" + _FOR + _Y)
_ANY = re.compile(_RANGE)
_OVERVIEW = re.compile(
    fold("kommunernes") + r"\s+(?:\w+\s+)?" + PLAN_KEY + "|" + PLAN_KEY + r"ar(?:na)?(?!\w)"
)

# Weights of each kind of evidence, by where it is found.
W_VERSION = 100.0
W_PLAN_TITLE, W_PLAN_OPENING, W_PLAN_BODY = 50.0, 20.0, 5.0
W_PERIOD_OPENING, W_PERIOD_BODY = 6.0, 3.0
W_MINISTER = 4.0
W_TITLE_YEAR = 10.0
W_BUDGET = 1.0


def _period(first: str, last: str | None) -> tuple[int, int]:
    year = int(first)
    if not last:
        return year, year
    year_to = int(last) if len(last) == 4 else (year // 100) * 100 + int(last)
    if year_to < year or year_to - year > MAX_SPAN:
        return year, year
    return year, year_to


def is_overview_phrase(folded: str) -> bool:
    """True for "Kommunernes beskæftigelsesplaner", "beskæftigelsesplanerne" (folded text)."""
    return _OVERVIEW.search(folded) is not None


def _cue_paragraphs(text: str) -> list[str]:
    """The paragraphs of a text that hold a cue (lower-cased), in order.

    Each cue is looked for in the whole lower-cased text (`str.find`), not paragraph by
    paragraph; a paragraph is kept when a cue starts inside it (a cue never spans the blank
    line between two). Lower-casing that changes a text's length (`İ`) takes the slow way.
    """
    lower = text.lower()
    if len(lower) != len(text):
        return [part for part in _PARAGRAPH.split(text) if _CUE.search(part.lower())]
    starts = [0]
    ends = []
    for gap in _PARAGRAPH.finditer(text):
        ends.append(gap.start())
        starts.append(gap.end())
    ends.append(len(text))
    found = set()
    for cue in _CUES:
        at = lower.find(cue)
        while at != -1:
            found.add(bisect_right(starts, at) - 1)
            at = lower.find(cue, at + 1)
    return [text[starts[i] : ends[i]] for i in sorted(found)]


def fold_parts(text: str) -> tuple[str, str]:
    """(opening, body) folded: the first OPENING_CHARS, and the later paragraphs that could
    hold a period or the plan word (the rest is skipped: detection runs on every document)."""
    opening = fold_text(text[:OPENING_CHARS]).replace("\n", " ")
    kept = [part.replace("\n", " ") for part in _cue_paragraphs(text[OPENING_CHARS:])]
    return opening, fold_text("\n".join(kept))


def has_plan_word(opening: str, body: str, min_count: int = 3) -> bool:
    """True if the folded opening says "beskæftigelsesplan", or the text does often."""
    return PLAN_KEY in opening or opening.count(PLAN_KEY) + body.count(PLAN_KEY) >= min_count


def detect_period(title: str, opening: str, body: str) -> tuple[int | None, int | None]:
    """The period (first year, last year) a document is for, or (None, None).

    Takes the folded title (empty if none) and the folded opening and body from `fold_parts`.
    """
    votes: defaultdict[tuple[int, int], float] = defaultdict(float)

    def vote(pattern: re.Pattern[str], folded: str, weight: float, ranged: bool = True) -> None:
        for m in pattern.finditer(folded):
            last = m.group(2) if ranged and m.lastindex and m.lastindex >= 2 else None
            votes[_period(m.group(1), last)] += weight

    for part in (title, opening, body):
        if any(word in part for word in _VERSION_WORDS):  # else `_VERSION` cannot match
            vote(_VERSION, part, W_VERSION, ranged=False)
    vote(_PLAN_YEAR, title, W_PLAN_TITLE)
    vote(_PLAN_YEAR, opening, W_PLAN_OPENING)
    vote(_PLAN_YEAR, body, W_PLAN_BODY)
    vote(_PERIOD, opening, W_PERIOD_OPENING)
    vote(_PERIOD, body, W_PERIOD_BODY)
    vote(_MINISTER, opening + " " + body, W_MINISTER, ranged=False)
    vote(_ANY, title, W_TITLE_YEAR)
    vote(_BUDGET, opening + " " + body, W_BUDGET, ranged=False)
    if not votes:
        return None, None
    best = max(votes.items(), key=lambda item: item[1])[0]
    return best
