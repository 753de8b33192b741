"""Theme overview: counts, Danish prose, gaps, and a draft text that rests on its passages."""

from __future__ import annotations

import csv
import io
import re

import polars as pl
import pytest
from click.testing import CliRunner

from compare.analysis.overview import (
    count_word,
    danish_list,
    excerpt,
    number_word,
    overview_markdown,
    theme_overview,
)
from compare.cli import main
from compare.frameworks.catalog import Framework, Item, find_framework
from compare.registry.lookup import load_registry
from compare.review.matrix import matrix_cells
from compare.schema import EVIDENCE, MATRIX_CELLS, conform
from compare.store.workspace import Workspace
from compare.text import normalise
from tests.app_support import seeded_workspace


@pytest.mark.parametrize(
    "names,expected",
    [
        ([], ""),
        (["Albertslund"], "Albertslund"),
        (["Albertslund", "Brøndby"], "Albertslund og Brøndby"),
        (["Albertslund", "Brøndby", "Gentofte"], "Albertslund, Brøndby og Gentofte"),
    ],
)
def test_danish_list(names, expected):
    assert danish_list(names) == expected


@pytest.mark.parametrize(
    "count,total,word",
    [
        (26, 26, "Alle"),
        (20, 26, "De fleste"),
        (12, 26, "Mange"),
        (7, 26, "En del"),
        (3, 26, "Nogle"),
        (2, 26, "Enkelte"),
        (0, 26, "Ingen"),
        (0, 0, "Ingen"),
    ],
)
def test_count_words_by_share(count, total, word):
    assert count_word(count, total) == word


def test_number_words():
    assert [number_word(n) for n in (2, 3, 12, 13)] == ["to", "tre", "tolv", "13"]
    assert number_word(5, capital=True) == "Fem"


def test_excerpt_takes_the_whole_sentence_with_the_matched_terms():
    quote = "Indledning om alt muligt. Københavnermodellen sikrer job til flygtninge. Slut."
    terms = [normalise("Københavnermodellen")]  # matched terms are stored as term keys
    assert excerpt(quote, terms) == "Københavnermodellen sikrer job til flygtninge."
    long = "Københavnermodellen " + "og mere tekst " * 30 + "slut."
    assert excerpt(long, terms, limit=60) == " ".join(long.split())  # never cut mid-sentence
    assert excerpt("Intet om temaet her. Heller ikke her.", terms) == ""


@pytest.mark.parametrize(
    "passage,expected",
    [
        (
            "Ledigheden for flygtninge falder til 4 pct. (ekskl. SU-modtagere). Andet.",
            "Ledigheden for flygtninge falder til 4 pct. (ekskl. SU-modtagere).",
        ),
        (
            "Aftalen blev indgået den 12. januar med flygtninge i fokus. Andet.",
            "Aftalen blev indgået den 12. januar med flygtninge i fokus.",
        ),
        (
            "Antallet af flygtninge i job var status pr. 1. marts 300. Andet.",
            "Antallet af flygtninge i job var status pr. 1. marts 300.",
        ),
        (
            "Indsatsen for flygtninge omfatter bl.a. mentorer og f.eks. IGU. Andet.",
            "Indsatsen for flygtninge omfatter bl.a. mentorer og f.eks. IGU.",
        ),
    ],
)
def test_quotes_are_never_cut_at_an_abbreviation(passage, expected):
    terms = [normalise("flygtninge")]
    assert excerpt(passage, terms) == expected


THEMES = Framework(
    "themes-test",
    "Temaer",
    "themes",
    None,
    (
        Item("1", "Unge og uddannelse", "Opkvalificering"),
        Item("2", "Flygtninge", "Integration"),
        Item("3", "Handicap", "Integration"),
        Item("4", "Småjobs", "Integration"),
    ),
)
MUNICIPALITIES = ["Albertslund", "Ballerup", "Brøndby", "Gentofte", "Tårnby"]

# (municipality, item, level, has a passage). Tårnby's Flygtninge "X" is an analyst's decision
# with no passage behind it; Ballerup has a passage for Småjobs but an analyst set it to none.
LEVELS = [
    ("Albertslund", "1", "X", True),
    ("Ballerup", "1", "(X)", True),
    ("Brøndby", "1", "(X)", True),
    ("Gentofte", "1", "X", True),
    ("Tårnby", "1", "", False),
    ("Albertslund", "2", "(X)", True),
    ("Ballerup", "2", "", False),
    ("Brøndby", "2", "", False),
    ("Gentofte", "2", "", False),
    ("Tårnby", "2", "X", False),
    ("Ballerup", "4", "", True),
]


