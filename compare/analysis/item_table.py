"""Per-municipality table of one item (seed 003's *Handicapindsatsen*): level and a short text.

One row per municipality of the council, in registry order: the best level of its plans on the
item, and a short text — the analyst's saved row text (NarrativeStore, `municipality` set), else
a machine draft of up to two whole sentences of its passages that hold the item's terms, in
display form. A municipality whose plans do not address the item gets no draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from compare.analysis.overview import excerpt
from compare.display import display_text
from compare.schema import ITEM_TABLE, LEVEL_ADDRESSED, LEVEL_NONE, LEVEL_TARGET

ROW_SENTENCES = 2  # whole sentences in a row's draft
ROW_CHARS = 400  # a draft stops adding sentences past this length


def _best_level(levels: Sequence[str | None]) -> str:
    if LEVEL_TARGET in levels:
        return LEVEL_TARGET
    return LEVEL_ADDRESSED if LEVEL_ADDRESSED in levels else LEVEL_NONE


def row_draft(passages: list[dict[str, Any]]) -> str:
    """Up to ROW_SENTENCES whole sentences from the passages (best first) holding their terms."""
    picked: list[str] = []
    for passage in passages:
        sentence = excerpt(passage["quote"] or "", passage["matched_terms"] or [])
        if sentence and sentence not in picked:
            picked.append(sentence)
        if len(picked) >= ROW_SENTENCES or sum(map(len, picked)) > ROW_CHARS:
            break
    return display_text(" ".join(picked))


def item_table(
    cells: pl.DataFrame,
    evidence: pl.DataFrame,
    framework_id: str,
    item_id: str,
    members: Sequence[str],
    saved: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The table (ITEM_TABLE) of one item over `members` (registry order).

    `cells` are the effective matrix cells in scope, `evidence` the passages, `saved` the
    council's saved row texts (NarrativeStore.latest(..., rows=True)).
    """
    cells = cells.filter((pl.col("framework_id") == framework_id) & (pl.col("item_id") == item_id))
    evidence = evidence.filter(
        (pl.col("framework_id") == framework_id) & (pl.col("item_id") == item_id)
    ).sort("rank")
    texts: dict[str, dict[str, Any]] = {}
    if saved is not None:
        mine = saved.filter(
            (pl.col("framework_id") == framework_id) & (pl.col("item_id") == item_id)
        )
        texts = {r["municipality"]: r for r in mine.iter_rows(named=True)}
    rows = []
    for name in members:
        plans = cells.filter(pl.col("municipality") == name)
        level = _best_level(plans["level"].to_list())
        draft = ""
        if level:
            addressed = plans.filter(pl.col("level") != LEVEL_NONE)["doc_id"]
            draft = row_draft(
                evidence.filter(pl.col("doc_id").is_in(addressed.implode())).to_dicts()
            )
        kept = texts.get(name)
        rows.append(
            {
                "municipality": name,
                "level": level,
                "draft_text": draft,
                "text": kept["text"] if kept else draft,
                "is_draft": kept is None,
                "saved_by": kept["reviewer"] if kept else None,
                "saved_at": kept["saved_at"] if kept else None,
            }
        )
    return pl.DataFrame(rows, schema=ITEM_TABLE)


def item_table_with(
    table: pl.DataFrame, saved: pl.DataFrame, framework_id: str, item_id: str
) -> pl.DataFrame:
    """`table` (ITEM_TABLE, e.g. drafts only) with the saved row texts of one item put in."""
    mine = saved.filter((pl.col("framework_id") == framework_id) & (pl.col("item_id") == item_id))
    kept = {r["municipality"]: r for r in mine.iter_rows(named=True)}
    rows = []
    for row in table.iter_rows(named=True):
        k = kept.get(row["municipality"])
        if k is not None:
            row = {**row, "text": k["text"], "is_draft": False}
            row.update(saved_by=k["reviewer"], saved_at=k["saved_at"])
        rows.append(row)
    return pl.DataFrame(rows, schema=ITEM_TABLE)
