"""`compare evaluate`: gold files are checked, and the figures are computed as defined."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from compare.analysis.evaluate import OVERALL, evaluate, load_gold
from compare.errors import BadGold
from compare.schema import TAGS, conform
from compare.store.workspace import Workspace
from tests.tag_samples import plan_documents

HEADER = "municipality,year,framework,item,level,note\n"


def _gold(tmp_path: Path, body: str, name: str = "gold.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "body,line,problem",
    [
        ("København,2018,f,1,Y,\n", 2, "level 'Y'"),
        ("København,2018,f,1,X,\nKøbenhavn,atten,f,2,X,\n", 3, "bad year 'atten'"),
        ("København,2018,,1,X,\n", 2, "must not be empty"),
    ],
)
def test_bad_gold_rows_name_line_and_problem(
    tmp_path: Path, body: str, line: int, problem: str
) -> None:
    with pytest.raises(BadGold) as info:
        load_gold(_gold(tmp_path, body))
    assert info.value.line == line and problem in str(info.value)
    assert "gold.csv" in str(info.value)


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("municipality,year,framework,item\nA,2018,f,1\n", encoding="utf-8")
    with pytest.raises(BadGold, match="missing column 'level'"):
        load_gold(path)


def test_a_gold_file_saved_by_danish_excel_reads_as_the_comma_one(tmp_path: Path) -> None:
    """Excel in Danish writes "CSV" with semicolons (and a byte-order mark if UTF-8)."""
    rows = [
        ["København", "2018", "f", "1", "X", "a, b"],
        ["København", "2018", "f", "2", "(x)", ""],
    ]
    comma = _gold(tmp_path, "".join(",".join(f'"{c}"' for c in r) + "\n" for r in rows))
    semicolon = tmp_path / "excel.csv"
    text = HEADER.replace(",", ";") + "".join(";".join(r) + "\r\n" for r in rows)
    semicolon.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    tab = tmp_path / "tab.csv"
    tab.write_text(HEADER.replace(",", "\t") + "".join("\t".join(r) + "\n" for r in rows))
    expected = load_gold(comma).drop("source")
    assert expected.height == 2 and expected["level"].to_list() == ["X", "(X)"]
    assert load_gold(semicolon).drop("source").equals(expected)
    assert load_gold(tab).drop("source").equals(expected)


def test_levels_are_normalised(tmp_path: Path) -> None:
    gold = load_gold(
        _gold(
            tmp_path, 'København,2018,f,1,x,"a, b"\nKøbenhavn,2018,f,2,(x),\nKøbenhavn,2018,f,3,,\n'
        )
    )
    assert gold["level"].to_list() == ["X", "(X)", ""]
    assert gold["line"].to_list() == [2, 3, 4]


def test_figures(workspace: Workspace, tmp_path: Path) -> None:
    workspace.write_documents(plan_documents([("a", 2018, 2018), ("b", 2016, 2020)]))
    tagger = {"1": "X", "2": "(X)", "3": "", "4": "X", "5": ""}
    tags = pl.DataFrame(
        [
            {"doc_id": "a", "framework_id": "f", "item_id": i, "level": level, "score": 0.5}
            for i, level in tagger.items()
        ]
    )
    workspace.write_tags(conform(tags, TAGS))
    # gold: 1 X (agree), 2 X (level differs, both addressed), 3 (X) (missed), 4 blank
    # (false positive), 5 blank (agree); a 2019 row matches plan "b", which has no tags.
    path = _gold(
        tmp_path,
        "København,2018,f,1,X,\nKøbenhavn,2018,f,2,X,\n"
        "kobenhavn,2018,f,3,(X),\nKØBENHAVN,2018,f,4,,\n"
        "København,2018,f,5,,\nKøbenhavn,2019,f,1,X,\n",
    )
    result = evaluate(workspace, [path])
    row = result.metrics.filter(pl.col("framework") == OVERALL).row(0, named=True)
    assert (row["n"], row["missing"], row["tp"], row["fp"], row["fn"]) == (5, 1, 2, 1, 1)
    assert row["agreement"] == pytest.approx(2 / 5)
    assert row["precision"] == pytest.approx(2 / 3) and row["recall"] == pytest.approx(2 / 3)
    assert row["f1"] == pytest.approx(2 / 3)
    assert sorted(result.disagreements["item"].to_list()) == ["2", "3", "4"]
    assert result.missing["year"].to_list() == [2019]
