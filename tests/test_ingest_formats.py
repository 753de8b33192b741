"""One rule for headings in every format: a numbered sentence or a counted list is never a heading.

The lines are taken from the seed plans (København 2018, section 4.7; København 2022, section 4)
and set as a careless author sets them: list items styled as chapter headings. Text, Markdown,
PDF, DOCX and HTML must give the same headings (`compare.ingest.headings`, module docstring).
"""

from __future__ import annotations

import polars as pl
import pytest

from compare.ingest import parse_document, segment
from compare.ingest.headings import build_blocks, is_list_sentence, mark_headings
from compare.ingest.model import Line
from tests.format_samples import PAGE_BREAK, PLAIN_HEADING, RENDERERS, Parts, text_file

PROSE = (
    "Jobcentret arbejder med en tidlig og tæt indsats for borgerne, hvor der fra første dialog er "
    "fokus på job og virksomhedsaktivering, og hvor der mellem samtalerne følges op på, om "
    "borgeren er kommet videre."
)
ITEM_1 = "1. Udsatte skal hjælpes ind på arbejdsmarkedet gennem en virksomhedsrettet indsats."
ITEM_3 = (
    "3. Borgerne skal visiteres til de rette ordninger, der kan udvikle eller afklare deres "
    "muligheder på arbejdsmarkedet."
)
ITEM_5 = "5. Udsatte borgere skal have en tværfaglig og helhedsorienteret indsats."
# 2018, section 4.7: the agreement's principles, numbered like chapters and set as headings.
PRINCIPLES: Parts = [
    (2, "4.7 Udsatte i job og uddannelse"),
    (0, PROSE),
    (1, ITEM_1),
    (
        0,
        "2. Fokus skal være på progression og sammenhang i borgernes forløb og indsats. Det skal "
        "være enkelt at tilrettelægge den rette indsats, og borgerne skal kunne forstå formålet.",
    ),
    (1, ITEM_3),
    (
        0,
        "4. Borgere, der skal have et fleksjob eller en førtidspension, skal have det nemmere "
        "og hurtigere.",
    ),
    (1, ITEM_5),
    (0, PROSE),
    (1, "5 Ministermål for 2018"),
    (0, PROSE),
]
# 2022, section 4: the year's goals listed (no full stops), then the first goal's own section.
GOALS: Parts = [
    (1, "4. Ministermål"),
    (0, PROSE),
    (1, "1. Alle ledige skal have en værdig sagsbehandling"),
    (1, "2. Flere ledige skal opkvalificeres"),
    (1, "3. Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft"),
    (0, PROSE),
    (2, "4.1. Alle ledige skal have en værdig sagsbehandling"),
    (0, PROSE),
]
FORMATS = {"plan.txt": text_file, **RENDERERS}


def _segments(parts: Parts, name: str) -> pl.DataFrame:
    return segment("t", parse_document(FORMATS[name](parts), name))


def _headings(frame: pl.DataFrame) -> list[tuple[int, str]]:
    rows = frame.filter(pl.col("is_heading")).select("level", "text").rows()
    return [(level, " ".join(text.split())) for level, text in rows]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ITEM_1, True),
        (ITEM_3, True),
        (ITEM_5, True),
        ("4.7 Udsatte i job og uddannelse", False),
        # goal headings have verbs too: only the full stop makes a sentence
        ("5.1 Flere personer skal i beskæftigelse eller uddannelse i stedet for", False),
        ("4.1 Indledning.", False),  # a short title with a stray stop
        ("2. Flere ledige,", True),  # an item the next line carries on
        ("Udsatte skal hjælpes ind på arbejdsmarkedet gennem en virksomhedsrettet indsats.", False),
    ],
)
def test_a_numbered_sentence_is_a_list_item(text: str, expected: bool) -> None:
    assert is_list_sentence(text) is expected


