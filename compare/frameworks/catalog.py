"""Frameworks as data: the minister's yearly goals and regional strategy themes, as files.

A framework is a file in `data/frameworks/` (TOML, or the same columns as a CSV/XLSX sheet; see
`compare.frameworks.files`). Each item gets its *matching terms*: term keys (see `compare.text`)
derived from its label and description, its hand-written keywords, and the keywords of
near-identical items in the other frameworks of the folder — the goal "Virksomhederne skal sikres
den nødvendige og kvalificerede arbejdskraft" recurs across years, and what is known for one year
serves the next. So a framework of pasted goal titles, with no keywords at all, still tags well.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from compare.config import FRAMEWORKS_DIR, FRAMEWORKS_ENV, frameworks_dir  # noqa: F401
from compare.errors import BadFramework, UnknownFramework
from compare.frameworks.files import SUFFIXES, RawFramework, read_raw, to_toml
from compare.frameworks.labels import label_terms
from compare.frameworks.thesaurus import borrowed, current_thesaurus
from compare.schema import FRAMEWORK_GOALS, FRAMEWORK_THEMES, YEAR_MAX, YEAR_MIN, period_covers
from compare.store.workspace import atomic_write
from compare.text import content_keys, fold_name, normalise

FRAMEWORK_KINDS = (FRAMEWORK_GOALS, FRAMEWORK_THEMES)
TERMS_VERSION = "2"  # bump when term derivation changes, so stored tags are redone
LINK_THRESHOLD = 90.0  # rapidfuzz score (0-100) at which two items' labels count as the same goal

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_TOP_FIELDS = {"id", "title", "kind", "year", "council", "items"}
_ITEM_FIELDS = {"id", "label", "group", "description", "keywords"}
_TITLE_NUMBER = re.compile(r"^\s*(?:(?:minister)?m[aå]l\s*)?\d{1,2}\s*[.):-]?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """One goal or theme: the column of the matrix."""

    id: str
    label: str
    group: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()  # normalised matching phrases: space-separated term keys


@dataclass(frozen=True)
class Framework:
    """A set of items (goals or themes) that plans are scored against."""

    id: str
    title: str
    kind: str  # "goals" or "themes"
    year: int | None
    items: tuple[Item, ...]
    path: Path | None = None
    content_hash: str = ""
    council: str | None = None  # themes of one council: its overview covers only its members

    def applies_to(self, year: int | None, year_to: int | None = None) -> bool:
        """True if plans of this period are scored against this framework.

        Themes apply to every plan; goals to plans whose period (year..year_to) holds the
        framework's year. A goals framework without a year applies to every plan; a plan of
        unknown year gets no yearly goals.
        """
        if self.kind == FRAMEWORK_THEMES or self.year is None:
            return True
        return period_covers(year, year_to, self.year)

    def item(self, item_id: str) -> Item:
        """The item with this id (raises KeyError naming the framework)."""
        for item in self.items:
            if item.id == str(item_id):
                return item
        raise KeyError(f"{self.id} has no item {item_id!r}")


def derive_terms(
    label: str, description: str | None = None, keywords: Iterable[str] = ()
) -> tuple[str, ...]:
    """Matching phrases for an item: keywords, then the label's terms, then description keys.

    Hand-written keywords are kept as phrases ("mangel på arbejdskraft"); the label gives its
    topic words, pairs of adjacent topic words ("kvalificerede arbejdskraft"), the parts of its
    compounds and the completions of its elided compounds (`compare.frameworks.labels`); the
    description its topic words; an item without keywords borrows the terms of its label's
    concepts in the thesaurus (`compare.frameworks.thesaurus`). Duplicates are dropped, first
    source first.
    """
    terms: dict[str, None] = {}
    keywords = tuple(keywords)
    for keyword in keywords:
        phrase = normalise(keyword)
        if phrase:
            terms.setdefault(phrase, None)
    for found in label_terms(label):
        terms.setdefault(found.term, None)
    for related in borrowed(label, keywords):
        terms.setdefault(related.term, None)
    for key in content_keys(description or ""):
        terms.setdefault(key, None)
    return tuple(terms)


def _framework_hash(fw: Framework) -> str:
    content = {
        "version": TERMS_VERSION,
        "id": fw.id,
        "title": fw.title,
        "kind": fw.kind,
        "year": fw.year,
        "items": [
            [i.id, i.label, i.group, i.description, list(i.keywords), list(i.terms)]
            for i in fw.items
        ],
    }
    data = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


def _with_hash(fw: Framework) -> Framework:
    return replace(fw, content_hash=_framework_hash(fw))


def _validate(raw: RawFramework) -> Framework:
    path, fields = raw.path, raw.fields
    unknown = sorted(set(fields) - _TOP_FIELDS)
    if unknown:
        raise BadFramework(
            path,
            f"unknown field {unknown[0]!r}; a framework has the fields "
            "id, title, kind, year, council and [[items]]",
        )
    fw_id = fields.get("id")
    if not isinstance(fw_id, str) or not fw_id.strip():
        raise BadFramework(path, 'missing framework id (e.g. id = "ministermaal-2018")')
    fw_id = fw_id.strip()
    if not _ID.match(fw_id):
        raise BadFramework(
            path,
            f"framework id {fw_id!r} may only hold letters, digits, '.', "
            "'-' and '_' (it is used on the command line and as a file name)",
        )
    kind = fields.get("kind")
    if kind not in FRAMEWORK_KINDS:
        raise BadFramework(
            path,
            f'unknown kind {kind!r}: use "goals" (ministerial goals) or "themes" (strategy themes)',
        )
    year = fields.get("year")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX
    ):
        raise BadFramework(
            path, f"bad year {year!r}: give a four-digit year such as 2018, or leave it out"
        )
    title = fields.get("title", fw_id)
    if not isinstance(title, str):
        raise BadFramework(path, "title must be text")
    if not raw.items:
        raise BadFramework(
            path, "the framework has no items; add at least one [[items]] with an id and a label"
        )
    items: list[Item] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw.items):
        items.append(_validate_item(raw, index, entry, seen))
    council = fields.get("council")
    if council is not None and (not isinstance(council, str) or not council.strip()):
        raise BadFramework(path, 'council must be a council\'s name, e.g. "RAR Hovedstaden"')
    fw = Framework(fw_id, title.strip() or fw_id, kind, year, tuple(items), path)
    return _with_hash(replace(fw, council=" ".join(council.split()) if council else None))


def _validate_item(
    raw: RawFramework, index: int, entry: dict[str, Any], seen: dict[str, int]
) -> Item:
    path = raw.path
    line = raw.item_lines[index] if index < len(raw.item_lines) else None
    id_line = raw.id_lines[index] if index < len(raw.id_lines) else None
    where = f"item {index + 1}"
    unknown = sorted(set(entry) - _ITEM_FIELDS)
    if unknown:
        raise BadFramework(
            path,
            f"{where}: unknown field {unknown[0]!r}; an item has the "
            "fields id, label, group, description and keywords",
            line,
        )
    item_id = entry.get("id")
    if isinstance(item_id, int) and not isinstance(item_id, bool):
        item_id = str(item_id)
    if not isinstance(item_id, str) or not item_id.strip():
        raise BadFramework(path, f'{where}: missing item id (e.g. id = "1")', line)
    item_id = item_id.strip()
    if item_id in seen:
        raise BadFramework(
            path,
            f"duplicate item id {item_id!r} (first used by item "
            f"{seen[item_id] + 1}); item ids must be unique",
            id_line or line,
        )
    seen[item_id] = index
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise BadFramework(path, f"item {item_id!r}: missing label", line)
    group, description = entry.get("group"), entry.get("description")
    for name, value in (("group", group), ("description", description)):
        if value is not None and not isinstance(value, str):
            raise BadFramework(path, f"item {item_id!r}: {name} must be text", line)
    keywords = entry.get("keywords", [])
    if isinstance(keywords, str):
        keywords = keywords.split(";")
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise BadFramework(path, f"item {item_id!r}: keywords must be a list of text", line)
    keywords = tuple(k.strip() for k in keywords if k.strip())
    label = " ".join(label.split())
    return Item(
        item_id,
        label,
        group or None,
        description or None,
        keywords,
        derive_terms(label, description, keywords),
    )


def link_frameworks(
    frameworks: Sequence[Framework], known: Sequence[Framework] = ()
) -> list[Framework]:
    """Give each item the keywords' terms of near-identical items in other frameworks.

    Labels are compared folded (OCR- and case-insensitive) with rapidfuzz; a score of
    `LINK_THRESHOLD` or more links two items. `known` frameworks lend terms but are not returned.
    """
    own_ids = {fw.id for fw in frameworks}
    pool = list(frameworks) + [k for k in known if k.id not in own_ids]
    entries = [(fw.id, item) for fw in pool for item in fw.items]
    if not entries:
        return list(frameworks)
    labels = [fold_name(item.label) for _, item in entries]
    scores = process.cdist(labels, labels, scorer=fuzz.token_sort_ratio, workers=1)
    lent: dict[tuple[str, str], list[str]] = {}
    for i, (fw_id, item) in enumerate(entries):
        extra: dict[str, None] = {}
        for j, (other_fw, other) in enumerate(entries):
            if other_fw != fw_id and scores[i][j] >= LINK_THRESHOLD:
                for keyword in other.keywords:
                    phrase = normalise(keyword)
                    if phrase and phrase not in item.terms:
                        extra.setdefault(phrase, None)
        lent[(fw_id, item.id)] = list(extra)
    linked = []
    for fw in frameworks:
        items = tuple(
            replace(item, terms=item.terms + tuple(lent[(fw.id, item.id)])) for item in fw.items
        )
        linked.append(_with_hash(replace(fw, items=items)))
    return linked


def labels_only(frameworks: Sequence[Framework]) -> list[Framework]:
    """The frameworks as if pasted as bare titles: keywords and descriptions stripped.

    Terms are derived again from the labels alone, and nothing is lent between items (no item
    has keywords left to lend). `compare evaluate --labels-only` measures the tagger with these,
    which is what a council or a year nobody here has seen gets.
    """
    stripped = []
    for fw in frameworks:
        items = tuple(
            replace(item, description=None, keywords=(), terms=derive_terms(item.label))
            for item in fw.items
        )
        stripped.append(_with_hash(replace(fw, items=items)))
    return stripped


def load_framework(path: Path | str, known: Sequence[Framework] = ()) -> Framework:
    """Read and validate one framework file (raises BadFramework naming file, line, problem).

    Pass `known` frameworks to lend their keywords to near-identical items.
    """
    fw = _validate(read_raw(Path(path)))
    return link_frameworks([fw], known)[0] if known else fw


def load_frameworks(
    folder: Path | str | None = None, errors: list[BadFramework] | None = None
) -> list[Framework]:
    """All frameworks in a folder (omit it for `frameworks_dir()`), linked, sorted by id.

    A malformed file raises BadFramework; pass an `errors` list to collect those instead and
    load the rest. A malformed thesaurus raises BadThesaurus: every label depends on it.
    """
    root = Path(folder) if folder is not None else frameworks_dir()
    current_thesaurus()  # a broken thesaurus is reported here, before any label needs it
    frameworks: list[Framework] = []
    by_id: dict[str, Path] = {}
    paths = (
        sorted(
            p
            for p in root.iterdir()
            if p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))
        )
        if root.is_dir()
        else []
    )
    for path in paths:
        try:
            fw = _validate(read_raw(path))
            if fw.id in by_id:
                raise BadFramework(
                    path,
                    f"framework id {fw.id!r} is already used by "
                    f"{by_id[fw.id].name}; ids must be unique",
                )
        except BadFramework as err:
            if errors is None:
                raise
            errors.append(err)
            continue
        by_id[fw.id] = path
        frameworks.append(fw)
    return sorted(link_frameworks(frameworks), key=lambda f: f.id)


def find_framework(id_or_path: str | Path, folder: Path | str | None = None) -> Framework:
    """A framework by id (from the folder) or by the path of a framework file.

    Raises UnknownFramework, naming the known ids, when neither matches.
    """
    return find_frameworks([id_or_path], folder)[0]


def find_frameworks(
    ids_or_paths: Iterable[str | Path],
    folder: Path | str | None = None,
    known: list[Framework] | None = None,
) -> list[Framework]:
    """Several frameworks by id or file path (see `find_framework`), reading the folder once
    (or not at all, given the frameworks it holds as `known`)."""
    refs = list(ids_or_paths)
    if not refs:
        return []
    if known is None:
        known = load_frameworks(folder, errors=[])
    return [_find(ref, known) for ref in refs]


def _find(id_or_path: str | Path, known: list[Framework]) -> Framework:
    text = str(id_or_path)
    candidate = Path(text).expanduser()
    if candidate.suffix.lower() in SUFFIXES and candidate.is_file():
        return load_framework(candidate, known=known)
    for fw in known:
        if fw.id == text:
            return fw
    if candidate.suffix.lower() in SUFFIXES:
        raise UnknownFramework(f"framework file {text!r} not found")
    known_ids = ", ".join(fw.id for fw in known) or "(none)"
    raise UnknownFramework(f"unknown framework {text!r}; known frameworks: {known_ids}")


def clean_title(title: str) -> str:
    """A pasted goal title without list numbering or bullets ("Mål 3:", "2.", "•")."""
    text = " ".join(title.replace("\u2022", " ").split()).strip(" -–*")
    return _TITLE_NUMBER.sub("", text).strip()


def framework_from_titles(
    fw_id: str,
    title: str,
    kind: str,
    year: int | None,
    titles: Iterable[str],
    known: Sequence[Framework] | None = None,
) -> Framework:
    """A framework from pasted item titles (one per entry, ids "1".."n"), ready to tag and save.

    Numbering such as "Mål 3:" is stripped and blank entries skipped. Terms are derived from the
    titles and lent by near-identical items of `known` frameworks (omit it to use the frameworks
    folder; pass `()` for none). Raises BadFramework for a bad id, kind, year or no titles.
    """
    labels = [clean_title(t) for t in titles]
    items = [
        {"id": str(n), "label": label} for n, label in enumerate((x for x in labels if x), start=1)
    ]
    raw = RawFramework(
        Path(f"{fw_id}.toml"), {"id": fw_id, "title": title, "kind": kind, "year": year}, items
    )
    if year is None:
        del raw.fields["year"]
    fw = replace(_validate(raw), path=None)
    lenders = load_frameworks(errors=[]) if known is None else known
    return link_frameworks([fw], lenders)[0] if lenders else fw


def save_framework(
    fw: Framework, folder: Path | str | None = None, *, overwrite: bool = False
) -> Path:
    """Write a framework as `<id>.toml` in the folder (omit it for `frameworks_dir()`), atomically.

    An existing file of that name is never replaced unless `overwrite` (it may be a colleague's,
    holding another id or half-edited): BadFramework says so. Derived terms are not written:
    they are derived again on loading.
    """
    if not _ID.match(fw.id):
        raise BadFramework(
            None, f"framework id {fw.id!r} may only hold letters, digits, '.', '-' and '_'"
        )
    root = Path(folder) if folder is not None else frameworks_dir()
    path = root / f"{fw.id}.toml"
    fields: dict[str, Any] = {"id": fw.id, "title": fw.title, "kind": fw.kind, "year": fw.year}
    if fw.council:
        fields["council"] = fw.council
    items = [
        {
            "id": i.id,
            "group": i.group,
            "label": i.label,
            "description": i.description,
            "keywords": list(i.keywords),
        }
        for i in fw.items
    ]
    text = to_toml(fields, items)
    if overwrite:
        atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    else:
        _create(path, text)
    return path


def _create(path: Path, text: str) -> None:
    """Write a new file whole, failing if it exists: a temporary file hard-linked into place
    (the link fails when the name is taken, even if another process creates it meanwhile)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.link(tmp, path)
    except FileExistsError:
        raise BadFramework(
            path,
            f"the file already exists in {path.parent} (perhaps a colleague's); choose another id "
            "(existing frameworks are edited as files)",
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
