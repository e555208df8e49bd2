"""Workbook or CSV -> tables of raw cells, each cell with its place (file, sheet, Excel row, column letter).

Sheets and files are recognised by name and by their headers, never by position; the header row is
found even below title rows. Values stay raw here: the validator converts them by field type.
"""

from __future__ import annotations

import csv
import logging
import warnings
import zipfile
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from openpyxl import load_workbook

from ..domain.errors import InputError
from ..domain.findings import Finding, Location, Severity
from .csv_text import csv_rows, decode_csv
from .mapping import NO_MAPPING, ColumnMapping
from .sheet_xml import fast_rows, formulas_without_value, raw_sheet_xml, report_hidden_rows
from .tables import Cell, ReadResult, read_table

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 20
BLANK_ROWS_STOP = 50
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 10_000
CSV_SUFFIXES = (".csv", ".txt")


def read_exports(paths: Iterable[Path], mapping: ColumnMapping = NO_MAPPING) -> ReadResult:
    """Read every input file; a file that cannot be read at all raises InputError."""
    result = ReadResult()
    for path in paths:
        _read_file(Path(path), result, mapping)
    return result


def _read_file(path: Path, result: ReadResult, mapping: ColumnMapping) -> None:
    """One input file; any way of not being able to read it is an InputError that names the file."""
    if path.is_dir():
        raise InputError(f"{path}: dit is een map, geen bestand; geef het pad van de export (.xlsx of .csv)")
    try:
        _read_contents(path, result, mapping)
    except OSError as exc:  # it vanished, no permission, held by another program, a disk error
        raise _unreadable(path, exc) from exc


def _unreadable(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{path}: bestand niet gevonden")
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: het bestand kan niet worden gelezen: geen toestemming, of het is geopend "
                          "in een ander programma")
    return InputError(f"{path}: het bestand kan niet worden gelezen ({exc.strerror or exc})")


def _read_contents(path: Path, result: ReadResult, mapping: ColumnMapping) -> None:
    if not path.is_file():
        raise InputError(f"{path}: bestand niet gevonden")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path.name}: bestand is groter dan {MAX_FILE_BYTES // 2**20} MB")
    with path.open("rb") as fh:
        magic = fh.read(8)
    if not magic.startswith(b"PK") and path.suffix.casefold() in CSV_SUFFIXES:
        text, message = decode_csv(path.read_bytes())
        if message:
            result.findings.append(Finding(Severity.INFO, Location(path.name), message))
        rows = ((n, tuple(Cell(v) for v in values)) for n, values in csv_rows(text))
        try:
            read_table(path.name, "", path.stem, rows, result, mapping)
        except csv.Error as exc:  # e.g. a field longer than csv's limit: not a list a school exports
            raise InputError(f"{path.name}: geen bruikbaar CSV-bestand ({exc}); sla de lijst in Excel op als "
                             "CSV of als Excel-werkmap (.xlsx)") from exc
        return
    _check_container(path, magic)
    _read_xlsx(path, result, mapping)


def _check_container(path: Path, magic: bytes) -> None:
    """Refuse what is not an .xlsx, and zip bombs, before any XML is parsed."""
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path.name}: dit is een oud .xls-bestand of een met een wachtwoord beveiligd "
                         "bestand. Open het in Excel en sla het op als Excel-werkmap (.xlsx).")
    if not magic.startswith(b"PK"):
        raise InputError(f"{path.name}: dit is geen Excel-werkmap (.xlsx) en geen CSV-bestand (.csv). "
                         "Sla het bestand in Excel op als Excel-werkmap (.xlsx).")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path.name}: het bestand is beschadigd (geen geldige .xlsx)") from exc
    total = sum(i.file_size for i in infos)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos), default=0)
    if total > MAX_UNPACKED_BYTES or worst > MAX_RATIO or len(infos) > MAX_ENTRIES:
        raise InputError(f"{path.name}: het bestand pakt uit tot een onredelijke grootte; "
                         "het wordt niet geopend")


def _read_xlsx(path: Path, result: ReadResult, mapping: ColumnMapping) -> None:
    # a file object, not the path: openpyxl refuses a real workbook that was saved as 'export.csv'
    with warnings.catch_warnings(), path.open("rb") as fh:
        warnings.simplefilter("ignore")  # openpyxl's style warnings mean nothing to a school
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for one cause: an unreadable file
            raise InputError(f"{path.name}: kan het bestand niet lezen als Excel-werkmap (.xlsx)") from exc
        with closing(wb):
            for ws in wb.worksheets:
                if ws.sheet_state != "visible":
                    result.findings.append(Finding(Severity.INFO, Location(path.name, ws.title),
                                                   "verborgen blad overgeslagen"))
                    continue
                ws.reset_dimensions()  # the file's own <dimension> may be wrong (P2)
                try:
                    xml = raw_sheet_xml(wb, ws)
                    rows = fast_rows(wb, ws, xml, formulas_without_value(xml))
                    read_table(path.name, ws.title, ws.title, rows, result, mapping)
                    report_hidden_rows(path.name, ws.title, xml, result)
                except Exception as exc:  # broken sheet XML surfaces only while iterating
                    raise InputError(f"{path.name}, blad '{ws.title}': het blad is beschadigd en kan niet "
                                     "worden gelezen; open het in Excel en sla het opnieuw op") from exc


