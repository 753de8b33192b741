"""Theme overview: per framework item, which municipalities address it, and a draft text.

The draft text is written in the style of the regional office's overview (seed 003: "De fleste
kommuner nævner …; fx Albertslund, Brøndby og Gentofte") and is assembled only from the matrix
cells and the evidence passages: every sentence carries the passages it rests on (`sentences`
column, `refs`), or says that it rests on the counts alone (`basis` = "counts": a gap, or the
plans that do not mention an item). A municipality is named only where a passage of its plan
backs the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import polars as pl

from compare.frameworks.catalog import Framework
from compare.registry.lookup import danish_sort_key
from compare.schema import (
    FRAMEWORK_GOALS,
    LEVEL_NONE,
    LEVEL_RANK,
    OVERVIEW,
)
from compare.text import term_key, word_spans

MAX_NAMED = 3  # municipalities named as examples ("fx A, B og C") when more address an item
NAME_ALL_UP_TO = 4  # up to this many addressing municipalities are all named
QUOTE_CHARS = 180  # length of the example quote in the draft text
UNKNOWN = "Ukendt kommune"

# Count words by share of the municipalities whose plans were assessed (at least two address it).
SHARE_WORDS: tuple[tuple[float, str], ...] = (
    (1.0, "Alle"),
    (0.6, "De fleste"),
    (0.4, "Mange"),
    (0.25, "En del"),
    (0.1, "Nogle"),
    (0.0, "Enkelte"),
)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def danish_list(names: Sequence[str]) -> str:
    """Names as Danish prose: "A", "A og B", "A, B og C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def count_word(count: int, total: int) -> str:
    """The Danish word for `count` of `total` by share: alle, de fleste, … enkelte, ingen."""
    if count <= 0 or total <= 0:
        return "Ingen"
    share = count / total
    return next(word for bound, word in SHARE_WORDS if share >= bound)


_NUMBERS = (
    "nul",
    "én",
    "to",
    "tre",
    "fire",
    "fem",
    "seks",
    "syv",
    "otte",
    "ni",
    "ti",
    "elleve",
    "tolv",
)


def number_word(n: int, capital: bool = False) -> str:
    """A count as Danish prose: words up to twelve ("tre"), digits above (28)."""
    word = _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)
    return word[:1].upper() + word[1:] if capital else word


def _topic(label: str, framework_kind: str) -> str:
    noun = "målet" if framework_kind == FRAMEWORK_GOALS else "temaet"
    return f"{noun} „{label.strip().rstrip('.')}“"


def excerpt(quote: str, terms: Sequence[str], limit: int = QUOTE_CHARS) -> str:
    """The sentence of a passage that holds most of its matched terms, cut to `limit` characters."""
    wanted = {key for term in terms for key in term.split()}  # a term may be a phrase
    sentences = [s for s in _SENTENCE_END.split(" ".join(quote.split())) if s] or [""]

    def hits(sentence: str) -> int:
        return sum(term_key(sentence[a:b].lower()) in wanted for a, b in word_spans(sentence))

    best = max(sentences, key=hits)
    if len(best) <= limit:
        return best
    cut = best.rfind(" ", 0, limit)
    return best[: cut if cut > 0 else limit].rstrip(",;:") + " …"


def _best_passages(cells: pl.DataFrame, evidence: pl.DataFrame) -> pl.DataFrame:
    """Per (item, municipality): the best passage of its best-level plan, target passages first."""
    addressed = cells.filter(pl.col("level") != LEVEL_NONE)
    joined = evidence.join(
        addressed.select("doc_id", "item_id", "level", "_name"),
        on=["doc_id", "item_id"],
        how="inner",
    )
    return (
        joined.with_columns(pl.col("level").replace_strict(LEVEL_RANK, default=0).alias("_rank"))
        .sort(
            ["_rank", "is_target", "score", "rank"],
            descending=[True, True, True, False],
            nulls_last=True,
        )
        .group_by(["item_id", "_name"], maintain_order=True)
        .first()
    )


