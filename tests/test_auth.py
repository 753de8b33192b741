"""The password gate fails closed: secrets that exist but give no usable password lock the app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from compare.store.workspace import ENV_VAR
from compare.ui import state
from compare.ui.auth import UnusableSecrets, password_from_secrets
from tests.app_support import APP

UNUSABLE = [
    ({"auth": {"password": ""}}, "password er tom"),
    ({"auth": {"password": "   "}}, "password er tom"),
    ({"auth": {"pasword": "hemmelig"}}, "ingen nøgle 'password' (fandt: pasword)"),
    ({"Auth": {"password": "hemmelig"}}, "hedder [Auth], men skal hedde [auth]"),
    ({"password": "hemmelig"}, "password står øverst i filen"),
    ({"server": {"port": 1}}, "intet [auth]-afsnit"),
    ({"auth": {"password": 1234}}, "password er tom"),  # TOML number: not a password
]


@pytest.mark.parametrize("secrets,reason", UNUSABLE)
def test_secrets_without_a_usable_password_are_refused_with_the_reason(
    secrets: dict[str, Any], reason: str
) -> None:
    with pytest.raises(UnusableSecrets, match=re.escape(reason)):
        password_from_secrets(secrets)


def test_a_usable_password_is_returned() -> None:
    assert password_from_secrets({"auth": {"password": "hemmelig"}}) == "hemmelig"


@pytest.mark.parametrize("secrets,reason", UNUSABLE[:5])
def test_the_app_stays_locked_and_says_why(
    secrets: dict[str, Any], reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "workspace"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets.update(secrets)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and "Appen er låst" in at.error[0].value and reason in at.error[0].value
    assert not at.title  # no page ran: neither the upload page nor the password form
    assert state.PASSWORD not in [w.key for w in at.text_input]
