"""The matching terms of an item's label, each with where it came from and how rare it is.

From a label come its topic words, each pair of adjacent topic words (a phrase), the parts of
its compounds (`handicapkompenserende` → `handicap`, `kompenserende`; a plan writes "borgere med
handicap" more often than the label's compound), the completion of its elided compounds
("lære- og praktikpladser" → `lærepladser`) and, for a noun in `-ering`, the stem its verb
shares (`opkvalificering` → `opkvalific…`, which also matches "opkvalificere").

Also what a label's shape says: the elements of a listing label (`listing_elements`), the head
of a label that goes on with examples (`label_head`), the people a goal is about
(`goal_subjects`), which words are its topic (`topic_keys`, `predicate_verb`), and each term as
written, for display (`written_forms`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from compare.frameworks.specificity import compound_tail, general_rarity, split_compound
from compare.text import STOPWORDS, content_keys, is_topic_word, normalise, term_key, words

ORIGIN_LABEL = "label"
ORIGIN_PHRASE = "label phrase"
ORIGIN_PART = "compound part"
ORIGIN_KEYWORD = "keyword"
ORIGIN_DESCRIPTION = "description"
ORIGIN_LENT = "lent"  # a keyword of a near-identical item of another framework
ORIGIN_LEARNED = "learned"  # pseudo-relevance feedback from the plans (see `expand`)
ORIGIN_RELATED = "related"  # a term of the label's concept in the thesaurus (see `thesaurus`)

VERB_SUFFIX = "aring"  # the folded key of "-ering": opkvalificering → apkvalificaring
MIN_VERB_STEM = 6
MIN_PART_KEY = 5  # a shorter part ("syg", "køb") is too short a key to find on its own
# A compound's part whose key cannot be weighed (too short, or the stem of a stop word:
# "nytte" in "Nytteindsats" stems as "nyt"): how telling it is, is not known, so it does not cap
# the compound's information. A part that is a stop word ("indsats"), "", tells nothing.
UNKNOWN_PART = "?"
_ELISION = re.compile(r"(\w{2,})-,?\s+(?:\w{2,}-,?\s+)*(?:og|eller)\s+(\w{5,})", re.UNICODE)


@dataclass(frozen=True)
class LabelTerm:
    """One term derived from a label."""

    term: str  # space-separated term keys
    origin: str
    rarity: float  # 0-1, see `compare.frameworks.specificity.general_rarity`
    parts: tuple[str, ...] = ()  # a compound's parts' keys ("" for a stop word part)


@lru_cache(maxsize=4096)
def label_terms(label: str) -> tuple[LabelTerm, ...]:
    """The label's terms (phrases first, then words, parts and stems), without duplicates."""
    found: dict[str, LabelTerm] = {}

    def add(term: str, origin: str, rarity: float, parts: tuple[str, ...] = ()) -> None:
        if len(term) >= 3 and term not in found:
            found[term] = LabelTerm(term, origin, round(rarity, 3), parts)

    label_words = words(label)
    rarity = {w: general_rarity(w) for w in label_words}
    for first, second in zip(label_words, label_words[1:], strict=False):
        if is_topic_word(first) and is_topic_word(second):
            add(
                normalise(f"{first} {second}"),
                ORIGIN_PHRASE,
                min(1.0, rarity[first] + rarity[second]),
            )
    for word in label_words:
        if not is_topic_word(word):
            continue
        keys = content_keys(word)
        if not keys:
            continue
        parts = split_compound(word)
        part_keys_of = tuple(
            ""
            if part.lower() in STOPWORDS
            else (content_keys(part, MIN_PART_KEY) or [UNKNOWN_PART])[0]
            for part in parts or ()
        )
        add(keys[0], ORIGIN_LABEL, rarity[word], part_keys_of)
        for part in parts or ():
            part_keys = content_keys(part, MIN_PART_KEY)
            if is_topic_word(part) and part_keys:
                add(part_keys[0], ORIGIN_PART, general_rarity(part))
                _add_verb_stem(part_keys[0], general_rarity(part), add)
        _add_verb_stem(keys[0], rarity[word], add)
    for match in _ELISION.finditer(label):
        head, last = match.group(1), match.group(2)
        tail = compound_tail(last.lower())  # as `tagging.terms.elided_keys` completes plans
        if tail and is_topic_word(head):
            whole = head.lower() + tail
            add(term_key(whole), ORIGIN_PART, general_rarity(whole))
    return tuple(found.values())


