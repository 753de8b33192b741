"""Recognise target sentences: a concrete, measurable result level a plan sets itself.

A target sentence says what *shall* be reached (`skal`, `mål`, `målet er`, `måltal`,
`forventes`, ...) and gives a measure: a percentage, a number, or a rank (`top 10`,
`bedst i klyngen`, `bedre end gennemsnittet`, `førerposition`). Numbers that measure nothing —
years, dates and ordinals (`2. kvartal`), money put in (`120 mio. kr.`), ages, section numbers —
do not count. A target the plan quotes from someone else (`Udlændinge- og Integrationsministeriet
har opsat en målsætning om ...`, `regeringens mål`, `på landsplan`) is not the plan's own unless
the sentence also says the plan takes it on (`kommunen`, `vi`, `jobcentret`); a forecast of a
count (`forventer at modtage 30 kvoteflygtninge`) sets no target. Matching runs on OCR-folded
term keys, so `Mal Kgbenhavn skal vere blandt de 10 bedste` is read like the clean text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from compare.text import term_key, words

_SENTENCE_SPLIT = re.compile(
    r"(?<=[.!?;:])\s+(?=[A-ZÆØÅ0-9\"'“”»(])|\s+(?=[•·▪]\s)"
    r"|\s+(?=\b[eo¢]\s+[A-ZÆØÅ])"
)
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.]\d{3})+|\d+(?:,\d+)?)(?![\w])")
_YEAR = re.compile(r"^(19|20)\d\d$")
_MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
_NOT_A_MEASURE_AFTER = re.compile(
    r"^\s*(?:\.\s+[a-zæøå]|\.\s*(?:" + "|".join(_MONTHS) + r")|-\s*\d|\s*(?:mio|mia|kr|kroner|"
    r"million|milliard|år\b|ar\b|årig|arig|timer|ects|del\b|kvartal|halvår|klasse))",
    re.IGNORECASE,
)
_NOT_A_MEASURE_BEFORE = re.compile(
    r"(?:afsnit|bilag|punkt|nr\.?|§|kapitel|figur|tabel)\s*$", re.IGNORECASE
)

# A lone "1" between two lower-case words is how OCR reads the preposition "i".
_OCR_I = re.compile(r"[a-zæøå] 1 [a-zæøå]")

_PERCENT = {"pct", "procent", "procentpoint", "pct-point", "point"}
_RANK_WORDS = {
    "top",
    "bedst",
    "bedste",
    "bedre",
    "førerposition",
    "førende",
    "gennemsnittet",
    "gennemsnit",
    "sammenlignelige",
    "klyngen",
    "halvere",
    "halveres",
    "fordoble",
    "fordobles",
    "niveau",
    "resultatniveau",
    "landsgennemsnittet",
}
_CUE_WORDS = {
    "skal",
    "mål",
    "målet",
    "målene",
    "målsætning",
    "målsætningen",
    "målsætninger",
    "måltal",
    "måltallet",
    "forventer",
    "forventes",
    "forventning",
    "ambition",
    "ambitionen",
    "sigter",
    "resultatmål",
    "succeskriterium",
    "succeskriteriet",
}
_FORECAST_WORDS = {
    "forventer",
    "forventes",
    "forventning",
}  # cues of a forecast, weaker than "skal"

# Whose target: an outside authority (matched as the end of a key: `integrationsministeriet`)
# and the plan's own voice.
_AUTHORITY_ENDINGS = ("ministeriet", "ministeren", "regeringen", "folketinget")
_AUTHORITY_WORDS = {"landsplan", "landsniveau", "nationalt", "aftalepartierne"}
_OWN_WORDS = {"kommunen", "kommunens", "vi", "jobcentret", "jobcentrets", "forvaltningen"}


@lru_cache(maxsize=1)
def _whose() -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    return (
        tuple(term_key(w) for w in _AUTHORITY_ENDINGS),
        frozenset(term_key(w) for w in _AUTHORITY_WORDS),
        frozenset(term_key(w) for w in _OWN_WORDS),
    )


def is_quoted_target(keys: list[str]) -> bool:
    """True if a sentence's target is someone else's: an outside authority, not the plan's voice."""
    endings, authority, own = _whose()
    if any(k in own for k in keys):
        return False
    return any(k in authority or k.endswith(endings) for k in keys)


@lru_cache(maxsize=1)
def _keys() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    return (
        frozenset(term_key(w) for w in _PERCENT),
        frozenset(term_key(w) for w in _RANK_WORDS),
        frozenset(term_key(w) for w in _CUE_WORDS),
    )


