"""Raw rows -> recognised tables: the kinds of sheet, the header row found among the first rows, the
columns matched to fields, and the data rows up to a run of blanks. Every cell keeps its place."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from openpyxl.utils import get_column_letter

from ..domain.fields import FieldType, SheetKind
from ..domain.findings import Finding, Location, Severity
from . import bsn, convert
from .mapping import ColumnMapping
from .recognize import Column, Recognized, describe_row, recognize

HEADER_SCAN_ROWS = 20
BLANK_ROWS_STOP = 50
# What the reader reads of one sheet or CSV file at most. A large school exports a few thousand students
# by tens of columns; a file beyond these is refused (66) instead of costing minutes and gigabytes.
MAX_DATA_ROWS = 100_000  # data rows kept per sheet or CSV file
MAX_CELLS = 5_000_000  # cells laid out per sheet, gaps in a row included (sheet_xml.py)
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # Excel's own limits: a reference beyond them is no cell


class ErrorValue(str):
    """An Excel error value ('#N/A', '#WAARDE!'): the cell holds no value; it is never a student's data."""


UNREADABLE_CELL = ErrorValue("#ONLEESBAAR")  # a cell whose value cannot be read: its shared string is missing


class UnreadableSheet(Exception):
    """A sheet or CSV file the reader will not read on: too large, a reference beyond Excel's limits, an
    unclosed quote. str() is the Dutch reason; the reader puts the file's (and sheet's) name before it."""


_BEYOND = ("ligt voorbij de laatste {} van Excel ({}); het blad is beschadigd of verkeerd geschreven. Open "
           "het in Excel en sla het opnieuw op")


def check_limits(row: int, column: int) -> None:
    """A row or column beyond Excel's last one is no cell of a sheet Excel saved."""
    if row > EXCEL_ROWS:
        raise UnreadableSheet(f"rij {row} " + _BEYOND.format("rij", "1.048.576"))
    if column > EXCEL_COLUMNS:
        raise UnreadableSheet("een cel " + _BEYOND.format("kolom", "XFD"))


def too_large(limit: int, what: str) -> UnreadableSheet:
    """Refused with 66: `what` passes `limit` (MAX_DATA_ROWS, MAX_CELLS, EXCEL_COLUMNS in one CSV record)."""
    return UnreadableSheet(f"te groot: meer dan {limit:,} {what}".replace(",", ".") + "; dat is geen "
                           "export van leerlingen. Kijk of er alleen de lijst met leerlingen in staat")


@dataclass(frozen=True, slots=True)  # slots: 200,000 cells of a school export stay small
class Cell:
    value: object
    number_format: str = ""
    formula: bool = False  # a formula whose value Excel never stored: the value is unknown


EMPTY_CELL = Cell(None)


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # Excel's row number (for CSV: the line number)
    cells: tuple[Cell, ...]


@dataclass
class Table:
    """One recognised sheet or CSV file: its kind, its columns and its data rows."""

    file: str
    sheet: str  # empty for a CSV file
    kind: SheetKind
    header_row: int
    columns: tuple[Column, ...]
    rows: list[Row] = field(default_factory=list)

    def location(self, row: int | None = None, column: Column | None = None) -> Location:
        letter, header = (column.letter, column.header) if column else ("", "")
        return Location(self.file, self.sheet, row, letter, header)


@dataclass
class ReadResult:
    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


_LETTER_CACHE: dict[int, str] = {}


def column_letter(i: int) -> str:
    if i not in _LETTER_CACHE:
        _LETTER_CACHE[i] = get_column_letter(i)
    return _LETTER_CACHE[i]


def read_table(file: str, sheet: str, naam: str, rows: Iterator[tuple[int, tuple[Cell, ...]]],
               result: ReadResult, mapping: ColumnMapping) -> None:
    """Find the header row among the first rows, then collect the data rows up to a run of blanks."""
    head: list[tuple[int, tuple[Cell, ...]]] = []
    for number, cells in rows:
        head.append((number, cells))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    found = _find_header(naam, head, mapping)
    if found is None:
        result.findings.append(Finding(Severity.INFO, Location(file, sheet), _not_recognised(head, mapping)))
        return
    header_row, recognized = found
    table = Table(file, sheet, recognized.kind, header_row, recognized.columns)
    if header_row != head[0][0]:
        result.findings.append(Finding(
            Severity.INFO, table.location(header_row),
            f"kolomkoppen gevonden in rij {header_row}; rijen erboven overgeslagen"))
    for column, note in recognized.notes:
        result.findings.append(Finding(Severity.INFO, table.location(header_row, column), note))
    columns = recognized.columns
    width = len(columns)
    used = [i for i, k in enumerate(columns) if k.field is not None]
    blank_run = 0
    for number, cells in _chain([(n, c) for n, c in head if n > header_row], rows):
        values = cells[:width] if len(used) == width else _used_cells(cells, used, width)
        if all(_is_blank(c.value) and not c.formula for c in values):
            blank_run += 1
            if blank_run >= BLANK_ROWS_STOP:
                break  # a formatted cell at row 1,048,576 must not cost a million iterations (P1)
            continue
        blank_run = 0
        if len(table.rows) >= MAX_DATA_ROWS:
            raise too_large(MAX_DATA_ROWS, "rijen met gegevens")
        table.rows.append(Row(number, values))
    _keep_out_bsns(table, result)
    result.tables.append(table)


