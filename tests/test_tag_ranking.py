"""The tagger ranks an item's places lazily: it must decide as ranking every place would."""

from __future__ import annotations

import random

from compare.tagging.score import (
    ADDRESSED_SCORE,
    CONCRETE_SCORE,
    FOCUS_PLACES,
    Candidate,
    UnitEvidence,
    _places,
    _rank,
)

TERMS = ["ledig", "ledige unge", "unge", "flygtning", "virksomhed", "praktik", "job"]


def _every_candidate(units: dict[int, UnitEvidence], parent: dict[int, int]) -> list[Candidate]:
    """The oracle: a candidate for every place, strongest first (ties: first units first)."""
    found = []
    for members, evs in _places(units, parent):
        found.append(
            Candidate(
                members,
                sum(ev.score for ev in evs),
                set().union(*(ev.terms for ev in evs)),
                any(ev.heading for ev in evs),
                set().union(*(ev.core for ev in evs)),
                {t: 1.0 for t in TERMS},
            )
        )
    return sorted(found, key=lambda c: (-c.strength, c.units))


def _random_item(rng: random.Random) -> tuple[dict[int, UnitEvidence], dict[int, int]]:
    """Units with scores around the thresholds, some with core terms, in a random outline."""
    n = rng.randint(1, 14)
    units = {}
    for unit_no in rng.sample(range(1, 30), n):
        terms = rng.sample(TERMS, rng.randint(0, 4))
        core = [t for t in terms if rng.random() < 0.4]
        score = rng.choice([0.0, 1.0, ADDRESSED_SCORE, 5.0, CONCRETE_SCORE, 12.0, 20.0])
        heading = rng.choice([0.0, 0.0, 0.0, 90.0])
        units[unit_no] = UnitEvidence(unit_no, score + rng.random(), terms, heading, core)
    numbers = sorted(units)
    parent = {u: rng.choice(numbers[:i]) for i, u in enumerate(numbers) if i and rng.random() < 0.6}
    return units, parent


def test_lazy_ranking_decides_as_ranking_every_place() -> None:
    rng = random.Random(13)
    checked = {"blank": 0, "addressed": 0, "concrete": 0, "more than three": 0}
    for _ in range(3000):
        units, parent = _random_item(rng)
        every = _every_candidate(units, parent)
        strong = [c for c in every if c.addressed()]
        ranking = _rank(units, parent, {t: 1.0 for t in TERMS})
        assert [c.units for c in ranking.strong[:FOCUS_PLACES]] == [
            c.units for c in strong[:FOCUS_PLACES]
        ]
        assert ranking.concrete == any(c.concrete() for c in strong)
        best = ranking.best()
        assert best is not None and best.units == every[0].units
        assert best.score == every[0].score
        assert sorted(best.terms) == sorted(every[0].terms)
        assert ranking.any_terms == any(c.terms for c in every)
        assert ranking.any_core == any(c.core_found for c in every)
        checked["blank" if not strong else "addressed"] += 1
        checked["concrete"] += ranking.concrete
        checked["more than three"] += len(strong) > FOCUS_PLACES
    assert all(count > 100 for count in checked.values()), checked  # every case was met
