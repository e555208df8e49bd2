"""The register `overzicht.xlsx`: one row per OPP (deadlines, status, what is still open) and the DUO sheet.

The coordinator's question is not "make 200 files" but "which OPPs must be set by when, which are
late, what is still to be filled in, which go to the administration for DUO". The register is rebuilt
on every run from that run's results plus the OPP files already in the folder, so it stays in step with
the files. It is made to work from on screen and on paper: only the deadline that matters is coloured,
columns fit their content, and it prints on A4 landscape, one page wide, the header on every page.
"""

from __future__ import annotations

import fnmatch
import io
import logging
import os
import re
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineError, CalamineWorkbook
from xlsxwriter.url import Url

from ..rules import open_items, opp_rules
from .identity import SIDE_COPY  # the writer's copies belong to their OPP's row
from .register_rows import DUO, HEADERS, RegisterRow, register_row  # noqa: F401 (the register's API)
from .writer import TEMP_PREFIX, make_folder, write_atomic

log = logging.getLogger(__name__)

FILE_NAME = "overzicht.xlsx"
DATE_FORMAT = "DD-MM-YYYY"  # Excel's code; a Dutch Excel shows it as dd-mm-jjjj
NOT_IN_RUN = "niet in deze run"
UNREADABLE = "niet leesbaar, vorige gegevens"
SKIPPED_STATUS = "niet bijgewerkt (fout in de gegevens)"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FILL = {opp_rules.OVERDUE: "#FFC7CE", opp_rules.DUE_SOON: "#FFEB9C"}  # Excel's own "bad" and "neutral" fills
_EVALUATION = "evaluatie "  # opp_rules.termijn's prefix: the termijn is about the next evaluation
# The header wraps (a long heading over a narrow date column); valign top keeps short ones level
_HEADER_FORMAT = {"bold": True, "text_wrap": True, "valign": "top"}
_HEADER_FILL = {"pattern": 1, "bg_color": "#DDEBF7"}  # the sheet 'OPP's' only: the DUO sheet is plain
_IN_MEMORY_UP_TO = 2000  # rows; see xlsx_options
_PIXELS_PER_CHAR = 7  # XlsxWriter sets widths in pixels, 7 per character: stored width as before
_DATE_WIDTH = 12  # characters: dd-mm-jjjj and a margin
_FILTER_BUTTON = 3  # characters beside the heading taken by the autofilter's button
_MAX_WIDTH = 60  # characters; a longer text is cut off on screen, or wraps in the columns below
_WRAPPED = ("aanleiding", "nog_in_te_vullen", "instemming", "resultaten")
CELL_LIMIT = 32_767  # the most characters Excel holds in one cell, counted in UTF-16 code units
CUT_MARK = "…"


def write(map: Path, rows: list[RegisterRow], today: date, skipped: set[str] = frozenset(),
          unreadable: set[str] = frozenset()) -> Path:
    """Write `map/overzicht.xlsx` atomically: this run's rows plus a row for every OPP file already in
    the folder (from the previous register where it has one); rows of files that are gone are dropped.
    Students in `skipped` (skipped this run) keep their old row with a 'Bestand' saying so."""
    path = map / FILE_NAME
    ours = len(rows)
    rows = _with_existing(map, rows, lambda: _previous_rows(path), skipped, unreadable)
    rows = [_judged(r, today) for r in rows]
    rows[ours:] = [replace(r, status=open_items.kept_status(r.status, r.termijn)) for r in rows[ours:]]
    rows = [_fit_in_cells(r) for r in rows]
    rows.sort(key=lambda r: (r.klas, r.leerlingnummer, r.file))
    widths = _widths(rows)
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, xlsx_options(len(rows))) as wb:
        styles = _Formats(wb)
        _write_sheet(wb.add_worksheet("OPP's"), rows, tuple(HEADERS), widths, styles)
        _write_sheet(wb.add_worksheet("DUO"), rows, DUO, widths, styles, plain=True)
    make_folder(map)
    write_atomic(path, buffer.getvalue())
    return path


def _judged(row: RegisterRow, today: date) -> RegisterRow:
    """The row with its termijn as of `today`: a row kept from an earlier run was judged on its day. A
    row of this run has it already (no copy: a copy per row costs 5 % of writing 10,000 rows)."""
    termijn = opp_rules.termijn(row.uiterste_vaststelling, row.vastgesteld, today, row.volgende_evaluatie)
    return row if termijn == row.termijn else replace(row, termijn=termijn)