@pytest.mark.parametrize("name", list(FORMATS))
def test_numbered_sentences_set_as_headings_are_list_items_in_every_format(name: str) -> None:
    frame = _segments(PRINCIPLES, name)
    assert _headings(frame) == [
        (2, "4.7 Udsatte i job og uddannelse"),
        (1, "5 Ministermål for 2018"),
    ]
    # the items are passages of section 4.7, each of its own
    items = frame.filter(pl.col("text").str.contains(r"^[135]\. "))
    assert items["text"].to_list() == [ITEM_1, ITEM_3, ITEM_5]
    assert set(items["heading_path"]) == {"4.7 Udsatte i job og uddannelse"}


@pytest.mark.parametrize("name", list(FORMATS))
def test_a_counted_list_set_as_headings_is_a_list_in_every_format(name: str) -> None:
    frame = _segments(GOALS, name)
    assert _headings(frame) == [
        (1, "4. Ministermål"),
        (2, "4.1. Alle ledige skal have en værdig sagsbehandling"),
    ]
    listed = frame.filter(pl.col("text").str.contains(r"^[123]\. "))
    assert listed.height == 3 and not listed["is_heading"].any()


def test_a_real_heading_stays_a_heading_whatever_its_style() -> None:
    # a styled heading that only looks like a list number is kept: no sentence, no count
    parts: Parts = [(1, "1. Indledning"), (0, PROSE), (1, "2. Budget 2022"), (0, PROSE)]
    for name in FORMATS:
        assert _headings(_segments(parts, name)) == [(1, "1. Indledning"), (1, "2. Budget 2022")]


@pytest.mark.parametrize("name", list(RENDERERS))
def test_a_styled_chapter_after_a_list_in_body_text_stays_a_heading(name: str) -> None:
    # the list's `2.` is body text, the chapter `3` is set as a heading: the style tells
    parts: Parts = [
        (1, "2. Budget 2022"),
        (0, PROSE),
        (0, "1. Flere kebenhavnere med minoritetsbaggrund skal vaere en del af arbejdsmarkedet"),
        (0, "2. Flere nyankomne flygtninge skal veere i en integrationsgrunduddannelse"),
        (1, "3. Kebenhavns Kommunes vision for beskaeftigelsesindsatsen"),
        (0, PROSE),
    ]
    assert _headings(_segments(parts, name)) == [
        (1, "2. Budget 2022"),
        (1, "3. Kebenhavns Kommunes vision for beskaeftigelsesindsatsen"),
    ]


def test_pdf_levels_come_from_numbers_read_as_in_text() -> None:
    # OCR fused `4.1` into `41`; set one size down from `4`, it is read as 4.1 in text and PDF
    parts: Parts = [
        (1, "4 Status og indsatser"),
        (0, PROSE),
        (2, "41 QOverordnet status"),
        (0, PROSE),
        (2, "4.2 Overordnet indsats"),
        (0, PROSE),
    ]
    expected = [(1, "4 Status og indsatser"), (2, "41 QOverordnet status")]
    expected.append((2, "4.2 Overordnet indsats"))
    for name in ("plan.txt", "plan.pdf"):
        assert _headings(_segments(parts, name)) == expected


def test_pdf_heading_wrapped_in_a_large_font_is_one_heading() -> None:
    # 17 pt headings have a larger line pitch than the page's body text: not a paragraph gap
    long = "3. Kebenhavns Kommunes vision for beskæftigelsesindsatsen frem mod 2025 og videre"
    parts: Parts = [(1, long), *[(0, PROSE)] * 3, (1, "4. Ministermål"), (0, PROSE)]
    assert _headings(_segments(parts, "plan.pdf")) == [(1, long), (1, "4. Ministermål")]


def _line(text: str, line_no: int, page: int, size: float, gap: bool = True) -> Line:
    return Line(text, line_no, page=page, gap_before=gap, size=size)


def test_pdf_heading_cut_by_a_page_break_is_joined() -> None:
    lines = [
        _line("5 Ministermål for 2018", 1, 1, 16),
        _line(PROSE, 2, 1, 11),
        _line("5.1 Flere personer skal i beskæftigelse eller uddannelse i stedet for", 3, 1, 13),
        _line("passiv forsørgelse", 4, 2, 13),
        _line(PROSE, 5, 2, 11),
        _line("1. Udsatte skal hjælpes ind på arbejdsmarkedet gennem en", 6, 2, 16),
        _line("virksomhedsrettet indsats.", 7, 3, 16),
        _line(PROSE, 8, 3, 11),
    ]
    blocks = build_blocks(mark_headings(lines))
    headings = [(b.level, " ".join(b.text.split())) for b in blocks if b.is_heading]
    wrapped = "5.1 Flere personer skal i beskæftigelse eller uddannelse i stedet for"
    assert headings == [(1, "5 Ministermål for 2018"), (2, f"{wrapped} passiv forsørgelse")]
    item = next(b for b in blocks if b.text.startswith("1. Udsatte"))
    assert not item.is_heading and (item.line_start, item.line_end) == (6, 7)


