"""Specific exceptions raised by the core; the CLI and the app turn them into one clear message."""

from __future__ import annotations

from pathlib import Path


class CompareError(Exception):
    """Base class: every error the user can act on. `str(err)` is the message to show."""


class UnreadableDocument(CompareError):
    """A file could not be turned into text (corrupt, empty, encrypted, image-only, binary...)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


class BadDataFile(CompareError):
    """A data file staff edit is malformed; the message names the file, the line and the problem."""

    kind = "file"  # what to call the file when no path is known

    def __init__(self, path: Path | str | None, problem: str, line: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        self.line = line
        where = self.path.name if self.path is not None else self.kind
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {problem}")


class BadFramework(BadDataFile):
    """A framework file (data/frameworks/*.toml, .csv, .xlsx) is malformed."""

    kind = "framework"


class BadRegistry(BadDataFile):
    """A registry data file (data/municipalities.csv etc.) is malformed."""

    kind = "registry"


class BadGold(BadDataFile):
    """A gold file for `compare evaluate` is malformed."""

    kind = "gold file"


class UnknownMunicipality(CompareError):
    """A name that the registry cannot resolve to one municipality or jobcentre."""


class UnknownFramework(CompareError):
    """A framework id or path that is not in the frameworks folder."""


class ExportError(CompareError):
    """A workbook could not be written or read back (bad folder, locked file, unmappable cell)."""


class DuplicateFramework(CompareError):
    """A framework file whose id is already taken by another framework file."""


class DiskFull(CompareError):
    """The disk (or quota) is full: a file could not be written; what was stored is unchanged."""


class ReadOnlyWorkspace(CompareError):
    """The workspace folder cannot be written to; viewing it still works."""


class DamagedFile(CompareError):
    """A stored file (a frame, the review database) cannot be read; the message says what to do."""


class UnsafeArchive(CompareError):
    """A zip-based file (DOCX, XLSX) that would inflate beyond the size or entry limits."""


class MissingFolder(CompareError):
    """A folder named by a flag or an environment variable does not exist."""
