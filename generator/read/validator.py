"""Raw tables -> typed, frozen records and findings. The one place a parser's ValueError gets the
cell's location.

An OPP is a form: a value the export lacks or that cannot be read becomes an open field and a warning.
Only what leaves us unable to tell whom a document is for is an error that withholds the student: no
usable student number, a number used twice, no name at all. Every data row of a students sheet is
accounted for: an OPP, withheld with its reason, or not selected by the OPP column."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from ..domain.fields import (
    BETROKKENEN,
    DOCUMENTEN,
    DOELEN,
    FACTOREN,
    LEERLINGEN,
    ONDERSTEUNING,
    OUDERS,
    SheetKind,
)
from ..domain.findings import Finding, Location, Origin, Severity
from ..domain.records import Betrokkene, Document, Doel, Factor, Leerling, Ondersteuning, Opp, Ouder
from . import convert
from .choices import NotedChoices
from .names import guardian_name, split_full_name
from .remarks import REMARKABLE, add_other, remark
from .table_plan import TablePlan, column_findings, no_value, required_fields, selecting_tables
from .tables import Column, ReadResult, Row, Table

_RECORD_TYPES: dict[SheetKind, type] = {
    LEERLINGEN: Leerling, OUDERS: Ouder, DOELEN: Doel, ONDERSTEUNING: Ondersteuning,
    DOCUMENTEN: Document, BETROKKENEN: Betrokkene, FACTOREN: Factor,
}
_IDENTITY = {"leerlingnummer", "volledige_naam"}  # checked on their own in _student_identity
_GUARDIAN_NAME_PARTS = ("aanhef", "voorletters", "roepnaam", "tussenvoegsel", "achternaam")
_SEVERAL_NUMBERS = re.compile(r"[,;]")  # 'Leerlingcodes' of a parent (only): several children in one cell
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
    withheld: dict[str, str] = field(default_factory=dict)  # leerlingnummer (or 'rij N') -> first reason
    not_selected: int = 0
    student_rows: int = 0  # data rows on students sheets: OPPs + withheld + not selected

    def errors(self) -> list[Finding]:
        return [b for b in self.findings if b.severity is Severity.ERROR]


def validate(read_result: ReadResult, today: date | None = None) -> Validated:
    """Convert and check every row, then assemble one Opp per student we can tell whom it is for."""
    today = today or date.today()
    result = Validated(findings=list(read_result.findings))
    converted: dict[SheetKind, list[ConvertedRow]] = defaultdict(list)
    for table in read_result.tables:
        result.findings += column_findings(table)
        plan = TablePlan.of(table)
        result.findings += plan.sheet_findings
        if table.kind is LEERLINGEN:
            result.student_rows += len(table.rows)
        if plan.unusable:
            _withhold_all(table, plan, result)
            continue
        same_kind = converted[table.kind]  # looked up once: hashing a SheetKind per row adds up
        for row in table.rows:
            for soort, line in _convert_row(table, plan, row, result, today):
                (same_kind if soort is table.kind else converted[soort]).append(line)
    if not any(t.kind is LEERLINGEN for t in read_result.tables):
        result.findings.append(Finding(Severity.ERROR, _first_location(read_result),
                                       "geen blad met leerlingen gevonden (verwacht kolommen als "
                                       "Stamnummer, Roepnaam, Achternaam); `opp kolommen` toont wat er wel "
                                       "herkend is"))
        return result
    _assemble(converted, result)
    return result


def _withhold_all(table: Table, plan: TablePlan, result: Validated) -> None:
    """A sheet without a usable key (or a students sheet without any name): its rows cannot be linked
    to a student. On a students sheet every row is withheld, with the sheet's reason."""
    if table.kind is not LEERLINGEN:
        return
    for row in table.rows:
        result.withheld[_row_label(table, row.number)] = plan.unusable


def _first_location(read_result: ReadResult) -> Location:
    return read_result.tables[0].location() if read_result.tables else Location("invoer")


