"""How the matrix looks: cell colours by level, council row bands, theme-group bands, the cell
in focus; and the small chart of municipalities per level per item.

The colours are computed as one frame of CSS by column-wise lookups (no per-cell Python
callback through the pandas Styler), so a rerun with 1,000 plans stays fast.
"""

from __future__ import annotations

from typing import Any

import pandas as pd  # type: ignore[import-untyped]  # no stubs installed
import streamlit as st
from pandas.io.formats.style import Styler  # type: ignore[import-untyped]

from compare.schema import LEVEL_ADDRESSED, LEVEL_TARGET
from compare.ui.components import LEVEL_COLOURS, RECHECK_COLOUR
from compare.ui.tables import (
    COUNCIL_COL,
    MUNICIPALITY_COL,
    RECHECK_MARK,
    REVIEWED_MARK,
    MatrixView,
)

TOTALS_COLOUR = "#eceff3"
COUNCIL_BAND = "#f3f6fb"  # every other council's name columns
GROUP_BAND = "#f6f6f6"  # empty cells of every other theme group
FOCUS_COLOUR = "#9cc3f5"  # the cell in focus
CHART_COLOURS = {"X": "#5aa84e", "(X)": "#e8b923", "Ikke behandlet": "#d5d9e0"}


def _level_css(colour: str) -> str:
    return f"background-color: {colour}"


# Every text a matrix cell can show -> its CSS (anything else: no colour).
_CELL_CSS = {
    **{
        f"{level} {mark}".strip(): _level_css(LEVEL_COLOURS[level])
        for level in (LEVEL_TARGET, LEVEL_ADDRESSED)
        for mark in ("", REVIEWED_MARK)
    },
    **{
        f"{level} {RECHECK_MARK}".strip(): _level_css(RECHECK_COLOUR)
        for level in (LEVEL_TARGET, LEVEL_ADDRESSED, "")
    },
}


def matrix_css(
    view: MatrixView, table: pd.DataFrame, focus: tuple[int, str] | None
) -> pd.DataFrame:
    """The CSS of every cell of the display table (same shape), for `Styler.apply(axis=None)`.

    Built from plain lists (object columns): assigning into pandas' Arrow-backed string columns
    cell by cell is what made this slow.
    """
    n_rows = len(table)
    band_css = [_level_css(COUNCIL_BAND) if band else "" for band in view.bands]
    columns: dict[str, list[str]] = {}
    for column in table.columns:
        if column in view.columns:
            blank = _level_css(GROUP_BAND) if view.group_bands.get(column) else ""
            columns[column] = [_CELL_CSS.get(text, blank) for text in table[column].tolist()]
        elif column in (COUNCIL_COL, MUNICIPALITY_COL):
            columns[column] = list(band_css)
        else:
            columns[column] = [""] * n_rows
    totals = _level_css(TOTALS_COLOUR)
    for values in columns.values():
        if values:
            values[0] = totals  # the totals row
    if focus is not None and focus[1] in columns and 0 <= focus[0] < n_rows:
        columns[focus[1]][focus[0]] = _level_css(FOCUS_COLOUR)
    return pd.DataFrame(columns, index=table.index, columns=table.columns, dtype=object)


def keep_styles(styler: Styler) -> Styler:
    """The Styler, made to work out its cells' styles once.

    Streamlit turns a Styler into the table it sends through the Styler's `_compute` and
    `_translate` on every run (pandas builds a dict per cell each time: most of a re-run of the
    1,000-plan matrix). The matrix page keeps the styled table while the data, the filters and
    the cell in focus stay the same (`state.remembered`), so those results are kept with it.
    (Streamlit recognises a Styler by its exact type, so this wraps the two methods of one
    Styler instead of subclassing it.)
    """
    compute, translate = styler._compute, styler._translate
    computed: list[bool] = []
    translated: dict[Any, Any] = {}

    def compute_once() -> Styler:
        if not computed:
            compute()
            computed.append(True)
        return styler

    def translate_once(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in translated:
            translated[key] = _without_plain_ids(translate(*args, **kwargs))
        return translated[key]

    styler._compute = compute_once
    styler._translate = translate_once
    return styler


def _without_plain_ids(translated: dict[str, Any]) -> dict[str, Any]:
    """The translated Styler without the cell ids of text shown as it is.

    Streamlit writes each body cell that has an id back into a copy of the table as its
    display text (`astype(str)`, then one column at a time): for a text cell that shows its own
    text that changes nothing, and took a fifth of a re-run. The colours do not use these ids
    (they come from the separate `cellstyle` list)."""
    for row in translated.get("body", []):
        for cell in row:
            value = cell.get("value")
            if "id" in cell and isinstance(value, str) and cell.get("display_value") == value:
                del cell["id"]
    return translated


def styled_matrix(view: MatrixView, focus: tuple[int, str] | None) -> Styler:
    """The display table with its colours (`matrix_css`), as a Styler for `st.dataframe`."""
    table = view.table.to_pandas()
    css = matrix_css(view, table, focus)
    return keep_styles(table.style.apply(lambda _: css, axis=None))


def render_chart(view: MatrixView, key: str) -> None:
    """Per framework, a stacked bar per item: how many municipalities have X, (X), nothing.

    Drawn only while the toggle (`key`) is on: a chart costs a tenth of a second per run.
    """
    if not st.toggle("Vis diagram", key=key):
        return
    if view.chart.is_empty():
        st.caption("Ingen celler at vise.")
        return
    for (title,), part in view.chart.group_by("Ramme", maintain_order=True):
        st.caption(str(title))
        wide = part.pivot(on="Niveau", index="Kolonne", values="Kommuner").to_pandas()
        levels = [level for level in CHART_COLOURS if level in wide.columns]
        st.bar_chart(
            wide,
            x="Kolonne",
            y=levels,
            color=[CHART_COLOURS[level] for level in levels],
            sort=False,
            height=220,
            x_label="",
            y_label="Kommuner",
        )
