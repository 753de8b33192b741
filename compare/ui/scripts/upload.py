"""Streamlit page script for "Upload" (see compare/ui/__init__.py)."""

from compare.ui.pages import upload

upload.render()
