"""What the validator needs of one table, worked out once per table instead of once per cell: the
conversions of its columns, which cells hold no value for their column's field (`no_value`), and the
findings about the sheet as a whole (duplicate, unused and missing columns, an OPP column in one students
sheet but not in another). A missing column is reported here once per sheet, never once per row."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from ..domain.fields import LEERLINGEN, Field, FieldType, SheetKind
from ..domain.findings import Finding, Severity
from ..domain.registry import fields_of
from . import convert
from .columns import closest_headers
from .tables import Cell, Column, ErrorValue, Table

_DECISIVE = {"opp.nodig"}  # an unreadable value decides whether the student gets an OPP at all
_CONSISTENCY_FIELDS = {"startdatum", "streefdatum", "einddatum", "geboortedatum"}
_REMARK_ON = {FieldType.DATE: (int, float), FieldType.PHONE: object}  # see Conversion.remark_on
NAME_FIELDS = ("roepnaam", "achternaam", "volledige_naam")
_ERROR_CODE = re.compile(r"#[A-Za-z/_]{1,12}[0!?]?[A-Za-z!?]{0,2}")  # '#N/A', '#DEEL/0!', '#NAAM?'
_FORMULA = ("formule zonder opgeslagen uitkomst; open het bestand in Excel en sla het opnieuw op, of zet "
            "er de waarde in")
_OPEN_FIELD = " en het veld blijft open op het formulier"


class Conversion(NamedTuple):
    """One column that is converted, with all that does not change from row to row. A tuple: the row
    loop unpacks it, cheaper than reading attributes 60,000 times."""

    index: int
    column: Column
    guardian: int
    field: Field
    naam: str
    converter: Callable[[object, str], object]
    soft: bool  # a wrong value is a warning and the field is left open, not an error
    formula_is_error: bool  # a formula without a stored value is an error, not a warning
    remark_on: type | tuple[type, ...]  # raw values the validator has more to say about than a
    # cleaned text: numbers in a date column, anything in a phone column; () for none


@dataclass(frozen=True)
class TablePlan:
    conversions: tuple[Conversion, ...]  # in column order; the first column of a field wins
    blanks: Mapping[str, str]  # fields a record cannot be made without -> '' (an open field)
    has_column: frozenset[str]  # names of the fields this table has a (non-guardian) column for
    sheet_findings: tuple[Finding, ...]
    unusable: str  # why no row of this table can be used; '' when they can
    consistency: bool  # the row can hold a field the consistency check looks at
    columns: Mapping[int, Mapping[str, tuple[str, str]]]  # guardian number (0: the row's own record) ->
    # field name -> (column letter, header): the Origin of every record made from this table

    @classmethod
    def of(cls, table: Table) -> TablePlan:
        conversions, used = [], set()
        identity = table.kind is LEERLINGEN
        for index, column in enumerate(table.columns):
            v = column.field
            if v is None or v.type is FieldType.SECRET or (v.path, column.guardian) in used:
                continue
            used.add((v.path, column.guardian))
            decisive = identity and not column.guardian and (v.type is FieldType.ID or v.path in _DECISIVE)
            conversions.append(Conversion(
                index, column, column.guardian, v, v.name, convert.field_converter(v), not decisive,
                decisive and v.type is FieldType.ID, _REMARK_ON.get(v.type, ())))
        has_column = frozenset(o.naam for o in conversions if not o.guardian)
        findings, unusable = _missing_columns(table, has_column)
        # the records of the other sheets cannot be made without these: an open field instead
        blanks = {} if identity else {v.name: "" for v in required_fields(table.kind)
                                      if v.type is not FieldType.ID}
        consistency = any(o.naam in _CONSISTENCY_FIELDS for o in conversions if not o.guardian)
        columns: dict[int, dict[str, tuple[str, str]]] = {}
        for o in conversions:
            columns.setdefault(o.guardian, {})[o.naam] = (o.column.letter, o.column.header)
        for n in columns.keys() - {0}:  # a guardian's record is linked by the student's own number
            columns[n].update({k: v for k, v in columns.get(0, {}).items() if k == "leerlingnummer"})
        return cls(tuple(conversions), blanks, has_column, tuple(findings), unusable, consistency, columns)


def no_value(cell: Cell, v: Field, withholds: bool) -> str:
    """Why a cell holds no value for field `v`, '' when it does: a formula without a stored value, an Excel
    error value ('#N/A') in any field, TRUE/FALSE in any but a yes/no field. Of an error value only
    Excel's own codes are named: a message never repeats what could be a BSN."""
    raw = cell.value
    if cell.formula:
        return _FORMULA
    if isinstance(raw, ErrorValue):
        problem = (f"foutwaarde{' ' + raw if _ERROR_CODE.fullmatch(raw) else ''} in de cel, geen gegeven "
                   "(verwacht een waarde: herstel de formule of koppeling in Excel, of typ de waarde in)")
    elif raw.__class__ is bool and v.type is not FieldType.YES_NO:
        problem = "WAAR/ONWAAR in de cel, maar dit is geen ja/nee-veld (verwacht de waarde zelf, geen vinkje)"
    else:
        return ""
    if withholds:
        return problem + "; deze rij krijgt geen OPP"
    if v.type is FieldType.ID:  # a child row's number: the row belongs to nobody
        return problem + "; de cel telt als leeg, deze rij hoort bij geen leerling en wordt niet gebruikt"
    return problem + "; de cel telt als leeg" + ("" if v.path in _DECISIVE else _OPEN_FIELD)