def _row_label(table: Table, row: int) -> str:
    """How a withheld row without a usable number is named in the summary and the register."""
    return f"rij {row} van {table.sheet or table.file}"


def _convert_row(table: Table, plan: TablePlan, row: Row, result: Validated,
                 today: date) -> list[tuple[SheetKind, ConvertedRow]]:
    per_guardian, errors, warnings = _convert_cells(table, plan, row)
    values = per_guardian[0]
    if plan.consistency:
        warnings += _check_consistency(table, row, values, today)
    if values.get("geen_afwijkingen") and (values.get("afwijkingen") or values.get("afwijkingen_anders")):
        warnings.append(_conflicting_afwijkingen(table, row))
    if table.kind is LEERLINGEN:
        if not errors or "leerlingnummer" in values:  # an unreadable number was reported already
            errors += _student_identity(table, plan, row, values, warnings)
    else:  # a child row never withholds a student: its problems cost a field or the row, not the OPP
        warnings += [dataclasses.replace(b, severity=Severity.WARNING) for b in errors]
        errors = []
        _complete_child(table, plan, row, values, warnings)
    number = str(values.get("leerlingnummer", ""))
    for b in errors + warnings:
        result.findings.append(dataclasses.replace(b, leerlingnummer=number))
    if not number:  # a child row without a number belongs to nobody: reported by _complete_child
        if table.kind is LEERLINGEN:
            reason = next((b.message for b in errors), "geen leerlingnummer")
            result.withheld[_row_label(table, row.number)] = reason
        return []
    values["origin"] = Origin(table.file, table.sheet, row.number, plan.columns.get(0, {}))
    record = None if errors or values.get("naam", "") is None else _RECORD_TYPES[table.kind](**{**plan.blanks,
                                                                                             **values})
    several = table.kind is OUDERS and _SEVERAL_NUMBERS.search(number) is not None
    converted = [(table.kind, ConvertedRow(k, _for_child(record, k, number) if several and record else record,
                                           row.number, table)) for k in _keys(number, several)]
    if table.kind is LEERLINGEN and number:
        converted += _wide_guardians(table, plan, row, per_guardian, number, result)
    return converted


def _conflicting_afwijkingen(table: Table, row: Row) -> Finding:
    """'Geen afwijkingen' is ja, and the row names afwijkingen: the form leaves the question open
    (rules/opp_rules.afwijkingen_antwoord), this says why."""
    return Finding(Severity.WARNING, table.location(row.number, _column_of(table, "geen_afwijkingen")),
                   "zegt geen afwijkingen én noemt afwijkingen; de vraag of er afwijkingen zijn blijft open "
                   "op het formulier (verwacht 'Geen afwijkingen' leeg of nee, of geen afwijkingen genoemd)")


def _student_identity(table: Table, plan: TablePlan, row: Row, values: dict,
                      warnings: list[Finding]) -> list[Finding]:
    """The errors that withhold a student (no number, no name); names from a full-name column; a
    warning for each name part left open."""
    where = table.location(row.number)
    if "leerlingnummer" not in values:
        column = _column_of(table, "leerlingnummer")
        return [Finding(Severity.ERROR, table.location(row.number, column),
                        "geen leerlingnummer; deze rij krijgt geen OPP (verwacht het leerlingnummer van de "
                        "school)")]
    full = values.get("volledige_naam", "")
    if full and not values.get("roepnaam") and not values.get("achternaam"):
        split = split_full_name(full)
        values.update(roepnaam=split.roepnaam, achternaam=split.achternaam)
        if split.tussenvoegsel and not values.get("tussenvoegsel"):
            values["tussenvoegsel"] = split.tussenvoegsel
        if split.doubt:
            column = _column_of(table, "volledige_naam")
            warnings.append(Finding(Severity.WARNING, table.location(row.number, column),
                                    "de naam staat in één kolom en is gesplitst in roepnaam en achternaam, "
                                    "maar niet zeker goed; controleer de naam op het formulier"))
    if not values.get("roepnaam") and not values.get("achternaam"):
        return [Finding(Severity.ERROR, where, "geen naam (roepnaam en achternaam zijn leeg); zonder naam is "
                                               "niet te zien voor wie het OPP is, deze rij krijgt er geen")]
    for part in dict.fromkeys(v.name for v in required_fields(LEERLINGEN)):
        column = _column_of(table, part)
        if not values.get(part) and column is not None and part not in _IDENTITY \
                and not _reported(warnings, column):
            warnings.append(Finding(Severity.WARNING, table.location(row.number, column),
                                    f"{part} ontbreekt; het veld blijft open op het formulier"))
    return []