@dataclass(frozen=True)
class Target:
    """A sentence that sets a concrete, measurable target."""

    sentence: str
    strength: float  # 2 for a percentage or rank, 1 for another number


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (and bullet items)."""
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s and s.strip()]


_LEADING_NUMBER = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[a-z]\)|\d{1,2}\))\s+")


def _measures(sentence: str) -> int:
    """Count the numbers in a sentence that could measure a result."""
    return len(_measure_values(sentence))


# A name in quotes is no measure, whatever numbers it holds: "satspuljeinitiativerne 'Flere
# skal med 1 og 2' (2017 & 2019)".
_QUOTED = re.compile(r"[\"'‘’“”»«„][^\"'‘’“”»«„]{1,80}[\"'‘’“”»«]")


def _measure_values(sentence: str) -> list[str]:
    found = []
    sentence = _QUOTED.sub(lambda m: " " * len(m.group(0)), sentence)
    for match in _NUMBER.finditer(sentence):
        value = match.group(1)
        if _YEAR.match(value):
            continue
        if _NOT_A_MEASURE_AFTER.match(sentence[match.end() :]):
            continue
        if _NOT_A_MEASURE_BEFORE.search(sentence[: match.start()]):
            continue
        if value == "1" and _OCR_I.match(sentence, max(0, match.start() - 2), match.end() + 2):
            continue  # "fremdrift 1 borgernes forløb": the OCR of "i", not a one
        found.append(value.replace(".", ""))
    return found


@lru_cache(maxsize=16384)  # a plan's target sentence is weighed for each of the year's goals
def measure_numbers(sentence: str) -> frozenset[str]:
    """The numbers a sentence could measure a result with ("5.000" as "5000")."""
    return frozenset(_measure_values(_LEADING_NUMBER.sub("", sentence)))


@lru_cache(maxsize=4096)
def label_numbers(label: str) -> frozenset[str]:
    """The numbers in an item's label: a sentence measured only by them restates the goal."""
    return frozenset(v.replace(".", "") for v in _NUMBER.findall(label) if not _YEAR.match(v))


def target_strength(sentence: str) -> float:
    """0 if the sentence sets no target; 1 for a number, 2 for a percentage or a rank."""
    percent, rank, cue = _keys()
    keys = [term_key(w) for w in words(sentence)]
    key_set = set(keys)
    if not key_set & cue or is_quoted_target(keys):
        return 0.0
    measures = _measures(_LEADING_NUMBER.sub("", sentence))
    has_percent = "%" in sentence or bool(key_set & percent)
    has_rank = bool(key_set & rank)
    if measures and has_percent:
        return 2.0
    if has_rank and (measures or "ti" in keys or key_set & {term_key("bedst")}):
        return 2.0
    if has_rank and key_set & {term_key("førerposition"), term_key("sammenlignelige")}:
        return 2.0
    # "forventer at modtage 30 kvoteflygtninge" is a forecast: a bare count after a word of
    # expectation sets no result level; a count after "skal" or "måltal" does.
    return 1.0 if measures and key_set & cue - _forecast_keys() else 0.0


@lru_cache(maxsize=1)
def _forecast_keys() -> frozenset[str]:
    return frozenset(term_key(w) for w in _FORECAST_WORDS)


# Result level vs activity. For a goal, X means the plan sets its own result level for the
# goal's outcome: how many of the people the goal is about are in job, education or
# self-support, a share, a rank, a benchmark. A target for what the jobcentre does is an
# activity or process target and makes (X). From København's plan 2018, §5.3 (goal "Flere
# flygtninge og familiesammenførte skal være selvforsørgende"): "Kommunen har som mål, at 75
# pct. af de nyankomne flygtninge matches med frivillige" is an activity target (who is matched
# with a volunteer, not who supports themselves), and so is placement "inden for 4 uger"; §5.4
# "6 procent af kommunens medarbejdere skal være ansat på særlige vilkår" and §5.1 "København
# skal være blandt de 10 bedste kommuner til at få dagpengemodtagere [i job]" are result
# levels. A sentence is an activity target when it names an activity and no outcome; a word of
# the goal's own label is no activity for that goal ("Alle ledige skal have en værdig
# sagsbehandling": a target for samtaler is that goal's result).
_ACTIVITY_WORDS = """
match matches matchet matches matchning frivillig frivillige samtale samtaler samtalen tilbud
tilbydes tilbydes tilbudt forløb forløbet mentor mentorer kontakt kontakten henvist henvises
visiteret visiteres screenet screenes screening uger uge dage dag deltage deltager deltagelse
aktivering aktiveres aktiveringsgrad besøg besøges sagsbehandlingstid opfølgning
"""
_OUTCOME_STARTS = """
job beskæftig selvforsørg uddannelse ansat ansæt ansættelse ledighed forsørgelse fleksjob
afgang løntimer lønmodtager ordinær arbejdsmarked fejludbetaling snyd bedrageri rekrutter
"""


@lru_cache(maxsize=1)
def _activity_keys() -> tuple[frozenset[str], tuple[str, ...]]:
    return (
        frozenset(term_key(w) for w in _ACTIVITY_WORDS.split()),
        tuple(term_key(w) for w in _OUTCOME_STARTS.split()),
    )


def is_activity_target(sentence: str, label: str = "") -> bool:
    """True if a target sentence measures an activity of the jobcentre, not the goal's outcome.

    See the comment above `_ACTIVITY_WORDS` for the rule and its examples.
    """
    activity, outcome = _activity_keys()
    keys = _word_keys(sentence)
    if not (keys & activity) - _word_keys(label):
        return False
    return not any(k.startswith(outcome) for k in keys)


@lru_cache(maxsize=16384)  # sentences are weighed for each goal, labels for each sentence
def _word_keys(text: str) -> frozenset[str]:
    return frozenset(term_key(w) for w in words(text))


@lru_cache(maxsize=65536)
def find_targets(text: str) -> tuple[Target, ...]:
    """The target sentences of a paragraph, strongest first (ties in reading order)."""
    found = [Target(s, target_strength(s)) for s in sentences(text)]
    found = [t for t in found if t.strength > 0]
    return tuple(sorted(found, key=lambda t: -t.strength))
