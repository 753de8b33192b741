"""One municipality across years: goals aligned by wording, and what was added, dropped, changed."""

from __future__ import annotations

import polars as pl
import pytest

from compare.analysis.years import align_items, compare_years, label_similarity, municipality_years
from compare.errors import CompareError
from compare.frameworks.catalog import Framework, Item, load_frameworks
from compare.review.matrix import matrix_cells
from compare.schema import MATRIX_CELLS, conform
from compare.store.workspace import Workspace
from tests.app_support import seeded_workspace

# The ministerial goals of 2018 and of 2021–2024 (REFERENCE.md; seeds 000, 001 and 003).
GOALS_2018 = (
    "Flere personer skal i beskæftigelse eller uddannelse i stedet for at være på offentlig "
    "forsørgelse",
    "Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft.",
    "Flere flygtninge og familiesammenførte skal være selvforsørgende.",
    "Flere jobparate personer på kontanthjælp skal i beskæftigelse, og flere aktivitetsparate "
    "bliver jobparate eller kommer i beskæftigelse",
    "Bekæmpelse af social bedrageri og fejludbetalinger skal styrkes",
)
GOALS_2022 = (
    "Alle ledige skal have en værdig sagsbehandling",
    "Flere ledige skal opkvalificeres",
    "Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft",
    "Flere flygtninge og familiesammenførte skal være selvforsørgende",
    "Flere personer med handicap skal i beskæftigelse",
)


def _framework(fw_id: str, kind: str, year: int | None, labels: tuple[str, ...]) -> Framework:
    items = tuple(Item(str(n), label) for n, label in enumerate(labels, 1))
    return Framework(fw_id, fw_id, kind, year, items)


GOALS_A = _framework("goals-2018", "goals", 2018, GOALS_2018)
GOALS_B = _framework("goals-2022", "goals", 2022, GOALS_2022)
THEMES = _framework("themes", "themes", None, ("Unge og uddannelse", "Flygtninge"))


def test_recurring_goals_align_and_different_goals_do_not():
    pairs = align_items(GOALS_A.items, GOALS_B.items)
    assert [(a.id, b.id) for a, b, _ in pairs] == [("2", "3"), ("3", "4")]
    assert all(score >= 95 for _, _, score in pairs)


def test_ocr_damage_and_numbering_do_not_break_alignment():
    damaged = "2. Virksomhederne skal sikres den ngdvendige og kvalificerede arbejdskraft"
    assert label_similarity(damaged, GOALS_2022[2]) >= 95
    assert label_similarity("Flere ledige skal opkvalificeres", "Flere ledige skal i job") < 80


def _cells(rows: list[tuple[str, int, str, str, str]]) -> pl.DataFrame:
    return conform(
        pl.DataFrame(
            [
                {
                    "doc_id": f"{name}-{year}",
                    "municipality": name,
                    "year": year,
                    "framework_id": fw,
                    "item_id": item,
                    "level": level,
                }
                for name, year, fw, item, level in rows
            ]
        ),
        MATRIX_CELLS,
    )


CELLS = _cells(
    [
        ("København", 2018, "goals-2018", "1", "X"),
        ("København", 2018, "goals-2018", "2", "(X)"),
        ("København", 2018, "goals-2018", "3", "X"),
        ("København", 2018, "goals-2018", "4", ""),
        ("København", 2018, "goals-2018", "5", "X"),
        ("København", 2018, "themes", "1", "X"),
        ("København", 2018, "themes", "2", ""),
        ("København", 2022, "goals-2022", "1", "X"),
        ("København", 2022, "goals-2022", "2", "X"),
        ("København", 2022, "goals-2022", "3", "X"),
        ("København", 2022, "goals-2022", "4", "X"),
        # goal 5 of 2022 was not assessed (no cell); themes as in 2018 for item 1
        ("København", 2022, "themes", "1", "X"),
        ("København", 2022, "themes", "2", "(X)"),
        ("Gentofte", 2018, "goals-2018", "1", ""),
    ]
)


