"""The effective coverage matrix: the tagger's levels overridden by the analysts' latest decisions.

`effective_cells` computes the long form (one row per plan × framework item, schema MATRIX_CELLS)
from frames and `matrix_cells` from a workspace's stored ones: the form that the app, the export
and the analysis pages share. `wide_matrix` gives the table people read (one row per plan, one
column per item) and is the contract of `compare matrix --format csv`.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from compare.frameworks.catalog import Framework
from compare.registry.lookup import Registry, load_registry
from compare.schema import (
    KIND_PLAN,
    LEVEL_ADDRESSED,
    LEVEL_NONE,
    LEVEL_TARGET,
    MATRIX_CELLS,
    conform,
    covers,
    empty_frame,
)
from compare.store.documents import load_documents
from compare.store.review_db import ReviewStore
from compare.store.versions import current_documents, superseded_pairs
from compare.store.workspace import Workspace

_CELL_KEY = ["doc_id", "framework_id", "item_id"]


def matrix_cells(
    ws: Workspace,
    framework_ids: Iterable[str] | None = None,
    kinds: Iterable[str] | None = (KIND_PLAN,),
    store: ReviewStore | None = None,
    *,
    include_superseded: bool = False,
    documents: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The workspace's effective matrix in long form: `effective_cells` over its stored frames.

    Reads the tags and the latest decisions once. Pass `documents` (as `load_documents` gives
    them) when the caller has them already, to save reading them again; the other arguments are
    those of `effective_cells`.
    """
    store = store or ReviewStore.for_workspace(ws)
    docs = documents if documents is not None else load_documents(ws, store)
    return effective_cells(
        ws.read_tags(),
        store.latest(),
        docs,
        framework_ids,
        kinds,
        include_superseded=include_superseded,
    )


