"""CLI commands: export (placeholder until written)."""
