"""Read and check the registry's data files: municipalities, councils, jobcentres, aliases.

The registry is data, not code: a new council period is rows in `councils.csv` and
`council_members.csv`, a new joint jobcentre is rows in `jobcentres.csv`. The files (described
for people editing them in data/REGISTRY.md):

- `municipalities.csv` — kommunekode (3 digits, text), name, region, iso_3166_2.
- `councils.csv` — council, short_name, region, from_year, to_year (empty = still in force), note.
  2015–2024: the eight regional labour-market councils, named "RAR <area>" as they call
  themselves. From 2025: the five regional employment councils (lov nr. 1656 af 30.12.2024), named
  "Det Regionale Beskæftigelsesråd <region>" with short name "RBR <region>".
- `council_members.csv` — council, kommunekode, municipality: membership for the council's period.
- `jobcentres.csv` — only the joint jobcentres (every other municipality has its own jobcentre,
  named like the municipality): jobcentre, kommunekode, municipality, role (host | served),
  from_year, to_year, note (where dates are not verified, the note says so).
- `aliases.csv` — alias, target (a municipality, jobcentre or council name), note. Genitive forms,
  "X Kommune", "Jobcenter X" and OCR spellings that fold to the name need no row.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from compare.config import REGISTRY_DIR as DATA_DIR
from compare.errors import BadRegistry

_CODE = re.compile(r"\d{3}")
_ROLES = ("host", "served")


@dataclass(frozen=True)
class MunicipalityRow:
    """One row of municipalities.csv."""

    code: str
    name: str
    region: str
    iso: str


class _YearSpan:
    """A span of years, `from_year` to `to_year` inclusive (to_year None: still in force)."""

    from_year: int
    to_year: int | None

    def covers(self, year: int) -> bool:
        """True if the span includes this year."""
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True)
class Council(_YearSpan):
    """A regional council and the years it existed (to_year None: still in force)."""

    name: str
    short_name: str
    region: str
    from_year: int
    to_year: int | None
    note: str


@dataclass(frozen=True)
class JobcentreSpan(_YearSpan):
    """One municipality's membership of a joint jobcentre for a span of years."""

    jobcentre: str
    code: str
    role: str  # "host" (the municipality whose jobcentre it is) or "served"
    from_year: int
    to_year: int | None
    note: str


