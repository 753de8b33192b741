"""The Matrix page's display table, built without Streamlit: rows, columns, marks, totals."""

from __future__ import annotations

import polars as pl
import pytest

from compare.frameworks.catalog import Framework, Item
from compare.registry.lookup import load_registry
from compare.schema import DOCUMENTS, MATRIX_CELLS, conform
from compare.ui.components import escape_markdown, highlight, location
from compare.ui.tables import (
    MISSING,
    TOTAL_COL,
    build_matrix_view,
    cell_level,
    cell_text,
    column_name,
    covered_years,
    docs_for_year,
    document_councils,
    framework_prefixes,
    ordered_items,
    parse_column,
)

THEMES = Framework(
    id="themes",
    title="Temaer",
    kind="themes",
    year=None,
    items=(
        Item("1", "Rekruttering A", "Rekruttering"),
        Item("2", "Unge", "Opkvalificering"),
        Item("3", "Rekruttering B", "Rekruttering"),
    ),
)
GOALS = Framework(
    id="goals",
    title="Mål 2018",
    kind="goals",
    year=2018,
    items=(Item("1", "Flere i job"), Item("2", "Arbejdskraft")),
)


def _docs(rows: list[tuple[str, str | None, int, int, str]]) -> pl.DataFrame:
    return conform(
        pl.DataFrame(
            [
                {
                    "doc_id": d,
                    "municipality": m,
                    "year": y,
                    "year_to": t,
                    "kind": k,
                    "file_name": f"{d}.pdf",
                }
                for d, m, y, t, k in rows
            ]
        ),
        DOCUMENTS,
    )


def _cells(rows: list[tuple[str, str, str, str, bool, bool]]) -> pl.DataFrame:
    return conform(
        pl.DataFrame(
            [
                {
                    "doc_id": d,
                    "framework_id": f,
                    "item_id": i,
                    "level": lv,
                    "tagger_level": lv,
                    "reviewed": r,
                    "recheck": c,
                }
                for d, f, i, lv, r, c in rows
            ]
        ),
        MATRIX_CELLS,
    )


@pytest.mark.parametrize(
    "level,reviewed,recheck,expected",
    [
        ("X", False, False, "X"),
        ("(X)", True, False, "(X) ✓"),
        ("", True, False, "✓"),
        ("X", True, True, "X ⚠"),
        ("", False, False, ""),
        (None, False, False, MISSING),
    ],
)
def test_cell_text_marks_review_and_recheck(level, reviewed, recheck, expected):
    assert cell_text(level, reviewed, recheck) == expected
    assert cell_level(expected) == level


def test_columns_follow_frameworks_then_theme_groups():
    pairs = ordered_items([THEMES, GOALS])
    assert [(fw.id, it.id) for fw, it in pairs] == [
        ("themes", "1"),
        ("themes", "3"),
        ("themes", "2"),
        ("goals", "1"),
        ("goals", "2"),
    ]
    only = ordered_items([THEMES], groups=["Opkvalificering"])
    assert [it.id for _, it in only] == ["2"]
    assert parse_column(column_name("goals", "2")) == ("goals", "2")
    assert parse_column("Kommune") is None


def test_matrix_view_rows_cells_and_totals():
    docs = _docs(
        [
            ("a", "Albertslund", 2018, 2018, "plan"),
            ("b", "Ballerup", 2018, 2018, "plan"),
            ("c", None, 2018, 2018, "plan"),
        ]
    )
    cells = _cells(
        [
            ("a", "goals", "1", "X", False, False),
            ("a", "goals", "2", "(X)", True, False),
            ("b", "goals", "1", "", True, True),
            ("b", "goals", "2", "X", False, False),
            ("c", "goals", "1", "X", False, False),
        ]
    )
    councils = {"a": "RAR Hovedstaden", "b": "RAR Hovedstaden"}
    view = build_matrix_view(cells, docs, [GOALS], councils, ["RAR Hovedstaden"])
    g1, g2 = column_name("goals", "1"), column_name("goals", "2")
    table = view.table
    assert table["Kommune"].to_list() == [
        "I alt",
        "Albertslund",
        "Ballerup",
        "Ukendt kommune (c.pdf)",
    ]
    assert table["Råd"].to_list()[1:] == ["RAR Hovedstaden", "RAR Hovedstaden", "Ukendt råd"]
    assert table[g1].to_list() == ["2 af 3", "X", "⚠", "X"]
    # Totals count municipalities with a plan in the matrix (compare.review.matrix.item_totals).
    assert table[g2].to_list() == ["2 af 3", "(X) ✓", "X", MISSING]
    assert table[TOTAL_COL].to_list() == ["3 kommuner", "2 af 2", "1 af 2", "1 af 1"]
    assert view.row_docs == (None, "a", "b", "c")
    assert view.columns[g2] == ("goals", "2")
    assert view.legend["X"].to_list() == [2, 1]
    assert view.legend["(X)"].to_list() == [0, 1]
    assert view.legend["Dækning"].to_list() == ["2 af 3 kommuner", "2 af 3 kommuner"]


