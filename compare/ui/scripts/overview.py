"""Streamlit page script for "Temaoversigt" (see compare/ui/__init__.py)."""

from compare.ui.pages import overview

overview.render()
