"""Danish text normalisation for matching: hyphenation repair, OCR folding, stemming, stop words.

Plans arrive as clean text and as OCR output where the Danish letters were misread
(`Kgbenhavn`, `Kebenhavn`, `beskaftigelse`, `mal` for `mål`, `4r` for `år`). Matching runs on a
*term key* per word: the word lower-cased, stemmed with the Snowball Danish stemmer, then folded so
that every reading of æ/ø/å collapses to one vowel class. The original text is always kept for
display; only the keys are compared.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import snowballstemmer

# Bump when `normalise` gives other keys for some text: stored segments are then re-derived.
# 2: an OCR `é` for `å` is restored before stemming ("mélet" keys as "målet").
NORMALISER_VERSION = 2

_STEMMER = snowballstemmer.stemmer("danish")

# A word: letters (incl. æøå and accented), digits, and the symbols OCR puts in place of æ/ø/å
# inside a word (besk®ftigelse, bek&mpe, oml@gning).
_LETTER = "0-9a-zæøåéèüöäA-ZÆØÅÉÈÜÖÄ"
# Runs of letters joined by an OCR symbol: the same words as `[L](?:[L]|[®&@¢](?=[a-zæøå]))*`,
# written so the regex engine scans letter runs in one step instead of trying an alternation at
# every character.
_WORD = re.compile(rf"[{_LETTER}]+(?:[®&@¢](?=[a-zæøå])[{_LETTER}]+)*")
_HAS_LETTER = re.compile(r"[a-zæøåéèüöä]")
# A word broken over a line end: `([a-zæøåé])-[ \t]*\r?\n[ \t]*([a-zæøåé])`, the two letters joined.
# Written to start with the hyphen (the letters as lookarounds), so the regex engine jumps from
# hyphen to hyphen instead of trying every letter; `repair_hyphenation` then skips a break whose
# first letter is the previous break's second one, as the consuming pattern did (`a-\nb-\nc`).
_HYPHEN_GAP = re.compile(r"-(?<=[a-zæøåé]-)[ \t]*\r?\n[ \t]*(?=[a-zæøåé])")
_SOFT_HYPHEN = "\u00ad"

_VOWELS = set("aeiouyæøåé")
_FOLD_CHARS = str.maketrans(
    {
        "æ": "a",
        "ø": "a",
        "å": "a",
        "é": "a",
        "è": "a",
        "e": "a",
        "o": "a",
        "®": "a",
        "&": "a",
        "@": "a",
        "¢": "a",
        "ö": "a",
        "ä": "a",
        "ü": "u",
    }
)
_VOWEL_RUN = re.compile(r"a+")
_INNER_4 = re.compile(r"(?<=[a-z])4|4(?=[a-z])")

# Danish function words that carry no topic. Extends Snowball's list with words that are
# everywhere in employment plans and so tell nothing apart (kommune, indsats, ...).
_STOPWORDS_DA = """
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi
min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her
alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette mit
også under have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos blive
mange ad bliver hendes været thi jer sådan samt bl fx mv ift ca mht pct kr mio jf evt herunder
blandt andet andre flere mere mest ved kan få får fået gennem både hvordan hvilke hvilket
hvor hvorfor sammen samme således dermed derfor desuden derudover herudover fortsat særligt
særlig sikre sikres skal styrke styrkes styrket arbejde arbejder arbejdes indsats indsatsen
indsatser kommune kommunen kommunens kommuner jobcenter jobcentret jobcentrets mål målet
målene ny nye nyt år året årets løbet fokus
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORDS_DA.split())


def repair_hyphenation(text: str) -> str:
    """Join words split across a line break (`beskæftigel-\\nsesindsatsen`).

    Only a lower-case letter, a hyphen, a line break and a lower-case letter are joined, so
    `Beskæftigelses- og Integrationsudvalget` and `2016-\\n2017` keep their hyphens.
    """
    if _SOFT_HYPHEN in text:
        text = text.replace(_SOFT_HYPHEN, "")
    if "-" not in text or "\n" not in text:  # most paragraphs: nothing to join, no regex pass
        return text
    kept: list[str] = []
    last = 0  # end of the last gap removed
    for match in _HYPHEN_GAP.finditer(text):
        start, end = match.span()
        if start - 1 <= last and kept:
            continue  # its first letter was the second letter of the break just joined
        kept.append(text[last:start])
        last = end
    if not kept:
        return text
    kept.append(text[last:])
    return "".join(kept)


