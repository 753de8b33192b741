"""Find headings in text that has no styles (plain text, OCR'd text, PDF) and build blocks.

Plans number their sections (`5 Ministermål for 2018`, `5.3 Flere flygtninge ...`, `4.3. ...`), but
also number lists the same way (`1. Alle ledige skal ...`). One rule holds in every format
(`list_items`, applied to styled headings too in `build_blocks`): a numbered line is a list item,
never a heading, when it reads as a sentence (`is_list_sentence`: `1. Udsatte skal hjælpes ind på
arbejdsmarkedet gennem en virksomhedsrettet indsats.` in section 4.7 of København's 2018 plan) or
when it counts on with the numbered heading next to it, nothing between them (`1. Alle ledige skal
have en værdig sagsbehandling` / `2. Flere ledige skal opkvalificeres`, the 2022 plan's goals);
`4.7 Udsatte i job og uddannelse` stays a heading. Text without styles needs more: there a numbered
line counts as a heading only when its number can also follow the current section number (`4.2`
after `4.1`, `5` after `4.7`, `4.1` read by OCR as `41`) and no list of the same count came just
before. Short standalone lines that introduce prose (`Indsatser`, `Status`) become headings one
level below the current numbered section. PDFs that set headings in a larger font are read by font
size, numbered headings taking their level from their number read the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from compare.ingest.model import Block, Line

_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})(\.?)\s+(\S.*)$")
# Bullets as they come out of Word, PDFs and OCR (`e` and `o` are OCR'd bullet dots).
_BULLET = re.compile(r"^\s*(?:[-–—•·▪◦*»¢®eo+]|\d{1,2}\)|[a-z]\))\s+\S")
_BULLET_SIGN = re.compile(r"^\s*[-–—•·▪◦*»¢®eo+]\s+(?=\S)")
_SENTENCE_END = re.compile(r"[.!?:;)\]\"”’»]$")
_PARAGRAPH_END = re.compile(r"[.!?:;\"”’»]$")  # `(18-19 år)` ends a table cell as often as a text
_ONLY_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")

MAX_HEADING_CHARS = 160  # a numbered line longer than this is a sentence, not a heading
MIN_SENTENCE_WORDS = 4  # a numbered line this long that ends with a full stop is a sentence
MAX_SHORT_HEADING_CHARS = 70
MAX_SHORT_HEADING_WORDS = 8
LIST_WINDOW = 25  # lines within which `n.` after `n-1.` continues a list
SIZE_RATIO = 1.12  # a font this much larger than the body text marks a heading


# The characters a bullet line can open with (after any white space), for a check before the
# regexes above: most lines open with a letter that starts no list, and need no regex pass.
_SIGNS = frozenset("-–—•·▪◦*»¢®eo+")


def strip_bullet_sign(text: str) -> str:
    """The text without the bullet sign it opens with, if any (`e Beskrive ...` → `Beskrive ...`).

    The sign is layout, not text: `e` and `o` are OCR'd bullet dots.
    """
    first = text[:1]
    if first not in _SIGNS and not first.isspace():
        return text
    return _BULLET_SIGN.sub("", text, count=1)


def is_bullet(text: str) -> bool:
    """True for a bullet or lettered list line (`e Beskrive ...`, `— ...`, `a) ...`)."""
    first = text[:1]
    if (
        first in _SIGNS
        or first.isspace()
        or first.isdecimal()  # what `\d` matches
        or ("a" <= first <= "z" and text[1:2] == ")")
    ):
        return bool(_BULLET.match(text))
    return False


def _number(text: str) -> tuple[tuple[int, ...], bool, str] | None:
    """The section number of a numbered line, whether a dot follows it, and the rest."""
    first = text[:1]
    if not first.isdecimal() and not first.isspace():  # `^\s*\d` cannot match: no regex pass
        return None
    match = _NUMBERED.match(text)
    if not match:
        return None
    parts = tuple(int(p) for p in match.group(1).split("."))
    return parts, bool(match.group(2)), match.group(3)


def is_list_sentence(text: str) -> bool:
    """True for a numbered line that reads as a sentence: a list item in any format.

    `1. Udsatte skal hjælpes ind på arbejdsmarkedet gennem en virksomhedsrettet indsats.`
    (København 2018, section 4.7) is one: after its number come at least MIN_SENTENCE_WORDS
    words ending a sentence (`.`, `!`, `?`). So is a line longer than any heading
    (MAX_HEADING_CHARS) and one ending in `,` or `;` (an item the next line carries on). `4.7
    Udsatte i job og uddannelse` is not, nor `5.1 Flere personer skal i beskæftigelse`: goal
    headings have verbs too, so a verb does not tell; the full stop does. A short title with a
    stray stop (`4.1 Indledning.`) is not a sentence either.
    """
    numbered = _number(" ".join(text.split()))
    if numbered is None:
        return False
    rest = numbered[2].strip()
    if len(rest) > MAX_HEADING_CHARS or rest[-1] in ",;":
        return True
    return rest[-1] in ".!?" and len(rest.split()) >= MIN_SENTENCE_WORDS


def _counts_on(first: tuple[int, ...], second: tuple[int, ...]) -> bool:
    """Whether `second` is the number after `first` at the same depth (`2.` after `1.`)."""
    return second == (*first[:-1], first[-1] + 1)


def list_items(lines: list[Line]) -> set[int]:
    """Indexes of lines marked as headings that are list items by the module's one rule.

    A numbered line is a list item if it reads as a sentence (`is_list_sentence`) or if the
    line just before or after it is a numbered heading too and counts on with it (`1. Alle
    ledige skal have en værdig sagsbehandling` set as a heading, followed by `2. Flere ledige
    skal opkvalificeres` set the same way): sections have text of their own between them, list
    items do not. Styles do not overrule this: a plan whose list items were set as headings
    reads the same as its text. A styled `3. Københavns Kommunes vision ...` right after the
    list item `2. ...` in body text stays a heading: there the style tells what numbering
    cannot (plain text, without styles, reads it as the list's next item).
    """
    numbers = [
        _number(" ".join(line.text.split()))
        if line.heading_level is not None and not line.table
        else None
        for line in lines
    ]
    found: set[int] = set()
    for i, line in enumerate(lines):
        numbered = numbers[i]
        if numbered is None:
            continue
        before = numbers[i - 1] if i > 0 else None
        after = numbers[i + 1] if i + 1 < len(lines) else None
        if (
            is_list_sentence(line.text)
            or (before is not None and _counts_on(before[0], numbered[0]))
            or (after is not None and _counts_on(numbered[0], after[0]))
        ):
            found.add(i)
    return found


def _next_numbers(stack: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Section numbers that may follow `stack`: a first child, or a later sibling at any depth.

    A sibling may skip one number, because OCR sometimes loses a heading.
    """
    if not stack:
        return []
    out = [(*stack, 1)]
    for depth in range(len(stack)):
        for step in (1, 2):
            sibling = (*stack[:depth], stack[depth] + step)
            out.extend([sibling, (*sibling, 1)])
    return out


def _follows(
    number: tuple[int, ...], dotted: bool, stack: tuple[int, ...]
) -> tuple[int, ...] | None:
    """The number this heading takes if it can follow `stack`, else None (`41` may be `4.1`)."""
    if not stack:
        # the first heading: plans start at 1, but an excerpt may start at any section
        return number if len(number) <= 3 and number[0] <= 30 else None
    candidates = _next_numbers(stack)
    if number in candidates:
        return number
    if len(number) == 1 and not dotted and number[0] >= 10:
        fused = str(number[0])
        for cand in candidates:
            if len(cand) == 2 and f"{cand[0]}{cand[1]}" == fused:
                return cand
    return None


def _line_width(lines: list[Line]) -> int:
    """The usual length of a full line: the 90th percentile, at least 40 characters."""
    lengths = sorted(len(line.text) for line in lines if not line.table)
    if not lengths:
        return 40
    return max(40, lengths[int(len(lengths) * 0.9)])


def _is_prose(line: Line, width: int) -> bool:
    """Whether a line looks like the start of body text (or a list) rather than a fragment."""
    text = line.text.strip()
    if is_bullet(text) or line.heading_level is not None:
        return True
    if line.table:
        return False
    return len(text) >= 0.6 * width or (bool(_SENTENCE_END.search(text)) and len(text.split()) >= 4)


class _TextHeadings:
    """One pass over a document's lines, tracking the current section number."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        # A file that styles headings styles its sub-headings, numbers them or sets them bold:
        # its other short paragraphs (a chart's caption, a one-line bullet) are text.
        self.styled = any(line.heading_level is not None for line in lines)
        self.width = _line_width(lines)
        self.stack: tuple[int, ...] = ()
        self.last_list: tuple[tuple[int, ...], int] | None = None
        self.out: list[Line] = []

    def run(self) -> list[Line]:
        styled_items = list_items(self.lines)  # headings by style that are list items
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            if line.heading_level is not None or line.table:
                if line.heading_level is not None and i not in styled_items:
                    self._follow_styled(line)
                self.out.append(line)
                i += 1
                continue
            numbered = _number(line.text)
            if numbered is not None:
                i = self._numbered(i, *numbered)
                continue
            if (line.bold or not self.styled) and self._short_heading(i):
                line.heading_level = len(self.stack) + 1
            self.out.append(line)
            i += 1
        return self.out

    def _follow_styled(self, line: Line) -> None:
        """A heading the file styles ("4 Beskæftigelsesindsatsen" as Heading 1) sets the count
        that the numbered paragraphs after it follow ("4.5 Unge i uddannelse" in Normal)."""
        numbered = _number(line.text)
        if numbered is not None:
            accepted = _follows(numbered[0], numbered[1], self.stack)
            if accepted is not None:
                self.stack = accepted

    def _numbered(self, i: int, number: tuple[int, ...], dotted: bool, rest: str) -> int:
        line = self.lines[i]
        accepted = None
        if self._looks_like_heading(i, number, rest):
            accepted = _follows(number, dotted, self.stack)
        if accepted is None:
            self.last_list = (number, i)
            self.out.append(line)
            return i + 1
        original = (line.text, line.line_end)
        j = self._merge_continuations(i)
        if is_list_sentence(line.text):  # the wrapped line ended a sentence: a list item
            line.text, line.line_end = original
            self.last_list = (number, i)
            self.out.append(line)
            return i + 1
        self.stack = accepted
        line.heading_level = len(accepted)
        self.out.append(line)
        return j

    def _looks_like_heading(self, i: int, number: tuple[int, ...], rest: str) -> bool:
        text = rest.strip()
        if not text or not text[0].isalpha() or not text[0].isupper():
            return False
        if is_list_sentence(self.lines[i].text) or "\t" in text:
            return False
        if self.last_list is not None:
            prev_number, prev_i = self.last_list
            steps = {(*prev_number[:-1], prev_number[-1] + step) for step in (1, 2)}
            if i - prev_i <= LIST_WINDOW and number in steps:
                return False  # `4.` right after the list item `3.` (or `2.`: OCR loses lines)
        if i + 1 < len(self.lines):
            following = _number(self.lines[i + 1].text)
            if following is not None and following[0] == (*number[:-1], number[-1] + 1):
                return False  # the next line carries on the count: a list
        return True

    def _merge_continuations(self, i: int) -> int:
        """Join a heading's wrapped lines (they start in lower case); return the next index."""
        head = self.lines[i]
        last_text = head.text
        j = i + 1
        while j < len(self.lines) and j - i <= 3:
            nxt = self.lines[j]
            text = nxt.text.strip()
            if nxt.table or nxt.page != head.page or not text or not text[0].islower():
                break
            if is_bullet(text) or len(text) > self.width:
                break
            wrapped = last_text.rstrip().endswith("-") or len(last_text) >= 0.6 * self.width
            if not wrapped:
                break
            if nxt.gap_before:
                # OCR sometimes puts a blank line inside a wrapped heading; accept a short tail
                # that stands alone.
                alone = j + 1 >= len(self.lines) or self.lines[j + 1].gap_before
                if len(text) >= 0.6 * self.width or not alone:
                    break
            head.text = f"{head.text.rstrip()}\n{text}"
            head.line_end = nxt.line_end
            last_text = text
            j += 1
        return j

    def _short_heading(self, i: int) -> bool:
        line = self.lines[i]
        text = line.text.strip()
        if not (3 <= len(text) <= MAX_SHORT_HEADING_CHARS):
            return False
        words = text.split()
        if len(words) > MAX_SHORT_HEADING_WORDS:
            return False
        if not (text[0].isalpha() and text[0].isupper()) or is_bullet(text):
            return False
        if "\t" in text or "|" in text or text[-1] in ",;:-–":
            return False
        if text.endswith(".") and len(words) > 3:
            return False
        if sum(ch.isdigit() for ch in text) > 0.2 * len(text):
            return False
        if self.out:
            prev = self.out[-1]
            if prev.heading_level is None and not _PARAGRAPH_END.search(prev.text.rstrip()):
                return False
        if i + 1 >= len(self.lines):
            return False
        nxt = self.lines[i + 1]
        first = nxt.text.strip()[:1]
        if first.islower() or not _is_prose(nxt, self.width):
            return False
        return not (_number(nxt.text) and not is_bullet(nxt.text) and len(nxt.text) < 80)


def _mark_by_size(lines: list[Line]) -> bool:
    """Mark lines set larger than the body text as headings; False if the font tells nothing."""
    sizes: Counter[float] = Counter()
    for line in lines:
        if line.size:
            sizes[round(line.size * 2) / 2] += len(line.text)
    if not sizes:
        return False
    body = sizes.most_common(1)[0][0]
    candidates = [
        line
        for line in lines
        if line.size
        and line.size >= body * SIZE_RATIO
        and len(line.text) <= MAX_HEADING_CHARS
        and not _ONLY_NUMBER.match(line.text)
        and not line.table
    ]
    if len(candidates) < 2:
        return False
    ranks = {
        s: r
        for r, s in enumerate(
            sorted({round((c.size or 0) * 2) / 2 for c in candidates}, reverse=True), start=1
        )
    }
    for line in candidates:
        line.heading_level = ranks[round((line.size or 0) * 2) / 2]
    return True


def _level_by_number(lines: list[Line]) -> list[Line]:
    """Numbered headings take their level from their number, read as in text (`41` is `4.1`).

    List items (`list_items`) are skipped: `build_blocks` makes them paragraphs.
    """
    skip = list_items(lines)
    stack: tuple[int, ...] = ()
    for i, line in enumerate(lines):
        numbered = _number(" ".join(line.text.split()))
        if line.heading_level is None or numbered is None or i in skip:
            continue
        number = _follows(numbered[0], numbered[1], stack) or numbered[0]
        line.heading_level = len(number)
        stack = number
    return lines


def _merge_size_headings(lines: list[Line]) -> list[Line]:
    """Join a large-font heading wrapped over two lines into one heading line.

    A heading the page break cut (`1. Udsatte skal hjælpes ind på arbejdsmarkedet gennem en` at
    the foot of a page, `virksomhedsrettet indsats.` at the top of the next, in the same size)
    is joined too when its second part starts in lower case.
    """
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.heading_level is not None
            and line.heading_level is not None
            and _number(line.text) is None
            and prev.size == line.size
            and (
                (not line.gap_before and prev.page == line.page)
                or (
                    prev.page is not None
                    and line.page == prev.page + 1
                    and line.text.lstrip()[:1].islower()
                )
            )
        ):
            prev.text = f"{prev.text}\n{line.text}"
            prev.line_end = line.line_end
            continue
        out.append(line)
    return out


