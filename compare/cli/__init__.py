"""Command line: `compare ingest|documents|tag|matrix|evaluate|export|import-review|search|...`.

Each module below adds its commands to the `main` group when imported.
"""

from compare.cli import export, ingest, matrix, search, tagging  # noqa: F401  (registers commands)
from compare.cli.base import main

__all__ = ["main"]
