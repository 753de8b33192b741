"""The Streamlit app's pages and their order in the navigation (app.py builds it from PAGES).

Each page lives in `compare.ui.pages.<name>` with a `render()` function; Streamlit runs it through
a two-line script in `compare/ui/scripts/<name>.py`, because file-based pages are what
`AppTest.switch_page` and the browser's URLs address.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parent / "scripts"
ICON = Path(__file__).resolve().parent / "icon.png"  # the browser tab icon, served locally


@dataclass(frozen=True)
class PageSpec:
    """One page: module name (also its URL path), navigation title, icon and section."""

    name: str
    title: str
    icon: str
    section: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("matrix", "Matrix", ":material/grid_on:", "Overblik"),
    PageSpec("overview", "Temaoversigt", ":material/summarize:", "Overblik"),
    PageSpec("plan", "Plan", ":material/description:", "Planer"),
    PageSpec("years", "Sammenlign år", ":material/compare_arrows:", "Planer"),
    PageSpec("search", "Søg", ":material/search:", "Planer"),
    PageSpec("upload", "Upload", ":material/upload_file:", "Data"),
    PageSpec("frameworks", "Rammer", ":material/checklist:", "Data"),
)


def page_script(name: str) -> Path:
    """The script file Streamlit runs for a page."""
    return SCRIPTS_DIR / f"{name}.py"


def start_page(n_plans: int) -> str:
    """The page the app opens on: the matrix, or the upload page while there are no plans."""
    return "matrix" if n_plans > 0 else "upload"
