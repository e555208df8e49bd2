"""Cell values -> typed values, by field type. Parsers raise ValueError with the Dutch expectation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache

from .fields import Veld, Veldtype

# Characters XML 1.0 does not allow; python-docx refuses them and docxtpl silently drops them.
XML_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_C1 = re.compile("[\u007f-\u009f]")  # legal in XML, but never meant: DEL and C1 controls (latin-1 mix-ups)
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%m-%y", "%d/%m/%y")
_JA = {"ja", "j", "x", "waar", "true", "1", "yes", "y", "✓", "v"}
_NEE = {"nee", "n", "onwaar", "false", "0", "no", "-"}
_EMAIL = re.compile(r"^[^@\s;,<>]+@[^@\s;,<>]+\.[A-Za-z]{2,}$")
_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Types whose text is not free text: a control character there is an error, not something to clean.
_STRIKT = {Veldtype.ID, Veldtype.DATUM, Veldtype.JA_NEE, Veldtype.TELEFOON, Veldtype.POSTCODE, Veldtype.EMAIL}
# What makes tekst() do more than trim: an escape, a character it replaces (everything below a space
# except the line feed, DEL and C1 controls, surrogates, U+FFFE/U+FFFF).
_BIJZONDER = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


class Opgeschoond(str):
    """A text from which XML-illegal characters were removed; the validator reports it."""


def is_leeg(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def tekst(value: object, lang: bool = False) -> str:
    """Free text. Line breaks are kept in long text; Excel's _xHHHH_ escapes are undone; characters
    XML cannot hold are replaced by a space and reported by returning an `Opgeschoond` string."""
    if value.__class__ is str and not _BIJZONDER.search(value):
        # nearly every cell: nothing to unescape, replace or report; the same result as below, sooner
        return value.strip() if lang else " ".join(value.split())
    return _tekst(value, lang)


def _tekst(value: object, lang: bool) -> str:
    """tekst() in full, for any value."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return datum_tekst(value if isinstance(value, date) and not isinstance(value, datetime)
                           else value.date())
    s = _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), str(value))
    dirty = XML_ILLEGAL.search(s) is not None or _C1.search(s) is not None  # pasted from Word, and friends
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    if not lang:
        s = " ".join(s.split())
    else:
        s = s.replace("\t", " ").strip()
    cleaned = _C1.sub(" ", XML_ILLEGAL.sub(" ", s))
    return Opgeschoond(cleaned) if dirty else cleaned


def identificatie(value: object, number_format: str = "") -> str:
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


def sleutel(leerlingnummer: str) -> str:
    """The matching key of a student number: leading zeros do not count ('004512' == '4512')."""
    s = leerlingnummer.strip()
    return (s.lstrip("0") or "0") if s.isdigit() else s.casefold()


def datum(value: object) -> date:
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


def ja_nee(value: object) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().casefold().rstrip(".")
    if s in _JA:
        return True
    if s in _NEE:
        return False
    raise ValueError(f"'{value}' is geen ja of nee, verwacht ja of nee")


def telefoon(value: object) -> str:
    """A phone number as text; a number that lost its leading zero gets it back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    s = " ".join(str(value).split())
    # nine digits is a Dutch number whose 0 was lost (a number cell, or a CSV written from one)
    return "0" + s if len(s) == 9 and s.isdigit() and s[0] != "0" else s


def postcode(value: object) -> str:
    m = _POSTCODE.match(str(value).strip())
    if not m:
        raise ValueError(f"ongeldige postcode '{value}', verwacht 1234 AB")
    return f"{m.group(1)} {m.group(2).upper()}"


def email(value: object) -> str:
    s = str(value).strip()
    if s.casefold().startswith("mailto:"):
        s = s[7:]
    if not _EMAIL.match(s):
        raise ValueError("onbruikbaar e-mailadres, verwacht naam@domein.nl")
    return s


def keuzes(value: object) -> tuple[str, ...]:
    """Several choices in one cell, separated by ';' or line breaks."""
    parts = re.split(r"[;\n]", tekst(value, lang=True))
    return tuple(p.strip() for p in parts if p.strip())


def converteer(v: Veld, value: object, number_format: str = "") -> object:
    """Convert one non-empty cell for field `v`; raises ValueError saying what is expected."""
    return omzetter(v.type)(value, number_format)


@cache
def omzetter(soort: Veldtype) -> Callable[[object, str], object]:
    """converteer for one field type, chosen once: the validator converts a whole column with it."""
    parse = _OMZETTERS.get(soort, _tekst_kort)
    if soort not in _STRIKT:
        return parse

    def streng(value: object, number_format: str = "") -> object:
        if isinstance(value, str) and XML_ILLEGAL.search(value):
            raise ValueError("bevat onzichtbare stuurtekens (bijvoorbeeld uit geplakte tekst); "
                             "typ de waarde opnieuw in")
        return parse(value, number_format)
    return streng


def _tekst_kort(value: object, _number_format: str = "") -> str:
    return tekst(value)


_OMZETTERS: dict[Veldtype, Callable[[object, str], object]] = {
    Veldtype.ID: identificatie,
    Veldtype.DATUM: lambda value, _fmt="": datum(value),
    Veldtype.JA_NEE: lambda value, _fmt="": ja_nee(value),
    Veldtype.TELEFOON: lambda value, _fmt="": telefoon(value),
    Veldtype.POSTCODE: lambda value, _fmt="": postcode(value),
    Veldtype.EMAIL: lambda value, _fmt="": email(value),
    Veldtype.KEUZES: lambda value, _fmt="": keuzes(value),
    Veldtype.LANGE_TEKST: lambda value, _fmt="": tekst(value, lang=True),
}  # any other type is short free text


MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december")


def datum_tekst(d: date) -> str:
    """A date as Dutch readers write it: '1 september 2026'."""
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"
