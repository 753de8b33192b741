"""The written overview as a Word document (python-docx), in the shape of seed 003.

Title block, themes table (group rows; theme | narrative), the goals table on a landscape page
(jobcentres × goals, remarks, the note on (X)) and the per-municipality tables. Real Word
tables with the built-in "Table Grid" style and Heading styles, page numbers in the footer,
Danish throughout; a draft not yet saved by an analyst is marked "[Udkast]" in italics.
Written atomically, like the Excel workbook.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from compare.store.workspace import atomic_write
from compare.word.content import ADDRESSED_NOTE, Report

DRAFT_MARK = "[Udkast] "
TABLE_STYLE = "Table Grid"
# What Word's XML cannot hold: C0 controls but tab and line breaks, and what is not a character.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = "\x0b\x0c"  # Word's own line break (pasted from Word) and a form feed


def xml_text(text: str) -> str:
    """The text as Word can hold it: line breaks kept, other control characters dropped.

    An analyst's narrative pasted from Word carries its manual line breaks as vertical tabs,
    and a framework sheet may carry any control character; python-docx refuses them all.
    """
    return _NOT_XML.sub(lambda m: "\n" if m.group() in _BREAKS else "", text)


def _page_number_footer(section: Any) -> None:
    """ "Side N" in the footer, N a PAGE field Word and LibreOffice fill in."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Side ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _header_row(table: Table, texts: list[str]) -> None:
    row = table.rows[0]
    for cell, text in zip(row.cells, texts, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(xml_text(text))
        run.bold = True
    tr_pr = row._tr.get_or_add_trPr()  # repeat the header on every page
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _widths(table: Table, cms: list[float]) -> None:
    """Fixed column widths (Word reads the cells', LibreOffice the grid's)."""
    table.autofit = False
    for column, cm in zip(table.columns, cms, strict=True):
        column.width = Cm(cm)
        for cell in column.cells:
            cell.width = Cm(cm)


def _text_cell(cell: Any, text: str, is_draft: bool) -> None:
    paragraph = cell.paragraphs[0]
    if is_draft and text:
        mark = paragraph.add_run(DRAFT_MARK)
        mark.italic = True
        mark.bold = True
    run = paragraph.add_run(xml_text(text))
    run.italic = is_draft


def _title_block(doc: Any, report: Report) -> None:
    for text in (report.office, report.dated):
        doc.add_paragraph(xml_text(text))
    doc.add_heading(f"Kommunernes beskæftigelsesplaner {report.year}", level=0)
    doc.add_paragraph(xml_text(report.council)).runs[0].bold = True


def _themes(doc: Any, report: Report) -> None:
    doc.add_heading("Strategiens temaer i planerne", level=1)
    table = doc.add_table(rows=1, cols=2)
    table.style = TABLE_STYLE
    _header_row(table, ["RARs strategi og udviklingsplan", report.themes_title])
    group = None
    for row in report.themes:
        if row.group and row.group != group:
            group = row.group
            cells = table.add_row().cells
            merged = cells[0].merge(cells[1])
            merged.text = ""
            merged.paragraphs[0].add_run(xml_text(group)).bold = True
        cells = table.add_row().cells
        cells[0].text = xml_text(f"{row.item_id}. {row.label}")
        _text_cell(cells[1], row.text, row.is_draft)
    _widths(table, [5.5, 11.0])


def _goals(doc: Any, report: Report) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.5)  # 26.7 cm for the 25.5 cm table
    section.top_margin = section.bottom_margin = Cm(1.5)
    doc.add_heading(xml_text(report.goals_title), level=1)
    n = len(report.goal_labels)
    table = doc.add_table(rows=1, cols=n + 2)
    table.style = TABLE_STYLE
    _header_row(table, ["Jobcenter", *report.goal_labels, "Supplerende mål/bemærkninger"])
    for row in report.goals:
        cells = table.add_row().cells
        cells[0].text = xml_text(row.jobcentre)
        for cell, level in zip(cells[1 : n + 1], row.levels, strict=True):
            cell.text = xml_text(level)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text_cell(cells[n + 1], row.remark, row.remark_is_draft)
    goal_width = (25.5 - 3.2 - 5.5) / max(n, 1)
    _widths(table, [3.2, *([goal_width] * n), 5.5])
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    doc.add_paragraph(ADDRESSED_NOTE)


def _municipality_tables(doc: Any, report: Report) -> None:
    for table_data in report.tables:
        doc.add_heading(xml_text(f"Beskæftigelsesplaner {report.year} – {table_data.label}"), 1)
        table = doc.add_table(rows=1, cols=3)
        table.style = TABLE_STYLE
        _header_row(table, ["Kommune", "Niveau", "Planens indsats"])
        for row in table_data.rows:
            cells = table.add_row().cells
            cells[0].text = xml_text(row.municipality)
            cells[1].text = xml_text(row.level)
            _text_cell(cells[2], row.text, row.is_draft)
        _widths(table, [3.5, 1.7, 11.3])


def _annex(doc: Any, report: Report) -> None:
    """Annex: per plan, its period, focus areas and every target it sets itself."""
    doc.add_heading("Bilag: planernes egne mål", level=1)
    for summary in report.summaries:
        name = summary["municipality"] or "Ukendt kommune"
        doc.add_heading(xml_text(f"{name} {summary['period']}"), 2)
        if summary["focus_areas"]:
            doc.add_paragraph(xml_text("Fokusområder: " + "; ".join(summary["focus_areas"])))
        targets = summary["targets"]
        if targets.is_empty():
            doc.add_paragraph("Planen sætter ingen egne mål, som programmet har fundet.")
            continue
        table = doc.add_table(rows=1, cols=3)
        table.style = TABLE_STYLE
        _header_row(table, ["Mål", "Afsnit (side)", "Tjener"])
        for target in targets.iter_rows(named=True):
            cells = table.add_row().cells
            cells[0].text = xml_text(target["sentence"])
            page = f" (s. {target['page']})" if target["page"] else ""
            cells[1].text = xml_text((target["section"] or "") + page)
            cells[2].text = xml_text(", ".join(target["serves"]) or "supplerende")
        _widths(table, [9.5, 4.0, 3.0])


def report_document(report: Report) -> Any:
    """The python-docx Document of a report."""
    doc = Document()
    doc.core_properties.title = f"Kommunernes beskæftigelsesplaner {report.year}"
    doc.core_properties.language = "da-DK"
    doc.styles["Normal"].font.size = Pt(10)
    _page_number_footer(doc.sections[0])
    _title_block(doc, report)
    if report.themes:
        _themes(doc, report)
    if report.goals:
        _goals(doc, report)
    if report.tables:
        if report.goals:  # back to portrait after the wide goals table
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = section.page_height, section.page_width
            section.left_margin = section.right_margin = Cm(2.54)
        _municipality_tables(doc, report)
    if report.summaries:
        if report.goals and not report.tables:  # back to portrait after the goals table
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = section.page_height, section.page_width
            section.left_margin = section.right_margin = Cm(2.54)
        _annex(doc, report)
    return doc


def write_report(report: Report, out: Path) -> Path:
    """Write the report as a .docx at `out`, atomically; returns the path."""
    doc = report_document(report)
    atomic_write(out, lambda tmp: doc.save(str(tmp)))
    return out


def report_bytes(report: Report) -> bytes:
    """The .docx as bytes (for the app's download button)."""
    import io

    buffer = io.BytesIO()
    report_document(report).save(buffer)
    return buffer.getvalue()
