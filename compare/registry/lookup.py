"""The municipality registry: names, codes, councils and jobcentres by period, and name resolution.

`load_registry()` reads the tables in `data/` (see `compare.registry.data` for the files). A name
is resolved by folding it with `compare.text.fold_name` (so `Kgbenhavns`, `Kobenhavn` and
`Københavns` meet), dropping words like "Kommune" and "Jobcenter", and looking it up among the
names, genitives, aliases and jobcentre names; failing that, rapidfuzz scores it against all of
them. A fuzzy match is *sure* only when it is close to one name and clearly closer than to any
other; otherwise the resolution says so and lists the candidates, and callers ask a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from compare.errors import BadRegistry, UnknownMunicipality
from compare.registry.data import Council, JobcentreSpan, RegistryTables, read_tables
from compare.text import fold, fold_name

# A fuzzy score (0-100, rapidfuzz Indel ratio on folded names) of at least SURE_SCORE, beating the
# next municipality by at least SURE_MARGIN, is sure: one inserted, dropped or misread letter in a
# name of nine letters or more still passes; two different names never come that close.
SURE_SCORE = 88.0
SURE_MARGIN = 6.0
# A query that is only part of a name ("Taarbæk", "Djurs") scores at most this share of 100,
# which is below SURE_SCORE: part of a name is never enough on its own.
PARTIAL_WEIGHT = 0.85
CANDIDATE_SCORE = 60.0
PLAUSIBLE_SCORE = 75.0  # below this the best candidate is not offered as a reading, only shown

# Words around a name that do not change which municipality it is.
_DECORATIONS = frozenset(
    fold(w)
    for w in (
        "jobcenter",
        "jobcentret",
        "jobcentrets",
        "kommune",
        "kommunes",
        "kommunen",
        "kommunens",
        "regionskommune",
        "municipality",
        "of",
        "city",
        "byråd",
        "byråds",
    )
)
_DANISH_ORDER = str.maketrans(
    {"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}", "é": "e", "ü": "y", "-": " "}
)


def danish_sort_key(name: str) -> str:
    """Sort key for Danish alphabetical order: æ, ø, å after z; hyphens sort as spaces.

    "aa" is sorted as two a's (Aabenraa first), as in the municipalities' own lists.
    """
    return name.lower().translate(_DANISH_ORDER)


@dataclass(frozen=True)
class Municipality:
    """One of the 98 municipalities: kommunekode (3 digits, text), name, region, aliases."""

    code: str
    name: str
    region: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """What a name resolved to, how sure that is, and the candidates when it is not sure."""

    query: str
    municipality: Municipality | None
    jobcentre: str | None
    score: float
    sure: bool
    candidates: tuple[tuple[str, float], ...]
    message: str


def _key(text: str) -> str:
    """A name's lookup key: folded, with decoration words ("Kommune", "Jobcenter") dropped."""
    return " ".join(w for w in fold_name(text).split() if w not in _DECORATIONS)


