"""Add the plans' words to the domain thesaurus in its file, the rest kept as staff wrote it.

The analyst who reads "IPS" in a plan's section on psychiatric patients knows a word the
thesaurus may not: added to the concept, every label that says the concept borrows it (see
`compare.frameworks.thesaurus`). As for keywords (`compare.frameworks.keywords`), the TOML file
is edited in place with `tomlkit` (comments, order and layout stay), the result is parsed as a
thesaurus before anything is written, and the write is atomic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import tomlkit

from compare.config import thesaurus_file
from compare.frameworks.thesaurus import BadThesaurus, parse_thesaurus
from compare.store.workspace import atomic_write

_CONCEPT_ID = re.compile(r"[a-z0-9][a-z0-9_]*")  # as the shipped file's ids: "psykisk_saarbare"
MAX_PHRASE_CHARS = 80  # a word or a short phrase, not a passage


def add_words(
    concept_id: str, phrases: Sequence[str], narrower: bool = False, path: Path | None = None
) -> Path:
    """Add words to a concept's `terms` (or `narrower`), or make a new concept of them.

    Words the concept already has (in any case) are skipped. A new concept needs two words or
    more. Raises BadThesaurus, naming the file, for a bad id, no words, a word too long or a
    lone stop word, and leaves the file as it was.
    """
    path = path if path is not None else thesaurus_file()[0]
    if not _CONCEPT_ID.fullmatch(concept_id):
        raise BadThesaurus(
            path, f"concept id {concept_id!r}: use small letters a-z, digits and _ only"
        )
    if not phrases:
        raise BadThesaurus(path, f"concept {concept_id!r}: no words given")
    for phrase in phrases:
        if len(phrase) > MAX_PHRASE_CHARS or "\n" in phrase:
            raise BadThesaurus(path, f"{phrase[:40]!r} is too long: at most {MAX_PHRASE_CHARS}")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    document = tomlkit.parse(text)
    concepts = document.get("concept")
    entry = next((c for c in concepts or [] if c.get("id") == concept_id), None)
    if entry is None:
        if narrower:
            raise BadThesaurus(
                path, f"no concept {concept_id!r}: make it with its words first, then its kinds"
            )
        table = tomlkit.table()
        table["id"] = concept_id
        table["terms"] = _array(phrases)
        if concepts is None:
            document["concept"] = tomlkit.aot()
            concepts = document["concept"]
        concepts.append(table)
    else:
        key = "narrower" if narrower else "terms"
        have = {str(p).lower() for p in (*entry.get("terms", []), *entry.get("narrower", []))}
        new = [p for p in phrases if p.lower() not in have]
        if key in entry:
            entry[key].extend(new)
        elif new:
            entry[key] = _array(new)
    updated = tomlkit.dumps(document)
    parse_thesaurus(updated, path)  # raises BadThesaurus, naming the concept and the problem
    atomic_write(path, lambda tmp: tmp.write_text(updated, encoding="utf-8"))
    return path


def _array(phrases: Sequence[str]) -> tomlkit.items.Array:
    array = tomlkit.array()
    array.extend(phrases)
    return array
