"""CLI commands: matrix (placeholder until written)."""
