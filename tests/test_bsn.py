"""BSNs recognised by content (read/bsn.py): the eleven-test, the column verdict, stripping a BSN from text.

Every number here is fictitious: 111222333 and 123456782 are the usual test BSNs, the rest is generated.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.read.bsn import Verdict, bsn_runs, column_verdict, passes_eleven_test, strip_bsn

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def complete(first_eight: int) -> str | None:
    """The 9-digit number that passes the eleven-test with these first 8 digits, None when none does."""
    digits = f"{first_eight:08d}"
    check = sum(weight * int(digit) for weight, digit in zip(WEIGHTS, digits, strict=True)) % 11
    return None if check == 10 or first_eight == 0 else digits + str(check)


VALID = st.integers(0, 99_999_999).map(complete).filter(bool)


def valid_bsns(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        if bsn := complete(rng.randrange(10_000_000, 100_000_000)):
            found.append(bsn)
    return found


def random_nine_digits(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [str(rng.randrange(100_000_000, 1_000_000_000)) for _ in range(count)]


# --- the eleven-test --------------------------------------------------------------------------------------

@pytest.mark.parametrize("digits, passes", [
    ("111222333", True),
    ("123456782", True),
    ("087654301", True),
    ("87654301", True),  # the same BSN with its leading zero lost in a number cell
    ("123456789", False),
    ("111222334", False),
    ("87654302", False),
    ("000000000", False),  # sums to 0 but is no BSN
    ("00000000", False),
    ("1234567", False),  # 7 digits
    ("1234567820", False),  # 10 digits
    ("", False),
    ("12345678a", False),
    (" 23456782", False),
    ("١١١٢٢٢٣٣٣", False),  # Arabic-Indic digits: not ASCII
])
def test_eleven_test(digits, passes):
    assert passes_eleven_test(digits) is passes


@given(VALID, st.integers(0, 8), st.integers(1, 9))
def test_every_generated_bsn_passes_and_one_changed_digit_fails(bsn, position, change):
    assert passes_eleven_test(bsn)
    changed = bsn[:position] + str((int(bsn[position]) + change) % 10) + bsn[position + 1:]
    assert not passes_eleven_test(changed)


# --- runs of 8 or 9 digits --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, runs", [
    ("123456782", ["123456782"]),
    ("12345678", ["12345678"]),
    ("1234567890", []),  # part of a longer run
    ("0612345678", []),  # a phone number
    ("1234567", []),
    ("123456782-4512", ["123456782"]),
    ("a123456789b12345678c", ["123456789", "12345678"]),  # passing or not
    ("", []),
])
def test_bsn_runs(text, runs):
    assert bsn_runs(text) == runs


# --- the column verdict -----------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [
    ["111222333", "123456782", "087654301", "", None],
    [111222333, 123456782, 87654301, None],
    [111222333.0, 123456782.0, 87654301.0, None, "  "],  # 12345678.0 is '12345678'
    [" 111222333 ", "123.456.782", "123 456 782", "-111222333", "(123456782)"],
])
def test_a_column_of_bsns_is_whole(values):
    assert column_verdict(values) is Verdict.WHOLE


@pytest.mark.parametrize("values", [
    ["123456782-4512", "4512 (111222333)", "Moeder van 111222333"],
    ["111222333,4512", "4513; 123456782", None],
    ["4512", "4513", "Vader van 123456782"],  # one BSN among ordinary values
])
def test_bsns_inside_other_text_are_packed(values):
    assert column_verdict(values) is Verdict.PACKED


@pytest.mark.parametrize("values, is_key", [
    (["4512", "4513", 12345, 123456.0, "004514"], True),  # ordinary student numbers
    (["4512", "4513", 12345, 123456.0, "004514"], False),
    (["0612345678", "0201234567", 612345678.0], False),  # phone numbers: 10 digits, no run
    ([True, False, True], False),  # a yes/no column
    ([None, "", "  "], False),
    ([], False),
    (["123456789", "987654321"], False),  # runs that fail
    ([123456782], True),  # one or two passing 9-digit student numbers may be chance
    (["111222333", "123456782", None], True),
])
def test_not_bsns(values, is_key):
    assert column_verdict(values, is_key=is_key) is Verdict.NONE


def test_the_same_values_outside_a_key_column_are_bsns():
    assert column_verdict([123456782]) is Verdict.WHOLE
    assert column_verdict(["111222333", "123456782"]) is Verdict.WHOLE
    assert column_verdict(["111222333", "123456782", "087654301"], is_key=True) is Verdict.WHOLE


def test_random_nine_digit_student_numbers_are_not_bsns():
    numbers = random_nine_digits(200, seed=11)
    assert 5 < sum(map(passes_eleven_test, numbers)) < 40  # about 1 in 11 pass by chance
    assert column_verdict(numbers, is_key=True) is Verdict.NONE
    assert column_verdict(numbers) is Verdict.NONE


@pytest.mark.parametrize("failing, verdict", [(0, Verdict.WHOLE), (1, Verdict.WHOLE), (2, Verdict.NONE)])
def test_ninety_percent_of_the_runs_must_pass(failing, verdict):
    values = valid_bsns(10 - failing, seed=3) + ["123456789"] * failing
    assert column_verdict(values) is verdict
    assert column_verdict(values, is_key=True) is verdict


def test_nearly_every_value_a_bare_bsn_is_whole():
    nine_bare = valid_bsns(9, seed=4) + ["onbekend"]
    assert column_verdict(nine_bare) is Verdict.WHOLE
    eight_bare = valid_bsns(8, seed=4) + ["onbekend", "zie dossier"]
    assert column_verdict(eight_bare) is Verdict.PACKED


def test_a_long_column_and_long_cells_stay_linear():
    bsns = valid_bsns(1000, seed=5)
    column = [int(bsns[i % 1000]) if i % 2 else bsns[i % 1000] for i in range(100_000)]
    assert column_verdict(column) is Verdict.WHOLE
    assert column_verdict(["1" * 100_000, "1-" * 50_000, " " * 100_000 + "x", "1 " * 50_000]) is Verdict.NONE
    long_cell = " " * 50_000 + "111222333" + " -" * 25_000 + "(" * 1000
    assert "111222333" not in strip_bsn(long_cell)
    assert strip_bsn("(" + " " * 100_000 + "4512") == "(" + " " * 100_000 + "4512"


# --- stripping a BSN from text ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, stripped", [
    ("123456782-4512", "4512"),
    ("4512 (111222333)", "4512"),
    ("111222333,4512", "4512"),
    ("Moeder van 111222333", "Moeder van"),
    ("4512-123456782", "4512"),
    ("4512 / 111222333", "4512"),
    ("111222333; 123456782; 4512", "4512"),
    ("4512 (111222333, 4513)", "4512 (4513)"),
    ("4512 | 87654301 | 4513", "4512 | 4513"),  # an 8-digit BSN
    ("Moeder van 111222333, vader van 123456782", "Moeder van, vader van"),
    ("12(111222333)34", "12 34"),  # never one new number from two
    ("111222333", ""),
    (" 123.456.782 ", ""),
    ("4512 (123456789)", "4512 (123456789)"),  # fails the test: kept
    ("tel. 0612345678", "tel. 0612345678"),
    ("  gewoon  tekst ", "  gewoon  tekst "),  # nothing removed: unchanged
])
def test_strip_bsn(text, stripped):
    assert strip_bsn(text) == stripped


@given(st.lists(st.one_of(VALID, st.sampled_from(["4512", "123456789", "Moeder van", " ", "-", ",", "(",
                                                   ")", "/", "|", "7", "x"])), max_size=12))
def test_no_passing_run_is_left(parts):
    for text in ("".join(parts), " ".join(parts)):
        assert not any(passes_eleven_test(run) for run in bsn_runs(strip_bsn(text)))