def mark_headings(lines: list[Line]) -> list[Line]:
    """Decide which lines are headings and at what level; wrapped headings become one line.

    Lines that already carry a `heading_level` (from styles) keep it, and their numbers set the
    count that numbered paragraphs follow ("4.5 Unge i uddannelse" in `Normal` under a styled
    "4 ..."). PDFs whose headings are set in a larger font are read by size; everything else by
    numbering and short standalone lines — in a file with heading styles, only bold ones.
    """
    if any(line.size for line in lines) and _mark_by_size(lines):
        return _level_by_number(_merge_size_headings(lines))
    return _TextHeadings(lines).run()


def _starts_item(prev: str, text: str) -> bool:
    """Whether a line opens a new list item (`e ...`, `1. ...`) rather than wrapping on."""
    first = text[:1]
    if not (
        first in _SIGNS
        or first.isspace()
        or first.isdecimal()
        or ("a" <= first <= "z" and text[1:2] == ")")
    ):
        return False  # neither a bullet (`is_bullet`) nor numbered (`_number`): most lines
    if is_bullet(text):
        return True
    numbered = _number(text)
    if numbered is None:
        return False
    # `2 kvartal 2017 ...` may simply be a wrapped line; `2. ...` or a number after a full stop
    # starts an item.
    return numbered[1] or bool(_SENTENCE_END.search(prev.rstrip()))


