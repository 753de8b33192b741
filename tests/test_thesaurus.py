"""The domain thesaurus: the file staff edit, what a label borrows from it, what tagging does."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.config import THESAURUS_ENV, THESAURUS_FILE
from compare.frameworks.catalog import derive_terms, framework_from_titles
from compare.frameworks.thesaurus import (
    BadThesaurus,
    borrowed_text,
    current_thesaurus,
    parse_thesaurus,
    related_terms,
)
from compare.frameworks.thesaurus_edit import add_words
from compare.tagging.pipeline import tag_documents
from compare.text import STOPWORDS, normalise
from tests.tag_samples import BACKGROUND, plan_documents, plan_segments

SMALL = """
[[concept]]
id = "virksomhedsrettet"
terms = ["virksomhedsrettet indsats", "virksomhedsvendt indsats"]
narrower = ["virksomhedspraktik", "løntilskud"]

[[concept]]
id = "misbrug"
terms = ["misbrug", "rusmiddelbehandling"]
narrower = ["alkoholbehandling"]
"""


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "thesaurus.toml"
    path.write_text(SMALL, encoding="utf-8")
    monkeypatch.setenv(THESAURUS_ENV, str(path))
    return path


def test_a_label_borrows_its_concepts_terms_and_narrower_kinds(small: Path) -> None:
    borrowed = {r.term: r.concept for r in related_terms("Den virksomhedsvendte indsats")}
    assert borrowed == {
        normalise("virksomhedsrettet indsats"): "virksomhedsrettet",
        normalise("virksomhedspraktik"): "virksomhedsrettet",
        normalise("løntilskud"): "virksomhedsrettet",
    }
    # A compound beginning with a concept term triggers it ("stofmisbrugere": no, it begins
    # with "stof"; "misbrugsbehandling": yes).
    assert {r.concept for r in related_terms("Misbrugsbehandling og job")} == {"misbrug"}
    assert related_terms("Stofmisbrugere") == ()


def test_a_narrower_term_in_a_label_lends_nothing(small: Path) -> None:
    # "Alkoholbehandling" is a kind of treatment: every "misbrug" must not address it.
    assert related_terms("Alkoholbehandling for ledige") == ()
    assert related_terms("Flere i job") == ()


def test_an_item_with_keywords_borrows_nothing(small: Path) -> None:
    label = "Indsats mod misbrug"
    assert normalise("rusmiddelbehandling") in derive_terms(label)
    assert normalise("rusmiddelbehandling") not in derive_terms(label, keywords=["misbrug"])
    assert borrowed_text(label) == "misbrug: rusmiddelbehandling, alkoholbehandling"
    assert borrowed_text(label, ["misbrug"]) == ""


@pytest.mark.parametrize(
    "text,problem",
    [
        ("[[concept]]\nid = 'a'\nterms = ['x y', ", "not valid TOML"),
        ("[[concept]]\nterms = ['misbrug', 'rusmiddel']\n", "concept 1 has no 'id'"),
        ("[[concept]]\nid = 'a'\nterms = 'misbrug'\n", "concept 'a', 'terms' must be a list"),
        ("[[concept]]\nid = 'a'\nterms = ['misbrug']\n", "needs at least two"),
        (
            "[[concept]]\nid = 'a'\nterms = ['a b', 'c d']\n" * 2,
            "concept 'a' is there twice",
        ),
        ("concept = 3\n", "'concept' must be a list"),
        (
            "[[concept]]\nid = 'a'\nterms = ['misbrug', 'og']\n",
            "concept 'a', 'terms': 'og' is a stop word: use a phrase",
        ),
    ],
)
def test_a_broken_thesaurus_is_named_with_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(BadThesaurus) as caught:
        parse_thesaurus(text, "data/thesaurus.toml")
    message = str(caught.value)
    assert message.startswith("thesaurus.toml")
    assert problem in message


def test_a_broken_thesaurus_stops_a_command_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "thesaurus.toml"
    path.write_text("[[concept]]\nid = 'a'\nterms = ['misbrug']\n", encoding="utf-8")
    monkeypatch.setenv(THESAURUS_ENV, str(path))
    result = CliRunner().invoke(main, ["frameworks"])
    assert result.exit_code == 1
    assert "thesaurus.toml" in result.output and "at least two" in result.output
    assert "Traceback" not in result.output


def test_a_named_thesaurus_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(THESAURUS_ENV, str(tmp_path / "mistyped.toml"))
    with pytest.raises(BadThesaurus, match=r"mistyped.toml: no such file .*COMPARE_THESAURUS"):
        current_thesaurus()


def test_an_edited_thesaurus_is_read_again(small: Path) -> None:
    before = current_thesaurus()
    added = '\n[[concept]]\nid = "ips"\nterms = ["IPS", "individuelt planlagt job med støtte"]\n'
    small.write_text(SMALL + added, encoding="utf-8")
    after = current_thesaurus()
    assert [c.id for c in after.concepts] == [*(c.id for c in before.concepts), "ips"]


def _tagged(label: str, outline) -> tuple[str, str]:
    fw = framework_from_titles("t", "Temaer", "themes", None, [label], known=())
    tags, _ = tag_documents(
        plan_documents([("p", 2018, 2018)]), plan_segments("p", BACKGROUND + outline), [fw]
    )
    return tags["level"].item(), tags["confidence_reason"].item()


def _level(label: str, outline) -> str:
    return _tagged(label, outline)[0]


PLAN_IN_ITS_OWN_WORDS = [
    (
        "6 Virksomhedsrettet indsats",
        1,
        [
            "Den virksomhedsrettede indsats er kernen: ledige kommer i virksomhedspraktik og "
            "løntilskud hos lokale arbejdsgivere.",
            "I 2018 afsætter kommunen 2 mio. kr. til flere virksomhedspraktikker og "
            "løntilskudsjob med mentorstøtte.",
        ],
    )
]


def test_a_label_in_other_words_is_found_through_the_thesaurus(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    label = "Den virksomhedsvendte indsats"
    # The plan's heading says it in its own words: through the thesaurus it mirrors the label.
    with_thesaurus, reason = _tagged(label, PLAN_IN_ITS_OWN_WORDS)
    assert reason == "a heading mirrors the theme"
    empty = small.parent / "empty.toml"
    empty.write_text("# no concepts\n", encoding="utf-8")
    monkeypatch.setenv(THESAURUS_ENV, str(empty))
    without = _level(label, PLAN_IN_ITS_OWN_WORDS)
    assert without == ""
    assert with_thesaurus == "X"
    # A plan that never speaks of it stays blank with the thesaurus too.
    monkeypatch.setenv(THESAURUS_ENV, str(small))
    assert _level(label, []) == ""
    assert _tagged("Misbrugsbehandling", []) == (
        "",
        "none of its telling words, nor the thesaurus's for it, occur; said otherwise?",
    )


def test_a_cell_found_through_the_thesaurus_alone_says_so(small: Path) -> None:
    # The same section under a heading of other words: term evidence, the thesaurus's only.
    (heading, level, paragraphs) = PLAN_IN_ITS_OWN_WORDS[0]
    outline = [("6 Samarbejde med arbejdsgiverne", level, paragraphs)]
    level_found, reason = _tagged("Den virksomhedsvendte indsats", outline)
    assert level_found in ("X", "(X)")
    assert reason.endswith("(the thesaurus's words only)")  # the analyst sees how it was found


def test_the_terms_listing_says_which_concept_a_term_came_from(small: Path, tmp_path: Path) -> None:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    (folder / "t.toml").write_text(
        'id = "t"\ntitle = "T"\nkind = "themes"\n\n[[items]]\nid = "1"\n'
        'label = "Den virksomhedsvendte indsats"\n',
        encoding="utf-8",
    )
    ws = tmp_path / "ws"
    args = ["frameworks", "--terms", "t", "--folder", str(folder), "--workspace", str(ws)]
    result = CliRunner().invoke(main, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    listing = result.output[result.output.index("item,term") :]  # after the new-workspace note
    rows = {r["as written"]: r for r in csv.DictReader(io.StringIO(listing))}
    assert rows["løntilskud"]["origin"] == "related"
    assert rows["løntilskud"]["from"] == "thesaurus: virksomhedsrettet"


# The shipped file: what staff start from.


def test_the_shipped_thesaurus_is_well_formed() -> None:
    data = tomllib.loads(THESAURUS_FILE.read_text(encoding="utf-8"))
    thesaurus = parse_thesaurus(THESAURUS_FILE.read_text(encoding="utf-8"), THESAURUS_FILE)
    assert len(thesaurus.concepts) >= 100
    # No term stands for two concepts, and none is a word every plan uses.
    seen: dict[str, str] = {}
    for concept in data["concept"]:
        for term in concept["terms"]:
            key = normalise(term)
            assert seen.setdefault(key, concept["id"]) == concept["id"], term
            assert term.lower() not in STOPWORDS, term


def test_the_shipped_thesaurus_leaves_common_labels_alone() -> None:
    # Words every plan uses trigger nothing: the thesaurus adds to telling words only.
    for label in ["Flere i job", "Bedre indsats for borgerne", "Beskæftigelse og uddannelse"]:
        assert related_terms(label, current_thesaurus_from_file()) == (), label


def current_thesaurus_from_file():
    return parse_thesaurus(THESAURUS_FILE.read_text(encoding="utf-8"), THESAURUS_FILE)


def test_shipped_frameworks_with_keywords_borrow_nothing() -> None:
    from compare.frameworks.catalog import labels_only, load_frameworks
    from compare.tagging.terms import term_table

    shipped = load_frameworks()
    with_keywords = {(fw.id, item.id) for fw in shipped for item in fw.items if item.keywords}
    table = term_table(shipped)
    borrowed = {
        (fw_id, item_id)
        for fw_id, item_id, origin in table.select("framework_id", "item_id", "origin").iter_rows()
        if origin == "related"
    }
    assert with_keywords and not borrowed & with_keywords
    # Items known by their label and what other frameworks lend them do borrow.
    assert borrowed
    # The same frameworks pasted as labels only do borrow.
    assert "related" in term_table(labels_only(shipped))["origin"].unique().to_list()


# Adding the plans' words (the app's Rammer page, `compare frameworks --add-to-thesaurus`).

COMMENTED = """# Our office's thesaurus; keep this comment.
[[concept]]
id = "misbrug"  # a remark
terms = ["misbrug", "rusmiddelbehandling"]
"""


def test_words_are_added_to_a_concept_and_the_file_is_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "thesaurus.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    add_words("misbrug", ["Rusmiddelbehandling", "stofbehandling"], path=path)
    add_words("misbrug", ["alkoholbehandling"], narrower=True, path=path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Our office's thesaurus; keep this comment.\n")
    assert 'id = "misbrug"  # a remark' in text
    (concept,) = parse_thesaurus(text, path).concepts
    assert concept.terms == tuple(
        normalise(w) for w in ["misbrug", "rusmiddelbehandling", "stofbehandling"]
    )
    assert concept.narrower == (normalise("alkoholbehandling"),)  # case-insensitive: no repeat


def test_a_new_concept_is_made_of_its_words(tmp_path: Path) -> None:
    path = tmp_path / "thesaurus.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    add_words("ips", ["IPS", "individuelt planlagt job med støtte"], path=path)
    assert [c.id for c in parse_thesaurus(path.read_text(encoding="utf-8")).concepts] == [
        "misbrug",
        "ips",
    ]


@pytest.mark.parametrize(
    "concept_id,words,narrower,problem",
    [
        ("Psykisk sårbare", ["IPS", "psykiatri"], False, "use small letters"),
        ("ips", ["IPS"], False, "needs at least two"),  # a new concept of one word
        ("ips", ["IPS", "psykiatri"], True, "make it with its words first"),
        ("misbrug", ["og"], False, "'og' is a stop word"),
        ("misbrug", [], False, "no words given"),
        ("misbrug", ["x" * 81], False, "too long"),
    ],
)
def test_a_bad_addition_is_refused_and_the_file_is_untouched(
    tmp_path: Path, concept_id: str, words: list[str], narrower: bool, problem: str
) -> None:
    path = tmp_path / "thesaurus.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    with pytest.raises(BadThesaurus, match=problem):
        add_words(concept_id, words, narrower=narrower, path=path)
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_the_command_line_adds_words(small: Path) -> None:
    args = ["frameworks", "--add-to-thesaurus", "misbrug", "stofbehandling, afrusning"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "concept misbrug words added: stofbehandling, afrusning" in result.output
    assert {r.concept for r in related_terms("Afrusning og job")} == {"misbrug"}
    refused = CliRunner().invoke(main, ["frameworks", "--add-to-thesaurus", "Misbrug", "x, y"])
    assert refused.exit_code == 1 and "use small letters" in refused.output
