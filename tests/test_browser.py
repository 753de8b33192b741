"""End to end in a real browser: the app served by Streamlit, opened in headless Chromium.

Needs Debian's `chromium` at /usr/bin/chromium (`make system-deps`); skips with the reason where
it is absent. Playwright drives it; no browser is ever downloaded.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from compare.frameworks.catalog import load_frameworks
from compare.store.workspace import ENV_VAR
from compare.ui import PAGES
from tests.app_support import APP, PAGE_HEADINGS

pytestmark = [pytest.mark.browser, pytest.mark.seeds, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = APP.parent / "exports" / "matrix.png"
STARTUP_LIMIT = 60.0  # seconds for the server to answer /_stcore/health
WAIT_MS = 30_000  # for an element to appear
YEAR = 2022  # the newest plan among the seeds: the matrix opens on its year


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def app_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The app served on a free localhost port over a copy of the seeded workspace."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make system-deps)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    ws = request.getfixturevalue("private_ws")  # only now: building it takes a while
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
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
                log.flush()
                pytest.fail(
                    "the app did not start:\n" + (tmp_path / "streamlit.log").read_text()[-3000:]
                )
            time.sleep(0.2)  # polling for readiness, not timing anything
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@contextmanager
def matrix_page(app_url: str, height: int, width: int = 1500) -> Iterator[Any]:
    """A headless Chromium page opened on the app's matrix (its start page when it has plans)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(app_url)
            page.wait_for_selector("h1:has-text('Matrix')", timeout=WAIT_MS)
            yield page
        finally:
            browser.close()


def test_matrix_and_a_cells_evidence_render_in_chromium(app_url):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with matrix_page(app_url, height=1700) as page:
        grid = page.wait_for_selector("[data-testid='stDataFrame']", timeout=WAIT_MS)
        # The grid is a canvas; its accessible twin holds the cell texts.
        page.wait_for_selector(
            "[data-testid='stDataFrame'] td:has-text('København')",
            state="attached",
            timeout=WAIT_MS,
        )
        before = page.locator("h3").first.inner_text(timeout=WAIT_MS)
        # Pick a cell other than the one in focus: the first or second item of the first
        # framework. Click the plan row's name (row 0 holds the totals), then step right:
        # Kommune -> Råd -> År -> first item.
        first = next(fw for fw in load_frameworks() if fw.applies_to(YEAR, YEAR))
        labels = [item.label for item in first.items[:2]]
        steps, label = (3, labels[0]) if labels[0] not in before else (4, labels[1])
        box = grid.bounding_box()
        for attempt in range(2):
            # Click only when the page's script has finished: a grid re-rendered by a rerun
            # loses the click and the key presses (seen once on a loaded machine). A second
            # attempt covers a rerun that starts between this wait and the click.
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT_MS
            )
            page.mouse.click(box["x"] + 30, box["y"] + 35 + 35 + 17)
            for _ in range(steps):
                page.keyboard.press("ArrowRight")
            try:
                page.wait_for_selector(f"h3:has-text('{label[:30]}')", timeout=WAIT_MS // 2)
                break
            except PlaywrightTimeout:
                if attempt == 1:
                    raise
        page.wait_for_selector("text=Tekstpassager", timeout=WAIT_MS)
        page.wait_for_selector("text=Bekræft og næste", timeout=WAIT_MS)
        heading = page.locator("h3").first.inner_text()
        # Confirm the tagger's level under a name: the cell is marked reviewed.
        name = page.get_by_label("Dit navn", exact=True).and_(page.locator("input"))
        name.fill("Anna Analytiker")
        name.press("Enter")
        page.get_by_role("button", name=re.compile("^Bekræft og næste")).click()
        page.wait_for_selector("text=Bekræftet", timeout=WAIT_MS)
        page.wait_for_selector(
            "[data-testid='stDataFrame'] td:has-text('✓')", state="attached", timeout=WAIT_MS
        )
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert heading.startswith(f"København {YEAR}") and label in heading
    assert SCREENSHOT.stat().st_size > 10_000


def test_every_page_renders_in_chromium(app_url):
    assert set(PAGE_HEADINGS) == {spec.name for spec in PAGES}
    shots = []
    with matrix_page(app_url, height=1200) as page:
        for spec in PAGES:
            if spec.name == "matrix":
                continue
            # Navigate as a person does: the page's link in the sidebar.
            page.locator("[data-testid='stSidebarNav'] a", has_text=spec.title).first.click()
            page.wait_for_selector(f"h1:has-text('{PAGE_HEADINGS[spec.name]}')", timeout=WAIT_MS)
            # Streamlit marks the app root while the page's script runs (its own e2e
            # tests wait on this attribute): wait until the page has finished rendering.
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT_MS
            )
            errors = page.locator("[data-testid='stException']")
            assert errors.count() == 0, f"{spec.name}: {errors.first.inner_text()}"
            shot = SCREENSHOT.parent / f"page-{spec.name}.png"
            page.screenshot(path=str(shot), full_page=True)
            shots.append(shot)
    assert all(shot.stat().st_size > 10_000 for shot in shots)


