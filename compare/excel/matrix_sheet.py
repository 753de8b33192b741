"""The matrix sheet of one framework: the table the regional council reads and prints.

Layout (rows): 1 hidden keys for the import (a JSON marker in A1, the item id above each item
column), 2 title, 3 export line, [4 item groups], header, one row per jobcentre, totals, legend.
Every non-blank level links to its row on the Evidence sheet and carries the best quote as a
comment. Printing: landscape A4, one page wide, title and header rows on every page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from compare.excel import styles
from compare.excel.rows import MatrixRow
from compare.excel.safe import clean_text, quote_sheet, write_text, write_value
from compare.frameworks.catalog import Framework, Item
from compare.schema import FRAMEWORK_GOALS, LEVEL_ADDRESSED, LEVEL_NONE, LEVEL_TARGET

MARKER = "compare-matrix"
FORMAT_VERSION = 1
REMARKS_KEY = "#remarks"  # the hidden key above the remarks column
NAME_HEADER = "Jobcenter"
REMARKS_HEADER = "Supplerende mål/bemærkninger"
NO_PLAN = "ingen plan modtaget"
NOT_TAGGED = "planen er ikke analyseret endnu"
TOTAL_LABELS = {LEVEL_TARGET: "Antal X", LEVEL_ADDRESSED: "Antal (X)"}
COMMENT_CHARS = 280
ONE_PAGE_ROWS = 40
NARROW_FROM = 10  # more items than this: narrower columns, smaller header text

LEGEND = {
    FRAMEWORK_GOALS: {
        LEVEL_TARGET: "Kommunen har beskrevet indsats og målsætninger på området med et konkret "
        "resultatniveau.",
        LEVEL_ADDRESSED: "Hvis kommunen har beskrevet indsats og målsætninger på området, men "
        "ikke et konkret resultatniveau, er det angivet med et (X).",
    },
    "themes": {
        LEVEL_TARGET: "Planen beskriver konkrete initiativer eller mål inden for temaet.",
        LEVEL_ADDRESSED: "Planen nævner temaet, men uden konkrete initiativer eller mål; det er "
        "angivet med et (X).",
    },
}
LEGEND_BLANK = "Tom celle: planen nævner ikke området."
LEGEND_REVIEWED = (
    "Fed skrift, kraftig ramme og mørkere farve: niveauet er gennemgået af en "
    "medarbejder. Øvrige niveauer er programmets forslag."
)
LEGEND_NO_PLAN = "Grå række: der er ikke modtaget en plan, der dækker året."
LEGEND_LINKS = (
    "Klik på et X eller (X) for at se belægget (citat, afsnit, side) på arket "
    "{evidence}; cellens kommentar viser det bedste citat."
)


@dataclass(frozen=True)
class Quote:
    """The best passage behind a cell, for its comment."""

    text: str
    heading_path: str
    page: int | None


def header_text(item: Item) -> str:
    """An item's column header: its id and full label ("1. Flere personer skal ...")."""
    label = " ".join(str(item.label).split())
    item_id = str(item.id)
    if label.startswith(item_id):
        return label
    return f"{item_id}. {label}"


@dataclass(frozen=True)
class Links:
    """Where a matrix finds its cells' evidence: the Evidence sheet and, per (doc_id, item_id),
    the row there, the best quote and the cell's review (reviewed, reviewer, decided_at, note)."""

    sheet: str
    rows: dict[tuple[str, str], int]
    quotes: dict[tuple[str, str], Quote]
    info: dict[tuple[str, str], dict[str, Any]]


