"""The analysis pages through AppTest, on a workspace built from the seed documents."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from compare.config import THESAURUS_ENV
from compare.frameworks.catalog import FRAMEWORKS_DIR, FRAMEWORKS_ENV
from compare.registry.lookup import load_registry
from compare.store.review_db import ReviewStore
from compare.ui import SCRIPTS_DIR, state
from tests.app_support import APP

pytestmark = pytest.mark.seeds
TIMEOUT = 60  # seconds per script run; a first run imports polars, pyarrow, the registry ...


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(name: str) -> AppTest:
    at = _ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    script = str((SCRIPTS_DIR / f"{name}.py").relative_to(APP.parent))
    return _ok(at.switch_page(script).run())


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def _claims(text: str) -> str:
    """A draft text without the plans' own words (quoted „…“): what the draft itself claims."""
    return re.sub(r"„[^“]*“", "", text)


def test_overview_drafts_name_only_municipalities_with_evidence(private_ws):
    at = _open("overview")
    at.selectbox(key=state.OVERVIEW_FRAMEWORK).set_value("rar-hovedstaden-2018")
    at.selectbox(key=state.OVERVIEW_YEAR).set_value(2018)
    _ok(at.run())
    drafts = [t.value for t in at.text_area if t.key.startswith(state.OVERVIEW_DRAFT)]
    assert drafts, "no draft texts shown"
    names = [m.name for m in load_registry().municipalities()]
    for draft in drafts:
        named = {n for n in names if re.search(rf"\b{re.escape(n)}\b", _claims(draft))}
        assert named == {"København"}, draft  # the only plan of 2018 in the seeds
    # Themes the 2018 plan does not address are listed as gaps.
    gaps = [s.value for s in at.subheader if s.value.startswith("Huller")]
    assert len(gaps) <= 1


def test_search_finds_an_ocr_damaged_word_and_opens_the_plan(private_ws):
    at = _open("search")
    at.text_input(key=state.SEARCH_QUERY).input("Københavnermodellen")
    _ok(at.run())
    assert [s.value for s in at.subheader] == ["København (3)"]
    shown = " ".join(m.value for m in at.markdown)
    # The plans only have OCR readings of the word; they are highlighted.
    assert re.search(r"\*\*K[eg]benhavnermodel", shown)
    buttons = [b for b in at.button if b.key.startswith(state.SEARCH_OPEN)]
    doc_id, seg_no = buttons[0].key.split(":")[1:]
    _ok(buttons[0].click().run())
    assert _titles(at) == ["Plan"]
    assert at.session_state[state.PLAN_DOC] == doc_id
    assert any("søgetræf" in c.value for c in at.caption)
    assert at.session_state[state.PLAN_SEG] == (doc_id, int(seg_no))


def test_plan_metadata_edit_persists_with_history(private_ws):
    docs = private_ws.read_documents()
    overview_doc = docs.filter(pl.col("kind") == "overview")["doc_id"][0]
    at = _open("plan")
    at.text_input(key=state.REVIEWER).input("Anna Analytiker")
    at.selectbox(key=state.PLAN_DOC).set_value(overview_doc)
    _ok(at.run())
    suffix = f":{overview_doc}"
    at.selectbox(key=state.PLAN_META_MUNICIPALITY + suffix).set_value("Frederiksberg")
    at.selectbox(key=state.PLAN_META_KIND + suffix).set_value("plan")
    _ok(at.button(key=state.PLAN_META_SAVE + suffix).click().run())
    assert any("Gemt" in t.value for t in at.toast)  # successes are toasts (state.show_flash)
    overrides = ReviewStore.for_workspace(private_ws).metadata_overrides()
    stored = {(r["field"], r["value"], r["reviewer"]) for r in overrides.iter_rows(named=True)}
    assert {
        ("municipality", "Frederiksberg", "Anna Analytiker"),
        ("kind", "plan", "Anna Analytiker"),
    } <= stored
    assert at.selectbox(key=state.PLAN_DOC).value == overview_doc
    assert "Frederiksberg" in at.selectbox(key=state.PLAN_DOC).format_func(overview_doc)


def test_plan_outline_shows_one_section(private_ws):
    docs = private_ws.read_documents()
    plan_2018 = docs.filter((pl.col("kind") == "plan") & (pl.col("year") == 2018))["doc_id"][0]
    segments = private_ws.read_segments([plan_2018])
    heading = segments.filter(
        pl.col("is_heading") & pl.col("text").str.to_lowercase().str.contains("flygtninge")
    ).row(0, named=True)
    body = segments.filter(~pl.col("is_heading"))

    def longest(frame: pl.DataFrame) -> str:
        return frame.sort(pl.col("text").str.len_chars(), descending=True)["text"][0]

    inside = longest(body.filter(pl.col("section_no") == heading["section_no"]))
    outside = longest(body.filter(pl.col("section_no") != heading["section_no"]))
    at = _open("plan")
    at.selectbox(key=state.PLAN_DOC).set_value(plan_2018)
    _ok(at.run())
    at.radio(key=state.PLAN_SECTION).set_value(heading["section_no"])
    _ok(at.run())
    text_tab = at.tabs[0]
    assert text_tab.label == "Tekst"
    shown = " ".join(m.value for m in text_tab.markdown)
    shown = re.sub(r":orange-background\[\*\*|\*\*\]", "", shown).replace("\\", "")
    assert inside[:40] in shown
    assert outside[:40] not in shown


