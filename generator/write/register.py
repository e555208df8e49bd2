"""The register `register_path.xlsx`: one row per OPP with its deadlines and status, and the DUO sheet.

The coordinator's question is not "make 200 files" but "which OPPs must be set by when, which are
late, which go to the administration for DUO". The register is rebuilt on every run from that run's
results plus the OPP files already in the folder, so it stays in step with the files.
"""

from __future__ import annotations

import fnmatch
import io
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineError, CalamineWorkbook
from xlsxwriter.url import Url

from ..domain.records import Opp
from ..rules import opp_rules
from .writer import TEMP_PREFIX, make_folder, write_atomic

log = logging.getLogger(__name__)

FILE_NAME = "overzicht.xlsx"
DATE_FORMAT = "DD-MM-YYYY"  # Excel's code; a Dutch Excel shows it as dd-mm-jjjj
NOT_IN_RUN = "niet in deze run"
SKIPPED_STATUS = "niet bijgewerkt (fout in de gegevens)"
# The writer's side copies ('OPP_1 (vorige).docx', 'OPP_1 (vorige 2).docx', 'OPP_1 (nieuw).docx') belong
# to the OPP's row, whose status names them; they are no OPPs of their own.
_SIDE_COPY = re.compile(r" \((nieuw|vorige)( \d+)?\)$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FILL = {opp_rules.OVERDUE: "#FFC7CE", opp_rules.DUE_SOON: "#FFEB9C"}  # Excel's own "bad" and "neutral" fills
_HEADER_FORMAT = {"bold": True, "pattern": 1, "bg_color": "#DDEBF7"}
_IN_MEMORY_UP_TO = 2000  # rows; see xlsx_options
_PIXELS_PER_CHAR = 7  # XlsxWriter sets widths in pixels, 7 per character: stored width as before
CELL_LIMIT = 32_767  # the most characters Excel holds in one cell, counted in UTF-16 code units
CUT_MARK = "…"


@dataclass(frozen=True)
class RegisterRow:
    """One OPP in the register. Attribute order is column order of the sheet 'OPP's'."""

    leerlingnummer: str
    naam: str = ""
    klas: str = ""
    mentor: str = ""
    soort: str = ""
    aanleiding: str = ""
    start_termijn: date | None = None
    uiterste_vaststelling: date | None = None
    vastgesteld: date | None = None
    termijn: str = ""
    volgende_evaluatie: date | None = None
    startdatum_opp: date | None = None
    einddatum_opp: date | None = None
    let_op: str = ""
    status: str = ""
    documenten: int = 0
    waarschuwingen: int = 0
    file: str = ""  # relative to the register's folder, forward slashes


HEADERS = {
    "leerlingnummer": "Leerlingnummer", "naam": "Naam", "klas": "Klas", "mentor": "Mentor",
    "soort": "Soort OPP", "aanleiding": "Aanleiding", "start_termijn": "Start zes weken",
    "uiterste_vaststelling": "Uiterste vaststelling", "vastgesteld": "Vastgesteld op",
    "termijn": "Termijn", "volgende_evaluatie": "Volgende evaluatie", "startdatum_opp": "Startdatum OPP",
    "einddatum_opp": "Einddatum OPP", "let_op": "Let op", "status": "Status",
    "documenten": "Gekoppelde documenten", "waarschuwingen": "Waarschuwingen", "file": "OPP",
}
DUO = ("leerlingnummer", "naam", "startdatum_opp", "einddatum_opp")


def register_row(opp: Opp, schooljaar: str, today: date, file: str, status: str, documenten: int,
                 waarschuwingen: int) -> RegisterRow:
    """The register row of one OPP of this run."""
    lln = opp.leerling
    return RegisterRow(
        lln.leerlingnummer, lln.naam, lln.klas, lln.mentor, opp_rules.soort_opp(lln, schooljaar),
        "; ".join(lln.aanleiding), opp_rules.start_of_term(lln), opp_rules.uiterste_vaststelling(lln, schooljaar),
        opp_rules.vaststelling(lln, schooljaar), "", opp_rules.volgende_evaluatie(lln),
        opp_rules.startdatum_opp(lln), lln.einddatum,
        "wordt 18 tijdens het plan" if opp_rules.achttien_tijdens_plan(lln, schooljaar, today) else "",
        status, documenten, waarschuwingen, file)


def write(map: Path, rows: list[RegisterRow], today: date, skipped: set[str] = frozenset()) -> Path:
    """Write `map/overzicht.xlsx` atomically: this run's rows plus a row for every OPP file already in
    the folder (from the previous register where it has one); rows of files that are gone are dropped.
    Students in `skipped` (skipped this run) keep their old row with a status saying so."""
    path = map / FILE_NAME
    rows = _with_existing(map, rows, lambda: _previous_rows(path), skipped)
    rows = [replace(r, termijn=opp_rules.termijn(r.uiterste_vaststelling, r.vastgesteld, today,
                                                 r.volgende_evaluatie)) for r in rows]
    rows = [_fit_in_cells(r) for r in rows]
    rows.sort(key=lambda r: (r.klas, r.leerlingnummer, r.file))
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, xlsx_options(len(rows))) as wb:
        styles = _Formats(wb)
        _write_sheet(wb.add_worksheet("OPP's"), rows, tuple(HEADERS), styles)
        _write_sheet(wb.add_worksheet("DUO"), rows, DUO, styles)
    make_folder(map)
    write_atomic(path, buffer.getvalue())
    return path


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
                   skipped: set[str]) -> list[RegisterRow]:
    """The previous register is read only when a file in the folder has no row of this run: a re-run
    on the same export does not need it."""
    done = {r.file for r in rows}
    out = list(rows)
    old_rows = None
    for file in _opp_files(map):
        if file in done:
            continue
        if old_rows is None:
            old_rows = previous()
        old = old_rows.get(file) or _row_from_file_name(file)
        status = SKIPPED_STATUS if old.leerlingnummer in skipped else NOT_IN_RUN
        out.append(replace(old, status=status))
    return out


