"""Display text: quotes and headings with OCR misreadings of æ/ø/å repaired against a vocabulary.

OCR'd plans read `Kgbenhavns`, `ngdvendige`, `s@rligt`. For display (the app, drafts, Word and
Excel) each word that is not Danish is tried with its likely misread letters put back (`g`/`e`/`o`
→ `ø`, `a`/`e` → `æ`, `a` → `å`, `@`/`®`/`&`/`¢`/`4` → `æ`/`ø`/`å`, `rn` → `m`) and replaced
only when exactly that variant is a Danish word: a word of simplemma's Danish dictionary
(about 780,000 word forms and lemmas, shipped in its wheel; decoded once into a sorted file in
the user's cache, `$COMPARE_CACHE` or ~/.cache/compare), a municipality of the registry (with
genitive `s`), or a compound of two such words. Everything else is left as it is. The
original text is never changed where it is stored: evidence is located with it (`seg_no`,
lines), only shown repaired.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import combinations, product
from pathlib import Path

from compare.config import cache_dir
from compare.store.workspace import atomic_write
from compare.text import clean_display, zipf

# Misread letters: which characters OCR produced for which Danish letter. Symbols are always
# misreadings inside a word; letters only where the word as read is not Danish.
_SYMBOLS = {"@": "æøå", "®": "æøå", "&": "åæø", "¢": "æøå", "4": "å"}
# "é" is how OCR read "å" in the seeds ("ogsé", "méltal"); a real "idé" is a word and stays.
_LETTERS = {"g": "ø", "e": "øæ", "o": "ø", "a": "æåø", "z": "æ", "é": "åæø"}
_PAIRS = {"a@": "æ", "a®": "æ", "a&": "æ", "ae": "æ", "ee": "æ", "oe": "ø", "aa": "å", "rn": "m"}
_WORD = re.compile(r"[0-9A-Za-zæøåÆØÅéÉüÜöÖäÄ@®&¢]+")
_MAX_SUBSTITUTIONS = 2
_MAX_CANDIDATES = 400  # a long word with many a/e/g gets no more tries than this
_LINKS = ("", "s", "e")  # Danish compound joints: job|center, beskæftigelse|s|plan, ...
_MIN_PART = 3
_ABBREVIATION = 5  # a word this short followed by "." is left as it is
# A short word that is Danish but rare ("pa", "mal", "ar") is read as the far more common word
# one misread letter away ("på", "mål", "år"); a common word ("for", "der", "se") stays.
_RARE_SHORT = (4, 4.5, 1.5)  # at most this many letters, Zipf below this, this much rarer


def _cache_file() -> Path:
    from importlib.metadata import version  # not `import simplemma`: that loads it all

    return cache_dir() / f"simplemma-{version('simplemma')}-da-words.sorted"


class _SortedWords:
    """Membership in a sorted word file (one UTF-8 word a line), by binary search on a memory
    map: opening costs nothing, each look-up about twenty line reads."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        key, data = word.encode("utf-8"), self._map
        lo, hi = 0, len(data)
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", 0, mid) + 1
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            line = data[start:end]
            if line == key:
                return True
            if line < key:
                lo = end + 1
            else:
                hi = start
        return False


@lru_cache(maxsize=1)
def _dictionary() -> _SortedWords | frozenset[str]:
    """simplemma's Danish word forms and lemmas, lower-case.

    Decoding simplemma's compressed data takes seconds, so the words are kept sorted in a
    plain file in the user's cache (written atomically) and looked up there by binary search
    after the first time; where the cache cannot be written, the decoded set is used.
    """
    cache = _cache_file()
    if not cache.exists():
        from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

        mapping = DefaultDictionaryFactory().get_dictionary("da")
        words = {w.lower() for pair in mapping.items() for w in pair if w and "\n" not in w}
        ordered = b"\n".join(sorted(w.encode("utf-8") for w in words))
        try:
            atomic_write(cache, lambda tmp: tmp.write_bytes(ordered))
        except OSError:
            return frozenset(words)
    return _SortedWords(cache)


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """Municipality names and aliases of the registry, lower-cased, with genitive and -er forms."""
    from compare.registry.lookup import load_registry

    names: set[str] = set()
    registry = load_registry()
    spellings = [m.name for m in registry.municipalities()]
    for name in spellings:
        for part in re.split(r"[\s-]+", name.lower()):
            if len(part) >= _MIN_PART:
                names.update({part, part + "s", part + "er", part + "ere"})
    return frozenset(names)


def is_word(word: str) -> bool:
    """True for a known Danish word (dictionary or registry name), any case."""
    lower = word.lower()
    return lower in _names() or lower in _dictionary()


