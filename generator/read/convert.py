"""Cell values -> typed values, by field type. Parsers raise ValueError with the Dutch expectation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from ..domain.fields import Field, FieldType
from .choices import ChoiceList

# Characters XML 1.0 does not allow; python-docx refuses them and docxtpl silently drops them.
XML_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_C1 = re.compile("[\u007f-\u009f]")  # legal in XML, but never meant: DEL and C1 controls (latin-1 mix-ups)
# dd-mm-jjjj, dd/mm/jjjj and dd.mm.jjjj with one separator throughout: what _DATE_FORMATS reads first
_DAY_FIRST = re.compile(r"(?P<day>[0-9]{1,2})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4})")
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%m-%y", "%d/%m/%y")
_YES = {"ja", "j", "x", "waar", "true", "1", "yes", "y", "✓", "v"}
_NO = {"nee", "n", "onwaar", "false", "0", "no", "-"}
_EMAIL = re.compile(r"^[^@\s;,<>]+@[^@\s;,<>]+\.[A-Za-z]{2,}$")
_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
# A moment with a time zone ('2012-02-02T23:00:00Z') is dated as the school sees it: on the Dutch calendar.
# Loaded at import so that a missing time zone database (Windows without tzdata) shows at once.
_AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A date is never longer than this; longer text is refused before any pattern looks at it.
_LONGEST_DATE_TEXT = 64
# The years a date in a school's OPP can have. A date outside them is a typo or a system's 'open end'
# (2999, 9998): read as unknown with a warning, which also keeps the deadline rules far from the end of
# the calendar. An eight-digit number is read as jjjjmmdd only for these years: others are no date.
PLAUSIBLE_YEARS = range(1900, 2101)
# Dates systems write for 'unknown': .NET's and Java's minimum, SQL Server's datetime minimum, Excel's day
# 0 (shown as 30-12-1899 or 31-12-1899) and day 1, SQL Server's default; year 9999 is the 'open end'.
_PLACEHOLDER_DATES = frozenset({date(1, 1, 1), date(1753, 1, 1), date(1899, 12, 30), date(1899, 12, 31),
                                date(1900, 1, 1)})
_PLACEHOLDER_YEAR = 9999
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")
# Month names and the abbreviations schools write, with or without a full stop ('3 feb. 2012').
_DUTCH_MONTHS = {name: number for number, name in enumerate(MONTHS, 1)} | {
    "jan": 1, "feb": 2, "febr": 2, "mrt": 3, "maa": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dec": 12}
_ENGLISH_MONTHS = {"january": 1, "february": 2, "march": 3, "mar": 3, "may": 5, "june": 6, "july": 7,
                   "august": 8, "october": 10, "oct": 10}  # the other abbreviations are Dutch ones too
_MONTH_NUMBERS = _DUTCH_MONTHS | _ENGLISH_MONTHS
# A weekday before the date is read past, not checked: the form needs the date, not the day's name.
_WEEKDAYS = frozenset({"maandag", "ma", "dinsdag", "di", "woensdag", "wo", "donderdag", "do", "vrijdag",
                       "vr", "zaterdag", "za", "zondag", "zo", "monday", "mon", "tuesday", "tue", "tues",
                       "wednesday", "wed", "thursday", "thu", "thur", "thurs", "friday", "fri", "saturday",
                       "sat", "sunday", "sun"})
# ASCII only: other scripts' digits and look-alike letters (the Kelvin sign for k) are no date.
_DATE_IN_WORDS = re.compile(r"(?:(?P<weekday>[a-z]+)\.?,? )?(?P<day>\d{1,2})[ -]?(?P<month>[a-z]+)\.?[ -]?"
                            r"(?P<year>\d{4}|\d{2})", re.ASCII | re.IGNORECASE)
# The time of day an export writes after a date: ' 00:00:00', 'T00:00:00.000', 'T23:00:00Z', '+0100'.
_TIME_OF_DAY = re.compile(r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d{1,9})?)? ?"
                          r"(?P<zone>Z|(?P<sign>[+-])(?P<zone_hours>\d{2})(?::?(?P<zone_minutes>[0-5]\d))?)?\Z",
                          re.ASCII | re.IGNORECASE)
# Types whose text is not free text: a control character there is an error, not something to clean.
_STRICT_TYPES = {FieldType.ID, FieldType.DATE, FieldType.YES_NO, FieldType.PHONE, FieldType.POSTCODE,
                 FieldType.EMAIL}
# What makes text() do more than trim: an escape, a character it replaces (everything below a space
# except the line feed, DEL and C1 controls, surrogates, U+FFFE/U+FFFF).
_SPECIAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_CHOICE_TYPES = {FieldType.CHOICE, FieldType.COMBO, FieldType.CHOICES}
_MEMO_SIZE = 512  # distinct texts remembered per choice field: a column holds a few, a wrong one thousands


class Cleaned(str):
    """A text from which XML-illegal characters were removed; the validator reports it."""


class PlaceholderDate(ValueError):
    """A date a system writes for 'unknown' (31-12-9999, 01-01-1900, 00-00-0000): no real date."""


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: object, lang: bool = False) -> str:
    """Free text. Line breaks are kept in long text; Excel's _xHHHH_ escapes are undone; characters
    XML cannot hold are replaced by a space and reported by returning an `Cleaned` string."""
    if value.__class__ is str and not _SPECIAL.search(value):
        # nearly every cell: nothing to unescape, replace or report; the same result as below, sooner
        return value.strip() if lang else " ".join(value.split())
    return _clean_text_full(value, lang)


def _clean_text_full(value: object, lang: bool) -> str:
    """text() in full, for any value."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return date_text(value if isinstance(value, date) and not isinstance(value, datetime)
                         else value.date())
    s = _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), str(value))
    dirty = XML_ILLEGAL.search(s) is not None or _C1.search(s) is not None  # pasted from Word, and friends
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    if not lang:
        s = " ".join(s.split())
    else:
        s = s.replace("\t", " ").strip()
    cleaned = _C1.sub(" ", XML_ILLEGAL.sub(" ", s))
    return Cleaned(cleaned) if dirty else cleaned