def _add_verb_stem(key: str, rarity: float, add: Callable[[str, str, float], None]) -> None:
    if key.endswith(VERB_SUFFIX) and len(key) - len(VERB_SUFFIX) >= MIN_VERB_STEM:
        add(key[: -len(VERB_SUFFIX)], ORIGIN_PART, rarity)


# "Revalidender, fleksjobvisiterede og borgere i ressourceforløb": elements of at most
# MAX_ELEMENT_WORDS words, separated by commas and a last "og"/"eller"/"samt", none a clause.
_LISTING = re.compile(r"^[^,]+(?:,\s*[^,]+)+\s+(?:og|eller|samt)\s+[^,]+$", re.UNICODE)
_ELEMENT_SPLIT = re.compile(r",\s*|\s+(?:og|eller|samt)\s+(?=[^,]+$)", re.UNICODE)
_CLAUSE_WORDS = frozenset({"skal", "der", "som", "at", "så", "hvor", "fx", "herunder"})
MAX_ELEMENT_WORDS = 4


@lru_cache(maxsize=4096)
def listing_elements(label: str) -> tuple[str, ...]:
    """The elements of a label that lists groups or measures, or () for any other label.

    "Langtidsledige, flygtninge og personer med handicap" is about each of the three: a plan
    addresses it where it addresses one of them, so each element has a core of its own
    (`compare.tagging.terms.weigh_information`). An elided list ("Læse-, skrive- og
    regnefærdigheder") is one compound said three times, not a listing.
    """
    text = label.strip().rstrip(".")
    if not _LISTING.match(text) or re.search(r"\w-,", text):
        return ()
    elements = tuple(e.strip() for e in _ELEMENT_SPLIT.split(text) if e.strip())
    if len(elements) < 3:
        return ()
    for element in elements:
        element_words = words(element)
        if len(element_words) > MAX_ELEMENT_WORDS or _CLAUSE_WORDS & {
            w.lower() for w in element_words
        }:
            return ()
    return elements


def element_of_terms(label: str) -> dict[str, int]:
    """For a listing label, each of its terms' element (see `listing_elements`)."""
    found: dict[str, int] = {}
    for n, element in enumerate(listing_elements(label)):
        for term in label_terms(element):
            found.setdefault(term.term, n)
    return found


def written_forms(label: str) -> dict[str, str]:
    """Term key -> the word as written, for a label's words, compound parts and completed
    elisions ("sundheds- og ældreområdet" → `sundhedsområdet`), for display."""
    found: dict[str, str] = {}
    for word in words(label):
        found.setdefault(term_key(word), word)
        for part in split_compound(word) or ():
            found.setdefault(term_key(part), part)
    for match in _ELISION.finditer(label):
        parts = split_compound(match.group(2).lower())
        if parts:
            whole = match.group(1).lower() + parts[1]
            found.setdefault(term_key(whole), whole)
    return found


# Where a label's head ends and its examples or qualifications begin: "Unge og uddannelse,
# herunder initiativer vedr. motivation og fastholdelse", "Opkvalificering af ledige, fx til
# mangelområder", "Arbejdet med ressourceforløb – særlige initiativer ...".
_HEAD_END = re.compile(
    r",\s*(?:herunder|fx|f\.\s?eks|bl\.\s?a|især|særligt|der|som)\b|\s[–-]\s|:|\((?!\d)",
    re.IGNORECASE | re.UNICODE,
)
MIN_HEAD_WORDS = 2


def label_head(label: str) -> list[str]:
    """The term keys of a label's head, when the label goes on with examples; else [].

    A head of fewer than `MIN_HEAD_WORDS` topic words is too little to mirror.
    """
    end = _HEAD_END.search(label)
    if end is None:
        return []
    keys = content_keys(label[: end.start()])
    return keys if len(keys) >= MIN_HEAD_WORDS else []


# A ministerial goal says who it is about before "skal": "Flere sygemeldte skal delvist
# raskmeldes ...", "Veteraner med behov for en særlig indsats skal i job ...". The subject's
# qualifier ("med behov for ...", "på uddannelseshjælp") may be left out by a plan's heading.
_GOAL_VERB = re.compile(r"\bskal\b", re.IGNORECASE | re.UNICODE)
_SUBJECT_QUALIFIER = re.compile(r"\s(?:med|på|i|der|som|fra|inden\s+for)\s", re.IGNORECASE)
MAX_SUBJECT_WORDS = 8  # a longer text before "skal" is a sentence, not a subject
SUBJECT_RARITY = 0.5  # `general_rarity` of a word that names a group: sygemeldte 0.99, unge 0.1


