"""From term hits, headings and target sentences to a level per (document, item), with evidence.

The signals, as a careful reader uses them:

- a section heading that mirrors the item's wording (`5.3 Flere flygtninge og ...`) makes the
  item addressed, and makes that section (and the sections it refers to by number) the place to
  look for a target;
- otherwise the item's terms must come together in one place — a unit (a section with its
  structural subsections), or a section with its subsections: at least two separate terms,
  weighted by how rare each is in the document, or one term said again and again. A word in
  passing (`a-kasser` in a statistic) does not make the item addressed;
- for goals, `X` needs a result level (see `targets`: not an activity target, not the goal's
  own numbers) in the item's sections; for themes, `X` needs a concrete initiative: an
  evidence passage that names one (money, a project, something set up, a quoted name, a
  target; see `initiatives`), or a unit clearly about the theme (a mirrored heading, or
  strong, varied term evidence), which is where plans describe them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from compare.schema import FRAMEWORK_GOALS, LEVEL_ADDRESSED, LEVEL_NONE, LEVEL_TARGET
from compare.tagging.initiatives import initiative_kind
from compare.tagging.targets import (
    find_targets,
    is_activity_target,
    label_numbers,
    measure_numbers,
)
from compare.tagging.terms import term_pattern
from compare.text import normalise

ADDRESSED_SCORE = 3.5  # a unit's weighted term score from which an item counts as addressed
ADDRESSED_TERMS = 2  # ... with at least this many distinct terms in the unit
LABEL_ADDRESSED_TERMS = 1  # ... for an item known by its label alone (see `Candidate.addressed`)
CONCRETE_SCORE = 9.0  # a theme unit this strong holds concrete initiatives (level X)
CONCRETE_TERMS = 2
HEADING_BONUS = 10.0  # added to the evidence strength of a unit whose heading mirrors the item
CONFIDENCE_SURE = "sure"
CONFIDENCE_UNSURE = "unsure"
TOP_TERM_SHARE = 0.95  # a term this close to the item's most telling one is that term
SURE_STRENGTH = 1.5  # a theme's evidence this many times the concreteness threshold is sure
MAX_EVIDENCE = 5
FOCUS_PLACES = 3  # the strongest places where an item is addressed are where its evidence is
MAX_QUOTE_CHARS = 600


class PassageSource(Protocol):
    """Where the passages of a unit come from (built on demand by the pipeline)."""

    def get(self, unit_no: int) -> list[Passage]: ...

    def scored(self, unit_no: int, also: int | None = None) -> list[Passage]: ...


@dataclass(slots=True)
class UnitEvidence:
    """One unit's evidence for one item."""

    unit_no: int
    score: float = 0.0
    terms: Collection[str] = ()  # the item's anchor terms found here, each once
    heading: float = 0.0  # heading similarity, 0 if the heading does not mirror the item
    core: Collection[str] = ()  # the item's core terms found here
    people_heading: bool = False  # its heading names only the goal's people (`head_matches`)


@dataclass(slots=True)
class Passage:
    """A segment as a candidate evidence passage."""

    seg_no: int
    unit_no: int
    text: str
    score: float
    terms: list[str]  # the item's anchor terms found in it
    is_heading: bool = False
    restates: bool = False  # only restates the item's label (see `evidence.restatements`)


@dataclass
class Decision:
    """The tagger's verdict on one (document, item) pair."""

    level: str
    score: float
    terms: list[str]
    target: str | None
    passages: list[tuple[Passage, bool]]  # (passage, holds the target), best first
    confidence: str = CONFIDENCE_SURE  # "sure" or "unsure" (see `judge`)
    reason: str = ""  # one line for the analyst: why the tagger is sure or not


def distinct_terms(terms: Collection[str]) -> list[str]:
    """The terms that are separate mentions: a term inside another found term is the same one.

    "a kas" (a-kasser) and "kas", or "rekruttering" and "rekrutteringssamarbejde", found in one
    unit count once: a single word must not look like two pieces of evidence.
    """
    kept: list[str] = []
    for term in sorted(terms, key=len, reverse=True):
        if not any(term in longer for longer in kept):
            kept.append(term)
    return kept


