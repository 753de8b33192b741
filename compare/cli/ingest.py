"""CLI commands: ingest (placeholder until written)."""
