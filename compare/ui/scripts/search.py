"""Streamlit page script for "Søg" (see compare/ui/__init__.py)."""

from compare.ui.pages import search

search.render()