def _doc(name: str) -> str:
    return f"doc-{MUNICIPALITIES.index(name)}"


@pytest.fixture
def frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    cells, evidence = [], []
    for name in MUNICIPALITIES:
        for item in THEMES.items:
            cells.append(
                {
                    "doc_id": _doc(name),
                    "municipality": name,
                    "year": 2018,
                    "framework_id": THEMES.id,
                    "item_id": item.id,
                    "level": "",
                }
            )
    for name, item, level, has_passage in LEVELS:
        cell = next(c for c in cells if c["doc_id"] == _doc(name) and c["item_id"] == item)
        cell["level"] = level
        if has_passage:
            evidence.append(
                {
                    "doc_id": _doc(name),
                    "framework_id": THEMES.id,
                    "item_id": item,
                    "rank": 1,
                    "seg_no": 10 + int(item),
                    "page": 3,
                    "quote": f"{name} har en *særlig* indsats for {item}.",
                    "heading_path": "4 Indsatser",
                    "matched_terms": ["indsats"],
                    "score": 1.0 + MUNICIPALITIES.index(name) / 10,
                    "is_target": level == "X",
                }
            )
    other = {
        "doc_id": "doc-x",
        "municipality": "Egedal",
        "year": 2018,
        "framework_id": "other-framework",
        "item_id": "1",
        "level": "X",
    }
    return (
        conform(pl.DataFrame([*cells, other]), MATRIX_CELLS),
        conform(pl.DataFrame(evidence), EVIDENCE),
    )


def _row(overview: pl.DataFrame, item_id: str) -> dict:
    return overview.filter(pl.col("item_id") == item_id).row(0, named=True)


def test_counts_and_municipalities_by_level(frames):
    overview = theme_overview(*frames, THEMES)
    assert overview["item_id"].to_list() == ["1", "2", "3", "4"]
    unge = _row(overview, "1")
    assert (unge["n_target"], unge["n_addressed"], unge["n_municipalities"], unge["n_plans"]) == (
        2,
        2,
        5,
        5,
    )
    assert unge["municipalities_target"] == ["Albertslund", "Gentofte"]
    assert unge["municipalities_addressed"] == ["Ballerup", "Brøndby"]
    assert unge["group"] == "Opkvalificering"
    flygtninge = _row(overview, "2")
    assert flygtninge["municipalities_target"] == ["Tårnby"]  # the analyst's decision counts
    assert flygtninge["municipalities_addressed"] == ["Albertslund"]


def test_gaps(frames):
    overview = theme_overview(*frames, THEMES)
    assert overview.filter(pl.col("is_gap"))["item_id"].to_list() == ["3", "4"]
    assert _row(overview, "3")["draft_text"] == "Ingen planer nævner temaet „Handicap“."
    # Ballerup's passage does not count: an analyst decided the plan does not address it.
    assert _row(overview, "4")["draft_text"] == "Ingen planer nævner temaet „Småjobs“."


def test_draft_text_in_the_overview_style(frames):
    unge = _row(theme_overview(*frames, THEMES), "1")
    assert unge["draft_text"].startswith(
        "De fleste kommuner (4 af 5) nævner temaet „Unge og uddannelse“ "
        "(Albertslund, Ballerup, Brøndby og Gentofte). "
        "To af dem har konkrete initiativer (Albertslund og Gentofte). "
        "Fx skriver Gentofte: „Gentofte har en *særlig* indsats for 1.“"
    )
    assert unge["draft_text"].endswith("Planen fra Tårnby nævner ikke temaet.")