def write_matrix_sheet(
    sheet: Worksheet,
    framework: Framework,
    rows: list[MatrixRow],
    councils: tuple[str, ...],
    year: int,
    exported: date,
    links: Links,
) -> None:
    """Fill `sheet` with one framework's matrix: keys, titles, header, rows, totals, legend."""
    items = list(framework.items)
    remarks_col = len(items) + 2
    widths = _column_widths(rows, len(items))
    for col, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    _write_keys(sheet, framework, year, councils)
    _write_titles(sheet, framework, rows, councils, year, exported)
    header_row = _write_header(sheet, items, widths)
    r = header_row
    for row in rows:
        r += 1
        if row.is_section:
            _write_section(sheet, r, row.name, remarks_col)
            continue
        _write_row(sheet, r, row, items, links)
        sheet.row_dimensions[r].height = styles.row_height(
            [(remark_text(row), widths[-1])], minimum=18, maximum=120
        )
    last_data_row = r
    r = _write_totals(sheet, r, items, [row for row in rows if not row.is_section])
    r = _write_legend(sheet, r + 2, framework, remarks_col, widths, links.sheet)
    sheet.freeze_panes = sheet.cell(header_row + 1, 2)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(remarks_col)}{last_data_row}"
    _set_print(sheet, framework, year, header_row, last_data_row, r, remarks_col)


def _write_keys(
    sheet: Worksheet, framework: Framework, year: int, councils: tuple[str, ...]
) -> None:
    """Row 1, hidden: the marker (framework, year, councils) and the key above each column."""
    meta = {
        "compare": MARKER,
        "version": FORMAT_VERSION,
        "framework": framework.id,
        "year": year,
        "councils": list(councils),
    }
    write_text(sheet.cell(1, 1), json.dumps(meta, ensure_ascii=False))
    for col, item in enumerate(framework.items, 2):
        write_text(sheet.cell(1, col), str(item.id))
    write_text(sheet.cell(1, len(framework.items) + 2), REMARKS_KEY)
    sheet.row_dimensions[1].hidden = True


def _write_titles(
    sheet: Worksheet,
    framework: Framework,
    rows: list[MatrixRow],
    councils: tuple[str, ...],
    year: int,
    exported: date,
) -> None:
    """Rows 2-3: framework, council(s) and year; export date and how many plans came in."""
    jobcentres = [row for row in rows if not row.is_section]
    with_plan = [row for row in jobcentres if row.has_plan]
    n_plans = sum(len(row.plans) for row in with_plan)
    # Many councils' names would run off the printed page; their sections name them.
    who = ", ".join(councils) if len(councils) <= 2 else f"{len(councils)} råd"
    title = write_text(sheet.cell(2, 1), f"{framework.title} — {who} — {year}")
    title.font = styles.TITLE_FONT
    sub = write_text(
        sheet.cell(3, 1),
        f"Eksporteret {exported.strftime('%d.%m.%Y')} · "
        f"{n_plans} planer fra {len(with_plan)} af "
        f"{len(jobcentres)} jobcentre",
    )
    sub.font = styles.SUBTITLE_FONT
    sheet.row_dimensions[2].height = 22


def _write_header(sheet: Worksheet, items: list[Item], widths: list[float]) -> int:
    """The item groups (if any) and the header row; returns the header row's number."""
    header_row = 4
    if any(getattr(item, "group", None) for item in items):
        _write_groups(sheet, items, header_row)
        header_row += 1
    narrow = len(items) > NARROW_FROM
    remarks_col = len(items) + 2
    for col, text in [
        (1, NAME_HEADER),
        *((c, header_text(i)) for c, i in enumerate(items, 2)),
        (remarks_col, REMARKS_HEADER),
    ]:
        cell = styles.style_header(write_text(sheet.cell(header_row, col), text))
        if narrow and 1 < col < remarks_col:
            cell.font = styles.NARROW_HEADER_FONT
    sheet.row_dimensions[header_row].height = styles.row_height(
        [(header_text(item), widths[col]) for col, item in enumerate(items, 1)],
        minimum=30,
        chars_per_unit=styles.NARROW_CHARS_PER_UNIT if narrow else styles.BOLD_CHARS_PER_UNIT,
    )
    return header_row


