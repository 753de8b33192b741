"""Small rendering helpers shared by pages: level colours, safe Markdown, highlighted evidence."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import polars as pl
import streamlit as st

from compare.analysis.search import mark
from compare.display import repair_words
from compare.schema import LEVEL_ADDRESSED, LEVEL_TARGET
from compare.text import term_key, word_spans
from compare.ui import state
from compare.ui.tables import RECHECK_MARK, cell_level

# Background colours of matrix cells: green for a concrete target, amber for "described".
LEVEL_COLOURS = {LEVEL_TARGET: "#b9e4b0", LEVEL_ADDRESSED: "#fbe7a1"}
RECHECK_COLOUR = "#f7b58c"
HIGHLIGHT = (":orange-background[**", "**]")  # around a matched word in Markdown
LEVEL_NAMES = {
    LEVEL_TARGET: "X — konkret mål",
    LEVEL_ADDRESSED: "(X) — beskrevet uden mål",
    "": "Ikke behandlet",
}

# Everything Markdown, Streamlit's directives (:red[..], :smile:) or LaTeX ($) could act on.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^\"'&])")


def escape_markdown(text: str) -> str:
    """Text from a document, made inert for st.markdown: shown as written, never interpreted."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def highlight(text: str, matched_terms: Iterable[str]) -> str:
    """Markdown of `text` with the words of every matched term shown highlighted.

    Matched terms are term keys (compare.text), so OCR readings (`Kgbenhavn`) light up too. A
    phrase ("mangel på arbejdskraft", stored as space-separated keys) lights up only where its
    words stand together, so its small words are not marked all over the passage.
    """
    found = word_spans(text)  # the words as the tagger read them
    keys = [term_key(text[start:end]) for start, end in found]
    marked: set[int] = set()
    for term in matched_terms or ():
        phrase = str(term).split()
        if not phrase:
            continue
        for start in range(len(keys) - len(phrase) + 1):
            if keys[start : start + len(phrase)] == phrase:
                marked.update(range(start, start + len(phrase)))
    spans = [found[index] for index in sorted(marked)]
    return mark(text, spans, *HIGHLIGHT, escape=escape_markdown)


def _original(shown: str, quote: str | None) -> None:
    """The plan's own text of a passage shown repaired, one click away."""
    if shown != (quote or ""):
        with st.expander("Som i planen (før OCR-rettelse)"):
            st.text(quote or "")


def location(page: int | None, line_start: int | None, line_end: int | None) -> str:
    """Where a passage is: "s. 4, linje 120–124" (page only where the format has pages)."""
    parts = []
    if page is not None:
        parts.append(f"s. {page}")
    if line_start is not None:
        last = line_end if line_end is not None else line_start
        parts.append(f"linje {line_start}" if last == line_start else f"linje {line_start}–{last}")
    return ", ".join(parts) or "ukendt placering"


def cell_style(text: str) -> str:
    """CSS for one displayed matrix cell (pandas Styler): colour by level, orange for re-check."""
    if RECHECK_MARK in text:
        return f"background-color: {RECHECK_COLOUR}"
    colour = LEVEL_COLOURS.get(cell_level(text) or "")
    return f"background-color: {colour}" if colour else ""


def render_evidence(
    evidence: pl.DataFrame,
    open_key: str | None = None,
    on_open: Callable[[str, int], None] | None = None,
    *,
    on_remove: Callable[[Any, dict[str, Any]], None] | None = None,
    on_target: Callable[[Any, dict[str, Any]], None] | None = None,
    context: Any = None,
) -> None:
    """Show evidence passages, best first: heading path, location, quote with terms highlighted.

    With `on_open`, each passage gets a button (keyed `open_key:rank`) that calls
    `on_open(doc_id, seg_no)`, e.g. to show the passage in its plan. With `on_remove` /
    `on_target`, buttons to take the passage out or mark it as the one carrying the target call
    them (as button callbacks) with `context` and the passage's row.
    """
    if evidence.is_empty():
        st.caption("Ingen tekstpassager for dette punkt.")
        return
    for row in evidence.iter_rows(named=True):
        with st.container(border=True):
            where = location(row["page"], row["line_start"], row["line_end"])
            heading = escape_markdown(
                repair_words(row["heading_path"]) or "(før første overskrift)"
            )
            target = " · **målsætning**" if row["is_target"] else ""
            added = row.get("added_by")
            who = f" · :blue[tilføjet af {escape_markdown(added)}]" if added else ""
            st.markdown(
                f"**{row['rank']}.** {heading}  \n:gray[{escape_markdown(where)}]{target}{who}"
            )
            shown = repair_words(row["quote"])  # OCR misreadings repaired for reading
            quote = highlight(shown, row["matched_terms"] or [])
            if on_open is None and on_remove is None and on_target is None:
                st.markdown(quote)
                _original(shown, row["quote"])
                continue
            # The buttons above the quote: a long passage does not push them out of sight.
            buttons = st.container(horizontal=True, gap="small")
            st.markdown(quote)
            _original(shown, row["quote"])
            if on_open is not None and buttons.button(
                "Vis i planen",
                key=f"{open_key}:{row['rank']}",
                type="tertiary",
                icon=":material/open_in_new:",
            ):
                on_open(row["doc_id"], row["seg_no"])
            if on_target is not None:
                buttons.button(
                    "Ikke målsætning" if row["is_target"] else "Bærer målsætningen",
                    key=f"{state.PASSAGE_TARGET}:{row['seg_no']}",
                    type="tertiary",
                    icon=":material/flag:",
                    on_click=on_target,
                    args=(context, row),
                )
            if on_remove is not None:
                buttons.button(
                    "Fjern",
                    key=f"{state.PASSAGE_REMOVE}:{row['seg_no']}",
                    type="tertiary",
                    icon=":material/delete:",
                    help="Passagen hører ikke til punktet (kan fortrydes).",
                    on_click=on_remove,
                    args=(context, row),
                )
