"""Pure builders for what the Matrix page shows: the wide display table, totals and legend.

No Streamlit here: the page passes frames in and renders what comes out, so the shape of the
matrix (one row per plan, one column per framework item, totals "9 af 29") is tested directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from compare.errors import CompareError
from compare.frameworks.catalog import Framework, Item
from compare.registry.lookup import Registry
from compare.review.matrix import item_totals
from compare.schema import (
    FRAMEWORK_GOALS,
    LEVEL_ADDRESSED,
    LEVEL_NONE,
    LEVEL_TARGET,
    covers,
    period_text,
)

REVIEWED_MARK = "✓"
RECHECK_MARK = "⚠"
MISSING = "–"  # the framework does not apply to the plan, or it is not tagged yet
UNKNOWN_COUNCIL = "Ukendt råd"
UNKNOWN_MUNICIPALITY = "Ukendt kommune"
COUNCIL_COL, MUNICIPALITY_COL, YEAR_COL, TOTAL_COL = "Råd", "Kommune", "År", "I alt"
TOTAL_ROW = "I alt"
SEPARATOR = "::"


@dataclass(frozen=True)
class MatrixView:
    """The display table and what each of its rows and item columns stands for."""

    table: pl.DataFrame  # Råd, Kommune, År, one column per item, I alt; first row = totals
    row_docs: tuple[str | None, ...]  # doc_id per table row; None for the totals row
    columns: dict[str, tuple[str, str]]  # item column name -> (framework_id, item_id)
    labels: dict[str, str]  # item column name -> short header
    helps: dict[str, str]  # item column name -> "group — label" tooltip
    legend: pl.DataFrame  # Kolonne, Ramme, Gruppe, Punkt, X, (X), Dækning
    chart: pl.DataFrame  # Ramme, Kolonne, Niveau, Kommuner: municipalities per level per item
    bands: tuple[int, ...]  # per table row: 0/1 alternating by council (totals row: 0)
    group_bands: dict[str, int]  # item column name -> 0/1 alternating by theme group


def column_name(framework_id: str, item_id: str) -> str:
    """The table's column name for one framework item (also what a cell selection returns)."""
    return f"{framework_id}{SEPARATOR}{item_id}"


def parse_column(name: str) -> tuple[str, str] | None:
    """(framework_id, item_id) of an item column name, or None for the other columns."""
    if SEPARATOR not in name:
        return None
    framework_id, item_id = name.split(SEPARATOR, 1)
    return framework_id, item_id


def cell_text(level: str | None, reviewed: bool, recheck: bool) -> str:
    """What a cell shows: the level, ✓ when an analyst decided it, ⚠ when it needs a re-check."""
    if level is None:
        return MISSING
    mark = RECHECK_MARK if recheck else REVIEWED_MARK if reviewed else ""
    return f"{level} {mark}".strip()


def cell_level(text: str) -> str | None:
    """The level a displayed cell stands for (inverse of `cell_text`); None when missing."""
    bare = text.replace(REVIEWED_MARK, "").replace(RECHECK_MARK, "").strip()
    if bare == MISSING:
        return None
    return bare if bare in (LEVEL_TARGET, LEVEL_ADDRESSED) else LEVEL_NONE


def ordered_items(
    frameworks: Sequence[Framework], groups: Sequence[str] | None = None
) -> list[tuple[Framework, Item]]:
    """(framework, item) pairs in column order: by framework, then by theme group as first met.

    Omit `groups` to keep every group; otherwise only items of those groups are returned.
    """
    pairs: list[tuple[Framework, Item]] = []
    for fw in frameworks:
        group_order: dict[str, int] = {}
        for item in fw.items:
            group_order.setdefault(item.group or "", len(group_order))
        items = sorted(fw.items, key=lambda it: group_order[it.group or ""])  # stable in group
        pairs.extend((fw, it) for it in items if groups is None or (it.group or "") in groups)
    return pairs


def framework_code(framework: Framework) -> str:
    """The column-code prefix of a framework, fixed by the framework alone (so a column keeps
    its code when another framework is shown beside it): "M18." for the goals of 2018, "M."
    for goals without a year, "T" for strategy themes ("T16" is theme 16)."""
    if framework.kind != FRAMEWORK_GOALS:
        return "T"
    return f"M{framework.year % 100:02d}." if framework.year else "M."