def test_every_named_municipality_has_a_passage_behind_the_sentence(frames):
    cells, evidence = frames
    overview = theme_overview(cells, evidence, THEMES)
    passages = {(r["doc_id"], r["seg_no"]) for r in evidence.iter_rows(named=True)}
    for row in overview.iter_rows(named=True):
        for sentence in row["sentences"]:
            claim = re.sub(r"„[^“]*“", "", sentence["text"])  # quoted plan text aside
            named = {m for m in MUNICIPALITIES if m in claim}
            refs = {(r["doc_id"], r["seg_no"]) for r in sentence["refs"]}
            if sentence["basis"] == "evidence":
                assert refs, sentence
                backed = {m for m in named if any(r[0] == _doc(m) and r in passages for r in refs)}
                assert named == backed, sentence
            else:
                assert not refs
    flygtninge = _row(overview, "2")
    first = flygtninge["sentences"][0]
    # Tårnby is counted (an analyst said X) but not named: no passage of its plan says so.
    assert first["text"] == "Mange kommuner (2 af 5) nævner temaet „Flygtninge“ (fx Albertslund)."
    assert {"doc_id": _doc("Tårnby"), "seg_no": None} in first["refs"]


def test_small_counts_read_naturally():
    fw = Framework("f", "F", "goals", 2018, (Item("1", "Flere i job."),))
    cells = conform(
        pl.DataFrame(
            [
                {
                    "doc_id": "a",
                    "municipality": "Albertslund",
                    "year": 2018,
                    "framework_id": "f",
                    "item_id": "1",
                    "level": "(X)",
                }
            ]
        ),
        MATRIX_CELLS,
    )
    evidence = conform(
        pl.DataFrame(
            [
                {
                    "doc_id": "a",
                    "framework_id": "f",
                    "item_id": "1",
                    "rank": 1,
                    "seg_no": 4,
                    "quote": "Flere skal i job.",
                    "matched_terms": [],
                    "score": 1.0,
                    "is_target": False,
                }
            ]
        ),
        EVIDENCE,
    )
    row = theme_overview(cells, evidence, fw).row(0, named=True)
    assert row["draft_text"] == (
        "Planen fra Albertslund nævner målet „Flere i job“. Planen beskriver indsatsen, men "
        "uden konkrete mål (resultatniveauer). Fx skriver Albertslund: „Flere skal i job.“"
    )
    empty = theme_overview(cells.clear(), evidence.clear(), fw).row(0, named=True)
    assert empty["n_plans"] == 0 and empty["is_gap"]
    assert empty["draft_text"] == "Ingen planer er vurderet mod denne ramme endnu."


def test_markdown_has_numbered_sources_and_inert_document_text(frames):
    overview = theme_overview(*frames, THEMES)
    text = overview_markdown(overview, THEMES)
    assert text.startswith("# Temaoversigt: Temaer\n")
    assert "## Opkvalificering" in text and "### 1. Unge og uddannelse" in text
    assert r"\*særlig\*" in text and "*særlig*" not in text.replace(r"\*særlig\*", "")
    unge = text.split("### 1. ")[1].split("###")[0]
    markers = {int(n) for group in re.findall(r"\[([\d, ]+)\]", unge) for n in group.split(",")}
    sources = re.findall(r"^(\d+)\. ", unge, flags=re.MULTILINE)
    assert markers == {int(n) for n in sources} == {1, 2, 3, 4}  # the four with passages
    assert "analytikerens vurdering" not in unge
    plain = overview_markdown(overview, THEMES, references=False)
    assert "Kilder:" not in plain and "[1" not in plain


# -- on the seed plans, through the real pipeline --------------------------------------------


@pytest.fixture(scope="module")
def seeded_ws(tmp_path_factory: pytest.TempPathFactory, seeds_dir) -> Workspace:
    return Workspace(seeded_workspace(tmp_path_factory, seeds_dir))


def _claims(text: str) -> str:
    return re.sub(r"„[^“]*“", "", text)  # the plans' own (quoted) words aside


