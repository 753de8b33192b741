"""compare: municipalities' employment plans against ministerial goals and regional themes.

The public API, by pipeline stage. Names are imported lazily (PEP 562), so `import compare.text`
stays cheap and the command line starts fast. (`compare.analysis.search` and
`compare.analysis.evaluate` are modules named like their main function: use them as
`compare.analysis.search.search`.)
"""

from __future__ import annotations

import importlib
from typing import Any

_API: dict[str, str] = {
    # facts
    "Workspace": "compare.store.workspace",
    "load_registry": "compare.registry.lookup",
    "Registry": "compare.registry.lookup",
    "normalise": "compare.text",
    "term_key": "compare.text",
    "CompareError": "compare.errors",
    "UnreadableDocument": "compare.errors",
    "BadFramework": "compare.errors",
    # ingest
    "read_document": "compare.ingest",
    "segment": "compare.ingest",
    "ingest_paths": "compare.ingest",
    "ingest_bytes": "compare.ingest",
    "detect_metadata": "compare.ingest.metadata",
    # frameworks and tagging
    "Framework": "compare.frameworks.catalog",
    "load_framework": "compare.frameworks.catalog",
    "load_frameworks": "compare.frameworks.catalog",
    "find_framework": "compare.frameworks.catalog",
    "framework_from_titles": "compare.frameworks.catalog",
    "save_framework": "compare.frameworks.catalog",
    "tag_documents": "compare.tagging.run",
    "tag_workspace": "compare.tagging.run",
    # matrix and review
    "ReviewStore": "compare.store.review_db",
    "load_documents": "compare.store.documents",
    "record_decision": "compare.review.decisions",
    "matrix_cells": "compare.review.matrix",
    "effective_cells": "compare.review.matrix",
    "wide_matrix": "compare.review.matrix",
    # analysis and export
    "theme_overview": "compare.analysis.overview",
    "compare_years": "compare.analysis.years",
    "export_workbook": "compare.excel",
    "import_review": "compare.excel",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'compare' has no attribute {name!r}")
    return getattr(importlib.import_module(_API[name]), name)


def __dir__() -> list[str]:
    return __all__