def parse_identifier(value: object, number_format: str = "") -> str:
    """An identifier as text. Numbers lose no digits (12345.0 -> '12345'); a '000000' cell format
    restores the leading zeros Excel hides."""
    if isinstance(value, bool):
        raise ValueError("verwacht een nummer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("verwacht een heel nummer zonder komma")
        value = int(value)
    if isinstance(value, int):
        s = str(value)
        if number_format and set(number_format) == {"0"}:
            s = s.zfill(len(number_format))
        return s
    s = " ".join(str(value).split())
    if not s:
        raise ValueError("verwacht een nummer")
    return s


def match_key(leerlingnummer: str) -> str:
    """The matching key of a student number: leading zeros do not count ('004512' == '4512')."""
    s = leerlingnummer.strip()
    return (s.lstrip("0") or "0") if s.isdigit() else s.casefold()


def parse_date(value: object) -> date:
    """A date from a real date cell, an Excel serial number, a jjjjmmdd number or text: day first, ISO (a
    moment with a time zone gives its date in Amsterdam) or with the month in words. A placeholder for
    'unknown' raises PlaceholderDate; a year outside PLAUSIBLE_YEARS and anything else that is no date
    ValueError."""
    if isinstance(value, datetime):
        value = _local_date(value)
    if isinstance(value, date):
        return _checked(value, _dd_mm_yyyy(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _date_from_number(value)
    return _date_from_text(str(value))


def _date_from_number(value: int | float) -> date:
    if 10_000 <= value <= 80_000:  # an Excel serial number: days since Excel's day 0
        return _checked((_EXCEL_EPOCH + timedelta(days=int(value))).date(), "")
    if 10_000_000 <= value <= 99_999_999 and value == int(value):  # jjjjmmdd, as some systems export it
        digits = str(int(value))
        day = _from_yyyymmdd(digits)
        if day is not None:
            return _checked(day, digits)
    raise ValueError(f"'{value}' is geen datum, verwacht dd-mm-jjjj")


def _date_from_text(text: str) -> date:
    """A date in digits or words, perhaps followed by a time of day and a time zone."""
    original = text.strip()
    if len(original) > _LONGEST_DATE_TEXT:
        raise ValueError(f"ongeldige datum '{original[:20]}…', verwacht dd-mm-jjjj")
    s = " ".join(original.split())
    time_of_day = _TIME_OF_DAY.search(s)
    written = s[:time_of_day.start()] if time_of_day else s
    if _is_zero_date(written):
        raise PlaceholderDate(_placeholder_message(original))
    day = _date_in_digits(written) or _date_in_words(written)
    if day is not None and time_of_day:
        day = _date_at(day, time_of_day)
    if day is None:  # as before: whatever follows a date and a space is not read ('01-09-2026 0:00 uur')
        day = _date_in_digits(s.split(" ", 1)[0])
    if day is None:
        raise ValueError(f"ongeldige datum '{original}', verwacht dd-mm-jjjj")
    return _checked(day, original)


def _date_in_digits(text: str) -> date | None:
    """dd-mm-jjjj and the other notations of _DATE_FORMATS, or jjjjmmdd."""
    if len(text) == 8 and text.isascii() and text.isdigit():
        return _from_yyyymmdd(text)
    common = _DAY_FIRST.fullmatch(text)
    if common is not None:  # nearly every text date: read without strptime, which costs 25 us a try
        try:
            return date(int(common["year"]), int(common["month"]), int(common["day"]))
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if fmt.endswith("%y") and parsed.year > date.today().year + 10:
            parsed = parsed.replace(year=parsed.year - 100)
        return parsed
    return None


def _from_yyyymmdd(digits: str) -> date | None:
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return day if day.year in PLAUSIBLE_YEARS or _is_placeholder(day) else None


def _date_in_words(text: str) -> date | None:
    """'3 februari 2012', '03-feb-2012', 'vr 3 feb. 2012', '3 Oct 2012': day first, month in words."""
    m = _DATE_IN_WORDS.fullmatch(text)
    if m is None or (m["weekday"] and m["weekday"].lower() not in _WEEKDAYS):
        return None
    month = _MONTH_NUMBERS.get(m["month"].lower())
    # in digits, so that a two-digit year gets the century it gets there
    return _date_in_digits(f"{m['day']}-{month}-{m['year']}") if month else None


def _date_at(day: date, time_of_day: re.Match[str]) -> date | None:
    """The date of `day` at the time of day after it, in Amsterdam; None for an impossible time."""
    try:
        moment = datetime.combine(day, time(int(time_of_day["hour"]), int(time_of_day["minute"]),
                                            int(time_of_day["second"] or 0)), _time_zone(time_of_day))
    except ValueError:
        return None
    return _local_date(moment)


def _time_zone(time_of_day: re.Match[str]) -> tzinfo | None:
    zone = time_of_day["zone"]
    if not zone:
        return None  # a local time: its date is the written one
    if zone.upper() == "Z":
        return timezone.utc
    offset = timedelta(hours=int(time_of_day["zone_hours"]), minutes=int(time_of_day["zone_minutes"] or 0))
    return timezone(-offset if time_of_day["sign"] == "-" else offset)  # ValueError from 24 hours on


def _local_date(moment: datetime) -> date:
    """The date of a moment in Amsterdam; a moment without time zone gives its written date."""
    written = moment.date()
    if moment.tzinfo is None or _is_placeholder(written):
        # a placeholder stays one in any time zone (and 9999-12-31 would overflow on the way)
        return written
    return moment.astimezone(_AMSTERDAM).date()


def _is_zero_date(text: str) -> bool:
    """'00-00-0000', '0000-00-00', '00000000': a placeholder without day, month or year, so no date."""
    return text.count("0") >= 6 and not text.strip("0-/.")


def _is_placeholder(day: date) -> bool:
    return day.year >= _PLACEHOLDER_YEAR or day in _PLACEHOLDER_DATES


def _checked(day: date, shown: str) -> date:
    """The day, unless it is a placeholder or has an implausible year. The message names the year only:
    the cell may hold eight digits, and a message never repeats what could be a BSN."""
    if _is_placeholder(day):
        raise PlaceholderDate(_placeholder_message(shown))
    if day.year not in PLAUSIBLE_YEARS:
        raise ValueError(f"onwaarschijnlijk jaartal {day.year} in deze datum; verwacht een datum van "
                         f"{PLAUSIBLE_YEARS[0]} tot en met {PLAUSIBLE_YEARS[-1]} (dd-mm-jjjj)")
    return day


def _placeholder_message(shown: str) -> str:
    return f"plaatshoudersdatum '{shown}' gelezen als onbekend; vul de echte datum in (dd-mm-jjjj)"


def _dd_mm_yyyy(day: date) -> str:
    return f"{day.day:02}-{day.month:02}-{day.year:04}"  # strftime drops the zeros of year 1


def parse_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().casefold().rstrip(".")
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise ValueError(f"'{value}' is geen ja of nee, verwacht ja of nee")


def parse_phone(value: object) -> str:
    """A phone number as text; a number that lost its leading zero gets it back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    s = " ".join(str(value).split())
    # nine digits is a Dutch number whose 0 was lost (a number cell, or a CSV written from one)
    return "0" + s if len(s) == 9 and s.isdigit() and s[0] != "0" else s


def parse_postcode(value: object) -> str:
    m = _POSTCODE.match(str(value).strip())
    if not m:
        raise ValueError(f"ongeldige postcode '{value}', verwacht 1234 AB")
    return f"{m.group(1)} {m.group(2).upper()}"


def parse_email(value: object) -> str:
    s = str(value).strip()
    if s.casefold().startswith("mailto:"):
        s = s[7:]
    if not _EMAIL.match(s):
        raise ValueError("onbruikbaar e-mailadres, verwacht naam@domein.nl")
    return s


def parse_choices(value: object) -> tuple[str, ...]:
    """Several choices in one cell, separated by ';' or line breaks."""
    parts = re.split(r"[;\n]", clean_text(value, lang=True))
    return tuple(p.strip() for p in parts if p.strip())


def convert_value(v: Field, value: object, number_format: str = "") -> object:
    """Convert one non-empty cell for field `v`; raises ValueError saying what is expected."""
    return field_converter(v)(value, number_format)


@cache
def field_converter(v: Field) -> Callable[[object, str], object]:
    """The converter of one field: that of its type, and for a choice field one that reads the export's
    spelling as the field's own choice (read/choices.py). Chosen once per field, as a table's plan does."""
    if v.type not in _CHOICE_TYPES or not v.choices:
        return converter(v.type)
    choices = ChoiceList(v)
    read = (lambda text: choices.read_many(parse_choices(text))) if v.type is FieldType.CHOICES \
        else (lambda text: choices.read_one(clean_text(text)))
    memo: dict[str, object] = {}

    def choice(value: object, _number_format: str = "") -> object:
        if value.__class__ is not str:
            return read(value)
        result = memo.get(value)
        if result is None:
            result = read(value)
            if len(memo) < _MEMO_SIZE:
                memo[value] = result
        return result
    return choice


@cache
def converter(soort: FieldType) -> Callable[[object, str], object]:
    """converteer for one field type, chosen once: the validator converts a whole column with it."""
    parse = _CONVERTERS.get(soort, _short_text)
    if soort not in _STRICT_TYPES:
        return parse

    def strict(value: object, number_format: str = "") -> object:
        if isinstance(value, str) and XML_ILLEGAL.search(value):
            raise ValueError("bevat onzichtbare stuurtekens (bijvoorbeeld uit geplakte tekst); "
                             "typ de waarde opnieuw in")
        return parse(value, number_format)
    return strict


def _short_text(value: object, _number_format: str = "") -> str:
    return clean_text(value)


_CONVERTERS: dict[FieldType, Callable[[object, str], object]] = {
    FieldType.ID: parse_identifier,
    FieldType.DATE: lambda value, _fmt="": parse_date(value),
    FieldType.YES_NO: lambda value, _fmt="": parse_yes_no(value),
    FieldType.PHONE: lambda value, _fmt="": parse_phone(value),
    FieldType.POSTCODE: lambda value, _fmt="": parse_postcode(value),
    FieldType.EMAIL: lambda value, _fmt="": parse_email(value),
    FieldType.CHOICES: lambda value, _fmt="": parse_choices(value),
    FieldType.LONG_TEXT: lambda value, _fmt="": clean_text(value, lang=True),
}  # any other type is short free text


def date_text(d: date) -> str:
    """A date as Dutch readers write it: '1 september 2026'."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