@dataclass(slots=True)
class Candidate:
    """A place where an item may be addressed: one unit, or a section with its subsections."""

    units: tuple[int, ...]
    score: float
    terms: Collection[str]
    heading: bool
    core: Collection[str] = ()
    relative: Mapping[str, float] = field(default_factory=dict)  # term -> relative information
    core_found: bool = field(init=False)
    distinct: int = field(init=False)  # how many separate terms were found (`distinct_terms`)

    def __post_init__(self) -> None:
        # Only a core term stands for the item. Round 2 also let several less telling terms
        # "as informative together" stand for it; on the pasted frameworks' gold that made
        # absent themes addressed through their common words ("Hvordan rekrutteres nok
        # medarbejdere til forsvaret og beredskabet?" through "rekrutteres" and
        # "medarbejdere"), and without it blanks kept rose from 0.57 to 0.67 at the same F1.
        self.core_found = bool(self.core)
        self.distinct = len(distinct_terms(self.terms)) if self.core_found else 0

    @property
    def has_top_term(self) -> bool:
        """The item's most telling term is here (not only its other terms).

        "Arbejde med uddannelsesperspektiv i indsatsen for de aktivitetsparate ..." is not
        surely addressed by a section full of "aktivitetsparate kontanthjælpsmodtagere".
        """
        return max((self.relative.get(t, 0.0) for t in self.terms), default=0.0) >= TOP_TERM_SHARE

    @property
    def strength(self) -> float:
        """The term score, plus a bonus when a heading mirrors the item."""
        return self.score + (HEADING_BONUS if self.heading else 0.0)

    def addressed(self, min_terms: int = ADDRESSED_TERMS) -> bool:
        """A core term is here, and meets a second term or is said again and again.

        The core (see `compare.tagging.terms.weigh_information`) is what tells the item apart:
        "Beskæftigelsesindsats for hjemløse" is not addressed by a section on
        "beskæftigelsesindsatsen" in general, however often it says so. A telling word said
        once is not enough either: round 3 tried that for items known by their label alone
        (a pasted label's telling word is rarely said twice) and two blind gold sets showed it
        cost more blanks than it found (`tests/gold/README.md`, README "Accuracy").

        `min_terms` is the bar for a second term: `ADDRESSED_TERMS` for an item with keywords,
        `LABEL_ADDRESSED_TERMS` (one: a core term said again, enough to weigh
        `ADDRESSED_SCORE`) for an item known by its label alone (`decide`). A pasted label is a
        few words, and a plan says its one telling word again where it is about it without a
        second label word: "Realkompetencevurdering" in København's 2013 note under
        "Kompetenceafklaring og udvikling", "Iværksætteri og mikrolån" under "Mikrolån" (both
        the gold's X, blank before). Session 6 tried this alone and blind set 11 said no
        (blanks 0.73 to 0.53); tagger 9 pairs it with a stricter core (`terms.CORE_SHARE`
        0.75), the best point of a sweep on sets 1-18 (`benchmarks/sweep_thresholds.py`:
        agreement 0.633 to 0.645, F1 0.763 to 0.779, blanks 0.725 to 0.738, keyword cells
        unchanged), adopted by a rule written before blind set 19 was measured: there
        agreement 0.60 to 0.66, F1 0.74 to 0.79, blanks 0.83 to 0.87.
        """
        if not self.core_found:
            return False
        return (self.score >= ADDRESSED_SCORE and self.distinct >= min_terms) or (
            self.score >= CONCRETE_SCORE and self.distinct >= 1
        )

    def concrete(self) -> bool:
        """Strong, varied evidence: where plans describe concrete initiatives on a theme."""
        return self.score >= CONCRETE_SCORE and self.distinct >= CONCRETE_TERMS


