"""The domain thesaurus: the words a plan may use for what a label says (`data/thesaurus.toml`).

A pasted label is a few words and the plans say the same thing in their own: "Den
virksomhedsvendte indsats" is "virksomhedsrettet indsats" in the plan, "Psykisk sårbare" is
"IPS" or "psykiske lidelser", "Stofmisbrugere" is "rusmiddelbehandling". No Danish wordnet or
word vectors ship in a Python wheel, so the relations of Danish employment policy are kept as
data staff can edit: concepts, each with the `terms` that mean it and the `narrower` kinds and
instruments of it (`data/THESAURUS.md`).

A label word or phrase that is one of a concept's `terms` lends the item the concept's other
terms and its narrower ones (origin `related` on the frameworks page, with the concept's id).
A borrowed term is no more telling than the label words it stands for (`RelatedTerm.via`;
`compare.tagging.terms` caps its information as it caps a compound's by its parts'): in
"Rekruttering af grænsependlere" the synonyms of "rekruttering", a word every plan uses, do
not become the item's core, while those of "virksomhedsvendt" in "Den virksomhedsvendte
indsats" do. A narrower term in a label lends nothing: "Alkoholbehandling" must not be
addressed by every mention of "misbrug". Items with hand-written keywords borrow nothing:
their keywords say what they are about.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from compare.config import THESAURUS_ENV, thesaurus_file
from compare.errors import BadDataFile
from compare.frameworks.specificity import general_rarity
from compare.text import content_keys, normalise, words

MIN_PREFIX_KEY = 5  # a concept term this long also matches a label compound it begins


class BadThesaurus(BadDataFile):
    """The thesaurus file (data/thesaurus.toml) is malformed."""

    kind = "thesaurus"


@dataclass(frozen=True)
class Concept:
    """One concept: the terms that mean it, and its narrower kinds (term keys and as written)."""

    id: str
    terms: tuple[str, ...]  # normalised, as `compare.text.normalise` makes them
    narrower: tuple[str, ...] = ()
    written: tuple[tuple[str, str], ...] = ()  # (normalised, as written), for display


@dataclass(frozen=True, eq=False)  # one object per file version (`_load`): hashed by identity
class Thesaurus:
    """All concepts, and which concepts each normalised term triggers."""

    concepts: tuple[Concept, ...] = ()

    def triggered_by(self, key: str) -> tuple[Concept, ...]:
        """The concepts whose `terms` hold this normalised term."""
        return _index(self).get(key, ())


@dataclass(frozen=True)
class RelatedTerm:
    """A term an item borrows from the thesaurus."""

    term: str  # normalised
    concept: str  # the concept's id
    rarity: float  # 0-1, like a label word's (`specificity.general_rarity`)
    written: str  # as the thesaurus writes it
    via: tuple[str, ...] = ()  # the label's word keys the concept was found in


@lru_cache(maxsize=8)
def _index(thesaurus: Thesaurus) -> dict[str, tuple[Concept, ...]]:
    index: dict[str, list[Concept]] = {}
    for concept in thesaurus.concepts:
        for term in concept.terms:
            index.setdefault(term, []).append(concept)
    return {key: tuple(found) for key, found in index.items()}


def parse_thesaurus(text: str, path: Path | str | None = None) -> Thesaurus:
    """The thesaurus in a TOML text; BadThesaurus names the file, the concept and the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise BadThesaurus(
            path, f"not valid TOML ({exc}); fix it, or move it aside to tag without one", line
        ) from exc
    raw = data.get("concept", [])
    if not isinstance(raw, list):
        raise BadThesaurus(path, "'concept' must be a list of [[concept]] tables")
    concepts: list[Concept] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw, start=1):
        where = f"concept {number}"
        if not isinstance(entry, dict):
            raise BadThesaurus(path, f"{where} is not a table")
        concept_id = entry.get("id")
        if not isinstance(concept_id, str) or not concept_id.strip():
            raise BadThesaurus(path, f"{where} has no 'id'")
        where = f"concept {concept_id!r}"
        if concept_id in seen:
            raise BadThesaurus(path, f"{where} is there twice: give each concept its own id")
        seen.add(concept_id)
        written: dict[str, str] = {}
        terms = _terms(entry.get("terms"), f"{where}, 'terms'", path, written)
        if len(terms) < 2:
            raise BadThesaurus(path, f"{where}, 'terms' needs at least two words or phrases")
        narrower = _terms(entry.get("narrower", []), f"{where}, 'narrower'", path, written)
        concepts.append(
            Concept(
                concept_id,
                terms,
                tuple(n for n in narrower if n not in terms),
                tuple(written.items()),
            )
        )
    return Thesaurus(tuple(concepts))


