"""Which plans an overview covers: a council's municipalities, with a plan for the year.

A council's written overview (seed 003) is about the plans of one year from the municipalities
of that council only. A themes framework that names its council (`council = "RAR Hovedstaden"`)
covers that council's municipalities and no others, whatever council is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from compare.errors import CompareError
from compare.frameworks.catalog import Framework
from compare.registry.lookup import Registry, load_registry
from compare.review.evidence import effective_evidence
from compare.schema import covers
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace


@dataclass(frozen=True)
class Scope:
    """The council and year an overview is about (None: not restricted)."""

    council: str | None
    year: int | None

    def label(self) -> str:
        """Danish words for the scope, e.g. "RAR Hovedstaden, planer for 2018"."""
        parts = [self.council or "alle råd"]
        parts.append(f"planer for {self.year}" if self.year else "planer fra alle år")
        return ", ".join(parts)


def resolve_scope(
    framework: Framework,
    council: str | None,
    year: int | None,
    registry: Registry | None = None,
) -> Scope:
    """The scope asked for, with the framework's own council when none is named.

    Raises CompareError when the framework belongs to another council than the one asked for,
    or the council did not exist in `year`.
    """
    registry = registry or load_registry()
    name = None
    if council:
        name = registry.find_council(council, year).name
    if framework.council:
        own = registry.find_council(framework.council).name
        if name is not None and name != own:
            raise CompareError(
                f"{framework.id} holds the themes of {own}; it has no overview for {name}"
            )
        name = own
    return Scope(name, year)


def scope_documents(
    documents: pl.DataFrame, scope: Scope, registry: Registry | None = None
) -> pl.DataFrame:
    """The documents in scope: period covering the year, municipality in the council.

    Membership is taken in the scope's year, or in each document's own first year when the
    scope has none. A document of unknown municipality is never in a council's scope.
    """
    docs = documents if scope.year is None else documents.filter(covers(scope.year))
    if scope.council is None:
        return docs
    registry = registry or load_registry()
    keep = []
    for doc_id, name, first in docs.select("doc_id", "municipality", "year").iter_rows():
        when = scope.year or first
        try:
            council = registry.council(name, when) if name and when else None
        except CompareError:  # a name the registry does not know
            council = None
        if council == scope.council:
            keep.append(doc_id)
    return docs.filter(pl.col("doc_id").is_in(keep))


def scope_cells(cells: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The matrix cells (MATRIX_CELLS) of the documents in scope."""
    return cells.filter(pl.col("doc_id").is_in(documents["doc_id"].implode()))


def overview_evidence(ws: Workspace) -> pl.DataFrame:
    """The evidence passages the overview and its drafts rest on (EFFECTIVE_EVIDENCE).

    The one place that says which: the tagger's passages with the analysts' changes (added,
    removed, target marks) merged in (`compare.review.evidence.effective_evidence`).
    """
    return effective_evidence(ws.read_evidence(), ReviewStore.for_workspace(ws).passages())