def _places(
    units: dict[int, UnitEvidence], parent: dict[int, int]
) -> list[tuple[tuple[int, ...], list[UnitEvidence]]]:
    """Each unit, and each unit together with its subsections that hold evidence."""
    places: list[tuple[tuple[int, ...], list[UnitEvidence]]] = [
        ((u,), [ev]) for u, ev in units.items()
    ]
    children: dict[int, list[int]] = {}
    for unit_no in units:
        if unit_no in parent:
            children.setdefault(parent[unit_no], []).append(unit_no)
    for top, kids in children.items():
        members = ([top] if top in units else []) + sorted(kids)
        if len(members) >= 2:
            places.append((tuple(members), [units[u] for u in members]))
    return places


def _candidate(
    members: tuple[int, ...], evs: list[UnitEvidence], relative: Mapping[str, float]
) -> Candidate:
    """The candidate of one place (a unit's own candidate shares the unit's collections)."""
    if len(evs) == 1:
        ev = evs[0]
        return Candidate(members, ev.score, ev.terms, bool(ev.heading), ev.core, relative)
    return Candidate(
        members,
        sum(ev.score for ev in evs),
        set().union(*(ev.terms for ev in evs)),
        any(ev.heading for ev in evs),
        set().union(*(ev.core for ev in evs)),
        relative,
    )


@dataclass(slots=True)
class _Ranking:
    """What `decide` needs of the places an item may be addressed in, best first.

    A place is one unit, or a unit together with its subsections that hold evidence: a plan
    may spread one topic over several short subsections (`3.1 ... > Bedre jobmatch`,
    `3.1 ... > Afklaringspuljen`); together they are one place.
    """

    strong: list[Candidate]  # the strongest addressed candidates, best first (see `_rank`)
    concrete: bool  # some addressed candidate is concrete
    first: tuple[tuple[int, ...], list[UnitEvidence]] | None  # the strongest place of all
    any_terms: bool  # some place holds some of the item's terms
    any_core: bool  # ... some of its core terms
    relative: Mapping[str, float]

    def best(self) -> Candidate | None:
        """The candidate of the strongest place (made when asked: only a blank needs it)."""
        return _candidate(*self.first, self.relative) if self.first else None


def _rank(
    units: dict[int, UnitEvidence],
    parent: dict[int, int],
    relative: Mapping[str, float],
    min_terms: int = ADDRESSED_TERMS,
) -> _Ranking:
    """Rank the places by strength; build candidates only where they can be addressed.

    A place is addressed only with a core term and at least `ADDRESSED_SCORE` (a heading
    bonus is not score), and only the strongest `FOCUS_PLACES` addressed places, and whether
    any is concrete, decide a level: candidates are built until those are known, and most
    places of most items are ranked by strength alone.
    """
    ranked = []
    for members, evs in _places(units, parent):
        if len(evs) == 1:
            score, heading, core = evs[0].score, bool(evs[0].heading), bool(evs[0].core)
        else:
            score = sum(ev.score for ev in evs)
            heading = any(ev.heading for ev in evs)
            core = any(ev.core for ev in evs)
        strength = score + (HEADING_BONUS if heading else 0.0)
        ranked.append((-strength, members, evs, score, core))
    ranked.sort(key=lambda r: (r[0], r[1]))
    strong: list[Candidate] = []
    concrete = False
    for minus_strength, members, evs, score, core in ranked:
        if len(strong) >= FOCUS_PLACES and (concrete or -minus_strength < CONCRETE_SCORE):
            break  # the rest are weaker, and none of them can be concrete if these are not
        if core and score >= ADDRESSED_SCORE:
            candidate = _candidate(members, evs, relative)
            if candidate.addressed(min_terms):
                strong.append(candidate)
                concrete = concrete or candidate.concrete()
    return _Ranking(
        strong,
        concrete,
        (ranked[0][1], ranked[0][2]) if ranked else None,
        any(ev.terms for ev in units.values()),
        any(ev.core for ev in units.values()),
        relative,
    )


