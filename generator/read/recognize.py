"""A header row -> the kind of sheet and a field for each column.

The kind is decided by the columns that mark it, not by counting hits: a students sheet has names with
a class or birth date, a parents sheet a relation, gezag or names with a parent prefix, a goals sheet
a goal. The sheet's (or file's) name settles a doubt. Each field gets at most one column: an alias as
written beats a derived match, and a second column with the same alias is left to the validator to
report as a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.fields import LEERLINGEN, OUDERS, SHEET_KINDS, Field, FieldType, SheetKind
from ..domain.headers import header_words, squash
from .columns import EXACT, SURE, Match, guardian_header, is_parent_only_number, look_alike, match_header
from .mapping import ColumnMapping


@dataclass(frozen=True)
class Column:
    letter: str
    header: str
    field: Field | None
    guardian: int = 0  # guardian number of a wide guardian column on the students sheet, else 0
    score: float = EXACT  # how sure the match is (columns.SURE and below: reported)
    how: str = ""  # in Dutch, how a derived match was made; '' for an alias as written
    bsn: bool = False  # its values are BSNs: never read, whatever its header (tables._keep_out_bsns)


@dataclass(frozen=True)
class Recognized:
    kind: SheetKind
    columns: tuple[Column, ...]
    notes: tuple[tuple[Column | None, str], ...]  # for the header row's info findings
    found: tuple[str, ...] = ()  # for an unclear sheet: what was found, in Dutch


@dataclass(frozen=True)
class _Evidence:
    kind: SheetKind
    matches: tuple[tuple[Match | None, int], ...]  # per column: the match and its guardian number

    @property
    def names(self) -> set[str]:
        return {m.field.name for m, g in self.matches
                if m is not None and not g and m.field.type is not FieldType.SECRET}

    @property
    def strong(self) -> bool:
        names = self.names
        if self.kind is OUDERS and any(m is not None and (m.parent_prefix or is_parent_only_number(m.alias))
                                       for m, _ in self.matches):
            return True
        marked = bool(names & set(self.kind.marks)) and (not self.kind.needs
                                                          or bool(names & set(self.kind.needs)))
        return marked and self.hits >= 2

    @property
    def hits(self) -> int:
        return len(self.names) + len({(m.field.name, g) for m, g in self.matches if m is not None and g})


def recognize(headers: Sequence[str], letters: Sequence[str], sheet_name: str,
              mapping: ColumnMapping) -> Recognized | None:
    """The kind of sheet and its columns if this row is a header row, else None."""
    by_name = mapping.sheet(sheet_name)
    evidence = [_evidence(headers, kind, mapping) for kind in SHEET_KINDS]
    chosen, doubt = _choose(evidence, by_name)
    if chosen is None:
        return None
    return _columns(headers, letters, chosen, mapping, doubt)


def describe_row(headers: Sequence[str], mapping: ColumnMapping) -> tuple[str, ...]:
    """What a row that was not recognised does hold, for the finding that says so."""
    found = []
    for kind in SHEET_KINDS:
        for (m, _g), header in zip(_evidence(headers, kind, mapping).matches, headers, strict=True):
            if m is not None and m.field.type is not FieldType.SECRET:
                found.append(f"'{header}' ({m.field.path})")
    return tuple(dict.fromkeys(found))


def _choose(evidence: list[_Evidence], by_name: SheetKind | None) -> tuple[_Evidence | None, str]:
    """The kind this row belongs to, and a Dutch note when another kind fitted as well."""
    named = next((e for e in evidence if e.kind is by_name), None)
    if named is not None and (named.strong or named.hits >= 2):
        return named, ""
    strong = [e for e in evidence if e.strong]
    pool = strong or [e for e in evidence if e.hits >= 2 and _has_content(e)]
    if not pool:
        return None, ""
    pool.sort(key=_rank)  # stable: SHEET_KINDS order
    best, rest = pool[0], pool[1:]
    # a doubt: as good a fit, or (no kind marked) a fit with as many columns
    equal = [e.kind.name for e in rest if _rank(e) == _rank(best) or (not strong and e.hits >= best.hits)]
    doubt = ""
    if equal:
        doubt = (f"niet eenduidig: gelezen als blad {best.kind.name}, maar het past ook als "
                 f"{' of '.join(equal)}; geef het blad of bestand de naam van de soort (bijvoorbeeld "
                 f"'{equal[0]}') of leg het vast onder [bladen] in een kolommenbestand (`opp kolommen`)")
    return best, doubt


def _rank(e: _Evidence) -> tuple[int, int, int]:
    """Columns that mark a kind first; then a kind whose own names are there (a students sheet's names
    beat a count of e-mail and phone columns that any sheet may have); then the number of fields."""
    has_names = bool(e.kind.needs) and bool(e.names & set(e.kind.needs))
    return -len(e.names & set(e.kind.marks)), -int(has_names), -e.hits


def _has_content(e: _Evidence) -> bool:
    """More than the student number: any sheet has that."""
    return bool(e.names - {"leerlingnummer"}) or e.hits > len(e.names)


def _evidence(headers: Sequence[str], kind: SheetKind, mapping: ColumnMapping) -> _Evidence:
    matches: list[tuple[Match | None, int]] = [_match(h, kind, mapping) for h in headers]
    return _Evidence(kind, tuple(_one_column_per_field(matches)))


def _match(header: str, kind: SheetKind, mapping: ColumnMapping) -> tuple[Match | None, int]:
    """The match of one header, with its guardian number for a guardian column on the students sheet."""
    if not header:
        return None, 0
    school = mapping.columns.get(kind, {})
    key = squash(header_words(header))
    if key in school:  # the school's own mapping; None there means: do not use this column
        return _school_match(header, kind, school[key]), 0
    own = match_header(header, kind)
    if kind is LEERLINGEN and (own is None or own.score < EXACT):
        wide = guardian_header(header)
        if wide is not None:
            number, rest = wide
            parent = _match(rest or "naam", OUDERS, mapping)[0]
            if parent is not None and parent.field.name != "leerlingnummer":
                return parent, number
    return own, 0


def _school_match(header: str, kind: SheetKind, field: Field | None) -> Match | None:
    """A column the mapping file names. It keeps what its own header says about the kind of sheet (a
    parent prefix, 'Leerlingcodes'), so that a file `opp kolommen` wrote decides as the headers did."""
    if field is None:
        return None
    own = match_header(header, kind)
    same = own is not None and own.field is field
    return Match(field, EXACT, "uit het kolommenbestand", own.alias if same else header,
                 own.parent_prefix if same else False)


def _one_column_per_field(matches: list[tuple[Match | None, int]]) -> list[tuple[Match | None, int]]:
    """A derived match yields to a better or earlier column of the same field; an alias as written
    never yields (two such columns are a duplicate the validator reports)."""
    order = sorted(range(len(matches)), key=lambda i: (-(matches[i][0].score if matches[i][0] else 0), i))
    taken: set[tuple[str, int]] = set()
    out = list(matches)
    for i in order:
        m, g = matches[i]
        if m is None:
            continue
        key = (m.field.path, g)
        if key in taken and m.score < EXACT:
            out[i] = (None, 0)
            continue
        taken.add(key)
    return out


def _columns(headers: Sequence[str], letters: Sequence[str], chosen: _Evidence, mapping: ColumnMapping,
             doubt: str) -> Recognized:
    matches = list(chosen.matches)
    taken = {(m.field.path, g) for m, g in matches if m is not None}
    for i, header in enumerate(headers):  # look-alikes only now: never for the rows above the header
        if matches[i][0] is None and header and squash(header_words(header)) not in mapping.columns.get(
                chosen.kind, {}):
            m = look_alike(header, chosen.kind)
            if m is not None and (m.field.path, 0) not in taken:
                matches[i] = (m, 0)
                taken.add((m.field.path, 0))
    columns = [Column(letter, header, m.field if m else None, g, m.score if m else EXACT, m.how if m else "")
               for (m, g), header, letter in zip(matches, headers, letters, strict=True)]
    while columns and not columns[-1].header:
        columns.pop()
    return Recognized(chosen.kind, tuple(columns), _notes(columns, doubt))


def _notes(columns: list[Column], doubt: str) -> tuple[tuple[Column | None, str], ...]:
    notes: list[tuple[Column | None, str]] = [(None, doubt)] if doubt else []
    sure = [k for k in columns if k.field is not None and k.how and k.score >= SURE]
    if sure:
        notes.append((None, "kolommen herkend: " + "; ".join(
            f"{k.letter} '{k.header}' als {_target(k)} ({k.how})" for k in sure)))
    for k in columns:
        if k.field is not None and k.score < SURE:
            notes.append((k, f"gelezen als {_target(k)} ({k.how}); klopt dat niet, leg de kolom dan vast in "
                             "een kolommenbestand (`opp kolommen`)"))
    return tuple(notes)


def _target(k: Column) -> str:
    return f"{k.field.path} van ouder/verzorger {k.guardian}" if k.guardian else k.field.path
