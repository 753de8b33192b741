"""Agreement between two analysts: percent agreement and Cohen's kappa on the cells both decided.

Two analysts often split a year's plans and cross-check a sample; this measures how often they
give a cell the same level, and how much more than chance that is (Cohen, 1960). Reads the review
history (`ReviewStore.history()`), so a later colleague's decision does not hide an earlier one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from compare.schema import LEVELS

_CELL = ["doc_id", "framework_id", "item_id"]


@dataclass(frozen=True)
class Agreement:
    """How two analysts' levels compare on the cells both decided."""

    reviewer_a: str
    reviewer_b: str
    n: int  # cells both decided
    agreed: int
    percent: float | None  # agreed / n, None when n == 0
    kappa: float | None  # Cohen's kappa, None when undefined (no cells, or no variation)
    # doc_id, municipality, year, framework_id, item_id, level_a, level_b
    disagreements: pl.DataFrame


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of (rater A, rater B) category pairs; None where it is undefined.

    kappa = (p_o - p_e) / (1 - p_e), p_o the observed agreement, p_e the agreement expected by
    chance from each rater's own category shares. Undefined with no pairs, or when both raters
    used one and the same category throughout (p_e = 1).
    """
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    share_a = Counter(a for a, _ in pairs)
    share_b = Counter(b for _, b in pairs)
    expected = sum(share_a[c] * share_b[c] for c in share_a) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def reviewer_levels(history: pl.DataFrame, reviewer: str) -> pl.DataFrame:
    """One analyst's own latest level per cell from the review history (remarks and undone
    decisions left out): doc_id, municipality, year, framework_id, item_id, level."""
    name = reviewer.strip().casefold()
    undone = history["undone_of"].drop_nulls().to_list()
    own = history.filter(
        (pl.col("reviewer").str.strip_chars().str.to_lowercase() == name)
        & pl.col("level").is_not_null()
        & pl.col("undone_of").is_null()
        & ~pl.col("id").is_in(undone)
        & (pl.col("item_id") != "")
        & pl.col("level").is_in(list(LEVELS))
    )
    return (
        own.sort("id")
        .unique(_CELL, keep="last", maintain_order=True)
        .select(*_CELL, "municipality", "year", "level")
        .sort(_CELL)
    )


def compare_reviewers(history: pl.DataFrame, reviewer_a: str, reviewer_b: str) -> Agreement:
    """Percent agreement, Cohen's kappa and the disagreements of two analysts (names are
    matched without regard to case or surrounding spaces)."""
    a = reviewer_levels(history, reviewer_a)
    b = reviewer_levels(history, reviewer_b)
    both = a.join(b.select(*_CELL, pl.col("level").alias("level_b")), on=_CELL, how="inner").rename(
        {"level": "level_a"}
    )
    pairs = list(zip(both["level_a"].to_list(), both["level_b"].to_list(), strict=True))
    agreed = sum(x == y for x, y in pairs)
    disagreements = both.filter(pl.col("level_a") != pl.col("level_b")).select(
        "doc_id", "municipality", "year", "framework_id", "item_id", "level_a", "level_b"
    )
    return Agreement(
        reviewer_a.strip(),
        reviewer_b.strip(),
        len(pairs),
        agreed,
        agreed / len(pairs) if pairs else None,
        cohen_kappa(pairs),
        disagreements,
    )
