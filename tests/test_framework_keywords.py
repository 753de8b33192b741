"""An analyst adds the plan's own word to a pasted theme: the file is edited in place, safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compare.config import THESAURUS_ENV
from compare.errors import BadFramework
from compare.frameworks.catalog import FRAMEWORKS_DIR, find_framework, load_framework
from compare.frameworks.keywords import parse_keywords, set_item_keywords
from compare.tagging.pipeline import tag_documents
from tests.tag_samples import BACKGROUND, plan_documents, plan_segments

PASTED = """# Pasted from the council's strategy; keep this comment.
id = "temaer"
title = "Temaer"
kind = "themes"

[[items]]
id = "1"
label = "Sammentænkning af beskæftigelsesindsats og misbrugsbehandling"

[[items]]
id = "2"
label = "Flere kvinder med indvandrerbaggrund i job"  # a remark after the label
"""
# After seed 000, section 4.7 (budget 2018): the plan says "rusmiddel", never "misbrug".
RUSMIDDEL = [
    "Virksomhedsrettet efterspørgselsstyret indsats i kombination med rusmiddelbehandling til "
    "borgere på kontanthjælp (2018-2021).",
    "Beskæftigelsesindsatsen koordineres med rusmiddelcentrene, og der er afsat 6 mio. kr. "
    "om året.",
]


@pytest.fixture
def pasted(tmp_path: Path) -> Path:
    path = tmp_path / "temaer.toml"
    path.write_text(PASTED, encoding="utf-8")
    return path


def _level(path: Path) -> str:
    fw = load_framework(path)
    outline = [*BACKGROUND, ("6 Udsatte borgere", 1, RUSMIDDEL)]
    tags, _ = tag_documents(plan_documents([("p", 2025, 2025)]), plan_segments("p", outline), [fw])
    return tags.filter(tags["item_id"] == "1")["level"].item()


def test_the_plans_own_word_as_a_keyword_makes_the_theme_found(
    pasted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped thesaurus knows that "rusmiddelbehandling" is "misbrugsbehandling" ...
    assert _level(pasted) == "X"
    # ... an office without it (or for words it does not know) writes the plan's word itself.
    empty = tmp_path / "empty.toml"
    empty.write_text("# no concepts\n", encoding="utf-8")
    monkeypatch.setenv(THESAURUS_ENV, str(empty))
    assert _level(pasted) == ""  # "misbrug" is never said
    set_item_keywords(load_framework(pasted), "1", parse_keywords("rusmiddelbehandling, rusmiddel"))
    assert _level(pasted) == "X"
    assert load_framework(pasted).items[0].keywords == ("rusmiddelbehandling", "rusmiddel")


def test_the_rest_of_the_file_is_kept_as_written(pasted: Path) -> None:
    set_item_keywords(load_framework(pasted), "2", ("IGU",))
    text = pasted.read_text(encoding="utf-8")
    assert text.startswith("# Pasted from the council's strategy; keep this comment.\n")
    assert '"Flere kvinder med indvandrerbaggrund i job"  # a remark after the label' in text
    assert text.count("keywords") == 1
    # Emptying the list removes the key again: the file is as it was.
    set_item_keywords(load_framework(pasted), "2", parse_keywords(" , ;"))
    assert pasted.read_text(encoding="utf-8") == PASTED


def test_the_shipped_frameworks_keep_their_comments(tmp_path: Path) -> None:
    path = tmp_path / "rar-hovedstaden-2018.toml"
    shutil.copy(FRAMEWORKS_DIR / path.name, path)
    before = path.read_text(encoding="utf-8")
    fw = load_framework(path)
    set_item_keywords(fw, "15", (*fw.items[14].keywords, "Mjølnerparken"))
    after = path.read_text(encoding="utf-8")
    assert after.splitlines()[:5] == before.splitlines()[:5]  # the header comments
    assert load_framework(path).items[14].keywords[-1] == "Mjølnerparken"
    assert len(after.splitlines()) == len(before.splitlines())


@pytest.mark.parametrize(
    ("item", "keywords", "problem"),
    [
        ("9", ("rusmiddel",), "no item '9'"),
        ("1", ("x" * 81,), "too long"),
        ("1", ("rus\nmiddel",), "too long"),
    ],
)
def test_bad_keywords_are_refused_and_nothing_is_written(
    pasted: Path, item: str, keywords: tuple[str, ...], problem: str
) -> None:
    with pytest.raises(BadFramework, match=problem) as err:
        set_item_keywords(load_framework(pasted), item, keywords)
    assert "temaer.toml" in str(err.value)
    assert pasted.read_text(encoding="utf-8") == PASTED


def test_a_keyword_of_stop_words_only_is_refused(pasted: Path) -> None:
    with pytest.raises(BadFramework, match="no word the tagger can match"):
        set_item_keywords(load_framework(pasted), "1", ("rusmiddel", "og i"))
    assert pasted.read_text(encoding="utf-8") == PASTED


def test_a_sheet_is_edited_as_a_sheet(tmp_path: Path) -> None:
    sheet = tmp_path / "ark.csv"
    sheet.write_text("framework,title,kind,year,item,label\nark,Ark,themes,,1,Et tema\n")
    with pytest.raises(BadFramework, match="only in a TOML framework file"):
        set_item_keywords(find_framework(sheet), "1", ("ord",))


def test_keywords_are_parsed_from_what_an_analyst_types() -> None:
    assert parse_keywords(" rusmiddel, Rusmiddel ;misbrug,, IPS-misbrug ") == (
        "rusmiddel",
        "misbrug",
        "IPS-misbrug",
    )


def test_the_command_line_sets_keywords_and_says_what_to_do_next(
    pasted: Path, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from compare.cli import main

    args = ["frameworks", "--folder", str(tmp_path), "--set-keywords", "temaer", "1"]
    result = CliRunner().invoke(main, [*args, "rusmiddel, rusmiddelbehandling"])
    assert result.exit_code == 0, result.output
    assert "item 1 keywords: rusmiddel, rusmiddelbehandling" in result.output
    assert "compare tag" in result.output
    assert load_framework(pasted).items[0].keywords == ("rusmiddel", "rusmiddelbehandling")
    refused = CliRunner().invoke(main, [*args[:-1], "9", "rusmiddel"])
    assert refused.exit_code == 1
    assert "temaer.toml: no item '9'" in refused.output
