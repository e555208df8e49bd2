"""Findings -> the check report: a filterable .xlsx (one row per finding) and text lines grouped per
student. Holds locations, student numbers and messages only, never cell contents of free text."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter

from .convert import XML_ILLEGAL, sleutel
from .findings import Bevinding, Ernst
from .register import xlsx_opties

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
    rows = [b for items in groepen(bevindingen).values() for b in items]
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, xlsx_opties(len(rows))) as wb:
        ws = wb.add_worksheet("Controle")
        vet, formule = wb.add_format({"bold": True}), wb.add_format({"quote_prefix": True})
        for col, (kop, breedte) in enumerate(zip(KOPPEN, BREEDTES, strict=True)):
            ws.write_string(0, col, kop, vet)
            ws.set_column_pixels(col, col, breedte * 7)  # XlsxWriter counts 7 pixels per character
        for row, b in enumerate(rows, start=1):
            loc = b.locatie
            values = (b.leerlingnummer, b.ernst.value, loc.bestand, loc.blad, loc.rij, loc.kolom, loc.kop,
                      b.melding)
            for col, value in enumerate(values):
                _zet(ws, row, col, value, formule)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(rows), len(KOPPEN) - 1)
    return out.getvalue()


def _zet(ws, row: int, col: int, value: object, formule) -> None:
    """Text is written as text: a spreadsheet would read '=...' as a formula."""
    if value is None or value == "":
        return
    if isinstance(value, int):
        ws.write_number(row, col, value)
        return
    text = XML_ILLEGAL.sub("\ufffd", str(value))
    ws.write_string(row, col, text, formule if text.startswith(_FORMULE_TEKENS) else None)
