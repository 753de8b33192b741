"""Recognise a passage that names a concrete initiative: what makes a theme `X` rather than `(X)`.

For a strategy theme the office writes `X` where the plan describes concrete initiatives or
projects and `(X)` where it only describes the theme. A careful reader sees the difference in
the passages themselves, whatever words the theme's label has:

- **money** put in: "Opsøgende lærlingeindsats i udsatte boligområder (0,6 mio. kr.)";
- a **project, pool, partnership or programme**: "projektet Job i Skåne", "puljen til ...",
  "et partnerskab med Dansk Byggeri";
- something **set up or started**: "har vi etableret en virksomhedsenhed", "er der iværksat en
  proces for øget anvendelse af uddannelser";
- a **named** effort in quotes: 'indsatsen "Perspektiv"';
- a **target** the plan sets (`compare.tagging.targets`): "75 pct. skal matches med frivillige".

The passages richest in the theme's words are read first; where none names an initiative, the
rest of the sections that address the theme are (`compare.tagging.score._initiative_elsewhere`).
A passage that says only what the theme is about ("Vi vil have fokus på unge og uddannelse")
names none of them. Words are compared as OCR-folded term keys, so "ivaerksat" is "iværksat".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from compare.tagging.targets import find_targets, sentences
from compare.tagging.terms import term_pattern
from compare.text import normalise, term_key, words

MONEY = re.compile(
    r"\d[\d.,]*\s*(?:mio|mia|million|milliard|t\.\s?kr|kr\b|kroner)", re.IGNORECASE | re.UNICODE
)
QUOTED_NAME = re.compile(r"[\"“”»«„][^\"“”»«„]{3,60}[\"“”»«]")
# Word starts naming a unit of work with a name and a budget of its own.
_PROJECT_STARTS = """
projekt pulje forsøg partnerskab program netværk korps kampagne samarbejdsaftale handleplan
"""
# Words saying something was set up, started or paid for.
_SET_UP_WORDS = """
iværksat iværksætter iværksætte igangsat igangsætter igangsætte etableret etablerer etablere
oprettet opretter oprette afsat afsætter bevilget bevilliget lanceret
"""
KINDS = ("money", "project", "set up", "named", "target")


@lru_cache(maxsize=1)
def _keys() -> tuple[tuple[str, ...], frozenset[str]]:
    return (
        tuple(term_key(w) for w in _PROJECT_STARTS.split()),
        frozenset(term_key(w) for w in _SET_UP_WORDS.split()),
    )


def initiative_kind(text: str, terms: Sequence[str] = ()) -> str | None:
    """What in the passage names a concrete initiative (one of `KINDS`), or None.

    Money, something set up, a quoted name or a target anywhere in the passage name the
    passage's initiative. A project word counts, with `terms` (the item's term keys found in
    the passage), only in a sentence that also holds one of them: in a note where every
    section is a project, "projektperioden" in a sentence about something else does not make
    the theme concrete.
    """
    kinds = _kinds(text)
    if not kinds:
        return None
    if kinds[0] != "project" or not terms:
        return kinds[0]
    if len(kinds) > 1:
        return kinds[1]
    patterns = [term_pattern(t) for t in terms]
    for sentence in sentences(text):
        key = f" {normalise(sentence)} "
        if any(p in key for p in patterns) and "project" in _kinds(sentence):
            return "project"
    return None


@lru_cache(maxsize=65536)
def _kinds(text: str) -> tuple[str, ...]:
    """The kinds of initiative the text names, in the order of `KINDS`."""
    projects, set_up = _keys()
    keys = [term_key(w) for w in words(text)]
    found = {
        "money": bool(MONEY.search(text)),
        "project": any(k.startswith(projects) for k in keys),
        "set up": any(k in set_up for k in keys),
        "named": bool(QUOTED_NAME.search(text)),
    }
    kinds = [kind for kind in KINDS if found.get(kind)]
    if find_targets(text):
        kinds.append("target")
    return tuple(kinds)
