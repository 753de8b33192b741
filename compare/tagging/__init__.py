"""The tagger's parts: term matching, units and headings, targets, scoring, the pipeline."""