def _reported(findings: list[Finding], column: Column) -> bool:
    """One finding per open field: an unreadable value was reported already."""
    return any(b.location.column == column.letter for b in findings)


def _complete_child(table: Table, plan: TablePlan, row: Row, values: dict, warnings: list[Finding]) -> None:
    """A guardian's name from its parts; a required value a row lacks is an open field, with a warning.
    A guardian without any name is not used (values['naam'] = None), nor is a row without a number."""
    if "leerlingnummer" not in values:
        column = _column_of(table, "leerlingnummer")  # there is one: else the plan is unusable
        if not _reported(warnings, column):
            warnings.append(Finding(Severity.WARNING, table.location(row.number, column),
                                    "geen leerlingnummer; deze rij hoort bij geen leerling, niet gebruikt"))
        return
    if table.kind is OUDERS and not values.get("naam"):
        values["naam"] = guardian_name(**{k: values.get(k, "") for k in _GUARDIAN_NAME_PARTS}) or None
        if values["naam"] is None:
            warnings.append(Finding(Severity.WARNING, table.location(row.number),
                                    "ouder/verzorger zonder naam; deze rij wordt niet gebruikt"))
        return
    for name in plan.blanks:
        column = _column_of(table, name)
        if name not in values and column is not None and not _reported(warnings, column):
            warnings.append(Finding(Severity.WARNING, table.location(row.number, column),
                                    f"{column.header if column else name} is leeg; het veld blijft open op "
                                    "het formulier"))


def _convert_cells(table: Table, plan: TablePlan,
                   row: Row) -> tuple[dict[int, dict[str, object]], list[Finding], list[Finding]]:
    """The row's converted values per guardian number (0: the row's own record), errors and warnings."""
    values: dict[str, object] = {}
    per_guardian: dict[int, dict[str, object]] = defaultdict(dict, {0: values})
    errors: list[Finding] = []
    warnings: list[Finding] = []
    others: list[tuple[dict[str, object], NotedChoices]] = []  # parts for an 'Anders, namelijk' field
    cells = row.cells
    width = len(cells)
    for index, column, guardian, spec, naam, converter, soft, formula_is_error, remark_on in plan.conversions:
        if index >= width:  # a row may be shorter than its header
            break
        cell = cells[index]
        raw = cell.value
        if cell.formula or (raw.__class__ is not str and raw is not None):  # str or None: nearly every cell
            problem = no_value(cell, spec, formula_is_error)
            if problem:  # the cell counts as empty, with this one finding
                where = table.location(row.number, column)
                (errors if formula_is_error else warnings).append(
                    Finding(Severity.ERROR if formula_is_error else Severity.WARNING, where, problem))
                continue
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
        target = per_guardian[guardian] if guardian else values
        if (remark_on and isinstance(raw, remark_on)) or value.__class__ in REMARKABLE:
            if value.__class__ is NotedChoices and value.other:
                others.append((target, value))
            value = remark(table.location(row.number, column), spec, raw, value, warnings)
        target[naam] = value
    for target, value in others:
        add_other(target, value)
    return per_guardian, errors, warnings


def _column_of(table: Table, naam: str) -> Column | None:
    return next((k for k in table.columns if k.field and k.field.name == naam and not k.guardian), None)


