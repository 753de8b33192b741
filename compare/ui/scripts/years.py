"""Streamlit page script for "Sammenlign år" (see compare/ui/__init__.py)."""

from compare.ui.pages import years

years.render()
