"""Raw tables -> typed, frozen records and findings. The one place a parser's ValueError gets the
cell's location. Errors skip a student, never the batch; warnings are reported and do not skip."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import NamedTuple

from ..domain.fields import (
    BETROKKENEN,
    DOCUMENTEN,
    DOELEN,
    FACTOREN,
    LEERLINGEN,
    ONDERSTEUNING,
    OUDERS,
    Field,
    FieldType,
    SheetKind,
)
from ..domain.findings import Finding, Location, Origin, Severity
from ..domain.records import Betrokkene, Document, Doel, Factor, Leerling, Ondersteuning, Opp, Ouder
from ..domain.registry import fields_of
from . import convert
from .tables import Column, ReadResult, Row, Table

_RECORD_TYPES: dict[SheetKind, type] = {
    LEERLINGEN: Leerling, OUDERS: Ouder, DOELEN: Doel, ONDERSTEUNING: Ondersteuning,
    DOCUMENTEN: Document, BETROKKENEN: Betrokkene, FACTOREN: Factor,
}
# A wrong value here costs the document one filled-in field, not the whole OPP: report, leave empty.
_SOFT_TYPES = {FieldType.EMAIL, FieldType.YES_NO}
_DECISIVE = {"opp.nodig"}  # ...unless it decides whether the student gets an OPP at all
_SEVERAL_NUMBERS = re.compile(r"[,;]")  # 'Leerlingcodes' of a parent: several children in one cell
_CONSISTENCY_FIELDS = {"startdatum", "streefdatum", "einddatum", "geboortedatum"}  # see _check_consistency
_REMARK_ON = {FieldType.DATE: (int, float), FieldType.PHONE: object}  # see _Conversion
_EARLIEST_BIRTH = date(1990, 1, 1)  # a birth date before this is impossible for a student


class ConvertedRow(NamedTuple):  # a tuple, not a frozen dataclass: one per row, made at a quarter of the cost
    """One converted row: its record (None when a required value was missing or wrong) and key."""

    match_key: str
    record: object | None
    row: int
    table: Table


@dataclass
class Validated:
    opps: list[Opp] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    withheld: dict[str, str] = field(default_factory=dict)  # leerlingnummer -> first reason
    not_selected: int = 0

    def errors(self) -> list[Finding]:
        return [b for b in self.findings if b.severity is Severity.ERROR]


def validate(read_result: ReadResult, today: date | None = None) -> Validated:
    """Convert and check every row, then assemble one Opp per student without errors."""
    today = today or date.today()
    result = Validated(findings=list(read_result.findings))
    converted: dict[SheetKind, list[ConvertedRow]] = defaultdict(list)
    for table in read_result.tables:
        _report_columns(table, result)
        plan = _TablePlan.of(table)
        same_kind = converted[table.kind]  # looked up once: hashing a SheetKind per row adds up
        for row in table.rows:
            for soort, line in _convert_row(table, plan, row, result, today):
                (same_kind if soort is table.kind else converted[soort]).append(line)
    if not converted[LEERLINGEN]:
        result.findings.append(Finding(Severity.ERROR, _first_location(read_result),
                                       "geen blad met leerlingen gevonden (verwacht kolommen als "
                                       "Stamnummer, Roepnaam, Achternaam)"))
        return result
    _assemble(converted, result)
    return result


def _first_location(read_result: ReadResult) -> Location:
    return read_result.tables[0].location() if read_result.tables else Location("invoer")


def _report_columns(table: Table, result: Validated) -> None:
    seen: dict[tuple[str, int], str] = {}
    for column in table.columns:
        if column.field is None:
            continue
        key = (column.field.path, column.guardian)
        if column.field.type is FieldType.SECRET:
            result.findings.append(Finding(
                Severity.INFO, table.location(table.header_row, column),
                "deze kolom wordt niet gelezen en komt nergens in een OPP; hij kan uit de export weg"))
        elif key in seen:
            result.findings.append(Finding(
                Severity.WARNING, table.location(table.header_row, column),
                f"dubbele kolom voor {column.field.path}; alleen kolom {seen[key]} wordt gebruikt"))
        else:
            seen[key] = column.letter
    unknown = [k for k in table.columns if k.field is None and k.header]
    if unknown:
        names = ", ".join(f"{k.letter} '{k.header}'" for k in unknown)
        result.findings.append(Finding(Severity.INFO, table.location(table.header_row),
                                       f"kolommen niet gebruikt: {names}"))


class _Conversion(NamedTuple):
    """One column that is converted, with all that does not change from row to row. A tuple: the row
    loop unpacks it, cheaper than reading attributes 60,000 times."""

    index: int
    column: Column
    guardian: int
    field: Field
    naam: str
    converter: Callable[[object, str], object]
    soft: bool  # a wrong value is a warning and the value is left out, not an error
    formula_is_error: bool  # a formula without a stored value is an error, not a warning
    remark_on: type | tuple[type, ...]  # raw values _remarks has more to say about than a
    # cleaned text: numbers in a date column, anything in a phone column; () for none


@dataclass(frozen=True)
class _TablePlan:
    """What _convert_row needs of a table, worked out once per table instead of once per cell."""

    conversions: tuple[_Conversion, ...]  # in column order; the first column of a field wins
    required: tuple[tuple[str, str, Column | None, str], ...]  # field name, its letter, column, message
    consistency: bool  # the row can hold a field _check_consistency looks at
    columns: Mapping[int, Mapping[str, tuple[str, str]]]  # guardian number (0: the row's own record) ->
    # field name -> (column letter, header): the Origin of every record made from this table
    record: type

    @classmethod
    def of(cls, table: Table) -> _TablePlan:
        conversions, used = [], set()
        for index, column in enumerate(table.columns):
            v = column.field
            if v is None or v.type is FieldType.SECRET or (v.path, column.guardian) in used:
                continue
            used.add((v.path, column.guardian))
            conversions.append(_Conversion(
                index, column, column.guardian, v, v.name, convert.converter(v.type),
                v.type in _SOFT_TYPES and v.path not in _DECISIVE, v.required and not column.guardian,
                _REMARK_ON.get(v.type, ())))
        required = []
        for v in _required_fields(table.kind):
            column = next((k for k in table.columns if k.field is v and not k.guardian), None)
            hint = f"; de kolom ontbreekt, verwacht bijvoorbeeld '{v.aliases[0]}'" if column is None else ""
            what = v.description.rstrip(".")
            required.append((v.name, _letter_of(table, v), column,
                             f"verplichte waarde ontbreekt ({what}){hint}"))
        consistency = any(o.naam in _CONSISTENCY_FIELDS for o in conversions if not o.guardian)
        columns: dict[int, dict[str, tuple[str, str]]] = {}
        for o in conversions:
            columns.setdefault(o.guardian, {})[o.naam] = (o.column.letter, o.column.header)
        for n in columns.keys() - {0}:  # a guardian's record is linked by the student's own number
            columns[n].update({k: v for k, v in columns.get(0, {}).items() if k == "leerlingnummer"})
        return cls(tuple(conversions), tuple(required), consistency, columns, _RECORD_TYPES[table.kind])


def _convert_row(table: Table, plan: _TablePlan, row: Row, result: Validated,
                 today: date) -> list[tuple[SheetKind, ConvertedRow]]:
    per_guardian, errors, warnings = _convert_cells(table, plan, row)
    values = per_guardian[0]
    for naam, letter, column, message in plan.required:
        if naam not in values and not any(b.location.column == letter for b in errors):
            errors.append(Finding(Severity.ERROR, table.location(row.number, column), message))
    if plan.consistency:
        errors += _check_consistency(table, row, values, today)
    number = str(values.get("leerlingnummer", ""))
    for b in errors + warnings:
        result.findings.append(dataclasses.replace(b, leerlingnummer=number))
    values["origin"] = Origin(table.file, table.sheet, row.number, plan.columns.get(0, {}))
    record = None if errors else plan.record(**values)
    converted = [(table.kind, ConvertedRow(k, _for_child(record, k, number), row.number, table))
                 for k in _keys(number)]
    if table.kind is LEERLINGEN and number:
        converted += _wide_guardians(table, plan, row, per_guardian, number, result)
    return converted


def _convert_cells(table: Table, plan: _TablePlan,
                   row: Row) -> tuple[dict[int, dict[str, object]], list[Finding], list[Finding]]:
    """The row's converted values per guardian number (0: the row's own record), errors and warnings."""
    values: dict[str, object] = {}
    per_guardian: dict[int, dict[str, object]] = defaultdict(dict, {0: values})
    errors: list[Finding] = []
    warnings: list[Finding] = []
    cells = row.cells
    width = len(cells)
    for index, column, guardian, spec, naam, converter, soft, formula_is_error, remark_on in plan.conversions:
        if index >= width:  # a row may be shorter than its header
            break
        cell = cells[index]
        if cell.formula:
            (errors if formula_is_error else warnings).append(Finding(
                Severity.ERROR if formula_is_error else Severity.WARNING, table.location(row.number, column),
                "formule zonder opgeslagen uitkomst; open het bestand in Excel en sla het opnieuw op, of zet "
                "er de waarde in"))
            continue
        raw = cell.value
        if raw is None or (isinstance(raw, str) and not raw.strip()):  # convert.is_leeg
            continue
        try:
            value = converter(raw, cell.number_format)
        except ValueError as exc:
            where = table.location(row.number, column)
            (warnings if soft else errors).append(
                Finding(Severity.WARNING, where, f"{exc}; deze waarde wordt niet gebruikt") if soft
                else Finding(Severity.ERROR, where, str(exc)))
            continue
        if (remark_on and isinstance(raw, remark_on)) or value.__class__ is convert.Cleaned:
            warnings += [Finding(Severity.WARNING, table.location(row.number, column), message)
                         for message in _remarks(spec, raw, value)]
        (per_guardian[guardian] if guardian else values)[naam] = value
    return per_guardian, errors, warnings


def _column_of(table: Table, naam: str) -> Column | None:
    return next((k for k in table.columns if k.field and k.field.name == naam and not k.guardian), None)


def _letter_of(table: Table, v: Field) -> str:
    return next((k.letter for k in table.columns if k.field is v and not k.guardian), "-")


def _remarks(v: Field, raw: object, value: object) -> list[str]:
    """Warnings about a value that was converted but may not be what the school meant."""
    if isinstance(value, convert.Cleaned):
        return ["onzichtbare stuurtekens (bijvoorbeeld uit geplakte tekst) vervangen door een regeleinde of "
                "spatie; controleer de tekst"]
    numeric = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    if v.type is FieldType.DATE and numeric:
        return [f"datum stond als getal {raw:g} in de cel; gelezen als {value:%d-%m-%Y}, controleer dit "
                "(verwacht een datumcel of dd-mm-jjjj)"]
    if v.type is FieldType.PHONE and str(value) != " ".join(str(_whole(raw)).split()):
        return ["telefoonnummer zonder voorloopnul; de 0 is teruggezet"]
    return []


def _whole(raw: object) -> object:
    return int(raw) if isinstance(raw, float) and raw.is_integer() else raw


def _keys(number: str) -> list[str]:
    """The matching keys of a row: one, or several for a parent row with 'Leerlingcodes' '45,46'."""
    if "," not in number and ";" not in number:  # nearly every row: one number, no splitting
        number = number.strip()
        return [convert.match_key(number)] if number else [""]
    parts = [p.strip() for p in _SEVERAL_NUMBERS.split(number)] if number else []
    return [convert.match_key(p) for p in parts if p] or [""]


def _for_child(record, match_key: str, number: str):
    """A record keyed to one child when its cell named several."""
    if record is None or not _SEVERAL_NUMBERS.search(number):
        return record
    child = next(p.strip() for p in _SEVERAL_NUMBERS.split(number)
                 if convert.match_key(p.strip()) == match_key)
    return dataclasses.replace(record, leerlingnummer=child)


def _wide_guardians(table: Table, plan: _TablePlan, row: Row, values: dict[int, dict], number: str,
                    result: Validated) -> list[tuple[SheetKind, ConvertedRow]]:
    """Guardians from numbered columns on the students sheet ('Ouder 1 naam', 'E-mail ouder 2')."""
    converted = []
    for n in sorted(k for k in values if k):
        if "naam" not in values[n]:
            column = next(k for k in table.columns if k.guardian == n)
            result.findings.append(Finding(
                Severity.WARNING, table.location(row.number, column),
                f"gegevens van ouder/verzorger {n} zonder naam; deze ouder wordt niet gebruikt "
                f"(verwacht een kolom als 'Naam ouder {n}')", number))
            continue
        origin = Origin(table.file, table.sheet, row.number, plan.columns[n])
        guardian = Ouder(**{**values[n], "leerlingnummer": number, "origin": origin})
        converted.append((OUDERS, ConvertedRow(convert.match_key(number), guardian, row.number, table)))
    return converted


@cache
def _required_fields(sheet: SheetKind) -> tuple[Field, ...]:
    return tuple(v for v in fields_of(sheet) if v.required)


def _check_consistency(table: Table, row: Row, values: dict, today: date) -> list[Finding]:
    """Checks across the fields of one row: impossible date orders."""
    found = []
    pairs = (("startdatum", "streefdatum"), ("startdatum", "einddatum"))
    for start, end in pairs:
        a, b = values.get(start), values.get(end)
        if isinstance(a, date) and isinstance(b, date) and b < a:
            column = next((k for k in table.columns if k.field and k.field.name == end), None)
            found.append(Finding(Severity.ERROR, table.location(row.number, column),
                                 f"{end} {b:%d-%m-%Y} ligt voor de {start} {a:%d-%m-%Y}; "
                                 f"verwacht een {end} op of na de {start}"))
    birth = values.get("geboortedatum")
    if isinstance(birth, date) and not (_EARLIEST_BIRTH <= birth <= today):
        column = next((k for k in table.columns if k.field and k.field.name == "geboortedatum"), None)
        found.append(Finding(Severity.ERROR, table.location(row.number, column),
                             f"onmogelijke geboortedatum {birth:%d-%m-%Y}; verwacht een datum in het "
                             "verleden (dd-mm-jjjj)"))
    return found


def _assemble(converted: dict[SheetKind, list[ConvertedRow]], result: Validated) -> None:
    students = converted[LEERLINGEN]
    by_key: dict[str, list[ConvertedRow]] = defaultdict(list)
    for r in students:
        if r.match_key:
            by_key[r.match_key].append(r)
    bad_keys = {convert.match_key(b.leerlingnummer) for b in result.findings
                if b.severity is Severity.ERROR and b.leerlingnummer}
    for key, rows in by_key.items():
        if len(rows) > 1:
            nums = ", ".join(str(r.row) for r in rows)
            for r in rows:
                column = _column_of(r.table, "leerlingnummer")
                result.findings.append(Finding(
                    Severity.ERROR, r.table.location(r.row, column),
                    f"leerlingnummer komt {len(rows)} keer voor "
                    f"(rijen {nums}); geen van deze rijen wordt gebruikt, verwacht één rij per leerling",
                    r.record.leerlingnummer if r.record else key))
            bad_keys.add(key)
    selective = any(k.field and k.field.path == "opp.nodig" for r in students[:1] for k in r.table.columns)
    related = {sheet: _group(converted[sheet], by_key, result)
               for sheet in _RECORD_TYPES if sheet is not LEERLINGEN}
    per_key = _per_student(result.findings)  # once, not per student: 5,000 students x findings adds up
    for key, rows in by_key.items():
        leerling = rows[0].record
        if selective and (leerling is None or not leerling.nodig) and key not in bad_keys:
            result.not_selected += 1
            continue
        found = per_key.get(key, [])
        if key in bad_keys or leerling is None:
            reason = next((b.message for b in found if b.severity is Severity.ERROR), "fout in de gegevens")
            result.withheld[leerling.leerlingnummer if leerling else key] = reason
            continue
        parts = {sheet.list_name: tuple(related[sheet].get(key, ())) for sheet in related}
        warns = tuple(b for b in found if b.severity is Severity.WARNING)
        result.opps.append(Opp(leerling=leerling, waarschuwingen=warns, **parts))


def _per_student(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for b in findings:
        if b.leerlingnummer:
            grouped[convert.match_key(b.leerlingnummer)].append(b)
    return grouped


def _group(rows: list[ConvertedRow], students: dict, result: Validated) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for r in rows:
        if not r.match_key:
            continue
        if r.match_key not in students:
            column = next((k for k in r.table.columns if k.field and k.field.name == "leerlingnummer"), None)
            result.findings.append(Finding(
                Severity.WARNING, r.table.location(r.row, column),
                "leerlingnummer staat niet op het blad met leerlingen; rij niet gebruikt (verwacht het "
                "nummer van een leerling uit de export)", r.match_key))
            continue
        if r.record is not None:
            grouped[r.match_key].append(r.record)
    return grouped
