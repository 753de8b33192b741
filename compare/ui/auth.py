"""The optional password gate: asked for once per session when Streamlit secrets set one.

Put `[auth]` / `password = "..."` in `.streamlit/secrets.toml` (gitignored) to require it; with no
secrets file the app opens directly (it listens on localhost only by default). A secrets file
that exists but holds no usable password (empty, misspelt, `[Auth]`, at the top level, not
TOML) keeps the app shut and says why: whoever wrote it meant to require a password.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from compare.ui import state

SECTION = "auth"
KEY = "password"


class UnusableSecrets(Exception):
    """A secrets file exists but yields no password: the gate stays shut rather than open."""


def password_from_secrets(secrets: Mapping[str, Any]) -> str:
    """The `[auth] password` of parsed secrets; raises UnusableSecrets saying what is wrong."""
    section = secrets.get(SECTION)
    if not isinstance(section, Mapping):
        near = [k for k in secrets if str(k).lower() == SECTION]
        if near:
            raise UnusableSecrets(f"afsnittet hedder [{near[0]}], men skal hedde [{SECTION}]")
        if KEY in secrets:
            raise UnusableSecrets(f"{KEY} står øverst i filen, men skal stå under [{SECTION}]")
        raise UnusableSecrets(f"filen har intet [{SECTION}]-afsnit med {KEY}")
    if KEY not in section:
        found = ", ".join(sorted(str(k) for k in section)) or "ingen nøgler"
        raise UnusableSecrets(f"[{SECTION}] har ingen nøgle {KEY!r} (fandt: {found})")
    password = section[KEY]
    if not isinstance(password, str) or not password.strip():
        raise UnusableSecrets(f"[{SECTION}] {KEY} er tom")
    return password


def configured_password() -> str | None:
    """The password from secrets, or None when there is no secrets file.

    Raises UnusableSecrets when a secrets file exists but gives no usable password.
    """
    if not st.secrets.load_if_toml_exists():
        files = [Path(p) for p in st.get_option("secrets.files")]
        present = [p for p in files if p.is_file()]
        if present:
            # Streamlit treats a malformed file like a missing one; a password may be in it.
            raise UnusableSecrets(f"{present[0]} kunne ikke læses som TOML")
        return None
    return password_from_secrets(st.secrets.to_dict())


def password_gate() -> bool:
    """True when the session may see the app; otherwise show the password form and return False."""
    if st.session_state.get(state.AUTHENTICATED):
        return True
    try:
        expected = configured_password()
    except UnusableSecrets as err:
        st.error(
            f"Appen er låst: secrets.toml giver ingen brugbar adgangskode ({err}). Skriv "
            f'`[{SECTION}]` og `{KEY} = "…"` i filen, og genstart appen.'
        )
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
