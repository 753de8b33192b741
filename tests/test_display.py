"""Display text: OCR misreadings repaired by frequency, common words left alone."""

from __future__ import annotations

import pytest

from compare.display import repair_words


@pytest.mark.parametrize(
    "ocr,shown",
    [
        # "é" read for "å" (seed 001: "ogsé", "méltal", "mélopfyldelse")
        ("der er ogsé brug for dem", "der er også brug for dem"),
        ("mélopfyldelse p& 102 pct.", "målopfyldelse på 102 pct."),
        # of two Danish words one letter away, the more common one: "årligt", not "ærligt"
        ("vedtager arligt et méltal", "vedtager årligt et måltal"),
        # short, rare Danish words read for far more common ones
        ("der er pa vej et mal for ar 2018", "der er på vej et mål for år 2018"),
        ("Pa den baggrund", "På den baggrund"),
    ],
)
def test_misread_letters_are_put_back_by_frequency(ocr: str, shown: str) -> None:
    assert repair_words(ocr) == shown


@pytest.mark.parametrize(
    "text",
    [
        "Hvad er det for en sag, der skal se på selv samme del",  # common words, real both ways
        "En god idé og en café i alléen",  # a real é stays
        "Status pr. 1. januar (ekskl. fleksjob)",  # abbreviations
    ],
)
def test_common_and_correct_words_stay(text: str) -> None:
    assert repair_words(text) == text
