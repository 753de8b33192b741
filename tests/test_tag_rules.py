"""The tagger's reading rules: whose target, forecasts, elided compounds, domain synonyms."""

from __future__ import annotations

import pytest

from compare.tagging.targets import target_strength
from compare.tagging.terms import elided_keys
from compare.text import normalise
from tests.tag_samples import level_of

GOAL3 = "6 Flere flygtninge og familiesammenførte skal være selvforsørgende"


@pytest.mark.parametrize(
    "sentence,strength",
    [
        # Someone else's target, quoted: not the plan's own.
        (
            "Udlændinge- og Integrationsministeriet har opsat en målsætning om at 50 pct. af "
            "flygtningene skal være i beskæftigelse efter tre år.",
            0.0,
        ),
        ("Regeringens mål er, at 60 pct. af de ledige skal være i job.", 0.0),
        ("På landsplan er målet, at 50 pct. skal være i job efter et år.", 0.0),
        # OCR'd ministry name, as in seed 001.
        ("Udleendinge- og Integrationsministeriet har opsat en mélseetning om at 50 pct.", 0.0),
        # The plan takes the national target on: its own.
        ("Kommunen vil bidrage til regeringens mål om, at 60 pct. skal være i job.", 2.0),
        ("Vi har som mål, at 60 pct. skal være i job efter et år.", 2.0),
        # A forecast of a count is not a result level; an expected rate still is.
        ("I 2022 forventer kommunen at modtage omkring 30 kvoteflygtninge.", 0.0),
        ("Det forventes, at 60 pct. af deltagerne er i job efter et år.", 2.0),
        ("Kommunen skal ansætte 850 personer i fleksjob i 2022.", 1.0),
        # From seed 000 (OCR'd): "1" is the OCR of "i", and money put in measures nothing.
        (
            "Aftale om en seerlig indsats for fortidspension og fleksjob afstter 16,7 mio. kr. "
            "til en reekke initiativer, der skal sikre, at borgerne hurtigere bliver visiteret "
            "til de rette ordninger og at der er fremdrift 1 borgernes forlgb:",
            0.0,
        ),
        # From seed 001: the numbers of a programme's quoted name measure nothing.
        (
            "Med afsæt i satspuljeinitiativerne ‘Flere skal med 1 og 2’ (2017 & 2019) skal "
            "kommunen gennemføre en resultatfokuseret indsats.",
            0.0,
        ),
        ("Målet er, at 1 ud af 3 skal i job.", 1.0),
    ],
)
def test_whose_target_and_forecasts(sentence: str, strength: float) -> None:
    assert target_strength(sentence) == strength


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Flere lære- og elevpladser til unge", ["lærepladser"]),
        ("Flere leere- og elevpladser til unge", ["lærepladser"]),  # OCR'd æ
        ("flere lære-, elev- og praktikpladser", ["lærepladser", "elevpladser"]),
        ("lære- eller elevpladser", ["lærepladser"]),
        # The tail is the last word's final part, whatever is being looked for.
        ("social- og sundhedshjælpere", ["socialhjælpere"]),
        ("bygge- og anlægsprojekter", ["byggeprojekter"]),
        ("job- og uddannelsesparate", ["jobparate"]),  # not "uddannelsespa|rate"
        ("ressource- og jobafklaringsforløb", ["ressourceforløb"]),
        # No elision: no completion.
        ("lærere og elevpladser", []),
    ],
)
def test_elided_compounds(text: str, expected: list[str]) -> None:
    assert elided_keys(text) == tuple(normalise(w) for w in expected)


PLACES = (
    "6 Integrationshandleplan",
    1,
    [
        "Flere lære- og elevpladser til unge (0,8 mio. kr. årligt fra 2019-22).",
        "Opsøgende lærlingeindsats i udsatte boligområder (0,6 mio. kr. årligt).",
    ],
)


def test_elided_places_address_the_apprenticeship_theme() -> None:
    assert level_of("rar-hovedstaden-2018", "5", [PLACES]) != ""
    without = (PLACES[0], 1, ["Flere pladser til unge.", PLACES[2][1]])
    assert level_of("rar-hovedstaden-2018", "5", [without]) == ""


def test_quoted_ministry_target_leaves_the_goal_addressed_only() -> None:
    quoted = (
        "Udlændinge- og Integrationsministeriet har opsat en målsætning om, at 50 pct. af "
        "flygtningene efter tre års ophold skal være i beskæftigelse. Andelen i kommunen var "
        "39 pct. i 2021."
    )
    own = "Kommunen har som mål, at 50 pct. af flygtningene skal være i beskæftigelse i 2022."
    assert level_of("ministermaal-2022", "4", [(GOAL3, 1, [quoted])]) == "(X)"
    assert level_of("ministermaal-2022", "4", [(GOAL3, 1, [quoted, own])]) == "X"


def test_holistic_help_alone_is_not_ressourceforloeb() -> None:
    # "Helhedsorienteret indsats" describes much besides ressourceforløb: no longer a keyword.
    offenders = (
        "6 Helhedsorienteret indsats for dømte unge",
        1,
        [
            "Helhedsorienteret indsats for dømte og varetægtsfængslede unge skal føre til job "
            "eller uddannelse.",
            "Den helhedsorienterede indsats samler jobcenter og kriminalforsorg om den unge.",
            "Der er afsat 3,1 mio. kr. til den helhedsorienterede indsats i 2013-2015, og "
            "helhedsorienteret indsats indgår i ansøgningen til satspuljen.",
        ],
    )
    assert level_of("rar-hovedstaden-2018", "11", [offenders]) == ""
    forloeb = (
        "6 Ressourceforløb",
        1,
        [
            "Borgere i ressourceforløb får en helhedsorienteret indsats, og "
            "rehabiliteringsteamet følger op på progressionen.",
        ],
    )
    assert level_of("rar-hovedstaden-2018", "11", [forloeb]) != ""


def test_match_groups_name_the_activity_ready() -> None:
    # Before 2014 the activity-ready were "match 2" (indsatsklare).
    section = (
        "6 Unge i match 2",
        1,
        [
            "Unge i match 2 med psykiske lidelser får en case manager, så de kan starte på "
            "uddannelse.",
            "For match 2 borgere lægges vægt på et uddannelsesperspektiv i indsatsen.",
        ],
    )
    assert level_of("rar-hovedstaden-2018", "13", [section]) != ""
