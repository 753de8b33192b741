"""Heading detection in unstyled text, on lines taken from the OCR'd seed plans."""

from __future__ import annotations

import polars as pl
import pytest

from compare.ingest import parse_document, read_document, segment
from compare.schema import HEADING_SEPARATOR
from tests.conftest import SEED_BUDGET_2013, SEED_OVERVIEW_2018, SEED_PLAN_2018, SEED_PLAN_2022

# A paragraph wrapped as the OCR'd plans are (about 95 characters a line).
FILLER = (
    "Jobcentret arbejder med en tidlig og tæt indsats for borgerne, hvor der fra første\n"
    "dialog er fokus på job og virksomhedsaktivering, og hvor der mellem samtalerne følges\n"
    "op på, om borgeren er kommet videre."
)


def headings(text: str) -> list[tuple[int, str]]:
    """(level, text) of the headings found in a plain text."""
    frame = segment("t", parse_document(text.encode(), "plan.txt"))
    return frame.filter(pl.col("is_heading")).select("level", "text").rows()


def test_numbered_sections_and_ocr_fused_number() -> None:
    text = f"""4 Status og indsatser

{FILLER}

41 QOverordnet status

{FILLER}

 4.2 Overordnet indsats

{FILLER}
"""
    assert headings(text) == [
        (1, "4 Status og indsatser"),
        (2, "41 QOverordnet status"),
        (2, "4.2 Overordnet indsats"),
    ]


def test_numbered_list_items_are_not_headings() -> None:
    # From seed 001: the five goals are listed as `1.`-`5.` inside section 4.
    text = f"""4. Ministermal

{FILLER}

1. Alle ledige skal have en veerdig sagsbehandling
2. Flere ledige skal opkvalificeres

3. Virksomhederne skal sikres den ngdvendige og kvalificerede arbejdskraft
4. Flere flygtninge og familiesammenfarte skal vaere selvforsergende
5. Flere personer med handicap skal i beskaeftigelse

{FILLER}

4.1. Alle ledige skal have en veerdig sagsbehandling

{FILLER}
"""
    assert headings(text) == [
        (1, "4. Ministermal"),
        (2, "4.1. Alle ledige skal have en veerdig sagsbehandling"),
    ]


def test_list_continuing_after_a_lost_line_and_ending_in_a_sentence() -> None:
    # From seed 001: a list `1.`, `2.`, (3. lost by OCR), `4.` whose wrapped item ends with `.`
    text = f"""3.4. BIF skal styrke integration af kebenhavnere med ikke-vestlig baggrund

{FILLER}

1. Flere kebenhavnere med minoritetsbaggrund skal vaere en del af arbejdsmarkedet

2. Flere nyankomne flygtninge - saerligt kvinder - skal veere i en integrationsgrunduddannelse

4. Flere kebenhavnere med minoritetsbaggrund skal veere inkluderet i det omkringliggende
samfund.

{FILLER}
"""
    assert [t for _, t in headings(text)] == [
        "3.4. BIF skal styrke integration af kebenhavnere med ikke-vestlig baggrund"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # wrapped over three lines (seed 001)
        (
            "3.2. BIF skal gennem gget samarbejde med virksomhederne sikre bedre\n"
            "match mellem ledige kebenhavnere og virksomhedernes efterspgrgsel efter\n"
            "arbejdskraft\n",
            "3.2. BIF skal gennem gget samarbejde med virksomhederne sikre bedre match "
            "mellem ledige kebenhavnere og virksomhedernes efterspgrgsel efter arbejdskraft",
        ),
        # a blank line inside the wrapped heading (seed 000)
        (
            "5.1 Flere personer skal i beskaeftigelse eller uddannelse i stedet for at veere pa\n\n"
            "offentlig forsgrgelse\n",
            "5.1 Flere personer skal i beskaeftigelse eller uddannelse i stedet for at veere pa "
            "offentlig forsgrgelse",
        ),
        # hyphenated across the break (seed 001)
        (
            "3. Kebenhavns Kommunes vision for beskaeftigelsesind-\nsatsen\n",
            "3. Kebenhavns Kommunes vision for beskaeftigelsesindsatsen",
        ),
    ],
)
def test_wrapped_headings_become_one(text: str, expected: str) -> None:
    found = headings(f"{FILLER}\n\n{text}\n{FILLER}\n")
    assert [t for _, t in found] == [expected]


def test_short_standalone_lines_are_subheadings() -> None:
    text = f"""4.3 Dagpengemodtagere i job

Mal Kgbenhavn skal vere bedre end Aarhus Kommune til at fa akademikere i job..
Status Kgbenhavn er lidt l&ngere fra malet end sidste ar (2. kvartal 2017).
Status

{FILLER}

Indsatser

{FILLER}
"""
    assert headings(text) == [(2, "4.3 Dagpengemodtagere i job"), (3, "Status"), (3, "Indsatser")]