def _keep_out_bsns(table: Table, result: ReadResult) -> None:
    """A column whose numbers are BSNs is never read, whatever its header or the mapping file says; a
    column that packs BSNs with other text is read without them (bsn.py)."""
    for i, column in enumerate(table.columns):
        if column.field is None or column.field.type is FieldType.SECRET:
            continue
        verdict = _verdict(column, [row.cells[i].value for row in table.rows if i < len(row.cells)])
        if verdict is bsn.Verdict.NONE:
            continue
        where = table.location(table.header_row, column)
        if verdict is bsn.Verdict.WHOLE:
            ignored = replace(column, field=None, bsn=True)
            table.columns = (*table.columns[:i], ignored, *table.columns[i + 1:])
            result.findings.append(Finding(Severity.WARNING, where, (
                "deze kolom bevat burgerservicenummers (ze kloppen met de elfproef); hij wordt niet gelezen, "
                "ook niet via een kolommenbestand, en kan uit de export weg")))
            continue
        table.rows[:] = [_without_bsn(row, i) for row in table.rows]
        result.findings.append(Finding(Severity.WARNING, where, (
            "in deze kolom staan burgerservicenummers tussen de andere gegevens; die nummers worden "
            "weggelaten en komen nergens in een OPP of melding")))


_LONG_DIGITS = re.compile(r"[0-9]{8}")
_EIGHT_DIGITS_WRITTEN_ANYHOW = re.compile(r"[0-9](?:[\s.\-]?[0-9]){7}")  # '123.456.782', '1234 5678'


def _may_hold_bsn(values: list[object]) -> bool:
    """Whether any value has eight digits in a row, perhaps with separators: a BSN needs them."""
    texts = []
    for v in values:
        if isinstance(v, str):
            texts.append(v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool) and 10_000_000 <= abs(v) < 1_000_000_000:
            return True
    return _EIGHT_DIGITS_WRITTEN_ANYHOW.search("\n".join(texts)) is not None


def _verdict(column: Column, values: list[object]) -> bsn.Verdict:
    """Dates ('20120203') and phone numbers ('06-12345678') hold 8-digit runs that pass the eleven-test
    by chance: a date column is judged on the values that are no date, a phone column only as a whole."""
    kind = column.field.type
    if not _may_hold_bsn(values):  # nearly every column: one regex over the column instead of one per cell
        return bsn.Verdict.NONE
    if kind is FieldType.DATE:  # only a long run of digits can be a BSN: most dates are not looked at twice
        values = [v for v in values if isinstance(v, (str, int, float)) and _LONG_DIGITS.search(str(v))
                  and not _is_date(v)]
    verdict = bsn.column_verdict(values, is_key=kind is FieldType.ID)
    return bsn.Verdict.NONE if kind is FieldType.PHONE and verdict is bsn.Verdict.PACKED else verdict


def _is_date(value: object) -> bool:
    try:
        convert.parse_date(value)
    except ValueError:
        return False
    return True


def _without_bsn(row: Row, i: int) -> Row:
    if i >= len(row.cells) or not isinstance(value := row.cells[i].value, (str, int, float)):
        return row
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    cleaned = bsn.strip_bsn(text)
    if cleaned == text:
        return row
    cells = list(row.cells)
    cells[i] = Cell(cleaned or None, row.cells[i].number_format)
    return Row(row.number, tuple(cells))


def _used_cells(cells: tuple[Cell, ...], used: list[int], width: int) -> tuple[Cell, ...]:
    """Cells of unused columns are not kept: memory grows with the data that matters only."""
    kept = [EMPTY_CELL] * min(len(cells), width)
    for i in used:
        if i >= len(kept):
            break
        kept[i] = cells[i]
    return tuple(kept)


def _chain(first, rows):
    yield from first
    yield from rows


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(naam: str, head: list[tuple[int, tuple[Cell, ...]]],
                 mapping: ColumnMapping) -> tuple[int, Recognized] | None:
    """The header row: the first of the top rows whose cells mark a kind of sheet (recognize.py)."""
    for number, cells in head:
        headers = _headers(cells)
        if sum(1 for h in headers if h) < 2:
            continue
        found = recognize(headers, [column_letter(i) for i in range(1, len(headers) + 1)], naam, mapping)
        if found is not None:
            return number, found
    return None


def _headers(cells: tuple[Cell, ...]) -> list[str]:
    return [" ".join(str(c.value).split()) if c.value is not None else "" for c in cells]


def _not_recognised(head: list[tuple[int, tuple[Cell, ...]]], mapping: ColumnMapping) -> str:
    """The finding for a sheet without a recognisable header row: what it does hold, if anything."""
    found = next((f for _, cells in head if (f := describe_row(_headers(cells), mapping))), ())
    if not found:
        return "niet herkend (geen bekende kolomkoppen); overgeslagen"
    return ("niet herkend: de kolomkoppen passen bij geen soort blad (leerlingen: naam met klas of "
            "geboortedatum; ouders: relatie of gezag; doelen: doel); gevonden: " + ", ".join(found[:8])
            + "; overgeslagen. `opp kolommen` toont per kolom de velden die er het meest op lijken")
