"""compare: municipalities' employment plans against ministerial goals and regional themes.

The public API, by pipeline stage. Names are imported lazily (PEP 562), so `import compare.text`
stays cheap and the command line starts fast. (`compare.search` and `compare.evaluate` are
modules named like their main function, so they are used as `compare.search.search`.)
"""

from __future__ import annotations

import importlib
from typing import Any

_API: dict[str, str] = {
    # facts
    "Workspace": "compare.workspace",
    "load_registry": "compare.registry",
    "Registry": "compare.registry",
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
    "detect_metadata": "compare.metadata",
    # frameworks and tagging
    "Framework": "compare.frameworks",
    "load_framework": "compare.frameworks",
    "load_frameworks": "compare.frameworks",
    "find_framework": "compare.frameworks",
    "framework_from_titles": "compare.frameworks",
    "save_framework": "compare.frameworks",
    "tag_documents": "compare.tagger",
    "tag_workspace": "compare.tagger",
    # matrix and review
    "ReviewStore": "compare.review",
    "load_documents": "compare.review",
    "record_decision": "compare.review",
    "matrix_cells": "compare.matrix",
    "wide_matrix": "compare.matrix",
    # analysis and export
    "theme_overview": "compare.overview",
    "compare_years": "compare.years",
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
