"""Streamlit page script for "Plan" (see compare/ui/__init__.py)."""

from compare.ui.pages import plan

plan.render()
