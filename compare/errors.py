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


class BadFramework(CompareError):
    """A framework file is malformed; names the file, the line where known, and the problem."""

    def __init__(self, path: Path | str | None, problem: str, line: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        self.line = line
        where = self.path.name if self.path is not None else "framework"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {problem}")


class BadRegistry(CompareError):
    """A registry data file (data/municipalities.csv etc.) is malformed; names file and line."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        where = self.path.name if line is None else f"{self.path.name}, line {line}"
        super().__init__(f"{where}: {problem}")


class UnknownMunicipality(CompareError):
    """A name that the registry cannot resolve to one municipality or jobcentre."""


class UnknownFramework(CompareError):
    """A framework id or path that is not in the frameworks folder."""


class ExportError(CompareError):
    """A workbook could not be written or read back (bad folder, locked file, unmappable cell)."""


class BadGold(CompareError):
    """A gold file for `compare evaluate` is malformed; names the file, the line and the problem."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        where = self.path.name if line is None else f"{self.path.name}, line {line}"
        super().__init__(f"{where}: {problem}")
