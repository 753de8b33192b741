"""Page scripts Streamlit runs (never imported): each calls one page module's `render()`."""
