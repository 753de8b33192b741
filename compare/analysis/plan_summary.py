"""Plan summaries: period, kind, focus areas, the plan's own targets and what each one serves.

Every target sentence the plan sets itself (`compare.tagging.targets.find_targets`, the tagger's
own rule) is listed with where it stands (section, page, lines) and the goals or themes it
serves: the items whose evidence holds its passage as a target passage, or whose tagged target
sentence it is. A target that serves no ministerial goal of the plan's year is *supplerende*:
those draft the matrix row's remarks column ("Supplerende mål/bemærkninger"), named by the
sections they stand in, as seed 003 writes them ("Sygedagpengeområdet"). The draft is only a
draft: it becomes the remark when an analyst accepts it (`ReviewStore.set_remark`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import polars as pl

from compare.analysis.sentences import split_sentences
from compare.display import display_text
from compare.frameworks.catalog import Framework
from compare.schema import (
    FRAMEWORK_GOALS,
    HEADING_SEPARATOR,
    LEVEL_ADDRESSED,
    LEVEL_TARGET,
    PLAN_TARGETS,
)
from compare.tagging.targets import target_strength
from compare.text import normalise

SUPPLEMENTARY = "supplerende"
MAX_FOCUS = 8  # focus areas listed: the plan's top-level sections
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Z]\.)\s+")
_GENERIC_HEADINGS = frozenset(
    "status indsats indsatser indsatsen mål målet målene resultater overordnet status".split()
)
_GENERIC_HEADINGS = _GENERIC_HEADINGS | {"overordnet status", "qoverordnet status"}
_SHALL = re.compile(
    r"\bskal\b|^\s*m[aå3]l\b|\bm[aå]l(?:et|sætningen)? er\b|\bsom m[aå]l\b|\bm[aå]ltal",
    re.IGNORECASE,
)


def section_name(heading_path: str | None) -> str:
    """The innermost telling heading of a path, without its number ("Sygemeldte hurtigere i
    job"); a generic one ("Status", "Indsatser") gives way to the heading above it."""
    names = [
        _NUMBERING.sub("", display_text(h)).strip()
        for h in (heading_path or "").split(HEADING_SEPARATOR)
    ]
    telling = [n for n in names if n and n.lower().strip(":.") not in _GENERIC_HEADINGS]
    return (telling or names or [""])[-1]


def is_own_target(sentence: str) -> bool:
    """True for a sentence that sets a target ("skal", "Mål: …", "målet er …"), not one that
    reports a status against it ("København er lidt længere fra målet end sidste år")."""
    return bool(_SHALL.search(display_text(sentence)))


def focus_areas(segments: pl.DataFrame) -> list[str]:
    """The plan's top-level sections (display form, numbers dropped), in order."""
    heads = segments.filter(pl.col("is_heading") & (pl.col("level") == 1))
    names = [section_name(t) for t in heads["text"].to_list()]
    return [n for n in dict.fromkeys(names) if n][:MAX_FOCUS]


def plan_targets(
    segments: pl.DataFrame,
    evidence: pl.DataFrame,
    tags: pl.DataFrame,
    frameworks: Sequence[Framework] = (),
) -> pl.DataFrame:
    """The target sentences of one plan (PLAN_TARGETS), in reading order.

    Sentences are whole (`compare.analysis.sentences`); a target is one the tagger's rule
    (`target_strength`) scores above zero. `segments`, `evidence` and `tags` are the plan's own
    rows; `frameworks` those that apply to it. A target serves an item when it is the item's
    tagged target sentence, or when the sentence with its section heading holds at least
    MIN_TERMS of the item's matching terms, one of them specific (`serves_goal` for a
    ministerial goal).
    """
    goal_ids = {f.id for f in frameworks if f.kind == FRAMEWORK_GOALS}
    passages: dict[int, set[str]] = {}
    for row in evidence.filter(pl.col("is_target")).iter_rows(named=True):
        passages.setdefault(row["seg_no"], set()).add(f"{row['framework_id']}:{row['item_id']}")
    by_sentence: dict[str, set[str]] = {}
    for row in tags.filter(pl.col("target_sentence").is_not_null()).iter_rows(named=True):
        by_sentence.setdefault(normalise(row["target_sentence"]), set()).add(
            f"{row['framework_id']}:{row['item_id']}"
        )
    rows: list[dict[str, Any]] = []
    body = segments.filter(~pl.col("is_heading")).sort("seg_no")
    for seg in body.iter_rows(named=True):
        for sentence in split_sentences(seg["text"] or ""):
            if target_strength(sentence) <= 0 or not is_own_target(sentence):
                continue
            serves = set(by_sentence.get(normalise(sentence), set()))
            serves |= passages.get(seg["seg_no"], set())
            serves |= _by_terms(f"{seg['heading_path'] or ''} {sentence}", frameworks)
            ordered = sorted(serves, key=_item_order)
            rows.append(
                {
                    "seg_no": seg["seg_no"],
                    "sentence": display_text(sentence),
                    "sentence_original": sentence,
                    "heading_path": display_text(seg["heading_path"]),
                    "section": section_name(seg["heading_path"]),
                    "page": seg["page"],
                    "line_start": seg["line_start"],
                    "line_end": seg["line_end"],
                    "serves": ordered,
                    "serves_goal": any(s.split(":")[0] in goal_ids for s in ordered),
                }
            )
    return pl.DataFrame(rows, schema=PLAN_TARGETS)


MIN_TERMS = 2  # matching terms of an item a target (with its heading) must hold to serve it
SPECIFIC_LENGTH = 7  # one of them a phrase or a term key at least this long


def _specific(term: str) -> bool:
    """A phrase or a long word ("kontanthjælpsmodtager"), not "job" or "hurtig"."""
    return " " in term or len(term) >= SPECIFIC_LENGTH


def _by_terms(text: str, frameworks: Sequence[Framework]) -> set[str]:
    keys = set(normalise(text).split())
    served = set()
    for fw in frameworks:
        for item in fw.items:
            hits = [term for term in item.terms if all(k in keys for k in term.split())]
            if len(hits) >= MIN_TERMS and any(_specific(term) for term in hits):
                served.add(f"{fw.id}:{item.id}")
    return served


def _item_order(ref: str) -> tuple[str, int, str]:
    framework, _, item = ref.partition(":")
    return (framework, int(item) if item.isdigit() else 0, item)


def remarks_draft(targets: pl.DataFrame) -> str:
    """The remarks column's draft: the sections of the targets that serve no ministerial goal.

    Only targets in a subsection count (a plan's introduction and vision lists restate them).
    "Supplerende mål: Sygemeldte hurtigere i job (2 mål); Dagpengemodtagere i job"; "" if none.
    """
    # Only targets of the plan's subsections: its introduction and vision lists restate them.
    in_subsection = pl.col("heading_path").str.contains(HEADING_SEPARATOR, literal=True)
    extra = targets.filter(~pl.col("serves_goal") & in_subsection)
    if extra.is_empty():
        return ""
    counts: dict[str, int] = {}
    for section in extra["section"].to_list():
        name = section or "uden overskrift"
        counts[name] = counts.get(name, 0) + 1
    parts = [f"{name} ({n} mål)" if n > 1 else name for name, n in counts.items()]
    return "Supplerende mål: " + "; ".join(parts)


def framework_levels(cells: pl.DataFrame, frameworks: Sequence[Framework]) -> list[dict[str, Any]]:
    """Per framework the plan is scored against: its title, the levels in item order, counts."""
    out = []
    for fw in frameworks:
        mine = cells.filter(pl.col("framework_id") == fw.id)
        if mine.is_empty():
            continue
        levels = dict(zip(mine["item_id"].to_list(), mine["level"].to_list(), strict=True))
        row = [levels.get(i.id) or "" for i in fw.items]
        out.append(
            {
                "framework_id": fw.id,
                "title": fw.title,
                "levels": row,
                "n_target": row.count(LEVEL_TARGET),
                "n_addressed": row.count(LEVEL_ADDRESSED),
                "n_items": len(row),
            }
        )
    return out


def plan_summary(
    document: dict[str, Any],
    segments: pl.DataFrame,
    evidence: pl.DataFrame,
    tags: pl.DataFrame,
    cells: pl.DataFrame,
    frameworks: Sequence[Framework],
) -> dict[str, Any]:
    """One plan in brief: period, kind, focus areas, own targets, levels, remarks draft.

    Frames are the plan's own rows; `frameworks` every framework (those that apply are used).
    """
    first, last = document.get("year"), document.get("year_to")
    applying = [f for f in frameworks if f.applies_to(first, last)]
    targets = plan_targets(segments, evidence, tags, applying)
    if first is None:
        period = "ukendt"
    else:
        period = str(first) if last in (None, first) else f"{first}–{last}"
    return {
        "doc_id": document["doc_id"],
        "municipality": document.get("municipality"),
        "period": period,
        "kind": document.get("kind"),
        "focus_areas": focus_areas(segments),
        "targets": targets,
        "levels": framework_levels(cells, applying),
        "remarks_draft": remarks_draft(targets),
        "goals_framework": next((f.id for f in applying if f.kind == FRAMEWORK_GOALS), None),
    }


def plan_summaries(
    plans: pl.DataFrame,
    segments: pl.DataFrame | None,
    evidence: pl.DataFrame,
    tags: pl.DataFrame,
    cells: pl.DataFrame,
    frameworks: Sequence[Framework],
) -> list[dict[str, Any]]:
    """The summary of every plan in `plans` (DOCUMENTS rows), in their order; the other frames
    may hold more documents than these."""
    if plans.is_empty() or segments is None:
        return []
    # Each frame split by plan once (rows in their order, as a filter per plan gives them).
    frames = [_by_doc(f) for f in (segments, evidence, tags, cells)]
    out = []
    for plan in plans.iter_rows(named=True):
        segs, evid, plan_tags, plan_cells = (
            parts.get(plan["doc_id"], empty) for parts, empty in frames
        )
        out.append(plan_summary(plan, segs, evid, plan_tags, plan_cells, frameworks))
    return out


def _by_doc(frame: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """The frame's rows per doc_id, and the empty frame a plan without rows gets."""
    parts = frame.partition_by("doc_id", as_dict=True, maintain_order=True)
    return {key[0]: part for key, part in parts.items()}, frame.clear()
