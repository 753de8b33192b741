"""The tagger's result frames: list columns built flat, without pulling in pandas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

from compare.tagging.pipeline import _string_lists

ROOT = Path(__file__).resolve().parent.parent


def test_string_lists_are_the_lists_given() -> None:
    lists = [[], ["ledige", "unge"], ["ø-kvote", ""], [], ["x" * 300]]
    built = _string_lists("matched_terms", lists)
    assert built.name == "matched_terms"
    assert built.dtype == pl.List(pl.String)
    assert built.to_list() == lists
    assert _string_lists("t", []).to_list() == []


def test_tagging_a_plan_does_not_import_pandas() -> None:
    """pandas costs every worker 0.3-0.5 s to import, and the tagger needs none of it."""
    probe = (
        "import sys\n"
        "import polars as pl\n"
        "from compare.frameworks.catalog import load_frameworks\n"
        "from compare.tagging.pipeline import tag_documents\n"
        "docs = pl.DataFrame({'doc_id': ['d'], 'year': [2018], 'year_to': [2018],"
        " 'text_hash': ['h']})\n"
        "segs = pl.DataFrame({'doc_id': ['d', 'd'], 'seg_no': [0, 1], 'section_no': [1, 1],"
        " 'heading_path': ['1 Unge', '1 Unge'], 'is_heading': [True, False], 'level': [1, 1],"
        " 'text': ['1 Unge', 'Flere unge skal i uddannelse og job.'],"
        " 'norm': ['1 ung', 'flere ung skal i uddannels og job'], 'page': [1, 1],"
        " 'line_start': [1, 2], 'line_end': [1, 2]},"
        " schema_overrides={'seg_no': pl.Int32, 'section_no': pl.Int32, 'level': pl.Int8,"
        " 'page': pl.Int32, 'line_start': pl.Int32, 'line_end': pl.Int32})\n"
        "tags, evidence = tag_documents(docs, segs, load_frameworks())\n"
        "assert tags.height > 0, tags\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
