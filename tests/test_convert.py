"""Cell values -> typed values by field type (invoer.md P6, P7, P8, P12, P19; yes/no, postcode, e-mail)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.domain.fields import FieldType
from generator.domain.registry import FIELDS, get_field
from generator.read import convert


@pytest.mark.parametrize("raw, expected", [
    (datetime(2013, 3, 14, 0, 0), date(2013, 3, 14)),  # a real date cell (openpyxl: datetime)
    (date(2013, 3, 14), date(2013, 3, 14)),
    (40973, date(2012, 3, 5)),  # Excel serial in a General-formatted cell
    (40973.0, date(2012, 3, 5)),
    ("14-03-2013", date(2013, 3, 14)),  # dd-mm-jjjj
    ("4-3-2012", date(2012, 3, 4)),  # day first, never 3 April
    ("1-9-26", date(2026, 9, 1)),  # d-m-jj
    ("14-3-13", date(2013, 3, 14)),
    ("14/03/2013", date(2013, 3, 14)),
    ("14.03.2013", date(2013, 3, 14)),
    ("2013-03-14", date(2013, 3, 14)),  # ISO
    (" 01-09-2026 00:00:00 ", date(2026, 9, 1)),  # text export of a date cell
])
def test_dates_from_every_notation_schools_use(raw, expected):
    assert convert.parse_date(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("31-02-2026", "ongeldige datum '31-02-2026', verwacht dd-mm-jjjj"),
    ("volgende week", "ongeldige datum 'volgende week', verwacht dd-mm-jjjj"),
    (12, "'12' is geen datum, verwacht dd-mm-jjjj"),
])
def test_impossible_dates_say_what_is_expected(raw, message):
    with pytest.raises(ValueError) as exc:
        convert.parse_date(raw)
    assert str(exc.value) == message


@pytest.mark.parametrize("raw, expected", [
    ("2012-02-03T00:00:00", date(2012, 2, 3)),  # ISO date-time from an API or JSON export
    ("2012-02-03T00:00:00.000", date(2012, 2, 3)),
    ("2012-02-03T00:00:00.0000000", date(2012, 2, 3)),  # .NET writes seven decimals
    ("2012-02-03 00:00:00", date(2012, 2, 3)),
    ("2012-02-03T23:59:59", date(2012, 2, 3)),  # a local time keeps its written date
    ("2012-02-02T23:00:00Z", date(2012, 2, 3)),  # UTC, past midnight in Amsterdam (winter: +1)
    ("2012-02-02T23:00:00z", date(2012, 2, 3)),
    ("2012-02-02T22:59:59Z", date(2012, 2, 2)),
    ("2012-07-01T22:30:00Z", date(2012, 7, 2)),  # summer: +2
    ("2012-07-01T21:59:00Z", date(2012, 7, 1)),
    ("2012-02-03T00:00:00+01:00", date(2012, 2, 3)),
    ("2012-02-03T00:00:00+0100", date(2012, 2, 3)),
    ("2012-02-03T00:30:00+02:00", date(2012, 2, 2)),  # 23:30 in Amsterdam
    ("2012-02-02T20:00:00-05:00", date(2012, 2, 3)),  # 02:00 in Amsterdam
    ("2012-02-02 23:00:00 Z", date(2012, 2, 3)),
    ("02-02-2012 23:00:00Z", date(2012, 2, 3)),
    (datetime(2012, 2, 2, 23, 0, tzinfo=timezone.utc), date(2012, 2, 3)),  # a date cell with a time zone
])
def test_iso_date_times_give_their_date_in_amsterdam(raw, expected):
    assert convert.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["20120203", " 20120203 ", 20120203, 20120203.0])
def test_yyyymmdd_as_text_or_number(raw):
    assert convert.parse_date(raw) == date(2012, 2, 3)


@pytest.mark.parametrize("raw, expected", [
    (10_000, date(1927, 5, 18)),  # the serial range is untouched by jjjjmmdd
    (73_415, date(2100, 12, 31)),  # the last plausible day (convert.PLAUSIBLE_YEARS)
    (19_000_102, date(1900, 1, 2)),
    (21_001_231, date(2100, 12, 31)),
])
def test_serial_numbers_and_yyyymmdd_do_not_overlap(raw, expected):
    assert convert.parse_date(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("3 februari 2012", date(2012, 2, 3)),
    ("3 feb. 2012", date(2012, 2, 3)),
    ("3 feb 2012", date(2012, 2, 3)),
    ("03-feb-2012", date(2012, 2, 3)),
    ("3 FEBRUARI 2012", date(2012, 2, 3)),
    ("3 febr. 2012", date(2012, 2, 3)),
    ("3 januari 2012", date(2012, 1, 3)),
    ("3 mrt 2012", date(2012, 3, 3)),
    ("3 maa 2012", date(2012, 3, 3)),
    ("3 maart 2012", date(2012, 3, 3)),
    ("3 mei 2012", date(2012, 5, 3)),
    ("3 okt. 2012", date(2012, 10, 3)),
    ("3 sept. 2012", date(2012, 9, 3)),
    ("3 sep 2012", date(2012, 9, 3)),
    ("31 december 2012", date(2012, 12, 31)),
    ("vrijdag 3 februari 2012", date(2012, 2, 3)),
    ("vr 3 feb 2012", date(2012, 2, 3)),
    ("vr. 3 feb. 2012", date(2012, 2, 3)),
    ("Vrijdag, 3 februari 2012", date(2012, 2, 3)),
    ("3 February 2012", date(2012, 2, 3)),
    ("3 Feb 2012", date(2012, 2, 3)),
    ("3 Oct 2012", date(2012, 10, 3)),
    ("3 March 2012", date(2012, 3, 3)),
    ("3 May 2012", date(2012, 5, 3)),
    ("Friday 3 February 2012", date(2012, 2, 3)),
    ("3 feb 12", date(2012, 2, 3)),  # two-digit year, as in d-m-jj
    ("3 feb 99", date(1999, 2, 3)),
    ("3 februari 2012 00:00:00", date(2012, 2, 3)),
])
def test_dates_with_the_month_in_words(raw, expected):
    assert convert.parse_date(raw) == expected


@pytest.mark.parametrize("raw, shown", [
    ("31-12-9999", "31-12-9999"),  # 'open end'
    ("9999-12-31", "9999-12-31"),
    ("99991231", "99991231"),
    (99991231, "99991231"),
    ("01-01-9999", "01-01-9999"),
    ("9999-12-31T23:00:00-05:00", "9999-12-31T23:00:00-05:00"),  # would overflow converted to Amsterdam
    ("31-12-9999 00:00:00", "31-12-9999 00:00:00"),
    (datetime(9999, 12, 31, 0, 0), "31-12-9999"),
    (date(9999, 1, 1), "01-01-9999"),
    ("01-01-1900", "01-01-1900"),  # Excel's day 1, SQL Server's default
    (date(1900, 1, 1), "01-01-1900"),
    (19000101, "19000101"),
    ("00-00-0000", "00-00-0000"),
    ("0000-00-00", "0000-00-00"),
    ("0000-00-00 00:00:00", "0000-00-00 00:00:00"),
    ("01-01-0001", "01-01-0001"),  # .NET's DateTime.MinValue
    ("0001-01-01", "0001-01-01"),
    ("0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00+01:00"),
    (datetime(1, 1, 1), "01-01-0001"),
    ("30-12-1899", "30-12-1899"),  # Excel's day 0
    ("31-12-1899", "31-12-1899"),
    ("01-01-1753", "01-01-1753"),  # SQL Server's datetime minimum
])
def test_placeholder_dates_are_read_as_unknown(raw, shown):
    with pytest.raises(convert.PlaceholderDate) as exc:
        convert.parse_date(raw)
    assert isinstance(exc.value, ValueError)
    assert str(exc.value) == (f"plaatshoudersdatum '{shown}' gelezen als onbekend; "
                              "vul de echte datum in (dd-mm-jjjj)")


@pytest.mark.parametrize("raw", [
    "31-02-2012", "3 fobruari 2012", "2012-13-01T00:00:00", "2012-02-30T00:00:00Z", "2012-02-03T24:00:00",
    "2012-02-03T00:60:00", "2012-02-03T00:00:00+24:00", "2012-02-03T00:00:00+01:60", "99999999", "12345678",
    "18991229", "21010101", 99999999, 18991229, 21010101, 20120203.5, 10**30, -(10**30), 1e300,
    float("inf"), float("nan"), "32 januari 2012", "3 feb", "februari 2012", "3 2012", "3 maandag 2012",
    "maandag", "fooday 3 feb 2012", "3 feb 20121", "1" * 64, "x" * 100_000,
])
def test_what_is_no_date_is_refused_with_a_value_error(raw):
    with pytest.raises(ValueError) as exc:
        convert.parse_date(raw)
    assert not isinstance(exc.value, convert.PlaceholderDate)
    assert str(exc.value).endswith("verwacht dd-mm-jjjj")


@pytest.mark.parametrize("raw, year", [
    (80_000, 2119), ("01-01-2101", 2101), (date(2150, 5, 5), 2150), (datetime(9998, 12, 31), 9998),
    ("9998-12-31", 9998), (date(1850, 1, 1), 1850), ("3 februari 1899", 1899),
])
def test_an_implausible_year_is_refused_naming_only_the_year(raw, year):
    with pytest.raises(ValueError) as exc:
        convert.parse_date(raw)
    assert not isinstance(exc.value, convert.PlaceholderDate)
    assert str(exc.value) == (f"onwaarschijnlijk jaartal {year} in deze datum; verwacht een datum van 1900 "
                              "tot en met 2100 (dd-mm-jjjj)")


def test_a_very_long_text_is_refused_at_once():
    started = time.perf_counter()
    for text in ("1" * 100_000, "3 " * 50_000, "2012-02-03" + "0" * 100_000, " 0:00" * 20_000):
        with pytest.raises(ValueError, match=r"^ongeldige datum '.{20}…', verwacht dd-mm-jjjj$"):
            convert.parse_date(text)
    assert time.perf_counter() - started < 0.5


@settings(deadline=None)
@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.datetimes(timezones=st.timezones()),
                 st.from_regex(r"\d{1,4}[-/. ]\w{1,9}[-/. ]\d{1,5}(T\d\d:\d\d(:\d\d)?(Z|[+-]\d{2,4})?)?",
                               fullmatch=True)))
def test_a_date_or_a_value_error_never_anything_else(raw):
    try:
        parsed = convert.parse_date(raw)
    except ValueError:
        return
    assert type(parsed) is date


def test_a_moment_with_time_zone_is_dated_in_amsterdam_around_the_clock():
    moment = datetime(2012, 3, 24, 12, tzinfo=timezone.utc)  # the clocks go forward on 25 March 2012
    for _ in range(24 * 4 * 3):
        text = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert convert.parse_date(text) == moment.astimezone(convert._AMSTERDAM).date(), text
        moment += timedelta(minutes=15)


@pytest.mark.parametrize("raw, fmt, expected", [
    (4512, "000000", "004512"),  # number format restores the zeros Excel hides (P7)
    (4512, "General", "4512"),
    (4512.0, "", "4512"),  # calamine-style float, never '4512.0' (P8)
    ("004512", "", "004512"),  # text keeps its zeros
    (" 45 12 ", "", "45 12"),
    ("4512\u00a0", "", "4512"),
])
def test_identifiers_are_text_with_their_leading_zeros(raw, fmt, expected):
    assert convert.parse_identifier(raw, fmt) == expected


def test_student_numbers_match_without_leading_zeros():
    assert convert.match_key("004512") == convert.match_key("4512") == "4512"
    assert convert.match_key("0") == "0"
    assert convert.match_key("AB12") == convert.match_key("ab12")


def test_fractional_identifier_is_refused():
    with pytest.raises(ValueError, match="heel nummer"):
        convert.parse_identifier(4512.5)


@pytest.mark.parametrize("raw, expected", [
    (612345678, "0612345678"),  # a mobile number stored as a number lost its 0
    (612345678.0, "0612345678"),
    (201234567, "0201234567"),
    ("06-12345678", "06-12345678"),
    ("612345678", "0612345678"),  # a CSV written from a number cell
    ("0612345678", "0612345678"),
    ("112", "112"),
    ("+31 6 1234 5678", "+31 6 1234 5678"),
])
def test_phone_numbers_as_text_with_leading_zero(raw, expected):
    assert convert.parse_phone(raw) == expected


@pytest.mark.parametrize("raw", ["ja", "Ja", "JA", "j", "x", "X", "waar", "WAAR", "true", "TRUE", "1", 1,
                                 True, "yes", "y", "✓", "ja."])
def test_yes_in_every_spelling(raw):
    assert convert.parse_yes_no(raw) is True


@pytest.mark.parametrize("raw", ["nee", "Nee", "n", "onwaar", "ONWAAR", "false", "0", 0, False, "no", "-"])
def test_no_in_every_spelling(raw):
    assert convert.parse_yes_no(raw) is False


def test_unknown_yes_no_says_what_is_expected():
    with pytest.raises(ValueError, match="verwacht ja of nee"):
        convert.parse_yes_no("misschien")


@pytest.mark.parametrize("raw, expected", [("1234AB", "1234 AB"), ("1234 ab", "1234 AB"),
                                           (" 1234  Ab ", "1234 AB")])
def test_postcode_as_1234_AB(raw, expected):
    assert convert.parse_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["123AB", "0123 AB", "1234 A", "AB 1234"])
def test_wrong_postcode_says_what_is_expected(raw):
    with pytest.raises(ValueError, match="verwacht 1234 AB"):
        convert.parse_postcode(raw)


@pytest.mark.parametrize("raw, expected", [("ouder@example.nl", "ouder@example.nl"),
                                           (" mailto:ouder@example.nl ", "ouder@example.nl")])
def test_email_accepted(raw, expected):
    assert convert.parse_email(raw) == expected


@pytest.mark.parametrize("raw", ["ouder@", "ouder.example.nl", "a@b", "a b@example.nl",
                                 "a@example.nl; b@example.nl"])
def test_unusable_email_refused(raw):
    with pytest.raises(ValueError, match="onbruikbaar e-mailadres, verwacht naam@domein.nl"):
        convert.parse_email(raw)


def test_long_text_keeps_line_breaks_and_unescapes_excel_escapes():
    value = convert.clean_text("Rust\r\nStructuur_x000B_Vaste plek", lang=True)
    assert value == "Rust\nStructuur\nVaste plek"
    assert isinstance(value, convert.Cleaned)  # the vertical tab was a control character: reported
    assert not isinstance(convert.clean_text("Rust\nStructuur", lang=True), convert.Cleaned)


def test_short_text_collapses_whitespace():
    assert convert.clean_text("  El\u00a0 Idrissi \n") == "El Idrissi"


@pytest.mark.parametrize("raw", ["Gesprek\x01gepland", "Gesprek\x1fgepland", "Gesprek\ufffegepland",
                                 "Gesprek\x85gepland", "Gesprek_x0001_gepland"])
def test_control_characters_become_a_space_and_are_reported(raw):
    value = convert.clean_text(raw, lang=True)
    assert value == "Gesprek gepland"
    assert isinstance(value, convert.Cleaned)


def test_control_character_in_an_identifier_is_an_error():
    with pytest.raises(ValueError, match="onzichtbare stuurtekens"):
        convert.convert_value(get_field("leerling.leerlingnummer"), "45\x0112")


def test_template_syntax_stays_plain_text():
    assert convert.clean_text("{{ 7*7 }} {% for x in y %}") == "{{ 7*7 }} {% for x in y %}"
    assert type(convert.clean_text("{{ 7*7 }}")) is str


def test_several_choices_in_one_cell():
    assert convert.parse_choices("Dreigende afstroom; Mogelijke opstroom\nAnders") == (
        "Dreigende afstroom", "Mogelijke opstroom", "Anders")


def test_converteer_follows_the_field_type_not_the_cell_type():
    assert convert.convert_value(get_field("leerling.leerlingnummer"), 4512, "000000") == "004512"
    assert convert.convert_value(get_field("leerling.geboortedatum"), "14-03-2013") == date(2013, 3, 14)
    assert convert.convert_value(get_field("leerling.klas"), 1.0) == "1"
    assert convert.convert_value(get_field("ouder.telefoon"), 612345678) == "0612345678"
    assert convert.convert_value(get_field("leerling.lwoo"), "WAAR") is True


SNIPPETS = ["\x00", "\x01", "\x09", "\x0a", "\x0b", "\x0c", "\x0d", "\x1f", "\x7f", "\x85", "\x9f", "\xa0",
            "\ud800", "\ufffe", "\uffff", "\u2028", "\U0001F600", "_x0041_", "_x000D_", "_x00", " ", "  ",
            "\r\n"]


@settings(deadline=None)  # a pause of a busy machine is no failure (hypothesis's default: 200 ms)
@given(st.lists(st.one_of(st.characters(), st.sampled_from(SNIPPETS)), max_size=20).map("".join),
       st.booleans())
def test_quick_path_of_tekst_gives_what_the_full_one_gives(text, lang):
    quick, full = convert.clean_text(text, lang), convert._clean_text_full(text, lang)
    assert (type(quick), quick) == (type(full), full)


def _per_cel(v, value, number_format):
    """converteer as it was before omzetter: the choice by type made again for every cell."""
    if isinstance(value, str) and v.type in convert._STRICT_TYPES and convert.XML_ILLEGAL.search(value):
        raise ValueError("bevat onzichtbare stuurtekens (bijvoorbeeld uit geplakte tekst); "
                         "typ de waarde opnieuw in")
    parse = {FieldType.ID: lambda: convert.parse_identifier(value, number_format),
             FieldType.DATE: lambda: convert.parse_date(value),
             FieldType.YES_NO: lambda: convert.parse_yes_no(value),
             FieldType.PHONE: lambda: convert.parse_phone(value),
             FieldType.POSTCODE: lambda: convert.parse_postcode(value),
             FieldType.EMAIL: lambda: convert.parse_email(value),
             FieldType.CHOICES: lambda: convert.parse_choices(value),
             FieldType.LONG_TEXT: lambda: convert.clean_text(value, lang=True)}
    return parse.get(v.type, lambda: convert.clean_text(value))()


def _uitkomst(convert_one):
    try:
        value = convert_one()
    except ValueError as exc:
        return "fout", str, str(exc)
    return "ok", type(value), value


@pytest.mark.parametrize("raw", ["004512", 4512, 4512.0, 4512.5, True, "ja", " 14-03-2013 ", 41335,
                                 datetime(2013, 3, 14), "1234ab", "a@b.nl", "Rust\r\nStructuur_x000B_",
                                 "45\x0112", "een; twee", 612345678])
def test_converter_per_type_converts_as_before(raw):
    for v in FIELDS:
        for fmt in ("", "000000"):
            assert _uitkomst(lambda: convert.converter(v.type)(raw, fmt)) == _uitkomst(  # noqa: B023
                lambda: _per_cel(v, raw, fmt)), v.path  # noqa: B023
