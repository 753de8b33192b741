"""The written overview as a Word document: content from the workspace, layout with python-docx."""

from compare.word.content import Report, build_report
from compare.word.document import report_bytes, write_report

__all__ = ["Report", "build_report", "report_bytes", "write_report"]
