"""Metadata detection from content: the real seeds, and small texts for each rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compare.ingest.metadata import detect_metadata
from compare.ingest.period import detect_period, fold_parts, fold_text
from compare.registry.data import DATA_DIR
from compare.registry.lookup import load_registry
from compare.schema import KIND_OTHER, KIND_OVERVIEW, KIND_PLAN
from tests.conftest import SEED_BUDGET_2013, SEED_OVERVIEW_2018, SEED_PLAN_2018, SEED_PLAN_2022


@pytest.mark.seeds
@pytest.mark.parametrize(
    "name,municipality,year,year_to,kind",
    [
        (SEED_PLAN_2018, "København", 2018, 2018, KIND_PLAN),  # "Dette er 2018-versionen"
        (SEED_PLAN_2022, "København", 2022, 2022, KIND_PLAN),
        (SEED_BUDGET_2013, "København", 2013, 2013, KIND_OTHER),
    ],
)
def test_seed_documents(
    seed, name: str, municipality: str, year: int, year_to: int, kind: str
) -> None:
    found = detect_metadata(seed(name).read_text(encoding="utf-8"))
    assert (found.municipality, found.year, found.year_to, found.kind) == (
        municipality,
        year,
        year_to,
        kind,
    )
    assert found.kommunekode == "101"
    assert found.municipality_note is None
    assert found.title


@pytest.mark.seeds
def test_seed_overview_is_not_a_plan(seed) -> None:
    found = detect_metadata(seed(SEED_OVERVIEW_2018).read_text(encoding="utf-8"))
    assert found.kind == KIND_OVERVIEW
    assert found.municipality is None
    assert "RAR Hovedstaden" in found.municipality_note
    assert found.year == 2018
    assert found.title == "Kommunernes beskæftigelsesplaner 2018"


@pytest.mark.seeds
def test_seed_budget_note_title(seed) -> None:
    found = detect_metadata(seed(SEED_BUDGET_2013).read_text(encoding="utf-8"))
    assert found.title == "Budget 2013 - udmøntning af nye initiativer"


@pytest.mark.seeds
def test_seed_2018_without_its_version_line_falls_back_to_the_period(seed) -> None:
    text = seed(SEED_PLAN_2018).read_text(encoding="utf-8")
    assert "Dette er 2018-versionen." in text
    found = detect_metadata(text.replace("Dette er 2018-versionen.", ""))
    assert (found.year, found.year_to) == (2016, 2020)


@pytest.mark.parametrize(
    "text,municipality,year,year_to,kind",
    [
        (
            "Beskæftigelsesplan 2019\n\nHvidovre Kommune\n\n"
            "Jobcenter Hvidovre har fokus på unge.\n",
            "Hvidovre",
            2019,
            2019,
            KIND_PLAN,
        ),
        (
            "Punkt 3 Beskæftigelsesplan 2022\n\nSagsfremstilling\n\nBeskæftigelsesplanen for "
            "Gladsaxe Kommune beskriver indsatsen. Jobcenter Gladsaxe har fokus på ledige.\n",
            "Gladsaxe",
            2022,
            2022,
            KIND_PLAN,
        ),
        (
            "Social- og beskæftigelsesplan 2023-2026\n\nFredericia Kommune\n\nPlanen beskriver, "
            "hvordan Fredericia Kommune arbejder.\n",
            "Fredericia",
            2023,
            2026,
            KIND_PLAN,
        ),
        ("Beskæftigelsesplan 2020-2022\n\nAssens Kommune\n", "Assens", 2020, 2022, KIND_PLAN),
        ("Beskæftigelsesplan 2019-22\n\nKøge Kommune\n", "Køge", 2019, 2022, KIND_PLAN),
        ("# Beskæftigelsesplanen for 2024\n\nAalborg Kommune\n", "Aalborg", 2024, 2024, KIND_PLAN),
        # OCR'd: folded spellings of beskæftigelsesplan, København and ministermål.
        (
            "Kgbenhavns beskaftigelsesplan\n\nJobcenter Kgbenhavn arbejder med ministermalene for "
            "2018.\n",
            "København",
            2018,
            2018,
            KIND_PLAN,
        ),
        (
            "Indledning\n\nBeskeeftigelsesplanen for 2022 er bygget op omkring visionen for "
            "Jobcenter Kebenhavn.\n",
            "København",
            2022,
            2022,
            KIND_PLAN,
        ),
        # The version in hand wins over the strategy period it belongs to.
        (
            "Indledning\n\nJobcenter Odense. Denne beskæftigelsesplan gælder for perioden 2016 til "
            "2020. Dette er 2018-versionen.\n",
            "Odense",
            2018,
            2018,
            KIND_PLAN,
        ),
        (
            "Budget 2013 - nye initiativer\n\nRanders Kommune afsætter midler til "
            "jobcentret i 2013 og 2014.\n",
            "Randers",
            2013,
            2013,
            KIND_OTHER,
        ),
        (
            "Beskæftigelsesplan 2021\n\nJobcenter Tårnby-Dragør\n\nJobcentret har fokus på unge.\n",
            "Tårnby",
            2021,
            2021,
            KIND_PLAN,
        ),
    ],
)
def test_synthetic_texts(text: str, municipality: str, year: int, year_to: int, kind: str) -> None:
    found = detect_metadata(text)
    assert (found.municipality, found.year, found.year_to, found.kind) == (
        municipality,
        year,
        year_to,
        kind,
    )


def test_joint_jobcentre_is_noted() -> None:
    found = detect_metadata("Beskæftigelsesplan 2019\n\nJobcenter Tårnby-Dragør\n\nTekst.\n")
    assert found.kommunekode == "185"
    assert "Tårnby-Dragør" in found.municipality_note


def test_a_plan_that_mentions_neighbours_is_about_its_own_municipality() -> None:
    text = (
        "Beskæftigelsesplan 2019\n\nHvidovre Kommune\n\n"
        "Jobcenter Hvidovre samarbejder med Brøndby og Rødovre om rekruttering. "
        "Hvidovre Kommune deltager i et netværk med København, Albertslund og Glostrup.\n\n"
        + "Jobcenter Hvidovre har fokus på unge ledige.\n\n"
        * 3
    )
    found = detect_metadata(text)
    assert found.municipality == "Hvidovre"
    assert found.kind == KIND_PLAN


def test_no_municipality_named_is_unsure() -> None:
    found = detect_metadata(
        "Beskæftigelsesplan 2020-2022\n\nIndledning\n\nDenne plan beskriver "
        "indsatsen for ledige borgere og virksomheder.\n"
    )
    assert found.municipality is None and found.kommunekode is None
    assert "no municipality" in found.municipality_note
    assert (found.year, found.year_to, found.kind) == (2020, 2022, KIND_PLAN)


def test_two_municipalities_named_equally_is_unsure() -> None:
    found = detect_metadata(
        "Beskæftigelsesplan 2020\n\nJobcenter Herning og Jobcenter "
        "Holstebro samarbejder om indsatsen. Herning Kommune og Holstebro "
        "Kommune har fælles mål.\n"
    )
    assert found.municipality is None
    assert "Herning" in found.municipality_note and "Holstebro" in found.municipality_note


def test_a_passing_mention_is_not_enough() -> None:
    found = detect_metadata(
        "Beskæftigelsesplan 2020\n\nIndledning\n\n"
        + "Tekst om ledige. " * 200
        + "\n\nEt eksempel fra Vejle nævnes.\n"
    )
    assert found.municipality is None
    assert "Vejle" in found.municipality_note


def test_names_that_are_common_words_count_only_as_names() -> None:
    # "Vejen" is a municipality and "the road"; at a sentence start it is the word.
    found = detect_metadata(
        "Beskæftigelsesplan 2021\n\nIndledning\n\nVejen til job går gennem "
        "uddannelse. Vejen er lang.\n"
    )
    assert found.municipality is None
    found = detect_metadata(
        "Beskæftigelsesplan 2021 for Vejen Kommune\n\nVejen til job går gennem uddannelse.\n"
    )
    assert found.municipality == "Vejen"


def test_overview_of_many_plans() -> None:
    rows = [
        "Albertslund",
        "Allerød",
        "Ballerup",
        "Brøndby",
        "Egedal",
        "Fredensborg",
        "Frederiksberg",
        "Gentofte",
        "Gladsaxe",
        "Glostrup",
    ]
    text = (
        "Kommunernes beskæftigelsesplaner 2019\n\nOversigt\n\n"
        + "\n".join(f"{name}\tX\t(X)\t" for name in rows)
        + "\n"
    )
    found = detect_metadata(text)
    assert found.kind == KIND_OVERVIEW
    assert found.municipality is None
    assert found.year == 2019
    assert "RAR Hovedstaden" in found.municipality_note  # from the members' council in 2019


def test_other_document_without_plan_words() -> None:
    found = detect_metadata("Notat\n\nDette notat handler om noget helt andet i 2015.\n")
    assert found.kind == KIND_OTHER
    assert found.title == "Notat"


@pytest.mark.parametrize(
    "text,title",
    [
        ("Beskæftigelsesplan 2019\nHvidovre Kommune\n\nTekst.\n", "Beskæftigelsesplan 2019"),
        (
            "Forside\n\n## Beskæftigelsesplan 2019 for Egedal\n\nTekst.\n",
            "Beskæftigelsesplan 2019 for Egedal",
        ),
        # Numbered sections and wrapped paragraph lines are never the title; a title is then
        # made from what was detected.
        (
            "1 Indledning\n\n"
            "Jobcenter Ballerup beskriver i denne beskæftigelsesplan for 2019 status\n"
            "og indsatser for de ledige grupper, og hvordan Ballerup Kommune arbejder med "
            "målene.\n\n"
            "1.1 Ændringer i forhold til beskæftigelsesplanen fra 2018\n",
            "Beskæftigelsesplan 2019 – Ballerup",
        ),
    ],
)
def test_title(text: str, title: str) -> None:
    assert detect_metadata(text).title == title


def test_empty_and_odd_text_does_not_fail() -> None:
    for text in ("", "   \n\n ", "2019", "\x00\x01 binær", "æøå " * 10_000):
        found = detect_metadata(text)
        assert found.kind in (KIND_PLAN, KIND_OTHER, KIND_OVERVIEW)
        assert found.municipality is None


@pytest.mark.parametrize(
    "title,opening,expected",
    [
        ("Beskæftigelsesplan 2019", "", (2019, 2019)),
        ("", "dette er 2018-versionen af beskæftigelsesplanen for 2016-2020", (2018, 2018)),
        ("", "beskeeftigelsesplanen for 2022 er bygget op", (2022, 2022)),
        ("", "ministermalene for 2018 er", (2018, 2018)),
        ("", "beskæftigelsesplan 2013-2030", (2013, 2013)),  # too long for a plan period
        ("", "ingen årstal her", (None, None)),
    ],
)
def test_detect_period(title: str, opening: str, expected: tuple) -> None:
    folded_opening, body = fold_parts(opening)
    assert detect_period(fold_text(title), folded_opening, body) == expected


def test_detection_uses_the_registry_it_is_given(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(
        DATA_DIR, folder, ignore=shutil.ignore_patterns("frameworks", "plans", "workspace")
    )
    with open(folder / "aliases.csv", "a", encoding="utf-8") as handle:
        handle.write("Storkøbenhavn Nord,Gentofte,test alias\n")
    registry = load_registry(folder)
    text = "Beskæftigelsesplan 2019\n\nStorkøbenhavn Nord Kommune\n\nTekst.\n"
    assert detect_metadata(text, registry).municipality == "Gentofte"
    assert detect_metadata(text).municipality != "Gentofte"