def test_an_edited_workbook_comes_back_through_the_app(app_url, private_ws, tmp_path):
    from openpyxl import load_workbook

    from compare.excel import export_workbook
    from compare.store.review_db import ReviewStore
    from tests.excel_workspace import body, header_row, matrix_sheet

    # An analyst exports København 2022, changes goal 1's cell in Excel and sends it back.
    book = load_workbook(
        export_workbook(private_ws, tmp_path / "matrix.xlsx", ["ministermaal-2022"], None, YEAR)
    )
    sheet = matrix_sheet(book, "ministermaal-2022")
    row, header = body(sheet)["København"], header_row(sheet)
    column = next(
        c
        for c in range(2, sheet.max_column + 1)
        if str(sheet.cell(header, c).value or "").startswith("1")
    )
    new = "(X)" if sheet.cell(row, column).value == "X" else "X"
    sheet.cell(row, column).value = new
    edited = tmp_path / "rettet.xlsx"
    book.save(edited)

    with matrix_page(app_url, height=1700) as page:
        name = page.get_by_label("Dit navn", exact=True).and_(page.locator("input"))
        name.fill("Bente")
        name.press("Enter")
        page.get_by_text("Excel til rådsmødet").click()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(edited)
        page.wait_for_selector("text=rettet.xlsx", timeout=WAIT_MS)
        page.get_by_role("button", name="Indlæs rettelser").click()
        page.wait_for_selector("text=1 ændring(er) gemt", timeout=WAIT_MS)
    history = ReviewStore.for_workspace(private_ws).history()
    assert history.select("framework_id", "item_id", "level", "reviewer").rows() == [
        ("ministermaal-2022", "1", new, "Bente")
    ]


LAPTOP = {"width": 1600, "height": 1000}  # the screen the review layout is made for


def _settled(page: Any) -> None:
    """Wait until the app's script run has finished (Streamlit marks its root while running)."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT_MS
    )


def _in_view(page: Any, locator: Any) -> bool:
    box = locator.bounding_box(timeout=WAIT_MS)
    return (
        box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= LAPTOP["height"]
    )


def test_three_cells_reviewed_by_keyboard_at_laptop_size(app_url, private_ws):
    from compare.store.review_db import ReviewStore

    shots = []
    with matrix_page(app_url, height=LAPTOP["height"], width=LAPTOP["width"]) as page:
        page.wait_for_selector("text=Bekræft og næste", timeout=WAIT_MS)
        progress = page.locator("[data-testid='stProgress']")
        total = int(progress.inner_text().split(" af ")[1].split()[0])
        name = page.get_by_label("Dit navn", exact=True).and_(page.locator("input"))
        name.fill("Anna Analytiker")
        name.press("Enter")
        _settled(page)
        shot = SCREENSHOT.parent / "review-1600x1000-start.png"
        page.screenshot(path=str(shot))
        shots.append(shot)
        # No Deploy button for a public office's users (.streamlit/config.toml: toolbarMode).
        assert page.locator("[data-testid='stAppDeployButton']").count() == 0
        assert page.get_by_text("Deploy", exact=True).count() == 0
        # Matrix, the cell's evidence and the decision buttons on one screen, unscrolled.
        assert _in_view(page, page.locator("[data-testid='stDataFrame']").first)
        assert _in_view(page, page.get_by_role("button", name="Bekræft og næste"))
        assert _in_view(page, page.get_by_text("Tekstpassager").first)
        assert _in_view(page, page.get_by_role("button", name=re.compile("^Næste")))
        # Click the plan's first item cell (row 0 holds the totals; Kommune -> Råd -> År -> item),
        # then decide by keyboard only: B ("Bekræft og næste") three times.
        box = page.locator("[data-testid='stDataFrame']").first.bounding_box()
        page.mouse.click(box["x"] + 30, box["y"] + 35 + 35 + 17)
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        first_label = next(fw for fw in load_frameworks() if fw.applies_to(YEAR, YEAR)).items[0]
        page.wait_for_selector(f"h3:has-text('{first_label.label[:30]}')", timeout=WAIT_MS)
        _settled(page)
        headings = [page.locator("h3").first.inner_text()]
        for step in range(1, 4):
            page.keyboard.press("b")  # "Bekræft og næste"
            page.wait_for_selector(f"text={step} af {total} vurderet", timeout=WAIT_MS)
            _settled(page)
            headings.append(page.locator("h3").first.inner_text())
        shot = SCREENSHOT.parent / "review-1600x1000-three-done.png"
        page.screenshot(path=str(shot))
        shots.append(shot)
        page.get_by_text("Tilføj en passage fra planen").click()
        page.get_by_text("Supplerende mål/bemærkninger (hele rækken)").click()
        _settled(page)
        shot = SCREENSHOT.parent / "review-1600x1000-panel.png"
        page.screenshot(path=str(shot), full_page=True)
        shots.append(shot)
        # "Vis i planen" and back to the matrix: the same cell is still in focus.
        page.get_by_role("button", name="Vis i planen").first.click()
        page.wait_for_selector("h1:has-text('Plan')", timeout=WAIT_MS)
        page.locator("[data-testid='stSidebarNav'] a", has_text="Matrix").first.click()
        page.wait_for_selector("text=Bekræft og næste", timeout=WAIT_MS)
        _settled(page)
        assert page.locator("h3").first.inner_text() == headings[-1]
        # A new visit from the same browser: the name is remembered, the cell comes from the URL.
        page.reload()
        page.wait_for_selector("text=Bekræft og næste", timeout=WAIT_MS)
        _settled(page)
        assert name.input_value(timeout=WAIT_MS) == "Anna Analytiker"
        assert page.locator("h3").first.inner_text() == headings[-1]
    assert len(set(headings)) == 4  # three cells decided, each followed by a new one
    latest = ReviewStore.for_workspace(private_ws).latest()
    assert latest.height == 3 and set(latest["reviewer"]) == {"Anna Analytiker"}
    assert all(shot.stat().st_size > 10_000 for shot in shots)