def _fit_in_cells(row: RegisterRow) -> RegisterRow:
    """The row with every text Excel can hold. XlsxWriter would cut a longer text (a long 'Aanleiding')
    without a word; it is cut here instead, visibly: the cell ends in '…', and one log line names the
    student and the column. Spreading the text over more cells would break the one row per OPP that the
    next run reads back; the register is an overview, the export and the OPP hold the text."""
    if max(map(len, _texts_of(row))) <= _SURELY_FITS:  # nearly every row: far below the limit
        return row
    cut = {}
    for name, text in zip(_TEXT_COLUMNS, _texts_of(row), strict=True):
        units = text.encode("utf-16-le") if len(text) > _SURELY_FITS else b""
        if len(units) > 2 * CELL_LIMIT:  # the half of a surrogate pair a cut may leave is dropped
            cut[name] = units[:2 * (CELL_LIMIT - len(CUT_MARK))].decode("utf-16-le", "ignore") + CUT_MARK
            log.warning("overzicht: %s van leerling %s is langer dan Excel in een cel toestaat (%d tekens); "
                        "in het overzicht ingekort, de cel eindigt op '%s'",
                        HEADERS[name], row.leerlingnummer, CELL_LIMIT, CUT_MARK)
    return replace(row, **cut) if cut else row


def xlsx_options(rows: int) -> dict:
    """XlsxWriter's options for a workbook of `rows` rows (the register's and the check report's). Up to
    `_IN_MEMORY_UP_TO` rows it is built in memory (a few MiB, and a fifth faster than through temporary
    files); a larger one streams each row to a temporary file (constant_memory), so that memory stays
    flat, also for 10,000 students. Texts are never turned into formulas, links or numbers."""
    small = rows <= _IN_MEMORY_UP_TO
    return {"in_memory": small, "constant_memory": not small, "strings_to_formulas": False,
            "strings_to_urls": False, "strings_to_numbers": False}


def _with_existing(map: Path, rows: list[RegisterRow], previous: Callable[[], dict[str, RegisterRow]],
                   skipped: set[str], unreadable: set[str] = frozenset()) -> list[RegisterRow]:
    """The previous register is read only when a file in the folder has no row of this run: a re-run
    on the same export does not need it. A file in `unreadable` (a document that could not be read back)
    keeps its previous row, with a 'Bestand' saying so."""
    done = {r.file for r in rows}
    out = list(rows)
    old_rows = None
    for file in opp_files(map):
        if file in done:
            continue
        if old_rows is None:
            old_rows = previous()
        old = old_rows.get(file) or _row_from_file_name(file)
        bestand = (UNREADABLE if file in unreadable else SKIPPED_STATUS if old.leerlingnummer in skipped
                   else NOT_IN_RUN)
        out.append(replace(old, bestand=bestand))
    return out


def opp_files(map: Path) -> list[str]:
    """OPP files in the folder (only ours: named OPP_...), without temp files, Word's '~$' lock files
    and side copies. os.walk with fnmatch (case as the file system has it), at a sixth of rglob's time."""
    out = []
    for root, _, files in os.walk(map):
        folder = Path(root).relative_to(map).as_posix()
        for naam in fnmatch.filter(files, "OPP_*.docx"):
            if not naam.startswith((TEMP_PREFIX, "~$")) and not SIDE_COPY.search(naam[: -len(".docx")]):
                out.append(naam if folder == "." else f"{folder}/{naam}")
    return sorted(out)


def _row_from_file_name(file: str) -> RegisterRow:
    """A minimal row for an OPP file the previous register does not know: number and class from its
    name and folder ('1B/OPP_020273.docx')."""
    path = Path(file)
    match = re.match(r"OPP_([^_~]+)", path.stem)
    klas = path.parent.name if len(path.parts) > 1 else ""
    return RegisterRow(match.group(1) if match else path.stem, klas=klas, file=file)