def _opp_files(map: Path) -> list[str]:
    """OPP files in the folder (only ours: named OPP_...), without temp files, Word's '~$' lock files
    and side copies. os.walk with fnmatch (case as the file system has it), at a sixth of rglob's time."""
    out = []
    for root, _, files in os.walk(map):
        folder = Path(root).relative_to(map).as_posix()
        for naam in fnmatch.filter(files, "OPP_*.docx"):
            if not naam.startswith((TEMP_PREFIX, "~$")) and not _SIDE_COPY.search(naam[: -len(".docx")]):
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
    first, so that no handle keeps the file open while it is replaced (Windows)."""
    if not path.exists():
        return {}
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())) as wb:
            rows = wb.get_sheet_by_name("OPP's").iter_rows()
            columns = [(i, _ATTRIBUTE_OF[str(heading)]) for i, heading in enumerate(next(rows, []))
                       if str(heading) in _ATTRIBUTE_OF]
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
_READ_BACK = {f.name: _as_date if "date" in f.type else _as_count if f.type == "int" else _text_full
              for f in fields(RegisterRow)}


class _Link(Url):
    """A relative link to an OPP file with '/' between folder and file, as the register always had.
    XlsxWriter turns the slashes of a relative file link into Windows backslashes ('1A\\OPP_1.docx'),
    which name a folder only on Windows."""

    def _target(self) -> str:
        return super()._target().replace("\\", "/")


class _RowFormats(NamedTuple):
    """The formats of one row's cells; None: the cell gets no format of its own."""

    text: object  # also numbers and empty cells
    formula: object  # text that looks like a formula: quote prefix
    date: object
    link: object
    link_formula: object


class _Formats:
    """The XlsxWriter formats, made once per workbook: a set per deadline colour, shared by every cell."""

    def __init__(self, wb) -> None:
        self._wb = wb
        self._per_fill: dict[str | None, _RowFormats] = {}
        self.header = wb.add_format(_HEADER_FORMAT)

    def for_row(self, termijn: str) -> _RowFormats:
        fill = _FILL.get(termijn.removeprefix("evaluatie "))
        if fill not in self._per_fill:
            self._per_fill[fill] = _RowFormats(*(self._format(fill, **soort) for soort in (
                {}, {"quote_prefix": True}, {"num_format": DATE_FORMAT}, {"hyperlink": True},
                {"hyperlink": True, "quote_prefix": True})))
        return self._per_fill[fill]

    def _format(self, fill: str | None, **props):
        # 'hyperlink': Excel's built-in cell style 'Hyperlink'
        if fill:
            props.update(pattern=1, bg_color=fill)
        return self._wb.add_format(props) if props else None


def _write_sheet(ws, rows: list[RegisterRow], columns: tuple[str, ...], styles: _Formats) -> None:
    for c, naam in enumerate(columns):
        ws.set_column_pixels(c, c, max(12, len(HEADERS[naam]) + 2) * _PIXELS_PER_CHAR)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(columns) - 1)
    for c, naam in enumerate(columns):
        ws.write_string(0, c, HEADERS[naam], styles.header)
    values_of = attrgetter(*columns)
    link = columns.index("file") if "file" in columns else -1
    for r, row in enumerate(rows, 1):
        _write_row(ws, r, values_of(row), styles.for_row(row.termijn), link)


def _write_row(ws, r: int, values: tuple, formats: _RowFormats, link: int) -> None:
    """One row, cell by cell (the innermost loop: kept lean). Every text is written as text, never as a
    formula: a name like '=HYPERLINK(...)' would otherwise run when the register is opened (formula
    injection). Empty cells are written only when coloured."""
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
        elif formats.text is not None:  # '' or None, in a coloured row
            ws.write_blank(r, c, None, formats.text)


def _write_link(ws, r: int, c: int, file: str, text: str, fmt) -> bool:
    """The OPP's path as a relative link, shown as `text`; False when Excel cannot hold the link (over
    2,080 characters, or past 65,530 links in a sheet): the caller then writes the path as plain text."""
    try:
        link = _Link("external:" + quote(file, safe="/"))
    except (ValueError, IndexError):
        return False
    link.text = text
    return ws.write_url(r, c, link, fmt) == 0