def decide(
    kind: str,
    units: dict[int, UnitEvidence],
    referenced: set[int],
    passages_of: PassageSource,
    parent: dict[int, int] | None = None,
    label: str = "",
    telling: bool = True,
    described: bool = False,
    core: Sequence[str] = (),
    relative: Mapping[str, float] | None = None,
    borrowed: Collection[str] = (),
) -> Decision:
    """Level, score, terms, target sentence and ranked passages for one (document, item).

    `label` is the item's label: a target sentence whose numbers are all the label's own
    ("... skal øges med 5.000 personer frem til 2025") restates the goal, it is not the plan's.
    `telling` is False for an item without core terms ("Særlige initiativer"): its blank is
    never sure. `described` is True for an item with hand-written (or lent) keywords: only
    its blank can be sure (see `judge_blank`). `core` holds the item's
    core terms: a goal without a section of its own gets X only from a target sentence that
    says one of them (see `_find_target`). `relative` holds each anchor term's information
    relative to the item's most telling term (see `Candidate.has_top_term`). `borrowed` holds
    the terms the item borrows from the thesaurus: a cell found through them alone says so.
    """
    headed = {u for u, ev in units.items() if ev.heading}
    ranking = _rank(
        units,
        parent or {},
        relative if relative is not None else {},
        ADDRESSED_TERMS if described else LABEL_ADDRESSED_TERMS,
    )
    strong = ranking.strong
    if not headed and not strong:
        best = ranking.best()
        terms = sorted(best.terms) if best else []
        sure, reason = judge_blank(ranking.any_terms, ranking.any_core, telling, described)
        if borrowed and not ranking.any_terms:
            reason = "none of its telling words, nor the thesaurus's for it, occur; said otherwise?"
        return Decision(
            LEVEL_NONE, _confidence(best.score if best else 0.0), terms, None, [], sure, reason
        )
    if headed:
        focus = sorted(headed | referenced)
    else:
        focus = sorted({u for c in strong[:FOCUS_PLACES] for u in c.units})
    target, target_seg = None, None
    if kind == FRAMEWORK_GOALS:
        target, target_seg = _find_target(
            focus, passages_of, require_terms=not headed, label=label, core=core
        )
        level = LEVEL_TARGET if target else LEVEL_ADDRESSED
    passages = _rank_passages(focus, passages_of, target_seg)
    named = None
    if kind != FRAMEWORK_GOALS:
        named = next((k for p, _ in passages if (k := initiative_kind(p.text, p.terms))), None)
        if named is None and not described:
            named, elsewhere = _initiative_elsewhere(focus, passages_of)
            if elsewhere is not None:  # shown, so the reader sees what made it X
                passages = [*passages[: MAX_EVIDENCE - 1], (elsewhere, False)]
        concrete = bool(headed) or ranking.concrete or named is not None
        level = LEVEL_TARGET if concrete else LEVEL_ADDRESSED
    top = max([c.strength for c in strong] + [HEADING_BONUS if headed else 0.0])
    terms = sorted({t for u in focus if u in units for t in units[u].terms})
    people = bool(headed) and all(units[u].people_heading for u in headed if u in units)
    sure, reason = judge(kind, level, bool(headed), strong, named, described, people)
    if not headed and terms and all(t in borrowed for t in terms):
        reason = f"{reason} (the thesaurus's words only)"
    return Decision(level, _confidence(top), terms, target, passages, sure, reason)


def judge_blank(
    any_terms: bool, any_core: bool, telling: bool = True, described: bool = True
) -> tuple[str, str]:
    """Sure of a blank only when none of the item's telling words is found anywhere.

    An item whose label has no telling word ("Særlige initiativer") is never surely blank,
    nor is an item known by its label alone (not `described` by keywords): a label is a few
    words, and a plan says "særlige vilkår" where the label says "rummelig arbejdsplads".
    """
    if not telling:
        return CONFIDENCE_UNSURE, "its label has no telling word to look for"
    if not described and not any_terms:
        return CONFIDENCE_UNSURE, "none of its label's telling words occur; said in other words?"
    if any_core:
        return CONFIDENCE_UNSURE, "its distinctive words occur, but too little of it in one place"
    if any_terms:
        return CONFIDENCE_UNSURE, "only some of its less distinctive words occur"
    return CONFIDENCE_SURE, "none of the item's telling words is in the plan"