def _previous_rows(path: Path) -> dict[str, RegisterRow]:
    """The rows of the previous register by file; an unreadable one is rebuilt from the files. Read
    with calamine (Rust): openpyxl took 0.2-0.35 s for 1,000 rows, calamine 20 ms. The bytes are read
    first, so that no handle keeps the file open while it is replaced (Windows). A register written
    before the column 'Bestand' had the file's outcome under 'Status': read as such, not as the plan's."""
    if not path.exists():
        return {}
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())) as wb:
            rows = wb.get_sheet_by_name("OPP's").iter_rows()
            headings = [str(heading) for heading in next(rows, [])]
            attribute_of = _ATTRIBUTE_OF if HEADERS["bestand"] in headings else _OLD_ATTRIBUTE_OF
            columns = [(i, attribute_of[h]) for i, h in enumerate(headings) if h in attribute_of]
            out = {}
            for values in rows:
                data = {naam: _READ_BACK[naam](values[i]) for i, naam in columns if i < len(values)}
                if data.get("file") and data.get("leerlingnummer"):
                    out[data["file"]] = RegisterRow(**data)
    except (OSError, CalamineError, ValueError) as exc:
        log.warning("%s: vorig overzicht niet leesbaar (%s); het wordt opnieuw opgebouwd", path, exc)
        return {}
    return out


# A cell value read back into the type of its RegisterRow attribute. calamine gives every number as a
# float and an empty cell as ''; a number typed into a text column in Excel ('20273') is text again.
def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _as_int(value: object) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    return None


def _as_count(value: object) -> int:
    number_value = _as_int(value)
    return 0 if number_value is None else number_value


def _text_full(value: object) -> str:
    number_value = _as_int(value)
    if number_value is not None:
        return str(number_value)
    return "" if value is None else str(value)


_TEXT_COLUMNS = tuple(f.name for f in fields(RegisterRow) if f.type == "str")
_texts_of = attrgetter(*_TEXT_COLUMNS)
_SURELY_FITS = CELL_LIMIT // 2  # a text this long is within the limit even if every character is two units
_ATTRIBUTE_OF = {heading: naam for naam, heading in HEADERS.items()}
_OLD_ATTRIBUTE_OF = _ATTRIBUTE_OF | {"Status": "bestand"}  # a register written before 'Bestand'
_KIND = {f.name: "date" if "date" in f.type else f.type for f in fields(RegisterRow)}
_READ_BACK = {f.name: _as_date if "date" in f.type else _as_count if f.type == "int" else _text_full
              for f in fields(RegisterRow)}


class _Link(Url):
    """A relative link to an OPP file with '/' between folder and file, as the register always had.
    XlsxWriter turns the slashes of a relative file link into Windows backslashes ('1A\\OPP_1.docx'),
    which name a folder only on Windows."""

    def _target(self) -> str:
        return super()._target().replace("\\", "/")


class _CellFormats(NamedTuple):
    """The formats of a row's cells, the same for every row; None: the cell gets no format of its own."""

    text: object  # also numbers
    formula: object  # text that looks like a formula: quote prefix
    date: object
    link: object
    link_formula: object


class _Formats:
    """The XlsxWriter formats, made once per workbook and shared by every cell: the plain ones, and a
    coloured pair (date, text) per deadline colour for the two cells a termijn is about."""

    def __init__(self, wb) -> None:
        self.header = wb.add_format(_HEADER_FORMAT | _HEADER_FILL)
        self.plain_header = wb.add_format(_HEADER_FORMAT)
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        # 'hyperlink': Excel's built-in cell style 'Hyperlink'
        self.cells = _CellFormats(None, *(wb.add_format(props) for props in (
            {"quote_prefix": True}, {"num_format": DATE_FORMAT}, {"hyperlink": True},
            {"hyperlink": True, "quote_prefix": True})))
        coloured = {flag: (wb.add_format({"num_format": DATE_FORMAT, "pattern": 1, "bg_color": fill}),
                           wb.add_format({"pattern": 1, "bg_color": fill})) for flag, fill in _FILL.items()}
        # termijn -> its coloured (date, text) formats; a termijn without colour is not in it
        self.marked = {prefix + flag: pair for flag, pair in coloured.items() for prefix in ("", _EVALUATION)}