def test_years_align_recurring_goals_of_2018_and_2022(private_ws):
    at = _open("years")
    assert at.selectbox(key=state.YEARS_MUNICIPALITY).value == "København"
    at.selectbox(key=state.YEARS_A).set_value(2018)
    at.selectbox(key=state.YEARS_B).set_value(2022)
    _ok(at.run())
    table = at.dataframe[0].value.set_index("Punkt")
    # Recurring goals stand on one row with a level in both years (else one cell is empty).
    for goal in (
        "Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft",
        "Flere flygtninge og familiesammenførte skal være selvforsørgende",
    ):
        row = table.loc[goal]
        assert row["2018"] in ("X", "(X)", "–") and row["2022"] in ("X", "(X)", "–")
        assert row["Status"] in ("uændret", "ændret niveau")
    assert table.loc["Flere personer med handicap skal i beskæftigelse", "Status"] == "tilføjet"


@pytest.fixture
def frameworks_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the frameworks folder that the app reads and writes."""
    folder = tmp_path / "frameworks"
    shutil.copytree(FRAMEWORKS_DIR, folder)
    monkeypatch.setenv(FRAMEWORKS_ENV, str(folder))
    return folder


def test_framework_added_by_pasting_titles_is_saved_and_tagged(private_ws, frameworks_folder):
    before = sorted(p.name for p in FRAMEWORKS_DIR.iterdir())
    at = _open("frameworks")
    at.text_input(key=state.FW_NEW_ID).input("test-temaer")
    at.text_input(key=state.FW_NEW_TITLE).input("Testtemaer")
    at.selectbox(key=state.FW_NEW_KIND).set_value("themes")
    at.text_area(key=state.FW_NEW_TITLES).input(
        "1. Københavnermodellen for flygtninge\n\nVirksomhedspraktik og løntilskud\n"
    )
    _ok(at.button(key=state.FW_NEW_SAVE).click().run())
    assert any("test-temaer" in s.value for s in at.success), [e.value for e in at.error]
    saved = frameworks_folder / "test-temaer.toml"
    assert saved.exists()
    assert "Københavnermodellen for flygtninge" in saved.read_text(encoding="utf-8")
    tags = private_ws.read_tags().filter(pl.col("framework_id") == "test-temaer")
    plans = private_ws.read_documents().filter(pl.col("kind") == "plan")["doc_id"]
    assert set(plans) <= set(tags["doc_id"])
    assert set(tags["item_id"]) == {"1", "2"}
    assert sorted(p.name for p in FRAMEWORKS_DIR.iterdir()) == before  # repo untouched
    # The new framework is listed, with the words each item borrows from the thesaurus.
    assert "test-temaer" in at.dataframe[0].value["Id"].tolist()
    tables = [d.value for d in at.dataframe if "Fra tesaurus" in d.value]
    items = next(t for t in tables if "Virksomhedspraktik og løntilskud" in list(t["Titel"]))
    borrowed = dict(zip(items["Titel"], items["Fra tesaurus"], strict=True))
    assert "løntilskudsjob" in borrowed["Virksomhedspraktik og løntilskud"]


def test_a_broken_thesaurus_is_one_message_on_the_frameworks_page(
    private_ws, frameworks_folder, tmp_path, monkeypatch
):
    broken = tmp_path / "thesaurus.toml"
    broken.write_text("[[concept]]\nid = 'a'\nterms = ['og', 'misbrug']\n", encoding="utf-8")
    monkeypatch.setenv(THESAURUS_ENV, str(broken))
    at = _open("frameworks")
    errors = [e.value.replace("\\", "") for e in at.error]  # shown Markdown-escaped
    assert any("thesaurus.toml" in e and "'og' is a stop word" in e for e in errors), errors


def test_bad_framework_input_is_reported_and_nothing_is_written(private_ws, frameworks_folder):
    at = _open("frameworks")
    at.text_input(key=state.FW_NEW_ID).input("rar-hovedstaden-2018")  # already exists
    at.selectbox(key=state.FW_NEW_KIND).set_value("themes")
    at.text_area(key=state.FW_NEW_TITLES).input("Et tema")
    _ok(at.button(key=state.FW_NEW_SAVE).click().run())
    assert any("already exists" in e.value for e in at.error)
    at.text_input(key=state.FW_NEW_ID).input("ny ramme med mellemrum")
    _ok(at.button(key=state.FW_NEW_SAVE).click().run())
    assert any("may only hold letters" in e.value for e in at.error)
    assert not (frameworks_folder / "ny ramme med mellemrum.toml").exists()


def test_framework_uploaded_as_a_sheet(private_ws, frameworks_folder):
    good = (
        "framework,title,kind,year,item,label,group,keywords\n"
        "ark-temaer,Temaer fra et ark,themes,,1,Københavnermodellen,Integration,IGU;RKV\n"
        ",,,,2,Virksomhedspraktik,Job,\n"
    ).encode()
    bad = good.replace(b",,,,2,", b",,,,1,")  # a duplicate item id on line 3
    at = _open("frameworks")
    at.file_uploader(key=state.FW_UPLOAD).set_value([("../temaer.csv", bad, "text/csv")])
    _ok(at.run())
    _ok(at.button(key=state.FW_UPLOAD_SAVE).click().run())
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("../temaer.csv, linje 3: duplicate item id")
    assert not (frameworks_folder / "ark-temaer.toml").exists()
    at.file_uploader(key=state.FW_UPLOAD).set_value([("temaer.csv", good, "text/csv")])
    _ok(at.run())
    _ok(at.button(key=state.FW_UPLOAD_SAVE).click().run())
    assert any("ark-temaer" in s.value for s in at.success), [e.value for e in at.error]
    assert (frameworks_folder / "ark-temaer.toml").exists()
    assert not private_ws.read_tags().filter(pl.col("framework_id") == "ark-temaer").is_empty()


def test_an_items_keywords_are_set_on_the_frameworks_page_and_tagged(private_ws, frameworks_folder):
    # The analyst read "rusmiddel" in a plan where theme 11's label says something else: the
    # word goes into the framework's file, and the plans are tagged again against it.
    path = frameworks_folder / "rar-hovedstaden-2018.toml"
    before_text = path.read_text(encoding="utf-8")
    before = private_ws.read_tags().filter(pl.col("framework_id") == "rar-hovedstaden-2018")
    at = _open("frameworks")
    at.selectbox(key=f"{state.FW_KEYWORDS_ITEM}rar-hovedstaden-2018").set_value("11")
    _ok(at.run())
    box = at.text_input(key=f"{state.FW_KEYWORDS_TEXT}rar-hovedstaden-2018:11")
    assert box.value  # the item's keywords as they are
    box.input("og i, ")  # only stop words: refused, nothing written
    _ok(at.button(key=f"{state.FW_KEYWORDS_SAVE}rar-hovedstaden-2018").click().run())
    assert any("no word the tagger can match" in e.value for e in at.error)
    assert path.read_text(encoding="utf-8") == before_text
    box = at.text_input(key=f"{state.FW_KEYWORDS_TEXT}rar-hovedstaden-2018:11")
    box.input("ressourceforløb, rusmiddelbehandling")
    _ok(at.button(key=f"{state.FW_KEYWORDS_SAVE}rar-hovedstaden-2018").click().run())
    assert any("Søgeord for punkt 11" in s.value for s in at.success), [e.value for e in at.error]
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == before_text.splitlines()[0]  # its comments kept
    assert 'keywords = ["ressourceforløb", "rusmiddelbehandling"]' in text
    after = private_ws.read_tags().filter(pl.col("framework_id") == "rar-hovedstaden-2018")
    assert after.height == before.height
    assert set(after["framework_hash"]) != set(before["framework_hash"])  # tagged again


def test_the_plans_words_are_added_to_the_thesaurus_and_tagged(
    private_ws, frameworks_folder, tmp_path, monkeypatch
):
    thesaurus = tmp_path / "thesaurus.toml"
    thesaurus.write_text("# ours\n", encoding="utf-8")
    monkeypatch.setenv(THESAURUS_ENV, str(thesaurus))
    at = _open("frameworks")
    at.selectbox(key=state.TH_CONCEPT).set_value("(nyt begreb)")
    _ok(at.run())
    at.text_input(key=state.TH_NEW_ID).input("Psykisk sårbare")  # not an id: refused
    at.text_input(key=state.TH_WORDS).input("IPS, psykiatri")
    _ok(at.button(key=state.TH_SAVE).click().run())
    assert any("Tesaurus er ikke ændret" in e.value for e in at.error)
    assert thesaurus.read_text(encoding="utf-8") == "# ours\n"
    at.text_input(key=state.TH_NEW_ID).input("psykisk_saarbare")
    _ok(at.button(key=state.TH_SAVE).click().run())
    assert any("psykisk_saarbare" in s.value for s in at.success), [e.value for e in at.error]
    text = thesaurus.read_text(encoding="utf-8")
    assert text.startswith("# ours\n") and 'id = "psykisk_saarbare"' in text
    # The concept is now offered for more words.
    assert "psykisk_saarbare" in at.selectbox(key=state.TH_CONCEPT).options
