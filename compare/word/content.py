"""What the written overview says, as plain data: the themes, goals and per-municipality tables.

Built from the workspace once (the edge), then handed to `compare.word.document`, which only
lays it out; the app and the CLI share it. Saved narratives replace the machine drafts; a draft
that stands is marked `is_draft`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from compare.analysis.item_table import item_table
from compare.analysis.overview import theme_overview, with_narratives
from compare.analysis.plan_summary import plan_summaries
from compare.analysis.scope import (
    Scope,
    overview_evidence,
    resolve_scope,
    scope_cells,
    scope_documents,
)
from compare.errors import CompareError
from compare.frameworks.catalog import Framework
from compare.registry.lookup import Registry, load_registry
from compare.review.matrix import matrix_cells, matrix_remarks, wide_matrix
from compare.schema import FRAMEWORK_GOALS, FRAMEWORK_THEMES, KIND_PLAN
from compare.store.documents import load_documents
from compare.store.narratives import NarrativeStore
from compare.store.versions import current_documents
from compare.store.workspace import Workspace

MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december".split()
)
# The labour-market office (arbejdsmarkedskontor) that writes each council's overview.
OFFICES = {
    "RAR Hovedstaden": "Arbejdsmarkedskontor Øst",
    "RAR Sjælland": "Arbejdsmarkedskontor Øst",
    "RAR Bornholm": "Arbejdsmarkedskontor Øst",
    "RAR Fyn": "Arbejdsmarkedskontor Syd",
    "RAR Sydjylland": "Arbejdsmarkedskontor Syd",
    "RAR Østjylland": "Arbejdsmarkedskontor Midt-Nord",
    "RAR Vestjylland": "Arbejdsmarkedskontor Midt-Nord",
    "RAR Nordjylland": "Arbejdsmarkedskontor Midt-Nord",
}
ADDRESSED_NOTE = (
    "Note: Hvis kommunen har beskrevet indsats og målsætninger på området, men ikke et "
    "konkret resultatniveau, er det angivet med et (X)."
)


@dataclass
class ThemeRow:
    item_id: str
    label: str
    group: str
    text: str
    is_draft: bool


@dataclass
class GoalRow:
    jobcentre: str
    levels: list[str]
    remark: str
    remark_is_draft: bool = False


@dataclass
class MunicipalityRow:
    municipality: str
    level: str
    text: str
    is_draft: bool


@dataclass
class MunicipalityTable:
    framework_id: str
    item_id: str
    label: str
    rows: list[MunicipalityRow]


@dataclass
class Report:
    office: str
    dated: str  # "Februar 2018"
    council: str
    year: int
    themes_title: str
    themes: list[ThemeRow] = field(default_factory=list)
    goals_title: str = ""
    goal_labels: list[str] = field(default_factory=list)
    goals: list[GoalRow] = field(default_factory=list)
    tables: list[MunicipalityTable] = field(default_factory=list)
    summaries: list[dict[str, Any]] = field(default_factory=list)  # plan summaries (annex)


def month_year(day: date) -> str:
    """ "December 2026": the date line of the title block."""
    return f"{MONTHS[day.month - 1].capitalize()} {day.year}"


def _pick(frameworks: list[Framework], kind: str, council: str, year: int) -> Framework | None:
    if kind == FRAMEWORK_GOALS:
        found = [f for f in frameworks if f.kind == kind and f.year == year]
    else:
        found = [f for f in frameworks if f.kind == kind and f.council == council]
    return found[0] if found else None


def build_report(
    ws: Workspace,
    frameworks: list[Framework],
    council: str,
    year: int,
    tables: Sequence[tuple[str, str]] = (),
    *,
    today: date | None = None,
    registry: Registry | None = None,
    plan_summaries_annex: bool = False,
) -> Report:
    """The content of a council's written overview of `year` (seed 003's shape).

    Themes: the themes framework that names the council; goals: the ministerial goals of the
    year; `tables`: (framework id, item id) of the per-municipality tables;
    `plan_summaries_annex` adds the plans' own targets as an annex.
    """
    registry = registry or load_registry()
    name = registry.find_council(council, year).name
    themes_fw = _pick(frameworks, FRAMEWORK_THEMES, name, year)
    goals_fw = _pick(frameworks, FRAMEWORK_GOALS, name, year)
    if themes_fw is None and goals_fw is None:
        raise CompareError(
            f"no framework for {name} {year}: neither themes naming the council "
            f'(council = "{name}") nor ministerial goals of {year}'
        )
    documents = load_documents(ws)
    docs = scope_documents(
        current_documents(documents).filter(pl.col("kind") == KIND_PLAN),
        Scope(name, year),
        registry,
    )
    ids = [f.id for f in (themes_fw, goals_fw) if f is not None]
    ids += [fw for fw, _ in tables if fw not in ids]
    cells = scope_cells(matrix_cells(ws, ids, kinds=(KIND_PLAN,), documents=documents), docs)
    evidence = overview_evidence(ws)
    store = NarrativeStore.for_workspace(ws)
    report = Report(
        office=OFFICES.get(name, "Arbejdsmarkedskontoret"),
        dated=month_year(today or date.today()),
        council=name,
        year=year,
        themes_title=f"Beskæftigelsesplanerne for {year}",
    )
    if themes_fw is not None:
        resolve_scope(themes_fw, name, year, registry)
        overview = with_narratives(
            theme_overview(cells, evidence, themes_fw), store.latest(name, year, themes_fw.id)
        )
        report.themes = [
            ThemeRow(r["item_id"], r["label"], r["group"], r["text"], r["is_draft"])
            for r in overview.iter_rows(named=True)
        ]
    jobcentres = registry.jobcentre_rows(name, year)
    if goals_fw is not None:
        report.goals_title = f"Oversigt over mål i Beskæftigelsesplaner for {year}"
        report.goal_labels = [f"{i.id}. {i.label}" for i in goals_fw.items]
        plans = docs.filter(pl.col("doc_id").is_in(cells["doc_id"].unique().implode()))
        summaries = plan_summaries(
            plans,
            ws.read_segments(plans["doc_id"].to_list()) if plans.height else None,
            evidence,
            ws.read_tags(),
            cells,
            frameworks,
        )
        drafts = {s["municipality"]: s["remarks_draft"] for s in summaries if s["remarks_draft"]}
        if plan_summaries_annex:
            report.summaries = summaries
        report.goals = _goal_rows(cells, goals_fw, jobcentres, ws, documents, drafts)
    members = [m for _, names in jobcentres for m in names]
    for fw_id, item_id in tables:
        fw = next((f for f in frameworks if f.id == fw_id), None)
        if fw is None:
            raise CompareError(f"--municipality-table {fw_id}:{item_id}: no framework {fw_id}")
        try:
            item = fw.item(item_id)
        except KeyError as err:
            raise CompareError(f"--municipality-table {fw_id}:{item_id}: {err}") from err
        table = item_table(
            cells, evidence, fw.id, item.id, members, store.latest(name, year, fw.id, rows=True)
        )
        rows = [
            MunicipalityRow(
                r["municipality"], r["level"], r["text"], r["is_draft"] and bool(r["text"])
            )
            for r in table.iter_rows(named=True)
        ]
        report.tables.append(MunicipalityTable(fw.id, item.id, item.label, rows))
    return report


def _goal_rows(
    cells: pl.DataFrame,
    goals: Framework,
    jobcentres: list[tuple[str, list[str]]],
    ws: Workspace,
    documents: pl.DataFrame,
    drafts: dict[str, str],
) -> list[GoalRow]:
    """One row per jobcentre in registry order: the best level of its members' plans per goal,
    and the remarks ("Supplerende mål/bemærkninger") of those plans; where no analyst has
    accepted a remark, the plan summary's draft (`drafts` by municipality), marked as one."""
    wide = wide_matrix(cells, goals)
    remarks = matrix_remarks(ws, [goals.id], documents=documents)
    remarks = remarks.filter(pl.col("doc_id").is_in(cells["doc_id"].unique().implode()))
    item_ids = [str(i.id) for i in goals.items]
    rows = []
    for jobcentre, members in jobcentres:
        mine = wide.filter(pl.col("municipality").is_in(members))
        levels = []
        for item_id in item_ids:
            values = mine[item_id].to_list() if mine.height else []
            levels.append("X" if "X" in values else ("(X)" if "(X)" in values else ""))
        notes = remarks.filter(pl.col("municipality").is_in(members))["note"].to_list()
        remark = " ".join(n for n in notes if n)
        draft = " ".join(drafts[m] for m in members if m in drafts)
        if remark or not draft:
            rows.append(GoalRow(jobcentre, levels, remark))
        else:
            rows.append(GoalRow(jobcentre, levels, draft, remark_is_draft=True))
    return rows
