"""The optional password gate: asked for once per session when Streamlit secrets set one.

Put `[auth]` / `password = "..."` in `.streamlit/secrets.toml` (gitignored) to require it; with no
password configured the app opens directly (it listens on localhost only by default).
"""

from __future__ import annotations

import hmac
from pathlib import Path

import streamlit as st

from compare.ui import state


class UnreadableSecrets(Exception):
    """A secrets file exists but cannot be parsed: the gate stays shut rather than open."""


def configured_password() -> str | None:
    """The password from secrets (`[auth] password`), or None when none is configured."""
    if not st.secrets.load_if_toml_exists():
        files = [Path(p) for p in st.get_option("secrets.files")]
        present = [p for p in files if p.is_file()]
        if present:
            # Streamlit treats a malformed file like a missing one; a password may be in it.
            raise UnreadableSecrets(f"{present[0]} could not be read as TOML")
        return None
    section = st.secrets.get("auth")
    password = section.get("password") if section is not None else None
    return str(password) if password else None


def password_gate() -> bool:
    """True when the session may see the app; otherwise show the password form and return False."""
    if st.session_state.get(state.AUTHENTICATED):
        return True
    try:
        expected = configured_password()
    except UnreadableSecrets as err:
        st.error(f"Appen er låst: {err}. Ret filen (TOML) og genstart appen.")
        return False
    if expected is None:
        return True
    st.title("Beskæftigelsesplaner")
    given = st.text_input("Adgangskode", type="password", key=state.PASSWORD)
    if given:
        # Constant-time comparison, so the check does not leak how much of a guess was right.
        if hmac.compare_digest(given.encode(), expected.encode()):
            st.session_state[state.AUTHENTICATED] = True
            st.rerun()
        st.error("Forkert adgangskode. Spørg den, der driver appen, om adgangskoden.")
    return False
