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
from collections.abc import Iterable, Sequence
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
    return _focus(heads["text"].to_list())


def _focus(texts: Sequence[str | None]) -> list[str]:
    """`focus_areas` of a plan's top-level headings, in order."""
    names = [section_name(t) for t in texts]
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
    passages: dict[int, set[str]] = {}
    for seg_no, framework_id, item_id in (
        evidence.filter(pl.col("is_target")).select("seg_no", "framework_id", "item_id").iter_rows()
    ):
        passages.setdefault(seg_no, set()).add(f"{framework_id}:{item_id}")
    by_sentence: dict[str, set[str]] = {}
    for sentence, framework_id, item_id in (
        tags.filter(pl.col("target_sentence").is_not_null())
        .select("target_sentence", "framework_id", "item_id")
        .iter_rows()
    ):
        by_sentence.setdefault(normalise(sentence), set()).add(f"{framework_id}:{item_id}")
    body = segments.filter(~pl.col("is_heading")).sort("seg_no")
    return _targets(body.iter_rows(named=True), passages, by_sentence, frameworks)


def _targets(
    body: Iterable[dict[str, Any]],
    passages: dict[int, set[str]],
    by_sentence: dict[str, set[str]],
    frameworks: Sequence[Framework],
) -> pl.DataFrame:
    """`plan_targets` of a plan's body segments (in reading order), its target passages by
    seg_no and its items by normalised target sentence."""
    goal_ids = {f.id for f in frameworks if f.kind == FRAMEWORK_GOALS}
    rows: list[dict[str, Any]] = []
    for seg in body:
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
    if not rows:
        return _NO_TARGETS.clear()
    return pl.DataFrame(rows, schema=PLAN_TARGETS)


_NO_TARGETS = pl.DataFrame([], schema=PLAN_TARGETS)


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
    if targets.is_empty():
        return ""
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
    by_framework: dict[str, dict[str, Any]] = {}
    for framework_id, item_id, level in cells.select(
        "framework_id", "item_id", "level"
    ).iter_rows():
        by_framework.setdefault(framework_id, {})[item_id] = level
    return _levels(by_framework, frameworks)


def _levels(
    by_framework: dict[str, dict[str, Any]], frameworks: Sequence[Framework]
) -> list[dict[str, Any]]:
    """`framework_levels` of a plan's levels by framework and item (the last row's level)."""
    out = []
    for fw in frameworks:
        levels = by_framework.get(fw.id)
        if not levels:
            continue
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
    applying = _applying(document, frameworks)
    targets = plan_targets(segments, evidence, tags, applying)
    levels = framework_levels(cells, applying)
    return _summary(document, applying, focus_areas(segments), targets, levels)


def _applying(document: dict[str, Any], frameworks: Sequence[Framework]) -> list[Framework]:
    first, last = document.get("year"), document.get("year_to")
    return [f for f in frameworks if f.applies_to(first, last)]


def _summary(
    document: dict[str, Any],
    applying: Sequence[Framework],
    focus: list[str],
    targets: pl.DataFrame,
    levels: list[dict[str, Any]],
) -> dict[str, Any]:
    first, last = document.get("year"), document.get("year_to")
    if first is None:
        period = "ukendt"
    else:
        period = str(first) if last in (None, first) else f"{first}–{last}"
    return {
        "doc_id": document["doc_id"],
        "municipality": document.get("municipality"),
        "period": period,
        "kind": document.get("kind"),
        "focus_areas": focus,
        "targets": targets,
        "levels": levels,
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
    may hold more documents than these. The same as `plan_summary` per plan, with each frame
    gone through once (not filtered per plan)."""
    if plans.is_empty() or segments is None:
        return []
    doc_ids = set(plans["doc_id"].to_list())
    wanted = pl.col("doc_id").is_in(sorted(doc_ids))
    heads: dict[str, list[str]] = {}
    for doc_id, text in (
        segments.filter(wanted & pl.col("is_heading") & (pl.col("level") == 1))
        .select("doc_id", "text")
        .iter_rows()
    ):
        heads.setdefault(doc_id, []).append(text)
    body: dict[str, list[dict[str, Any]]] = {}
    for seg in segments.filter(wanted & ~pl.col("is_heading")).sort("seg_no").iter_rows(named=True):
        body.setdefault(seg["doc_id"], []).append(seg)
    passages: dict[str, dict[int, set[str]]] = {}
    for doc_id, seg_no, framework_id, item_id in (
        evidence.filter(wanted & pl.col("is_target"))
        .select("doc_id", "seg_no", "framework_id", "item_id")
        .iter_rows()
    ):
        passages.setdefault(doc_id, {}).setdefault(seg_no, set()).add(f"{framework_id}:{item_id}")
    by_sentence: dict[str, dict[str, set[str]]] = {}
    for doc_id, sentence, framework_id, item_id in (
        tags.filter(wanted & pl.col("target_sentence").is_not_null())
        .select("doc_id", "target_sentence", "framework_id", "item_id")
        .iter_rows()
    ):
        by_sentence.setdefault(doc_id, {}).setdefault(normalise(sentence), set()).add(
            f"{framework_id}:{item_id}"
        )
    levels: dict[str, dict[str, dict[str, Any]]] = {}
    for doc_id, framework_id, item_id, level in (
        cells.filter(wanted).select("doc_id", "framework_id", "item_id", "level").iter_rows()
    ):
        levels.setdefault(doc_id, {}).setdefault(framework_id, {})[item_id] = level
    out = []
    for plan in plans.iter_rows(named=True):
        doc_id = plan["doc_id"]
        applying = _applying(plan, frameworks)
        targets = _targets(
            body.get(doc_id, []), passages.get(doc_id, {}), by_sentence.get(doc_id, {}), applying
        )
        focus = _focus(heads.get(doc_id, []))
        plan_levels = _levels(levels.get(doc_id, {}), applying)
        out.append(_summary(plan, applying, focus, targets, plan_levels))
    return out
