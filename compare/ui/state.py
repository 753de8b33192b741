"""Every session-state key the app uses, and the few helpers that read or prepare them.

Pages never spell a key as a string literal: they use the names here, so two pages cannot collide
and a test can find a widget by the same name (`at.selectbox(key=state.MATRIX_YEAR)`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

import streamlit as st

T = TypeVar("T")

# App frame (app.py, sidebar).
AUTHENTICATED = "auth_ok"  # True once the password (if one is configured) was given
PASSWORD = "auth_password"  # the password input of the gate
REVIEWER = "reviewer"  # the analyst's name, recorded with every decision
REVIEWER_LOADED = "reviewer_loaded"  # the browser's remembered name was read this session
REVIEWER_SAVED = "reviewer_saved"  # the name last written to the browser's cookie
FLASH = "flash"  # (kind, message) shown once at the top of the next run

# Matrix page: filters.
MATRIX_FRAMEWORKS = "matrix_frameworks"
MATRIX_COUNCIL = "matrix_council"
MATRIX_YEAR = "matrix_year"
MATRIX_KINDS = "matrix_kinds"
MATRIX_GROUPS = "matrix_groups"
MATRIX_CHART = "matrix_chart"  # toggle: draw the chart of municipalities per level
# Matrix page: the table and the cell in focus.
MATRIX_TABLE = "matrix_table"  # st.dataframe selection state
MATRIX_SEEN_SELECTION = "matrix_seen_selection"  # last table selection acted upon
MEMO_MATRIX_VIEW = "memo_matrix_view"  # (inputs, MatrixView) of the last matrix built
MEMO_MATRIX_STYLED = "memo_matrix_styled"  # (view and focus, styled table) last rendered
MEMO_QUEUE = "memo_queue"  # (view, focus and queue toggle, Queue) of the last run
PICK_DOC = "matrix_pick_doc"  # doc_id of the row in focus
PICK_ITEM = "matrix_pick_item"  # "framework_id::item_id" of the column in focus
MATRIX_OPEN = "matrix_open"  # prefix: "show in the plan" buttons under each passage
# Matrix page: the review form for the cell in focus.
REVIEW_FOR = "review_for"  # the cell the form below was prepared for
REVIEW_LEVEL = "review_level"
REVIEW_NOTE = "review_note"
REVIEW_CONFIRM = "review_confirm"
REVIEW_SAVE = "review_save"
REVIEW_UNDO = "review_undo"
REVIEW_REMARK = "review_remark"  # prefix + ":doc_id:framework_id": the row remark's text area
REVIEW_REMARK_SAVE = "review_remark_save"
# Matrix page: the review queue beside the matrix.
QUEUE_NEXT = "queue_next"
QUEUE_PREVIOUS = "queue_previous"
QUEUE_CONFIRM_NEXT = "queue_confirm_next"
QUEUE_LEVEL_NEXT = "queue_level_next"  # prefix + ":" + level: "set this level and go on"
QUEUE_ONLY_PLAN = "queue_only_plan"  # toggle: the queue of the plan in focus only
QUEUE_BACK = "queue_back"  # the cells visited through the queue, for *Forrige*
# Matrix page: analysts' own evidence passages.
PASSAGE_REMOVE = "passage_remove"  # prefix + ":" + seg_no
PASSAGE_TARGET = "passage_target"  # prefix + ":" + seg_no
PASSAGE_QUERY = "passage_query"  # search the plan's text for a passage to add
PASSAGE_ADD = "passage_add"  # prefix + ":" + seg_no
PASSAGE_UNDO = "passage_undo"
SEARCH_ADD = "search_add"  # prefix: "add this hit to the cell in focus" per search hit
# Matrix page: agreement between two analysts.
AGREEMENT_A = "agreement_a"
AGREEMENT_B = "agreement_b"
QUERY_CELL = "celle"  # query parameter: the cell in focus, "doc_id::framework_id::item_id"

# Matrix page: the Excel panel (export for meetings, import of analysts' edits).
EXCEL_PREPARE = "excel_prepare"  # button: build the workbook for the current filters
EXCEL_FILE = "excel_file"  # (filters + workspace stamp, bytes) of the last built workbook
EXCEL_UPLOAD = "excel_upload"  # an edited workbook to read back
EXCEL_IMPORT = "excel_import"  # button: record its edits as decisions
EXCEL_EDITOR = "excel_editor"  # who edited the workbook (the decisions carry this name)
EXCEL_ON_CONFLICT = "excel_on_conflict"  # "keep" or "take" for cells decided since the export

# Upload page.
UPLOAD_FILES = "upload_files"
UPLOAD_RUN = "upload_run"
UPLOAD_RESULT = "upload_result"  # the last run's outcome, shown until the next run

# --- Analysis pages (H7): Temaoversigt, Plan, Sammenlign år, Søg, Rammer --------------------
OVERVIEW_FRAMEWORK = "overview_framework"
OVERVIEW_YEAR = "overview_year"
OVERVIEW_COUNCIL = "overview_council"
OVERVIEW_DRAFT = "overview_draft"  # prefix: one editable draft text area per item
OVERVIEW_OPEN = "overview_open"  # prefix: "open the plan" buttons under each passage
PLAN_SUMMARY_REMARK = "plan_summary_remark"  # prefix: the remarks draft of a plan summary
OVERVIEW_TABLE_ITEM = "overview_table_item"  # the item of the per-municipality table (+ prefix)
PLAN_DOC = "plan_doc"  # doc_id shown on the plan page (set by other pages to open a plan)
PLAN_SEG = "plan_seg"  # (doc_id, seg_no) a link from search or overview points at
PLAN_SECTION = "plan_section"  # section_no picked in the outline (-1: the whole plan)
PLAN_META_MUNICIPALITY = "plan_meta_municipality"
PLAN_META_YEAR = "plan_meta_year"
PLAN_META_YEAR_TO = "plan_meta_year_to"
PLAN_META_KIND = "plan_meta_kind"
PLAN_META_SAVE = "plan_meta_save"
YEARS_MUNICIPALITY = "years_municipality"
YEARS_A = "years_a"
YEARS_B = "years_b"
SEARCH_QUERY = "search_query"
SEARCH_PLANS_ONLY = "search_plans_only"
SEARCH_LIMIT = "search_limit"
SEARCH_OPEN = "search_open"  # prefix: "open the plan" button per hit
FW_NEW_ID = "fw_new_id"
FW_NEW_TITLE = "fw_new_title"
FW_NEW_KIND = "fw_new_kind"
FW_NEW_YEAR = "fw_new_year"
FW_NEW_TITLES = "fw_new_titles"
FW_NEW_SAVE = "fw_new_save"
FW_UPLOAD = "fw_upload"
FW_UPLOAD_SAVE = "fw_upload_save"
FW_RESULT = "fw_result"  # the last add's outcome, shown until the next one
FW_KEYWORDS_ITEM = "fw_keywords_item:"  # prefix + framework id: the item whose keywords to set
FW_KEYWORDS_TEXT = "fw_keywords_text:"  # prefix + framework id + ":" + item id
FW_KEYWORDS_SAVE = "fw_keywords_save:"  # prefix + framework id
TH_CONCEPT = "th_concept"  # the thesaurus concept to add words to (or a new one)
TH_NEW_ID = "th_new_id"
TH_WORDS = "th_words"
TH_NARROWER = "th_narrower"
TH_SAVE = "th_save"

ANALYSIS_PERSISTENT: tuple[str, ...] = (
    OVERVIEW_FRAMEWORK,
    OVERVIEW_YEAR,
    OVERVIEW_COUNCIL,
    PLAN_DOC,
    YEARS_MUNICIPALITY,
    YEARS_A,
    YEARS_B,
    SEARCH_QUERY,
    SEARCH_PLANS_ONLY,
    SEARCH_LIMIT,
)
# --- end of analysis pages' keys -------------------------------------------------------------

# Widget values Streamlit would drop when their page is not shown; kept across page switches.
PERSISTENT: tuple[str, ...] = (
    REVIEWER,
    PICK_DOC,  # the cell in focus survives a visit to the plan and back
    PICK_ITEM,
    QUEUE_ONLY_PLAN,
    MATRIX_FRAMEWORKS,
    MATRIX_COUNCIL,
    MATRIX_YEAR,
    MATRIX_KINDS,
    MATRIX_GROUPS,
    *ANALYSIS_PERSISTENT,
)


def init() -> None:
    """Prepare the session on every run: defaults set once, filter values kept across pages."""
    st.session_state.setdefault(AUTHENTICATED, False)
    st.session_state.setdefault(REVIEWER, "")
    for key in PERSISTENT:
        if key in st.session_state:
            # Re-assigning a widget's value detaches it from the widget, so Streamlit keeps it
            # while another page (without that widget) is shown.
            st.session_state[key] = st.session_state[key]


def reviewer() -> str:
    """The analyst's name from the sidebar, stripped ("" until one is typed)."""
    return str(st.session_state.get(REVIEWER, "")).strip()


