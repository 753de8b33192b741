"""Readers: each format gives headings, paragraphs, pages and line ranges; æ, ø, å intact."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from compare.ingest import parse_document, read_document, segment
from compare.schema import HEADING_SEPARATOR, SEGMENTS
from compare.text import normalise
from tests.ingest_samples import PLAN_PARTS, docx_bytes, pdf_bytes


def _headings(frame: pl.DataFrame) -> list[tuple[int, str]]:
    rows = frame.filter(pl.col("is_heading")).select("level", "text").rows()
    return [(level, text) for level, text in rows]


def _body(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(~pl.col("is_heading"))


def test_pdf_headings_pages_and_danish_text(tmp_path: Path) -> None:
    path = tmp_path / "bilag-3.pdf"
    path.write_bytes(pdf_bytes(title="Beskæftigelsesplan 2019"))
    raw = read_document(path)
    frame = segment("d1", raw)

    assert raw.format == "pdf" and raw.pages == 2
    assert raw.title == "Beskæftigelsesplan 2019"
    expected = [
        (1 if style == "h1" else 2, text) for style, text in PLAN_PARTS if style in ("h1", "h2")
    ]
    assert _headings(frame) == expected
    pages = dict(frame.filter(pl.col("is_heading")).select("text", "page").rows())
    assert pages["2.1 Flere flygtninge og familiesammenførte skal være selvforsørgende"] == 1
    assert pages["2.2 Virksomhederne skal sikres den nødvendige arbejdskraft"] == 2
    paragraphs = _body(frame)["text"].to_list()
    # Each paragraph comes back whole (lines joined), with æ, ø and å as written.
    assert paragraphs == [text for style, text in PLAN_PARTS if style == "p"]
    quota = _body(frame).filter(pl.col("text").str.contains("45 pct")).row(0, named=True)
    assert quota["heading_path"] == HEADING_SEPARATOR.join(
        [
            "2 Ministermål for 2019",
            "2.1 Flere flygtninge og familiesammenførte skal være selvforsørgende",
        ]
    )
    assert quota["page"] == 1


def test_pdf_line_ranges_point_into_the_extracted_text(tmp_path: Path) -> None:
    raw = parse_document(pdf_bytes(), "plan.pdf")
    lines = raw.text.split("\n")
    for block in raw.blocks:
        found = " ".join(lines[block.line_start - 1 : block.line_end])
        assert block.text.split()[0] in found and block.text.split()[-1] in found


def test_docx_headings_from_styles_and_tables_as_rows() -> None:
    raw = parse_document(docx_bytes(), "plan.docx")
    frame = segment("d2", raw)
    assert raw.format == "docx" and raw.pages is None
    assert raw.title == "Beskæftigelsesplan 2020 for Ærø Kommune"
    assert _headings(frame) == [
        (1, "Beskæftigelsesplan 2020 for Ærø Kommune"),
        (1, "1 Indledning"),
        (1, "2 Ministerens mål"),
        (2, "2.1 Flere personer med handicap skal i beskæftigelse"),
        (1, "3 Økonomi"),
    ]
    body = _body(frame)
    under_goal = body.filter(pl.col("heading_path").str.ends_with("skal i beskæftigelse"))
    assert under_goal["text"].to_list() == [
        "Vi øger brugen af fleksjob, så 30 flere får job i løbet af året.",
        "Mentorordninger udbredes",
        "Mål | 2019 | 2020",
        "Fleksjob | 120 | 150",
    ]
    assert frame["page"].null_count() == frame.height


def test_docx_without_heading_styles_uses_numbering() -> None:
    from io import BytesIO

    from docx import Document

    doc = Document()
    for text in [
        "1 Indledning",
        "Planen gælder for 2021 og beskriver indsatsen for ledige.",
        "2 Mål for indsatsen",
        "Flere ledige skal i job, og færre skal på ydelse.",
    ]:
        doc.add_paragraph(text)
    buffer = BytesIO()
    doc.save(buffer)
    frame = segment("d3", parse_document(buffer.getvalue(), "plan.docx"))
    assert _headings(frame) == [(1, "1 Indledning"), (1, "2 Mål for indsatsen")]


def test_html_headings_paragraphs_lists_tables_and_skipped_parts() -> None:
    page = """<!DOCTYPE html><html><head><title>Beskæftigelsesplan 2021 – Ærø</title>
    <style>p { color: red }</style><script>var x = "Skjult tekst";</script></head>
    <body><nav><a href="/">Forside</a> Menu</nav>
    <h1>Beskæftigelsesplan 2021</h1><p>Indledende tekst om <b>indsatsen</b> i året.</p>
    <h2>1 Mål</h2><ul><li>Flere i job</li><li>Færre på ydelse</li></ul>
    <table><tr><th>Mål</th><th>2021</th></tr><tr><td>Job</td><td>500</td></tr></table>
    </body></html>""".encode()
    raw = parse_document(page, "plan.html")
    frame = segment("d4", raw)
    assert raw.format == "html" and raw.title == "Beskæftigelsesplan 2021 – Ærø"
    assert _headings(frame) == [(1, "Beskæftigelsesplan 2021"), (2, "1 Mål")]
    texts = _body(frame)["text"].to_list()
    assert texts == [
        "Indledende tekst om indsatsen i året.",
        "Flere i job",
        "Færre på ydelse",
        "Mål | 2021",
        "Job | 500",
    ]
    assert not any("Skjult" in t or "Menu" in t or "color" in t for t in frame["text"])


def test_html_charset_from_meta_tag() -> None:
    page = (
        '<html><head><meta charset="windows-1252"></head><body><h1>Ærø</h1>'
        "<p>Målet for året er nået.</p></body></html>"
    ).encode("cp1252")
    frame = segment("d5", parse_document(page, "side.htm"))
    assert frame["text"].to_list() == ["Ærø", "Målet for året er nået."]


def test_markdown_headings_lists_tables_and_inline_markup() -> None:
    text = """# Beskæftigelsesplan 2022

