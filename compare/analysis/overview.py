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
from functools import lru_cache
from typing import Any

import polars as pl

from compare.analysis.sentences import is_whole_sentence, split_sentences
from compare.display import display_text, is_word
from compare.frameworks.catalog import Framework, Item
from compare.registry.lookup import danish_sort_key
from compare.schema import FRAMEWORK_GOALS, LEVEL_NONE, LEVEL_RANK, OVERVIEW
from compare.text import is_stopword, normalise, term_key, word_spans

MAX_NAMED = 3  # municipalities named as examples ("fx A, B og C") when more address an item
NAME_ALL_UP_TO = 4  # up to this many addressing municipalities are all named
QUOTE_CHARS = 220  # the longest whole sentence quoted in a draft (longer ones are not quoted)
MAX_GROUPS = 3  # "what they do" sentences per item
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


def _hits(sentence: str, wanted: set[str]) -> int:
    words = [sentence[a:b].lower() for a, b in word_spans(sentence)]
    return sum(word in wanted or term_key(word) in wanted for word in words)


def excerpt(quote: str, terms: Sequence[str], limit: int = QUOTE_CHARS) -> str:
    """The whole sentence of a passage that holds most of its matched terms.

    Sentences are split by `compare.analysis.sentences`, so never at "(ekskl.", "den 12." or
    "status pr."; a sentence is never cut. Of equally good ones the first not longer than
    `limit` wins; "" if the passage has no sentence with a matched term (with no terms given,
    the first sentence).
    """
    wanted = {key for term in terms for key in term.split()}  # a term may be a phrase
    scored = [(_hits(s, wanted) if wanted else 1, s) for s in split_sentences(quote)]
    scored = [(n, s) for n, s in scored if n > 0]
    if not scored:
        return ""
    whole = [(n, s) for n, s in scored if is_whole_sentence(s)]
    scored = whole or scored  # the tagger's passage may be cut ("…"): prefer whole sentences
    best = max(n for n, _ in scored)
    fitting = [s for n, s in scored if len(s) <= limit]
    top = [s for n, s in scored if n == best]
    short = [s for s in top if len(s) <= limit]
    return (short or fitting or top)[0]


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

    `cells` is the effective matrix (MATRIX_CELLS, e.g. from `matrix_cells`, already cut to the
    overview's scope: `compare.analysis.scope`), `evidence` the passages (EVIDENCE); rows of
    other frameworks are ignored. A municipality's level for an item is the best over its plans.
    Items no municipality addresses are gaps.
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
    addressed_evidence = evidence.join(
        cells.filter(pl.col("level") != LEVEL_NONE).select("doc_id", "item_id", "level", "_name"),
        on=["doc_id", "item_id"],
        how="inner",
    )
    # Each frame split by item once (rows in their order, as a filter per item gives them).
    by_item = [_by_item(f) for f in (best_level, addressed_evidence, cells)]
    passages_by_item: dict[str, list[dict[str, Any]]] = {}  # the best passages: one pass
    for row in passages.iter_rows(named=True):
        passages_by_item.setdefault(row["item_id"], []).append(_passage(row))
    rows = []
    for item in framework.items:
        levels, item_evidence, item_cells = (parts.get(item.id, empty) for parts, empty in by_item)
        ranked = list(zip(levels["_name"].to_list(), levels["_rank"].to_list(), strict=True))
        target = _sorted([name for name, rank in ranked if rank == 2])
        addressed = _sorted([name for name, rank in ranked if rank == 1])
        item_passages = passages_by_item.get(item.id, [])
        groups = activity_groups(item, item_evidence, [*target, *addressed])
        known = {(p["doc_id"], p["seg_no"]) for p in item_passages}
        for _, members in groups:
            for member in members:
                if (member["doc_id"], member["seg_no"]) not in known:
                    known.add((member["doc_id"], member["seg_no"]))
                    item_passages.append(member)
        sentences = draft_sentences(
            item.label,
            framework.kind,
            target,
            addressed,
            n_total,
            item_passages,
            item_cells,
            groups,
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


def _by_item(frame: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """The frame's rows per item_id, and the empty frame an item without rows gets."""
    parts = frame.partition_by("item_id", as_dict=True, maintain_order=True)
    return {key[0]: part for key, part in parts.items()}, frame.clear()


def _sorted(names: list[str]) -> list[str]:
    return sorted(names, key=danish_sort_key)


def _passage(row: dict[str, Any], terms: Sequence[str] | None = None) -> dict[str, Any]:
    wanted = terms if terms is not None else row["matched_terms"] or []
    original = excerpt(row["quote"] or "", wanted)
    return {
        "municipality": row["_name"],
        "doc_id": row["doc_id"],
        "seg_no": row["seg_no"],
        "level": row["level"],
        "quote": display_text(original),
        "quote_original": original,
        "heading_path": _heading(row["heading_path"]) or None,
        "page": row["page"],
        "score": row["score"],
        "is_target": bool(row["is_target"]),
    }


# Passages of a plan's section share its heading: each shown once (display_text is pure).
_heading = lru_cache(maxsize=4096)(display_text)


def _surface(quote: str, term: str) -> str | None:
    """How the plan writes a matching term (a key or a phrase of keys), in display form."""
    keys = term.split()
    spans = word_spans(quote)
    found = [term_key(quote[a:b].lower()) for a, b in spans]
    for i, key in enumerate(found):
        if key != keys[0]:
            continue
        end, j = i, i
        for want in keys[1:]:
            nxt = next((k for k in range(j + 1, min(j + 4, len(found))) if found[k] == want), None)
            if nxt is None:
                break
            end = j = nxt
        else:
            start = spans[i][0]
            shown = display_text(quote[start : spans[end][1]])
            at_start = not quote[:start].strip() or quote[:start].rstrip()[-1:] in ".!?:"
            first = shown.split()[0] if shown.split() else ""
            if at_start and first[1:].islower() and is_word(first.lower()):
                return first.lower() + shown[len(first) :]  # a sentence's capital, not a name's
            return shown
    return None


def activity_groups(
    item: Item, item_evidence: pl.DataFrame, names: Sequence[str]
) -> list[tuple[str, list[dict[str, Any]]]]:
    """What municipalities do under an item, from their passages: (phrase, backing passages).

    A group is a matched term the passages of several municipalities hold (the item's
    hand-written keywords first: they name concrete initiatives and target groups, such as
    "Jobservice Danmark" or "de langvarigt ledige"; never only the item's own words); each
    member is backed by a passage that holds the term. Up to MAX_GROUPS groups, largest
    first, each adding a new municipality.
    """
    if item_evidence.is_empty() or not names:
        return []
    keywords = {normalise(k) for k in item.keywords}
    label_keys = set(normalise(item.label).split())  # the theme's own words say nothing new
    wanted = set(names)
    by_term: dict[str, dict[str, dict[str, Any]]] = {}
    for row in item_evidence.sort(["score"], descending=True).iter_rows(named=True):
        if row["_name"] not in wanted:
            continue
        for term in row["matched_terms"] or []:
            keys = term.split()
            if len(term) < 4 or all(is_stopword(k) or k in label_keys for k in keys):
                continue
            members = by_term.setdefault(term, {})
            members.setdefault(row["_name"], row)
    ranked = sorted(
        by_term.items(),
        key=lambda kv: (-(len(kv[1]) * (2 if kv[0] in keywords else 1)), kv[0]),
    )
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    covered: set[str] = set()
    for term, members in ranked:
        if len(groups) >= MAX_GROUPS:
            break
        if set(members) <= covered:
            continue
        backed = []
        phrase = None
        for row in members.values():
            surface = _surface(row["quote"] or "", term)
            if surface is None:
                continue  # the passage does not show the term as written: do not claim it
            phrase = phrase or surface
            backed.append(_passage(row, [term]))
        if not backed or phrase is None or len(phrase) < 4:
            continue
        covered.update(p["municipality"] for p in backed)
        groups.append((phrase, sorted(backed, key=lambda p: danish_sort_key(p["municipality"]))))
    return groups


def _refs(
    passages: list[dict[str, Any]], item_cells: pl.DataFrame, names: Sequence[str]
) -> list[dict[str, Any]]:
    """The passages behind a claim about `names`; an analyst's decision without a passage is
    referenced by its plan (seg_no null)."""
    by_name: dict[str, dict[str, Any]] = {}
    for p in passages:
        by_name.setdefault(p["municipality"], p)
    decided: dict[str, list[str]] | None = None  # name -> its decided plans, made when needed
    refs = []
    for name in names:
        if name in by_name:
            refs.append({"doc_id": by_name[name]["doc_id"], "seg_no": by_name[name]["seg_no"]})
            continue
        if decided is None:  # one pass over the item's cells, not a filter per name
            docs: dict[str, set[str]] = {}
            columns = (item_cells[c].to_list() for c in ("_name", "doc_id", "level"))
            for who, doc_id, level in zip(*columns, strict=True):
                if level is not None and level != "":
                    docs.setdefault(who, set()).add(doc_id)
            decided = {who: sorted(ids) for who, ids in docs.items()}
        refs.extend({"doc_id": d, "seg_no": None} for d in decided.get(name, []))
    return refs


def _examples(names: Sequence[str], passages: list[dict[str, Any]]) -> list[str]:
    """The municipalities to name for a claim: only those with a passage; the strongest first,
    then in alphabetical order."""
    best: dict[str, float] = {}
    for p in passages:
        if p["municipality"] in set(names):
            best[p["municipality"]] = max(best.get(p["municipality"], 0.0), p["score"] or 0.0)
    chosen = sorted(best, key=lambda name: (-best[name], name))
    if len(names) > NAME_ALL_UP_TO:
        chosen = chosen[:MAX_NAMED]
    return sorted(chosen, key=danish_sort_key)


def _named(prefix: str, names: Sequence[str], shown: Sequence[str]) -> str:
    """`prefix`, then ` (A, B og C).` when all are shown, ` (fx A og B).` for a selection."""
    if not shown:
        return prefix + "."
    if list(shown) == list(names):
        return f"{prefix} ({danish_list(shown)})."
    return f"{prefix} (fx {danish_list(shown)})."


def quantified(count: int, total: int) -> str:
    """ "Alle kommuner", "De fleste kommuner (12 af 20)", …, "Enkelte kommuner (2 af 29)"."""
    if count == total:
        return "Begge kommuner" if count == 2 else f"Alle {number_word(count)} kommuner"
    return f"{count_word(count, total)} kommuner ({count} af {total})"


def _group_sentence(phrase: str, members: list[dict[str, Any]], n_total: int) -> dict[str, Any]:
    names = sorted({p["municipality"] for p in members}, key=danish_sort_key)
    if len(names) == 1:
        text = f"{names[0]} nævner {phrase}."
    else:
        shown = _examples(names, members)
        text = _named(f"{quantified(len(names), n_total)} nævner {phrase}", names, shown)
    refs = [{"doc_id": p["doc_id"], "seg_no": p["seg_no"]} for p in members]
    return {"text": text, "basis": "evidence", "refs": refs}


def draft_sentences(
    label: str,
    framework_kind: str,
    target: list[str],
    addressed: list[str],
    n_total: int,
    passages: list[dict[str, Any]],
    item_cells: pl.DataFrame,
    groups: Sequence[tuple[str, list[dict[str, Any]]]] = (),
) -> list[dict[str, Any]]:
    """The draft text of one item as sentences, each with its basis and the passages behind it.

    In the overview's manner: how many municipalities address the item (with the overview's
    quantifiers and the count), what groups of them do (`groups`, from `activity_groups`, with
    examples in parentheses), how many set concrete targets, one short whole-sentence quote,
    and who is silent. A municipality is named only where a passage backs the sentence.
    """
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
        text = _named(f"{quantified(k, n_total)} nævner {topic}", everyone, shown)
    sentences.append(
        {"text": text, "basis": "evidence", "refs": _refs(passages, item_cells, everyone)}
    )
    for phrase, members in groups:
        sentences.append(_group_sentence(phrase, members, n_total))

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

    quoted = [
        p
        for p in passages
        if p["municipality"] in set(everyone)
        and p["quote"]
        and len(p["quote"]) <= QUOTE_CHARS
        and is_whole_sentence(p["quote"])
    ]
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


def with_narratives(overview: pl.DataFrame, latest: pl.DataFrame) -> pl.DataFrame:
    """The overview with the analysts' saved narratives (NarrativeStore.latest) joined in.

    Adds `narrative` (the saved text, or null), `narrative_by`, `narrative_at`, `is_draft`
    (no saved text: the machine draft stands) and `text` (the narrative, else the draft).
    """
    saved = latest.filter(pl.col("municipality") == "").select(
        "item_id",
        pl.col("text").alias("narrative"),
        pl.col("reviewer").alias("narrative_by"),
        pl.col("saved_at").alias("narrative_at"),
    )
    joined = overview.join(saved, on="item_id", how="left", maintain_order="left")
    return joined.with_columns(
        pl.col("narrative").is_null().alias("is_draft"),
        pl.coalesce("narrative", "draft_text").alias("text"),
    )


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
            f"{'kommune' if towns == 1 else 'kommuner'} er vurderet. Tallene tæller kommuner, "
            "ikke planer (en kommune med flere planer tæller én gang). X: konkret mål eller "
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
        if row.get("narrative"):
            lines += [
                _md(row["narrative"]),
                "",
                f"*Gemt tekst ({_md(row['narrative_by'])}, {row['narrative_at'][:10]}). "
                f"Maskinudkastet:* {' '.join(text)}",
                "",
            ]
        else:
            draft = "*Maskinudkast (ikke gemt):* " if "is_draft" in row else ""
            lines += [draft + " ".join(text), ""]
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