def _write_totals(sheet: Worksheet, r: int, items: list[Item], rows: list[MatrixRow]) -> int:
    """Per item, how many jobcentres have X and (X); returns the last row written."""
    for level, label in TOTAL_LABELS.items():
        r += 1
        styles.style_header(write_text(sheet.cell(r, 1), label))
        for col, item in enumerate(items, 2):
            count = sum(
                1 for row in rows if item.id in row.cells and row.cells[item.id].level == level
            )
            cell = write_value(sheet.cell(r, col), count)
            styles.set_banner_look(cell, styles.TOTAL_FILL)
        styles.style_header(sheet.cell(r, len(items) + 2))
    return r


def _set_print(
    sheet: Worksheet,
    framework: Framework,
    year: int,
    header_row: int,
    last_data_row: int,
    last_row: int,
    last_col: int,
) -> None:
    """Landscape A4, one page wide, title and header rows (and names) on every page."""
    sheet.print_title_rows = f"2:{header_row}"
    sheet.print_title_cols = "A:A"
    sheet.print_area = f"A2:{get_column_letter(last_col)}{last_row}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    # A council's table (up to ~40 jobcentres) fits one page; longer ones run on, with the
    # title and header rows repeated on every page.
    setup.fitToHeight = 1 if last_data_row - header_row <= ONE_PAGE_ROWS else 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    title = clean_text(framework.title).replace("&", "&&")
    sheet.oddFooter.left.text = f"{title} · {year}"
    sheet.oddFooter.right.text = "Side &P af &N"
    sheet.oddFooter.left.size = sheet.oddFooter.right.size = 8


def _column_widths(rows: list[MatrixRow], n_items: int) -> list[float]:
    names = [len(row.name) for row in rows] or [10]
    first = min(max(14.0, max(names) + 3.0), 30.0)
    item = 20.0 if n_items <= 6 else 15.0 if n_items <= NARROW_FROM else 13.0
    remarks = 42.0 if n_items <= 6 else 34.0 if n_items <= NARROW_FROM else 26.0
    return [first, *([item] * n_items), remarks]


def _write_groups(sheet: Worksheet, items: list[Item], r: int) -> None:
    """A row above the header naming each run of items that share a group."""
    start = 0
    for i in range(1, len(items) + 1):
        if i == len(items) or (items[i].group or "") != (items[start].group or ""):
            first, last = start + 2, i + 1
            cell = write_text(sheet.cell(r, first), items[start].group or "")
            styles.set_banner_look(cell, styles.GROUP_FILL)
            if last > first:
                sheet.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
            start = i
    sheet.row_dimensions[r].height = 18


def _write_section(sheet: Worksheet, r: int, name: str, last_col: int) -> None:
    """A council's heading row, when a sheet covers several councils."""
    write_text(sheet.cell(r, 1), name)
    for col in range(1, last_col + 1):
        cell = sheet.cell(r, col)
        styles.set_look(cell, font=styles.HEADER_FONT, fill=styles.GROUP_FILL, border=styles.GRID)


def remark_text(row: MatrixRow) -> str:
    """The remarks column of a row: the analysts' remark, or why the row has no levels."""
    if not row.has_plan:
        return row.remark or NO_PLAN
    if not row.tagged and not row.remark:
        return NOT_TAGGED
    return row.remark