def goal_subjects(label: str) -> list[list[str]]:
    """The term keys of a goal's subject, the people it is about, whole and without qualifier.

    "Flere jobparate kontanthjælpsmodtagere skal i ordinære job" → the keys of [jobparate,
    kontanthjælpsmodtagere]; "Veteraner med behov for en særlig indsats skal ..." → those of
    [veteraner, behov] and [veteraner] ("særlig", "indsats" are stop words). A plan that heads
    a section "4.4 Jobparate kontanthjælpsmodtagere i job" writes there about the goal's
    people, and that is where its result level for them is. Only a subject with a word that
    is rare in general Danish (`SUBJECT_RARITY`) counts: "Alle ledige", "Flere unge",
    "Virksomhederne" head too many sections to mark one as the goal's. A label without "skal"
    has none.
    """
    verb = _GOAL_VERB.search(label)
    if verb is None or verb.start() == 0:
        return []
    subject = label[: verb.start()].strip()
    if len(words(subject)) > MAX_SUBJECT_WORDS:
        return []
    found: list[list[str]] = []
    for text in (subject, _SUBJECT_QUALIFIER.split(f" {subject} ", maxsplit=1)[0]):
        keys = content_keys(text)
        telling = any(general_rarity(w) >= SUBJECT_RARITY for w in words(text) if is_topic_word(w))
        if keys and telling and keys not in found:
            found.append(keys)
    return found


def topic_keys(label: str) -> frozenset[str]:
    """The term keys of the telling words of what a label is about (may be empty).

    A label that goes on with examples is about its head: "Opkvalificering, herunder voksen-,
    efter- og videreuddannelsesområdet (VEU)" is about opkvalificering, and "VEU" is one
    example of it. A sentence is about its subject: "Langtidsledigheden skal bekæmpes" is
    about langtidsledigheden. Only words rare in general Danish count (`SUBJECT_RARITY`):
    "Unge og uddannelse, herunder ..." names its topic in words every plan uses everywhere.
    """
    end = _HEAD_END.search(label)
    text = label[: end.start()] if end is not None else label
    verb = _GOAL_VERB.search(text)
    if verb is not None:  # a sentence: its subject, if that tells who it is about
        text = text[: verb.start()] if goal_subjects(text) else ""
    elif end is None:
        return frozenset()  # a noun phrase without examples: all of it is the topic
    return frozenset(
        key
        for word in words(text)
        if is_topic_word(word) and general_rarity(word) >= SUBJECT_RARITY
        for key in content_keys(word)
    )


# "Professionalisering af oplæringsvejledere", "Reduktion af langtidsledighed": an action noun
# followed by "af" says what is done to the topic that follows it.
_ACTION_OF = re.compile(r"\b(\w{5,}(?:ing|else|tion|sion))\s+af\s+([^,;:]+)", re.IGNORECASE)
_OBJECT_END = re.compile(r"\s(?:og|samt|eller|i|til|for|med|på)\s", re.IGNORECASE)


def action_keys(label: str) -> frozenset[str]:
    """The terms of a label's action nouns whose object tells the topic: never its core.

    In "Sprogstøtte og professionalisering af oplæringsvejledere" the item is about the
    oplæringsvejledere; a plan's "professionalisering af virksomhedsservice" is not about
    them. Where the object tells nothing ("Opkvalificering af ledige": every plan says
    "ledige") the action is the topic and stays, as a sentence's verb does (`predicate_verb`).
    The object is read up to its first preposition or conjunction.
    """
    found: set[str] = set()
    for match in _ACTION_OF.finditer(label):
        target = _OBJECT_END.split(f" {match.group(2)} ", maxsplit=1)[0]
        telling = any(
            is_topic_word(w) and general_rarity(w) >= SUBJECT_RARITY for w in words(target)
        )
        if telling:
            found.update(t.term for t in label_terms(match.group(1)))
    return frozenset(found)


def predicate_verb(label: str) -> str | None:
    """The key of a sentence label's lone verb when its subject tells the topic, or None.

    In "Langtidsledigheden skal bekæmpes" and "Mangel og rekrutteringsudfordringer skal
    begrænses" the verb says what should happen, not what the item is about: a section on
    "bekæmpelse af socialt bedrageri" is not about long-term unemployment. Where the subject
    tells nothing ("Flere ledige skal opkvalificeres") the verb is the topic and stays.
    """
    verb = _GOAL_VERB.search(label)
    if verb is None or not goal_subjects(label):
        return None
    predicate = content_keys(label[verb.end() :])
    return predicate[0] if len(predicate) == 1 else None
