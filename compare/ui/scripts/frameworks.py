"""Streamlit page script for "Rammer" (see compare/ui/__init__.py)."""

from compare.ui.pages import frameworks

frameworks.render()