def flash(kind: str, message: str) -> None:
    """Queue one message (`kind` is "success", "info", "warning" or "error") for the next run."""
    st.session_state[FLASH] = (kind, message)


def show_flash() -> None:
    """Show and forget the queued message, if any: a success as a toast (it does not push the
    page down between two clicks of a review), anything else in place."""
    queued = st.session_state.pop(FLASH, None)
    if queued:
        kind, message = queued
        if kind == "success":
            st.toast(message, icon=":material/check_circle:")
        else:
            getattr(st, kind, st.info)(message)


def remembered(slot: str, key: Hashable, build: Callable[[], T]) -> T:
    """What `build()` gives, kept in the session under `slot` until `key` changes: what the
    page computes from data that did not change since the last run is not computed again."""
    kept = st.session_state.get(slot)
    if kept is not None and kept[0] == key:
        return cast(T, kept[1])
    value = build()
    st.session_state[slot] = (key, value)
    return value


def ensure_option(key: str, options: list[Any], default: Any = None) -> None:
    """Reset a selectbox's stored value when it is no longer among its options."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    if key not in st.session_state and default is not None and default in options:
        st.session_state[key] = default


def ensure_options(key: str, options: list[Any], default: list[Any] | None = None) -> None:
    """Drop stored multiselect values that are no longer options (else Streamlit raises)."""
    if key in st.session_state:
        kept = [v for v in st.session_state[key] if v in options]
        if kept != st.session_state[key]:
            st.session_state[key] = kept
    elif default is not None:
        st.session_state[key] = [v for v in default if v in options]