Indledning med **fed** tekst og et [link](https://example.org).

## 1 Mål *for året*

- Flere i job
- Færre på ydelse

| Mål | Niveau |
|-----|--------|
| Job | 500 |

Understreget overskrift
-----------------------

Sidste afsnit.
"""
    raw = parse_document(text.encode(), "plan.md")
    frame = segment("d6", raw)
    assert raw.format == "md" and raw.title == "Beskæftigelsesplan 2022"
    assert _headings(frame) == [
        (1, "Beskæftigelsesplan 2022"),
        (2, "1 Mål for året"),
        (2, "Understreget overskrift"),
    ]
    assert _body(frame)["text"].to_list() == [
        "Indledning med fed tekst og et link.",
        "Flere i job",
        "Færre på ydelse",
        "Mål | Niveau",
        "Job | 500",
        "Sidste afsnit.",
    ]
    last = frame.filter(pl.col("text") == "Sidste afsnit.").row(0, named=True)
    assert last["line_start"] == 17  # the line an editor shows


TEXT = "Beskæftigelsesplan for Ærø 2019\n\nMålet er nået, og øvrige indsatser følger.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_plain_text_in_any_common_encoding(encoding: str) -> None:
    frame = segment("d7", parse_document(TEXT.encode(encoding), "plan.txt"))
    assert frame["text"].to_list() == [
        "Beskæftigelsesplan for Ærø 2019",
        "Målet er nået, og øvrige indsatser følger.",
    ]


def test_form_feeds_give_pages() -> None:
    text = "Første side med tekst.\n\fAnden side med tekst.\nOg mere.\n\fTredje side."
    raw = parse_document(text.encode(), "scan.txt")
    assert raw.pages == 3
    frame = segment("d8", raw)
    assert frame.select("text", "page").rows() == [
        ("Første side med tekst.", 1),
        ("Anden side med tekst. Og mere.", 2),
        ("Tredje side.", 3),
    ]


@pytest.mark.parametrize(
    ("name", "make", "fmt"),
    [
        ("plan.txt", pdf_bytes, "pdf"),  # a PDF saved under a text name
        ("plan.pdf", docx_bytes, "docx"),  # a Word file named .pdf
        (
            "side.txt",
            lambda: b"<!DOCTYPE html><html><body><p>Tekst om job.</p></body></html>",
            "html",
        ),
        ("noter.txt", lambda: "# Plan\n\ntekst\n\n## Mål\n\nmere tekst\n".encode(), "md"),
    ],
)
def test_content_decides_the_format(name: str, make, fmt: str) -> None:
    assert parse_document(make(), name).format == fmt


def test_segments_frame_matches_schema_and_numbers_sections() -> None:
    frame = segment("d9", parse_document(docx_bytes(), "plan.docx"))
    assert frame.schema == pl.Schema(SEGMENTS)
    assert frame["seg_no"].to_list() == list(range(frame.height))
    headings_so_far = frame["is_heading"].cast(pl.Int32).cum_sum()
    assert frame["section_no"].to_list() == headings_so_far.to_list()
    assert (frame.filter(~pl.col("is_heading"))["level"] == 0).all()
    assert frame.filter(pl.col("text") == "3 Økonomi")["norm"].item() == normalise("3 Økonomi")


def test_docx_text_inside_content_controls_is_read() -> None:
    from io import BytesIO

    from docx import Document
    from docx.oxml import OxmlElement

    doc = Document()
    doc.add_heading("1 Indledning", level=1)
    wrapped = doc.add_paragraph("Tekst i en indholdskontrol om job til flere ledige.")
    control, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    wrapped._p.addprevious(control)
    control.append(content)
    content.append(wrapped._p)  # templates put whole sections inside such controls
    buffer = BytesIO()
    doc.save(buffer)
    frame = segment("d10", parse_document(buffer.getvalue(), "plan.docx"))
    assert frame["text"].to_list() == [
        "1 Indledning",
        "Tekst i en indholdskontrol om job til flere ledige.",
    ]
