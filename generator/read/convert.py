"""Cell values -> typed values, by field type. Parsers raise ValueError with the Dutch expectation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache

from ..domain.fields import Field, FieldType

# Characters XML 1.0 does not allow; python-docx refuses them and docxtpl silently drops them.
XML_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_C1 = re.compile("[\u007f-\u009f]")  # legal in XML, but never meant: DEL and C1 controls (latin-1 mix-ups)
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%m-%y", "%d/%m/%y")
_YES = {"ja", "j", "x", "waar", "true", "1", "yes", "y", "✓", "v"}
_NO = {"nee", "n", "onwaar", "false", "0", "no", "-"}
_EMAIL = re.compile(r"^[^@\s;,<>]+@[^@\s;,<>]+\.[A-Za-z]{2,}$")
_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Types whose text is not free text: a control character there is an error, not something to clean.
_STRICT_TYPES = {FieldType.ID, FieldType.DATE, FieldType.YES_NO, FieldType.PHONE, FieldType.POSTCODE,
                 FieldType.EMAIL}
# What makes text() do more than trim: an escape, a character it replaces (everything below a space
# except the line feed, DEL and C1 controls, surrogates, U+FFFE/U+FFFF).
_SPECIAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


class Cleaned(str):
    """A text from which XML-illegal characters were removed; the validator reports it."""


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
    """A date from a real date cell, an Excel serial number or day-first text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 10_000 <= value <= 80_000:
            return (_EXCEL_EPOCH + timedelta(days=int(value))).date()
        raise ValueError(f"'{value}' is geen datum, verwacht dd-mm-jjjj")
    original = str(value).strip()
    s = original.split(" ", 1)[0]  # '01-09-2026 00:00:00' from a text export
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(s, fmt).date()
        except ValueError:
            continue
        if fmt.endswith("%y") and parsed.year > date.today().year + 10:
            parsed = parsed.replace(year=parsed.year - 100)
        return parsed
    raise ValueError(f"ongeldige datum '{original}', verwacht dd-mm-jjjj")


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
    return converter(v.type)(value, number_format)


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


MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def date_text(d: date) -> str:
    """A date as Dutch readers write it: '1 september 2026'."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
