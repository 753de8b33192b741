"""The app's pages: each module exposes `render() -> None` (wired up in compare/ui/__init__.py)."""
