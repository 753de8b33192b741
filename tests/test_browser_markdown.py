"""Document text is shown as written in a real browser: no Markdown link, image or directive of
a plan's heading is acted on, and the browser never asks an outside host for anything.

Needs Debian's `chromium` (`make system-deps`); skips with the reason where it is absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from compare.ingest import ingest_paths
from compare.store.workspace import ENV_VAR, Workspace
from compare.tagging.run import tag_workspace
from tests.app_support import APP
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, STARTUP_LIMIT, WAIT_MS, _free_port, _healthy

pytestmark = [pytest.mark.browser, pytest.mark.slow]
IMAGE = "![pixel](http://outside.test/pixel.png)"
LINK = "[Klik her](http://phish.test/login)"
HEADING = f"2. Flere flygtninge i job {IMAGE} {LINK} :red[Rød] $x^2$"
PLAN = f"""Beskæftigelsesplan 2018

Københavns Kommune

1. Indledning

Jobcentret vil styrke virksomhedsservice og opkvalificering af ledige i 2018.

{HEADING}

Kommunen har som mål, at 60 pct. af flygtningene skal være i job efter tre år.
"""
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def hostile_app(tmp_path: Path) -> Iterator[str]:
    """The app served over a workspace holding one plan whose heading is hostile Markdown."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make system-deps)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    source = tmp_path / "plan.txt"
    source.write_text(PLAN, encoding="utf-8")
    ws = Workspace.open(tmp_path / "workspace")
    assert not ingest_paths([source], ws).failed
    tag_workspace(ws, workers=1)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", str(APP)),
            *("--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}"),
            "--browser.gatherUsageStats=false",
        ],
        cwd=APP.parent,
        env={**os.environ, ENV_VAR: str(ws.root)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the app did not start:\n" + (tmp_path / "streamlit.log").read_text())
            time.sleep(0.2)  # polling for readiness, not timing anything
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def hidden_targets(page: Any) -> list[tuple[str, str]]:
    """(text, target) of links whose text is not the address they lead to ("Klik her").

    A bare address in a plan is linked as itself, which hides nothing; a Markdown link would
    show other words than where it leads.
    """
    anchors = page.locator("[data-testid='stMain'] a[href*='.test']")
    pairs = [(a.inner_text(), a.get_attribute("href") or "") for a in anchors.all()]
    return [(text, href) for text, href in pairs if text.strip() != href]


def test_a_hostile_heading_is_shown_as_text_and_fetches_nothing(hostile_app: str) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1400})
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if r.url.startswith("http") and urlparse(r.url).hostname not in LOOPBACK
                    else None
                ),
            )
            page.goto(hostile_app)
            page.wait_for_selector("h1:has-text('Matrix')", timeout=WAIT_MS)
            page.locator("[data-testid='stSidebarNav'] a", has_text="Plan").first.click()
            page.wait_for_selector("h1:has-text('Plan')", timeout=WAIT_MS)
            # The outline (radio options) lists the heading; open its section.
            option = page.locator("[data-testid='stRadio'] label", has_text="Flere flygtninge")
            option.first.click(timeout=WAIT_MS)
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT_MS
            )
            page.wait_for_selector("h3:has-text('Flere flygtninge')", timeout=WAIT_MS)
            outline = page.locator("[data-testid='stRadio']").first.inner_text()
            body = page.locator("[data-testid='stMain']").inner_text()
            images = page.locator("img[src*='outside.test']").count()
            links = hidden_targets(page)
            page.locator("[data-testid='stSidebarNav'] a", has_text="Søg").first.click()
            page.wait_for_selector("h1:has-text('Søg')", timeout=WAIT_MS)
            query = page.get_by_label("Søgeord", exact=True).and_(page.locator("input"))
            query.fill("flygtninge")
            query.press("Enter")
            page.wait_for_selector("text=Åbn planen", timeout=WAIT_MS)
            search = page.locator("[data-testid='stMain']").inner_text()
            images += page.locator("img[src*='outside.test']").count()
            links += hidden_targets(page)
        finally:
            browser.close()
    assert outside == []
    assert images == 0 and links == []
    for shown in (outline, body, search):
        assert IMAGE in shown and LINK in shown and ":red[Rød]" in shown, shown
