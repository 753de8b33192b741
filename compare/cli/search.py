"""CLI commands: search (placeholder until written)."""
