"""`import_review`: bring an analyst's edits of an exported matrix back as review decisions.

The file passes the zip guard (`compare.zipguard`) and is opened read-only; every sheet is first
scanned as a stream within row, column and cell limits (`sheet_scan`), and only the matrix
sheets and the hidden baseline are read. A matrix sheet is found by the hidden marker the export
writes in its cell A1 (so renamed sheets are still found); its framework (a known id, never a
path), year and councils come from that marker, its columns from the hidden item ids above them,
its rows from the jobcentre names (matched ignoring case, spacing and OCR slips, else resolved
by the registry). A cell counts as edited when it differs from what the export wrote (kept on
the hidden baseline sheet, with the time of the decision behind each level). An edit of a cell
whose decision changed in the workspace since the export is a conflict: listed, and recorded
only when asked (`on_conflict="take"`). Cells that cannot be mapped (unknown row or item,
invalid level, a row without a plan or twice, merged cells, formulas without a saved value)
are refused with a message and the rest go on. All edits of a workbook are recorded in one
transaction, in the editor's name and with who imported them. Nothing but the review database
is written.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as ReadOnlyWorkbook

from compare.errors import CompareError, ExportError, UnknownFramework, UnsafeArchive
from compare.excel.matrix_sheet import (
    MARKER,
    NAME_HEADER,
    NO_PLAN,
    REMARKS_KEY,
    TOTAL_LABELS,
    remark_text,
    short_time,
)
from compare.excel.rows import MatrixRow, build_rows, find_row, plans_for_year
from compare.excel.sheet_scan import SheetLimits, SheetScan, range_cells, scan_sheet
from compare.excel.sheets import Exported, read_baseline
from compare.excel.workbook import BASELINE_SHEET
from compare.frameworks.catalog import Framework, load_frameworks
from compare.registry.lookup import Registry, load_registry
from compare.review.matrix import matrix_cells, matrix_remarks
from compare.store.documents import load_documents
from compare.store.review_db import REMARK_ITEM, NewDecision, ReviewStore, normalise_level
from compare.store.workspace import Workspace
from compare.text import fold_name
from compare.zipguard import check_archive

REMARKS = "bemærkninger"  # how a remark edit is named in the report
HEADER_ROWS = 30  # the "Jobcenter" header row is looked for in the first rows only
TOTALS = frozenset(TOTAL_LABELS.values())  # the first totals row ends the matrix body
SHEET_LIMITS = SheetLimits()  # an edited export is far smaller: more is refused unread
KEEP, TAKE = "keep", "take"  # on a conflict: keep the workspace's decision, or take the edit
ON_CONFLICT = (KEEP, TAKE)


@dataclass(frozen=True)
class Change:
    """One edit recorded (or, in a dry run, to be recorded)."""

    sheet: str
    cell: str
    row: str
    item_id: str  # REMARKS for the remarks column
    before: str
    after: str


@dataclass(frozen=True)
class Refusal:
    """A cell (or sheet) that could not be mapped back, and why."""

    sheet: str
    cell: str
    message: str


@dataclass(frozen=True)
class Conflict:
    """An edited cell whose decision changed in the workspace after the export."""

    sheet: str
    cell: str
    row: str
    item_id: str  # REMARKS for the remarks column
    exported: str  # what the workbook showed when exported
    current: str  # what the workspace says now
    edited: str  # what the workbook says now
    by: str  # who made the workspace's newer decision ("" if unknown)
    at: str  # when (ISO, UTC; "" if unknown)
    taken: bool  # True: the workbook's value was recorded (`on_conflict="take"`)


@dataclass
class ImportReport:
    """What an import changed, what it refused, and how many cells were left as they were.

    `reviewer` is who imported the workbook, `editor` who made its edits (the name the
    decisions carry).
    """

    path: Path
    reviewer: str
    dry_run: bool = False
    editor: str = ""
    on_conflict: str = KEEP
    sheets: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0

    def __post_init__(self) -> None:
        self.editor = self.editor or self.reviewer

    @property
    def kept(self) -> list[Conflict]:
        """The conflicts left as the workspace has them (the workbook's value not recorded)."""
        return [c for c in self.conflicts if not c.taken]

    def summary(self) -> str:
        """A readable account: one line per change, conflict and refusal, then the counts."""
        verb = "would record" if self.dry_run else "recorded"
        lines = [
            f"{c.sheet}!{c.cell} {c.row}, {_label(c.item_id)}: "
            f"{_show(c.before)} -> {_show(c.after)}"
            for c in self.changes
        ]
        lines += [_conflict_line(c) for c in self.conflicts]
        lines += [f"refused {r.sheet}!{r.cell}: {r.message}" for r in self.refused]
        who = (
            self.editor
            if self.editor == self.reviewer
            else (f"{self.editor} (imported by {self.reviewer})")
        )
        lines.append(
            f"{self.path.name}: {verb} {len(self.changes)} change(s) by {who}"
            f" from {len(self.sheets)} matrix sheet(s); {len(self.refused)} refused; "
            f"{len(self.conflicts)} conflict(s) ({len(self.kept)} kept); "
            f"{self.unchanged} cell(s) unchanged"
        )
        return "\n".join(lines)


def _conflict_line(c: Conflict) -> str:
    since = " ".join(p for p in (c.by, short_time(c.at)) if p)
    outcome = (
        "recorded the workbook's (--on-conflict take)"
        if c.taken
        else "kept the workspace's; --on-conflict take records the workbook's"
    )
    return (
        f"conflict {c.sheet}!{c.cell} {c.row}, {_label(c.item_id)}: exported {_show(c.exported)}, "
        f"now {_show(c.current)}{f' ({since})' if since else ''} in the workspace, "
        f"workbook {_show(c.edited)}: {outcome}"
    )


def _label(item_id: str) -> str:
    return REMARKS if item_id == REMARKS else f"item {item_id}"


def _show(value: str) -> str:
    if value == "":
        return "blank"
    return value if len(value) <= 60 else value[:57] + "..."


def import_review(
    ws: Workspace,
    path: Path | str,
    reviewer: str,
    *,
    dry_run: bool = False,
    editor: str | None = None,
    on_conflict: str = KEEP,
) -> ImportReport:
    """Record the edits made in an exported workbook's matrix sheets as review decisions.

    `reviewer` imports the workbook; the decisions carry `editor`'s name (omit it when the
    reviewer made the edits) and the reviewer's as `imported_by`. An edited cell whose decision
    changed in the workspace after the export is a conflict: kept as the workspace has it, or
    recorded from the workbook with `on_conflict="take"`. Returns the report of changes,
    conflicts and refusals; `dry_run` records nothing. Raises ExportError for a file that is
    not an exported workbook and for a missing reviewer.
    """
    path = Path(path)
    report = _new_report(path, reviewer, dry_run, editor, on_conflict)
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    return _import(ws, _open(path, path.name), report)


def import_review_bytes(
    ws: Workspace,
    name: str,
    data: bytes,
    reviewer: str,
    *,
    dry_run: bool = False,
    editor: str | None = None,
    on_conflict: str = KEEP,
) -> ImportReport:
    """`import_review` for an uploaded workbook: `name` is only shown, never used as a path."""
    report = _new_report(Path(Path(name).name), reviewer, dry_run, editor, on_conflict)
    return _import(ws, _open(io.BytesIO(data), name), report)


def _new_report(
    path: Path, reviewer: str, dry_run: bool, editor: str | None, on_conflict: str
) -> ImportReport:
    _require(reviewer)
    if editor is not None and not editor.strip():
        raise ExportError("the editor is empty: say who edited the workbook (--editor NAME)")
    if on_conflict not in ON_CONFLICT:
        raise ExportError(
            f"on_conflict must be one of {', '.join(ON_CONFLICT)}, not {on_conflict!r}"
        )
    return ImportReport(path, reviewer.strip(), dry_run, (editor or reviewer).strip(), on_conflict)


def _require(reviewer: str) -> None:
    if not reviewer or not reviewer.strip():
        raise ExportError("the reviewer is missing: say who made the edits (--reviewer NAME)")


@dataclass
class _Context:
    """What every sheet of one import shares: read once per workbook, not once per sheet."""

    registry: Registry
    documents: pl.DataFrame
    frameworks: dict[str, Framework]
    cells: pl.DataFrame
    remarks: pl.DataFrame
    baseline: dict[tuple[str, str, str], Exported] | None
    pending: list[NewDecision] = field(default_factory=list)


def _import(ws: Workspace, workbook: ReadOnlyWorkbook, report: ImportReport) -> ImportReport:
    """Import every matrix sheet of an open workbook (see `import_review`).

    The edits of all sheets are collected first and recorded in one transaction at the end.
    """
    try:
        return _import_open(ws, workbook, report)
    finally:
        workbook.close()  # read-only workbooks keep the file open until closed


def _import_open(ws: Workspace, workbook: ReadOnlyWorkbook, report: ImportReport) -> ImportReport:
    path = report.path
    sheets = _scan_sheets(workbook)
    marked: list[tuple[Grid, dict[str, Any]]] = []
    unmarked: list[Refusal] = []
    for sheet, scan in sheets:
        if sheet.title == BASELINE_SHEET:
            continue
        top = _read(sheet, scan, HEADER_ROWS)
        meta = _marker(top)
        if meta is not None:
            marked.append((_read(sheet, scan), meta))
        elif _looks_like_matrix(top):
            unmarked.append(Refusal(sheet.title, "A1", _unmarked(top)))
    if not marked:
        raise ExportError(
            f"{path.name} has no matrix sheet from `compare export` (the hidden "
            "marker in cell A1 is missing)"
            + "".join(f"; {r.message}" for r in unmarked)
            + ": export again and edit that workbook"
        )
    report.refused.extend(unmarked)
    store = ReviewStore.for_workspace(ws)
    seen = store.last_decision_id()  # the state the conflicts are judged against
    documents = load_documents(ws, store)  # an import records decisions, never metadata
    frameworks = {f.id: f for f in load_frameworks(errors=[])}
    wanted = sorted({str(meta.get("framework")) for _, meta in marked} & set(frameworks))
    baseline = next((sheet for sheet, _ in sheets if sheet.title == BASELINE_SHEET), None)
    context = _Context(
        registry=load_registry(),
        documents=documents,
        frameworks=frameworks,
        cells=matrix_cells(ws, wanted, store=store, documents=documents),
        remarks=matrix_remarks(ws, wanted, store=store, documents=documents),
        baseline=read_baseline(baseline) if baseline is not None else None,
    )
    for grid, meta in marked:
        report.sheets.append(grid.title)
        try:
            _import_sheet(context, grid, meta, report)
        except CompareError as err:
            report.refused.append(Refusal(grid.title, "A1", str(err)))
    if context.pending and not report.dry_run:
        store.decide_all(
            context.pending, report.editor, imported_by=report.reviewer, unchanged_since=seen
        )
    return report


@dataclass(frozen=True)
class Grid:
    """A sheet's values in memory (row r, column c at `rows[r - 1][c - 1]`), read once."""

    title: str
    rows: list[tuple[Any, ...]]
    scan: SheetScan

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_column(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def value(self, r: int, c: int) -> Any:
        """The value of row r, column c (1-based); None outside the sheet."""
        if 1 <= r <= len(self.rows) and 1 <= c <= len(self.rows[r - 1]):
            return self.rows[r - 1][c - 1]
        return None


def _open(source: Path | BinaryIO, name: str) -> ReadOnlyWorkbook:
    """The workbook in `source`, opened read-only after the zip guard; else an ExportError.

    Read-only: openpyxl streams the sheets instead of building every cell of every sheet.
    """
    try:
        check_archive(source, name)
        if not isinstance(source, Path):
            source.seek(0)
        return load_workbook(source, read_only=True, data_only=True)
    except UnsafeArchive as err:
        raise ExportError(str(err)) from err
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise ExportError(
            f"{name} cannot be read as an Excel workbook (.xlsx): {err}; "
            "save it from Excel as .xlsx and try again"
        ) from err


def _scan_sheets(workbook: ReadOnlyWorkbook) -> list[tuple[Any, SheetScan]]:
    """Every worksheet with its scan (extent within limits), before any of its cells is read."""
    scanned = []
    total = 0
    for sheet in workbook.worksheets:
        scan = scan_sheet(workbook._archive, sheet._worksheet_path, sheet.title, SHEET_LIMITS)
        total += scan.cells
        if total > SHEET_LIMITS.max_cells:
            raise ExportError(
                f"the workbook holds over {SHEET_LIMITS.max_cells:,} cells: "
                "too large to be an export of `compare export`"
            )
        scanned.append((sheet, scan))
    return scanned


def _read(sheet: Any, scan: SheetScan, max_row: int | None = None) -> Grid:
    """A sheet's values (the first `max_row` rows, or all that the scan found)."""
    last = scan.max_row if max_row is None else min(max_row, scan.max_row)
    if last == 0 or scan.max_column == 0:
        return Grid(sheet.title, [], scan)
    rows = list(sheet.iter_rows(max_row=last, max_col=scan.max_column, values_only=True))
    return Grid(sheet.title, rows, scan)


def _marker(grid: Grid) -> dict[str, Any] | None:
    """The export's marker in A1 of a matrix sheet (framework, year, councils), else None."""
    value = grid.value(1, 1)
    if not isinstance(value, str) or MARKER not in value:
        return None
    try:
        meta = json.loads(value)
    except json.JSONDecodeError:
        return None
    return meta if isinstance(meta, dict) and meta.get("compare") == MARKER else None


def _looks_like_matrix(grid: Grid) -> bool:
    """A sheet with the matrix's "Jobcenter" header in column A near the top."""
    return any(_text(grid.value(r, 1)) == NAME_HEADER for r in range(1, HEADER_ROWS + 1))


def _unmarked(grid: Grid) -> str:
    return (
        f"sheet {grid.title!r} looks like a matrix sheet (it has the "
        f'"{NAME_HEADER}" header) but its hidden marker row (row 1, from `compare export`) '
        "is missing, so nothing in it was imported"
    )


def _import_sheet(
    context: _Context, sheet: Grid, meta: dict[str, Any], report: ImportReport
) -> None:
    """Map one matrix sheet's rows and columns back and collect its edits in `context`."""
    framework = _framework(context, meta)
    year, names = meta.get("year"), meta.get("councils")
    if not isinstance(year, int) or not isinstance(names, list):
        raise ExportError(
            f"sheet {sheet.title!r}: the hidden marker in A1 is damaged (year {year!r}, "
            f"councils {names!r}); nothing in the sheet was imported: export again"
        )
    registry = context.registry
    councils = tuple(registry.find_council(str(c), year).name for c in names)
    plans = plans_for_year(context.documents, year)
    rows = build_rows(registry, councils, year, framework, plans, context.cells, context.remarks)
    item_ids = {str(item.id) for item in framework.items}
    council_names = {fold_name(c) for c in councils}

    columns = _columns(sheet, item_ids, report)
    header = _header_row(sheet)
    end = next(
        (r for r in range(header + 1, sheet.max_row + 1) if _text(sheet.value(r, 1)) in TOTALS),
        sheet.max_row + 1,
    )
    merged = _merged(sheet, header + 1, end - 1, max(columns, default=1), report)
    found: dict[str, list[tuple[int, MatrixRow, dict[str, Value]]]] = {}
    for r in range(header + 1, end):
        if (r, 1) in merged:
            continue  # refused with its merged range
        name = _text(sheet.value(r, 1))
        values = {
            key: Value(sheet.value(r, col), _ref(r, col))
            for col, key in columns.items()
            if (r, col) not in merged
        }
        for col, key in columns.items():
            if (r, col) in sheet.scan.unsaved_formulas:
                values.pop(key, None)
                report.refused.append(
                    Refusal(
                        sheet.title,
                        _ref(r, col),
                        f"{name or f'row {r}'}, {_label(key)}: the cell holds a formula "
                        f"({sheet.scan.unsaved_formulas[(r, col)]}) without a saved value, so "
                        "what it shows is unknown; type the level (or text) instead",
                    )
                )
        if not name:
            if any(_text(v.value) for v in values.values()):
                report.refused.append(
                    Refusal(
                        sheet.title,
                        f"A{r}",
                        f"row {r} has entries but no jobcentre name in column A",
                    )
                )
            continue
        if fold_name(name) in council_names:
            continue  # a council's section heading
        row = find_row(rows, name, registry, year)
        if isinstance(row, str):
            report.refused.append(Refusal(sheet.title, f"A{r}", row))
            continue
        found.setdefault(row.name, []).append((r, row, values))
    for name, occurrences in found.items():
        if len(occurrences) > 1:  # which one is meant cannot be known: record neither
            where = ", ".join(str(r) for r, _, _ in occurrences[:-1])
            where += f" and {occurrences[-1][0]}"
            for r, _, _ in occurrences:
                report.refused.append(
                    Refusal(
                        sheet.title,
                        f"A{r}",
                        f"{name} appears twice (rows {where}): nothing was recorded "
                        "for it; keep one row per jobcentre and import again",
                    )
                )
            continue
        _, row, values = occurrences[0]
        for key, cell in values.items():
            baseline = context.baseline
            exported = baseline.get((framework.id, row.name, key)) if baseline else None
            if key == REMARKS_KEY:
                _remark(context, framework, row, cell, exported, sheet.title, report)
            else:
                _level(context, framework, row, key, cell, exported, sheet.title, report)


def _merged(
    sheet: Grid, first_row: int, last_row: int, last_col: int, report: ImportReport
) -> set[tuple[int, int]]:
    """The cells of merged ranges that reach into the matrix body; each range is refused.

    Only a merged range's first cell keeps its value, so the others would read as blank.
    """
    cells: set[tuple[int, int]] = set()
    for ref in sheet.scan.merged:
        inside = [
            (r, c) for r, c in range_cells(ref) if first_row <= r <= last_row and c <= last_col
        ]
        if inside:
            cells.update(inside)
            report.refused.append(
                Refusal(
                    sheet.title,
                    ref,
                    f"cells {ref} are merged, so only the first keeps its value: nothing in "
                    "them was recorded; unmerge them and import again",
                )
            )
    return cells


def _framework(context: _Context, meta: dict[str, Any]) -> Framework:
    """The framework a marker names: a known framework id, never a path."""
    framework_id = str(meta.get("framework"))
    if framework_id not in context.frameworks:
        known = ", ".join(context.frameworks) or "(none)"
        raise UnknownFramework(f"unknown framework {framework_id!r}; known frameworks: {known}")
    return context.frameworks[framework_id]


def _columns(sheet: Grid, item_ids: set[str], report: ImportReport) -> dict[int, str]:
    """Column -> item id (or REMARKS_KEY), from the hidden key row; unknown items refused."""
    columns: dict[int, str] = {}
    for col in range(2, sheet.max_column + 1):
        key = _text(sheet.value(1, col))
        if not key:
            continue
        if key == REMARKS_KEY or key in item_ids:
            columns[col] = key
        else:
            report.refused.append(
                Refusal(
                    sheet.title,
                    _ref(1, col),
                    f"column {get_column_letter(col)} is item "
                    f"{key!r}, which the framework no longer has",
                )
            )
    return columns


def _header_row(sheet: Grid) -> int:
    """The row with "Jobcenter" in column A: the matrix starts below it."""
    for r in range(2, min(sheet.max_row, HEADER_ROWS) + 1):
        if _text(sheet.value(r, 1)) == NAME_HEADER:
            return r
    raise ExportError(
        f'sheet {sheet.title!r}: the header row ("{NAME_HEADER}" in column A) is missing'
    )


@dataclass(frozen=True)
class Value:
    """One cell read back: its value and its reference (`B7`)."""

    value: Any
    coordinate: str


def _ref(r: int, c: int) -> str:
    return f"{get_column_letter(c)}{r}"


def _text(value: Any) -> str:
    """A cell value as stripped text ("" for empty)."""
    return "" if value is None else str(value).strip()


def _level(
    context: _Context,
    framework: Framework,
    row: MatrixRow,
    item_id: str,
    cell: Value,
    exported: Exported | None,
    sheet: str,
    report: ImportReport,
) -> None:
    """Collect a level cell if the analyst changed it (from `exported`) to something new."""
    shown = row.cells.get(item_id)
    current = shown.level if shown else ""
    text = _text(cell.value)
    try:
        level = normalise_level(re.sub(r"\s+", "", text))  # "( X )" is (X)
    except CompareError:
        report.refused.append(
            Refusal(
                sheet,
                cell.coordinate,
                f"{row.name}, item {item_id}: "
                f"{text!r} is not a level; write X, (X) or leave the "
                "cell empty",
            )
        )
        return
    before = current if exported is None else exported.value
    if level == before or level == current:
        report.unchanged += 1
        return
    if not row.has_plan:
        report.refused.append(
            Refusal(
                sheet,
                cell.coordinate,
                f"{row.name} has no plan in the "
                "workspace for this year, so a level cannot be recorded: "
                "ingest the plan first",
            )
        )
        return
    decided_at, by = (shown.decided_at, shown.reviewer) if shown else ("", "")
    changed = exported is not None and (
        exported.value != current
        or (exported.decided_at is not None and exported.decided_at != decided_at)
    )
    if changed and not _conflict(
        report, sheet, cell, row, item_id, before, current, level, by, decided_at
    ):
        return
    for plan in row.plans:  # stamped with the plan's text hash, as `record_decision` does
        context.pending.append(_decision(plan, framework.id, item_id, level, None))
    report.changes.append(Change(sheet, cell.coordinate, row.name, item_id, current, level))


def _conflict(
    report: ImportReport,
    sheet: str,
    cell: Value,
    row: MatrixRow,
    item_id: str,
    exported: str,
    current: str,
    edited: str,
    by: str,
    at: str,
) -> bool:
    """Note a conflict in the report; True when the workbook's value is to be recorded."""
    taken = report.on_conflict == TAKE
    report.conflicts.append(
        Conflict(
            sheet, cell.coordinate, row.name, item_id, exported, current, edited, by, at, taken
        )
    )
    return taken


def _remark(
    context: _Context,
    framework: Framework,
    row: MatrixRow,
    cell: Value,
    exported: Exported | None,
    sheet: str,
    report: ImportReport,
) -> None:
    """Collect a remark cell if the analyst changed it (from `exported`) to something new."""
    text = _text(cell.value)
    shown = remark_text(row)
    before = shown if exported is None else exported.value.strip()
    if text == before or text == row.remark.strip():
        report.unchanged += 1
        return
    if not row.has_plan:
        if text in ("", NO_PLAN):
            report.unchanged += 1
            return
        report.refused.append(
            Refusal(
                sheet,
                cell.coordinate,
                f"{row.name} has no plan in the "
                "workspace for this year, so a remark cannot be recorded",
            )
        )
        return
    changed = exported is not None and before != shown.strip()
    if changed and not _conflict(
        report, sheet, cell, row, REMARKS, before, row.remark, text, "", ""
    ):
        return
    for plan in row.plans:
        context.pending.append(_decision(plan, framework.id, REMARK_ITEM, "", text))
    report.changes.append(Change(sheet, cell.coordinate, row.name, REMARKS, row.remark, text))


def _decision(
    plan: dict[str, Any], framework_id: str, item_id: str, level: str, note: str | None
) -> NewDecision:
    """A decision on one of a row's plans, stamped with the plan's text hash and metadata."""
    return NewDecision(
        plan["doc_id"],
        framework_id,
        item_id,
        level,
        note,
        plan["text_hash"],
        plan["municipality"],
        plan["year"],
    )
