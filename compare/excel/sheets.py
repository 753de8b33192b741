"""The workbook's other sheets: Evidence, Theme overview, Documents and the hidden baseline.

The Evidence sheet has one row per plan × framework item shown in a matrix, so every matrix
cell can link to the passages behind it. The hidden baseline sheet records what each matrix
cell held at export, so an import records only what an analyst changed in Excel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import polars as pl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from compare.display import repair_words as _repair_words
from compare.excel import styles
from compare.excel.matrix_sheet import REMARKS_KEY, Links, Quote, remark_text, short_time
from compare.excel.plain_rows import PlainRow, add_row, is_plain
from compare.excel.rows import MatrixRow
from compare.excel.safe import write_text, write_value
from compare.frameworks.catalog import Framework, Item
from compare.schema import LEVEL_TARGET

EVIDENCE_COLUMNS: tuple[tuple[str, float], ...] = (
    # The first EVIDENCE_PRINTED columns are the printed list (widths sum to ~150 characters).
    ("Ramme", 14),
    ("Jobcenter", 14),
    ("Kommune", 13),
    ("År", 6),
    ("Nr.", 5),
    ("Punkt", 28),
    ("Niveau", 7),
    ("Citat", 60),
    ("Side", 5),
    # For the screen: review state, more passages, where exactly, which file.
    ("Programmets forslag", 11),
    ("Sikkerhed", 10),
    ("Begrundelse", 30),
    ("Gennemgået af", 14),
    ("Gennemgået", 18),
    ("Genvurderes", 11),
    ("Note", 24),
    ("Flere citater", 50),
    ("Overskrift", 30),
    ("Linjer", 9),
    ("Fil", 26),
    ("Dokument-id", 18),
    ("Citat som i planen", 50),  # the quote before OCR repair, where it was repaired
)
CONFIDENCE_DA = {"sure": "sikker", "unsure": "usikker"}  # the tagger's confidence, in Danish
EVIDENCE_PRINTED = 9
# Widths sum to about 140 characters: one A4 landscape page wide at 90 % or more, so the 10 pt
# body prints at 9 pt or larger (the legend of the sheet says how to read it).
OVERVIEW_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Nr.", 5),
    ("Punkt", 26),
    ("Gruppe", 12),
    ("Antal X", 7),
    ("Antal (X)", 7),
    ("Kommuner med X", 18),
    ("Kommuner med (X)", 18),
    ("Tekst", 47),
    ("Status", 13),  # "Maskinudkast" on one line
)
DOCUMENT_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Kommune", 16),
    ("Kommunekode", 8),
    ("År", 7),
    ("Til år", 7),
    ("Type", 9),
    ("Titel", 40),
    ("Fil", 30),
    ("Format", 7),
    ("Sider", 7),
    ("Indholdshash (sha256)", 30),
    ("Tagget", 18),
    ("I matrixen", 10),
    ("Dokument-id", 18),
)
# "decided_at": the latest decision behind a level at export, so an import can tell a
# colleague's later decision (a conflict) from the state the analyst edited.
BASELINE_COLUMNS = ("framework_id", "row", "item_id", "value", "decided_at")
MAX_EVIDENCE_LINES = 8  # an Evidence row shows this many lines of its quote; the rest on click

# The columns of a passage that the Evidence sheet and the matrices' comments show.
_PASSAGE_COLUMNS = (
    "doc_id",
    "framework_id",
    "item_id",
    "quote",
    "heading_path",
    "page",
    "line_start",
    "line_end",
    "is_target",
)
# A cell's best quote and heading are shown three times (comment, Citat, Citat som i planen).
repair_words = lru_cache(maxsize=8192)(_repair_words)


@dataclass
class EvidenceTable:
    """The Evidence sheet's rows and, per (framework, doc, item), where its row is."""

    rows: list[list[Any]] = field(default_factory=list)
    index: dict[tuple[str, str, str], int] = field(default_factory=dict)  # -> sheet row
    quotes: dict[tuple[str, str, str], Quote] = field(default_factory=dict)
    cell_info: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    def links(self, framework_id: str, sheet_title: str) -> Links:
        """What one framework's matrix sheet needs to link its cells to this sheet."""

        def own(table: dict[tuple[str, str, str], Any]) -> dict[tuple[str, str], Any]:
            return {(d, i): v for (f, d, i), v in table.items() if f == framework_id}

        return Links(sheet_title, own(self.index), own(self.quotes), own(self.cell_info))