def theme_overview(
    cells: pl.DataFrame, evidence: pl.DataFrame, framework: Framework
) -> pl.DataFrame:
    """One row per framework item: counts, municipalities by level, passages and a draft text.

    `cells` is the effective matrix (MATRIX_CELLS, e.g. from `matrix_cells`), `evidence` the
    tagger's passages (EVIDENCE); rows of other frameworks are ignored. A municipality's level for
    an item is the best over its plans. Items no municipality addresses are gaps.
    """
    cells = cells.filter(pl.col("framework_id") == framework.id).with_columns(
        pl.coalesce(
            pl.col("municipality"),
            pl.lit(f"{UNKNOWN} (") + pl.col("doc_id").str.slice(0, 8) + pl.lit(")"),
        ).alias("_name")
    )
    evidence = evidence.filter(pl.col("framework_id") == framework.id)
    n_plans = cells["doc_id"].n_unique()
    n_total = cells["_name"].n_unique()
    best_level = (
        cells.with_columns(
            pl.col("level").fill_null("").replace_strict(LEVEL_RANK, default=0).alias("_rank")
        )
        .group_by(["item_id", "_name"])
        .agg(pl.col("_rank").max())
    )
    passages = _best_passages(cells, evidence)
    rows = []
    for item in framework.items:
        levels = best_level.filter(pl.col("item_id") == item.id)
        target = _sorted(levels.filter(pl.col("_rank") == 2)["_name"])
        addressed = _sorted(levels.filter(pl.col("_rank") == 1)["_name"])
        item_passages = [
            _passage(row)
            for row in passages.filter(pl.col("item_id") == item.id).iter_rows(named=True)
        ]
        sentences = draft_sentences(
            item.label,
            framework.kind,
            target,
            addressed,
            n_total,
            item_passages,
            cells.filter(pl.col("item_id") == item.id),
        )
        rows.append(
            {
                "item_id": item.id,
                "label": item.label,
                "group": item.group or "",
                "n_target": len(target),
                "n_addressed": len(addressed),
                "n_municipalities": n_total,
                "n_plans": n_plans,
                "municipalities_target": target,
                "municipalities_addressed": addressed,
                "is_gap": not target and not addressed,
                "draft_text": " ".join(s["text"] for s in sentences),
                "sentences": sentences,
                "passages": sorted(item_passages, key=lambda p: danish_sort_key(p["municipality"])),
            }
        )
    return pl.DataFrame(rows, schema=OVERVIEW)


def _sorted(names: pl.Series) -> list[str]:
    return sorted(names.to_list(), key=danish_sort_key)


def _passage(row: dict[str, Any]) -> dict[str, Any]:
    quote = row["quote"] or ""
    return {
        "municipality": row["_name"],
        "doc_id": row["doc_id"],
        "seg_no": row["seg_no"],
        "level": row["level"],
        "quote": excerpt(quote, row["matched_terms"] or []),
        "heading_path": row["heading_path"],
        "page": row["page"],
        "score": row["score"],
        "is_target": bool(row["is_target"]),
    }


def _refs(
    passages: list[dict[str, Any]], item_cells: pl.DataFrame, names: Sequence[str]
) -> list[dict[str, Any]]:
    """The passages behind a claim about `names`; an analyst's decision without a passage is
    referenced by its plan (seg_no null)."""
    by_name = {p["municipality"]: p for p in passages}
    refs = []
    for name in names:
        if name in by_name:
            refs.append({"doc_id": by_name[name]["doc_id"], "seg_no": by_name[name]["seg_no"]})
        else:
            decided = item_cells.filter((pl.col("_name") == name) & (pl.col("level") != ""))
            refs.extend({"doc_id": d, "seg_no": None} for d in decided["doc_id"].unique().sort())
    return refs


def _examples(names: Sequence[str], passages: list[dict[str, Any]]) -> list[str]:
    """The municipalities to name for a claim: only those with a passage; the strongest first,
    then in alphabetical order."""
    backed = [p for p in passages if p["municipality"] in set(names)]
    strongest = sorted(backed, key=lambda p: (-(p["score"] or 0.0), p["municipality"]))
    chosen = [p["municipality"] for p in strongest]
    if len(names) > NAME_ALL_UP_TO:
        chosen = chosen[:MAX_NAMED]
    return sorted(chosen, key=danish_sort_key)


def _named(prefix: str, names: Sequence[str], shown: Sequence[str]) -> str:
    """`prefix`, then `: A, B og C.` when all are shown, `; fx A og B.` for a selection."""
    if not shown:
        return prefix + "."
    if list(shown) == list(names):
        return f"{prefix}: {danish_list(shown)}."
    return f"{prefix}; fx {danish_list(shown)}."


