"""Text encodings: cp1252 is kept when nothing favours another code page; UTF-16 without BOM."""

from __future__ import annotations

import re

import pytest

from compare.errors import UnreadableDocument
from compare.ingest.sniff import decode_text
from tests.conftest import SEED_BUDGET_2013, SEED_PLAN_2018, SEED_PLAN_2022

TYPOGRAPHIC = re.compile("[’‘“”„–—…]")
DANISH = re.compile("[æøåÆØÅ]")
DANISH_LINE = "Beskæftigelsesindsatsen på Ærø skal styrke de ledige, så flere får job i år."


def seed_lines_without_danish_letters(path) -> list[str]:
    """The seed's lines with typographic quotes or dashes and no æ/ø/å (OCR read them as g, a)
    that cp1252 can hold (a few carry ligatures such as `ﬂ`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        line
        for line in lines
        if TYPOGRAPHIC.search(line) and not DANISH.search(line) and fits_cp1252(line)
    ]


def fits_cp1252(line: str) -> bool:
    try:
        line.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("name", [SEED_PLAN_2018, SEED_PLAN_2022, SEED_BUDGET_2013])
def test_cp1252_ocr_lines_without_danish_letters_decode_as_cp1252(seed, name: str) -> None:
    lines = seed_lines_without_danish_letters(seed(name))
    assert lines  # every one of these seeds has some
    wrong = [
        (line, decoded)
        for line in lines
        if (decoded := decode_text(line.encode("cp1252"), "plan.txt")) != line
    ]
    assert wrong == []


def test_a_whole_seed_in_cp1252_decodes_back(seed) -> None:
    text = seed(SEED_PLAN_2022).read_text(encoding="utf-8")
    assert decode_text(text.encode("cp1252"), "plan.txt") == text


@pytest.mark.parametrize("encoding", ["cp1252", "cp850", "latin-1", "mac_roman", "iso8859_15"])
def test_danish_text_in_a_western_code_page_decodes(encoding: str) -> None:
    assert decode_text(DANISH_LINE.encode(encoding), "plan.txt") == DANISH_LINE


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(encoding: str) -> None:
    text = f"Beskæftigelsesplan 2018\n\n1. Indledning\n\n{DANISH_LINE}\n" * 20
    data = text.encode(encoding)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    assert decode_text(data, "plan.txt") == text


def test_binary_content_with_zero_bytes_is_still_refused() -> None:
    data = bytes(range(256)) * 64
    with pytest.raises(UnreadableDocument, match="binary content"):
        decode_text(data, "plan.txt")