def evidence_table(
    frameworks: Iterable[Framework],
    rows_by_framework: dict[str, list[MatrixRow]],
    cells: pl.DataFrame,
    evidence: pl.DataFrame,
) -> EvidenceTable:
    """One row per plan × item of every matrix, in matrix order, with its passages."""
    passages: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    ordered = evidence.sort("doc_id", "framework_id", "item_id", "rank")
    # Only the columns a row shows: the passages' term lists are costly to turn into Python.
    shown = [name for name in _PASSAGE_COLUMNS if name in ordered.columns]
    for p in ordered.select(shown).to_dicts():
        passages.setdefault((p["framework_id"], p["doc_id"], p["item_id"]), []).append(p)
    by_cell = {(c["framework_id"], c["doc_id"], c["item_id"]): c for c in cells.to_dicts()}
    table = EvidenceTable()
    for framework in frameworks:
        for row in rows_by_framework[framework.id]:
            for plan, item in ((plan, item) for plan in row.plans for item in framework.items):
                key = (framework.id, plan["doc_id"], item.id)
                cell = by_cell.get(key, {})
                found = _best_first(passages.get(key, []), cell.get("level"))
                table.index[key] = len(table.rows) + 2  # the header is row 1
                table.cell_info[key] = cell
                if found:
                    best = found[0]
                    table.quotes[key] = Quote(
                        repair_words(best["quote"]),
                        repair_words(best["heading_path"]),
                        best["page"],
                    )
                values = _evidence_values(framework, row, plan, item, cell, found)
                table.rows.append([values[name] for name, _ in EVIDENCE_COLUMNS])
    return table


def _evidence_values(
    framework: Framework,
    row: MatrixRow,
    plan: dict[str, Any],
    item: Item,
    cell: dict[str, Any],
    found: list[dict[str, Any]],
) -> dict[str, Any]:
    """One Evidence row by column name."""
    best = found[0] if found else {}
    return {
        "Ramme": framework.id,
        "Jobcenter": row.name,
        "Kommune": plan["municipality"],
        "År": plan["year"],
        "Nr.": item.id,
        "Punkt": item.label,
        "Niveau": cell.get("level") or "",
        "Programmets forslag": cell.get("tagger_level") or "",
        "Sikkerhed": CONFIDENCE_DA.get(cell.get("confidence") or "", ""),
        "Begrundelse": cell.get("confidence_reason") or "",
        "Gennemgået af": cell.get("reviewer") or "",
        "Gennemgået": short_time(cell.get("decided_at")),
        "Genvurderes": "ja" if cell.get("recheck") else "",
        "Note": cell.get("note") or "",
        "Citat": repair_words(best.get("quote")),
        "Flere citater": "\n\n".join(_cited(p) for p in found[1:]),
        "Overskrift": repair_words(best.get("heading_path")),
        "Side": best.get("page"),
        "Linjer": _lines(best),
        "Fil": plan["file_name"],
        "Dokument-id": plan["doc_id"],
        "Citat som i planen": _original(best.get("quote")),
    }


def _original(quote: str | None) -> str:
    """The quote as the plan has it, where the Citat column shows it repaired; else blank."""
    return quote if quote and repair_words(quote) != quote else ""


def _best_first(found: list[dict[str, Any]], level: str | None) -> list[dict[str, Any]]:
    """Passages in rank order, except that for an X the passage with the target comes first."""
    if level != LEVEL_TARGET:
        return found
    return sorted(found, key=lambda p: not p.get("is_target"))


def _cited(passage: dict[str, Any]) -> str:
    where = f"[s. {passage['page']}] " if passage.get("page") else ""
    return where + repair_words(passage.get("quote"))


def _lines(passage: dict[str, Any]) -> str:
    start, end = passage.get("line_start"), passage.get("line_end")
    if start is None:
        return ""
    return f"{start}–{end}" if end not in (None, start) else str(start)