def draft_sentences(
    label: str,
    framework_kind: str,
    target: list[str],
    addressed: list[str],
    n_total: int,
    passages: list[dict[str, Any]],
    item_cells: pl.DataFrame,
) -> list[dict[str, Any]]:
    """The draft text of one item as sentences, each with its basis and the passages behind it."""
    topic = _topic(label, framework_kind)
    everyone = sorted([*target, *addressed], key=danish_sort_key)
    k = len(everyone)
    if n_total == 0:
        return [
            {
                "text": "Ingen planer er vurderet mod denne ramme endnu.",
                "basis": "counts",
                "refs": [],
            }
        ]
    if k == 0:
        return [{"text": f"Ingen planer nævner {topic}.", "basis": "counts", "refs": []}]

    sentences = []
    shown = _examples(everyone, passages)
    if n_total == 1:
        several = item_cells["doc_id"].n_unique() > 1  # one municipality's plans of several years
        text = (
            f"{'Planerne' if several else 'Planen'} fra {shown[0]} nævner {topic}."
            if shown
            else f"Den ene vurderede kommune nævner {topic}."
        )
    elif k == 1:
        text = (
            f"Kun {shown[0]} nævner {topic} (1 af {n_total} kommuner)."
            if shown
            else f"Kun én kommune (af {n_total}) nævner {topic}."
        )
    else:
        if k == n_total:
            prefix = (
                f"Begge kommuner nævner {topic}"
                if k == 2
                else f"Alle {number_word(k)} kommuner nævner {topic}"
            )
        else:
            prefix = f"{count_word(k, n_total)} kommuner ({k} af {n_total}) nævner {topic}"
        text = _named(prefix, everyone, shown)
    sentences.append(
        {"text": text, "basis": "evidence", "refs": _refs(passages, item_cells, everyone)}
    )

    concrete = (
        "konkrete mål (resultatniveauer)"
        if framework_kind == FRAMEWORK_GOALS
        else "konkrete initiativer"
    )
    if target and k > 1:
        named = _examples(target, passages)
        if len(target) == k:
            text = f"De har alle {concrete}."
        else:
            count = number_word(len(target), capital=True)
            text = _named(f"{count} af dem har {concrete}", target, named)
        sentences.append(
            {"text": text, "basis": "evidence", "refs": _refs(passages, item_cells, target)}
        )
    elif k == 1:
        text = (
            f"Planen har {concrete}."
            if target
            else f"Planen beskriver indsatsen, men uden {concrete}."
        )
        sentences.append(
            {"text": text, "basis": "evidence", "refs": _refs(passages, item_cells, everyone)}
        )

    quoted = [p for p in passages if p["municipality"] in set(everyone) and p["quote"]]
    if quoted:
        best = max(quoted, key=lambda p: (p["is_target"], p["score"] or 0.0))
        sentences.append(
            {
                "text": f"Fx skriver {best['municipality']}: „{best['quote']}“",
                "basis": "evidence",
                "refs": [{"doc_id": best["doc_id"], "seg_no": best["seg_no"]}],
            }
        )

    silent = sorted(set(item_cells["_name"].to_list()) - set(everyone), key=danish_sort_key)
    if 0 < len(silent) <= NAME_ALL_UP_TO:
        who = (
            f"Planerne fra {danish_list(silent)}" if len(silent) > 1 else f"Planen fra {silent[0]}"
        )
        sentences.append(
            {"text": f"{who} nævner ikke {topic.split()[0]}.", "basis": "counts", "refs": []}
        )
    return sentences


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _md(text: str) -> str:
    """Document or framework text made inert in Markdown (it is data, not markup)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _where(passage: dict[str, Any]) -> str:
    parts = []
    if passage["page"] is not None:
        parts.append(f"s. {passage['page']}")
    if passage["heading_path"]:
        parts.append(f"afsnit „{passage['heading_path']}“")
    return ", ".join(parts)


def overview_markdown(overview: pl.DataFrame, framework: Framework, references: bool = True) -> str:
    """The theme overview as Markdown: per group and item, the counts, draft text and sources.

    With `references` (the default) each sentence ends with the numbers of the sources it rests
    on, listed under the item; without, the draft text stands alone, ready to copy.
    """
    lines = [f"# Temaoversigt: {_md(framework.title)}", ""]
    if overview.height:
        first = overview.row(0, named=True)
        plans, towns = first["n_plans"], first["n_municipalities"]
        lines += [
            f"{plans} {'plan' if plans == 1 else 'planer'} fra {towns} "
            f"{'kommune' if towns == 1 else 'kommuner'} er vurderet. X: konkret mål eller "
            "initiativ; (X): nævnt uden konkret mål.",
            "",
        ]
    group = None
    for row in overview.iter_rows(named=True):
        if row["group"] and row["group"] != group:
            group = row["group"]
            lines += [f"## {_md(group)}", ""]
        lines += [f"### {_md(row['item_id'])}. {_md(row['label'])}", ""]
        target = danish_list(row["municipalities_target"]) or "ingen"
        addressed = danish_list(row["municipalities_addressed"]) or "ingen"
        lines += [
            f"- X ({row['n_target']}): {_md(target)}",
            f"- (X) ({row['n_addressed']}): {_md(addressed)}",
            "",
        ]
        sources: list[tuple[str, int | None]] = []
        text = []
        for sentence in row["sentences"]:
            numbers = []
            for ref in sentence["refs"]:
                key = (ref["doc_id"], ref["seg_no"])
                if key not in sources:
                    sources.append(key)
                numbers.append(str(sources.index(key) + 1))
            marker = f" [{', '.join(numbers)}]" if references and numbers else ""
            text.append(_md(sentence["text"]) + marker)
        lines += [" ".join(text), ""]
        if references and sources:
            by_key = {(p["doc_id"], p["seg_no"]): p for p in row["passages"]}
            lines.append("Kilder:")
            for number, key in enumerate(sources, 1):
                passage = by_key.get(key)
                if passage is None:
                    lines.append(f"{number}. plan {key[0]}: analytikerens vurdering")
                    continue
                where = _where(passage)
                lines.append(
                    f"{number}. {_md(passage['municipality'])}"
                    f"{' (' + _md(where) + ')' if where else ''}: "
                    f"„{_md(passage['quote'])}“"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
