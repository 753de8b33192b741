"""Detect a document's title, municipality, plan period and kind from its text, not its file name.

Real files are called `bilag-3.pdf`, so everything comes from the content: the title line, the
opening, and mentions of municipalities throughout. Matching runs on text folded with
`compare.text.fold` so OCR spellings (`Kgbenhavns beskaftigelsesplan`, `ministermalene for 2018`)
count like the clean ones. Where the text does not settle the municipality, the answer is None
with a note saying why, and the user sets it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from compare.ingest.period import (
    OPENING_CHARS,
    PLAN_KEY,
    YEAR,
    detect_period,
    fold_parts,
    fold_text,
    has_plan_word,
    is_overview_phrase,
)
from compare.registry.lookup import Registry, load_registry
from compare.schema import KIND_OTHER, KIND_OVERVIEW, KIND_PLAN
from compare.schema import period_text as period_label
from compare.text import fold, repair_hyphenation

TITLE_LINES = 60  # a title is looked for among the first non-empty lines
MAX_TEXT_CHARS = 400_000  # mentions beyond this do not change the answer; keeps detection fast

# Mention weights: a name right after "Jobcenter" or before "Kommune" is the author speaking of
# itself; the title and opening say who wrote the document.
STRONG_WEIGHT = 3.0
OPENING_FACTOR = 2.0
TITLE_FACTOR = 3.0
MIN_SCORE = 3.0  # less than this (e.g. one passing mention) is not enough to decide
DOMINANCE = 2.0  # the municipality must score at least this times the next one
OVERVIEW_MIN = 8  # an overview of plans names at least this many municipalities/jobcentres
MAX_NOT_NAMES = 200_000  # capitalised words remembered as no name (bounds the memory)

_CAPITAL_RUN = re.compile(r"[A-ZÆØÅÄÖÜÉ][^\W\d_]*")  # a capital and its letters (\b: the caller)
_WORD_CHAR = re.compile(r"\w")  # a word character next to a name: not a whole word
_NEXT_WORD = re.compile(r"[ \t]*[-–]?[ \t]*([^\W\d_]+)")
_LETTERS = re.compile(r"[^\W\d_]+")
_NUMBERED = re.compile(r"^\d+(?:\.\d+)*\.?\s")
_BULLET = re.compile(r"^(?:[•·\-—–*>|]|e\s+(?=[A-ZÆØÅ]))")
_MARKDOWN = re.compile(r"^#{1,6}\s+|[*_]{1,3}")

_STRONG_BEFORE = frozenset(fold(w) for w in ("jobcenter", "jobcentret", "jobcentrets"))
_STRONG_AFTER = frozenset(
    fold(w)
    for w in (
        "kommune",
        "kommunes",
        "kommunen",
        "kommunens",
        "regionskommune",
        "jobcenter",
    )
)
# Names that are also common Danish words or first names (vejen = the road, tønder = barrels,
# Sara folds like Sorø): they count only after "Jobcenter", before "Kommune" or mid-sentence.
_AMBIGUOUS = frozenset(
    fold(w)
    for w in (
        "vejen",
        "tønder",
        "odder",
        "skive",
        "greve",
        "fanø",
        "fane",
        "sorø",
        "sara",
        "køge",
        "kage",
        "varde",
        "lejre",
        "stevns",
        "struer",
    )
)
_GENERIC_HEADINGS = frozenset(
    fold(w)
    for w in (
        "indledning",
        "indhold",
        "indholdsfortegnelse",
        "forord",
        "resumé",
        "resume",
        "sammenfatning",
        "bilag",
        "side",
    )
)
_OTHER_KINDS = frozenset(
    fold(w)
    for w in (
        "budget",
        "budgetnotat",
        "notat",
        "regnskab",
        "strategi",
        "referat",
        "dagsorden",
        "oversigt",
    )
)
_KIND_LABELS = {
    KIND_PLAN: "Beskæftigelsesplan",
    KIND_OVERVIEW: "Oversigt over beskæftigelsesplaner",
}


@dataclass(frozen=True)
class Metadata:
    """What a document is: title, municipality (None when unsure, with a note), period, kind."""

    title: str | None
    municipality: str | None
    kommunekode: str | None
    municipality_note: str | None
    year: int | None
    year_to: int | None
    kind: str


@dataclass
class Mentions:
    """Municipalities named in a text: weighted scores and plain counts by kommunekode."""

    scores: Counter[str]  # kommunekode -> weighted score
    counts: Counter[str]  # kommunekode -> number of mentions
    jobcentres: Counter[str]  # joint jobcentre name -> mentions

    @property
    def distinct(self) -> int:
        return len(self.counts)


@lru_cache(maxsize=4)
def _first_words(registry: Registry) -> dict[str, list[tuple[tuple[str, ...], tuple[str, str]]]]:
    """Name keys grouped by their first folded word, longest names first."""
    index: dict[str, list[tuple[tuple[str, ...], tuple[str, str]]]] = {}
    for key, target in registry.name_keys().items():
        parts = tuple(key.split())
        index.setdefault(parts[0], []).append((parts, target))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


@lru_cache(maxsize=4)
def _not_names(registry: Registry) -> set[str]:
    """Capitalised words seen that start no name in `registry` (`Beskæftigelsesplan`, `Der`):
    documents share most of theirs, so each is folded and looked up once per process."""
    return set()


def _match_name(
    text: str, end: int, entries: list[tuple[tuple[str, ...], tuple[str, str]]]
) -> tuple[int, tuple[str, str]] | None:
    """The longest name whose first word ends at `end`: (end of the name, target)."""
    following: list[tuple[str, int]] = []
    pos = end
    for _ in range(max(len(e[0]) for e in entries) - 1):
        m = _NEXT_WORD.match(text, pos)
        if m is None:
            break
        following.append((fold(m.group(1).lower()), m.end()))
        pos = m.end()
    for parts, target in entries:
        n = len(parts) - 1
        if n == 0:
            return end, target
        if len(following) >= n and all(following[i][0] == parts[i + 1] for i in range(n)):
            return following[n - 1][1], target
    return None


def _word_before(text: str, start: int) -> str | None:
    """The word just before `start` (within 30 characters), as `_PREV_WORD.search` finds it.

    That search takes the letters that end the window before spaces or tabs, the window ending
    at `start` or just before a line break there (`$`); read backwards in one match here.
    """
    window = text[max(0, start - 30) : start]
    if window.endswith("\n"):
        window = window[:-1]
    window = window.rstrip(" \t")
    letters = _LETTERS.match(window[::-1])
    return window[len(window) - letters.end() :] if letters else None


def _is_sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(" \t\"'“”(")
    return not before or before[-1] in ".!?:\n\r"


def find_mentions(
    text: str, registry: Registry, title_span: tuple[int, int] | None = None
) -> Mentions:
    """Weighted mentions of municipalities and jobcentres in a text (capitalised names only)."""
    index = _first_words(registry)
    scores: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    jobcentres: Counter[str] = Counter()
    # The distinct capitalised words, each folded once (`fold` is cached); a word that can
    # start a name is then found with `str.find` where it stands as a whole word: a capital run
    # with no word character before it (what `\b` says) and none after it (`Roskilde2` is no
    # mention). The text is scanned by the regex once, and Python visits only the names.
    hits = []
    not_names = _not_names(registry)
    for token in set(_CAPITAL_RUN.findall(text)).difference(not_names):
        word = fold(token.lower())
        if word in index or (word.endswith("s") and word[:-1] in index):
            hits.append(token)
        elif len(not_names) < MAX_NOT_NAMES:
            not_names.add(token)
    if not hits:
        return Mentions(scores, counts, jobcentres)
    found_at: list[tuple[int, str]] = []
    for token in hits:
        size = len(token)
        start = text.find(token)
        while start != -1:
            if not (start and _WORD_CHAR.match(text, start - 1)) and not _WORD_CHAR.match(
                text, start + size
            ):
                found_at.append((start, token))
            start = text.find(token, start + size)
    found_at.sort()  # in text order, as the scores' ties and the jobcentre note depend on it
    for start, token in found_at:
        word = fold(token.lower())
        entries = index.get(word) or index[word[:-1]]
        found = _match_name(text, start + len(token), entries)
        if found is None:
            continue
        end, (kind, value) = found
        before = _word_before(text, start)
        after = _NEXT_WORD.match(text, end)
        strong = bool(
            (before and fold(before.lower()) in _STRONG_BEFORE)
            or (after and fold(after.group(1).lower()) in _STRONG_AFTER)
        )
        if word in _AMBIGUOUS and not strong and _is_sentence_start(text, start):
            continue
        weight = STRONG_WEIGHT if strong else 1.0
        if title_span and title_span[0] <= start < title_span[1]:
            weight *= TITLE_FACTOR
        elif start < OPENING_CHARS:
            weight *= OPENING_FACTOR
        code = value if kind == "m" else registry.host(value).code
        if kind == "j":
            jobcentres[value] += 1
        scores[code] += weight  # type: ignore[assignment]  # a Counter sums floats too
        counts[code] += 1
    return Mentions(scores, counts, jobcentres)


def _clean_line(line: str) -> str:
    # Markup goes only where a line has some (most have none: no regex pass); runs of white
    # space become one space (`str.split` splits where `\s` matches; the ends are stripped).
    if "*" in line or "_" in line or line.startswith("#"):
        line = _MARKDOWN.sub("", line)
    return " ".join(line.split()).strip(" \t#*_|")


def find_title(lines: list[str]) -> tuple[int, str] | None:
    """The best title line among the first lines: (line index, cleaned text), or None.

    A title stands alone (not a line of a wrapped paragraph), is not a numbered section or a
    bullet, and names the document's kind ("Beskæftigelsesplan 2019", "Budget 2013 - ...").
    """
    best: tuple[float, int, str] | None = None
    seen = 0
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        seen += 1
        if seen > TITLE_LINES:
            break
        text = _clean_line(line)
        if not (3 <= len(text) <= 100) or len(text.split()) > 12:
            continue
        prev_line = lines[i - 1].strip() if i > 0 else ""
        next_line = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if (
            len(prev_line) > 70
            or len(next_line) > 70
            or next_line[:1].islower()
            or (len(text) > 70 and next_line)
        ):
            continue  # a line of a wrapped paragraph
        if (
            _NUMBERED.match(text)
            or _BULLET.match(line)
            or not text[0].isupper()
            and not text[0].isdigit()
            or text.endswith((":", ",", ";", "."))
        ):
            continue
        folded = fold_text(text)
        words = folded.split()
        if words and words[0].strip(".") in _GENERIC_HEADINGS:
            continue
        score = 0.0
        if PLAN_KEY in folded:
            score += 6
        elif any(w.strip(".,-–") in _OTHER_KINDS for w in words):
            score += 2
        if YEAR.search(text):
            score += 2
        if line.startswith("#"):
            score += 2
        score -= 0.05 * seen
        if score >= 3.5 and (best is None or score > best[0]):
            best = (score, i, text)
    return (best[1], best[2]) if best else None


def _council_named(folded_opening: str, registry: Registry) -> str | None:
    for key, council in sorted(registry.council_keys().items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"(?<!\w){re.escape(key)}(?!\w)", folded_opening):
            return council
    return None


def _decide_municipality(
    mentions: Mentions, registry: Registry
) -> tuple[str | None, str | None, str | None]:
    """(name, kommunekode, note) from weighted mentions; None with a note when unsure."""
    ranked = mentions.scores.most_common()
    if not ranked:
        return None, None, "no municipality or jobcentre is named in the text; set it by hand"

    def shown(code: str) -> str:
        n = mentions.counts[code]
        return f"{registry.by_code(code).name} ({n} mention{'s' if n != 1 else ''})"

    best, best_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < MIN_SCORE:
        return None, None, f"only a passing mention of {shown(best)}; set the municipality by hand"
    if best_score < DOMINANCE * second:
        return (
            None,
            None,
            (
                f"names {shown(best)} and {shown(ranked[1][0])} about equally; "
                "set the municipality by hand"
            ),
        )
    municipality = registry.by_code(best)
    note = None
    for jobcentre in mentions.jobcentres:
        if registry.host(jobcentre).code == best:
            note = f"written by joint jobcentre {jobcentre}"
    return municipality.name, municipality.code, note


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFC", text[:MAX_TEXT_CHARS])
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return repair_hyphenation(text).lstrip()


def detect_metadata(text: str, registry: Registry | None = None) -> Metadata:
    """Detect title, municipality, period and kind from a document's text (not its file name).

    Omit `registry` for the default one. Never raises on odd text: what cannot be told is None.
    """
    registry = registry or load_registry()
    text = _prepare(text)
    lines = text.split("\n")
    found_title = find_title(lines)
    title_span = None
    title = None
    if found_title is not None:
        index, title = found_title
        start = sum(len(line) + 1 for line in lines[:index])
        title_span = (start, start + len(lines[index]))
    mentions = find_mentions(text, registry, title_span)
    folded_title = fold_text(title) if title else ""
    folded_opening, folded_body = fold_parts(text)
    year, year_to = detect_period(folded_title, folded_opening, folded_body)
    name, code, note = _decide_municipality(mentions, registry)

    # "Kommunernes beskæftigelsesplaner" in the title; in the opening only where no title was
    # found (a plan's introduction may speak of earlier "beskæftigelsesplaner").
    overview_cue = is_overview_phrase(folded_title or folded_opening)
    if mentions.distinct >= OVERVIEW_MIN and (overview_cue or name is None):
        kind = KIND_OVERVIEW
        council = _council_named(folded_opening, registry)
        if council is None and year is not None:
            councils = Counter(registry.council(c, year) for c in mentions.counts)
            council = councils.most_common(1)[0][0] if councils else None
        where = f" for {council}" if council else ""
        note = (
            f"regional overview{where}: names {mentions.distinct} municipalities; "
            "it is about many plans, not one"
        )
        name = code = None
    elif PLAN_KEY in folded_title or (
        not any(w in _OTHER_KINDS for w in folded_title.split())
        and has_plan_word(folded_opening, folded_body)
    ):
        kind = KIND_PLAN
    else:
        kind = KIND_OTHER
    if title is None:
        title = _fallback_title(kind, year, year_to, name, lines)
    return Metadata(title, name, code, note, year, year_to, kind)


def _fallback_title(
    kind: str, year: int | None, year_to: int | None, municipality: str | None, lines: list[str]
) -> str | None:
    """A title made from what was detected, when no line of the text is one."""
    label = _KIND_LABELS.get(kind)
    if label is None:
        first = next((_clean_line(line) for line in lines if line.strip()), "")
        return first[:100] or None
    if year is not None:
        label += f" {period_label(year, year_to)}"
    return f"{label} – {municipality}" if municipality else label