def _print_wide(sheet: Worksheet) -> None:
    """Landscape, one page wide, as many pages down as needed."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _table(
    sheet: Worksheet,
    columns: tuple[tuple[str, float], ...],
    rows: list[list[Any]],
    start: int = 1,
    wrap: Iterable[str] = (),
    centre: Iterable[str] = (),
) -> int:
    """Write a header and rows from `start`; the columns named in `wrap` wrap their text, those
    in `centre` are centred. Returns the last row written."""
    for col, (name, width) in enumerate(columns, 1):
        styles.style_header(write_text(sheet.cell(start, col), name))
        sheet.column_dimensions[get_column_letter(col)].width = width
    names = [name for name, _ in columns]
    wrapped = {names.index(name) + 1 for name in wrap}
    centred = {names.index(name) + 1 for name in centre}
    look_names = [
        "Brødtekst ombrudt"
        if col in wrapped
        else "Brødtekst centreret"
        if col in centred
        else "Brødtekst"
        for col in range(1, len(columns) + 1)
    ]
    looks = [styles.style_array(sheet.parent, name) for name in look_names]
    r = start
    for values in rows:
        r += 1
        height = None
        if wrapped:
            texts = [(str(values[c - 1] or ""), columns[c - 1][1]) for c in wrapped]
            height = styles.row_height(texts, maximum=MAX_EVIDENCE_LINES * styles.POINTS_PER_LINE)
        if len(values) == len(looks) and is_plain(values):
            # Tens of thousands of cells: kept as values, written by `save_xlsx` as the cells
            # `styles.apply(sheet.cell(r, col), look)` and `write_value` give.
            add_row(sheet, PlainRow(r, values, looks, height))
            continue
        for col, value in enumerate(values, 1):  # a date, say: openpyxl's cells
            write_value(styles.apply(sheet.cell(r, col), look_names[col - 1]), value)
        if height is not None:
            sheet.row_dimensions[r].height = height
    return r


def write_evidence_sheet(sheet: Worksheet, table: EvidenceTable) -> None:
    """The Evidence sheet: one row per plan × item, filterable, header frozen."""
    last = _table(
        sheet,
        EVIDENCE_COLUMNS,
        table.rows,
        wrap=("Punkt", "Note", "Citat", "Flere citater", "Overskrift"),
        centre=("År", "Nr.", "Niveau", "Programmets forslag", "Genvurderes", "Side"),
    )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EVIDENCE_COLUMNS))}{max(last, 2)}"
    # Printed, it is a readable list: the first EVIDENCE_PRINTED columns (who, which item,
    # level, quote, page) fit one A4 landscape page wide at about 95 %; the rest is for the screen.
    sheet.print_area = f"A1:{get_column_letter(EVIDENCE_PRINTED)}{max(last, 2)}"
    _print_wide(sheet)


def write_overview_sheet(sheet: Worksheet, overviews: list[tuple[Framework, pl.DataFrame]]) -> None:
    """Theme overview: per framework, per item the counts, names by level and the text.

    The text is the analysts' saved narrative where the overview has one (`with_narratives`),
    else the machine draft; the Status column says which. Prints on A4 landscape, one page wide,
    headers wrapped, words never broken (see OVERVIEW_COLUMNS).
    """
    r = 0
    for framework, overview in overviews:
        r += 1
        write_text(sheet.cell(r, 1), framework.title).font = styles.TITLE_FONT
        sheet.row_dimensions[r].height = 22
        rows = [
            [
                row["item_id"],
                row["label"],
                row["group"] or "",
                row["n_target"],
                row["n_addressed"],
                ", ".join(row["municipalities_target"] or []),
                ", ".join(row["municipalities_addressed"] or []),
                row.get("text") or row["draft_text"],
                _status(row),
            ]
            for row in overview.iter_rows(named=True)
        ]
        header = r + 1
        r = (
            _table(
                sheet,
                OVERVIEW_COLUMNS,
                rows,
                start=header,
                wrap=("Punkt", "Gruppe", "Kommuner med X", "Kommuner med (X)", "Tekst", "Status"),
                centre=("Nr.", "Antal X", "Antal (X)"),
            )
            + 1
        )
        for col in range(1, len(OVERVIEW_COLUMNS) + 1):  # "Antal (X)" wraps at the space
            sheet.cell(header, col).alignment = styles.WRAP_TOP
        sheet.row_dimensions[header].height = 2 * styles.POINTS_PER_LINE + 4
    _print_wide(sheet)
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4  # inches


def _status(row: dict[str, Any]) -> str:
    if row.get("narrative"):
        return f"Gemt af {row['narrative_by']}"
    return "Maskinudkast"


ITEM_TABLE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Kommune", 18),
    ("Niveau", 8),
    ("Tekst", 90),
    ("Status", 16),
)


def write_item_tables_sheet(sheet: Worksheet, tables: list[tuple[str, pl.DataFrame]]) -> None:
    """Per-municipality tables (ITEM_TABLE frames under their item's title), printable."""
    r = 0
    for title, table in tables:
        r += 1
        write_text(sheet.cell(r, 1), title).font = styles.TITLE_FONT
        rows = [
            [
                row["municipality"],
                row["level"],
                row["text"],
                ""
                if not row["text"]
                else ("Maskinudkast" if row["is_draft"] else f"Gemt af {row['saved_by']}"),
            ]
            for row in table.iter_rows(named=True)
        ]
        r = (
            _table(
                sheet,
                ITEM_TABLE_COLUMNS,
                rows,
                start=r + 1,
                wrap=("Tekst", "Status"),
                centre=("Niveau",),
            )
            + 1
        )
    _print_wide(sheet)


SUMMARY_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Kommune", 14),
    ("Periode", 9),
    ("Fokusområder", 26),
    ("Planens mål", 50),
    ("Afsnit", 26),
    ("Side", 5),
    ("Linjer", 8),
    ("Tjener", 16),
)


