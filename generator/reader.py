"""Workbook -> tables of raw cells, each cell with its place (file, sheet, Excel row, column letter).

Sheets are recognised by name and by their headers, never by position; the header row is found even
below title rows. Values stay raw here: the validator converts them by field type.
"""

from __future__ import annotations

import logging
import warnings
import zipfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .errors import InvoerError
from .fields import BLADEN, Blad, Veld, blad_index, kolom_index, normaliseer_kop
from .findings import Bevinding, Ernst, Locatie

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 20
BLANK_ROWS_STOP = 50
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200


@dataclass(frozen=True)
class Kolom:
    letter: str
    kop: str
    veld: Veld | None


@dataclass(frozen=True)
class Cel:
    waarde: object
    formaat: str = ""


@dataclass(frozen=True)
class Rij:
    nummer: int  # Excel's row number
    cellen: tuple[Cel, ...]


@dataclass
class Tabel:
    """One recognised sheet: its kind, its columns and its data rows."""

    bestand: str
    blad: str
    soort: Blad
    kop_rij: int
    kolommen: tuple[Kolom, ...]
    rijen: list[Rij] = field(default_factory=list)

    def locatie(self, rij: int | None = None, kolom: Kolom | None = None) -> Locatie:
        return Locatie(self.bestand, self.blad, rij, kolom.letter if kolom else "", kolom.kop if kolom else "")


@dataclass
class Gelezen:
    tabellen: list[Tabel] = field(default_factory=list)
    bevindingen: list[Bevinding] = field(default_factory=list)


def lees(paden: list[Path]) -> Gelezen:
    """Read every input file; a file that cannot be read at all raises InvoerError."""
    result = Gelezen()
    for pad in paden:
        _lees_bestand(pad, result)
    return result


def _lees_bestand(pad: Path, result: Gelezen) -> None:
    if not pad.is_file():
        raise InvoerError(f"{pad}: bestand niet gevonden")
    _controleer_container(pad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's style warnings mean nothing to a school
        try:
            wb = load_workbook(pad, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for one cause: an unreadable file
            raise InvoerError(f"{pad.name}: kan het bestand niet lezen als Excel-werkmap (.xlsx)") from exc
    with closing(wb):
        for ws in wb.worksheets:
            _lees_blad(pad.name, ws, result)


def _controleer_container(pad: Path) -> None:
    """Refuse what is not an .xlsx, and zip bombs, before any XML is parsed."""
    with pad.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvoerError(f"{pad.name}: dit is een oud .xls-bestand of een met een wachtwoord beveiligd "
                          "bestand. Open het in Excel en sla het op als Excel-werkmap (.xlsx).")
    if not magic.startswith(b"PK"):
        raise InvoerError(f"{pad.name}: dit is geen Excel-werkmap (.xlsx). Sla het bestand in Excel op "
                          "als Excel-werkmap (.xlsx).")
    if pad.stat().st_size > MAX_FILE_BYTES:
        raise InvoerError(f"{pad.name}: bestand is groter dan {MAX_FILE_BYTES // 2**20} MB")
    try:
        with zipfile.ZipFile(pad) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InvoerError(f"{pad.name}: het bestand is beschadigd (geen geldige .xlsx)") from exc
    total = sum(i.file_size for i in infos)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos), default=0)
    if total > MAX_UNPACKED_BYTES or worst > MAX_RATIO or len(infos) > 10_000:
        raise InvoerError(f"{pad.name}: het bestand pakt uit tot een onredelijke grootte; "
                          "het wordt niet geopend")


def _lees_blad(bestand: str, ws, result: Gelezen) -> None:
    if ws.sheet_state != "visible":
        result.bevindingen.append(Bevinding(
            Ernst.INFO, Locatie(bestand, ws.title), "verborgen blad overgeslagen"))
        return
    ws.reset_dimensions()
    rows = ws.iter_rows()
    head: list[tuple[int, tuple]] = []
    for cells in rows:
        if not cells:
            continue
        head.append((cells[0].row, cells))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    found = _zoek_kop(ws.title, head)
    if found is None:
        result.bevindingen.append(Bevinding(
            Ernst.INFO, Locatie(bestand, ws.title), "blad niet herkend (geen bekende kolomkoppen); overgeslagen"))
        return
    soort, kop_rij, kolommen = found
    tabel = Tabel(bestand, ws.title, soort, kop_rij, kolommen)
    blank_run = 0
    data = [(n, c) for n, c in head if n > kop_rij]
    for number, cells in _chain(data, rows):
        values = tuple(Cel(c.value, getattr(c, "number_format", "") or "") for c in cells[:len(kolommen)])
        if all(_blank(c.waarde) for c in values):
            blank_run += 1
            if blank_run >= BLANK_ROWS_STOP:
                break  # a formatted cell at row 1,048,576 must not cost a million iterations
            continue
        blank_run = 0
        tabel.rijen.append(Rij(number, values))
    result.tabellen.append(tabel)


def _chain(first, rows):
    yield from first
    for cells in rows:
        if cells:
            yield cells[0].row, cells


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _zoek_kop(titel: str, head: list[tuple[int, tuple]]) -> tuple[Blad, int, tuple[Kolom, ...]] | None:
    """The header row: the first of the top rows whose cells name at least two known columns of one
    kind of sheet. The sheet's name decides between kinds that fit equally well."""
    by_name = blad_index().get(normaliseer_kop(titel))
    best: tuple[int, int, Blad, int, tuple] | None = None
    for number, cells in head:
        texts = [c.value if isinstance(c.value, str) else "" for c in cells]
        for soort in BLADEN:
            index = kolom_index(soort)
            hits = sum(1 for t in texts if t and normaliseer_kop(t) in index)
            if hits < 2:
                continue
            score = (hits + (100 if soort is by_name else 0), -number)
            if best is None or score > best[:2]:
                best = (*score, soort, number, cells)
        if best is not None:
            break
    if best is None:
        return None
    _, _, soort, number, cells = best
    index = kolom_index(soort)
    kolommen = []
    for i, c in enumerate(cells, start=1):
        kop = " ".join(str(c.value).split()) if c.value is not None else ""
        kolommen.append(Kolom(get_column_letter(i), kop, index.get(normaliseer_kop(kop)) if kop else None))
    while kolommen and not kolommen[-1].kop:
        kolommen.pop()
    return soort, number, tuple(kolommen)