def test_side_by_side_frameworks_get_distinct_short_labels():
    docs = _docs([("a", "Albertslund", 2018, 2018, "plan")])
    cells = _cells([("a", "themes", "1", "X", False, False), ("a", "goals", "1", "", False, False)])
    view = build_matrix_view(cells, docs, [THEMES, GOALS], {}, [])
    labels = [view.labels[c] for c in view.columns]
    assert labels == ["T1", "T3", "T2", "M18.1", "M18.2"]
    assert len(set(labels)) == len(labels)
    assert view.helps[column_name("themes", "2")] == "Temaer — Opkvalificering — Unge"


def test_rows_are_ordered_by_council_then_registry_order():
    docs = _docs(
        [
            ("z", "Aabenraa", 2018, 2018, "plan"),
            ("y", "Ærø", 2018, 2018, "plan"),
            ("x", "Allerød", 2018, 2018, "plan"),
        ]
    )
    councils = {"z": "RAR Sydjylland", "y": "RAR Fyn", "x": "RAR Hovedstaden"}
    order = {"Aabenraa": 0, "Allerød": 1, "Ærø": 2}
    view = build_matrix_view(
        _cells([]), docs, [GOALS], councils, ["RAR Fyn", "RAR Hovedstaden", "RAR Sydjylland"], order
    )
    assert view.table["Kommune"].to_list()[1:] == ["Ærø", "Allerød", "Aabenraa"]


def test_docs_for_year_uses_the_whole_period():
    docs = _docs(
        [
            ("a", "A", 2020, 2022, "plan"),
            ("b", "B", 2018, 2018, "plan"),
            ("c", "C", 2021, 2021, "other"),
        ]
    )
    assert docs_for_year(docs, 2021, ["plan"])["doc_id"].to_list() == ["a"]
    assert docs_for_year(docs, None, ["plan", "other"]).height == 3
    assert covered_years(docs) == [2022, 2021, 2020, 2018]


def test_document_councils_in_the_filter_year_or_the_plans_own():
    docs = _docs(
        [
            ("alb", "Albertslund", 2025, 2025, "plan"),
            ("bor", "Bornholm", 2018, 2018, "plan"),
            ("old", "Albertslund", 2012, 2012, "plan"),  # before the councils of 2015
            ("atl", "Atlantis", 2018, 2018, "plan"),  # not a municipality
            ("nobody", None, 2018, 2018, "plan"),
        ]
    )
    registry = load_registry()
    in_2018 = document_councils(docs, 2018, registry)
    assert in_2018 == {
        "alb": "RAR Hovedstaden",
        "bor": "RAR Bornholm",
        "old": "RAR Hovedstaden",
        "atl": None,
        "nobody": None,
    }
    own = document_councils(docs, None, registry)
    assert own["alb"] != "RAR Hovedstaden" and "Hovedstaden" in own["alb"]  # the 2025 council
    assert own["bor"] == "RAR Bornholm" and own["old"] is None


def test_highlight_marks_matched_words_including_ocr_readings():
    from compare.text import term_key

    text = "Kgbenhavn styrker beskæftigelsen [for] alle; besk®ftigelse i Kgbenhavn"
    shown = highlight(text, [term_key("København"), term_key("beskæftigelse")])
    assert shown.count(":orange-background[**Kgbenhavn**]") == 2
    assert ":orange-background[**beskæftigelsen**]" in shown
    assert ":orange-background[**besk®ftigelse**]" in shown  # OCR's symbol inside the word
    assert "styrker" in shown and "orange-background[**styrker" not in shown
    assert "\\[for\\]" in shown  # document text cannot open a Markdown link or directive


def test_highlight_marks_a_phrase_only_where_its_words_stand_together():
    from compare.text import normalise

    text = "Der er mangel på arbejdskraft. Ledige på kanten får hjælp."
    shown = highlight(text, [normalise("mangel på arbejdskraft")])
    assert shown.count("orange-background") == 3
    assert ":orange-background[**på**] :orange-background[**arbejdskraft**]" in shown
    assert "Ledige på kanten" in shown


def test_escape_markdown_neutralises_directives_and_latex():
    assert escape_markdown(":red[x] $a$ *b*") == "\\:red\\[x\\] \\$a\\$ \\*b\\*"


