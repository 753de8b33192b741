"""What a matrix sheet shows, as plain data: the scope of an export and one row per jobcentre.

Both the export and the import of edits build their rows here, so a cell read back from Excel is
compared with exactly what the export would write for it now.

A row is a jobcentre in the registry's order for the council and year (a joint jobcentre such as
Tårnby-Dragør is one row for its member municipalities). A row's plans are, per member
municipality, the plans whose period covers the year, the most recently started ones (current
versions only: a revised plan replaces the one it revises). Where a row has several plans, an
item's level is the strongest any of them has (`X` over `(X)` over blank), and that plan's cell
supplies the evidence link, the quote and the reviewed mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from compare.frameworks.catalog import Framework
from compare.registry.lookup import Registry
from compare.schema import KIND_PLAN, LEVEL_NONE, LEVEL_RANK, covers
from compare.store.versions import current_documents
from compare.text import fold_name


@dataclass(frozen=True)
class Scope:
    """What one export covers: a year, the councils whose rows are shown, the frameworks."""

    year: int
    councils: tuple[str, ...]
    frameworks: tuple[Framework, ...]


@dataclass
class Cell:
    """One shown cell: the row's level for an item and where it comes from."""

    level: str = LEVEL_NONE
    reviewed: bool = False
    doc_id: str | None = None  # the plan whose cell gives the level (None: no cell at all)
    note: str = ""
    decided_at: str = ""  # the latest decision on the item among the row's plans ("" if none)
    reviewer: str = ""  # who made that decision


@dataclass
class MatrixRow:
    """One row of a matrix sheet: a jobcentre (or a council's section heading)."""

    name: str
    council: str
    municipalities: tuple[str, ...] = ()
    plans: list[dict[str, Any]] = field(default_factory=list)  # DOCUMENTS rows, in order
    cells: dict[str, Cell] = field(default_factory=dict)  # item_id -> cell
    remark: str = ""
    is_section: bool = False

    @property
    def has_plan(self) -> bool:
        return bool(self.plans)

    @property
    def tagged(self) -> bool:
        """False when the row has plans but the tagger has not run on them for this framework."""
        return any(cell.doc_id is not None for cell in self.cells.values())


def plans_for_year(documents: pl.DataFrame, year: int) -> pl.DataFrame:
    """The plans whose period covers `year`; per municipality only the most recently started.

    Superseded versions of a revised plan are left out (the rule of `compare.store.versions`).
    """
    covering = current_documents(documents).filter(
        (pl.col("kind") == KIND_PLAN) & pl.col("municipality").is_not_null() & covers(year)
    )
    latest = pl.col("year") == pl.col("year").max().over("municipality")
    return covering.filter(latest).sort("municipality", "year", "doc_id")


def latest_plan_year(documents: pl.DataFrame) -> int | None:
    """The latest first year of any plan in the workspace (None when there is none)."""
    years = documents.filter(pl.col("kind") == KIND_PLAN)["year"].drop_nulls()
    return max(years.to_list()) if len(years) else None


def build_rows(
    registry: Registry,
    councils: tuple[str, ...],
    year: int,
    framework: Framework,
    plans: pl.DataFrame,
    cells: pl.DataFrame,
    remarks: pl.DataFrame,
) -> list[MatrixRow]:
    """The rows of one framework's matrix sheet, in the registry's order for each council.

    `plans` is `plans_for_year(...)`; `cells` the effective MATRIX_CELLS of this framework;
    `remarks` the review store's current row remarks (doc_id, framework_id, note). With several
    councils each council's rows follow a section row naming it.
    """
    item_ids = [item.id for item in framework.items]
    by_municipality: dict[str, list[dict[str, Any]]] = {}
    for plan in plans.to_dicts():
        by_municipality.setdefault(plan["municipality"], []).append(plan)
    cell_rows = cells.filter(pl.col("framework_id") == framework.id)
    by_cell = {(c["doc_id"], c["item_id"]): c for c in cell_rows.to_dicts()}
    remark_rows = remarks.filter(pl.col("framework_id") == framework.id)
    remark_by_doc = {r["doc_id"]: (r["note"] or "") for r in remark_rows.to_dicts()}

    rows: list[MatrixRow] = []
    for council in councils:
        if len(councils) > 1:
            rows.append(MatrixRow(name=council, council=council, is_section=True))
        for name, members in registry.jobcentre_rows(council, year):
            row = MatrixRow(name=name, council=council, municipalities=tuple(members))
            row.plans = [plan for m in members for plan in by_municipality.get(m, [])]
            row.cells = {item_id: _row_cell(row.plans, item_id, by_cell) for item_id in item_ids}
            row.remark = _row_remark(row.plans, remark_by_doc)
            rows.append(row)
    return rows


def _row_cell(
    plans: list[dict[str, Any]], item_id: str, by_cell: dict[tuple[str, str], dict[str, Any]]
) -> Cell:
    best: Cell = Cell()
    latest = ("", "")
    for plan in plans:
        found = by_cell.get((plan["doc_id"], item_id))
        if found is None:
            continue
        if found["decided_at"] and found["decided_at"] > latest[0]:
            latest = (found["decided_at"], found["reviewer"] or "")
        level = found["level"] or LEVEL_NONE
        if best.doc_id is None or LEVEL_RANK.get(level, 0) > LEVEL_RANK.get(best.level, 0):
            best = Cell(
                level=level,
                reviewed=bool(found["reviewed"]),
                doc_id=plan["doc_id"],
                note=found["note"] or "",
            )
    best.decided_at, best.reviewer = latest
    return best


def _row_remark(plans: list[dict[str, Any]], remark_by_doc: dict[str, str]) -> str:
    notes = [(plan["municipality"], remark_by_doc.get(plan["doc_id"], "")) for plan in plans]
    notes = [(m, n) for m, n in notes if n.strip()]
    if len({n for _, n in notes}) <= 1:
        return notes[0][1] if notes else ""
    return "\n".join(f"{m}: {n}" for m, n in notes)


def find_row(rows: list[MatrixRow], name: str, registry: Registry, year: int) -> MatrixRow | str:
    """The row a name read back from a sheet stands for, or a message saying why there is none.

    The name is compared with the rows' names ignoring case, spacing and OCR-readings of æ/ø/å;
    failing that the registry resolves it to a municipality or jobcentre.
    """
    wanted = fold_name(name)
    for row in rows:
        if not row.is_section and fold_name(row.name) == wanted:
            return row
    resolution = registry.resolve(name, year=year)
    if resolution.municipality is not None and resolution.sure:
        for row in rows:
            if resolution.municipality.name in row.municipalities:
                return row
        return (
            f"{resolution.municipality.name} is not in the council(s) of this sheet "
            f"({', '.join(sorted({r.council for r in rows}))})"
        )
    if resolution.jobcentre:
        for row in rows:
            if fold_name(row.name) == fold_name(resolution.jobcentre):
                return row
    hint = f" ({resolution.message})" if resolution.message else ""
    return f"{name!r} is not a jobcentre or municipality of this sheet{hint}"