def column_findings(table: Table) -> list[Finding]:
    """Findings about the columns found: a BSN column ignored, a duplicate, the unused ones."""
    findings: list[Finding] = []
    seen: dict[tuple[str, int], str] = {}
    for column in table.columns:
        if column.field is None:
            continue
        key = (column.field.path, column.guardian)
        if column.field.type is FieldType.SECRET:
            findings.append(Finding(
                Severity.INFO, table.location(table.header_row, column),
                "deze kolom wordt niet gelezen en komt nergens in een OPP; hij kan uit de export weg"))
        elif key in seen:
            findings.append(Finding(
                Severity.WARNING, table.location(table.header_row, column),
                f"dubbele kolom voor {column.field.path}; alleen kolom {seen[key]} wordt gebruikt"))
        else:
            seen[key] = column.letter
    unknown = [k for k in table.columns if k.field is None and k.header and not k.bsn]
    if unknown:
        names = ", ".join(f"{k.letter} '{k.header}'" for k in unknown)
        findings.append(Finding(Severity.INFO, table.location(table.header_row),
                                       f"kolommen niet gebruikt: {names} (`opp kolommen` toont per kolom de "
                                       "velden die er het meest op lijken)"))
    return findings


def selecting_tables(tables: list[Table]) -> tuple[set[int], list[Finding]]:
    """The students tables (by id) whose OPP column selects who gets an OPP, and one warning when some
    students tables have that column and others not. The column selects only among the students of its
    own table: a table without it gives every student an OPP, as it would on its own."""
    unique = [t for t in {id(t): t for t in tables}.values() if t.kind is LEERLINGEN]
    having = {id(t): column for t in unique if (column := _opp_column(t)) is not None}
    lacking = [f"'{t.file}'" + (f" (blad '{t.sheet}')" if t.sheet else "") for t in unique
               if id(t) not in having]
    if not having or not lacking:
        return set(having), []
    first = next(t for t in unique if id(t) in having)
    names = ", ".join(lacking)
    return set(having), [Finding(Severity.WARNING, first.location(first.header_row, having[id(first)]), (
        f"deze export heeft een OPP-kolom, {names} niet; een OPP-kolom kiest alleen tussen de leerlingen van "
        f"zijn eigen blad, dus elke leerling uit {names} krijgt een OPP (verwacht een OPP-kolom in elk "
        "bestand, of in geen)"))]


def _opp_column(table: Table) -> Column | None:
    return next((k for k in table.columns if k.field and k.field.path in _DECISIVE and not k.guardian), None)


@cache
def required_fields(sheet: SheetKind) -> tuple[Field, ...]:
    return tuple(v for v in fields_of(sheet) if v.required)


def _missing_columns(table: Table, has: frozenset[str]) -> tuple[list[Finding], str]:
    """One finding per missing column, and the reason no row can be used when the key (or, on a
    students sheet, every name column) is missing."""
    where = table.location(table.header_row)
    students = table.kind is LEERLINGEN
    if "leerlingnummer" not in has:
        key = next(v for v in fields_of(table.kind) if v.name == "leerlingnummer")
        reason = ("geen kolom met het leerlingnummer op dit blad; geen leerling van dit blad krijgt een OPP"
                  if students else "geen kolom met het leerlingnummer; de rijen van dit blad kunnen aan "
                  "geen leerling worden gekoppeld en worden niet gebruikt")
        severity = Severity.ERROR if students else Severity.WARNING
        return [Finding(severity, where, reason + _hint(table, key))], reason
    if students and not has & set(NAME_FIELDS):
        field = next(v for v in fields_of(LEERLINGEN) if v.name == "achternaam")
        reason = ("geen kolom met de naam van de leerling (Roepnaam en Achternaam, of één kolom Naam); "
                  "zonder naam is niet te zien voor wie een OPP is, dus geen leerling van dit blad krijgt "
                  "er een")
        return [Finding(Severity.ERROR, where, reason + _hint(table, field))], reason
    findings = []
    for v in required_fields(table.kind):
        if v.name in has or v.type is FieldType.ID or (students and "volledige_naam" in has
                                                        and v.name in ("roepnaam", "achternaam")):
            continue
        findings.append(Finding(Severity.WARNING, where, (
            f"geen kolom voor {v.path} ({v.description.rstrip('.')}); dat veld blijft open op het "
            f"formulier{_hint(table, v)}")))
    return findings, ""


def _hint(table: Table, v: Field) -> str:
    """The unused columns that look most like the field, and where to map them."""
    unused = [k.header for k in table.columns if k.field is None and k.header and not k.bsn]
    close = closest_headers(v, unused)
    found = f"; kolommen die niet herkend zijn: {', '.join(repr(h) for h in unused[:12])}" if unused else ""
    likely = f"; lijkt het meest op: {', '.join(repr(h) for h in close)}" if close else ""
    return (f"{found}{likely}. Verwacht bijvoorbeeld '{v.aliases[0]}'; `opp kolommen` schrijft een "
            "kolommenbestand waarin u de kolom kunt aanwijzen (gebruik het met --kolommen)")