def write_summary_sheet(sheet: Worksheet, summaries: list[dict[str, Any]]) -> None:
    """Plan summaries (`compare.analysis.plan_summary`): one row per target the plan sets
    itself, with where it stands and what it serves ("supplerende": no goal or theme); the
    remarks draft of each plan under its targets. Prints one A4 landscape page wide."""
    rows: list[list[Any]] = []
    for summary in summaries:
        focus = "; ".join(summary["focus_areas"])
        targets = summary["targets"].to_dicts() or [None]
        for index, target in enumerate(targets):
            first = index == 0
            head = [summary["municipality"] or "", summary["period"], focus] if first else [""] * 3
            if target is None:
                rows.append([*head, "(ingen mål fundet)", "", None, "", ""])
                continue
            lines = f"{target['line_start']}–{target['line_end']}" if target["line_start"] else ""
            serves = ", ".join(target["serves"]) or "supplerende"
            rows.append(
                [*head, target["sentence"], target["heading_path"], target["page"], lines, serves]
            )
        if summary["remarks_draft"]:
            rows.append(
                ["", "", "", f"Udkast til bemærkning: {summary['remarks_draft']}"] + [""] * 4
            )
    _table(
        sheet,
        SUMMARY_COLUMNS,
        rows,
        wrap=("Fokusområder", "Planens mål", "Afsnit", "Tjener"),
        centre=("Periode", "Side"),
    )
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    _print_wide(sheet)


def write_documents_sheet(
    sheet: Worksheet, plans: pl.DataFrame, tagged_at: dict[str, Any], shown: set[str]
) -> None:
    """Documents: every plan in the workspace, and whether it is in this workbook's matrices."""
    rows = [
        [
            p["municipality"] or "(ukendt)",
            p["kommunekode"] or "",
            p["year"],
            p["year_to"],
            p["kind"],
            p["title"] or "",
            p["file_name"],
            p["format"],
            p["pages"],
            p["content_hash"],
            _stamp(tagged_at.get(p["doc_id"])),
            "ja" if p["doc_id"] in shown else "nej",
            p["doc_id"],
        ]
        for p in plans.to_dicts()
    ]
    last = _table(sheet, DOCUMENT_COLUMNS, rows, wrap=("Titel",), centre=("År", "Til år"))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(DOCUMENT_COLUMNS))}{max(last, 2)}"
    sheet.print_title_rows = "1:1"
    _print_wide(sheet)


def _stamp(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def write_baseline_sheet(
    sheet: Worksheet, frameworks: Iterable[Framework], rows_by_framework: dict[str, list[MatrixRow]]
) -> None:
    """Hidden: what each matrix cell and remark held at export (framework, row, item, value)."""
    for col, name in enumerate(BASELINE_COLUMNS, 1):
        write_text(sheet.cell(1, col), name)
    r = 1
    for framework in frameworks:
        for row in rows_by_framework[framework.id]:
            if row.is_section:
                continue
            values = [
                (str(item.id), row.cells[item.id].level, row.cells[item.id].decided_at)
                for item in framework.items
            ]
            for item_id, value, decided in [*values, (REMARKS_KEY, remark_text(row), "")]:
                r += 1
                texts = (framework.id, row.name, item_id, value, decided)
                # As `write_text` on each cell: text (str of anything but None), no style.
                add_row(sheet, PlainRow(r, [_as_text(t) for t in texts], _NO_LOOKS, None))
    sheet.sheet_state = "hidden"


_NO_LOOKS = (None,) * len(BASELINE_COLUMNS)


def _as_text(value: Any) -> str | None:
    """A value as `write_text` reads it, for `write_value`: None stays (an empty cell)."""
    return value if value is None or type(value) is str else str(value)


@dataclass(frozen=True)
class Exported:
    """What a cell held at export: its value, and the time of the decision behind it (None
    when the workbook predates that column)."""

    value: str
    decided_at: str | None


def read_baseline(sheet: Any) -> dict[tuple[str, str, str], Exported]:
    """The baseline sheet back as {(framework_id, row name, item_id): Exported}."""
    baseline: dict[tuple[str, str, str], Exported] = {}
    rows = sheet.iter_rows(max_col=len(BASELINE_COLUMNS), values_only=True)
    header = [str(v) for v in next(rows, ()) if v is not None]
    stamped = "decided_at" in header  # workbooks exported before it have four columns
    for values in rows:
        cells = ["" if v is None else str(v) for v in values] + [""] * len(BASELINE_COLUMNS)
        framework_id, row, item_id, value, decided = cells[: len(BASELINE_COLUMNS)]
        if framework_id:
            baseline[(framework_id, row, item_id)] = Exported(value, decided if stamped else None)
    return baseline
