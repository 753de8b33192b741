"""Metadata stated at ingest (`--municipality`, `--year`, ...): checked and applied to a row.

Pure: the caller records the values it applied (`Overrides.given`) in the review store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compare.errors import CompareError
from compare.registry.lookup import Municipality, load_registry
from compare.schema import KINDS, YEAR_RANGE

FIELDS = ("municipality", "year", "year_to", "kind")


def _year(name: str, value: Any) -> int | None:
    if value is None:
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise CompareError(f"{name} must be a year such as 2018, not {value!r}") from None
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise CompareError(
            f"{name} must be between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}, not {year}"
        )
    return year


@dataclass(frozen=True)
class Overrides:
    """Checked overrides; None means "keep what was detected"."""

    municipality: Municipality | None = None
    year: int | None = None
    year_to: int | None = None
    kind: str | None = None

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> Overrides:
        """Check a dict of overrides; raises CompareError (UnknownMunicipality for a bad name)."""
        values = {k: v for k, v in (values or {}).items() if v is not None and v != ""}
        unknown = sorted(set(values) - set(FIELDS))
        if unknown:
            raise CompareError(f"unknown override {', '.join(unknown)}: use {', '.join(FIELDS)}")
        kind = values.get("kind")
        if kind is not None and kind not in KINDS:
            raise CompareError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        year, year_to = _year("year", values.get("year")), _year("year_to", values.get("year_to"))
        if year is not None and year_to is not None and year_to < year:
            raise CompareError(f"the period ends ({year_to}) before it starts ({year})")
        name = values.get("municipality")
        municipality = load_registry().get(str(name)) if name is not None else None
        return cls(municipality, year, year_to, kind)

    def given(self) -> dict[str, str | int]:
        """The overridden fields and their values, as the review store records them."""
        out: dict[str, str | int] = {}
        if self.municipality is not None:
            out["municipality"] = self.municipality.name
        for name in ("year", "year_to", "kind"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


def apply_overrides(row: dict[str, Any], overrides: Overrides) -> None:
    """Put the overrides into a DOCUMENTS row in place.

    `year` alone makes a one-year period; `year_to` alone keeps the detected first year when it
    is not later. The period always runs from first year to last year.
    """
    if overrides.municipality is not None:
        row["municipality"] = overrides.municipality.name
        row["kommunekode"] = overrides.municipality.code
        row["municipality_note"] = None
    if overrides.kind is not None:
        row["kind"] = overrides.kind
    if overrides.year is not None:
        row["year"] = overrides.year
        row["year_to"] = overrides.year  # a stated first year alone means a one-year period
    if overrides.year_to is not None:
        row["year_to"] = overrides.year_to
        if row["year"] is None or row["year"] > overrides.year_to:
            row["year"] = overrides.year if overrides.year is not None else overrides.year_to
    if row["year"] is not None and (row["year_to"] is None or row["year_to"] < row["year"]):
        row["year_to"] = row["year"]