def judge(
    kind: str,
    level: str,
    headed: bool,
    strong: list[Candidate],
    named: str | None = None,
    described: bool = True,
    people: bool = False,
) -> tuple[str, str]:
    """Whether the tagger is sure of an X or (X), and why, in one line.

    Sure: a heading mirrors the item (a section on it, where the plan puts its targets; not one
    that names only a goal's `people`), or,
    for a theme `described` by keywords, many separate terms in one place (`SURE_STRENGTH`
    times what makes X). Unsure: everything read from scattered terms alone, the line between
    X and (X) for a goal without a section of its own, and term evidence for an item known by
    its label alone: on the pasted frameworks' gold such cells agreed 0.88 (seen sets) and 2
    of 7 (set 6), far from what "sure" must mean ("Flygtninge" found everywhere for
    "Indsats målrettet flygtningekvinder").
    """
    goal = kind == FRAMEWORK_GOALS
    if headed and goal and people:
        # A heading naming only the goal's people: the plan writes there about them, and its
        # result level may be for another outcome. "Alle dagpengemodtagere skal selv booke
        # deres jobsamtaler på Jobnet" under "4.3 Dagpengemodtagere i job" (København 2018,
        # blind set 20) and "Flere sygemeldte skal have en delvis raskmelding" under "4.6
        # Sygemeldte hurtigere i job" (set 16): result levels for job, both sure X, both wrong.
        if level == LEVEL_TARGET:
            return CONFIDENCE_UNSURE, (
                "a heading names only the goal's subject (its people); a result level in its "
                "section: for the goal's aim?"
            )
        return CONFIDENCE_UNSURE, (
            "a heading names only the goal's subject (its people), but no result level: (X)?"
        )
    if headed:
        if goal and level == LEVEL_TARGET:
            return CONFIDENCE_SURE, "a heading mirrors the goal; a result level in its section"
        if goal:  # an overview that records only result levels leaves such a goal blank
            return CONFIDENCE_UNSURE, "a heading mirrors the goal, but no result level: (X)?"
        return CONFIDENCE_SURE, "a heading mirrors the theme"
    best = strong[0]
    if goal:
        what = "a result level found" if level == LEVEL_TARGET else "no result level"
        return CONFIDENCE_UNSURE, f"no section on the goal; its terms meet in one place, {what}"
    if (
        described
        and best.score >= SURE_STRENGTH * CONCRETE_SCORE
        and best.distinct >= CONCRETE_TERMS + 1
        and best.has_top_term
    ):
        return CONFIDENCE_SURE, f"{best.distinct} of its terms, often, in one section"
    if level == LEVEL_TARGET and named:
        return CONFIDENCE_UNSURE, f"its terms meet in one section; an initiative named ({named})"
    if level == LEVEL_TARGET:
        return CONFIDENCE_UNSURE, "its terms meet in one section; concrete initiatives?"
    return CONFIDENCE_UNSURE, "a few of its terms in one place; is it addressed?"


def _confidence(strength: float) -> float:
    """Evidence strength mapped to 0-1 (0.63 at the concreteness threshold)."""
    return round(1.0 - math.exp(-strength / CONCRETE_SCORE), 3)


