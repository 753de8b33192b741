"""Page "Sammenlign år": one municipality's plans of two years, goal by goal."""

from __future__ import annotations

import polars as pl
import streamlit as st

from compare.analysis.years import ALIGN_THRESHOLD, STATUS_LABELS
from compare.errors import CompareError
from compare.registry.lookup import danish_sort_key
from compare.schema import LEVEL_ADDRESSED, LEVEL_NONE, LEVEL_TARGET
from compare.ui import analysis, data, state
from compare.ui.components import escape_markdown

KIND_NAMES = {"goals": "Ministermål", "themes": "Temaer"}
LEVEL_SHORT = {LEVEL_TARGET: "X", LEVEL_ADDRESSED: "(X)", LEVEL_NONE: "–"}


def render() -> None:
    """Show the year comparison page."""
    st.title("Sammenlign år")
    ws = data.app_workspace()
    cells = analysis.plan_cells_all(ws)
    years_by_name: dict[str, list[int]] = {}
    for name, year in cells.select("municipality", "year").unique().drop_nulls().iter_rows():
        years_by_name.setdefault(name, []).append(int(year))
    names = sorted((n for n, ys in years_by_name.items() if len(ys) > 1), key=danish_sort_key)
    if not names:
        st.info("Ingen kommune har taggede planer fra mere end ét år endnu.")
        return
    cols = st.columns([3, 1, 1])
    state.ensure_option(state.YEARS_MUNICIPALITY, names, names[0])
    name = cols[0].selectbox("Kommune", names, key=state.YEARS_MUNICIPALITY)
    years = sorted(years_by_name[name])
    state.ensure_option(state.YEARS_A, years, years[-2])
    state.ensure_option(state.YEARS_B, years, years[-1])
    year_a = cols[1].selectbox("Fra", years, key=state.YEARS_A)
    year_b = cols[2].selectbox("Til", years, key=state.YEARS_B)
    if year_a == year_b:
        st.warning("Vælg to forskellige år.")
        return
    try:
        comparison = analysis.years(ws, name, int(year_a), int(year_b))
    except CompareError as err:
        st.error(str(err))
        return
    _summary(comparison)
    _table(comparison, year_a, year_b)
    st.caption(
        "X = konkret mål · (X) = beskrevet uden konkret mål · – = ikke nævnt · tom = "
        "punktet findes ikke det år. "
        f"Mål fra forskellige år er parret, når deres ordlyd er mindst "
        f"{ALIGN_THRESHOLD:.0f} % ens (efter udligning af æ/ø/å og OCR-fejl). Temarammer, "
        "der gælder begge år, sammenlignes punkt for punkt."
    )


def _summary(comparison: pl.DataFrame) -> None:
    counts = dict(comparison.group_by("status").len().iter_rows())
    shown = [s for s in ("unchanged", "changed", "added", "dropped", "not_assessed") if s in counts]
    for col, status in zip(st.columns(len(shown) or 1), shown, strict=False):
        col.metric(STATUS_LABELS[status].capitalize(), counts[status])


def _table(comparison: pl.DataFrame, year_a: int, year_b: int) -> None:
    def level(column: str) -> pl.Expr:
        # "–": assessed and not addressed; empty: the item is not in that year's framework.
        return pl.col(column).replace_strict(LEVEL_SHORT, default=pl.col(column))

    table = comparison.select(
        pl.col("kind").replace_strict(KIND_NAMES, default=pl.col("kind")).alias("Ramme"),
        pl.coalesce("label_b", "label_a").alias("Punkt"),
        level("level_a").alias(str(year_a)),
        level("level_b").alias(str(year_b)),
        pl.col("status").replace_strict(STATUS_LABELS, default=pl.col("status")).alias("Status"),
        pl.when(pl.col("similarity") < 100)
        .then(pl.col("label_a"))
        .alias(f"Ordlyd {year_a} (hvis anden)"),
    ).with_columns(pl.exclude("Punkt").fill_null(""))
    st.dataframe(table, hide_index=True, width="stretch")
    quoted = comparison.filter(pl.col("quote_a").is_not_null() | pl.col("quote_b").is_not_null())
    if quoted.height:
        with st.expander("Bedste passager pr. punkt"):
            for row in quoted.iter_rows(named=True):
                st.markdown(f"**{escape_markdown(row['label_b'] or row['label_a'])}**")
                for year, quote in ((year_a, row["quote_a"]), (year_b, row["quote_b"])):
                    if quote:
                        st.text(f"{year}: {quote}")
