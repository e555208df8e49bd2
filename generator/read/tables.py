"""Raw rows -> recognised tables: the kinds of sheet, the header row found among the first rows, the
columns matched to fields, and the data rows up to a run of blanks. Every cell keeps its place."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from ..domain.fields import LEERLINGEN, SHEET_KINDS, Field, SheetKind
from ..domain.findings import Finding, Location, Severity
from ..domain.registry import guardian_column, normalize_header
from .mapping import ColumnMapping

HEADER_SCAN_ROWS = 20
BLANK_ROWS_STOP = 50


@dataclass(frozen=True)
class Column:
    letter: str
    header: str
    field: Field | None
    guardian: int = 0  # guardian number of a wide guardian column on the students sheet, else 0


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
        result.findings.append(Finding(Severity.INFO, Location(file, sheet),
                                       "niet herkend (geen bekende kolomkoppen); overgeslagen"))
        return
    soort, header_row, columns = found
    table = Table(file, sheet, soort, header_row, columns)
    if header_row != head[0][0]:
        result.findings.append(Finding(
            Severity.INFO, table.location(header_row),
            f"kolomkoppen gevonden in rij {header_row}; rijen erboven overgeslagen"))
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
        table.rows.append(Row(number, values))
    result.tables.append(table)


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
                 mapping: ColumnMapping) -> tuple[SheetKind, int, tuple[Column, ...]] | None:
    """The header row: the first of the top rows whose cells name at least two known columns of one
    kind of sheet. The sheet's (or file's) name decides between kinds that fit equally well."""
    by_name = mapping.sheet(naam)
    for number, cells in head:
        keys = [normalize_header(c.value) for c in cells if isinstance(c.value, str) and c.value.strip()]
        best: tuple[int, SheetKind] | None = None
        for soort in SHEET_KINDS:
            index = mapping.column_index(soort)
            hits = sum(1 for k in keys if k in index)
            if hits >= 2 and (best is None or _score(hits, soort, by_name) > _score(*best, by_name)):
                best = (hits, soort)
        if best is not None:
            return best[1], number, _columns(cells, best[1], mapping)
    return None


def _score(hits: int, soort: SheetKind, by_name: SheetKind | None) -> int:
    return hits + (100 if soort is by_name else 0)


def _columns(cells: tuple[Cell, ...], soort: SheetKind, mapping: ColumnMapping) -> tuple[Column, ...]:
    index = mapping.column_index(soort)
    columns = []
    for i, c in enumerate(cells, start=1):
        header = " ".join(str(c.value).split()) if c.value is not None else ""
        field = index.get(normalize_header(header)) if header else None
        guardian = 0
        if field is None and header and soort is LEERLINGEN:
            wide = guardian_column(header)
            if wide:
                guardian, field = wide
        columns.append(Column(column_letter(i), header, field, guardian))
    while columns and not columns[-1].header:
        columns.pop()
    return tuple(columns)