def test_table_fragments_bullets_and_lead_ins_are_not_headings() -> None:
    # Seed 000's goal table (cells OCR'd one per line), bullets and a `...:` lead-in line.
    text = f"""{FILLER}

Dagpengemodtagere i job

Jobparate
kontanthjeelpsmodtagere i
job

Unge i uddannelse

Kgbenhavn skal vaere bedst blandt sammenlignelige kommuner
(18-19 ar)

Kgbenhavn skal vaere bedst blandt sammenlignelige kommuner

Kgbenhavn skal vaere bedst blandt sammenlignelige kommuner
Kgbenhavn skal reducere afstanden til den bedst

Tidlig indsats og flere delvise raskmeldinger:
e Fokus pa, at den sygemeldte bevarer tilknytningen til sin arbejdsplads, ogsa selvom det
— Akademikeraftalen fra marts 2016

{FILLER}
"""
    assert headings(text) == []


def test_bullets_start_their_own_paragraph_without_the_sign() -> None:
    text = (
        "Formalet med beskaftigelsesplanen er at:\n"
        "e Beskrive, hvad Jobcenter Kgbenhavn konkret ggr for at leve op til malene i "
        "kommunens\n"
        "Vision 2020\n"
        "e Give et overblik over status og indsatser pa omradet\n"
    )
    frame = segment("t", parse_document(text.encode(), "plan.txt"))
    assert frame["text"].to_list() == [
        "Formalet med beskaftigelsesplanen er at:",
        "Beskrive, hvad Jobcenter Kgbenhavn konkret ggr for at leve op til malene i kommunens "
        "Vision 2020",
        "Give et overblik over status og indsatser pa omradet",
    ]
    assert frame.select("line_start", "line_end").rows() == [(1, 1), (2, 3), (4, 4)]


@pytest.mark.seeds
def test_seed_2018_plan_sections(seed) -> None:
    frame = segment("s0", read_document(seed(SEED_PLAN_2018)))
    numbered = [
        t.split()[0] for t in frame.filter(pl.col("is_heading") & (pl.col("level") <= 2))["text"]
    ]
    # The plan's own numbering, read off the document (4.1 is OCR'd as "41").
    assert numbered == [
        "1",
        "1.1",
        "2",
        "3",
        "4",
        "41",
        "4.2",
        "4.3",
        "4.4",
        "4.5",
        "4.6",
        "4.7",
        "5",
        "5.1",
        "5.2",
        "5.3",
        "5.4",
        "5.5",
        "6",
    ]
    goal = HEADING_SEPARATOR.join(
        [
            "5 Ministermal for 2018",
            "5.3 Flere flygtninge og familiesammenfarte skal vaere selvforsgrgende",
        ]
    )
    section = frame.filter(pl.col("heading_path").str.starts_with(goal))
    assert section["text"].str.contains("Kebenhavnermodel").any()
    assert section["line_start"].min() == 578  # where 5.3 starts in the file
    assert "Status" in frame.filter(pl.col("is_heading") & (pl.col("level") == 3))["text"]


@pytest.mark.seeds
def test_seed_2022_plan_goal_section(seed) -> None:
    frame = segment("s1", read_document(seed(SEED_PLAN_2022)))
    path = HEADING_SEPARATOR.join(
        ["4. Ministermal", "4.3. Flere flygtninge og familiesammenfgrte skal vaere selvforsgrgende"]
    )
    section = frame.filter(pl.col("heading_path").str.starts_with(path) & ~pl.col("is_heading"))
    assert section.height >= 5
    assert section["line_start"].min() > 597 and section["line_end"].max() < 644
    top = frame.filter(pl.col("is_heading") & (pl.col("level") == 1))["text"].to_list()
    assert top == [
        "1. Indledning",
        "2. Budget 2022",
        "3. Kebenhavns Kommunes vision for beskaeftigelsesindsatsen",
        "4. Ministermal",
        "5. Vejledning om mulighed for repatriering",
        "6. Resultater af beskaeftigelsesindsatsen",
    ]


@pytest.mark.seeds
def test_seed_markdown_budget_note(seed) -> None:
    raw = read_document(seed(SEED_BUDGET_2013))
    frame = segment("s2", raw)
    assert raw.format == "md"
    assert (
        HEADING_SEPARATOR.join(
            [
                "Budget 2013 - udmøntning af nye initiativer",
                "Nytteaktivering af unge kontanthjælpsmodtagere",
                "Indhold og formål",
            ]
        )
        in frame["heading_path"].to_list()
    )
    assert "Større mobilitet på tværs af Øresund" in frame["text"].to_list()


@pytest.mark.seeds
def test_seed_overview_rows_keep_their_cells(seed) -> None:
    frame = segment("s3", read_document(seed(SEED_OVERVIEW_2018)))
    rows = frame["text"].to_list()
    assert any(r.startswith("København | X | | | X | (X)") for r in rows)
    assert not any("<p>" in r for r in rows)