def _terms(value: object, where: str, path: Path | str | None, written: dict) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadThesaurus(path, f"{where} must be a list of quoted words or phrases")
    found: dict[str, None] = {}
    for phrase in value:
        if len(words(phrase)) == 1 and not content_keys(phrase, min_length=2):
            # "og", "alle": it would be found in nearly every label (a phrase of such words,
            # "flere hænder", is found only where a label says it)
            raise BadThesaurus(path, f"{where}: {phrase[:40]!r} is a stop word: use a phrase")
        key = normalise(phrase)
        if key:
            found.setdefault(key, None)
            written.setdefault(key, phrase)
    return tuple(found)


def current_thesaurus() -> Thesaurus:
    """The thesaurus file's concepts, read once per file version.

    None if `data/thesaurus.toml` is absent; a file `$COMPARE_THESAURUS` names must exist.
    """
    path, named = thesaurus_file()
    try:
        stat = path.stat()
    except FileNotFoundError:
        if named:
            raise BadThesaurus(path, f"no such file (named by ${THESAURUS_ENV})") from None
        return Thesaurus()
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int) -> Thesaurus:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BadThesaurus(path, "is not UTF-8 text: save it as UTF-8") from exc
    return parse_thesaurus(text, path)


def related_terms(label: str, thesaurus: Thesaurus | None = None) -> tuple[RelatedTerm, ...]:
    """The terms the label borrows: those of every concept one of its words or phrases is.

    A concept term matches the label's words in order (whole words; a term key of
    `MIN_PREFIX_KEY` characters or more also as the start of a label compound, as terms match
    plans). The label's own terms are not repeated.
    """
    return _related(label, thesaurus if thesaurus is not None else current_thesaurus())


@lru_cache(maxsize=4096)
def _related(label: str, thesaurus: Thesaurus) -> tuple[RelatedTerm, ...]:
    if not thesaurus.concepts:
        return ()
    keys = normalise(label).split()
    padded = f" {' '.join(keys)} "
    found: dict[str, RelatedTerm] = {}
    for concept, via in _concepts_in(keys, thesaurus):
        for term in (*concept.terms, *concept.narrower):
            if f" {term} " not in padded and term not in found:
                written = dict(concept.written).get(term, term)
                found[term] = RelatedTerm(term, concept.id, _rarity(written), written, via)
    return tuple(found.values())


def _concepts_in(
    keys: list[str], thesaurus: Thesaurus
) -> Iterable[tuple[Concept, tuple[str, ...]]]:
    """Each concept one of whose terms the label says, with the label's keys that say it."""
    seen: set[str] = set()
    padded = f" {' '.join(keys)} "
    for term in _index(thesaurus):
        if f" {term}" not in padded:  # the common case, answered at once
            continue
        via = _span(term.split(), keys)
        if via is None:
            continue
        for concept in thesaurus.triggered_by(term):
            if concept.id not in seen:
                seen.add(concept.id)
                yield concept, via


def _span(term: list[str], keys: list[str]) -> tuple[str, ...] | None:
    """The label keys the term's keys match, in order (the last also as a compound's start)."""
    last = term[-1]
    prefix = len(last) >= MIN_PREFIX_KEY and not last.isdigit()
    n = len(term)
    for start in range(len(keys) - n + 1):
        span = keys[start : start + n]
        if span[:-1] == term[:-1] and (span[-1] == last or (prefix and span[-1].startswith(last))):
            return tuple(span)
    return None


def borrowed(label: str, keywords: Iterable[str] = ()) -> tuple[RelatedTerm, ...]:
    """What an item borrows: its label's `related_terms`, none if it has keywords of its own
    (they say what the item is about). The one place that rule is kept."""
    return () if tuple(keywords) else related_terms(label)


def borrowed_text(label: str, keywords: Iterable[str] = ()) -> str:
    """What an item borrows, for the frameworks page: "concept: word, word; concept: ..."."""
    by_concept: dict[str, list[str]] = {}
    for related in borrowed(label, keywords):
        by_concept.setdefault(related.concept, []).append(related.written)
    return "; ".join(f"{c}: {', '.join(w)}" for c, w in by_concept.items())


def _rarity(written: str) -> float:
    """A borrowed term's general rarity: its written words', as a label phrase's."""
    return round(min(1.0, sum(general_rarity(w) for w in words(written))), 3)
