"""The tagger on small plans: levels from headings, terms and targets; evidence; applicability."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from compare.frameworks.catalog import find_framework, load_framework
from compare.schema import EVIDENCE, TAGS
from compare.tagging.pipeline import tag_documents
from compare.tagging.targets import find_targets, target_strength
from tests.tag_samples import (
    BACKGROUND,
    GOAL3_OCR,
    Outline,
    level_of,
    plan_documents,
    plan_segments,
)

CASES = [
    # Goals: a mirrored heading makes the goal addressed; a target sentence in it makes X.
    (
        "ministermaal-2018",
        "3",
        "X",
        [
            (
                GOAL3_OCR,
                1,
                ["Kommunen har som mal, at 60 pct. af flygtningene skal vaere i job efter tre ar."],
            )
        ],
    ),
    (
        "ministermaal-2018",
        "3",
        "(X)",
        [(GOAL3_OCR, 1, ["Alle flygtninge tilbydes et virksomhedsforlgb og en mentor."])],
    ),
    ("ministermaal-2018", "3", "", []),
    # A mention in passing does not make a goal addressed.
    (
        "ministermaal-2018",
        "3",
        "",
        [("6 Unge ledige", 1, ["Blandt de unge ledige er der også enkelte flygtninge."])],
    ),
    # Status figures are not targets, even in the goal's own section.
    (
        "ministermaal-2018",
        "3",
        "(X)",
        [(GOAL3_OCR, 1, ["51 pct. af flygtningene var i beskæftigelse i 2. kvartal 2021."])],
    ),
    # No mirrored heading: the goal's terms must meet in one section.
    (
        "ministermaal-2018",
        "5",
        "(X)",
        [
            (
                "6 Kontrol",
                1,
                [
                    "Kontrolindsatsen skal forebygge socialt bedrageri og fejludbetalinger, og "
                    "tilbagebetalingskrav følges op i samarbejde med Udbetaling Danmark."
                ],
            )
        ],
    ),
    (
        "ministermaal-2018",
        "5",
        "X",
        [
            (
                "6 Kontrol",
                1,
                [
                    "Kontrolindsatsen skal forebygge socialt bedrageri og fejludbetalinger.",
                    "Målet er, at fejludbetalingerne skal reduceres med 20 pct. i 2018.",
                ],
            )
        ],
    ),
    # A goal section that points to another section for its target ("afsnit 7.2").
    (
        "ministermaal-2018",
        "1",
        "X",
        [
            (
                "6 Flere personer skal i beskæftigelse eller uddannelse i stedet for at være på "
                "offentlig forsørgelse",
                1,
                ["Målene for dette er beskrevet i afsnit 7.2."],
            ),
            ("7 Visionen", 1, []),
            (
                "7.2 Dagpengemodtagere i job",
                2,
                ["Mål: København skal være blandt de 10 bedste kommuner i klyngen."],
            ),
        ],
    ),
    (
        "ministermaal-2018",
        "1",
        "(X)",
        [
            (
                "6 Flere personer skal i beskæftigelse eller uddannelse i stedet for at være på "
                "offentlig forsørgelse",
                1,
                ["Indsatsen er beskrevet i de øvrige afsnit."],
            ),
            ("7 Visionen", 1, []),
            (
                "7.2 Dagpengemodtagere i job",
                2,
                ["Mål: København skal være blandt de 10 bedste kommuner i klyngen."],
            ),
        ],
    ),
    # Themes: a passing "a-kasser" in a statistic is not cooperation with a-kasser.
    (
        "rar-hovedstaden-2018",
        "1",
        "",
        [
            (
                "6 Dagpengemodtagere",
                1,
                ["Dagpengemodtagere fra a-kasser med mange ufaglærte medlemmer udgør 17 procent."],
            )
        ],
    ),
    (
        "rar-hovedstaden-2018",
        "1",
        "X",
        [
            (
                "6 Rekruttering på tværs",
                1,
                [
                    "Kommunen deltager i Hovedstadens Rekrutteringsservice (HRS) med "
                    "nabokommunerne og samarbejder med a-kasserne om at rekruttere ledige "
                    "til bygge- og anlægsprojekter.",
                    "Rekrutteringssamarbejdet dækker hele hovedstadsområdet.",
                ],
            )
        ],
    ),
    # OCR'd words still match (flygtningeindsatsen, nyankomne, asylcentrene).
    (
        "rar-hovedstaden-2018",
        "16",
        "X",
        [
            (
                "6 Integration",
                1,
                [
                    "Flygtningeindsatsen starter mens flygtningene er pa asylcentrene. Alle "
                    "nyankomne flygtninge tilbydes en integrationsgrunduddannelse (IGU) og "
                    "fagdansk."
                ],
            )
        ],
    ),
    # Generic words of a theme's label are no evidence ("anvendelse", "ordninger", "borgere").
    (
        "rar-hovedstaden-2018",
        "14",
        "",
        [("6 Ordninger", 1, ["Anvendelse af ordninger for borgere og medarbejdere følges tæt."])],
    ),
    (
        "rar-hovedstaden-2018",
        "14",
        "X",
        [
            (
                "6 Handicap",
                1,
                [
                    "Virksomhederne informeres om de handicapkompenserende ordninger, bl.a. "
                    "personlig assistance og hjælpemidler, så flere borgere med handicap kan "
                    "fastholdes i job."
                ],
            )
        ],
    ),
]


@pytest.mark.parametrize(
    "framework_id,item_id,expected,outline",
    CASES,
    ids=[f"{c[0]}:{c[1]}:{c[2] or 'blank'}:{n}" for n, c in enumerate(CASES)],
)
def test_level(framework_id: str, item_id: str, expected: str, outline: Outline) -> None:
    assert level_of(framework_id, item_id, outline) == expected


@pytest.mark.parametrize(
    "sentence,strength",
    [
        ("Kgbenhavn skal vaere bedst blandt sammenlignelige kommuner (18-19 ar)", 2.0),
        ("Målet er at reducere ledigheden med 5 procentpoint.", 2.0),
        ("Mal Kgbenhavn skal bevare sin fgrerposition blandt sammenlignelige kommuner.", 2.0),
        ("I 2021 er måltallet 850 fleksjobansatte i Københavns Kommune.", 1.0),
        ("Status Kgbenhavn er nummer 30 ud af 30 i klyngen (2. kvartal 2017).", 0.0),
        (
            "Fra 2016 til 2019 styrkes indsatsen med 120 mio. kr., hvilket skal understøtte målet.",
            0.0,
        ),
        ("Alle nye medarbejdere skal starte på 1. del kort efter ansættelsen.", 0.0),
        ("5.2 Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft", 0.0),
        ("Indsatsen er beskrevet i afsnit 4.3, og målet skal nås.", 0.0),
    ],
)
def test_target_sentences(sentence: str, strength: float) -> None:
    assert target_strength(sentence) == strength


def test_targets_are_split_from_a_paragraph() -> None:
    text = (
        "Der er 3.300 unge på uddannelseshjælp. Målet er, at 70 pct. skal være i uddannelse. "
        "Indsatsen evalueres."
    )
    assert [t.sentence for t in find_targets(text)] == [
        "Målet er, at 70 pct. skal være i uddannelse."
    ]


def test_evidence_points_at_the_target_passage() -> None:
    fw = find_framework("ministermaal-2018")
    outline = BACKGROUND + [
        (
            GOAL3_OCR,
            1,
            [
                "Flygtninge tilbydes virksomhedspraktik.",
                "Kommunen har som mal, at 60 pct. af flygtningene skal vaere i job efter tre ar.",
            ],
        )
    ]
    tags, evidence = tag_documents(
        plan_documents([("p", 2018, 2018)]), plan_segments("p", outline), [fw]
    )
    assert tags.schema == pl.Schema(TAGS) and evidence.schema == pl.Schema(EVIDENCE)
    tag = tags.filter(pl.col("item_id") == "3").row(0, named=True)
    assert tag["target_sentence"].startswith("Kommunen har som mal, at 60 pct.")
    assert tag["framework_hash"].startswith(fw.content_hash) and tag["text_hash"] == "text-p"
    rows = evidence.filter(pl.col("item_id") == "3").sort("rank")
    best = rows.row(0, named=True)
    assert best["is_target"] and "60 pct." in best["quote"]
    assert best["heading_path"] == GOAL3_OCR and best["line_start"] > 1
    assert rows["rank"].to_list() == list(range(1, rows.height + 1))
    assert rows["is_target"].sum() == 1
    assert not any(q == GOAL3_OCR for q in rows["quote"].to_list())  # headings are not quotes


def test_goals_apply_by_period_and_themes_to_every_plan() -> None:
    goals18, themes = find_framework("ministermaal-2018"), find_framework("rar-hovedstaden-2018")
    docs = plan_documents(
        [("a", 2018, 2018), ("b", 2016, 2020), ("c", 2022, 2022), ("d", None, None)]
    )
    segments = pl.concat([plan_segments(d, BACKGROUND) for d in "abcd"])
    tags, _ = tag_documents(docs, segments, [goals18, themes])
    pairs = set(tags.select("doc_id", "framework_id").unique().iter_rows())
    assert pairs == {("a", goals18.id), ("b", goals18.id)} | {(d, themes.id) for d in "abcd"}
    assert tags.filter(pl.col("framework_id") == themes.id).height == 4 * 16


def test_document_without_segments_gets_blank_levels() -> None:
    fw = find_framework("ministermaal-2018")
    tags, evidence = tag_documents(
        plan_documents([("empty", 2018, 2018)]), plan_segments("other", BACKGROUND), [fw]
    )
    assert tags["level"].to_list() == [""] * 5 and evidence.is_empty()


LABELS_ONLY_2031 = """\
id = "ministermaal-2031"
title = "Beskæftigelsespolitiske mål 2031"
kind = "goals"
year = 2031