@dataclass(frozen=True)
class RegistryTables:
    """The checked contents of the registry's data files."""

    municipalities: tuple[MunicipalityRow, ...]
    councils: tuple[Council, ...]
    members: dict[str, tuple[str, ...]]  # council name -> kommunekoder
    jobcentres: tuple[JobcentreSpan, ...]
    aliases: tuple[tuple[str, str], ...]  # (alias, target name)


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with their line numbers, after checking the header."""
    if not path.is_file():
        raise BadRegistry(
            path, "file not found; the registry needs it (see compare/registry/lookup.py)"
        )
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        missing = [c for c in columns if c not in header]
        if missing:
            raise BadRegistry(path, f"missing column(s) {', '.join(missing)} in the header", 1)
        return [
            (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader
        ]


def _year(path: Path, line: int, value: str, field: str, optional: bool = False) -> int | None:
    if not value and optional:
        return None
    if not value.isdigit() or len(value) != 4:
        raise BadRegistry(path, f"{field} must be a four-digit year, not {value!r}", line)
    return int(value)


def _read_municipalities(folder: Path) -> tuple[MunicipalityRow, ...]:
    path = folder / "municipalities.csv"
    rows: list[MunicipalityRow] = []
    codes: set[str] = set()
    names: set[str] = set()
    for line, row in _rows(path, ("kommunekode", "name", "region", "iso_3166_2")):
        code, name = row["kommunekode"], row["name"]
        if not _CODE.fullmatch(code):
            raise BadRegistry(
                path, f"kommunekode must be 3 digits (keep leading zeros), not {code!r}", line
            )
        if not name or not row["region"]:
            raise BadRegistry(path, "name and region must not be empty", line)
        if code in codes or name in names:
            raise BadRegistry(path, f"{name} ({code}) is listed twice", line)
        codes.add(code)
        names.add(name)
        rows.append(MunicipalityRow(code, name, row["region"], row["iso_3166_2"]))
    if not rows:
        raise BadRegistry(path, "no municipalities listed")
    return tuple(rows)


def _read_councils(folder: Path) -> tuple[Council, ...]:
    path = folder / "councils.csv"
    councils: list[Council] = []
    for line, row in _rows(path, ("council", "short_name", "region", "from_year", "to_year")):
        from_year = _year(path, line, row["from_year"], "from_year")
        to_year = _year(path, line, row["to_year"], "to_year", optional=True)
        assert from_year is not None
        if to_year is not None and to_year < from_year:
            raise BadRegistry(path, f"to_year {to_year} is before from_year {from_year}", line)
        if not row["council"]:
            raise BadRegistry(path, "council name must not be empty", line)
        councils.append(
            Council(
                row["council"],
                row["short_name"] or row["council"],
                row["region"],
                from_year,
                to_year,
                row.get("note", ""),
            )
        )
    return tuple(councils)


def _read_members(
    folder: Path, rows: tuple[MunicipalityRow, ...], councils: tuple[Council, ...]
) -> dict[str, tuple[str, ...]]:
    path = folder / "council_members.csv"
    municipalities = {m.code: m.name for m in rows}
    regions = {m.code: m.region for m in rows}
    known = {c.name: c for c in councils}
    members: dict[str, list[str]] = {c.name: [] for c in councils}
    for line, row in _rows(path, ("council", "kommunekode", "municipality")):
        council, code = row["council"], row["kommunekode"]
        if council not in known:
            raise BadRegistry(path, f"council {council!r} is not in councils.csv", line)
        if municipalities.get(code) != row["municipality"]:
            raise BadRegistry(
                path,
                f"kommunekode {code} is not {row['municipality']!r} in municipalities.csv",
                line,
            )
        region = known[council].region
        if region and regions[code] != region:
            raise BadRegistry(
                path,
                f"{row['municipality']} is in {regions[code]}, but {council} is for {region}",
                line,
            )
        members[council].append(code)
    # Each municipality must belong to exactly one council in every year some council covers.
    for year in sorted({c.from_year for c in councils}):
        seen: dict[str, str] = {}
        for covering in councils:
            if not covering.covers(year):
                continue
            for code in members[covering.name]:
                if code in seen:
                    raise BadRegistry(
                        path,
                        f"{municipalities[code]} is in both {seen[code]} and "
                        f"{covering.name} in {year}",
                    )
                seen[code] = covering.name
        missing = sorted(set(municipalities) - set(seen))
        if missing:
            names = ", ".join(municipalities[c] for c in missing[:5])
            raise BadRegistry(path, f"no council for {names} in {year}")
    return {name: tuple(codes) for name, codes in members.items()}


def _read_jobcentres(folder: Path, municipalities: dict[str, str]) -> tuple[JobcentreSpan, ...]:
    path = folder / "jobcentres.csv"
    spans: list[JobcentreSpan] = []
    for line, row in _rows(
        path, ("jobcentre", "kommunekode", "municipality", "role", "from_year", "to_year")
    ):
        code = row["kommunekode"]
        if municipalities.get(code) != row["municipality"]:
            raise BadRegistry(
                path,
                f"kommunekode {code} is not {row['municipality']!r} in municipalities.csv",
                line,
            )
        if row["role"] not in _ROLES:
            raise BadRegistry(path, f"role must be host or served, not {row['role']!r}", line)
        from_year = _year(path, line, row["from_year"], "from_year")
        assert from_year is not None
        to_year = _year(path, line, row["to_year"], "to_year", optional=True)
        spans.append(
            JobcentreSpan(
                row["jobcentre"], code, row["role"], from_year, to_year, row.get("note", "")
            )
        )
    for name in {s.jobcentre for s in spans}:
        hosts = {s.code for s in spans if s.jobcentre == name and s.role == "host"}
        if len(hosts) != 1:
            raise BadRegistry(path, f"jobcentre {name!r} needs exactly one host municipality")
    return tuple(spans)


def _read_aliases(folder: Path, targets: set[str]) -> tuple[tuple[str, str], ...]:
    path = folder / "aliases.csv"
    aliases: list[tuple[str, str]] = []
    for line, row in _rows(path, ("alias", "target")):
        if not row["alias"]:
            raise BadRegistry(path, "alias must not be empty", line)
        if row["target"] not in targets:
            raise BadRegistry(
                path,
                f"target {row['target']!r} is not a municipality, jobcentre or council name",
                line,
            )
        aliases.append((row["alias"], row["target"]))
    return tuple(aliases)


def read_tables(folder: Path | None = None) -> RegistryTables:
    """Read and check the registry's CSV files; omit `folder` for the project's `data/`.

    Raises BadRegistry naming the file, the line and what is wrong.
    """
    folder = Path(folder) if folder is not None else DATA_DIR
    municipalities = _read_municipalities(folder)
    by_code = {m.code: m.name for m in municipalities}
    councils = _read_councils(folder)
    members = _read_members(folder, municipalities, councils)
    jobcentres = _read_jobcentres(folder, by_code)
    targets = (
        set(by_code.values())
        | {s.jobcentre for s in jobcentres}
        | {c.name for c in councils}
        | {c.short_name for c in councils}
    )
    aliases = _read_aliases(folder, targets)
    return RegistryTables(municipalities, councils, members, jobcentres, aliases)
