"""Whole sentences of a passage for quoting: never cut at an abbreviation or a date.

Plans are full of periods that end no sentence: "(ekskl. SU)", "den 12. januar", "status pr. 1.
marts", "bl.a.", "jf. Beskæftigelsesministeriet". A sentence ends at `.`, `!` or `?` only where
the next word starts with a capital letter (or a quote/bracket before one) and the word before
the period is neither a number nor an abbreviation: a known one, a word with inner periods
("f.eks", "bl.a"), or a short word that is not Danish (simplemma's dictionary, see
`compare.display`).
"""

from __future__ import annotations

import re

from compare.display import is_word

# Abbreviations of Danish administrative prose that are also words, or too common to risk.
ABBREVIATIONS = frozenset(
    """
    ekskl inkl pr fx jf mv ca nr kr mio mia pct vedr ift evt dvs osv ifm mht stk tlf hhv iht
    el lign bl ang jan feb mar apr jun jul aug sep sept okt nov dec kap afs ff s tab fig
    """.split()
)
_END = re.compile(r"([.!?])([\"'”’»)]*)\s+(?=[\"'“„«(]*[A-ZÆØÅ0-9])")
_LAST_WORD = re.compile(r"([\w.]+)$")
_MAX_SHORT = 5  # a word this short before "." that is not Danish is read as an abbreviation


def _ends_sentence(text: str, period_at: int) -> bool:
    """True if the `.`/`!`/`?` at `period_at` ends a sentence (see the module docstring)."""
    if text[period_at] != ".":
        return True
    m = _LAST_WORD.search(text, 0, period_at)
    word = m.group(1) if m else ""
    if not word:
        return True
    if word.isupper() and len(word) > 1 and "." not in word:
        return True  # an acronym: "samarbejde i HRS. Det"
    bare = word.lower().strip(".")
    if bare.isdigit():
        return True  # "er 300. Vi"; dates ("den 12. januar") go on in lower case
    if "." in bare or bare in ABBREVIATIONS:
        return False
    return not (len(bare) <= _MAX_SHORT and bare.isalpha() and not is_word(bare))


def split_sentences(text: str) -> list[str]:
    """The sentences of a passage (whitespace folded), in order."""
    flat = " ".join((text or "").split())
    out, start = [], 0
    for m in _END.finditer(flat):
        if m.group(1) == "." and not _ends_sentence(flat, m.start(1)):
            continue
        if flat[m.end() : m.end() + 1].isdigit() and m.group(1) == ".":
            continue  # "status pr. 1. januar": a number after a period starts no sentence
        out.append(flat[start : m.end(2) if m.group(2) else m.end(1)].strip())
        start = m.end()
    tail = flat[start:].strip()
    if tail:
        out.append(tail)
    return out


def is_whole_sentence(sentence: str) -> bool:
    """True for a sentence that starts with a capital (or a digit) and ends with . ! or ?."""
    s = sentence.strip().strip("\"'“”„«»")
    return bool(s) and (s[0].isupper() or s[0].isdigit()) and s[-1] in ".!?"
