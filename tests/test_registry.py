"""The municipality registry: completeness, name resolution (sure and unsure), periods, rows."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from compare.errors import BadRegistry, UnknownMunicipality
from compare.registry.data import DATA_DIR
from compare.registry.lookup import Registry, danish_sort_key, load_registry
from compare.text import fold_name
from tests.conftest import SEED_OVERVIEW_2018

REGIONS = {
    "Region Hovedstaden",
    "Region Sjælland",
    "Region Syddanmark",
    "Region Midtjylland",
    "Region Nordjylland",
}

# RAR Hovedstaden's overview of the 2018 plans (seed 003): its table's rows, in its order.
HOVEDSTADEN_2018_ROWS = [
    "Albertslund",
    "Allerød",
    "Ballerup",
    "Brøndby",
    "Egedal",
    "Fredensborg",
    "Frederiksberg",
    "Frederikssund",
    "Furesø",
    "Gentofte",
    "Gladsaxe",
    "Glostrup",
    "Gribskov",
    "Halsnæs",
    "Helsingør",
    "Herlev",
    "Hillerød",
    "Hvidovre",
    "Høje-Taastrup",
    "Hørsholm",
    "København",
    "Lyngby-Taarbæk",
    "Rudersdal",
    "Rødovre",
    "Tårnby-Dragør",
    "Vallensbæk-Ishøj",
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_all_98_municipalities_with_unique_three_digit_codes(registry: Registry) -> None:
    municipalities = registry.municipalities()
    assert len(municipalities) == 98
    assert len({m.code for m in municipalities}) == 98
    assert len({m.name for m in municipalities}) == 98
    assert all(len(m.code) == 3 and m.code.isdigit() for m in municipalities)
    assert {m.region for m in municipalities} == REGIONS


def test_municipalities_agree_with_the_reference_list(registry: Registry) -> None:
    reference = Path(__file__).resolve().parent.parent.parent / "shared" / "reference"
    path = reference / "municipalities.csv"
    if not path.exists():
        pytest.skip(f"reference list not found at {path}")
    with open(path, encoding="utf-8") as handle:
        rows = {r["kommunekode"].zfill(3): r for r in csv.DictReader(handle)}
    for m in registry.municipalities():
        assert rows[m.code]["municipality"] == m.name
        assert rows[m.code]["region"] == m.region
        assert registry.council(m, 2018) == rows[m.code]["rar_2015_2024"]


def test_municipalities_in_danish_alphabetical_order(registry: Registry) -> None:
    names = [m.name for m in registry.municipalities()]
    assert names[0] == "Aabenraa"
    assert names[-1] == "Ærø"  # æ, ø, å sort after z
    assert names.index("Rudersdal") < names.index("Rødovre") < names.index("Samsø")
    assert names.index("Hvidovre") < names.index("Høje-Taastrup") < names.index("Hørsholm")
    assert names == sorted(names, key=danish_sort_key)


@pytest.mark.parametrize(
    "query,municipality,jobcentre",
    [
        ("København", "København", None),
        ("Københavns", "København", None),  # genitive
        ("Københavns Kommune", "København", None),
        ("Københavns Kommunes", "København", None),
        ("Jobcenter København", "København", None),
        ("Kgbenhavn", "København", None),  # OCR: ø read as g
        ("Kgbenhavns", "København", None),
        ("Kebenhavns Kommune", "København", None),
        ("Kobenhavn", "København", None),
        ("Kgebenhavn", "København", None),  # OCR with an extra letter (seed 001): fuzzy
        ("Kesbenhavn", "København", None),
        ("Copenhagen", "København", None),
        ("KØBENHAVNS KOMMUNE", "København", None),
        ("101", "København", None),
        ("0101", "København", None),
        ("Frederiksbergs", "Frederiksberg", None),
        ("Frederiksberg Kommune", "Frederiksberg", None),
        ("Frederikshavns", "Frederikshavn", None),
        ("Fredericia", "Fredericia", None),
        ("Fredricia", "Fredericia", None),
        ("Frederikssund", "Frederikssund", None),
        ("Frederiksbrg", "Frederiksberg", None),
        ("Norddjurs", "Norddjurs", None),
        ("Syddjurs", "Syddjurs", None),
        ("Nordjurs", "Norddjurs", None),
        ("Lyngby", "Lyngby-Taarbæk", None),
        ("Lyngby-Taarbæks", "Lyngby-Taarbæk", None),
        ("Høje Taastrup", "Høje-Taastrup", None),  # seed 003 spelling
        ("Hoje-Taastrup", "Høje-Taastrup", None),
        ("Aarhus", "Aarhus", None),
        ("Århus", "Aarhus", None),
        ("Brønderslev-Dronninglund", "Brønderslev", None),
        ("Nordfyn", "Nordfyns", None),
        ("Bornholms Regionskommune", "Bornholm", None),
        ("Helsingor", "Helsingør", None),
        ("Tårnby", "Tårnby", None),
        ("Tårnby-Dragør", "Tårnby", "Tårnby-Dragør"),
        ("Tårnby-Drager", "Tårnby", "Tårnby-Dragør"),  # seed 003, OCR
        ("Tårnby-Drøgør", "Tårnby", "Tårnby-Dragør"),  # seed 003, typo
        ("Jobcenter Tårnby-Dragør", "Tårnby", "Tårnby-Dragør"),
        ("Vallensbæk-Ishøj", "Vallensbæk", "Vallensbæk-Ishøj"),
        ("Ishøj-Vallensbæk", "Vallensbæk", "Vallensbæk-Ishøj"),
        ("Frederikshavn-Læsø", "Frederikshavn", "Frederikshavn-Læsø"),
    ],
)
def test_resolve_names_aliases_and_ocr_forms(
    registry: Registry, query: str, municipality: str, jobcentre: str | None
) -> None:
    resolution = registry.resolve(query)
    assert resolution.sure, resolution.message
    assert resolution.municipality is not None
    assert resolution.municipality.name == municipality
    assert resolution.jobcentre == jobcentre
    assert registry.get(query).name == municipality


@pytest.mark.parametrize(
    "query,candidates",
    [
        ("Taarbæk", ["Lyngby-Taarbæk"]),  # part of a name is not enough
        ("Frederiks", ["Frederiksberg", "Frederikshavn", "Frederikssund"]),
        ("Djurs", ["Norddjurs", "Syddjurs"]),
        ("Ringkøbing", ["Ringkøbing-Skjern"]),
        ("Herlew", ["Herlev"]),  # one wrong letter in a short name
        ("Kge", ["Køge"]),
    ],
)
def test_unsure_names_give_candidates_not_a_guess(
    registry: Registry, query: str, candidates: list[str]
) -> None:
    resolution = registry.resolve(query)
    assert not resolution.sure
    assert resolution.municipality is None
    names = [name for name, _ in resolution.candidates]
    assert names[: len(candidates)] == candidates or set(candidates) <= set(names[:3])
    assert resolution.message.startswith(f'"{query}" could be {candidates[0]} (')
    with pytest.raises(UnknownMunicipality, match=query):
        registry.get(query)


@pytest.mark.parametrize("query", ["", "Kommune", "Jobcenter", "999", "Xyzzy qwerty", "12345"])
def test_names_that_match_nothing(registry: Registry, query: str) -> None:
    resolution = registry.resolve(query)
    assert not resolution.sure
    assert resolution.municipality is None
    assert resolution.message
    with pytest.raises(UnknownMunicipality):
        registry.get(query)


def test_a_misspelling_never_resolves_surely_to_another_municipality(registry: Registry) -> None:
    # Every one-letter deletion, doubling and swap of every name: the answer is the right
    # municipality or "unsure" - never another one, unless the misspelling *is* an OCR reading of
    # that one (it folds to the same key: "Sanderborg" reads as Sønderborg).
    folded = {fold_name(m.name): m.name for m in registry.municipalities()}
    checked = 0
    for m in registry.municipalities():
        name = m.name
        variants = {name[:i] + name[i + 1 :] for i in range(1, len(name))}
        variants |= {name[:i] + name[i] + name[i:] for i in range(1, len(name))}
        variants |= {
            name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(1, len(name) - 1)
        }
        for variant in variants:
            resolution = registry.resolve(variant)
            checked += 1
            if resolution.sure and resolution.municipality.name != name:
                assert folded.get(fold_name(variant)) == resolution.municipality.name, variant
    assert checked > 1500


def test_confusable_names_resolve_to_themselves(registry: Registry) -> None:
    group = [
        "Frederiksberg",
        "Frederikssund",
        "Frederikshavn",
        "Fredericia",
        "Fredensborg",
        "Norddjurs",
        "Syddjurs",
        "Faxe",
        "Fanø",
        "Herlev",
        "Herning",
        "Holbæk",
        "Horsens",
    ]
    for name in group:
        for form in (name, name + "s", f"{name}s Kommune", name.upper()):
            assert registry.resolve(form).municipality.name == name, form


def test_resolve_with_year_gives_the_jobcentre_then(registry: Registry) -> None:
    assert registry.resolve("Ishøj", year=2018).jobcentre == "Vallensbæk-Ishøj"
    assert registry.resolve("Ishøj", year=2022).jobcentre == "Ishøj"
    later = registry.resolve("Vallensbæk-Ishøj", year=2023)
    assert later.sure and later.municipality.name == "Vallensbæk"
    assert later.jobcentre == "Vallensbæk"
    assert "2023" in later.message


@pytest.mark.parametrize(
    "municipality,year,council",
    [
        ("København", 2018, "RAR Hovedstaden"),
        ("København", 2025, "Det Regionale Beskæftigelsesråd Hovedstaden"),
        ("København", 2030, "Det Regionale Beskæftigelsesråd Hovedstaden"),
        ("Bornholm", 2018, "RAR Bornholm"),
        ("Herning", 2015, "RAR Vestjylland"),
        ("Aarhus", 2024, "RAR Østjylland"),
        ("Aarhus", 2025, "Det Regionale Beskæftigelsesråd Midtjylland"),
        ("Odense", 2020, "RAR Fyn"),
        ("Kolding", 2020, "RAR Sydjylland"),
        ("Greve", 2020, "RAR Sjælland"),
        ("Læsø", 2020, "RAR Nordjylland"),
        ("København", 2014, None),  # before the RARs: no council recorded
    ],
)
def test_council_by_period(
    registry: Registry, municipality: str, year: int, council: str | None
) -> None:
    assert registry.council(municipality, year) == council


def test_every_municipality_has_one_council_each_year(registry: Registry) -> None:
    assert len(registry.councils(2018)) == 8
    assert len(registry.councils(2025)) == 5
    for year in (2015, 2024, 2025):
        counts = {c: 0 for c in registry.councils(year)}
        for m in registry.municipalities():
            counts[registry.council(m, year)] += 1
        assert sum(counts.values()) == 98
        assert all(n > 0 for n in counts.values())
    assert (
        sum(registry.council(m, 2018) == "RAR Hovedstaden" for m in registry.municipalities()) == 28
    )


@pytest.mark.parametrize(
    "municipality,year,jobcentre",
    [
        ("Tårnby", 2018, "Tårnby-Dragør"),
        ("Dragør", 2018, "Tårnby-Dragør"),
        ("Dragør", 2025, "Tårnby-Dragør"),
        ("Ishøj", 2021, "Vallensbæk-Ishøj"),
        ("Ishøj", 2022, "Ishøj"),
        ("Vallensbæk", 2021, "Vallensbæk-Ishøj"),
        ("Vallensbæk", 2022, "Vallensbæk"),
        ("Læsø", 2020, "Frederikshavn-Læsø"),
        ("København", 2018, "København"),
    ],
)
def test_jobcentre_by_period(
    registry: Registry, municipality: str, year: int, jobcentre: str
) -> None:
    assert registry.jobcentre(municipality, year) == jobcentre


def test_jobcentre_rows_of_rar_hovedstaden_2018(registry: Registry) -> None:
    rows = registry.jobcentre_rows("RAR Hovedstaden", 2018)
    assert [name for name, _ in rows] == HOVEDSTADEN_2018_ROWS
    assert sum(len(members) for _, members in rows) == 28
    joint = {name: members for name, members in rows if len(members) > 1}
    assert joint == {
        "Tårnby-Dragør": ["Tårnby", "Dragør"],
        "Vallensbæk-Ishøj": ["Vallensbæk", "Ishøj"],
    }


def test_jobcentre_rows_match_the_table_of_seed_003(registry: Registry, seed) -> None:
    # The rows of the overview's goals table: between the "Jobcenter" header and the note.
    lines = seed(SEED_OVERVIEW_2018).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Jobcenter")
    table = []
    for line in lines[start + 1 :]:
        if line.startswith("Note"):
            break
        if line.strip():
            table.append(line.split("\t")[0].strip())
    resolved = [registry.resolve(name, year=2018).jobcentre for name in table]
    assert resolved == [name for name, _ in registry.jobcentre_rows("RAR Hovedstaden", 2018)]


def test_jobcentre_rows_follow_the_periods(registry: Registry) -> None:
    rows_2022 = dict(registry.jobcentre_rows("RAR Hovedstaden", 2022))
    assert len(rows_2022) == 27  # Ishøj has its own jobcentre from 2022
    assert rows_2022["Ishøj"] == ["Ishøj"]
    rows_2025 = registry.jobcentre_rows("RBR Hovedstaden", 2025)
    assert sum(len(m) for _, m in rows_2025) == 29  # Bornholm joins the region's council
    assert dict(registry.jobcentre_rows("RAR Nordjylland", 2018))["Frederikshavn-Læsø"] == [
        "Frederikshavn",
        "Læsø",
    ]


def test_unknown_or_out_of_period_council_is_an_error(registry: Registry) -> None:
    with pytest.raises(UnknownMunicipality, match="did not exist in 2025"):
        registry.jobcentre_rows("RAR Hovedstaden", 2025)
    with pytest.raises(UnknownMunicipality, match="not a council"):
        registry.jobcentre_rows("RAR Atlantis", 2018)
    assert registry.find_council("rar hovedstaden").name == "RAR Hovedstaden"
    assert registry.find_council("RAR Øst").name == "RAR Østjylland"
    assert registry.find_council("RBR Sjælland", 2025).name == (
        "Det Regionale Beskæftigelsesråd Sjælland"
    )


def test_frame_for_display(registry: Registry) -> None:
    frame = registry.frame(2018)
    assert frame.columns == [
        "kommunekode",
        "municipality",
        "region",
        "council",
        "jobcentre",
        "aliases",
    ]
    assert frame.height == 98
    row = frame.filter(frame["municipality"] == "Dragør").row(0, named=True)
    assert row["council"] == "RAR Hovedstaden"
    assert row["jobcentre"] == "Tårnby-Dragør"
    latest = registry.frame()
    assert latest.filter(latest["municipality"] == "Dragør")["council"][0].startswith("Det ")


def test_default_registry_is_read_once() -> None:
    assert load_registry() is load_registry()


# --- bad data files -------------------------------------------------------------------------


def _copy_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in (
        "municipalities.csv",
        "councils.csv",
        "council_members.csv",
        "jobcentres.csv",
        "aliases.csv",
    ):
        shutil.copy(DATA_DIR / name, folder / name)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "file,old,new,message",
    [
        ("municipalities.csv", "101,København", "11,København", r"line \d+: kommunekode must be 3"),
        ("municipalities.csv", "147,Frederiksberg", "101,Frederiksberg", "listed twice"),
        ("municipalities.csv", "kommunekode,name", "code,name", "missing column"),
        (
            "councils.csv",
            "RAR Fyn,RAR Fyn,Region Syddanmark,2015",
            "RAR Fyn,RAR Fyn,Region Syddanmark,15",
            "four-digit year",
        ),
        (
            "council_members.csv",
            "RAR Hovedstaden,101,København",
            "RAR Fyn,101,København",
            "København is in Region Hovedstaden, but RAR Fyn is for Region Syddanmark",
        ),
        (
            "council_members.csv",
            "RAR Hovedstaden,101,København",
            "RAR Hovedstaden,101,København\nRAR Bornholm,101,København",
            "København is in both",
        ),
        (
            "council_members.csv",
            "RAR Hovedstaden,147,Frederiksberg",
            "RAR Mars,147,Frederiksberg",
            "not in councils.csv",
        ),
        ("jobcentres.csv", "185,Tårnby,host", "185,Tårnby,served", "exactly one host"),
        ("jobcentres.csv", "155,Dragør", "155,Dragr", "is not 'Dragr'"),
        ("aliases.csv", "Lyngby,Lyngby-Taarbæk", "Lyngby,Lyngby-Taarbaek", "not a municipality"),
        ("aliases.csv", "Lyngby,Lyngby-Taarbæk", "Herning,Holstebro", "already the name of"),
    ],
)
def test_bad_data_files_name_file_and_problem(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    folder = _copy_data(tmp_path)
    _edit(folder / file, old, new)
    with pytest.raises(BadRegistry, match=message) as err:
        load_registry(folder)
    assert file in str(err.value)


def test_missing_data_file(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    (folder / "jobcentres.csv").unlink()
    with pytest.raises(BadRegistry, match="jobcentres.csv: file not found"):
        load_registry(folder)


def test_a_new_period_is_data_not_code(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    with open(folder / "councils.csv", encoding="utf-8") as handle:
        text = handle.read()
    # End the 2025 councils in 2030 and add one national council from 2031.
    text = text.replace(",2025,,", ",2025,2030,")
    (folder / "councils.csv").write_text(
        text + "Det Nationale Råd,DNR,,2031,,test\n", encoding="utf-8"
    )
    with open(folder / "council_members.csv", "a", encoding="utf-8") as handle:
        for m in load_registry().municipalities():
            handle.write(f"Det Nationale Råd,{m.code},{m.name}\n")
    registry = load_registry(folder)
    assert registry.council("København", 2030) == "Det Regionale Beskæftigelsesråd Hovedstaden"
    assert registry.council("København", 2031) == "Det Nationale Råd"
    assert len(registry.jobcentre_rows("DNR", 2031)) == 98 - 2  # two joint jobcentres remain


@pytest.mark.parametrize(
    "partial,expected", [("Hovedstaden", "RAR Hovedstaden"), ("fyn", "RAR Fyn")]
)
def test_part_of_a_council_name_is_enough_when_it_names_one(partial: str, expected: str) -> None:
    assert load_registry().find_council(partial, 2018).name == expected


def test_part_of_a_council_name_that_fits_several_is_refused() -> None:
    with pytest.raises(UnknownMunicipality):
        load_registry().find_council("jylland", 2018)  # Syd-, Øst-, Vest-, Nordjylland
