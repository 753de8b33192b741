"""Small workspaces for the export tests, written as frames through the Workspace API.

`Plan` says what a plan is and what the tagger found in it per framework item; `write_plans`
stores documents, tags and evidence exactly as the pipeline would (schema-conformed Parquet).
`matrix_sheet`, `body` and `matrix_csv` read an export and the CSV matrix back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from compare.cli import main
from compare.schema import DOCUMENTS, EVIDENCE, KIND_PLAN, TAGS
from compare.store.workspace import Workspace

TAGGED_AT = datetime(2024, 3, 1, 12, 0)


@dataclass
class Plan:
    """One plan: municipality, period, and per (framework_id, item_id) a level and quotes."""

    municipality: str | None
    year: int
    levels: dict[tuple[str, str], str] = field(default_factory=dict)
    quotes: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    year_to: int | None = None
    kind: str = KIND_PLAN
    title: str | None = None
    file_name: str | None = None

    @property
    def doc_id(self) -> str:
        key = f"{self.municipality}|{self.year}|{self.year_to}|{self.kind}|{self.file_name}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]


def write_plans(ws: Workspace, plans: list[Plan]) -> None:
    """Store the plans' documents, tags and evidence in the workspace."""
    documents, tags, evidence = [], [], []
    for plan in plans:
        digest = hashlib.sha256(plan.doc_id.encode()).hexdigest()
        name = plan.file_name or f"beskaeftigelsesplan-{plan.municipality}-{plan.year}.pdf"
        documents.append(
            {
                "doc_id": plan.doc_id,
                "content_hash": plan.doc_id + digest[16:],
                "text_hash": "t" + digest[1:],
                "file_name": name,
                "source_path": name,
                "stored_path": name,
                "format": "pdf",
                "title": plan.title or f"Beskæftigelsesplan {plan.year}",
                "municipality": plan.municipality,
                "kommunekode": None,
                "municipality_note": None,
                "year": plan.year,
                "year_to": plan.year_to or plan.year,
                "kind": plan.kind,
                "pages": 12,
                "n_sections": 5,
                "n_chars": 20_000,
                "ingested_at": TAGGED_AT,
            }
        )
        for (framework_id, item_id), level in plan.levels.items():
            tags.append(
                {
                    "doc_id": plan.doc_id,
                    "framework_id": framework_id,
                    "item_id": item_id,
                    "level": level,
                    "score": 1.0 if level else 0.0,
                    "matched_terms": [],
                    "target_sentence": None,
                    "framework_hash": "f",
                    "text_hash": "t" + digest[1:],
                    "tagged_at": TAGGED_AT,
                }
            )
            for rank, quote in enumerate(plan.quotes.get((framework_id, item_id), []), 1):
                evidence.append(
                    {
                        "doc_id": plan.doc_id,
                        "framework_id": framework_id,
                        "item_id": item_id,
                        "rank": rank,
                        "seg_no": rank * 10,
                        "quote": quote,
                        "heading_path": f"Mål {item_id} > Indsats",
                        "page": rank + 2,
                        "line_start": rank * 10,
                        "line_end": rank * 10 + 3,
                        "matched_terms": [],
                        "score": 1.0 / rank,
                        "is_target": rank == 1 and level == "X",
                    }
                )
    ws.write_documents(pl.DataFrame(documents, schema=DOCUMENTS))
    ws.write_tags(pl.DataFrame(tags, schema=TAGS))
    ws.write_evidence(pl.DataFrame(evidence, schema=EVIDENCE))


GOALS = "ministermaal-2018"
THEMES = "rar-hovedstaden-2018"
YEAR = 2018
COUNCIL = "RAR Hovedstaden"
INJECTION_QUOTES = [
    "=1+1 er ikke en formel",
    "+45 33 66 33 66",
    "-2+3 flere i job",
    "@SUM(1;2)",
    '\t=HYPERLINK("http://evil.example")',
    "\r=1+1",
]


def _levels(framework_id: str, values: str) -> dict[tuple[str, str], str]:
    """ "X,(X),,X" -> {(framework_id, "1"): "X", (framework_id, "2"): "(X)", ...}."""
    return {(framework_id, str(n)): v for n, v in enumerate(values.split(","), 1)}


def _quotes(
    municipality: str, levels: dict[tuple[str, str], str]
) -> dict[tuple[str, str], list[str]]:
    return {
        key: [
            f"{municipality} vil have flere i job (mål {key[1]}, {key[0]}).",
            f"Anden passage fra {municipality} om mål {key[1]}.",
        ]
        for key, level in levels.items()
        if level
    }


def standard_plans() -> list[Plan]:
    """Plans of RAR Hovedstaden 2018 and a few that must stay out of its matrix."""
    specs = {
        "Albertslund": ("X,(X),,X,(X)", "X,,(X),,,,,,,,,,,,,"),
        "København": ("X,X,X,X,X", ",,,,X,X,(X),,,,,,,,,(X)"),
        "Tårnby": ("(X),,X,,", "(X),,,,,,,,,,,,,,,"),
        "Ishøj": ("(X),X,,,", ",,,,,,,,,,,,,,,"),
        "Vallensbæk": ("X,,,,(X)", ",,,,,,,,,,,,,,,X"),
    }
    plans = []
    for municipality, (goals, themes) in specs.items():
        levels = {**_levels(GOALS, goals), **_levels(THEMES, themes)}
        plans.append(Plan(municipality, YEAR, levels, _quotes(municipality, levels)))
    covering = {**_levels(GOALS, ",(X),,,"), **_levels(THEMES, "X,,,,,,,,,,,,,,,")}
    plans.append(Plan("Gentofte", 2017, covering, _quotes("Gentofte", covering), year_to=2019))
    # København's best passages start with characters that would make a formula.
    injected = [(GOALS, "1"), (GOALS, "2"), (GOALS, "3"), (GOALS, "4"), (GOALS, "5"), (THEMES, "6")]
    for key, quote in zip(injected, INJECTION_QUOTES, strict=True):
        plans[1].quotes[key] = [quote, *plans[1].quotes[key][1:]]
    plans.append(Plan("Helsingør", 2017, _levels(GOALS, "X,,,,")))  # another year: not shown
    plans.append(Plan(None, YEAR, {}, title="=cmd|' /C calc'!A0", file_name="ukendt.pdf"))
    plans.append(Plan("Odense", 2016, _levels(GOALS, "X,X,,,")))  # another council and year
    return plans


def matrix_sheet(book: Any, framework_id: str) -> Worksheet:
    """The matrix sheet of a framework, found by its hidden marker (not by its name)."""
    for sheet in book.worksheets:
        value = sheet["A1"].value
        if isinstance(value, str) and value.startswith("{"):
            if json.loads(value).get("framework") == framework_id:
                return sheet
    raise AssertionError(f"no matrix sheet for {framework_id}")


def header_row(sheet: Worksheet) -> int:
    return next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Jobcenter")


def body(sheet: Worksheet) -> dict[str, int]:
    """Row name -> row number of the jobcentre rows."""
    rows, r = {}, header_row(sheet) + 1
    while sheet.cell(r, 1).value not in (None, "Antal X"):
        rows[sheet.cell(r, 1).value] = r
        r += 1
    return rows


def matrix_csv(ws: Workspace, framework_id: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(
        main,
        ["matrix", "--framework", framework_id, "--format", "csv", "--workspace", str(ws.root)],
    )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))
