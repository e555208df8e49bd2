"""Findings -> the check report: a filterable .xlsx (one row per finding) and text lines grouped per
student. Holds locations, student numbers and messages only, never cell contents of free text."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter

from ..domain.findings import Finding, Severity
from ..read.convert import XML_ILLEGAL, match_key
from .register import xlsx_options

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
        lines.append(f"Leerling {number}:" if number else "Algemeen:")
        lines += [f"  {b.severity.value}: {b}" for b in items]
    return lines


def build_report(findings: Iterable[Finding]) -> bytes:
    """The report workbook: frozen header, autofilter, every cell text (never a formula)."""
    rows = [b for items in group_by_student(findings).values() for b in items]
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, xlsx_options(len(rows))) as wb:
        ws = wb.add_worksheet("Controle")
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
