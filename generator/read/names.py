"""Names as exports write them: one full-name column split into roepnaam, tussenvoegsel and achternaam,
and a guardian's name put together from its parts."""

from __future__ import annotations

from typing import NamedTuple

# Dutch (and common foreign) tussenvoegsels; 'El' and 'Al' are left out: in a Dutch registry they are
# usually part of the surname ('El Idrissi').
TUSSENVOEGSELS = frozenset({
    "van", "de", "der", "den", "het", "'t", "\u2019t", "ter", "ten", "te", "in", "op", "onder", "over",
    "uit", "aan", "bij", "voor", "von", "vom", "zu", "la", "le", "du", "da", "di", "del", "della", "des",
    "do", "dos", "das", "'s", "\u2019s", "l'", "d'",
})


class SplitName(NamedTuple):
    roepnaam: str
    tussenvoegsel: str
    achternaam: str
    doubt: bool  # the split is a guess: the finding asks staff to check it


def split_full_name(text: str) -> SplitName:
    """'Aartsen, Dae' and 'Berg, Anna van den' (surname first, with a comma) or 'Anna van den Berg'
    (roepnaam first). More first names than one, or a single word, is split but marked as a doubt."""
    text = " ".join(text.split())
    if "," in text:
        surname, _, given = (p.strip() for p in text.partition(","))
        return _surname_first(surname, given)
    words = text.split()
    if len(words) == 1:
        return SplitName("", "", words[0], True)
    at = 1
    while at < len(words) - 1 and words[at].casefold() in TUSSENVOEGSELS:
        at += 1
    tussenvoegsel = " ".join(words[1:at])
    achternaam = " ".join(words[at:])
    doubt = not tussenvoegsel and len(words) > 2
    return SplitName(words[0], tussenvoegsel, achternaam, doubt)


def _surname_first(surname: str, given: str) -> SplitName:
    """'Berg van den, Anna', 'Berg, Anna van den': the tussenvoegsel may stand on either side."""
    before = surname.split()
    tail = []
    while len(before) > 1 and before[-1].casefold() in TUSSENVOEGSELS:
        tail.insert(0, before.pop())
    after = given.split()
    trailing = []
    while after and after[-1].casefold() in TUSSENVOEGSELS:
        trailing.insert(0, after.pop())
    tussenvoegsel = " ".join(tail or trailing)
    doubt = not after or len(after) > 1 or bool(tail and trailing)
    return SplitName(" ".join(after), tussenvoegsel, " ".join(before), doubt)


def guardian_name(aanhef: str = "", voorletters: str = "", roepnaam: str = "", tussenvoegsel: str = "",
                  achternaam: str = "") -> str:
    """A guardian's name from its parts as a letter writes it: 'mw. M. El Idrissi'. The initials are
    used when the export has them, else the roepnaam."""
    first = voorletters or roepnaam
    if not achternaam:
        return " ".join(p for p in (aanhef, first) if p) if first else ""
    return " ".join(p for p in (aanhef, first, tussenvoegsel, achternaam) if p)