def _write_row(sheet: Worksheet, r: int, row: MatrixRow, items: list[Item], links: Links) -> None:
    """A jobcentre's row: name, a level per item (linked, with a comment), the remark."""
    remarks_col = len(items) + 2
    name = write_text(sheet.cell(r, 1), row.name)
    styles.set_look(name, font=styles.NAME_FONT, border=styles.GRID, alignment=styles.NAME_ALIGN)
    for col, item in enumerate(items, 2):
        shown = row.cells.get(item.id)
        cell = sheet.cell(r, col)
        level = shown.level if shown else LEVEL_NONE
        write_text(cell, level)
        styles.style_level(cell, level, bool(shown and shown.reviewed), row.has_plan)
        if level == LEVEL_NONE or shown is None or shown.doc_id is None:
            continue
        key = (shown.doc_id, item.id)
        target = links.rows.get(key)
        if target is not None:
            cell.hyperlink = Hyperlink(
                ref=cell.coordinate, location=f"{quote_sheet(links.sheet)}!A{target}"
            )
        cell.comment = _comment(links.quotes.get(key), links.info.get(key, {}))
    remark = write_text(sheet.cell(r, remarks_col), remark_text(row))
    styles.set_look(
        remark,
        font=styles.BODY_FONT if row.has_plan and row.tagged else styles.NO_PLAN_FONT,
        border=styles.GRID,
        alignment=styles.WRAP_TOP,
    )
    if not row.has_plan:
        styles.set_look(name, fill=styles.NO_PLAN_FILL)
        styles.set_look(remark, fill=styles.NO_PLAN_FILL)


def _comment(quote: Quote | None, info: dict[str, Any]) -> Comment:
    """A short comment: the best quote, where it is, and who reviewed the cell."""
    parts = []
    if quote is not None and quote.text:
        parts.append(f"„{_shorten(quote.text, COMMENT_CHARS)}“")
        where = [w for w in (quote.heading_path, f"s. {quote.page}" if quote.page else "") if w]
        if where:
            parts.append("— " + ", ".join(where))
    else:
        parts.append("Intet citat fundet.")
    if info.get("reviewed"):
        parts.append(
            f"Gennemgået af {info.get('reviewer') or '?'} "
            f"{short_time(info.get('decided_at'))}".rstrip()
        )
    if info.get("recheck"):
        parts.append("Planen er ændret siden gennemgangen: vurdér cellen igen.")
    if info.get("note"):
        parts.append(f"Note: {_shorten(info['note'], 200)}")
    text = clean_text("\n".join(parts))
    lines = sum(max(1, len(p) // 48 + 1) for p in parts)
    return Comment(text, "compare", height=min(40 + 15 * lines, 320), width=320)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(",;:") + " …"


def short_time(value: str | None) -> str:
    """An ISO time stamp as `2025-05-12 10:11 UTC` (decisions are stored in UTC)."""
    if not value:
        return ""
    return f"{value[:10]} {value[11:16]} UTC" if len(value) >= 16 else value


def _write_legend(
    sheet: Worksheet,
    r: int,
    framework: Framework,
    last_col: int,
    widths: list[float],
    evidence_title: str,
) -> int:
    """The legend under the totals, in the overview's words; returns its last row."""
    words = LEGEND.get(framework.kind, LEGEND[FRAMEWORK_GOALS])
    write_text(sheet.cell(r, 1), "Signaturforklaring").font = styles.HEADER_FONT
    # (sample level or None for no sample, text, sample reviewed?, sample without plan?)
    entries: list[tuple[str | None, str, bool, bool]] = [
        (LEVEL_TARGET, words[LEVEL_TARGET], False, False),
        (LEVEL_ADDRESSED, words[LEVEL_ADDRESSED], False, False),
        (LEVEL_NONE, LEGEND_BLANK, False, False),
        (LEVEL_TARGET, LEGEND_REVIEWED, True, False),
        (LEVEL_NONE, LEGEND_NO_PLAN, False, True),
        (None, LEGEND_LINKS.format(evidence=evidence_title), False, False),
    ]
    text_width = sum(widths[1:])
    for level, text, reviewed, no_plan in entries:
        r += 1
        if level is not None:
            sample = write_text(sheet.cell(r, 1), level)
            styles.style_level(sample, level, reviewed, not no_plan)
        cell = write_text(sheet.cell(r, 2), text)
        styles.set_look(cell, font=styles.BODY_FONT, alignment=styles.WRAP_TOP)
        sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last_col)
        sheet.row_dimensions[r].height = styles.row_height([(text, text_width)], minimum=16)
    return r
