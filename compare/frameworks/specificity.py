"""How informative a word of an item's label is, from data rather than from hand-written lists.

A pasted label is a few words, and most of them are words every employment plan uses
("Beskæftigelsesindsats for hjemløse": only "hjemløse" tells this item apart). Three sources of
data weigh each label word, and none of them knows the framework in advance:

- **general Danish** (`general_rarity`): the word's frequency in `wordfreq`'s Danish list (shipped
  in its wheel; data CC BY-SA 4.0). Words the list does not hold are rare; a compound the list
  does not hold is as common as its rarer part, a little rarer (`split_compound`);
- **the framework** (`framework_spread`): a word that many of the framework's items use
  ("initiativer", "særlige") tells none of them apart;
- **the plans being tagged** (`corpus_specificity`): the share of all sections of all plans that
  use the word; "samarbejde" and "beskæftigelsesindsats" are in a large share, "hjemløse" in
  few. With few sections to count, the general-Danish figure counts more (`PRIOR_UNITS`).

`compare.tagging.terms` multiplies them into one `info` per term; the item's most informative
terms are its *core*, and an item is addressed only where a core term is found.
"""

from __future__ import annotations

import math
from functools import lru_cache

from compare.text import danish_frequencies, zipf

COMMON_ZIPF = 6.0  # a word this frequent (e.g. "og", "til") tells nothing
RARE_ZIPF = 3.0  # ... this rare or rarer is fully informative
COMPOUND_PENALTY = 1.0  # a compound is this much (in Zipf units) rarer than its rarer part
MIN_PART = 3  # shortest part of a compound
MIN_GUESSED_PART = 5  # shortest part that may be absent from the word list
LINKS = ("s", "e")  # Danish links between compound parts: beskæftigelse-s-indsats
PRIOR_UNITS = 50  # sections of plans that weigh as much as the general-Danish figure


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer  # the stemmer of the term keys (`compare.text`)

    return snowballstemmer.stemmer("danish")


_ENDINGS = ("", "e", "en", "er", "et", "ene", "erne", "ets", "ens", "s", "r", "n", "t", "ne")


@lru_cache(maxsize=65536)
def lemma_zipf(word: str) -> float:
    """The Zipf frequency of the word with its inflections: `ordninger` counts `ordning(en)`.

    The word's Snowball stem plus the common Danish endings; a plural such as "ordninger" is
    rarer in the list than the word "ordning" is in plans.
    """
    word = word.lower()
    frequencies = danish_frequencies()
    forms = {word} | {_stemmer().stemWord(word) + ending for ending in _ENDINGS}
    total = sum(frequencies.get(form, 0.0) for form in forms)
    return round(math.log10(total) + 9, 2) if total > 0 else 0.0


@lru_cache(maxsize=65536)
def split_compound(word: str) -> tuple[str, str] | None:
    """The two parts of a Danish compound the word list does not hold, or None.

    `handicapkompenserende` → (`handicap`, `kompenserende`); `opkvalificeringsmuligheder` →
    (`opkvalificering`, `muligheder`), the link `s` dropped. Both parts should be listed
    words; one may be missing from the list if both parts are long (`MIN_GUESSED_PART`). A
    split into two listed words wins (the one whose rarer part is most frequent); else the
    split with the longest listed part.
    """
    word = word.lower()
    if len(word) < 2 * MIN_PART + 1 or zipf(word) > 0 or not word.isalpha():
        return None
    best: tuple[float, tuple[str, str]] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        tail = word[cut:]
        heads = [(word[: cut - 1], 0.5) for link in LINKS if word[:cut].endswith(link)]
        heads.append((word[:cut], 0.0))
        for head, linked in heads:
            if len(head) < MIN_PART:
                continue
            zh, zt = zipf(head), zipf(tail)
            if zh > 0 and zt > 0:
                score = 100 + min(zh, zt)  # both parts are words: the likeliest split
            elif min(len(head), len(tail)) >= MIN_GUESSED_PART and max(zh, zt) > 0:
                # the longer the listed part, the surer; a dropped link is the usual shape
                score = len(head if zh > 0 else tail) + linked
            else:
                continue
            if best is None or score > best[0]:
                best = (score, (head, tail))
    return best[1] if best else None


MIN_TAIL = 4  # the shared tail of an elided compound is a word: "pladser", "indsats"


@lru_cache(maxsize=65536)
def compound_tail(word: str) -> str | None:
    """The last part of a compound, listed word or not: `elevpladser` → `pladser`.

    The shortest listed tail whose head is a listed word (else a compound of listed words),
    with or without the link `s`/`e`: `anlægsprojekter` → `projekter`, `jobafklaringsforløb`
    → `forløb` (its head `jobafklarings` is job + afklaring + s). This is the tail an elided
    compound borrows ("ressource- og jobafklaringsforløb": ressourceforløb); None if the word
    is no compound.
    """
    word = word.lower()
    cuts = [(word[:cut], word[cut:]) for cut in range(len(word) - MIN_TAIL, MIN_PART - 1, -1)]
    tails = [(head, tail) for head, tail in cuts if zipf(tail) > 0]
    for listed in (lemma_zipf, compound_zipf):  # a listed head first: "uddannelses|parate"
        for head, tail in tails:  # not "uddannelsespa|rate"
            if any(len(h) >= MIN_PART and listed(h) > 0 for h in _unlinked(head)):
                return tail
    return None


def _unlinked(head: str) -> tuple[str, ...]:
    """The head as written, and without its link (`anlægs` → `anlæg`)."""
    return (head, head[:-1]) if head[-1] in LINKS else (head,)


def compound_zipf(word: str) -> float:
    """The word's Zipf frequency, or for an unlisted compound its rarer part's, less a step."""
    found = lemma_zipf(word)
    if found > 0:
        return found
    parts = split_compound(word)
    if parts is None:
        return 0.0
    return max(0.0, min(lemma_zipf(parts[0]), lemma_zipf(parts[1])) - COMPOUND_PENALTY)


def general_rarity(word: str) -> float:
    """0 for a word every text uses, 1 for a rare one (by `compound_zipf`)."""
    z = compound_zipf(word)
    if z == 0:
        return 1.0
    return min(1.0, max(0.0, (COMMON_ZIPF - z) / (COMMON_ZIPF - RARE_ZIPF)))


def framework_spread(n_items: int) -> float:
    """1 for a word one item of the framework uses, less the more items share it."""
    return 1.0 / max(1, n_items) ** 0.5


def corpus_specificity(units_with: int, units: int) -> float:
    """0-1: how few of all sections use the term (an idf scaled to 1 for an unseen term)."""
    top = math.log((units + 1) / 0.5)
    return max(0.0, math.log((units + 1) / (units_with + 0.5)) / top) if top > 0 else 1.0


def blended_info(prior: float, units_with: int, units: int) -> float:
    """A term's information: the plans' figure, leaning on the prior when sections are few."""
    share = units / (units + PRIOR_UNITS)
    return (1 - share) * prior + share * corpus_specificity(units_with, units)
