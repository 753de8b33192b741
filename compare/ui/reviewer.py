"""The analyst's name in the sidebar, remembered per browser in a cookie.

Streamlit reads cookies (`st.context.cookies`, sent when the browser connects) but cannot set
them, and a component or localStorage bridge would be a front-end build of our own. So the name
is written with one line of JavaScript through `st.html(..., unsafe_allow_javascript=True)` when
it changes, and read back from `st.context.cookies` on the next visit. The script carries only
the name, JSON-encoded with `<`, `>` and `&` escaped, so typed text cannot break out of it.
A query parameter was the other option, but it is lost whenever the bare address is opened.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

import streamlit as st

from compare.ui import state

COOKIE = "compare_reviewer"
MAX_AGE = 400 * 24 * 3600  # seconds; browsers cap cookies at about 400 days
MAX_LENGTH = 80


def saved_name(cookies: dict[str, str] | None = None) -> str:
    """The name the browser remembers ("" if none); omit `cookies` for this session's."""
    jar = dict(st.context.cookies) if cookies is None else cookies
    return unquote(jar.get(COOKIE, "")).strip()[:MAX_LENGTH]


def cookie_script(name: str) -> str:
    """The <script> that stores `name` in the browser's cookie (the name cannot escape it)."""
    literal = (
        json.dumps(name.strip()[:MAX_LENGTH])
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return (
        "<script>document.cookie = "
        f"'{COOKIE}=' + encodeURIComponent({literal}) + "
        f"'; path=/; max-age={MAX_AGE}; SameSite=Strict';</script>"
    )


def reviewer_field() -> str:
    """The sidebar's name field: prefilled from the browser, remembered there when changed."""
    if state.REVIEWER_LOADED not in st.session_state:
        st.session_state[state.REVIEWER_LOADED] = True
        if not state.reviewer():
            st.session_state[state.REVIEWER] = saved_name()
        st.session_state[state.REVIEWER_SAVED] = state.reviewer()
    st.text_input(
        "Dit navn",
        key=state.REVIEWER,
        help="Gemmes med hver vurdering, du laver, og huskes i denne browser.",
    )
    name = state.reviewer()
    if name != st.session_state.get(state.REVIEWER_SAVED):
        st.session_state[state.REVIEWER_SAVED] = name
        st.html(cookie_script(name), unsafe_allow_javascript=True)
    return name