def test_compare_years_statuses():
    result = compare_years(CELLS, [GOALS_A, GOALS_B, THEMES], "København", 2018, 2022)
    rows = {
        (r["framework_a"], r["item_a"], r["framework_b"], r["item_b"]): (
            r["level_a"],
            r["level_b"],
            r["status"],
        )
        for r in result.iter_rows(named=True)
    }
    assert rows == {
        (None, None, "goals-2022", "1"): (None, "X", "added"),
        (None, None, "goals-2022", "2"): (None, "X", "added"),
        ("goals-2018", "2", "goals-2022", "3"): ("(X)", "X", "changed"),
        ("goals-2018", "3", "goals-2022", "4"): ("X", "X", "unchanged"),
        (None, None, "goals-2022", "5"): (None, None, "added"),
        ("goals-2018", "1", None, None): ("X", None, "dropped"),
        ("goals-2018", "4", None, None): ("", None, "dropped"),
        ("goals-2018", "5", None, None): ("X", None, "dropped"),
        ("themes", "1", "themes", "1"): ("X", "X", "unchanged"),
        ("themes", "2", "themes", "2"): ("", "(X)", "changed"),
    }
    # Goals first, in the newer year's order; then the themes.
    assert result["kind"].to_list() == ["goals"] * 8 + ["themes"] * 2


def test_an_aligned_goal_without_assessment_is_marked():
    cells = CELLS.filter(
        ~(
            (pl.col("year") == 2022)
            & (pl.col("item_id") == "4")
            & (pl.col("framework_id") == "goals-2022")
        )
    )
    result = compare_years(cells, [GOALS_A, GOALS_B], "København", 2018, 2022)
    row = result.filter(pl.col("item_b") == "4").row(0, named=True)
    assert (row["item_a"], row["level_a"], row["level_b"], row["status"]) == (
        "3",
        "X",
        None,
        "not_assessed",
    )


def test_missing_year_is_a_clear_error():
    assert municipality_years(CELLS, "København") == [2018, 2022]
    with pytest.raises(CompareError, match=r"København in 2020 .*2018, 2022"):
        compare_years(CELLS, [GOALS_A, GOALS_B], "København", 2018, 2020)
    with pytest.raises(CompareError, match="years with plans: none"):
        compare_years(CELLS, [GOALS_A, GOALS_B], "Ballerup", 2018, 2022)


@pytest.mark.seeds
def test_kobenhavn_2018_vs_2022_on_the_seed_plans(tmp_path_factory, seeds_dir):
    ws = Workspace(seeded_workspace(tmp_path_factory, seeds_dir))
    cells = matrix_cells(ws)
    assert municipality_years(cells, "København") == [2018, 2022]
    result = compare_years(cells, load_frameworks(), "København", 2018, 2022, ws.read_evidence())
    goals = result.filter(pl.col("kind") == "goals")
    aligned = goals.filter(pl.col("item_a").is_not_null() & pl.col("item_b").is_not_null())
    pairs = {
        (r["framework_a"], r["label_a"][:40], r["framework_b"], r["label_b"][:40])
        for r in aligned.iter_rows(named=True)
    }
    assert pairs == {
        (
            "ministermaal-2018",
            "Virksomhederne skal sikres den nødvendig",
            "ministermaal-2022",
            "Virksomhederne skal sikres den nødvendig",
        ),
        (
            "ministermaal-2018",
            "Flere flygtninge og familiesammenførte s",
            "ministermaal-2022",
            "Flere flygtninge og familiesammenførte s",
        ),
    }
    # Both plans were assessed on the recurring goals, so each has a level and a status.
    assert set(aligned["status"]) <= {"unchanged", "changed"}
    assert aligned["level_a"].null_count() == aligned["level_b"].null_count() == 0
    added = goals.filter(pl.col("status") == "added")["label_b"].to_list()
    assert "Flere personer med handicap skal i beskæftigelse" in added
    dropped = goals.filter(pl.col("status") == "dropped")
    assert dropped.height == 3
    assert dropped["framework_a"].unique().to_list() == ["ministermaal-2018"]
    # The RAR themes apply to both years: compared item by item.
    themes = result.filter(pl.col("kind") == "themes")
    rar = next(fw for fw in load_frameworks() if fw.id == "rar-hovedstaden-2018")
    assert (themes["item_a"] == themes["item_b"]).all() and themes.height == len(rar.items)