def test_location_names_page_and_lines():
    assert location(4, 120, 124) == "s. 4, linje 120–124"
    assert location(None, 7, 7) == "linje 7"
    assert location(None, None, None) == "ukendt placering"


def test_column_codes_are_stable_when_a_framework_is_added():
    other = Framework(
        id="goals-2022",
        title="Mål 2022",
        kind="goals",
        year=2022,
        items=(Item("1", "Værdig sagsbehandling"),),
    )
    assert framework_prefixes([GOALS, other]) == {"goals": "M18.", "goals-2022": "M22."}
    assert framework_prefixes([GOALS]) == {"goals": "M18."}  # the same code alone
    assert framework_prefixes([THEMES, GOALS]) == {"themes": "T", "goals": "M18."}
    docs = _docs([("a", "Albertslund", 2018, 2018, "plan")])
    alone = build_matrix_view(_cells([]), docs, [GOALS], {}, [])
    beside = build_matrix_view(_cells([]), docs, [THEMES, GOALS, other], {}, [])
    assert set(alone.labels.items()) <= set(beside.labels.items())


def test_workspace_stamp_changes_with_every_decision(workspace):
    from compare.store.review_db import ReviewStore
    from compare.ui.data import workspace_stamp

    store = ReviewStore.for_workspace(workspace)
    stamps = [workspace_stamp(workspace)]
    for level in ("X", "(X)", ""):  # the app must see each, or it shows a stale matrix
        store.decide("d", "fw", "1", level, None, "anna")
        stamps.append(workspace_stamp(workspace))
    assert len(set(stamps)) == len(stamps)


def test_bands_alternate_per_council_and_theme_group():
    docs = _docs(
        [
            ("a", "Albertslund", 2018, 2018, "plan"),
            ("b", "Ballerup", 2018, 2018, "plan"),
            ("c", "Aabenraa", 2018, 2018, "plan"),
        ]
    )
    councils = {"a": "RAR Hovedstaden", "b": "RAR Hovedstaden", "c": "RAR Sydjylland"}
    view = build_matrix_view(
        _cells([]), docs, [THEMES], councils, ["RAR Hovedstaden", "RAR Sydjylland"]
    )
    assert view.bands == (0, 0, 0, 1)  # totals, two rows of one council, then the next
    # Themes in column order: Rekruttering (1, 3), then Opkvalificering (2).
    assert [view.group_bands[c] for c in view.columns] == [0, 0, 1]


def test_chart_counts_municipalities_per_level_per_item():
    docs = _docs([("a", "Albertslund", 2018, 2018, "plan"), ("b", "Ballerup", 2018, 2018, "plan")])
    cells = _cells(
        [
            ("a", "goals", "1", "X", False, False),
            ("b", "goals", "1", "(X)", False, False),
            ("a", "goals", "2", "", False, False),
            ("b", "goals", "2", "X", False, False),
        ]
    )
    view = build_matrix_view(cells, docs, [GOALS], {}, [])
    assert view.chart.filter(pl.col("Kolonne") == "M18.2").select("Niveau", "Kommuner").rows() == [
        ("X", 1),
        ("(X)", 0),
        ("Ikke behandlet", 1),
    ]


def test_the_remembered_reviewer_name_cannot_break_out_of_its_script():
    from compare.ui.reviewer import COOKIE, cookie_script, saved_name

    script = cookie_script("</script><img src=x onerror=alert(1)> Ånne")
    assert script.count("</script>") == 1 and script.endswith("</script>")
    assert "<img" not in script and "\\u003c/script\\u003e" in script
    assert saved_name({COOKIE: "Anna%20Analytiker"}) == "Anna Analytiker"
    assert saved_name({}) == ""


@pytest.mark.parametrize(
    "note,danish",
    [
        (
            "names København (3 mentions) and Frederiksberg (1 mention) about equally; "
            "set the municipality by hand",
            "nævner København (3 gange) og Frederiksberg (1 gang) lige meget; "
            "angiv kommunen manuelt",
        ),
        (
            "regional overview for RAR Hovedstaden: names 29 municipalities; "
            "it is about many plans, not one",
            "regional oversigt for RAR Hovedstaden: nævner 29 kommuner; "
            "den handler om mange planer, ikke én",
        ),
        ("written by joint jobcentre Jobcenter X", "skrevet af det fælles jobcenter Jobcenter X"),
        (None, ""),
    ],
)
def test_metadata_notes_are_shown_in_danish(note, danish):
    from compare.ui.labels import danish_note

    assert danish_note(note) == danish
