"""Streamlit page script for "Matrix" (see compare/ui/__init__.py)."""

from compare.ui.pages import matrix

matrix.render()