def _fold_space(text: str) -> str:
    # The same as re.sub(r"\s+", " ", text).strip(): both split on str.isspace() characters.
    return " ".join(text.split())


def clean_display(text: str) -> str:
    """Text for display: NFC, hyphenation repaired, line breaks and runs of spaces folded."""
    return _fold_space(repair_hyphenation(unicodedata.normalize("NFC", text)))


def clean_and_normalise(text: str) -> tuple[str, str]:
    """`(clean_display(text), normalise(text))`, repairing hyphenation and NFC only once.

    For NFC text without soft hyphens (nearly all text) both orders of the two steps give the
    same string — joining two Latin letters never creates a composition — so one repair serves
    both; other text takes the two functions as they are.
    """
    if _SOFT_HYPHEN not in text and unicodedata.is_normalized("NFC", text):
        chunks = repair_hyphenation(text).split()
        return " ".join(chunks), _chunk_keys(chunks)
    return clean_display(text), normalise(text)


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, in order (numbers included)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word in `text` as `words` finds them: where to highlight a match.

    Offsets index the text as given; `text[start:end].lower()` is the word.
    """
    return [m.span() for m in _WORD.finditer(text)]


def restore_ocr(word: str) -> str:
    """Put back the æ/ø/å that OCR turned into another character, where that is near-certain.

    A `g` between two consonants is almost always a misread `ø` (`forsgrgelse`, `ngdvendige`,
    `ggr`), as is a word-initial `g` before a consonant that cannot follow g (`gvrige`); a `4`, `®`,
    `&`, `@` or `z` between letters stands for `å` or `æ` (`4r`, `besk®ftigelse`, `bek&mpe`); an
    `é` after a consonant and before a consonant or the word's end is an `å` (`mélet`, `pé`).
    Folding makes é and å one letter anyway; restoring it first makes the stemmer treat the
    word as Danish (`mélet` → `mål`, as `målet`).
    """
    chars = list(_INNER_4.sub("å", word))
    for i, ch in enumerate(chars):
        prev_ch = chars[i - 1] if i > 0 else ""
        next_ch = chars[i + 1] if i + 1 < len(chars) else ""
        prev_is_consonant = prev_ch.isalpha() and prev_ch not in _VOWELS
        next_is_consonant = next_ch.isalpha() and next_ch not in _VOWELS
        if ch == "g":
            if i == 0:
                if next_is_consonant and next_ch not in "rlng":
                    chars[i] = "ø"
            elif prev_is_consonant and next_is_consonant:
                if not (prev_ch == "n" and next_ch in "gst"):  # keep -ngs-, -ngt, -ngg-
                    chars[i] = "ø"
        elif ch in "®&@¢" and prev_ch.isalpha() and next_ch.isalpha():
            chars[i] = "æ"
        elif ch == "z" and prev_is_consonant and next_is_consonant:
            chars[i] = "æ"
        elif ch == "é" and prev_is_consonant and (next_is_consonant or not next_ch):
            chars[i] = "å"  # "mélet", "pé", "omréder": OCR's é for å, so they stem as "målet"
    return "".join(chars)


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Collapse every reading of æ/ø/å in one lower-case word to a single vowel class.

    `københavn`, `kgbenhavn`, `kebenhavn`, `kobenhavn`, `kabenhavn` all fold to `kabanhavn`:
    a, e, o, æ, ø, å and é are one class, and a run of them is one vowel (`ae`, `ee` for æ).
    Cached: name lookups and metadata detection fold the same words again and again.
    """
    return _VOWEL_RUN.sub("a", restore_ocr(word).translate(_FOLD_CHARS))


@lru_cache(maxsize=200_000)
def term_key(word: str) -> str:
    """The matching key of one word: lower-cased, stemmed (Snowball Danish), then folded."""
    word = word.lower()
    if not _HAS_LETTER.search(word):
        return word
    return fold(_STEMMER.stemWord(restore_ocr(word)))


@lru_cache(maxsize=1)
def _stop_keys() -> frozenset[str]:
    return frozenset(term_key(w) for w in STOPWORDS)


def is_stopword(word: str) -> bool:
    """True for function words and words every plan uses (their OCR readings included)."""
    return word.lower() in STOPWORDS or term_key(word) in _stop_keys()


# Every distinct (lower-case) word's term key, computed once per process: texts repeat the same
# words, so normalising a text is mostly dictionary lookups. Cleared when it grows past the bound.
_KEYS: dict[str, str] = {}
MAX_CACHED_KEYS = 1_000_000