class Registry:
    """Municipalities, their councils and jobcentres by year, and resolution of names to them."""

    def __init__(self, tables: RegistryTables) -> None:
        self._tables = tables
        aliases: dict[str, list[str]] = {}
        for alias, target in tables.aliases:
            aliases.setdefault(target, []).append(alias)
        self._municipalities = tuple(
            sorted(
                (
                    Municipality(m.code, m.name, m.region, tuple(aliases.get(m.name, ())))
                    for m in tables.municipalities
                ),
                key=lambda m: danish_sort_key(m.name),
            )
        )
        self._by_code = {m.code: m for m in self._municipalities}
        self._by_name = {m.name: m for m in self._municipalities}
        self._councils = {c.name: c for c in tables.councils}
        self._council_of = {
            code: [self._councils[name] for name, codes in tables.members.items() if code in codes]
            for code in self._by_code
        }
        self._spans: dict[str, list[JobcentreSpan]] = {}
        for span in tables.jobcentres:
            self._spans.setdefault(span.code, []).append(span)
        self._hosts = {
            s.jobcentre: self._by_code[s.code] for s in tables.jobcentres if s.role == "host"
        }
        # target: ("m", kommunekode) or ("j", jobcentre name)
        self._index: dict[str, tuple[str, str]] = {}
        for m in self._municipalities:
            self._index[_key(m.name)] = ("m", m.code)
            self._index.setdefault(_key(m.name) + "s", ("m", m.code))  # genitive
        for name in self._hosts:
            self._index[_key(name)] = ("j", name)
        self._council_index = {_key(c.name): c.name for c in tables.councils}
        self._council_index.update({_key(c.short_name): c.name for c in tables.councils})
        for alias, target in tables.aliases:
            if target in self._by_name or target in self._hosts:
                found = (
                    ("m", self._by_name[target].code) if target in self._by_name else ("j", target)
                )
                if self._index.setdefault(_key(alias), found) != found:
                    raise BadRegistry(
                        "aliases.csv",
                        f"alias {alias!r} of {target} is already "
                        f"the name of {self._label(self._index[_key(alias)])}",
                    )
            else:
                name = target if target in self._councils else self._council_index[_key(target)]
                self._council_index.setdefault(_key(alias), name)
        self._keys = list(self._index)

    # --- lookup -----------------------------------------------------------------------------

    def municipalities(self) -> list[Municipality]:
        """All municipalities in Danish alphabetical order (æ, ø, å after z)."""
        return list(self._municipalities)

    def get(self, name_or_code: str) -> Municipality:
        """The one municipality a name, alias or kommunekode means; raises UnknownMunicipality.

        A joint jobcentre's name gives its host municipality (Tårnby for "Tårnby-Dragør").
        """
        resolution = self.resolve(name_or_code)
        if resolution.municipality is None or not resolution.sure:
            raise UnknownMunicipality(
                f"{resolution.message}; use the municipality's name or its 3-digit kommunekode"
            )
        return resolution.municipality

    def _municipality(self, municipality: Municipality | str) -> Municipality:
        if isinstance(municipality, Municipality):
            return municipality
        return self._by_name.get(municipality) or self.get(municipality)

    def resolve(self, text: str, year: int | None = None) -> Resolution:
        """Resolve a name, alias, genitive, OCR spelling, kommunekode or jobcentre name.

        Says `sure=False` (with candidates and a message) instead of guessing. The jobcentre is
        set when the text names one, or when `year` is given (the municipality's jobcentre then).
        """
        query = text.strip()
        digits = query.lstrip("0") if query.isdigit() and len(query) <= 4 else ""
        if digits:
            municipality = self._by_code.get(digits.zfill(3))
            if municipality is None:
                return Resolution(
                    text, None, None, 0.0, False, (), f'no municipality has kommunekode "{query}"'
                )
            return self._found(text, ("m", municipality.code), 100.0, year)
        key = _key(query)
        if not key:
            return Resolution(
                text, None, None, 0.0, False, (), f'"{query}" does not name a municipality'
            )
        target = self._index.get(key)
        if target is None and key.endswith("s"):
            target = self._index.get(key[:-1])  # genitive of an alias
        if target is not None:
            return self._found(text, target, 100.0, year)
        ranked = self._fuzzy(key)
        if not ranked:
            return Resolution(
                text, None, None, 0.0, False, (), f'"{query}" matches no municipality or jobcentre'
            )
        (best, best_score), *rest = ranked
        second = rest[0][1] if rest else 0.0
        candidates = tuple((self._label(t), round(s, 1)) for t, s in ranked[:5])
        if best_score >= SURE_SCORE and best_score - second >= SURE_MARGIN:
            return self._found(text, best, best_score, year, candidates)
        # Name each candidate with its kommunekode: a bare number reads as one, not as a score.
        shown = [f"{self._label(t)} (kommunekode {self._code(t)})" for t, _ in ranked[:3]]
        listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
        message = (
            f'"{query}" could be {listed}'
            if best_score >= PLAUSIBLE_SCORE
            else f'"{query}" is not a known municipality or jobcentre (nearest: {listed})'
        )
        return Resolution(text, None, None, best_score, False, candidates, message)

    def _fuzzy(self, key: str) -> list[tuple[tuple[str, str], float]]:
        """Targets scored against a key, best first, one entry per target."""
        from rapidfuzz import fuzz, process  # only names that are not known exactly get here

        scores: dict[tuple[str, str], float] = {}
        full = process.extract(
            key, self._keys, scorer=fuzz.ratio, limit=None, score_cutoff=CANDIDATE_SCORE
        )
        part = []
        if len(key) >= 4:
            part = process.extract(
                key,
                self._keys,
                scorer=fuzz.partial_ratio,
                limit=None,
                score_cutoff=CANDIDATE_SCORE / PARTIAL_WEIGHT,
            )
        for found, score, _ in full:
            target = self._index[found]
            scores[target] = max(scores.get(target, 0.0), score)
        for found, score, _ in part:
            target = self._index[found]
            scores[target] = max(scores.get(target, 0.0), score * PARTIAL_WEIGHT)
        # A jobcentre and its host municipality are one answer, not two rivals.
        merged: dict[tuple[str, str], float] = {}
        for target, score in scores.items():
            if target[0] == "j" and ("m", self._hosts[target[1]].code) in scores:
                continue
            merged[target] = score
        return sorted(merged.items(), key=lambda item: (-item[1], self._label(item[0])))

    def _code(self, target: tuple[str, str]) -> str:
        return target[1] if target[0] == "m" else self._hosts[target[1]].code

    def _label(self, target: tuple[str, str]) -> str:
        return self._by_code[target[1]].name if target[0] == "m" else target[1]

    def _found(
        self,
        text: str,
        target: tuple[str, str],
        score: float,
        year: int | None,
        candidates: tuple[tuple[str, float], ...] = (),
    ) -> Resolution:
        if target[0] == "m":
            municipality = self._by_code[target[1]]
            jobcentre = self.jobcentre(municipality, year) if year is not None else None
            message = f'"{text.strip()}" is {municipality.name}'
        else:
            municipality = self._hosts[target[1]]
            jobcentre = target[1]
            members = [
                self._by_code[s.code].name
                for s in self._tables.jobcentres
                if s.jobcentre == jobcentre
            ]
            message = f'"{text.strip()}" is jobcentre {jobcentre} ({" and ".join(members)})'
            then = self.jobcentre(municipality, year) if year is not None else jobcentre
            if then != jobcentre:
                jobcentre = then
                message += f"; in {year} {municipality.name}'s jobcentre is {jobcentre}"
        if score < 100:
            message += f" (score {score:.0f})"
        return Resolution(
            text,
            municipality,
            jobcentre,
            score,
            True,
            candidates or ((self._label(target), score),),
            message,
        )

    # --- councils and jobcentres by period --------------------------------------------------

    def council(self, municipality: Municipality | str, year: int) -> str | None:
        """The regional council a municipality belonged to in a year (None before 2015)."""
        m = self._municipality(municipality)
        for council in self._council_of[m.code]:
            if council.covers(year):
                return council.name
        return None

    def councils(self, year: int) -> list[str]:
        """The councils that existed in a year, in Danish alphabetical order."""
        names = [c.name for c in self._councils.values() if c.covers(year)]
        return sorted(names, key=danish_sort_key)

    def find_council(self, name: str, year: int | None = None) -> Council:
        """The council a name or short name means ("RAR Hovedstaden", "RBR Sjælland").

        With `year`, the council must have existed then, and part of a name ("Hovedstaden",
        "fyn") is enough if it names one council of that year. Raises UnknownMunicipality.
        """
        canonical = self._council_index.get(_key(name))
        if canonical is None and year is not None:
            wanted = fold_name(name)
            partial = [c for c in self.councils(year) if wanted and wanted in fold_name(c)]
            canonical = partial[0] if len(partial) == 1 else None
        if canonical is None:
            known = ", ".join(self.councils(year) if year else sorted(self._councils))
            raise UnknownMunicipality(f'"{name}" is not a council; known councils: {known}')
        council = self._councils[canonical]
        if year is not None and not council.covers(year):
            raise UnknownMunicipality(
                f"{council.name} did not exist in {year}; councils then: "
                f"{', '.join(self.councils(year)) or 'none recorded'}"
            )
        return council

    def jobcentre(self, municipality: Municipality | str, year: int) -> str:
        """The jobcentre serving a municipality in a year: a joint one, or its own name."""
        m = self._municipality(municipality)
        for span in self._spans.get(m.code, ()):
            if span.covers(year):
                return span.jobcentre
        return m.name

    def jobcentre_rows(self, council: str, year: int) -> list[tuple[str, list[str]]]:
        """Rows of a council's overview for a year: (jobcentre, member municipalities).

        Rows in Danish alphabetical order of jobcentre; in a joint row, the host comes first.
        """
        found = self.find_council(council, year)
        rows: dict[str, list[Municipality]] = {}
        for code in self._tables.members[found.name]:
            m = self._by_code[code]
            rows.setdefault(self.jobcentre(m, year), []).append(m)

        def member_order(m: Municipality) -> tuple[bool, str]:
            hosts = self._hosts.get(self.jobcentre(m, year))
            return (hosts is not None and hosts.code != m.code, danish_sort_key(m.name))

        return [
            (name, [m.name for m in sorted(members, key=member_order)])
            for name, members in sorted(rows.items(), key=lambda r: danish_sort_key(r[0]))
        ]

    def frame(self, year: int | None = None) -> pl.DataFrame:
        """The registry as a table for display: one row per municipality, as of `year`.

        Omit `year` for the latest council period in the data.
        """
        year = year if year is not None else max(c.from_year for c in self._councils.values())
        return pl.DataFrame(
            {
                "kommunekode": [m.code for m in self._municipalities],
                "municipality": [m.name for m in self._municipalities],
                "region": [m.region for m in self._municipalities],
                "council": [self.council(m, year) for m in self._municipalities],
                "jobcentre": [self.jobcentre(m, year) for m in self._municipalities],
                "aliases": [list(m.aliases) for m in self._municipalities],
            },
            schema={
                "kommunekode": pl.Utf8,
                "municipality": pl.Utf8,
                "region": pl.Utf8,
                "council": pl.Utf8,
                "jobcentre": pl.Utf8,
                "aliases": pl.List(pl.Utf8),
            },
        )

    def name_keys(self) -> dict[str, tuple[str, str]]:
        """Folded name keys (names, genitives, aliases, jobcentres) -> ("m", code) | ("j", name).

        For scanning text for mentions (compare.ingest.metadata); keys are `fold_name` forms.
        """
        return dict(self._index)

    def council_keys(self) -> dict[str, str]:
        """Folded council names, short names and aliases -> the council's name."""
        return dict(self._council_index)

    def host(self, jobcentre: str) -> Municipality:
        """The municipality whose jobcentre a joint jobcentre is (Tårnby for Tårnby-Dragør)."""
        return self._hosts[jobcentre]

    def by_code(self, code: str) -> Municipality:
        """The municipality with this kommunekode; raises UnknownMunicipality."""
        try:
            return self._by_code[code.zfill(3)]
        except KeyError:
            raise UnknownMunicipality(f'no municipality has kommunekode "{code}"') from None


@cache
def _default_registry() -> Registry:
    return Registry(read_tables())


def load_registry(path: Path | str | None = None) -> Registry:
    """The registry from a data folder; omit `path` for the project's `data/` (read once)."""
    if path is None:
        return _default_registry()
    return Registry(read_tables(Path(path)))
