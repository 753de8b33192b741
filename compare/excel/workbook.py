"""`export_workbook`: the reviewed matrix as an Excel workbook for the regional council.

Sheets: one matrix per framework, then Temaoversigt (theme overview), Evidens (the passages
behind every cell), Dokumenter (the plans) and a hidden sheet with what each cell held at export
(for `import_review`). The scope:

- year: `year`, or the latest plan year in the workspace;
- rows: every jobcentre of the council(s) in the registry's order for that year. Without
  `council`, the councils of the municipalities whose plans cover the year; when those span
  several councils, each matrix has one section per council (in the registry's order);
- frameworks: `framework_ids`, or those that apply to the year and have tagged cells for the
  plans shown (all that apply when nothing is tagged yet).

The file is written atomically: an interrupted export leaves no file, or the previous one.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook

from compare.analysis.item_table import item_table
from compare.analysis.overview import theme_overview, with_narratives
from compare.analysis.plan_summary import plan_summaries
from compare.errors import DiskFull, ExportError, ReadOnlyWorkspace
from compare.excel.matrix_sheet import write_matrix_sheet
from compare.excel.rows import MatrixRow, Scope, build_rows, latest_plan_year, plans_for_year
from compare.excel.safe import MAX_SHEET_NAME, sheet_title
from compare.excel.sheets import (
    evidence_table,
    write_baseline_sheet,
    write_documents_sheet,
    write_evidence_sheet,
    write_item_tables_sheet,
    write_overview_sheet,
    write_summary_sheet,
)
from compare.excel.xlsx_writer import save_xlsx
from compare.frameworks.catalog import Framework, find_frameworks, load_frameworks
from compare.registry.lookup import Registry, load_registry
from compare.review.evidence import effective_evidence
from compare.review.matrix import matrix_cells, matrix_remarks, municipality_order
from compare.schema import FRAMEWORK_GOALS, KIND_PLAN
from compare.store.documents import load_documents
from compare.store.narratives import NarrativeStore
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace, atomic_write

EVIDENCE_SHEET = "Evidens"
OVERVIEW_SHEET = "Temaoversigt"
DOCUMENTS_SHEET = "Dokumenter"
BASELINE_SHEET = "_compare"
ITEM_TABLES_SHEET = "Pr. kommune"
SUMMARY_SHEET = "Plansammendrag"


def export_workbook(
    ws: Workspace,
    out: Path | str,
    framework_ids: Sequence[str] | None = None,
    council: str | None = None,
    year: int | None = None,
    *,
    today: date | None = None,
) -> Path:
    """Write the workbook for a council and year to `out` (.xlsx); returns its path.

    Omit `framework_ids`, `council` and `year` to derive them from the workspace (see the module
    docstring). `today` is the export date printed in the title (default: today). Raises
    ExportError for a target that cannot be written and for an empty scope.
    """
    target = check_target(Path(out))
    save_workbook(workspace_workbook(ws, framework_ids, council, year, today=today), target)
    return target


def export_bytes(
    ws: Workspace,
    framework_ids: Sequence[str] | None = None,
    council: str | None = None,
    year: int | None = None,
    *,
    today: date | None = None,
) -> bytes:
    """The same workbook as `export_workbook`, as bytes: for a download button, no file."""
    buffer = io.BytesIO()
    save_xlsx(workspace_workbook(ws, framework_ids, council, year, today=today), buffer)
    return buffer.getvalue()


def workspace_workbook(
    ws: Workspace,
    framework_ids: Sequence[str] | None = None,
    council: str | None = None,
    year: int | None = None,
    *,
    today: date | None = None,
) -> Workbook:
    """The export of a workspace as an openpyxl Workbook in memory (arguments as for
    `export_workbook`)."""
    registry = load_registry()
    store = ReviewStore.for_workspace(ws)
    documents = load_documents(ws, store)
    scope_year = year if year is not None else latest_plan_year(documents)
    if scope_year is None:
        raise ExportError(
            "the workspace has no plans: ingest plans with `compare ingest` first, "
            "or give --year and --council to export an empty overview"
        )
    plans = plans_for_year(documents, scope_year)
    councils = _councils(registry, plans, council, scope_year)
    members = {m for c in councils for _, ms in registry.jobcentre_rows(c, scope_year) for m in ms}
    plans = plans.filter(pl.col("municipality").is_in(sorted(members)))
    every = load_frameworks(errors=[])  # read once: the sheets and the summaries
    frameworks = find_frameworks(dict.fromkeys(framework_ids or ()), known=every)
    cells = matrix_cells(
        ws, [f.id for f in frameworks] if frameworks else None, store=store, documents=documents
    )
    cells = cells.filter(pl.col("doc_id").is_in(plans["doc_id"].to_list()))
    if not frameworks:
        frameworks = _default_frameworks(every, cells, scope_year)
    scope = Scope(scope_year, councils, tuple(frameworks))
    narratives = None  # the written overview's saved texts belong to one council and year
    if len(councils) == 1:
        narrative_store = NarrativeStore.for_workspace(ws)
        narratives = pl.concat(
            [
                narrative_store.latest(councils[0], scope_year),
                narrative_store.latest(councils[0], scope_year, rows=True),
            ]
        )
    remarks = matrix_remarks(ws, [f.id for f in frameworks], store=store, documents=documents)
    tags = ws.read_tags()
    tagged_at = dict(tags.group_by("doc_id").agg(pl.col("tagged_at").max()).iter_rows())
    shown_ids = plans["doc_id"].to_list()
    evidence = ws.read_evidence()  # read once: the summaries and the sheets see the same passages
    summaries = plan_summaries(
        plans,
        ws.read_segments(shown_ids) if shown_ids else None,
        evidence,
        tags,
        cells,
        every,
    )
    return build_workbook(
        scope,
        registry,
        plans,
        cells,
        effective_evidence(evidence, store.passages()),  # analysts' passages in
        remarks,
        documents.filter(pl.col("kind") == KIND_PLAN),
        tagged_at,
        today or date.today(),
        narratives,
        summaries,
    )


def _councils(
    registry: Registry, plans: pl.DataFrame, council: str | None, year: int
) -> tuple[str, ...]:
    if council:
        return (registry.find_council(council, year).name,)
    found = {registry.council(m, year) for m in plans["municipality"].unique().to_list()}
    found.discard(None)
    if not found:
        raise ExportError(
            f"no plan in the workspace covers {year}: name the council with "
            "--council to export an overview of plans not received"
        )
    return tuple(c for c in registry.councils(year) if c in found)


def _default_frameworks(
    frameworks: list[Framework], cells: pl.DataFrame, year: int
) -> list[Framework]:
    applying = [f for f in frameworks if f.applies_to(year, year)]
    tagged = set(cells["framework_id"].unique().to_list())
    chosen = [f for f in applying if f.id in tagged] or applying
    if not chosen:
        raise ExportError(
            f"no framework applies to {year}: name one with --framework "
            "(`compare frameworks` lists them)"
        )
    return chosen


def build_workbook(
    scope: Scope,
    registry: Registry,
    plans: pl.DataFrame,
    cells: pl.DataFrame,
    evidence: pl.DataFrame,
    remarks: pl.DataFrame,
    all_plans: pl.DataFrame,
    tagged_at: dict[str, Any],
    exported: date,
    narratives: pl.DataFrame | None = None,
    summaries: list[dict[str, Any]] | None = None,
) -> Workbook:
    """The workbook in memory, from frames: pure, so it can be built and checked without files.

    `plans` are the plans shown (`plans_for_year`, in the scope's councils), `cells` their
    effective MATRIX_CELLS, `remarks` the analysts' row remarks, `all_plans` every plan for the
    Documents sheet, `tagged_at` the last tagging time per doc_id, `narratives` the saved
    narratives of the council's overview (NarrativeStore.latest), shown on the theme sheet,
    `summaries` the plan summaries (`plan_summaries`) for the Plansammendrag sheet.
    """
    workbook = Workbook()
    taken: set[str] = set()
    matrix_sheets = []
    for index, framework in enumerate(scope.frameworks):
        title = sheet_title(matrix_sheet_name(framework), taken)
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        matrix_sheets.append(sheet)
    overview = workbook.create_sheet(sheet_title(OVERVIEW_SHEET, taken))
    evidence_sheet = workbook.create_sheet(sheet_title(EVIDENCE_SHEET, taken))
    documents = workbook.create_sheet(sheet_title(DOCUMENTS_SHEET, taken))
    baseline = workbook.create_sheet(sheet_title(BASELINE_SHEET, taken))

    rows_by_framework: dict[str, list[MatrixRow]] = {
        f.id: build_rows(registry, scope.councils, scope.year, f, plans, cells, remarks)
        for f in scope.frameworks
    }
    shown_evidence = evidence.filter(pl.col("doc_id").is_in(plans["doc_id"].to_list()))
    table = evidence_table(scope.frameworks, rows_by_framework, cells, shown_evidence)
    for framework, sheet in zip(scope.frameworks, matrix_sheets, strict=True):
        write_matrix_sheet(
            sheet,
            framework,
            rows_by_framework[framework.id],
            scope.councils,
            scope.year,
            exported,
            table.links(framework.id, evidence_sheet.title),
        )
    overviews = [(f, theme_overview(cells, shown_evidence, f)) for f in scope.frameworks]
    if narratives is not None:
        overviews = [
            (f, with_narratives(o, narratives.filter(pl.col("framework_id") == f.id)))
            for f, o in overviews
        ]
    write_overview_sheet(overview, overviews)
    if narratives is not None:
        _write_item_tables(
            workbook,
            taken,
            scope,
            registry,
            cells,
            shown_evidence,
            narratives,
            evidence_sheet.title,
        )
    if summaries:  # after the theme sheets, before the evidence
        place = workbook.sheetnames.index(evidence_sheet.title)
        sheet = workbook.create_sheet(sheet_title(SUMMARY_SHEET, taken), place)
        write_summary_sheet(sheet, summaries)
    write_evidence_sheet(evidence_sheet, table)
    write_documents_sheet(
        documents,
        _in_registry_order(all_plans, registry),
        tagged_at,
        set(plans["doc_id"].to_list()),
    )
    write_baseline_sheet(baseline, scope.frameworks, rows_by_framework)
    workbook.active = 0
    return workbook


def _write_item_tables(
    workbook: Workbook,
    taken: set[str],
    scope: Scope,
    registry: Registry,
    cells: pl.DataFrame,
    evidence: pl.DataFrame,
    narratives: pl.DataFrame,
    before: str,
) -> None:
    """A "Pr. kommune" sheet with the per-municipality tables analysts have written rows for."""
    rows = narratives.filter(pl.col("municipality") != "")
    if rows.is_empty():
        return
    members = [
        m for _, names in registry.jobcentre_rows(scope.councils[0], scope.year) for m in names
    ]
    tables = []
    for framework in scope.frameworks:
        for item in framework.items:
            if rows.filter(
                (pl.col("framework_id") == framework.id) & (pl.col("item_id") == item.id)
            ).height:
                table = item_table(cells, evidence, framework.id, item.id, members, rows)
                tables.append((f"{item.id}. {item.label}", table))
    if tables:
        write_item_tables_sheet(
            workbook.create_sheet(sheet_title(ITEM_TABLES_SHEET, taken)), tables
        )


def matrix_sheet_name(framework: Framework) -> str:
    """A short sheet name for a framework: its title if that fits in 31 characters, else
    "Ministermål 2018" for yearly goals, else the title's part before a colon, else its id."""
    title = " ".join(str(framework.title).split())
    if len(title) <= MAX_SHEET_NAME:
        return title
    if framework.kind == FRAMEWORK_GOALS and framework.year:
        return f"Ministermål {framework.year}"
    head = title.split(":")[0].strip()
    return head if head and len(head) <= MAX_SHEET_NAME else framework.id


def _in_registry_order(plans: pl.DataFrame, registry: Registry) -> pl.DataFrame:
    rank = municipality_order(registry)
    return (
        plans.with_columns(
            pl.col("municipality")
            .replace_strict(rank, default=len(rank), return_dtype=pl.Int64)
            .alias("_rank")
        )
        .sort(["_rank", "year", "file_name", "doc_id"], nulls_last=True)
        .drop("_rank")
    )


def check_target(out: Path) -> Path:
    """The export path, or an ExportError saying why a workbook cannot be written there."""
    out = out.expanduser()
    if out.suffix.lower() != ".xlsx":
        raise ExportError(
            f"{out.name}: the export is an Excel workbook; give a file name ending in .xlsx"
        )
    if out.is_dir():
        raise ExportError(f"{out} is a folder: give a file name ending in .xlsx")
    if not out.parent.is_dir():
        raise ExportError(
            f"cannot write {out.name}: the folder {out.parent} does not exist "
            "(create it first or choose another --out)"
        )
    if not os.access(out.parent, os.W_OK):
        raise ExportError(f"cannot write {out.name}: the folder {out.parent} is read-only")
    # The mode bits, not os.access: a file marked read-only stays so even for an administrator.
    if out.exists() and not (out.stat().st_mode & 0o222 and os.access(out, os.W_OK)):
        raise ExportError(
            f"cannot replace {out}: the file is read-only (or open in another "
            "program); close it or choose another --out"
        )
    return out.resolve()


def save_workbook(workbook: Workbook, out: Path) -> None:
    """Save atomically (temporary file beside `out`, then rename); errors become ExportError.

    The file gets the permissions of the file it replaces, or the usual ones for a new file
    (the temporary file would otherwise leave it readable by its owner only).
    """
    mode = out.stat().st_mode & 0o777 if out.exists() else 0o666 & ~_umask()

    def write(tmp: Path) -> None:
        save_xlsx(workbook, str(tmp))
        tmp.chmod(mode)

    try:
        atomic_write(out, write)
    except (DiskFull, ReadOnlyWorkspace) as err:
        raise ExportError(f"cannot write {out}: {err}") from err
    except PermissionError as err:
        raise ExportError(
            f"cannot write {out}: permission denied; if the file is open in "
            "Excel, close it and export again"
        ) from err
    except OSError as err:
        raise ExportError(f"cannot write {out}: {err.strerror or err}") from err


def _umask() -> int:
    """The process's umask, read without changing it (Linux); 0o022 where it cannot be read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