def effective_cells(
    tags: pl.DataFrame,
    decisions: pl.DataFrame,
    documents: pl.DataFrame,
    framework_ids: Iterable[str] | None = None,
    kinds: Iterable[str] | None = (KIND_PLAN,),
    *,
    include_superseded: bool = False,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """The effective matrix in long form (MATRIX_CELLS): tagger level, overridden by a decision.

    Pure: `tags` (TAGS), the latest `decisions` (DECISIONS, as `ReviewStore.latest` gives them)
    and `documents` (DOCUMENTS with the analysts' corrections, as `load_documents` gives them).
    Only plans by default (`kinds=None` for every kind); all frameworks unless `framework_ids`;
    only the current version of a revised plan unless `include_superseded`
    (`compare.store.versions`).
    A decided cell is `reviewed`; it is flagged `recheck` when the document's text changed since.
    A decision on a document that was replaced by a new version (superseded, or removed from
    the workspace) carries over to the new one, flagged `recheck`. Order: municipality
    (the order of `registry`, omit it for the default one), year, document, framework, item.
    """
    docs = documents if include_superseded else current_documents(documents)
    docs = docs if kinds is None else docs.filter(pl.col("kind").is_in(list(kinds)))
    wanted = None if framework_ids is None else list(framework_ids)
    tags = tags.select(
        *_CELL_KEY,
        pl.col("level").alias("tagger_level"),
        "score",
        "confidence",  # the tagger's "sure" / "unsure" (compare.tagging.score.judge)
        "confidence_reason",
    )
    if wanted is not None:
        tags = tags.filter(pl.col("framework_id").is_in(wanted))
        decisions = decisions.filter(pl.col("framework_id").is_in(wanted))
    decisions = _carry_over(decisions, documents, docs)
    decided = decisions.select(
        *_CELL_KEY,
        pl.col("level").alias("decided_level"),
        "note",
        "reviewer",
        "decided_at",
        pl.col("text_hash").alias("decided_hash"),
    )
    cells = tags.join(decided, on=_CELL_KEY, how="full", coalesce=True).join(
        docs.select("doc_id", "municipality", "year", "text_hash"), on="doc_id"
    )
    reviewed = pl.col("decided_level").is_not_null()
    cells = cells.with_columns(
        pl.coalesce("decided_level", "tagger_level").alias("level"),
        reviewed.alias("reviewed"),
        (reviewed & (pl.col("decided_hash") != pl.col("text_hash")))
        .fill_null(False)
        .alias("recheck"),
    )
    return conform(_in_matrix_order(cells, registry), MATRIX_CELLS)


def matrix_remarks(
    ws: Workspace,
    framework_ids: Iterable[str] | None = None,
    store: ReviewStore | None = None,
    *,
    documents: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The analysts' row remarks ("Supplerende mål/bemærkninger") per plan and framework.

    `documents` as for `matrix_cells`.
    """
    store = store or ReviewStore.for_workspace(ws)
    docs = documents if documents is not None else load_documents(ws, store)
    remarks = store.remarks()
    if framework_ids is not None:
        remarks = remarks.filter(pl.col("framework_id").is_in(list(framework_ids)))
    remarks = _carry_over(remarks, docs, docs.filter(pl.col("kind") == KIND_PLAN))
    return (
        remarks.select("doc_id", "framework_id", "note", "reviewer", "decided_at")
        .join(docs.select("doc_id", "municipality", "year"), on="doc_id")
        .select("doc_id", "municipality", "year", "framework_id", "note", "reviewer", "decided_at")
        .sort("doc_id", "framework_id")
    )


def wide_matrix(
    cells: pl.DataFrame, framework: Framework, *, include_doc_id: bool = False
) -> pl.DataFrame:
    """One row per plan: `municipality`, `year`, then one column per item id in framework order.

    Cells are "X", "(X)" or "" (also where the plan was not tagged on the item). This is the CSV
    contract of `compare matrix`: keep it stable. `include_doc_id` puts `doc_id` first.
    """
    item_ids = [str(item.id) for item in framework.items]
    rows = cells.filter(
        (pl.col("framework_id") == framework.id) & pl.col("item_id").is_in(item_ids)
    )
    keys = ["doc_id", "municipality", "year"] if include_doc_id else ["municipality", "year"]
    if rows.is_empty():
        schema = {**{key: MATRIX_CELLS[key] for key in keys}, **dict.fromkeys(item_ids, pl.Utf8)}
        return empty_frame(schema)
    plans = rows.select("doc_id", "municipality", "year").unique("doc_id", maintain_order=True)
    levels = rows.pivot(on="item_id", index="doc_id", values="level", aggregate_function="first")
    missing = [pl.lit(None, pl.Utf8).alias(i) for i in item_ids if i not in levels.columns]
    wide = plans.join(levels.with_columns(missing), on="doc_id", how="left", maintain_order="left")
    return wide.select(*keys, *(pl.col(i).cast(pl.Utf8).fill_null(LEVEL_NONE) for i in item_ids))


def item_totals(cells: pl.DataFrame, framework: Framework) -> pl.DataFrame:
    """Per item, in framework order: how many municipalities have X, (X), either, out of all.

    `text` reads "9 af 29" (covered of all municipalities with a plan in the matrix). A plan
    without a municipality counts as its own.
    """
    rows = cells.filter(pl.col("framework_id") == framework.id).with_columns(
        pl.coalesce("municipality", "doc_id").alias("_who")
    )
    n_all = rows["_who"].n_unique()

    def count(level: Iterable[str]) -> pl.Expr:
        return pl.col("_who").filter(pl.col("level").is_in(list(level))).n_unique()

    counts = rows.group_by("item_id").agg(
        count([LEVEL_TARGET]).alias("n_target"),
        count([LEVEL_ADDRESSED]).alias("n_addressed"),
        count([LEVEL_TARGET, LEVEL_ADDRESSED]).alias("n_covered"),
    )
    order = pl.DataFrame(
        {
            "item_id": [str(item.id) for item in framework.items],
            "label": [str(item.label) for item in framework.items],
        },
        schema={"item_id": pl.Utf8, "label": pl.Utf8},
    )
    totals = order.join(counts, on="item_id", how="left", maintain_order="left").with_columns(
        pl.col("n_target", "n_addressed", "n_covered").fill_null(0).cast(pl.Int64),
        pl.lit(n_all, pl.Int64).alias("n_total"),
    )
    return totals.with_columns(pl.format("{} af {}", "n_covered", "n_total").alias("text"))


def _carry_over(
    decisions: pl.DataFrame, all_docs: pl.DataFrame, targets: pl.DataFrame
) -> pl.DataFrame:
    """Carry decisions on replaced documents over to the current plan, unless it has its own.

    A superseded version's decisions go to the version that superseded it; those of a document
    no longer in the workspace go to the current plans in `targets` of the same municipality
    whose period contains the decision's year. Where several old decisions meet in one cell
    the latest wins; the superseded document keeps its own decisions too.
    """
    known = decisions["doc_id"].is_in(all_docs["doc_id"].implode())
    newer = superseded_pairs(all_docs)
    orphans = decisions.filter(
        ~known & pl.col("municipality").is_not_null() & pl.col("year").is_not_null()
    )
    replaced = decisions.filter(pl.col("doc_id").is_in(list(newer)))
    if orphans.is_empty() and replaced.is_empty():
        return decisions.filter(known)
    plans = current_documents(targets).filter(
        pl.col("municipality").is_not_null() & pl.col("year").is_not_null()
    )
    by_period = (
        orphans.drop("doc_id")
        .join(
            plans.select(
                "doc_id",
                "municipality",
                pl.col("year").alias("_from"),
                pl.col("year_to").alias("_to"),
            ),
            on="municipality",
        )
        .filter(covers(pl.col("year"), "_from", "_to"))
        .drop("_from", "_to")
    )
    by_version = replaced.with_columns(pl.col("doc_id").replace_strict(newer, return_dtype=pl.Utf8))
    moved = (
        pl.concat([by_version.select(decisions.columns), by_period.select(decisions.columns)])
        .filter(pl.col("doc_id").is_in(plans["doc_id"].implode()))
        .sort("id")
        .unique(_CELL_KEY, keep="last")
        .join(decisions.filter(known), on=_CELL_KEY, how="anti")
        .select(decisions.columns)
    )
    return pl.concat([decisions.filter(known), moved]).sort("doc_id", "framework_id", "item_id")


def municipality_order(registry: Registry | None = None) -> dict[str, int]:
    """Municipality name -> its place in the registry's Danish alphabetical order.

    The one sort rank for municipalities in tables; omit `registry` for the default one.
    """
    return {m.name: i for i, m in enumerate((registry or load_registry()).municipalities())}


def _in_matrix_order(cells: pl.DataFrame, registry: Registry | None = None) -> pl.DataFrame:
    """Sort: municipality in the registry's (Danish) order, year, document, framework, item."""
    rank = municipality_order(registry)
    return (
        cells.with_columns(
            pl.col("municipality")
            .replace_strict(rank, default=len(rank), return_dtype=pl.Int64)
            .alias("_rank"),
            pl.col("item_id").cast(pl.Int64, strict=False).alias("_item_no"),
        )
        .sort(
            ["_rank", "municipality", "year", "doc_id", "framework_id", "_item_no", "item_id"],
            nulls_last=True,
        )
        .drop("_rank", "_item_no")
    )