def _keys_of(lowered_words: list[str]) -> str:
    """The term keys of lower-case words, joined by single spaces; new words are keyed once."""
    try:
        return " ".join(map(_KEYS.__getitem__, lowered_words))
    except KeyError:
        if len(_KEYS) > MAX_CACHED_KEYS:
            _KEYS.clear()
        for word in set(lowered_words).difference(_KEYS):
            _KEYS[word] = term_key(word)
        return " ".join(map(_KEYS.__getitem__, lowered_words))


# The term keys of every distinct run of non-space characters (`plan,`, `(2018)`, `Kgbenhavns`),
# joined by spaces ("" for a run with no word in it). A word never spans white space, so a text's
# keys are its runs' keys in order: one `str.split` and a lookup per run instead of a regex
# match per word, which is most of what normalising costs. Bounded like `_KEYS`.
_CHUNK_KEYS: dict[str, str] = {}
MAX_CACHED_CHUNKS = 300_000


def _chunk_keys(chunks: list[str]) -> str:
    """The term keys of the words in these runs of non-space characters, joined by spaces."""
    try:
        return " ".join(filter(None, map(_CHUNK_KEYS.__getitem__, chunks)))
    except KeyError:
        if len(_CHUNK_KEYS) > MAX_CACHED_CHUNKS:
            _CHUNK_KEYS.clear()
        # Looked up into a local dict: another thread may clear the cache meanwhile.
        keys = {}
        for chunk in set(chunks):
            key = _CHUNK_KEYS.get(chunk)
            if key is None:  # never "" for a run with a word: a term key is never empty
                key = _CHUNK_KEYS[chunk] = _keys_of(_WORD.findall(chunk.lower()))
            keys[chunk] = key
        return " ".join(filter(None, map(keys.__getitem__, chunks)))


def normalise(text: str) -> str:
    """The matching form of a text: its words' term keys separated by single spaces.

    Hyphenation across line breaks is repaired first. Stop words are kept, so a phrase's keys
    stay adjacent; callers that want topic words use `content_keys`.
    """
    return _chunk_keys(unicodedata.normalize("NFC", repair_hyphenation(text)).split())


def is_topic_word(word: str, min_length: int = 3) -> bool:
    """True for a word that can name a topic: long enough, with a letter, not a stop word."""
    return len(word) >= min_length and bool(_HAS_LETTER.search(word)) and not is_stopword(word)


def content_keys(text: str, min_length: int = 3) -> list[str]:
    """Term keys of the topic words of a text: no stop words, no numbers, no short words.

    Duplicates are removed, first occurrence first. This is how a framework item's matching
    terms are derived from its label and description.
    """
    seen: dict[str, None] = {}
    for word in words(text):
        if not is_topic_word(word, min_length):
            continue
        key = term_key(word)
        if len(key) >= min_length:
            seen.setdefault(key, None)
    return list(seen)


def fold_name(text: str) -> str:
    """A name folded for fuzzy comparison: each word folded (not stemmed), hyphens as spaces.

    `Tårnby-Drager` and `Tårnby-Dragør` give the same string; so do `Kgbenhavns` and
    `Københavns`.
    """
    return " ".join(fold(w) for w in words(text.replace("-", " ")))


@lru_cache(maxsize=1)
def danish_frequencies() -> dict[str, float]:
    """General Danish word frequencies (wordfreq's Danish list, shipped in its wheel).

    Importing wordfreq takes a quarter of a second (ftfy, langcodes, regex), which every
    command that loads a framework paid; the list is kept in the user's cache as a marshal
    file per wordfreq version (written atomically) and read from there after the first time.
    """
    import marshal
    from importlib.metadata import version

    from compare.config import cache_dir

    cache = cache_dir() / f"wordfreq-{version('wordfreq')}-da.marshal"
    try:
        found = marshal.loads(cache.read_bytes())
        if isinstance(found, dict) and found:
            return found
    except (OSError, ValueError, EOFError, TypeError):
        pass
    from wordfreq import get_frequency_dict

    frequencies = get_frequency_dict("da")
    _write_cache(cache, marshal.dumps(frequencies))
    return frequencies


def _write_cache(path: Path, data: bytes) -> None:
    """Write derived data to the cache by a rename, so a reader never sees half a file; a cache
    that cannot be written is no error (the data is derived again next time)."""
    import os
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        return


def zipf(word: str) -> float:
    """The word's Zipf frequency in general Danish (log10 per billion words; 0 if unlisted)."""
    freq = danish_frequencies().get(word.lower(), 0.0)
    return round(math.log10(freq) + 9, 2) if freq > 0 else 0.0