def _continues_over_page(last: Line, line: Line) -> bool:
    """Whether `line`, first on its page, carries on the sentence `last` left at the foot of
    the page before (`... til bade ledige og` / `virksomheder ved at ...`)."""
    return (
        last.page is not None
        and line.page == last.page + 1
        and not _PARAGRAPH_END.search(last.text.rstrip())
        and line.text.lstrip()[:1].islower()
    )


def build_blocks(lines: Iterable[Line]) -> list[Block]:
    """Group lines into heading and paragraph blocks.

    A paragraph ends at a gap, a heading, a table row, a page break or before a bullet or
    numbered list item, so each list item is a passage of its own. A sentence the page break cut
    (`_continues_over_page`) stays one paragraph, as it is in the plan's text. A line marked as
    a heading (by style, font or numbering) that is a list item by the one rule (`list_items`)
    is a paragraph of its own, in every format.
    """
    lines = list(lines)
    demoted = list_items(lines)
    blocks: list[Block] = []
    para: list[Line] = []

    def flush() -> None:
        if para:
            first = strip_bullet_sign(para[0].text)
            text = "\n".join([first, *(p.text for p in para[1:])])
            blocks.append(Block(text, False, 0, para[0].page, para[0].line_no, para[-1].line_end))
            para.clear()

    for i, line in enumerate(lines):
        if line.heading_level is not None and i not in demoted:
            flush()
            blocks.append(
                Block(line.text, True, line.heading_level, line.page, line.line_no, line.line_end)
            )
        elif line.table or line.standalone or i in demoted:
            flush()
            blocks.append(Block(line.text, False, 0, line.page, line.line_no, line.line_end))
        else:
            if para and (
                _starts_item(para[-1].text, line.text)
                or (
                    (line.gap_before or line.page != para[-1].page)
                    and not _continues_over_page(para[-1], line)
                )
            ):
                flush()
            para.append(line)
    flush()
    return blocks
