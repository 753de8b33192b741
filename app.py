"""The Streamlit app: `streamlit run app.py` (or `make run`). Pages live in compare/ui/."""

import streamlit as st

from compare.errors import CompareError
from compare.ui import ICON, PAGES, data, page_script, start_page, state
from compare.ui.auth import password_gate
from compare.ui.components import escape_markdown
from compare.ui.reviewer import reviewer_field

# A local icon: a Material icon as page_icon makes the browser fetch it from an outside host.
st.set_page_config(page_title="Beskæftigelsesplaner", page_icon=str(ICON), layout="wide")
state.init()
if not password_gate():
    st.stop()
if problem := data.configuration_error():
    st.error(f"Opsætningen er forkert: {problem}")
    st.stop()

with st.sidebar:
    reviewer_field()
    st.caption(f"Workspace: `{data.app_workspace().root}`")

try:  # a damaged file, a read-only folder, a full disk: one clear line, not a traceback
    default = start_page(data.plan_count(data.app_workspace()))
    sections: dict[str, list] = {}
    for spec in PAGES:
        page = st.Page(
            page_script(spec.name),
            title=spec.title,
            icon=spec.icon,
            url_path=spec.name,
            default=spec.name == default,
        )
        sections.setdefault(spec.section, []).append(page)
    st.navigation(sections).run()
except CompareError as err:
    st.error(escape_markdown(str(err)))