def _is_compound(word: str) -> bool:
    """True if the word is two known words, joined directly or by -s-/-e-."""
    lower = word.lower()
    for cut in range(_MIN_PART, len(lower) - _MIN_PART + 1):
        head, tail = lower[:cut], lower[cut:]
        if not is_word(tail):
            continue
        for link in _LINKS:
            if head.endswith(link) and len(head) - len(link) >= _MIN_PART:
                if is_word(head[: len(head) - len(link)] if link else head):
                    return True
    return False


def is_danish(word: str) -> bool:
    """True for a known word or a compound of two known words."""
    return is_word(word) or _is_compound(word)


def _candidates(lower: str, most: int = _MAX_SUBSTITUTIONS) -> Iterator[str]:
    """Spellings of a lower-case word with up to two misread letters put back, fewest first."""
    spots: list[tuple[int, int, str]] = []  # (start, end, replacements)
    for pair, repl in _PAIRS.items():
        for m in re.finditer(re.escape(pair), lower):
            spots.append((m.start(), m.end(), repl))
    for i, ch in enumerate(lower):
        symbol = _SYMBOLS.get(ch) if 0 < i < len(lower) - 1 or ch != "4" else None
        letters = symbol or _LETTERS.get(ch)
        if letters:
            spots.append((i, i + 1, letters))
    seen = 0
    for n in range(1, most + 1):
        for chosen in combinations(spots, n):
            if any(a[1] > b[0] for a, b in zip(chosen, chosen[1:], strict=False)):
                continue  # overlapping spots
            for picked in product(*(spot[2] for spot in chosen)):
                out, last = [], 0
                for (start, end, _), letter in zip(chosen, picked, strict=True):
                    out += [lower[last:start], letter]
                    last = end
                out.append(lower[last:])
                seen += 1
                if seen > _MAX_CANDIDATES:
                    return
                yield "".join(out)


def _recase(repaired: str, original: str) -> str:
    if original.isupper() and len(original) > 1:
        return repaired.upper()
    if original[:1].isupper():
        return repaired[:1].upper() + repaired[1:]
    return repaired


@lru_cache(maxsize=50_000)
def repair_word(word: str) -> str:
    """The word with misread æ/ø/å put back where a Danish word results; else the word as is."""
    has_symbol = any(ch in _SYMBOLS and ch != "4" for ch in word)
    letters = sum(ch.isalpha() for ch in word)
    lower = word.lower()
    if is_word(word):
        common = _common_neighbour(lower) if letters >= 2 else None
        return _recase(common, word) if common else word
    if letters < (1 if has_symbol else 3):
        return word
    # A word of the dictionary one letter away beats reading the word as a loose compound
    # ("serligt" is "særligt", not "ser" + "ligt"); then the compound as read stands. Of several
    # such words the most frequent in general Danish wins ("arligt" is "årligt", not "ærligt").
    found = _most_common(c for c in _candidates(lower, most=1) if is_word(c))
    if found is None and _is_compound(word):
        return word
    if found is None:
        found = _most_common(c for c in _candidates(lower) if is_word(c))
    if found is None:  # a compound only with one letter put back: two words fit too easily
        found = next((c for c in _candidates(lower, most=1) if _is_compound(c)), None)
    if found is None:
        return word
    return _recase(found, word)


def _most_common(words: Iterator[str]) -> str | None:
    """The most frequent of the words in general Danish (the first of equals), or None."""
    best, best_zipf = None, -1.0
    for word in words:
        if (z := zipf(word)) > best_zipf:
            best, best_zipf = word, z
    return best


def _common_neighbour(lower: str) -> str | None:
    """For a short, rare Danish word: the far more common word one misread letter away."""
    most_letters, rare_below, rarer_by = _RARE_SHORT
    if len(lower) > most_letters or (own := zipf(lower)) >= rare_below:
        return None
    found = _most_common(c for c in _candidates(lower, most=1) if is_word(c))
    return found if found is not None and zipf(found) - own >= rarer_by else None


def repair_words(text: str | None) -> str:
    """The text with misread æ/ø/å repaired word by word; everything between words as it was."""
    if not text:
        return ""
    # Most texts have no misread word: checking each distinct word once (repair_word is cached)
    # spares the per-word callback below, which only ever keeps words or repairs them.
    if all(repair_word(word) == word for word in set(_WORD.findall(text))):
        return text

    def repair(m: re.Match[str]) -> str:
        word = m.group(0)
        if len(word) <= _ABBREVIATION and text[m.end() : m.end() + 1] == ".":
            return word  # an abbreviation ("vedr.", "ekskl."): not a misread word
        return repair_word(word)

    return _WORD.sub(repair, text)


def display_text(text: str | None) -> str:
    """A quote or heading for display: whitespace folded, misread æ/ø/å repaired."""
    return repair_words(clean_display(text)) if text else ""


def was_repaired(text: str | None) -> bool:
    """True where the display form differs from the (whitespace-folded) original."""
    return bool(text) and display_text(text) != clean_display(text or "")
