"""Ingestion: read PDF, DOCX, HTML, Markdown and text files into located segments, and store them.

`read_document` turns a file into blocks, `segment` turns blocks into the SEGMENTS frame, and
`ingest_paths` / `ingest_bytes` run the whole step into a workspace.
"""

from compare.ingest.model import (
    DEFAULT_MAX_BYTES,
    SUPPORTED_SUFFIXES,
    Block,
    Line,
    RawDocument,
)
from compare.ingest.pipeline import (
    DocumentSummary,
    IngestReport,
    collect_files,
    ingest_bytes,
    ingest_paths,
    safe_name,
)
from compare.ingest.readers import parse_document, read_document
from compare.ingest.segment import segment

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "Block",
    "DocumentSummary",
    "IngestReport",
    "Line",
    "RawDocument",
    "collect_files",
    "ingest_bytes",
    "ingest_paths",
    "parse_document",
    "read_document",
    "safe_name",
    "segment",
]