def test_pdf_sentence_cut_by_a_page_break_is_one_passage() -> None:
    lines = [
        _line("4.2 Overordnet indsats", 1, 3, 14),
        _line("Omlægningen skal gøre jobcentret bedre til at levere service til både", 2, 3, 11),
        _line("ledige og", 3, 3, 11, gap=False),
        _line("virksomheder ved at understøtte flere og varige match.", 4, 4, 11),
        _line("Hvordan omlægningen udmøntes, beskrives i næste afsnit.", 5, 4, 11),
        _line("4.3 Dagpengemodtagere i job", 6, 4, 14),
        _line(PROSE, 7, 4, 11),
    ]
    paragraphs = [b for b in build_blocks(mark_headings(lines)) if not b.is_heading]
    assert [(b.page, b.line_start, b.line_end) for b in paragraphs] == [
        (3, 2, 4),
        (4, 5, 5),
        (4, 7, 7),
    ]


def test_pdf_page_of_one_line_paragraphs_keeps_them_apart() -> None:
    # most pitches on that page are paragraph gaps; the plan's line pitch is measured over all
    # its pages
    items = [
        "Dialog og sagsbehandling som borgeren kan gennemskue.",
        "Individuelle virksomhedsrettede forløb med tæt opfølgning.",
        "Omvendt jobformidling.",
        "Brug af tæt ledelsesopfølgning.",
        "Flere klager skal behandles hurtigere.",
    ]
    parts: Parts = [
        (1, "4.5 Unge i uddannelse"),
        *[(0, PROSE)] * 8,
        (PAGE_BREAK, ""),
        (1, "4.6 Sygemeldte hurtigere i job"),
        *[(0, t) for t in items],
    ]
    frame = _segments(parts, "plan.pdf")
    assert frame.filter(~pl.col("is_heading"))["text"].to_list() == [PROSE] * 8 + items


@pytest.mark.parametrize("name", ["plan.docx", "plan.html"])
def test_sub_headings_set_as_body_text_in_a_styled_file_are_headings(name: str) -> None:
    # A Word file or web page that styles its chapters but sets "4.1 Unge i uddannelse" in
    # `Normal` and "Status" in bold reads as the text: the numbered one follows the styled
    # chapter's count, the bold one is a short heading; a plain short paragraph (a chart's
    # caption, 2018 plan, section 4.1) stays text, as styles say what is a heading there.
    parts: Parts = [
        (1, "4 Beskæftigelsesindsatsen i København"),
        (0, PROSE),
        (PLAIN_HEADING, "4.1 Unge i uddannelse"),
        (PLAIN_HEADING, "Status"),
        (0, PROSE),
        (0, "Københavns Kommune er marginalt længere fra"),
        (0, PROSE),
    ]
    assert _headings(_segments(parts, name)) == [
        (1, "4 Beskæftigelsesindsatsen i København"),
        (2, "4.1 Unge i uddannelse"),
        (3, "Status"),
    ]


def test_only_a_paragraph_wholly_in_bold_is_a_sub_heading_in_a_styled_page() -> None:
    page = (
        "<html><body><h1>4 Beskæftigelsesindsatsen</h1>"
        f"<p>{PROSE}</p><p><strong>Status</strong></p><p>{PROSE}</p>"
        f"<p><b>Indsatser</b> for unge</p><p>{PROSE}</p></body></html>"
    )
    frame = segment("t", parse_document(page.encode("utf-8"), "plan.html"))
    assert _headings(frame) == [(1, "4 Beskæftigelsesindsatsen"), (2, "Status")]
