"""One municipality across years: which goals recur, were added or dropped, or changed level.

Each year's plan is assessed against that year's goal framework (ministermål), and the goals of
different years are different framework items. Goals recur with near-identical wording ("Flere
flygtninge og familiesammenførte skal være selvforsørgende" in 2017, 2018, 2020–2024), so items
are aligned across years when their folded labels are at least ALIGN_THRESHOLD alike (rapidfuzz
ratio, 0–100; the reasoning is beside it). Theme frameworks that apply to both years are compared
item by item.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
from rapidfuzz import fuzz

from compare.errors import CompareError
from compare.frameworks.catalog import Framework, Item, clean_title
from compare.schema import (
    FRAMEWORK_GOALS,
    LEVEL_NONE,
    LEVEL_RANK,
    YEAR_COMPARISON,
)
from compare.text import fold_name

# Measured on the ministerial goals 2016–2024: recurring goals score 100 after
# folding; the most alike *different* goals score 66 ("Indsatsen for at bekæmpe socialt
# bedrageri …" vs "Indsatsen for bedre match …"). 80 sits between, so a reworded goal still
# pairs ("… med handicap skal i beskæftigelse" vs "… skal i job": 84) while "Flere ledige skal
# opkvalificeres" vs "Flere ledige skal i job" (73) stays apart.
ALIGN_THRESHOLD = 80.0

STATUS_LABELS: dict[str, str] = {
    "unchanged": "uændret",
    "changed": "ændret niveau",
    "added": "tilføjet",
    "dropped": "udgået",
    "not_assessed": "ikke vurderet",
}


def label_key(label: str) -> str:
    """A goal label folded for comparison: numbering dropped, æ/ø/å and OCR readings folded."""
    return fold_name(clean_title(label))


def label_similarity(a: str, b: str) -> float:
    """How alike two goal labels are, 0–100 (rapidfuzz ratio of the folded labels)."""
    return float(fuzz.ratio(label_key(a), label_key(b)))


def align_items(
    items_a: Sequence[Item], items_b: Sequence[Item], threshold: float = ALIGN_THRESHOLD
) -> list[tuple[Item, Item, float]]:
    """Pairs (item_a, item_b, similarity) of labels alike at `threshold` or more, one-to-one.

    The most alike pairs are taken first, so a goal pairs with its closest rewording.
    """
    pairs = _align([a.label for a in items_a], [b.label for b in items_b], threshold)
    return [(items_a[i], items_b[j], score) for i, j, score in pairs]


def _align(
    labels_a: list[str], labels_b: list[str], threshold: float = ALIGN_THRESHOLD
) -> list[tuple[int, int, float]]:
    """Index pairs (i, j, similarity) for `align_items`, in the order of `labels_b`."""
    keys_a, keys_b = [label_key(a) for a in labels_a], [label_key(b) for b in labels_b]
    scored = sorted(
        (
            (float(fuzz.ratio(a, b)), i, j)
            for i, a in enumerate(keys_a)
            for j, b in enumerate(keys_b)
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score < threshold:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, score))
    return sorted(pairs, key=lambda p: p[1])


def municipality_years(cells: pl.DataFrame, municipality: str) -> list[int]:
    """The years for which the municipality has an assessed plan, oldest first."""
    rows = cells.filter(pl.col("municipality") == municipality)
    return sorted(int(y) for y in rows["year"].drop_nulls().unique())


def _levels(cells: pl.DataFrame, municipality: str, year: int) -> dict[tuple[str, str], str]:
    """(framework_id, item_id) → the best level over the municipality's plans of that year."""
    rows = cells.filter((pl.col("municipality") == municipality) & (pl.col("year") == year))
    if rows.is_empty():
        years = municipality_years(cells, municipality)
        have = ", ".join(map(str, years)) if years else "none"
        raise CompareError(
            f"no assessed plan for {municipality} in {year} "
            f"(years with plans: {have}); ingest and tag that year's plan first"
        )
    best: dict[tuple[str, str], str] = {}
    for fw, item, level in rows.select("framework_id", "item_id", "level").iter_rows():
        key, level = (fw, item), level or LEVEL_NONE
        if key not in best or LEVEL_RANK.get(level, 0) > LEVEL_RANK.get(best[key], 0):
            best[key] = level
    return best


def _quotes(evidence: pl.DataFrame | None, doc_ids: list[str]) -> dict[tuple[str, str], str]:
    if evidence is None or evidence.is_empty():
        return {}
    rows = evidence.filter(pl.col("doc_id").is_in(doc_ids)).sort("score", descending=True)
    rows = rows.group_by("framework_id", "item_id", maintain_order=True).first()
    return {(r["framework_id"], r["item_id"]): r["quote"] for r in rows.iter_rows(named=True)}


