"""The matrix page's agreement panel: two analysts' levels on the cells both decided."""

from __future__ import annotations

import polars as pl
import streamlit as st

from compare.analysis.agreement import compare_reviewers
from compare.store.workspace import Workspace
from compare.ui import review_data, state
from compare.ui.tables import MatrixView, column_name

DISAGREEMENT_COLUMNS = {"municipality": "Kommune", "year": "År", "column": "Kolonne"}


def render_agreement(ws: Workspace, view: MatrixView) -> None:
    """Pick two analysts; show percent agreement, Cohen's kappa and where they differ."""
    history = review_data.history(ws)
    names = sorted({str(n).strip() for n in history["reviewer"].drop_nulls().to_list()} - {""})
    if len(names) < 2:
        st.caption("Enighed kan måles, når mindst to analytikere har vurderet celler.")
        return
    left, right = st.columns(2)
    a = left.selectbox("Analytiker A", names, key=state.AGREEMENT_A, index=0)
    b = right.selectbox("Analytiker B", names, key=state.AGREEMENT_B, index=1)
    if a == b:
        st.caption("Vælg to forskellige analytikere.")
        return
    result = compare_reviewers(history, a, b)
    if result.n == 0:
        st.info(f"{a} og {b} har ingen celler, som begge har vurderet.")
        return
    kappa = "kan ikke beregnes" if result.kappa is None else f"{result.kappa:.2f}"
    st.markdown(
        f"**{result.agreed} af {result.n}** celler ens ({result.percent:.0%}) · "
        f"Cohens kappa: **{kappa}**"
    )
    st.caption("Kappa: 1 = fuld enighed, 0 = ikke mere end tilfældigt.")
    if result.disagreements.height:
        shown = result.disagreements.with_columns(
            pl.struct("framework_id", "item_id")
            .map_elements(
                lambda r: view.labels.get(
                    column_name(r["framework_id"], r["item_id"]),
                    f"{r['framework_id']} {r['item_id']}",
                ),
                return_dtype=pl.Utf8,
            )
            .alias("column"),
            pl.col("level_a", "level_b").replace("", "blank"),
        )
        st.dataframe(
            shown.select(*DISAGREEMENT_COLUMNS, "level_a", "level_b")
            .rename({**DISAGREEMENT_COLUMNS, "level_a": a, "level_b": b})
            .with_columns(pl.col(pl.Utf8).fill_null("")),
            hide_index=True,
            width="stretch",
        )
