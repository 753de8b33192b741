"""Set an item's keywords in its framework file, the rest of the file kept as staff wrote it.

A pasted label is a few words; a plan may say the theme in words of its own ("rusmiddel" where
the label says "misbrug"). The analyst who reads that passage knows the word the tagger cannot:
adding it as a keyword makes the item found through it, with the weight of a hand-written
keyword. The TOML file is edited in place with `tomlkit` (comments, order and layout stay), the
result is validated as a framework before anything is written, and the write is atomic.
Framework sheets (CSV, XLSX) are edited as sheets.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import tomlkit

from compare.errors import BadFramework
from compare.frameworks.catalog import Framework, load_framework
from compare.store.workspace import atomic_write
from compare.text import content_keys

MAX_KEYWORD_CHARS = 80  # a keyword is a word or a short phrase, not a passage


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords from a comma- or semicolon-separated text, trimmed, without repeats."""
    found: dict[str, str] = {}
    for part in text.replace(";", ",").split(","):
        keyword = " ".join(part.split())
        if keyword:
            found.setdefault(keyword.lower(), keyword)
    return tuple(found.values())


def set_item_keywords(fw: Framework, item_id: str, keywords: Sequence[str]) -> Path:
    """Replace the keywords of one item in the framework's TOML file; the file's path.

    Raises BadFramework, naming the file, for a framework that is not a TOML file, an unknown
    item, a keyword too long to be one, or a result that would not load as a framework.
    """
    path = fw.path
    if path is None or path.suffix.lower() != ".toml":
        raise BadFramework(
            path,
            f"keywords of {fw.id!r} can be set here only in a TOML framework file; "
            "edit the sheet's keywords column instead",
        )
    for keyword in keywords:
        if len(keyword) > MAX_KEYWORD_CHARS or "\n" in keyword:
            raise BadFramework(
                path,
                f"keyword {keyword[:40]!r} is too long: at most {MAX_KEYWORD_CHARS} characters",
            )
        if not content_keys(keyword, min_length=2):
            raise BadFramework(
                path, f"keyword {keyword!r} has no word the tagger can match (only stop words)"
            )
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    items = document.get("items", [])
    entry = next((i for i in items if str(i.get("id")) == item_id), None)
    if entry is None:
        raise BadFramework(path, f"no item {item_id!r} in framework {fw.id!r}")
    if keywords:
        array = tomlkit.array()
        array.extend(keywords)
        entry["keywords"] = array
    elif "keywords" in entry:
        del entry["keywords"]
    text = tomlkit.dumps(document)
    _check(text, path)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path


def _check(text: str, path: Path) -> None:
    """Raise BadFramework (naming `path`) unless `text` loads as a framework file."""
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / path.name
        probe.write_text(text, encoding="utf-8")
        try:
            load_framework(probe)
        except BadFramework as err:
            raise BadFramework(path, err.problem, err.line) from None
