"""The version of what tags mean: bump it when the tagger decides differently.

It is part of the hash stored with every tag (`compare.tagging.pipeline.framework_hash`), so a
workspace tagged by an older tagger is tagged again.
"""

TAGGER_VERSION = "3"  # 3: information-weighted label terms, compound parts, learned terms
