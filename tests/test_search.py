"""Full-text search: OCR damage and inflection tolerated, grouping, highlighting, the term index."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from compare.analysis import search as search_module
from compare.analysis.search import SEARCH_RESULTS, make_snippet, mark, query_keys, search
from compare.cli import main
from compare.ingest import ingest_paths
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace
from compare.text import normalise

# doc_id → (municipality, kind, segments). The plans are written as OCR would leave them.
CORPUS = {
    "aaaa000000000001": (
        "København",
        "plan",
        [
            "Kgbenhavnermodellen skal sikre, at flygtninge hurtigt kommer i job.",
            "Ledige deltager i virksomhedspraktikker og lgntilskud.",
            "Flere ledige skal opkvalificeres, fx med IGU-forløb.",
            "Rddgivning om uddannelse gives i jobcentret.",
        ],
    ),
    "aaaa000000000002": (
        "Frederiksberg",
        "plan",
        [
            "Frederiksberg arbejder med branchepakker og virksomhedspraktik.",
            "Københavnermodellen nævnes her kun i forbifarten.",
        ],
    ),
    "aaaa000000000003": (
        "Gentofte",
        "plan",
        [
            "Virksomhedspraktikforløb for unge.",
            "Igus er et ord, der ligner en forkortelse.",
        ],
    ),
    "aaaa000000000004": (
        None,
        "other",
        [
            "Et notat om virksomhedspraktik i budgettet.",
        ],
    ),
}


def _write(ws: Workspace, corpus: dict) -> None:
    ws.write_documents(
        pl.DataFrame(
            {
                "doc_id": list(corpus),
                "municipality": [m for m, _, _ in corpus.values()],
                "year": [2018] * len(corpus),
                "year_to": [2018] * len(corpus),
                "kind": [k for _, k, _ in corpus.values()],
                "title": [f"Plan {i}" for i in range(len(corpus))],
                "file_name": [f"{d}.txt" for d in corpus],
            }
        )
    )
    ws.write_segments(
        pl.DataFrame(
            [
                {
                    "doc_id": doc_id,
                    "seg_no": n,
                    "section_no": 1,
                    "heading_path": "1 Indsatser",
                    "is_heading": False,
                    "level": 0,
                    "text": text,
                    "norm": normalise(text),
                }
                for doc_id, (_, _, texts) in corpus.items()
                for n, text in enumerate(texts)
            ]
        )
    )


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    _write(workspace, CORPUS)
    return workspace


def _marked(hits: pl.DataFrame) -> list[str]:
    return [mark(s, h, "[", "]") for s, h in zip(hits["snippet"], hits["highlights"], strict=True)]


@pytest.mark.parametrize(
    "query,found",
    [
        ("Københavnermodellen", "[Kgbenhavnermodellen]"),  # OCR: ø read as g
        ("Kgbenhavnermodellen", "[Københavnermodellen]"),  # and the other way round
        ("virksomhedspraktik", "[virksomhedspraktikker]"),  # inflection
        ("virksomhedspraktik", "[Virksomhedspraktikforløb]"),  # compound starting with the word
        ("opkvalificering", "[opkvalificeres]"),  # another inflection of the same stem
        ("rådgivning", "[Rddgivning]"),  # OCR damage folding cannot undo: fuzzy
        ("løntilskud", "[lgntilskud]"),
    ],
)
def test_damaged_and_inflected_words_are_found_and_highlighted(ws, query, found):
    assert any(found in snippet for snippet in _marked(search(ws, query)))


def test_short_words_match_whole_words_only(ws):
    hits = search(ws, "IGU")
    assert _marked(hits) == ["Flere ledige skal opkvalificeres, fx med [IGU]-forløb."]


def test_every_query_word_must_occur_in_the_passage(ws):
    hits = search(ws, "virksomhedspraktik branchepakker")
    assert hits["municipality"].to_list() == ["Frederiksberg"]
    assert "[branchepakker] og [virksomhedspraktik]" in _marked(hits)[0]


def test_results_are_grouped_by_municipality(ws):
    hits = search(ws, "virksomhedspraktik")
    names = hits["municipality"].to_list()
    assert set(names) == {"København", "Frederiksberg", "Gentofte", None}
    # Each municipality's hits are contiguous; groups come in order of their best hit.
    runs = [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
    assert len(runs) == len(set(runs))
    best = [hits.filter(pl.col("municipality").eq_missing(n))["score"].max() for n in runs]
    assert best == sorted(best, reverse=True)
    # Each row links back to one segment of one plan.
    assert hits.select("doc_id", "seg_no").unique().height == hits.height


def test_no_match_gives_an_empty_frame_with_the_result_columns(ws):
    for query in ("flyvemaskine", "", "  .,; "):
        hits = search(ws, query)
        assert hits.is_empty()
        assert hits.schema == pl.Schema(SEARCH_RESULTS)


def test_kinds_limit_and_the_analysts_corrections(ws):
    assert None not in search(ws, "virksomhedspraktik", kinds=["plan"])["municipality"].to_list()
    assert search(ws, "virksomhedspraktik", limit=2).height == 2
    ReviewStore.for_workspace(ws).set_metadata(
        "aaaa000000000004", "municipality", "Gentofte", "Anna"
    )
    hits = search(ws, "budgettet")
    assert hits["municipality"].to_list() == ["Gentofte"]


def test_the_index_is_rebuilt_when_the_segments_change(ws):
    assert search(ws, "jobrotation").is_empty()
    index = ws.root / search_module.INDEX_FILE
    assert index.exists()
    corpus = dict(CORPUS)
    corpus["aaaa000000000005"] = ("Ballerup", "plan", ["Jobrotation er et godt redskab."])
    _write(ws, corpus)
    assert search(ws, "jobrotation")["municipality"].to_list() == ["Ballerup"]
    assert not list(ws.root.glob(f".{search_module.INDEX_FILE}.*"))  # no temporary file left


def test_the_index_counted_in_batches_is_the_count_of_every_word_at_once(ws, monkeypatch):
    norms = ws.read_segment_columns(["norm"])["norm"].fill_null("").to_list()
    expected: dict[str, int] = {}
    for norm in norms:
        for term in norm.split(" "):
            if term:
                expected[term] = expected.get(term, 0) + 1
    monkeypatch.setattr(search_module, "INDEX_BATCH", 2)  # several batches, the last one short
    assert len(norms) > 2 * search_module.INDEX_BATCH and len(norms) % 2
    vocabulary = search_module.build_index(ws)
    assert vocabulary.schema == {"term": pl.Utf8, "n": pl.UInt32}
    assert vocabulary["term"].to_list() == sorted(expected)
    assert dict(vocabulary.iter_rows()) == expected


def test_empty_workspace_has_no_results(workspace):
    assert search(workspace, "job").is_empty()


def test_query_keys_drop_stop_words_unless_nothing_else_is_left():
    assert query_keys("Flere ledige skal opkvalificeres") == query_keys("ledige opkvalificeres")
    assert query_keys("og") == [normalise("og")]


def test_snippet_is_cut_around_the_first_match_with_spans_inside():
    text = " ".join(["fyld"] * 100) + " Københavnermodellen " + " ".join(["mere"] * 100)
    start = text.index("Københavnermodellen")
    snippet, spans = make_snippet(text, [(start, start + len("Københavnermodellen"))], 120)
    assert snippet.startswith("… ") and snippet.endswith(" …") and len(snippet) <= 124
    ((s, e),) = spans
    assert snippet[s:e] == "Københavnermodellen"


def test_mark_escapes_the_text_but_not_the_markers():
    snippet = "a *b* c"
    out = mark(snippet, [(3, 4)], "<", ">", escape=lambda t: t.replace("*", r"\*"))
    assert out == r"a \*<b>\* c"


@pytest.mark.seeds
def test_search_on_the_seed_documents(seeds_dir: Path, tmp_path: Path):
    ws = Workspace.open(tmp_path / "ws")
    report = ingest_paths(sorted(seeds_dir.glob("*.txt")), ws)
    assert not report.failed
    plans = {d["doc_id"]: d for d in ws.read_documents().iter_rows(named=True)}

    hits = search(ws, "Københavnermodellen", kinds=["plan"])
    # Both København plans spell it only in OCR readings (Kgbenhavner…, Kebenhavner…).
    assert {plans[d]["year"] for d in hits["doc_id"]} == {2018, 2022}
    assert set(hits["municipality"]) == {"København"}
    words = [
        s[h["start"] : h["end"]]
        for s, hs in zip(hits["snippet"], hits["highlights"], strict=True)
        for h in hs
    ]
    assert words and all(
        w.lower().startswith(("kgbenhavnermodel", "kebenhavnermodel")) for w in words
    )

    hits = search(ws, "virksomhedspraktik")
    marked = " ".join(_marked(hits))
    assert "[virksomhedspraktikker]" in marked  # the budget note's inflected form


def test_cli_search_csv_and_table(ws):
    root = str(ws.root)
    result = CliRunner().invoke(
        main,
        ["search", "virksomhedspraktik", "--workspace", root, "--format", "csv", "--kind", "plan"],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["municipality"] for r in rows} == {"København", "Frederiksberg", "Gentofte"}
    assert any("[virksomhedspraktikker]" in r["snippet"] for r in rows)
    assert all(r["doc_id"] in CORPUS and r["seg_no"].isdigit() for r in rows)

    result = CliRunner().invoke(main, ["search", "Kgbenhavnermodellen", "--workspace", root])
    assert result.exit_code == 0, result.output
    assert "Frederiksberg" in result.output and "København" in result.output
    assert "aaaa000000000001:0" in result.output

    result = CliRunner().invoke(main, ["search", "flyvemaskine", "--workspace", root])
    assert result.exit_code == 0 and "No passage matches" in result.output


def test_cli_csv_cells_never_start_a_formula(workspace):
    _write(
        workspace,
        {
            "bbbb000000000001": (
                "Ballerup",
                "plan",
                ['=HYPERLINK("http://x") jobrotation', "@SUM(1) jobrotation"],
            )
        },
    )
    result = CliRunner().invoke(
        main, ["search", "jobrotation", "--workspace", str(workspace.root), "--format", "csv"]
    )
    snippets = [r["snippet"] for r in csv.DictReader(io.StringIO(result.output))]
    assert sorted(snippets) == ['\'=HYPERLINK("http://x") [jobrotation]', "'@SUM(1) [jobrotation]"]
