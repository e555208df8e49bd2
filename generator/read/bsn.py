"""Recognising BSNs (burgerservicenummers) by their content, so that none ever reaches an output.

A school may export the BSN under any header, or pack it into another field ("123456782-4512",
"Moeder van 111222333"), so a header list alone cannot keep it out. A BSN is 8 or 9 digits that pass the
eleven-test; a column is BSN-shaped when (nearly) all its 8/9-digit runs pass, as random numbers do 1 time
in 11. Pure: no I/O, standard library only, linear-time (a cell may hold 100,000 characters).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from enum import Enum
from operator import mul

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_ZERO_SUM = ord("0") * sum(WEIGHTS)  # weighing the digits' character codes adds this much
SHARE = 0.9  # of runs that must pass, and of values that must be a bare run for WHOLE
KEY_MINIMUM = 3  # runs before a key column counts: 1 in 11 student numbers passes by chance

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: Excel writes no other digits; one greedy run, no backtracking
_FORMATTED = re.compile(r"[0-9][0-9\s.\-]*")  # '123.456.782', '123 45 6782': digits and separators only
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_SEPARATORS = frozenset("-/,;|")
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_ATTACHED = frozenset(",;.:)]}")  # punctuation that follows a word without a space


class Verdict(Enum):
    NONE = "none"
    WHOLE = "whole"  # the values are BSNs: drop the column
    PACKED = "packed"  # the values hold BSNs among other text: strip_bsn each value


def passes_eleven_test(digits: str) -> bool:
    """True for 8 or 9 ASCII digits that pass the BSN eleven-test; 8 digits are a BSN with its leading
    zero lost (a number cell), so they are padded back to 9."""
    if len(digits) not in (8, 9) or not (digits.isascii() and digits.isdigit()):
        return False
    padded = digits.zfill(9)
    # on the character codes, in C: 4x faster than int() per digit, and a column has 100,000 of them
    total = sum(map(mul, WEIGHTS, padded.encode("ascii"))) - _ZERO_SUM
    return total % 11 == 0 and padded != "000000000"


def bsn_runs(text: str) -> list[str]:
    """The runs of exactly 8 or 9 digits that are not part of a longer digit run, passing or not."""
    return [run for run in _DIGITS.findall(text) if len(run) in (8, 9)]


def _formatted(text: str) -> str | None:
    """The 9 digits of a value such as '123.456.782' that holds nothing but them and separators."""
    if not _FORMATTED.fullmatch(text):
        return None
    digits = "".join(_DIGITS.findall(text))
    return digits if len(digits) == 9 else None


def _cell(value: object) -> tuple[list[str], bool] | None:
    """(the value's 8/9-digit runs, whether it is a bare run), or None for a blank cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return [], False  # a yes/no cell is never a BSN; 12345678.5 is a measurement, not a number
    if isinstance(value, int | float):  # a number cell: 12345678.0 is '12345678'; the sign is no digit
        runs = bsn_runs(str(abs(int(value))))
        return runs, bool(runs)
    text = str(value).strip()
    if not text:
        return None
    if (formatted := _formatted(text)) is not None:
        return [formatted], True
    runs = bsn_runs(text)
    # bare: one run and nothing around it but punctuation and whitespace ('-123456782', '(123456782)')
    return runs, len(runs) == 1 and not _LETTER_OR_DIGIT.search(text.replace(runs[0], "", 1))


def column_verdict(values: Iterable[object], is_key: bool = False) -> Verdict:
    """Whether a column holds BSNs as its values (WHOLE), among other text (PACKED), or not (NONE).

    A key column (the student number) needs KEY_MINIMUM runs: one or two passing 9-digit student numbers
    are as likely as a BSN, three or more pass by chance less than once in a thousand."""
    filled = bare = found = passing = 0
    for runs, is_bare in filter(None, map(_cell, values)):  # blanks are None and drop out
        filled += 1
        bare += is_bare
        found += len(runs)
        passing += sum(map(passes_eleven_test, runs))
    if not found or passing < SHARE * found or (is_key and found < KEY_MINIMUM):
        return Verdict.NONE
    return Verdict.WHOLE if bare >= SHARE * filled else Verdict.PACKED


def _widen(text: str, start: int, end: int, floor: int) -> tuple[int, int]:
    """The span to delete for the run text[start:end]: with brackets it leaves empty and one separator
    that only served it. `floor` is where the previous deletion ended: left of it is already gone."""
    while True:
        left, right = start - 1, end
        while left >= floor and text[left].isspace():
            left -= 1
        while right < len(text) and text[right].isspace():
            right += 1
        before = text[left] if left >= floor else ""
        after = text[right] if right < len(text) else ""
        opens = before in _BRACKETS  # an opening bracket starts a list as the text's start does
        if opens and after == _BRACKETS[before]:
            start, end = left, right + 1  # '4512 (111222333)': the brackets go, then look again
            continue
        if before and not opens and before not in _SEPARATORS:
            return start, end  # 'Moeder van 111222333, ...': the separator belongs to the words
        if after in _SEPARATORS:
            return start, right + 1  # '123456782-4512', '4512, 111222333, 4513'
        return (left, end) if before in _SEPARATORS else (start, end)  # '4512-123456782'


def _join(pieces: list[str]) -> str:
    """The pieces left between deletions, joined with at most one space where whitespace met."""
    out: list[str] = []
    spaced = False  # whitespace was dropped since the last kept text
    for index, piece in enumerate(pieces):
        core = piece.lstrip() if index else piece
        spaced = spaced or len(core) < len(piece)
        trimmed = core.rstrip() if index < len(pieces) - 1 else core
        if trimmed:
            tail = out[-1][-1] if out else ""
            glued = tail.isalnum() and trimmed[0].isalnum()  # never make '12' and '34' one number
            if (spaced or glued) and tail and tail not in _BRACKETS and trimmed[0] not in _ATTACHED:
                out.append(" ")
            out.append(trimmed)
            spaced = False
        spaced = spaced or len(trimmed) < len(core)
    return "".join(out).strip()


def strip_bsn(text: str) -> str:
    """The text without any passing 8/9-digit run, and without the separators, empty brackets and spaces
    that only served it. A text without one comes back unchanged."""
    if (formatted := _formatted(text.strip())) is not None and passes_eleven_test(formatted):
        return ""  # '123.456.782': the whole value is the number
    pieces, floor = [], 0
    for match in _DIGITS.finditer(text):
        if passes_eleven_test(match.group()):
            start, end = _widen(text, match.start(), match.end(), floor)
            pieces.append(text[floor:start])
            floor = end
    return _join([*pieces, text[floor:]]) if pieces else text
