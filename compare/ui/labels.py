"""Danish wording, for the app, of the few English texts the core stores with a document.

The metadata detector (`compare.ingest.metadata`) writes its notes in English, like every core
message; the app shows them to Danish analysts, so known phrasings are said in Danish here.
A note in another phrasing is shown as it is.
"""

from __future__ import annotations

import re

KIND_NAMES = {"plan": "Plan", "overview": "Oversigt", "other": "Andet"}

_NOTE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), danish)
    for pattern, danish in (
        (r"\(1 mention\)", "(1 gang)"),
        (r"\((\d+) mentions\)", r"(\1 gange)"),
        (
            r"no municipality or jobcentre is named in the text; set it by hand",
            "teksten nævner ingen kommune eller jobcenter; angiv kommunen manuelt",
        ),
        (
            r"only a passing mention of (.+); set the municipality by hand",
            r"kun nævnt i forbifarten: \1; angiv kommunen manuelt",
        ),
        (
            r"names (.+) and (.+) about equally; set the municipality by hand",
            r"nævner \1 og \2 lige meget; angiv kommunen manuelt",
        ),
        (r"written by joint jobcentre (.+)", r"skrevet af det fælles jobcenter \1"),
        (r"^regional overview", "regional oversigt"),
        (
            r": names (\d+) municipalities; it is about many plans, not one",
            r": nævner \1 kommuner; den handler om mange planer, ikke én",
        ),
    )
)


def danish_note(note: str | None) -> str:
    """A metadata note in Danish ("" for none)."""
    text = note or ""
    for pattern, danish in _NOTE_PHRASES:
        text = pattern.sub(danish, text)
    return text
