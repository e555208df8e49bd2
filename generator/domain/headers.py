"""How school systems write column headers, as words: case and camelCase, separators, the abbreviations
schools use, and the prefixes systems put before a field name. Knowledge of header text only; which
field a header names is decided in read/columns.py."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SEPARATORS = re.compile(r"[\s\-_/.:;,()\[\]#'\"\u2019|+&*]+")
# 'leerlingNummer' -> 'leerling Nummer', 'Ouder1' -> 'Ouder 1', 'LPV2' -> 'LPV 2'; 'BIRTHDATE' stays whole
_CAMEL = re.compile(r"(?<=[a-z\u00df-\u00ff])(?=[A-Z\u00c0-\u00de])|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")

# Whole words as schools abbreviate them. A bare 'nr' becomes 'nummer', but a lone 'nummer' only ever
# matches as written (see GENERIC): in Magister 'Nr' is the house number.
ABBREVIATIONS = {
    "geb": "geboorte", "gebdat": "geboortedatum", "gebdatum": "geboortedatum", "dat": "datum",
    "tv": "tussenvoegsel", "tussenv": "tussenvoegsel", "tsv": "tussenvoegsel", "voorv": "voorvoegsel",
    "vv": "voorvoegsel", "lln": "leerling", "ll": "leerling", "llg": "leerling", "nr": "nummer",
    "num": "nummer", "tel": "telefoon", "telnr": "telefoonnummer", "mob": "mobiel",
    "achtern": "achternaam", "roepn": "roepnaam", "vnaam": "voornaam", "vrl": "voorletters",
    "vl": "voorletters", "inschr": "inschrijving", "ondst": "ondersteuning", "stud": "studie",
    "firstname": "first name", "lastname": "last name", "birthdate": "birth date",
    "studentnumber": "student number", "emailadres": "email adres",
}
# Words a system adds to every name that say nothing about the field: 'geb_datum_str'.
FILLER_WORDS = frozenset({"str", "txt", "string", "text", "veld", "field", "waarde", "value"})
# Words that carry no meaning of their own when a header is matched word by word.
STOP_WORDS = frozenset({"van", "de", "het", "der", "den", "en", "of", "in", "op", "te", "per", "met",
                        "bij", "voor", "naar", "om", "the", "and", "a", "an"})
# Aliases made only of these words are matched only as written: 'Nummer' yes, 'Nr' or 'Huisnr' no.
GENERIC = frozenset({"nummer", "naam", "datum", "code", "type", "soort", "jaar", "id", "key", "start",
                     "van", "tot", "wat", "wie", "waar", "rol", "titel", "functie", "status", "groep",
                     "omschrijving", "link", "pad", "bestand", "locatie", "plaats", "mail", "name",
                     "year", "class", "title", "ouder", "verzorger", "leerling"})
# What a system writes before or after a field name to say whose field it is: 'leerlingRoepnaam'.
STUDENT_WORDS = frozenset({"leerling", "student", "deelnemer", "pupil"})
PARENT_WORDS = frozenset({"ouder", "ouders", "verzorger", "verzorgers", "parent", "guardian", "lpv",
                          "contactpersoon"})


def normalize_header(text: object) -> str:
    """A sheet name or header as it is looked up: NFKC, invisible characters gone, casefolded,
    punctuation as spaces. 'Stamnr.' and 'STAMNR' and 'Stamnr\xa0' all become 'stamnr'."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE)
    return _SEPARATORS.sub(" ", s.casefold()).strip()


@cache
def header_words(text: str) -> tuple[str, ...]:
    """The words of a header: camelCase, digits and every separator split, casefolded.
    'leerlingNummer', 'leerling_nummer' and 'Leerling nummer' all give ('leerling', 'nummer')."""
    s = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return tuple(_SEPARATORS.sub(" ", _CAMEL.sub(" ", s).casefold()).split())


def expand(words: tuple[str, ...]) -> tuple[str, ...]:
    """Abbreviations written out and filler words dropped: ('geb', 'datum', 'str') -> ('geboorte',
    'datum')."""
    out: list[str] = []
    for w in words:
        if w in FILLER_WORDS and len(words) > 1:
            continue
        out += ABBREVIATIONS.get(w, w).split()
    return tuple(out)


def squash(words: tuple[str, ...]) -> str:
    """Words joined without spaces, so a compound and its parts compare equal: 'geboorte datum' and
    'geboortedatum'."""
    return "".join(words)


def is_generic(words: tuple[str, ...]) -> bool:
    return all(w in GENERIC or w.isdigit() for w in words)
