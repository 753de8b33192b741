"""Command line: one module per command (group), named after it; each adds itself to `main`.

Commands: ingest, documents, tag, matrix, review, evaluate, export, import-review, search,
overview, narrative, report, frameworks.
"""

from compare.cli import (  # noqa: F401  (registers commands)
    documents,
    evaluate,
    export,
    frameworks,
    import_review,
    ingest,
    matrix,
    narrative,
    overview,
    report,
    review,
    search,
    tag,
)
from compare.cli.base import main

__all__ = ["main"]