def framework_prefixes(frameworks: Sequence[Framework]) -> dict[str, str]:
    """framework_id -> its column-code prefix (`framework_code`)."""
    return {fw.id: framework_code(fw) for fw in frameworks}


def build_matrix_view(
    cells: pl.DataFrame,
    documents: pl.DataFrame,
    frameworks: Sequence[Framework],
    councils: Mapping[str, str],
    council_order: Sequence[str] = (),
    order: Mapping[str, int] | None = None,
    groups: Sequence[str] | None = None,
) -> MatrixView:
    """The wide matrix: one row per document in `documents`, one column per framework item.

    `cells` is MATRIX_CELLS; `councils` maps doc_id → council name (the council of the plan's
    municipality in the plan's year), listed in `council_order`; `order` gives municipalities'
    sort rank (the registry's Danish alphabetical order; omit it to sort by name). Omit
    `groups` to show every theme group.
    """
    pairs = ordered_items(frameworks, groups)
    prefixes = framework_prefixes(frameworks)
    names = [column_name(fw.id, it.id) for fw, it in pairs]
    columns = {column_name(fw.id, it.id): (fw.id, it.id) for fw, it in pairs}
    labels = {column_name(fw.id, it.id): f"{prefixes[fw.id]}{it.id}" for fw, it in pairs}
    helps = {
        column_name(fw.id, it.id): " — ".join(x for x in (fw.title, it.group, it.label) if x)
        for fw, it in pairs
    }

    docs = documents.select("doc_id", "municipality", "year", "year_to", "file_name")
    rank = order or {}
    rows = []
    for doc in docs.iter_rows(named=True):
        council = councils.get(doc["doc_id"]) or UNKNOWN_COUNCIL
        rows.append((council, doc["municipality"], doc))
    council_rank = {c: i for i, c in enumerate(council_order)}
    rows.sort(
        key=lambda r: (
            council_rank.get(r[0], len(council_rank)),
            r[0],
            r[1] is None,
            rank.get(r[1], len(rank)) if r[1] else 0,
            r[1] or r[2]["file_name"] or "",
            r[2]["year"] or 0,
            r[2]["doc_id"],
        )
    )

    wanted = cells.filter(pl.col("doc_id").is_in([r[2]["doc_id"] for r in rows]))
    lookup: dict[tuple[str, str], tuple[str, bool, bool]] = {}
    for cell in wanted.select(
        "doc_id", "framework_id", "item_id", "level", "reviewed", "recheck"
    ).iter_rows():
        doc_id, framework_id, item_id, level, reviewed, recheck = cell
        lookup[(doc_id, column_name(framework_id, item_id))] = (
            level or LEVEL_NONE,
            bool(reviewed),
            bool(recheck),
        )

    out: dict[str, list[str]] = {COUNCIL_COL: [], MUNICIPALITY_COL: [], YEAR_COL: []}
    out.update({name: [] for name in names})
    out[TOTAL_COL] = []
    for council, municipality, doc in rows:
        out[COUNCIL_COL].append(council)
        out[MUNICIPALITY_COL].append(municipality or f"{UNKNOWN_MUNICIPALITY} ({doc['file_name']})")
        out[YEAR_COL].append(_period(doc["year"], doc["year_to"]))
        n_shown = n_covered = 0
        for name in names:
            found = lookup.get((doc["doc_id"], name))
            out[name].append(cell_text(*found) if found else MISSING)
            if found:
                n_shown += 1
                n_covered += found[0] in (LEVEL_TARGET, LEVEL_ADDRESSED)
        out[TOTAL_COL].append(f"{n_covered} af {n_shown}" if n_shown else MISSING)

    # The totals row and the legend: how many municipalities cover each item (X or (X)) of
    # those with a plan in view, counted by compare.review.matrix so every view says the same.
    totals: dict[str, dict] = {}
    for fw in frameworks:
        for row in item_totals(wanted, fw).iter_rows(named=True):
            totals[column_name(fw.id, row["item_id"])] = row
    # First, not last: in a long scrolling table the totals stay in sight.
    n_municipalities = len({r[1] or r[2]["doc_id"] for r in rows})
    totals_row = {
        COUNCIL_COL: "",
        MUNICIPALITY_COL: TOTAL_ROW,
        YEAR_COL: "",
        TOTAL_COL: f"{n_municipalities} kommuner",
    }
    for name in names:
        total = totals.get(name)
        totals_row[name] = total["text"] if total and total["n_total"] else MISSING
    for column, values in out.items():
        values.insert(0, totals_row[column])

    def count(name: str, field: str) -> int:
        return int(totals[name][field]) if name in totals else 0

    legend = pl.DataFrame(
        {
            "Kolonne": [labels[n] for n in names],
            "Ramme": [fw.title for fw, _ in pairs],
            "Gruppe": [it.group or "" for _, it in pairs],
            "Punkt": [it.label for _, it in pairs],
            "X": [count(n, "n_target") for n in names],
            "(X)": [count(n, "n_addressed") for n in names],
            "Dækning": [
                f"{count(n, 'n_covered')} af {count(n, 'n_total')} kommuner" for n in names
            ],
        },
        schema={
            "Kolonne": pl.Utf8,
            "Ramme": pl.Utf8,
            "Gruppe": pl.Utf8,
            "Punkt": pl.Utf8,
            "X": pl.Int64,
            "(X)": pl.Int64,
            "Dækning": pl.Utf8,
        },
    )
    chart = pl.DataFrame(
        [
            (fw.title, labels[n], level, amount)
            for (fw, _), n in zip(pairs, names, strict=True)
            for level, amount in (
                ("X", count(n, "n_target")),
                ("(X)", count(n, "n_addressed")),
                ("Ikke behandlet", count(n, "n_total") - count(n, "n_covered")),
            )
        ],
        schema={"Ramme": pl.Utf8, "Kolonne": pl.Utf8, "Niveau": pl.Utf8, "Kommuner": pl.Int64},
        orient="row",
    )
    table = pl.DataFrame(out, schema={k: pl.Utf8 for k in out})
    row_docs = (None, *(r[2]["doc_id"] for r in rows))
    bands, band, last = [0], 1, None
    for council, _, _ in rows:
        band = band if council == last else 1 - band
        bands.append(band)
        last = council
    group_bands: dict[str, int] = {}
    band, last_group = 1, None
    for (fw, item), name in zip(pairs, names, strict=True):
        group = (fw.id, item.group or "")
        band = band if group == last_group else 1 - band
        group_bands[name] = band
        last_group = group
    return MatrixView(
        table, row_docs, columns, labels, helps, legend, chart, tuple(bands), group_bands
    )


