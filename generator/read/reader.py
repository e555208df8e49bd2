"""Workbook or CSV -> tables of raw cells, each cell with its place (file, sheet, Excel row, column letter).

Sheets and files are recognised by name and by their headers, never by position; the header row is
found even below title rows. Values stay raw here: the validator converts them by field type.
"""

from __future__ import annotations

import csv
import logging
import re
import warnings
import zipfile
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from ..domain.errors import InputError
from ..domain.findings import Finding, Location, Severity
from .csv_text import csv_rows, decode_csv
from .mapping import NO_MAPPING, ColumnMapping
from .sheet_xml import fast_rows, formulas_without_value, raw_sheet_xml, report_hidden_rows
from .tables import Cell, ReadResult, UnreadableSheet, column_letter, read_table

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 10_000
CSV_SUFFIXES = (".csv", ".txt")
# A zip starts with a local file header, or is empty, or was split: 'PK' alone may be a CSV ('PK-nummer;...')
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# The root of a workbook or sheet part in strict Open XML: openpyxl would find no sheet and no row in it
_STRICT = re.compile(rb'<[\w:]*(?:workbook|worksheet)\b[^>]*"http://purl\.oclc\.org/ooxml/spreadsheetml/main"')
_SAVE_AGAIN = "Open het in Excel en sla het op als Excel-werkmap (.xlsx)."


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
    if not magic.startswith(ZIP_SIGNATURES) and path.suffix.casefold() in CSV_SUFFIXES:
        _read_csv(path, result, mapping)
        return
    _check_container(path, magic)
    _read_xlsx(path, result, mapping)


def _read_csv(path: Path, result: ReadResult, mapping: ColumnMapping) -> None:
    text, message = decode_csv(path.read_bytes())
    if message:
        result.findings.append(Finding(Severity.INFO, Location(path.name), message))
    damaged: list[tuple[int, int, int]] = []
    rows = ((n, tuple(Cell(v) for v in values)) for n, values in csv_rows(text, damaged))
    tables = len(result.tables)
    try:
        read_table(path.name, "", path.stem, rows, result, mapping)
    except UnreadableSheet as exc:
        raise InputError(f"{path.name}: {exc}") from exc
    except csv.Error as exc:  # e.g. a field longer than csv's limit: not a list a school exports
        raise InputError(f"{path.name}: geen bruikbaar CSV-bestand ({exc}); sla de lijst in Excel op als "
                         "CSV of als Excel-werkmap (.xlsx)") from exc
    headers = [c.header for c in result.tables[-1].columns] if len(result.tables) > tables else []
    for line, i, byte in damaged:  # a byte that is no UTF-8 in a file read as UTF-8 (csv_text.py)
        where = Location(path.name, "", line, column_letter(i + 1), headers[i] if i < len(headers) else "")
        result.findings.append(Finding(Severity.WARNING, where, (
            f"een teken in deze cel is geen UTF-8 (byte 0x{byte:02X}) en is vervangen door '\ufffd'; de "
            "rest van het bestand is als UTF-8 gelezen. Verbeter de cel, of sla de lijst op als CSV UTF-8")))


def _check_container(path: Path, magic: bytes) -> None:
    """Refuse what is not an .xlsx, and zip bombs, before any XML is parsed."""
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path.name}: dit is een oud .xls-bestand of een met een wachtwoord beveiligd "
                         "bestand. Open het in Excel en sla het op als Excel-werkmap (.xlsx).")
    if not magic.startswith(ZIP_SIGNATURES):
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
            book = _WorkbookReader(fh)
            book.read()
        except Exception as exc:  # openpyxl raises many kinds for one cause: an unreadable file
            raise InputError(f"{path.name}: kan het bestand niet lezen als Excel-werkmap (.xlsx)") from exc
        with closing(book.wb) as wb:
            _check_sheets(path, book)
            for ws in wb.worksheets:
                if ws.sheet_state != "visible":
                    result.findings.append(Finding(Severity.INFO, Location(path.name, ws.title),
                                                   "verborgen blad overgeslagen"))
                    continue
                ws.reset_dimensions()  # the file's own <dimension> may be wrong (P2)
                try:
                    xml = raw_sheet_xml(wb, ws)
                    if _STRICT.search(xml, 0, 4096):
                        raise UnreadableSheet(_strict())
                    rows = fast_rows(wb, ws, xml, formulas_without_value(xml))
                    read_table(path.name, ws.title, ws.title, rows, result, mapping)
                    report_hidden_rows(path.name, ws.title, xml, result)
                except UnreadableSheet as exc:
                    raise InputError(f"{path.name}, blad '{ws.title}': {exc}") from exc
                except Exception as exc:  # broken sheet XML surfaces only while iterating
                    raise InputError(f"{path.name}, blad '{ws.title}': het blad is beschadigd en kan niet "
                                     "worden gelezen; open het in Excel en sla het opnieuw op") from exc


class _WorkbookReader(ExcelReader):
    """load_workbook(read_only=True, data_only=True), keeping what it found (the sheets the workbook names,
    for _check_sheets), with sheets that do not look for their <dimension> when opened: in a sheet without
    one openpyxl parses the whole sheet for it and keeps every element (a 12 MB sheet: 15 s, 400 MB), and
    the reader ignores the dimension anyway (P2). Chart sheets hold no rows and are left out."""

    def __init__(self, fh):
        super().__init__(fh, read_only=True, data_only=True)

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                ws = _SheetOfUnknownSize(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)


class _SheetOfUnknownSize(ReadOnlyWorksheet):
    def _get_size(self):  # see _WorkbookReader
        return None


def _check_sheets(path: Path, book: ExcelReader) -> None:
    """Every sheet the workbook names is there. openpyxl skips a sheet whose part is missing without a word,
    and finds no sheet at all in a workbook in strict Open XML: either would pass for 'no students sheet'."""
    part = book.archive.read(book.parser.workbook_part_name)
    if _STRICT.search(part, 0, 4096):
        raise InputError(f"{path.name}: {_strict()}")
    named = list(book.parser.find_sheets())
    missing = [sheet.name for sheet, rel in named if rel.target not in book.valid_files]
    if missing or not named:
        raise InputError(f"{path.name}: kan het bestand niet lezen als Excel-werkmap: " + (
            f"het blad '{missing[0]}' staat in de werkmap, maar de inhoud ervan ontbreekt; het bestand is "
            "beschadigd. " if missing else "er staat geen enkel blad in. ") + _SAVE_AGAIN)


def _strict() -> str:
    return ("de werkmap is opgeslagen als 'Strict Open XML-werkmap'; die indeling kan niet worden gelezen. "
            "Open het in Excel en sla het op als gewone Excel-werkmap (.xlsx).")


