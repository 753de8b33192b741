"""Document kinds, in a module of their own: a command names them in its options without
importing Polars (`compare.schema`, which re-exports them, does)."""

from __future__ import annotations

KIND_PLAN = "plan"  # a municipality's employment plan (beskæftigelsesplan)
KIND_OVERVIEW = "overview"  # a regional overview of many plans (like seed 003)
KIND_OTHER = "other"  # anything else: budget notes, agendas, ...
KINDS: tuple[str, ...] = (KIND_PLAN, KIND_OVERVIEW, KIND_OTHER)
