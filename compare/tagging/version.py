"""The tagger's version: stored tags carry it, and tags made by another version are redone."""

from __future__ import annotations

# Bump when a change to the tagger (terms, scoring, targets, levels) can change some level or
# evidence: `compare tag` then re-tags every stored pair ("re-tagging N plans: tagger changed").
TAGGER_VERSION = 1