def _keys(number: str, several: bool) -> list[str]:
    """The matching keys of a row: one, or several for a parent row with 'Leerlingcodes' '45,46'. Only a
    parents sheet names several children in a cell; elsewhere '12,3' is one number (no child's row is
    shared, and on the students sheet a split would make two OPPs and refuse students 12 and 3)."""
    if not several:  # nearly every row: one number, no splitting
        number = number.strip()
        return [convert.match_key(number)] if number else [""]
    return [convert.match_key(p.strip()) for p in _SEVERAL_NUMBERS.split(number) if p.strip()] or [""]


def _for_child(record, match_key: str, number: str):
    """A record keyed to one child when its cell named several."""
    child = next(p.strip() for p in _SEVERAL_NUMBERS.split(number)
                 if convert.match_key(p.strip()) == match_key)
    return dataclasses.replace(record, leerlingnummer=child)


def _wide_guardians(table: Table, plan: TablePlan, row: Row, values: dict[int, dict], number: str,
                    result: Validated) -> list[tuple[SheetKind, ConvertedRow]]:
    """Guardians from numbered columns on the students sheet ('Ouder 1 naam', 'E-mail ouder 2')."""
    converted = []
    for n in sorted(k for k in values if k):
        own = values[n]
        naam = own.get("naam") or guardian_name(**{k: own.get(k, "") for k in _GUARDIAN_NAME_PARTS})
        if not naam:
            column = next(k for k in table.columns if k.guardian == n)
            result.findings.append(Finding(
                Severity.WARNING, table.location(row.number, column),
                f"gegevens van ouder/verzorger {n} zonder naam; deze ouder wordt niet gebruikt "
                f"(verwacht een kolom als 'Naam ouder {n}')", number))
            continue
        origin = Origin(table.file, table.sheet, row.number, plan.columns[n])
        guardian = Ouder(**{**own, "naam": naam, "leerlingnummer": number, "origin": origin})
        converted.append((OUDERS, ConvertedRow(convert.match_key(number), guardian, row.number, table)))
    return converted


def _check_consistency(table: Table, row: Row, values: dict, today: date) -> list[Finding]:
    """Checks across the fields of one row: impossible date orders. The impossible date is left out:
    an open field is better than a wrong one."""
    found = []
    pairs = (("startdatum", "streefdatum"), ("startdatum", "einddatum"))
    for start, end in pairs:
        a, b = values.get(start), values.get(end)
        if isinstance(a, date) and isinstance(b, date) and b < a:
            del values[end]
            found.append(Finding(Severity.WARNING, table.location(row.number, _column_of(table, end)),
                                 f"{end} {b:%d-%m-%Y} ligt voor de {start} {a:%d-%m-%Y}; de {end} blijft "
                                 f"open op het formulier (verwacht een {end} op of na de {start})"))
    birth = values.get("geboortedatum")
    if isinstance(birth, date) and not (_EARLIEST_BIRTH <= birth <= today):
        del values["geboortedatum"]
        found.append(Finding(Severity.WARNING, table.location(row.number, _column_of(table, "geboortedatum")),
                             f"onmogelijke geboortedatum {birth:%d-%m-%Y}; het veld blijft open op het "
                             "formulier (verwacht een datum in het verleden, dd-mm-jjjj)"))
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
    selecting, found = selecting_tables([r.table for r in students])
    result.findings += found
    related = {sheet: _group(converted[sheet], by_key, result)
               for sheet in _RECORD_TYPES if sheet is not LEERLINGEN}
    per_key = _per_student(result.findings)  # once, not per student: 5,000 students x findings adds up
    for key, rows in by_key.items():
        leerling, selects = rows[0].record, id(rows[0].table) in selecting
        if selects and (leerling is None or not leerling.nodig) and key not in bad_keys:
            result.not_selected += len(rows)
            continue
        found = per_key.get(key, [])
        if key in bad_keys or leerling is None:
            reason = next((b.message for b in found if b.severity is Severity.ERROR), "fout in de gegevens")
            for r in rows:  # every row is accounted for: a number used twice withholds both rows
                number = r.record.leerlingnummer if r.record else key
                label = number if len(rows) == 1 else f"{number} ({_row_label(r.table, r.row)})"
                result.withheld[label] = reason
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
