"""Headers -> fields: which field a column holds, how sure that is, and which kind of sheet a header row
belongs to.

A header is compared with every alias of the registry in steps, each less certain than the one before:
as written; with abbreviations written out ('Geb. dat.', 'tussenv'); without a system's prefix or
suffix ('leerlingRoepnaam', 'stamnr_str'); the last part of a dotted name ('Leerfase.Leerjaar'); word
by word ('Aanpak / interventie'); and last a look-alike ('Geboortedatun'). A match below SURE is
reported with the choice made. An alias made only of generic words ('Nummer', 'Naam') matches only as
written or after a known prefix: in Magister 'Nr' is the house number.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from ..domain.field_list_other import PARENT_ONLY_NUMBER_ALIASES
from ..domain.fields import LEERLINGEN, OUDERS, Field, FieldType, SheetKind
from ..domain.headers import (
    PARENT_WORDS,
    STOP_WORDS,
    STUDENT_WORDS,
    expand,
    header_words,
    is_generic,
    squash,
)
from ..domain.registry import fields_of

EXACT, EXPANDED, STRIPPED, NAMESPACE, WORDS, AMBIGUOUS, LOOKALIKE = 1.0, 0.95, 0.9, 0.85, 0.75, 0.7, 0.6
SURE = 0.8  # a match below this is reported with the choice made
_LOOKALIKE_RATIO = 0.88
_PARENT_ONLY = frozenset(squash(header_words(a)) for a in PARENT_ONLY_NUMBER_ALIASES.split("|"))
_OWN_WORDS = {LEERLINGEN: STUDENT_WORDS, OUDERS: PARENT_WORDS}
# Never reached by a guess (words, a look-alike): the key, the column that decides who gets an OPP, the BSN.
_NO_GUESS_TYPES = {FieldType.ID, FieldType.SECRET}
_NO_GUESS_PATHS = {"opp.nodig"}
_MAX_CHOICES = 2  # a header whose words fit more fields than this is no guess but a question


@dataclass(frozen=True)
class Match:
    """A header recognised as a field: how sure, and in Dutch how ('' when it is an alias as written)."""

    field: Field
    score: float
    how: str = ""
    alias: str = ""  # the alias it matched
    parent_prefix: bool = False  # recognised through a parent prefix: 'verzorgerAchternaam'

    @property
    def weak(self) -> bool:
        return self.score < SURE


@dataclass(frozen=True)
class _Index:
    """The aliases of one kind of sheet in the forms a header is compared in."""

    exact: dict[str, tuple[Field, str]]
    expanded: dict[str, tuple[Field, str]]  # aliases that are not generic only
    generic: dict[str, tuple[Field, str]]
    vocabulary: dict[str, frozenset[Field]]  # meaningful word -> fields whose aliases use it

    @classmethod
    @cache
    def of(cls, kind: SheetKind) -> _Index:
        exact: dict[str, tuple[Field, str]] = {}
        expanded: dict[str, tuple[Field, str]] = {}
        generic: dict[str, tuple[Field, str]] = {}
        vocabulary: dict[str, set[Field]] = {}
        for v in fields_of(kind):
            for alias in v.aliases:
                words = header_words(alias)
                exact.setdefault(squash(words), (v, alias))
                long = expand(words)
                (generic if is_generic(long) else expanded).setdefault(squash(long), (v, alias))
                for w in long:
                    if w not in STOP_WORDS and not w.isdigit() and _guessable(v):
                        vocabulary.setdefault(w, set()).add(v)
        return cls(exact, expanded, generic, {w: frozenset(f) for w, f in vocabulary.items()})


@cache
def match_header(header: str, kind: SheetKind) -> Match | None:
    """The field a header names on a sheet of this kind, by the registry's aliases; None if none fits.
    Look-alikes are left to `look_alike`: they are tried only for the columns of a chosen header row."""
    words = header_words(header)
    if not words:
        return None
    index = _Index.of(kind)
    if (hit := index.exact.get(squash(words))) is not None:
        return Match(hit[0], EXACT, "", hit[1])
    long = expand(words)
    if (hit := index.expanded.get(squash(long))) is not None:
        return Match(hit[0], EXPANDED, "afkorting uitgeschreven", hit[1])
    found = _without_own_words(long, kind, index)
    if found is not None:
        return found
    if "." in header and not any(c.isspace() for c in header.strip()):  # 'Leerfase.Leerjaar'
        last = header.strip().rsplit(".", 1)[1]
        inner = match_header(last, kind) if last else None
        if inner is not None and inner.score >= STRIPPED:
            return Match(inner.field, NAMESPACE, f"alleen het laatste deel '{last}' gelezen", inner.alias)
    return _by_words(long, kind, index)


def _without_own_words(long: tuple[str, ...], kind: SheetKind, index: _Index) -> Match | None:
    """'leerlingRoepnaam' on a students sheet, 'verzorgerNaam' on a parents sheet: the words that say
    whose field it is are left out."""
    own = _OWN_WORDS.get(kind, frozenset())
    rest = tuple(w for w in long if w not in own)
    if not rest or len(rest) == len(long):
        return None
    key = squash(rest)
    hit = index.expanded.get(key) or index.generic.get(key)
    if hit is None:
        return None
    dropped = " ".join(w for w in long if w in own)
    return Match(hit[0], STRIPPED, f"voorvoegsel '{dropped}' weggelaten", hit[1], kind is OUDERS)


def _by_words(long: tuple[str, ...], kind: SheetKind, index: _Index) -> Match | None:
    """Every meaningful word of the header belongs to the aliases of one field: 'Aanpak / interventie'.
    One word is too little to go on: 'Extra 3' is a school's own column, not 'Datum afspraak extra
    ondersteuning'."""
    own = _OWN_WORDS.get(kind, frozenset())
    content = [w for w in long if w not in STOP_WORDS and w not in own and not w.isdigit()]
    if len(content) < 2 or is_generic(tuple(content)) or any(w not in index.vocabulary for w in content):
        return None
    common = frozenset.intersection(*(index.vocabulary[w] for w in content))
    if not common:
        return None
    words = "herkend aan de woorden " + ", ".join(f"'{w}'" for w in content)
    if len(common) == 1:
        (v,) = common
        return Match(v, WORDS, words)
    if len(common) > _MAX_CHOICES:
        return None
    first, *others = [v for v in fields_of(kind) if v in common]  # a choice, reported as such
    return Match(first, AMBIGUOUS, f"{words}; kan ook {' of '.join(v.path for v in others)} zijn")


