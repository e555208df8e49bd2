"""Sheet XML -> rows of raw cells, exactly as openpyxl would give them, several times faster; openpyxl
itself where the XML leaves the regular form. Also what read-only openpyxl does not tell: formulas
without a stored value and hidden rows. Both ways refuse (UnreadableSheet) a row or column beyond Excel's
limits and a sheet of more than tables.MAX_CELLS cells, give an error cell ('#N/A') as an ErrorValue, and a
shared-string index that points at no string as tables.UNREADABLE_CELL, never as Python's s[-1]."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from itertools import islice
from xml.parsers import expat

from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

from ..domain.findings import Finding, Location, Severity
from . import tables
from .tables import EMPTY_CELL, Cell, ErrorValue, ReadResult, UnreadableSheet, column_letter

log = logging.getLogger(__name__)


def _openpyxl_rows(ws, formulas: set[str]) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    """openpyxl's own reading: the reference fast_rows must equal, and its fallback. This is
    ReadOnlyWorksheet.iter_rows (_cells_by_row) without the empty row it makes for every missing row
    number, one by one: a row numbered 99999999999 would cost that many."""
    wb, counter, spent = ws.parent, 1, 0
    with ws._get_source() as src:
        parser = _GuardedParser(src, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for idx, found in parser.parse():
            tables.check_limits(idx, max((c["column"] for c in found), default=0))
            wanted, counter = idx >= counter, max(counter, idx + 1)
            cells = ws._get_row(found, 1, None) if wanted else found
            spent += len(cells) + 1
            if spent > tables.MAX_CELLS:
                raise tables.too_large(tables.MAX_CELLS, "cellen")
            if not wanted or not cells:
                continue
            # the first cell may be a gap (EmptyCell, no row number) when the row's column A is empty
            row = next(c.row for c in cells if isinstance(c, ReadOnlyCell))
            tables.check_limits(row, 0)
            yield row, tuple(Cell(ErrorValue(c.value) if c.data_type == "e" and c.value else c.value,
                                  _number_format(c), bool(formulas) and c.value is None
                                  and f"{column_letter(i)}{row}" in formulas)
                             for i, c in enumerate(cells, start=1))


class _GuardedParser(WorkSheetParser):
    """openpyxl's sheet parser, but a shared-string index that points at no string makes an unreadable
    cell, where openpyxl would take strings[-1] for '-1' (Python's negative index)."""

    def parse_cell(self, element):
        if element.get("t") == "s" and (v := element.find(VALUE_TAG)) is not None and v.text:
            if _shared_index(v.text, len(self.shared_strings)) is None:
                element.set("t", "e")
                v.text = str(tables.UNREADABLE_CELL)
        return super().parse_cell(element)


def _shared_index(text: str, count: int) -> int | None:
    """The index a shared-string cell gives, when it is one: digits only, below the number of strings."""
    text = text.strip()
    if text.isascii() and text.isdigit() and int(text) < count:
        return int(text)
    return None


def _number_format(cell) -> str:
    """The cell's number format; a file from another writer may point at styles it does not have."""
    try:
        return getattr(cell, "number_format", "") or ""
    except (IndexError, KeyError, AttributeError):
        return ""


# --- Reading the sheet XML directly --------------------------------------------------------------------
# openpyxl's read-only iter_rows spends ~19 µs per cell in pure Python; an export of 1,000 students took a
# second. The XML that Excel, LibreOffice and openpyxl write is regular: one expression reads a cell.
# _xml_rows reproduces exactly what openpyxl gives for that regular form (values, types, number formats,
# gaps, rows openpyxl skips). Whatever it does not know (comments, rich text, another attribute order, a
# namespace prefix, whitespace between elements) hands the sheet back to openpyxl, from the row where it
# stopped, so the result never depends on which of the two read it. tests/test_sheet_xml.py holds the two
# side by side.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DATA_OPEN, _DATA_CLOSE = b"<sheetData>", b"</sheetData>"
_ENCODING = re.compile(rb'(?:\xef\xbb\xbf)?<\?xml[^>]*?\bencoding\s*=\s*["\']([^"\']*)')
_ROW_OPEN = re.compile(r'<row(?: r="([0-9]+)")?(?: (?!r=|xmlns)[\w.:-]+="[^"<]*")*(/?)>')
# A cell after its coordinate; {g} opens a group that _CELL_PARTS captures and _CELL does not.
_CELL_REST = ('(?: s="{g}[0-9]+)")?(?: t="{g}[A-Za-z]+)")?(?:/>|>'
              '(?:<f(?: (?!xmlns)[\\w.:-]+="[^"<]*")*(?:/>|>[^<]*</f>))?'  # the formula: data_only ignores it
              '(?:<v>{g}[^<]*)</v>|<v/>)?'
              '{g}<is>(?:<t(?: xml:space="preserve")?>{g}[^<]*)</t>'
              '|<t(?: xml:space="preserve")?/>)?</is>|<is/>)?'
              '</c>)')
_CELL = re.compile('<c(?: r="([A-Z]+)([0-9]+)")?(' + _CELL_REST.format(g="(?:") + ")")
_CELL_PARTS = re.compile(_CELL_REST.format(g="("))
_ROW_CLOSE = "</row>"
_REF = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_COLUMNS: dict[str, int] = {}
_LETTER_RUN = [get_column_letter(i) for i in range(1, 1025)]  # a row without gaps; a wider one is laid out


class _Unfamiliar(Exception):
    """The sheet XML leaves the regular form this parser knows; openpyxl takes over."""


def fast_rows(wb, ws, data: bytes, formulas: set[str]) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    """The rows _openpyxl_rows gives, read from the sheet XML; openpyxl continues where this cannot."""
    inner = _sheet_data_text(data) if data else None
    if inner is None or getattr(ws, "_shared_strings", None) is None:
        yield from _openpyxl_rows(ws, formulas)
        return
    rows = _xml_rows(inner, wb, ws, formulas)
    done = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except UnreadableSheet:
            raise
        except Exception as exc:  # also a value openpyxl refuses: let it refuse it in its own way
            log.debug("blad %r: openpyxl leest verder na rij %d (%r)", ws.title, done, exc)
            break
        yield row
        done += 1
    yield from islice(_openpyxl_rows(ws, formulas), done, None)


def _sheet_data_text(data: bytes) -> str | None:
    """The text inside <sheetData>, when the part is well-formed XML as openpyxl would parse it and the
    rows can only be in there; else None."""
    if b"<!DOCTYPE" in data:  # a DTD is for openpyxl's defusedxml to judge (P15)
        return None
    declared = _ENCODING.match(data)
    if declared and declared.group(1).lower() != b"utf-8":
        return None
    start = data.find(_DATA_OPEN)
    end = data.find(_DATA_CLOSE, start)
    if start < 0 or end < 0:
        return None
    try:
        inner = data[start + len(_DATA_OPEN):end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return inner if _well_formed(data, start, end) else None


def _well_formed(data: bytes, start: int, end: int) -> bool:
    """expat, set up as ElementTree sets it up for openpyxl, accepts the whole part; the <sheetData> found
    by text is the element, in the main namespace; no row lies outside it. Element events are only
    collected outside sheetData: inside, the C parser runs without callbacks."""
    parser = expat.ParserCreate(None, "}")
    if hasattr(parser, "SetReparseDeferralEnabled"):  # expat >= 2.6 may hold back the <sheetData> event
        parser.SetReparseDeferralEnabled(False)
    events: list[tuple[str, int]] = []

    def opened(name, _attrs):
        events.append((name, parser.CurrentByteIndex))

    def closed(name):
        events.append(("/" + name, parser.CurrentByteIndex))

    inside, view = start + len(_DATA_OPEN), memoryview(data)  # a view: no copy of a 50 MB sheet
    try:
        parser.StartElementHandler, parser.EndElementHandler = opened, closed
        parser.Parse(view[:inside], False)
        before = len(events)
        parser.StartElementHandler = parser.EndElementHandler = None
        parser.Parse(view[inside:end], False)
        parser.StartElementHandler, parser.EndElementHandler = opened, closed
        parser.Parse(view[end:], True)
    except expat.ExpatError:
        return False
    sheet_data = f"{_MAIN}}}sheetData"
    return (before > 0 and events[before - 1] == (sheet_data, start)
            and len(events) > before and events[before] == ("/" + sheet_data, end)
            and not any(name in (f"{_MAIN}}}row", f"/{_MAIN}}}row") for name, _ in events))


def _xml_text(text: str) -> str:
    """Character data as expat reports it: line ends normalised, references resolved. The part is
    well-formed, so these are the only references it can hold."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _REF.sub(_ref, text)
    return text


def _ref(m: re.Match) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    return chr(int(m.group(2))) if m.group(2) else chr(int(m.group(3), 16))


def _xml_rows(text: str, wb, ws, formulas: set[str]) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    """openpyxl's WorkSheetParser.parse_row/parse_cell, ReadOnlyWorksheet._cells_by_row/_get_row and
    ReadOnlyCell.number_format (openpyxl 3.1), for the regular form; raises _Unfamiliar outside it."""
    cells = _CellParser(wb, ws)
    known, cell = cells.made.get, cells.cell
    pos, end = 0, len(text)
    row_counter = spent = 0
    counter = 1  # _cells_by_row's: a row numbered below it (out of order, repeated) is never yielded
    while pos < end:
        m = _ROW_OPEN.match(text, pos)
        if m is None:
            raise _Unfamiliar(text[pos:pos + 40])
        number, closed = m.groups()
        row_counter = int(number) if number is not None else row_counter + 1
        tables.check_limits(row_counter, 0)
        wanted = row_counter >= counter
        counter = max(counter, row_counter + 1)
        found, pos = ([], m.end()) if closed else _row_cells(text, m.end())
        # every cell's value, also in a row that is not yielded: openpyxl refuses a bad one there too
        cells = [known(rest) or cell(rest) for _, _, rest in found]
        if not wanted or not found:
            spent += len(found) + 1
            continue
        if [letters for letters, _, _ in found] == _LETTER_RUN[:len(found)]:  # A, B, C, ...: no gaps
            result, number = tuple(cells), int(found[0][1])
        else:
            result, number = _place(cells, found, row_counter)
        spent += len(result) + 1
        if spent > tables.MAX_CELLS or number > tables.EXCEL_ROWS:
            tables.check_limits(number, 0)
            raise tables.too_large(tables.MAX_CELLS, "cellen")
        yield number, _with_formulas(result, number, formulas) if formulas else result


def _row_cells(text: str, pos: int) -> tuple[list[tuple[str | None, str | None, str]], int]:
    """The cells of the row whose start tag ends at pos, as (letters, digits, the rest), and the position
    after its end tag."""
    found = []
    while m := _CELL.match(text, pos):
        pos = m.end()
        found.append(m.groups())
    if not text.startswith(_ROW_CLOSE, pos):
        raise _Unfamiliar(text[pos:pos + 40])
    return found, pos + len(_ROW_CLOSE)


def _with_formulas(cells: tuple[Cell, ...], row: int, formulas: set[str]) -> tuple[Cell, ...]:
    return tuple(Cell(None, c.number_format, True)
                 if c.value is None and f"{column_letter(i)}{row}" in formulas else c
                 for i, c in enumerate(cells, start=1))


def _place(cells: list[Cell], found: list[tuple], row_counter: int) -> tuple[tuple[Cell, ...], int]:
    """A row with gaps (Excel leaves out empty cells), columns out of order or cells without coordinates,
    laid out as _get_row does: as wide as its last cell's column, a later cell for the same column wins,
    gaps are empty cells. The row's number is that of its first cell."""
    if all(letters for letters, _, _ in found):
        places = [_COLUMNS.get(letters) or _column_number(letters) for letters, _, _ in found]
        numbers: list = [digits for _, digits, _ in found]
    else:
        places, numbers, column = [], [], 0
        for letters, digits, _ in found:
            if letters is None:  # parse_cell: the next column, the row's own number
                column, number = column + 1, row_counter
            else:
                column, number = _column_number(letters), digits
            places.append(column)
            numbers.append(number)
    tables.check_limits(0, max(places))  # before a row as wide as its last cell is laid out
    width = places[-1]
    slots = [EMPTY_CELL] * width
    rows: list = [None] * width
    for cell, column, number in zip(cells, places, numbers, strict=True):
        if column <= width:
            slots[column - 1], rows[column - 1] = cell, number
    return tuple(slots), int(next(n for n in rows if n is not None))


def _column_number(letters: str) -> int:
    if len(letters) > 3:  # beyond ZZZ: no column
        return tables.EXCEL_COLUMNS + 1
    if letters not in _COLUMNS:
        _COLUMNS[letters] = column_index_from_string(letters)
    return _COLUMNS[letters]


class _CellParser:
    """One cell's value and number format from its XML, as openpyxl's parse_cell and ReadOnlyCell give
    them, with the workbook's shared strings, date epoch and styles."""

    def __init__(self, wb, ws):
        self.ws, self.shared, self.epoch = ws, ws._shared_strings, wb.epoch
        self.date_styles, self.timedelta_styles = wb._date_formats, wb._timedelta_formats
        self.styles: dict[str | None, tuple[str, bool, bool]] = {}
        # a cell's XML after its coordinate -> its Cell: most cells repeat one
        self.made: dict[str, Cell] = {}

    def cell(self, rest: str) -> Cell:
        found = self.made.get(rest)
        if found is None:
            if len(self.made) > 50_000:  # a sheet of unique texts must not double its memory
                self.made.clear()
            found = self.made[rest] = self._parse(rest)
        return found

    def _parse(self, rest: str) -> Cell:
        style, kind, raw, inline, inline_text = _CELL_PARTS.fullmatch(rest).groups()
        found = self.styles.get(style)
        if found is None:
            found = self.styles[style] = self._style(style)
        number_format, is_date, is_timedelta = found
        if kind == "inlineStr":
            value = (_xml_text(inline_text) if inline_text else "") if inline is not None else None
        else:
            value = _xml_text(raw) if raw else None
            if value is not None:
                value = self._value(kind, value, is_date, is_timedelta)
        return Cell(value, number_format)

    def _value(self, kind: str | None, value: str, is_date: bool, is_timedelta: bool) -> object:
        if kind is None or kind == "n":
            value = float(value) if "." in value or "E" in value or "e" in value else int(value)
            if is_date:
                try:
                    return from_excel(value, self.epoch, timedelta=is_timedelta)
                except (OverflowError, ValueError):
                    return ErrorValue("#VALUE!")  # openpyxl makes it an error cell
            return value
        if kind == "s":
            index = _shared_index(value, len(self.shared))
            return tables.UNREADABLE_CELL if index is None else self.shared[index]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        if kind == "e":
            return ErrorValue(value)
        return value  # 'str' and unknown types keep their text, as in openpyxl

    def _style(self, style: str | None) -> tuple[str, bool, bool]:
        style_id = int(style) if style else 0
        return (_number_format(ReadOnlyCell(self.ws, 1, 1, None, "n", style_id)),
                style_id in self.date_styles, style_id in self.timedelta_styles)


_CELL_START = re.compile(rb"<c\b[^>]*\br=\"([A-Z]+[0-9]+)\"")
_FORMULA = re.compile(rb"<f[ >/]")
_VALUE = re.compile(rb"<v>[^<]+</v>")
_HIDDEN_ROW = re.compile(rb'<row\b(?=[^>]*\bhidden="(?:1|true)")[^>]*\br="([0-9]+)"')


def raw_sheet_xml(wb, ws) -> bytes:
    """The sheet's raw XML, for what read-only openpyxl does not tell (formulas, hidden rows). The
    container checks above bound its size."""
    archive, path = getattr(wb, "_archive", None), getattr(ws, "_worksheet_path", None)
    if archive is None or path is None:  # openpyxl internals changed: do without these checks
        return b""
    return archive.read(path)


def report_hidden_rows(file: str, sheet: str, data: bytes, result: ReadResult) -> None:
    """Hidden rows are read like any other (P11), but the user may not know they are there."""
    table = result.tables[-1] if result.tables and result.tables[-1].sheet == sheet else None
    if table is None or table.file != file or b"hidden" not in data:
        return
    read = {r.number for r in table.rows}
    hidden = [int(m.group(1)) for m in _HIDDEN_ROW.finditer(data) if int(m.group(1)) in read]
    if hidden:
        shown = ", ".join(map(str, hidden[:20])) + (" ..." if len(hidden) > 20 else "")
        result.findings.append(Finding(Severity.INFO, Location(file, sheet),
                                       f"verborgen rijen in Excel, wel gelezen: {shown}"))


def formulas_without_value(data: bytes) -> set[str]:
    """Cells holding a formula without a stored value (a file written by a program, never saved by
    Excel): data_only reading gives None there, which must not pass for an empty cell (P9)."""
    found: set[str] = set()
    for f in _FORMULA.finditer(data):
        start, end = data.rfind(b"<c ", 0, f.start()), data.find(b"</c>", f.start())
        if start == -1 or end == -1 or data.find(b"</c>", start) != end:
            continue  # not inside a cell
        cell = data[start:end]
        m = _CELL_START.match(cell)
        if m and not _VALUE.search(cell):
            found.add(m.group(1).decode("ascii"))
    return found


