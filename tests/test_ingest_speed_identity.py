"""The faster ingest gives the same results, byte for byte, as the straightforward code it replaced.

Each reference below is the plain version of a shortcut (names found with `str.find` instead of a
scan of every capitalised word, text folded per space-separated piece from a cache, period cues
found over the whole text, regexes skipped where their opening character is absent, a Word run's
character style looked up once per style). Both run on the seeds (every line, paragraph and
whole text), on generated strings that hit the edge cases, and on a generated Word file.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from compare.ingest import headings, metadata, period, plaintext, word
from compare.ingest.pipeline import _text_hash
from compare.ingest.readers import parse_document
from compare.ingest.segment import segment
from compare.registry.lookup import load_registry
from compare.schema import HEADING_SEPARATOR, SEGMENTS, conform
from compare.text import clean_and_normalise, fold, repair_hyphenation
from tests.conftest import SEED_BUDGET_2013, SEED_OVERVIEW_2018, SEED_PLAN_2018, SEED_PLAN_2022

SEEDS = [SEED_PLAN_2018, SEED_PLAN_2022, SEED_BUDGET_2013, SEED_OVERVIEW_2018]

# -- the references: the code as it was before the shortcuts --------------------------------

_REF_PREV_WORD = re.compile(r"([^\W\d_]+)[ \t]*$")
_REF_HYPHEN_BREAK = re.compile(r"([a-zæøåé])-[ \t]*\r?\n[ \t]*([a-zæøåé])")
_REF_LETTER_RUNS = re.compile(r"([^\W\d_]+)")


def ref_find_mentions(text: str, registry, title_span=None) -> metadata.Mentions:
    index = metadata._first_words(registry)
    scores: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    jobcentres: Counter[str] = Counter()
    capitalised = [
        m
        for m in metadata._CAPITAL_RUN.finditer(text)
        if not (m.start() and metadata._WORD_CHAR.match(text, m.start() - 1))
    ]
    for m in capitalised:
        if metadata._WORD_CHAR.match(text, m.end()):
            continue
        word_ = fold(m.group(0).lower())
        if not (word_ in index or (word_.endswith("s") and word_[:-1] in index)):
            continue
        entries = index.get(word_) or index[word_[:-1]]
        found = metadata._match_name(text, m.end(), entries)
        if found is None:
            continue
        end, (kind, value) = found
        before = _REF_PREV_WORD.search(text, max(0, m.start() - 30), m.start())
        after = metadata._NEXT_WORD.match(text, end)
        strong = bool(
            (before and fold(before.group(1).lower()) in metadata._STRONG_BEFORE)
            or (after and fold(after.group(1).lower()) in metadata._STRONG_AFTER)
        )
        if (
            word_ in metadata._AMBIGUOUS
            and not strong
            and metadata._is_sentence_start(text, m.start())
        ):
            continue
        weight = metadata.STRONG_WEIGHT if strong else 1.0
        if title_span and title_span[0] <= m.start() < title_span[1]:
            weight *= metadata.TITLE_FACTOR
        elif m.start() < period.OPENING_CHARS:
            weight *= metadata.OPENING_FACTOR
        code = value if kind == "m" else registry.host(value).code
        if kind == "j":
            jobcentres[value] += 1
        scores[code] += weight
        counts[code] += 1
    return metadata.Mentions(scores, counts, jobcentres)


def ref_fold_text(text: str) -> str:
    parts = _REF_LETTER_RUNS.split(text.lower())
    parts[1::2] = map(fold, parts[1::2])
    return "".join(parts)


def ref_fold_parts(text: str) -> tuple[str, str]:
    opening = ref_fold_text(text[: period.OPENING_CHARS]).replace("\n", " ")
    kept = []
    for part in period._PARAGRAPH.split(text[period.OPENING_CHARS :]):
        lower = part.lower()
        if any(cue in lower for cue in period._CUES):
            kept.append(part.replace("\n", " "))
    return opening, ref_fold_text("\n".join(kept))


def ref_clean_line(line: str) -> str:
    return re.sub(r"\s+", " ", metadata._MARKDOWN.sub("", line)).strip(" \t#*_|")


def ref_strip_inline_markdown(text: str) -> str:
    text = plaintext._LINK.sub(r"\1", text)
    for _ in range(2):
        text = plaintext._EMPHASIS.sub(lambda m: m.group(2) or m.group(4) or "", text)
    text = text.replace("`", "")
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)


def ref_number(text: str):
    match = headings._NUMBERED.match(text)
    if not match:
        return None
    parts = tuple(int(p) for p in match.group(1).split("."))
    return parts, bool(match.group(2)), match.group(3)


def ref_segment(doc_id: str, raw) -> pl.DataFrame:
    rows: dict[str, list] = {name: [] for name in SEGMENTS}
    stack: list[tuple[int, str]] = []
    section = 0
    for block in raw.blocks:
        text, norm = clean_and_normalise(block.text)
        if not text:
            continue
        if block.is_heading:
            section += 1
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, text))
        rows["doc_id"].append(doc_id)
        rows["seg_no"].append(len(rows["seg_no"]))
        rows["section_no"].append(section)
        rows["heading_path"].append(HEADING_SEPARATOR.join(t for _, t in stack))
        rows["is_heading"].append(block.is_heading)
        rows["level"].append(block.level if block.is_heading else 0)
        rows["text"].append(text)
        rows["norm"].append(norm)
        rows["page"].append(block.page)
        rows["line_start"].append(block.line_start)
        rows["line_end"].append(block.line_end)
    return conform(pl.DataFrame(rows, schema=SEGMENTS), SEGMENTS)


def ref_text_hash(segments: pl.DataFrame) -> str:
    digest = hashlib.sha256()
    for path, text in zip(segments["heading_path"], segments["text"], strict=True):
        digest.update(f"{path}\x1f{text}\x1e".encode())
    return digest.hexdigest()


# -- helpers ---------------------------------------------------------------------------------


def _mentions(found: metadata.Mentions) -> tuple[list, list, list]:
    # Order counts: ties in `most_common` and the jobcentre note follow the first mention.
    return list(found.scores.items()), list(found.counts.items()), list(found.jobcentres.items())


def _seed_text(seed, name: str) -> str:
    path = Path(seed(name))
    return parse_document(path.read_bytes(), path.name).text


# -- metadata --------------------------------------------------------------------------------


@pytest.mark.seeds
@pytest.mark.parametrize("name", SEEDS)
def test_mentions_scores_and_their_order_match_the_scan_of_every_word(seed, name: str) -> None:
    registry = load_registry()
    text = metadata._prepare(_seed_text(seed, name))
    found = metadata.find_mentions(text, registry, (0, 200))
    assert found.counts, "the seed names municipalities: the comparison is not empty"
    assert _mentions(found) == _mentions(ref_find_mentions(text, registry, (0, 200)))
    for window in text.split("\n\n"):  # paragraphs: names at the start and end of a text
        assert _mentions(metadata.find_mentions(window, registry)) == _mentions(
            ref_find_mentions(window, registry)
        )


def test_mentions_at_word_edges_match_the_scan_of_every_word() -> None:
    registry = load_registry()
    rng = random.Random(3)
    pieces = [
        "København",
        "Københavns",
        "Kgbenhavns",
        "Roskilde",
        "Roskilde2",
        "aRoskilde",
        "_Roskilde",
        "Jobcenter",
        "Kommune",
        "Høje-Taastrup",
        "Høje Taastrup",
        "Vejen",
        "vejen",
        "Sorø",
        "Frederiksberg",
        "Lyngby-Taarbæk",
        " ",
        "  ",
        "\n",
        ". ",
        "-",
        "\t",
        "(",
        "2018",
    ]
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 25)))
        assert _mentions(metadata.find_mentions(text, registry)) == _mentions(
            ref_find_mentions(text, registry)
        ), repr(text)


def test_the_word_before_a_name_is_what_the_backward_regex_found() -> None:
    rng = random.Random(5)
    alphabet = [*"abæøå ABÅ\t\n-2_.é\u00bd", "Jobcenter ", "jobcentret\n", "Kommune"]
    for _ in range(20000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 45)))
        start = rng.randint(0, len(text))
        match = _REF_PREV_WORD.search(text, max(0, start - 30), start)
        assert metadata._word_before(text, start) == (match.group(1) if match else None), (
            repr(text),
            start,
        )


@pytest.mark.seeds
@pytest.mark.parametrize("name", SEEDS)
def test_folded_text_period_cues_and_title_lines_match_the_plain_versions(seed, name: str) -> None:
    text = metadata._prepare(_seed_text(seed, name))
    assert period.fold_text(text) == ref_fold_text(text)
    assert period.fold_parts(text) == ref_fold_parts(text)
    # Texts shorter and longer than the opening, and one where lower-casing changes the length.
    for piece in (text[:2000], text[1000:9000], "İ" + text[:8000]):
        assert period.fold_parts(piece) == ref_fold_parts(piece)
    for line in text.split("\n"):
        assert metadata._clean_line(line) == ref_clean_line(line), repr(line)
    folded = ref_fold_parts(text)
    assert folded[1], "the seed has paragraphs with a cue after its opening"


# -- readers ---------------------------------------------------------------------------------


@pytest.mark.seeds
@pytest.mark.parametrize("name", SEEDS)
def test_line_checks_match_their_regexes_on_every_seed_line(seed, name: str) -> None:
    text = Path(seed(name)).read_text(encoding="utf-8")
    lines = text.split("\n")
    numbered = 0
    for line in [*lines, *(" " + line for line in lines), *(line.strip() for line in lines)]:
        assert headings._number(line) == ref_number(line), repr(line)
        assert headings.is_bullet(line) == bool(headings._BULLET.match(line)), repr(line)
        assert headings.strip_bullet_sign(line) == headings._BULLET_SIGN.sub("", line, count=1), (
            repr(line)
        )
        assert plaintext.strip_inline_markdown(line) == ref_strip_inline_markdown(line)
        numbered += headings._number(line) is not None
    assert numbered, "the seed has numbered lines: the comparison is not empty"


def test_line_checks_match_their_regexes_on_generated_lines() -> None:
    rng = random.Random(11)
    alphabet = [*"ae o1.2)a-–•*_#[]()\\`x\t", " ", "\u00a0", "٣", "**", "__", "[t](u)", "Ab"]
    for _ in range(20000):
        line = "".join(rng.choices(alphabet, k=rng.randint(0, 14)))
        assert headings._number(line) == ref_number(line), repr(line)
        assert headings.is_bullet(line) == bool(headings._BULLET.match(line)), repr(line)
        assert headings.strip_bullet_sign(line) == headings._BULLET_SIGN.sub("", line, count=1)
        assert plaintext.strip_inline_markdown(line) == ref_strip_inline_markdown(line), repr(line)
        assert metadata._clean_line(line) == ref_clean_line(line), repr(line)


def test_hyphenation_repair_skips_a_break_whose_first_letter_was_just_joined() -> None:
    # The consuming regex took both letters: in `a-\nb-\nc` the `b` is gone once `a-\nb` is
    # joined, so the second break stays.
    for text in ["a-\nb-\nc", "ab-\n cd-\n\tef", "é-\né-\né-\né", "a- \r\nb", "a-\n\nb", "A-\nb"]:
        assert repair_hyphenation(text) == _REF_HYPHEN_BREAK.sub(r"\1\2", text), repr(text)
    assert repair_hyphenation("a-\nb-\nc") == "ab-\nc"


def _styled_docx() -> bytes:
    """A Word file whose paragraphs are bold by run, by character style, both or neither."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    bold_style = document.styles.add_style("Fed", WD_STYLE_TYPE.CHARACTER)
    bold_style.font.bold = True
    plain_style = document.styles.add_style("Tynd", WD_STYLE_TYPE.CHARACTER)
    plain_style.font.bold = False
    document.styles.add_style("Arvet", WD_STYLE_TYPE.CHARACTER)  # bold left unset
    document.add_heading("1 Indledning", level=1)
    runs = [
        [("Status", None, None)],
        [("Status", "Fed", None)],
        [("Status", "Tynd", True)],
        [("Sta", "Fed", None), ("tus", None, True)],
        [("Sta", "Fed", None), ("tus", "Arvet", None)],
        [("Status", "Arvet", None)],
        [("Indsatser", "Fed", None), ("  ", None, None)],
    ]
    for parts in runs:
        paragraph = document.add_paragraph()
        for text, style, bold in parts:
            run = paragraph.add_run(text, style=style)
            if bold is not None:
                run.bold = bold
        document.add_paragraph("Jobcentret hjælper ledige i job med en virksomhedsrettet indsats.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_bold_by_character_style_matches_looking_the_style_up_per_run() -> None:
    from docx import Document
    from docx.text.paragraph import Paragraph

    data = _styled_docx()
    document = Document(io.BytesIO(data))
    styles: dict = {}
    seen = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = Paragraph(child, document)
            runs = [run for run in paragraph.runs if run.text.strip()]
            expected = bool(runs) and all(
                run.bold or (run.style is not None and run.style.font.bold) for run in runs
            )
            assert word._all_bold(paragraph, styles) == expected, paragraph.text
            seen.append(expected)
    assert True in seen and False in seen, "the file has bold and plain paragraphs"
    raw = word.read_docx(data, "styled.docx")
    bold_headings = [block.text for block in raw.blocks if block.is_heading]
    assert "Status" in bold_headings, "a paragraph bold by its style is a sub-heading"


# -- segments and their hash -----------------------------------------------------------------


@pytest.mark.seeds
@pytest.mark.parametrize("name", SEEDS)
def test_segments_and_text_hash_match_the_row_by_row_build(seed, name: str) -> None:
    from polars.testing import assert_frame_equal

    path = Path(seed(name))
    raw = parse_document(path.read_bytes(), path.name)
    frame = segment("doc", raw)
    assert_frame_equal(frame, ref_segment("doc", raw))
    assert frame.height > 50
    assert _text_hash(frame) == ref_text_hash(frame)
    assert _text_hash(frame.head(10)) != _text_hash(frame), "the hash depends on every row"
