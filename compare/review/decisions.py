"""Record an analyst's decision on a workspace document, stamped with the document's text hash.

The database itself is `compare.store.review_db.ReviewStore` (SQLite, append-only history); the
hash lets the matrix flag a decision for re-check when the document's text changes.
"""

from __future__ import annotations

from compare.store.documents import document_row, load_documents
from compare.store.review_db import ReviewStore
from compare.store.workspace import Workspace


def record_decision(
    ws: Workspace,
    doc_id: str,
    framework_id: str,
    item_id: str,
    level: str,
    note: str | None = None,
    reviewer: str = "",
    store: ReviewStore | None = None,
) -> int:
    """Record a decision on a workspace document, stamped with its current text hash.

    This is what the CLI, the app and the Excel import call: it checks the document exists and
    fills in municipality, year and text hash from it. Returns the decision's id.
    """
    store = store or ReviewStore.for_workspace(ws)
    row = document_row(load_documents(ws, store), doc_id)
    return store.decide(
        doc_id,
        framework_id,
        item_id,
        level,
        note,
        reviewer,
        row["text_hash"],
        municipality=row["municipality"],
        year=row["year"],
    )
