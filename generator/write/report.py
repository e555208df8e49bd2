"""Findings -> the check report: a filterable .xlsx (one row per finding) and text lines grouped per
student. Holds locations, student numbers and messages only, never cell contents of free text.

`--rapport` may name any path, so the report is written only where it cannot destroy anything
(`refuse_report_path`): over nothing, or over a report this tool wrote, recognised by its content (a
sheet 'Controle' whose first row is HEADERS). An input export, an OPP, the register, the template, a
log file or any other existing file is refused (73) before the run writes anything."""

from __future__ import annotations

import io
import os
import stat
import warnings
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter
from openpyxl import load_workbook

from ..domain.errors import OutputError
from ..domain.findings import Finding, Severity
from ..read.convert import XML_ILLEGAL, match_key
from .files import is_link, safe_name
from .manifest import JOURNAL, MANIFEST
from .register import FILE_NAME, xlsx_options

SHEET = "Controle"
HEADERS = ("Leerlingnummer", "Ernst", "Bestand", "Blad", "Rij", "Kolom", "Kolomkop", "Melding")
WIDTHS = (16, 14, 28, 18, 8, 8, 28, 100)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would read these as a formula
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
GENERAL = ""  # findings about a file or sheet, not about one student


def group_by_student(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings per student number (general findings first, then students in order of appearance),
    errors before warnings within a student."""
    grouped: dict[str, list[Finding]] = {GENERAL: []}
    shown: dict[str, str] = {GENERAL: GENERAL}  # '7' and '007' are one student: shown as first seen
    for b in findings:
        key = match_key(b.leerlingnummer) if b.leerlingnummer else GENERAL
        grouped.setdefault(shown.setdefault(key, b.leerlingnummer), []).append(b)
    if not grouped[GENERAL]:
        del grouped[GENERAL]
    return {k: sorted(v, key=lambda b: _ORDER[b.severity]) for k, v in grouped.items()}


def text_lines(findings: Iterable[Finding], with_info: bool = False) -> list[str]:
    """The findings as Dutch text lines, grouped per student, for the terminal."""
    lines = []
    for number, items in group_by_student(b for b in findings
                                          if with_info or b.severity is not Severity.INFO).items():
        lines.append(f"Leerling {shown(number)}:" if number else "Algemeen:")
        lines += [f"  {b.severity.value}: {b}" for b in items]
    return lines


def report_name(schooljaar: str) -> str:
    """The check report's name beside the OPPs: controle-<schooljaar>.xlsx."""
    return f"controle-{safe_name(schooljaar)}.xlsx"


def shown(number: str) -> str:
    """A student number on a terminal: a character that is not printable (a bidi override such as
    U+202E, a control character) written as '\\u202e', so that the line reads as it is."""
    return number if number.isprintable() else "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" for c in number)


def build_report(findings: Iterable[Finding]) -> bytes:
    """The report workbook: frozen header, autofilter, every cell text (never a formula)."""
    rows = [b for items in group_by_student(findings).values() for b in items]
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, xlsx_options(len(rows))) as wb:
        ws = wb.add_worksheet(SHEET)
        bold, formula = wb.add_format({"bold": True}), wb.add_format({"quote_prefix": True})
        for col, (heading, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
            ws.write_string(0, col, heading, bold)
            ws.set_column_pixels(col, col, width * 7)  # XlsxWriter counts 7 pixels per character
        for row, b in enumerate(rows, start=1):
            loc = b.location
            values = (b.leerlingnummer, b.severity.value, loc.file, loc.sheet, loc.row, loc.column,
                      loc.header, b.message)
            for col, value in enumerate(values):
                _put_cell(ws, row, col, value, formula)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(rows), len(HEADERS) - 1)
    return out.getvalue()


def _put_cell(ws, row: int, col: int, value: object, formula) -> None:
    """Text is written as text: a spreadsheet would read '=...' as a formula."""
    if value is None or value == "":
        return
    if isinstance(value, int):
        ws.write_number(row, col, value)
        return
    text = XML_ILLEGAL.sub("\ufffd", str(value))
    ws.write_string(row, col, text, formula if text.startswith(_FORMULA_START) else None)


def is_report(path: Path) -> bool:
    """Whether `path` holds a check report of this tool: a workbook with a sheet 'Controle' whose first
    row starts with HEADERS (Excel may have added columns or sheets since). Read-only openpyxl reads
    that one row only: 10 ms for a report of 20,000 rows, where reading the whole sheet took 0.3 s."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a foreign workbook's oddities are no concern here
            wb = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
            try:
                first = next(wb[SHEET].iter_rows(max_row=1, values_only=True), ()) if SHEET in wb else ()
            finally:
                wb.close()
    except Exception:  # noqa: BLE001 - not a workbook, or one openpyxl cannot read: not ours
        return False
    return tuple(str(v) for v in first[:len(HEADERS)]) == HEADERS


def refuse_report_path(path: Path, run_folder: Path | None = None, targets: Iterable[Path] = ()) -> None:
    """Raise OutputError (73) unless the check report may be written at `path`: nothing there yet, or a
    report of ours. Inside `run_folder` (the school year's folder) a new report must also be an .xlsx
    whose name nothing of the run takes, in any case: the register, the manifest, the OPP `targets`
    and their class folders."""
    taken = {n.casefold() for n in (FILE_NAME, MANIFEST, JOURNAL)}
    if run_folder is not None:
        for target in targets:
            taken |= {target.parent.relative_to(run_folder).as_posix().casefold(),
                      target.relative_to(run_folder).as_posix().casefold()}
    refusal = _report_refusal(path, run_folder, taken)
    if refusal:
        raise OutputError(f"{path}: {refusal}; het controlerapport wordt daar niet geschreven. Kies met "
                          "--rapport een andere naam (een bestaand bestand wordt nooit overschreven)")


def _report_refusal(path: Path, run_folder: Path | None, taken: set[str]) -> str:
    if is_link(path):
        return "is een snelkoppeling (symbolische koppeling)"
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except (OSError, ValueError) as exc:
        return f"kan niet worden gelezen ({getattr(exc, 'strerror', None) or exc})"
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            return "is geen gewoon bestand"
        return "" if is_report(path) else "bestaat al en is geen controlerapport van opp"
    if run_folder is None:
        return ""
    try:
        inside = Path(os.path.abspath(path)).relative_to(os.path.abspath(run_folder)).as_posix()
    except ValueError:
        return ""
    if not inside.casefold().endswith(".xlsx") or inside.casefold() in taken:
        return "valt samen met een bestand of map die deze run in de uitvoermap schrijft"
    return ""