def _find_target(
    focus: list[int],
    passages_of: PassageSource,
    require_terms: bool,
    label: str = "",
    core: Sequence[str] = (),
) -> tuple[str | None, int | None]:
    """The strongest result level in the focus units (in passages with item terms, if told).

    Passages that restate the label, sentences whose measures are all the label's own numbers,
    and activity targets (`targets.is_activity_target`) are skipped. With `require_terms` (no
    section on the goal), the target sentence itself must say one of the `core` terms: "150
    personer skal ansættes i fleksjob" is no result level for "Fleksjobansatte skal have
    mulighed for at arbejde flere timer om ugen" unless it is about their hours — or the
    section's own heading must: under "4.4 Jobparate kontanthjælpsmodtagere i job" (København
    2018), "Mål: København skal bevare sin førerposition blandt sammenlignelige kommuner" is a
    result level for "Færre personer på kontanthjælp og uddannelseshjælp" though it names no one.
    """
    own_numbers = label_numbers(label)
    patterns = [term_pattern(t) for t in core] if require_terms else []
    best: tuple[float, str, int] | None = None
    for unit_no in focus:
        unit_passages = passages_of.get(unit_no)
        about = bool(patterns) and any(  # the section's heading says a core term
            p.is_heading and _says_any(p.text, patterns) for p in unit_passages
        )
        for passage in unit_passages:
            if passage.is_heading or passage.restates:
                continue
            if require_terms and not passage.terms and not about:
                continue
            for target in find_targets(passage.text):
                numbers = measure_numbers(target.sentence)
                if own_numbers and numbers and numbers <= own_numbers:
                    continue
                if is_activity_target(target.sentence, label):
                    continue
                if patterns and not about and not _says_any(target.sentence, patterns):
                    continue
                if best is None or target.strength > best[0]:
                    best = (target.strength, target.sentence, passage.seg_no)
    return (best[1], best[2]) if best else (None, None)


def _says_any(sentence: str, patterns: list[str]) -> bool:
    """True if the sentence's normalised text holds one of the term patterns."""
    key = f" {normalise(sentence)} "
    return any(p in key for p in patterns)


def _initiative_elsewhere(
    focus: list[int], passages_of: PassageSource
) -> tuple[str | None, Passage | None]:
    """The first initiative named anywhere in the sections that address a theme, and where.

    The ranked passages are those richest in the theme's words; the initiative is often in
    the next sentence of the same section, which names the money or the project without them.
    København's budget note 2013, "Fremskudt sprogindsats": the ranked passages describe the
    offer, and the section's first line, "I forbindelse med Inklusionsaftalen 2013 er der givet
    1,75 mio. kr. til at videreføre den fremskudte sprogindsats", names the money. On the
    pasted sets 1-14 this turned 23 theme cells from (X) to X: 15 to the gold's X, 2 away from
    its (X), 6 the gold leaves blank. Headings and restatements of the label do not count.
    Only for an item known by its label alone: a theme described by keywords has its evidence
    where its words are, and the tuned gold said no there (2 of 58 cells from (X) to X, both
    wrong: the budget note's "Københavns Værtsprogram" has money, but is for every newcomer,
    not a refugee-specific effort).
    """
    for unit_no in focus:
        for passage in passages_of.get(unit_no):
            if passage.is_heading or passage.restates:
                continue
            kind = initiative_kind(passage.text, passage.terms)
            if kind:
                return kind, passage
    return None, None


def _rank_passages(
    focus: list[int], passages_of: PassageSource, target_seg: int | None
) -> list[tuple[Passage, bool]]:
    candidates = [
        p
        for u in focus
        for p in passages_of.scored(u, target_seg)
        if not p.is_heading and not p.restates
    ]
    candidates.sort(
        key=lambda p: (-(p.score + (100.0 if p.seg_no == target_seg else 0.0)), p.seg_no)
    )
    return [(p, p.seg_no == target_seg) for p in candidates[:MAX_EVIDENCE]]


def quote(text: str, sentence: str | None = None) -> str:
    """A passage's text for display, cut to a readable length around the target sentence."""
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    start = text.find(sentence) if sentence else -1
    if start < 0:
        start = 0
    begin = max(0, min(start - 100, len(text) - MAX_QUOTE_CHARS))
    cut = text[begin : begin + MAX_QUOTE_CHARS]
    if begin > 0:
        cut = "…" + cut.split(" ", 1)[-1]
    if begin + MAX_QUOTE_CHARS < len(text):
        cut = cut.rsplit(" ", 1)[0] + "…"
    return cut