def _period(year: int | None, year_to: int | None) -> str:
    return period_text(year, year_to, dash="–", unknown="?")


def document_councils(
    documents: pl.DataFrame, year: int | None, registry: Registry
) -> dict[str, str | None]:
    """doc_id → the council of the document's municipality in `year` (omit `year` for the
    document's own first year); None where the municipality, the year or the council is unknown.
    """
    councils: dict[str, str | None] = {}
    for doc_id, name, first in documents.select("doc_id", "municipality", "year").iter_rows():
        when = year or first
        try:
            councils[doc_id] = registry.council(name, when) if name and when else None
        except CompareError:  # a municipality the registry does not know
            councils[doc_id] = None
    return councils


def docs_for_year(documents: pl.DataFrame, year: int | None, kinds: Sequence[str]) -> pl.DataFrame:
    """The documents of these kinds whose period covers `year` (omit `year` for all years)."""
    docs = documents.filter(pl.col("kind").is_in(list(kinds)))
    return docs if year is None else docs.filter(covers(year))


def covered_years(documents: pl.DataFrame) -> list[int]:
    """Every year some document's period covers, newest first."""
    years: set[int] = set()
    for first, last in documents.select("year", "year_to").iter_rows():
        if first is not None:
            years.update(range(first, (last or first) + 1))
    return sorted(years, reverse=True)


def first_cell(view: MatrixView, level: str = LEVEL_TARGET) -> tuple[str, str] | None:
    """(doc_id, column) of the first cell at `level`, in reading order: where to start looking."""
    for index, doc_id in enumerate(view.row_docs):
        if doc_id is None:
            continue
        for name in view.columns:
            if cell_level(view.table[name][index]) == level:
                return doc_id, name
    return None