def _guessable(v: Field) -> bool:
    return v.type not in _NO_GUESS_TYPES and v.path not in _NO_GUESS_PATHS


def look_alike(header: str, kind: SheetKind) -> Match | None:
    """A header that looks like an alias: a typing error or an unusual spelling. Always weak."""
    long = expand(header_words(header))
    key = squash(long)
    if len(key) < 5 or is_generic(long):
        return None
    best = [b for b in _closest_aliases(key, kind, 5, generic=False) if _guessable(b[1])]
    if not best or best[0][0] < _LOOKALIKE_RATIO:
        return None
    ratio, v, alias = best[0]
    return Match(v, LOOKALIKE, f"lijkt op '{alias}'", alias)


def closest_fields(header: str, kind: SheetKind, n: int = 3) -> list[Field]:
    """The n fields whose aliases look most like the header, best first: a hint for the school."""
    key = squash(expand(header_words(header)))
    seen: list[Field] = []
    for _ratio, v, _alias in _closest_aliases(key, kind, 50):
        if v not in seen:
            seen.append(v)
    return seen[:n]


def closest_headers(v: Field, headers: list[str], n: int = 3) -> list[str]:
    """Of the given headers, the n that look most like one of the field's aliases, best first."""
    aliases = [squash(expand(header_words(a))) for a in v.aliases]
    scored = []
    for header in headers:
        long = expand(header_words(header))
        if is_generic(long):  # 'Nr' looks like 'Leerlingnr', and is the house number
            continue
        key = squash(long)
        ratio = max((difflib.SequenceMatcher(None, key, a, autojunk=False).ratio() for a in aliases),
                    default=0)
        if ratio >= 0.5:
            scored.append((ratio, header))
    return [h for _r, h in sorted(scored, key=lambda s: -s[0])[:n]]


def _closest_aliases(key: str, kind: SheetKind, n: int,
                     generic: bool = True) -> list[tuple[float, Field, str]]:
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    scored = []
    index = _Index.of(kind)
    for alias_key, (v, alias) in {**index.expanded, **(index.generic if generic else {})}.items():
        if v.type is FieldType.SECRET:
            continue
        matcher.set_seq1(alias_key)
        if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5:
            scored.append((matcher.ratio(), v, alias))
    return sorted(scored, key=lambda s: -s[0])[:n]


def guardian_header(header: str) -> tuple[int, str] | None:
    """(guardian number, the rest of the header) for a guardian's column on the students sheet:
    'Naam ouder/verzorger 2' -> (2, 'naam'), 'Ouder1' -> (1, ''), 'verzorgerEmail' -> (1, 'email')."""
    words = header_words(header)
    at = [i for i, w in enumerate(words) if w in PARENT_WORDS]
    if not at:
        return None
    numbers = [w for w in words if w.isdigit()]
    if len(numbers) > 1 or (numbers and not 1 <= int(numbers[0]) <= 9):
        return None
    rest = " ".join(w for w in words if w not in PARENT_WORDS and not w.isdigit())
    return (int(numbers[0]) if numbers else 1), rest


def is_parent_only_number(alias: str) -> bool:
    """'Leerlingcodes', 'Kinderen': a column only a parents sheet has."""
    return squash(header_words(alias)) in _PARENT_ONLY
