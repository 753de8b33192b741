"""Excel workbooks for the regional council: export of the reviewed matrix, import of edits."""

from compare.excel.importer import (
    Change,
    ImportReport,
    Refusal,
    import_review,
    import_review_bytes,
)
from compare.excel.workbook import export_bytes, export_workbook

__all__ = [
    "Change",
    "ImportReport",
    "Refusal",
    "export_bytes",
    "export_workbook",
    "import_review",
    "import_review_bytes",
]
