"""Findings -> the check report: a filterable .xlsx (one row per finding) and text lines grouped per
student. Holds locations, student numbers and messages only, never cell contents of free text."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from .convert import XML_ILLEGAL, sleutel
from .findings import Bevinding, Ernst

KOPPEN = ("Leerlingnummer", "Ernst", "Bestand", "Blad", "Rij", "Kolom", "Kolomkop", "Melding")
BREEDTES = (16, 14, 28, 18, 8, 8, 28, 100)
_FORMULE_TEKENS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would read these as a formula
_VOLGORDE = {Ernst.FOUT: 0, Ernst.WAARSCHUWING: 1, Ernst.INFO: 2}
ALGEMEEN = ""  # findings about a file or sheet, not about one student


def groepen(bevindingen: Iterable[Bevinding]) -> dict[str, list[Bevinding]]:
    """Findings per student number (general findings first, then students in order of appearance),
    errors before warnings within a student."""
    grouped: dict[str, list[Bevinding]] = {ALGEMEEN: []}
    shown: dict[str, str] = {ALGEMEEN: ALGEMEEN}  # '7' and '007' are one student: shown as first seen
    for b in bevindingen:
        key = sleutel(b.leerlingnummer) if b.leerlingnummer else ALGEMEEN
        grouped.setdefault(shown.setdefault(key, b.leerlingnummer), []).append(b)
    if not grouped[ALGEMEEN]:
        del grouped[ALGEMEEN]
    return {k: sorted(v, key=lambda b: _VOLGORDE[b.ernst]) for k, v in grouped.items()}


def regels(bevindingen: Iterable[Bevinding], met_info: bool = False) -> list[str]:
    """The findings as Dutch text lines, grouped per student, for the terminal."""
    lines = []
    for nummer, items in groepen(b for b in bevindingen if met_info or b.ernst is not Ernst.INFO).items():
        lines.append(f"Leerling {nummer}:" if nummer else "Algemeen:")
        lines += [f"  {b.ernst.value}: {b}" for b in items]
    return lines


def maak_rapport(bevindingen: Iterable[Bevinding]) -> bytes:
    """The report workbook: frozen header, autofilter, every cell text (never a formula)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Controle"
    for col, (kop, breedte) in enumerate(zip(KOPPEN, BREEDTES, strict=True), start=1):
        ws.cell(1, col, kop).font = Font(bold=True)
        ws.column_dimensions[ws.cell(1, col).column_letter].width = breedte
    row = 1
    for items in groepen(bevindingen).values():
        for b in items:
            row += 1
            loc = b.locatie
            values = (b.leerlingnummer, b.ernst.value, loc.bestand, loc.blad, loc.rij, loc.kolom, loc.kop,
                      b.melding)
            for col, value in enumerate(values, start=1):
                _zet(ws.cell(row, col), value)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(KOPPEN)).column_letter}{row}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _zet(cell, value: object) -> None:
    if value is None or value == "":
        return
    if isinstance(value, int):
        cell.value = value
        return
    text = XML_ILLEGAL.sub("\ufffd", str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl would store '=...' as a formula
    if text.startswith(_FORMULE_TEKENS):
        cell.quotePrefix = True
