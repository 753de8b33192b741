"""The fast normaliser gives the same strings, byte for byte, as the straightforward one.

`compare.text` keys each distinct word once, scans words with a regex that has no per-character
alternation, skips the hyphenation regex where no line ends in a hyphen, and repairs and
NFC-normalises a block once for both its display text and its matching form. The reference
below is the plain version those shortcuts replaced; both run on every line, paragraph and
three-line window of the seeds, and on random OCR-like strings.
"""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

import pytest

from compare import text as fast
from tests.conftest import SEED_BUDGET_2013, SEED_OVERVIEW_2018, SEED_PLAN_2018, SEED_PLAN_2022

_LETTER = "0-9a-zæøåéèüöäA-ZÆØÅÉÈÜÖÄ"
_REF_WORD = re.compile(rf"[{_LETTER}](?:[{_LETTER}]|[®&@¢](?=[a-zæøå]))*")
_REF_HYPHEN_BREAK = re.compile(r"([a-zæøåé])-[ \t]*\r?\n[ \t]*([a-zæøåé])")


def ref_repair(text: str) -> str:
    return _REF_HYPHEN_BREAK.sub(r"\1\2", text.replace("\u00ad", ""))


def ref_clean_display(text: str) -> str:
    return re.sub(r"\s+", " ", ref_repair(unicodedata.normalize("NFC", text))).strip()


def ref_words(text: str) -> list[str]:
    return _REF_WORD.findall(unicodedata.normalize("NFC", text).lower())


def ref_normalise(text: str) -> str:
    return " ".join(fast.term_key(w) for w in ref_words(ref_repair(text)))


def _assert_same(text: str) -> None:
    display, norm = ref_clean_display(text), ref_normalise(text)
    assert fast.normalise(text) == norm, repr(text)
    assert fast.clean_display(text) == display, repr(text)
    assert fast.clean_and_normalise(text) == (display, norm), repr(text)
    assert fast.words(text) == ref_words(text), repr(text)
    assert fast.word_spans(text) == [m.span() for m in _REF_WORD.finditer(text)], repr(text)
    assert fast.repair_hyphenation(text) == ref_repair(text), repr(text)


def _pieces(text: str) -> list[str]:
    lines = text.splitlines()
    windows = ["\n".join(lines[i : i + 3]) for i in range(len(lines))]
    return [*lines, *re.split(r"\n\s*\n", text), *windows, text]


@pytest.mark.seeds
@pytest.mark.parametrize(
    "name", [SEED_PLAN_2018, SEED_PLAN_2022, SEED_BUDGET_2013, SEED_OVERVIEW_2018]
)
def test_every_piece_of_every_seed_normalises_as_before(seed, name: str) -> None:
    text = Path(seed(name)).read_text(encoding="utf-8")
    pieces = _pieces(text)
    assert len(pieces) > 100
    if name == SEED_PLAN_2022:  # 129 words broken over a line end: the repair path runs
        assert sum(ref_repair(p) != p for p in pieces) > 100
    for piece in pieces:
        _assert_same(piece)


# OCR output: Danish letters and their misreadings, symbols inside words, soft hyphens,
# decomposed accents, odd spaces, line breaks after hyphens.
_ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzæøåéèüöäABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅÉ0123456789")
    + list("®&@¢4gzeo")
    + ["-", "-\n", "- \n ", "-\r\n", "\n", " ", "  ", "\t", "\u00a0", "\u2009", "\x1c", "\x0b"]
    + ["\u00ad", "e\u0301", "a\u030a", "\u0301", ".", ",", "(", "§", "%", "İ", "ß", "\u200b"]
)


@pytest.mark.parametrize("seed_value", range(4))
def test_random_ocr_strings_normalise_as_before(seed_value: int) -> None:
    rng = random.Random(seed_value)
    for _ in range(3000):
        _assert_same("".join(rng.choices(_ALPHABET, k=rng.randint(0, 40))))


def test_the_reference_check_notices_a_difference() -> None:
    # A changed word regex must be caught: the check compares real outputs.
    text = "besk®ftigelse og bek&mpe"
    assert ref_words(text) == ["besk®ftigelse", "og", "bek&mpe"]
    assert re.findall(rf"[{_LETTER}]+", text) != ref_words(text)


def test_the_key_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "MAX_CACHED_KEYS", 10)
    fast.normalise(" ".join(f"ord{i}x" for i in range(50)))
    fast.normalise("endnu flere ord")
    assert len(fast._KEYS) <= 50
    assert fast.normalise("ord3x flere") == ref_normalise("ord3x flere")
