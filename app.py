"""The Streamlit app: `streamlit run app.py` (or `make run`). Pages live in compare/ui/."""

import streamlit as st

from compare.ui import PAGES, data, page_script, start_page, state
from compare.ui.auth import password_gate

st.set_page_config(page_title="Beskæftigelsesplaner", page_icon=":material/grid_on:", layout="wide")
state.init()
if not password_gate():
    st.stop()
if problem := data.configuration_error():
    st.error(f"Opsætningen er forkert: {problem}")
    st.stop()

with st.sidebar:
    st.text_input("Dit navn", key=state.REVIEWER, help="Gemmes med hver vurdering, du laver.")
    st.caption(f"Workspace: `{data.app_workspace().root}`")

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
