"""Excel workbooks for the regional council: export of the reviewed matrix, import of edits.

Names load lazily (PEP 562): `compare.excel.safe`, which the command line's CSV writer uses,
must not pull in openpyxl's workbook machinery.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "Change": "compare.excel.importer",
    "ImportReport": "compare.excel.importer",
    "Refusal": "compare.excel.importer",
    "import_review": "compare.excel.importer",
    "import_review_bytes": "compare.excel.importer",
    "export_bytes": "compare.excel.workbook",
    "export_workbook": "compare.excel.workbook",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'compare.excel' has no attribute {name!r}")
    return getattr(importlib.import_module(_API[name]), name)


def __dir__() -> list[str]:
    return __all__