[[items]]
id = "1"
label = "Flere seniorer skal blive længere på arbejdsmarkedet"

[[items]]
id = "2"
label = "Flere ufaglærte skal have en erhvervsuddannelse"

[[items]]
id = "3"
label = "Grøn omstilling skal skabe nye job"
"""


def test_labels_only_framework_of_a_new_year(tmp_path: Path) -> None:
    path = tmp_path / "ministermaal-2031.toml"
    path.write_text(LABELS_ONLY_2031, encoding="utf-8")
    fw = load_framework(path)  # no keywords, no other frameworks to borrow from
    plan = BACKGROUND + [
        ("6 Ministermål 2031", 1, ["Ministeren har udmeldt tre mål for 2031."]),
        (
            "6.1 Flere seniorer skal blive længere på arbejdsmarkedet",
            2,
            [
                "Kommunen vil fastholde seniorer i job. Målet er, at 65 pct. af de 60-64-årige "
                "skal være i beskæftigelse i 2031."
            ],
        ),
        (
            "7 Opkvalificering af ufaglærte",
            1,
            [
                "Ufaglærte ledige får tilbud om en erhvervsuddannelse som voksenlærling, og "
                "ufaglærte i job kan tage en erhvervsuddannelse med løntilskud."
            ],
        ),
    ]
    tags, _ = tag_documents(
        plan_documents([("p2031", 2031, 2031)]), plan_segments("p2031", plan), [fw]
    )
    levels = dict(tags.select("item_id", "level").iter_rows())
    assert levels == {"1": "X", "2": "(X)", "3": ""}
    other_year, _ = tag_documents(
        plan_documents([("p2030", 2030, 2030)]), plan_segments("p2030", plan), [fw]
    )
    assert other_year.is_empty()