def _widths(rows: list[RegisterRow]) -> dict[str, int]:
    """Width in characters per column, known before any row is written (constant_memory wants the columns
    first): the longest text, dd-mm-jjjj for a date, at least the heading's longest word (it wraps) beside
    the filter button, at most `_MAX_WIDTH`. A few ms for 10,000 rows, against a second to write them."""
    out = {}
    for naam, kind in _KIND.items():
        heading = max(map(len, HEADERS[naam].split())) + _FILTER_BUTTON
        if kind == "str":
            content = max(map(len, map(attrgetter(naam), rows)), default=0) + 1
        else:
            content = _DATE_WIDTH if kind == "date" else 0  # a count is narrower than its heading
        out[naam] = min(_MAX_WIDTH, max(heading, content))
    return out


def _print_setup(ws) -> None:
    """A4 landscape, one page wide and as tall as needed, the heading on every page; name and page number."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_header("&L&A")
    ws.set_footer("&RPagina &P van &N")


def _write_sheet(ws, rows: list[RegisterRow], columns: tuple[str, ...], widths: dict[str, int],
                 styles: _Formats, plain: bool = False) -> None:
    """One sheet. `plain` (the DUO sheet, for the administration): no colour at all."""
    for c, naam in enumerate(columns):
        ws.set_column_pixels(c, c, widths[naam] * _PIXELS_PER_CHAR, styles.wrap if naam in _WRAPPED else None)
    _print_setup(ws)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(columns) - 1)
    for c, naam in enumerate(columns):
        ws.write_string(0, c, HEADERS[naam], styles.plain_header if plain else styles.header)
    values_of = attrgetter(*columns)
    link = columns.index("file") if "file" in columns else -1
    marks = None if plain else _Marks(columns)
    for r, row in enumerate(rows, 1):
        values = values_of(row)
        if marks and row.termijn == opp_rules.UNKNOWN:  # no date says when: the cell says so
            values = values[:marks.evaluation] + (opp_rules.UNKNOWN,) + values[marks.evaluation + 1:]
        _write_row(ws, r, values, styles.cells, link)
        coloured = marks and styles.marked.get(row.termijn)
        if coloured:
            marks.write(ws, r, row, values, coloured)


class _Marks:
    """Where the sheet 'OPP's' colours a termijn: the deadline cell it is about (the uiterste
    vaststelling of a plan still to be set, else the next evaluation) and the cell 'Termijn'."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.termijn = columns.index("termijn")
        self.deadline = columns.index("uiterste_vaststelling")
        self.evaluation = columns.index("volgende_evaluatie")

    def write(self, ws, r: int, row: RegisterRow, values: tuple, formats: tuple[object, object]) -> None:
        """Write the two cells again, coloured: only rows with a termijn to mark, a minority."""
        date_format, text_format = formats
        c = self.evaluation if row.termijn.startswith(_EVALUATION) else self.deadline
        if isinstance(values[c], date):
            ws.write_datetime(r, c, values[c], date_format)
        ws.write_string(r, self.termijn, row.termijn, text_format)


def _write_row(ws, r: int, values: tuple, formats: _CellFormats, link: int) -> None:
    """One row, cell by cell (the innermost loop: kept lean). Every text is written as text, never as a
    formula: a name like '=HYPERLINK(...)' would otherwise run when the register is opened (formula
    injection). Empty cells are not written."""
    clean = ILLEGAL_CHARACTERS_RE.search("".join(v for v in values if isinstance(v, str))) is None
    for c, value in enumerate(values):
        if isinstance(value, str) and value:
            text = value if clean else ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            formula = text.startswith(_FORMULA_START)
            if c != link or not _write_link(ws, r, c, value, text,
                                            formats.link_formula if formula else formats.link):
                ws.write_string(r, c, text, formats.formula if formula else formats.text)
        elif isinstance(value, date):
            ws.write_datetime(r, c, value, formats.date)
        elif isinstance(value, int):
            ws.write_number(r, c, value, formats.text)


def _write_link(ws, r: int, c: int, file: str, text: str, fmt) -> bool:
    """The OPP's path as a relative link, shown as `text`; False when Excel cannot hold the link (over
    2,080 characters, or past 65,530 links in a sheet): the caller then writes the path as plain text."""
    try:
        link = _Link("external:" + quote(file, safe="/"))
    except (ValueError, IndexError):
        return False
    link.text = text
    return ws.write_url(r, c, link, fmt) == 0