def _side(frameworks: Sequence[Framework], year: int, other: int) -> list[Framework]:
    """Goal frameworks of `year`, and theme frameworks that apply to both years."""
    return [
        fw
        for fw in frameworks
        if fw.applies_to(year, year) and (fw.kind == FRAMEWORK_GOALS or fw.applies_to(other, other))
    ]


def compare_years(
    cells: pl.DataFrame,
    frameworks: Sequence[Framework],
    municipality: str,
    year_a: int,
    year_b: int,
    evidence: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Align the municipality's assessed items of `year_a` and `year_b` and say what changed.

    `cells` is the effective matrix (MATRIX_CELLS) over all frameworks; pass `evidence` to get
    each side's best passage. Raises CompareError if the municipality has no plan in a year.
    """
    levels_a = _levels(cells, municipality, year_a)
    levels_b = _levels(cells, municipality, year_b)
    docs = cells.filter(pl.col("municipality") == municipality)
    quotes_a = _quotes(evidence, docs.filter(pl.col("year") == year_a)["doc_id"].to_list())
    quotes_b = _quotes(evidence, docs.filter(pl.col("year") == year_b)["doc_id"].to_list())
    side_a = [(fw, item) for fw in _side(frameworks, year_a, year_b) for item in fw.items]
    side_b = [(fw, item) for fw in _side(frameworks, year_b, year_a) for item in fw.items]

    # The same framework on both sides pairs by item id; the rest by wording, within a kind.
    pairs: dict[int, tuple[int, float]] = {}
    index_a = {(fw.id, item.id): i for i, (fw, item) in enumerate(side_a)}
    for j, (fw, item) in enumerate(side_b):
        if (fw.id, item.id) in index_a:
            pairs[j] = (index_a[(fw.id, item.id)], 100.0)
    for kind in {fw.kind for fw, _ in side_a + side_b}:
        taken_a = {a for a, _ in pairs.values()}
        rest_a = [i for i, (fw, _) in enumerate(side_a) if fw.kind == kind and i not in taken_a]
        rest_b = [j for j, (fw, _) in enumerate(side_b) if fw.kind == kind and j not in pairs]
        labels_a = [side_a[i][1].label for i in rest_a]
        labels_b = [side_b[j][1].label for j in rest_b]
        for i, j, score in _align(labels_a, labels_b):
            pairs[rest_b[j]] = (rest_a[i], score)

    rows = []

    def row(a: int | None, b: int | None, similarity: float | None) -> dict[str, Any]:
        fw_a, item_a = side_a[a] if a is not None else (None, None)
        fw_b, item_b = side_b[b] if b is not None else (None, None)
        key_a = (fw_a.id, item_a.id) if fw_a and item_a else None
        key_b = (fw_b.id, item_b.id) if fw_b and item_b else None
        level_a = levels_a.get(key_a) if key_a else None
        level_b = levels_b.get(key_b) if key_b else None
        if key_a is None:
            status = "added"
        elif key_b is None:
            status = "dropped"
        elif level_a is None or level_b is None:
            status = "not_assessed"
        else:
            status = "unchanged" if level_a == level_b else "changed"
        owner = fw_b or fw_a
        return {
            "kind": owner.kind if owner else None,
            "framework_a": fw_a.id if fw_a else None,
            "item_a": item_a.id if item_a else None,
            "label_a": item_a.label if item_a else None,
            "level_a": level_a,
            "framework_b": fw_b.id if fw_b else None,
            "item_b": item_b.id if item_b else None,
            "label_b": item_b.label if item_b else None,
            "level_b": level_b,
            "similarity": similarity,
            "status": status,
            "quote_a": quotes_a.get(key_a) if key_a else None,
            "quote_b": quotes_b.get(key_b) if key_b else None,
        }

    for j in range(len(side_b)):
        a, similarity = pairs[j] if j in pairs else (None, None)
        rows.append(row(a, j, similarity))
    paired_a = {a for a, _ in pairs.values()}
    rows.extend(row(i, None, None) for i in range(len(side_a)) if i not in paired_a)
    frame = pl.DataFrame(rows, schema=YEAR_COMPARISON)
    order = {FRAMEWORK_GOALS: 0}
    return (
        frame.with_row_index("_n")
        .sort(pl.col("kind").replace_strict(order, default=1), "_n")
        .drop("_n")
    )
