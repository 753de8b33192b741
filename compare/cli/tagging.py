"""CLI commands: tagging (placeholder until written)."""