@pytest.mark.seeds
@pytest.mark.parametrize("year", [2018, None])
def test_rar_overview_on_the_seed_plans_names_only_municipalities_with_evidence(seeded_ws, year):
    framework = find_framework("rar-hovedstaden-2018")
    cells = matrix_cells(seeded_ws, [framework.id])
    if year is not None:
        cells = cells.filter(pl.col("year") == year)
    evidence = seeded_ws.read_evidence()
    overview = theme_overview(cells, evidence, framework)
    assert overview.height == len(framework.items)
    addressed = cells.filter(pl.col("level") != "")
    with_passage = addressed.join(
        evidence.filter(pl.col("framework_id") == framework.id),
        on=["doc_id", "item_id"],
        how="semi",
    )
    names = [m.name for m in load_registry().municipalities()]
    passages = {(r["doc_id"], r["seg_no"]) for r in evidence.iter_rows(named=True)}
    for row in overview.iter_rows(named=True):
        backed = set(with_passage.filter(pl.col("item_id") == row["item_id"])["municipality"])
        named = {n for n in names if re.search(rf"\b{re.escape(n)}\b", _claims(row["draft_text"]))}
        assert named <= backed, (row["item_id"], row["draft_text"])
        level_of = set(addressed.filter(pl.col("item_id") == row["item_id"])["municipality"])
        assert set(row["municipalities_target"]) | set(row["municipalities_addressed"]) == level_of
        assert row["is_gap"] == (not level_of)
        if row["is_gap"]:
            assert row["draft_text"].startswith("Ingen planer nævner temaet")
        for sentence in row["sentences"]:
            refs = {(r["doc_id"], r["seg_no"]) for r in sentence["refs"]}
            assert refs <= passages  # every reference is a real stored passage
            assert bool(refs) == (sentence["basis"] == "evidence")
    assert set(overview["n_municipalities"]) == {1}  # the seeds hold København's plans only
    assert set(overview["n_plans"]) == {1 if year else 2}
    assert not overview["is_gap"].all()


@pytest.mark.seeds
def test_cli_overview_markdown_and_csv(seeded_ws):
    args = ["overview", "--framework", "rar-hovedstaden-2018", "--workspace", str(seeded_ws.root)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Temaoversigt: ")
    assert "Kilder:" in result.output and "København" in result.output
    result = CliRunner().invoke(main, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    framework = find_framework("rar-hovedstaden-2018")
    assert [r["item_id"] for r in rows] == [i.id for i in framework.items]
    assert all(r["draft_text"] for r in rows)
    result = CliRunner().invoke(
        main, ["overview", "--framework", "no-such-framework", "--workspace", str(seeded_ws.root)]
    )
    assert result.exit_code == 1 and "unknown framework 'no-such-framework'" in result.output


def test_drafts_group_municipalities_by_what_their_passages_name():
    framework = Framework(
        "groups-test",
        "Temaer",
        "themes",
        None,
        (
            Item(
                "1",
                "Rekruttering",
                keywords=("Jobservice Danmark", "langvarigt ledige"),
                terms=(normalise("Jobservice Danmark"), normalise("langvarigt ledige")),
            ),
        ),
    )
    quotes = {
        "Albertslund": "Vi samarbejder med Jobservice Danmark om rekruttering.",
        "Ballerup": "Jobcentret bruger Jobservice Danmark. Det virker.",
        "Brøndby": "Indsatsen for de langvarigt ledige og Jobservice Danmark styrkes.",
        "Gentofte": "De langvarigt ledige får en særlig indsats.",
        "Tårnby": "Intet om det.",
    }
    cells, evidence = [], []
    for index, (name, quote) in enumerate(quotes.items()):
        level = "" if name == "Tårnby" else "(X)"
        cells.append(
            {
                "doc_id": f"d{index}",
                "municipality": name,
                "year": 2018,
                "framework_id": framework.id,
                "item_id": "1",
                "level": level,
            }
        )
        if level:
            terms = [t for t in framework.items[0].terms if t.split()[0] in normalise(quote)]
            evidence.append(
                {
                    "doc_id": f"d{index}",
                    "framework_id": framework.id,
                    "item_id": "1",
                    "rank": 1,
                    "seg_no": index,
                    "quote": quote,
                    "matched_terms": terms,
                    "score": 1.0,
                    "is_target": False,
                }
            )
    overview = theme_overview(
        conform(pl.DataFrame(cells), MATRIX_CELLS),
        conform(pl.DataFrame(evidence), EVIDENCE),
        framework,
    )
    texts = [s["text"] for s in overview.row(0, named=True)["sentences"]]
    assert texts[0].startswith("De fleste kommuner (4 af 5) nævner temaet „Rekruttering“")
    assert (
        "De fleste kommuner (3 af 5) nævner Jobservice Danmark (Albertslund, Ballerup og Brøndby)."
        in texts
    )
    assert "Mange kommuner (2 af 5) nævner langvarigt ledige (Brøndby og Gentofte)." in texts
    assert not any("Tårnby" in t for t in texts if "nævner ikke" not in t)
