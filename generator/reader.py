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
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .csvbestand import csv_rijen, decodeer
from .errors import InvoerError
from .fields import BLADEN, LEERLINGEN, Blad, Veld, normaliseer_kop, ouder_kolom
from .findings import Bevinding, Ernst, Locatie
from .mapping import GEEN, Koppeling

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 20
BLANK_ROWS_STOP = 50
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 10_000
CSV_SUFFIXES = (".csv", ".txt")


@dataclass(frozen=True)
class Kolom:
    letter: str
    kop: str
    veld: Veld | None
    ouder: int = 0  # guardian number of a wide guardian column on the students sheet, else 0


@dataclass(frozen=True, slots=True)  # slots: 200,000 cells of a school export stay small
class Cel:
    waarde: object
    formaat: str = ""
    formule: bool = False  # a formula whose value Excel never stored: the value is unknown


_LEEG = Cel(None)


@dataclass(frozen=True, slots=True)
class Rij:
    nummer: int  # Excel's row number (for CSV: the line number)
    cellen: tuple[Cel, ...]


@dataclass
class Tabel:
    """One recognised sheet or CSV file: its kind, its columns and its data rows."""

    bestand: str
    blad: str  # empty for a CSV file
    soort: Blad
    kop_rij: int
    kolommen: tuple[Kolom, ...]
    rijen: list[Rij] = field(default_factory=list)

    def locatie(self, rij: int | None = None, kolom: Kolom | None = None) -> Locatie:
        letter, kop = (kolom.letter, kolom.kop) if kolom else ("", "")
        return Locatie(self.bestand, self.blad, rij, letter, kop)


@dataclass
class Gelezen:
    tabellen: list[Tabel] = field(default_factory=list)
    bevindingen: list[Bevinding] = field(default_factory=list)


def lees(paden: Iterable[Path], koppeling: Koppeling = GEEN) -> Gelezen:
    """Read every input file; a file that cannot be read at all raises InvoerError."""
    result = Gelezen()
    for pad in paden:
        _lees_bestand(Path(pad), result, koppeling)
    return result


def _lees_bestand(pad: Path, result: Gelezen, koppeling: Koppeling) -> None:
    if not pad.is_file():
        raise InvoerError(f"{pad}: bestand niet gevonden")
    if pad.stat().st_size > MAX_FILE_BYTES:
        raise InvoerError(f"{pad.name}: bestand is groter dan {MAX_FILE_BYTES // 2**20} MB")
    with pad.open("rb") as fh:
        magic = fh.read(8)
    if not magic.startswith(b"PK") and pad.suffix.casefold() in CSV_SUFFIXES:
        tekst, melding = decodeer(pad.read_bytes())
        if melding:
            result.bevindingen.append(Bevinding(Ernst.INFO, Locatie(pad.name), melding))
        rows = ((n, tuple(Cel(v) for v in values)) for n, values in csv_rijen(tekst))
        try:
            _lees_tabel(pad.name, "", pad.stem, rows, result, koppeling)
        except csv.Error as exc:  # e.g. a field longer than csv's limit: not a list a school exports
            raise InvoerError(f"{pad.name}: geen bruikbaar CSV-bestand ({exc}); sla de lijst in Excel op als "
                              "CSV of als Excel-werkmap (.xlsx)") from exc
        return
    _controleer_container(pad, magic)
    _lees_xlsx(pad, result, koppeling)


def _controleer_container(pad: Path, magic: bytes) -> None:
    """Refuse what is not an .xlsx, and zip bombs, before any XML is parsed."""
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvoerError(f"{pad.name}: dit is een oud .xls-bestand of een met een wachtwoord beveiligd "
                          "bestand. Open het in Excel en sla het op als Excel-werkmap (.xlsx).")
    if not magic.startswith(b"PK"):
        raise InvoerError(f"{pad.name}: dit is geen Excel-werkmap (.xlsx) en geen CSV-bestand (.csv). "
                          "Sla het bestand in Excel op als Excel-werkmap (.xlsx).")
    try:
        with zipfile.ZipFile(pad) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InvoerError(f"{pad.name}: het bestand is beschadigd (geen geldige .xlsx)") from exc
    total = sum(i.file_size for i in infos)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos), default=0)
    if total > MAX_UNPACKED_BYTES or worst > MAX_RATIO or len(infos) > MAX_ENTRIES:
        raise InvoerError(f"{pad.name}: het bestand pakt uit tot een onredelijke grootte; "
                          "het wordt niet geopend")


def _lees_xlsx(pad: Path, result: Gelezen, koppeling: Koppeling) -> None:
    # a file object, not the path: openpyxl refuses a real workbook that was saved as 'export.csv'
    with warnings.catch_warnings(), pad.open("rb") as fh:
        warnings.simplefilter("ignore")  # openpyxl's style warnings mean nothing to a school
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for one cause: an unreadable file
            raise InvoerError(f"{pad.name}: kan het bestand niet lezen als Excel-werkmap (.xlsx)") from exc
        with closing(wb):
            for ws in wb.worksheets:
                if ws.sheet_state != "visible":
                    result.bevindingen.append(Bevinding(Ernst.INFO, Locatie(pad.name, ws.title),
                                                        "verborgen blad overgeslagen"))
                    continue
                ws.reset_dimensions()  # the file's own <dimension> may be wrong (P2)
                try:
                    xml = _blad_xml(wb, ws)
                    rows = _xlsx_rijen(ws, _formules_zonder_waarde(xml))
                    _lees_tabel(pad.name, ws.title, ws.title, rows, result, koppeling)
                    _meld_verborgen_rijen(pad.name, ws.title, xml, result)
                except Exception as exc:  # broken sheet XML surfaces only while iterating
                    raise InvoerError(f"{pad.name}, blad '{ws.title}': het blad is beschadigd en kan niet "
                                      "worden gelezen; open het in Excel en sla het opnieuw op") from exc


def _xlsx_rijen(ws, formules: set[str]) -> Iterator[tuple[int, tuple[Cel, ...]]]:
    for cells in ws.iter_rows():
        if not cells:
            continue
        row = cells[0].row
        yield row, tuple(Cel(c.value, _formaat(c),
                             bool(formules) and c.value is None and f"{_letter(i)}{row}" in formules)
                         for i, c in enumerate(cells, start=1))


def _formaat(cell) -> str:
    """The cell's number format; a file from another writer may point at styles it does not have."""
    try:
        return getattr(cell, "number_format", "") or ""
    except (IndexError, KeyError, AttributeError):
        return ""


_LETTERS: dict[int, str] = {}


def _letter(i: int) -> str:
    if i not in _LETTERS:
        _LETTERS[i] = get_column_letter(i)
    return _LETTERS[i]


_CELL_START = re.compile(rb"<c\b[^>]*\br=\"([A-Z]+[0-9]+)\"")
_FORMULA = re.compile(rb"<f[ >/]")
_VALUE = re.compile(rb"<v>[^<]+</v>")
_HIDDEN_ROW = re.compile(rb'<row\b(?=[^>]*\bhidden="(?:1|true)")[^>]*\br="([0-9]+)"')


def _blad_xml(wb, ws) -> bytes:
    """The sheet's raw XML, for what read-only openpyxl does not tell (formulas, hidden rows). The
    container checks above bound its size."""
    archive, path = getattr(wb, "_archive", None), getattr(ws, "_worksheet_path", None)
    if archive is None or path is None:  # openpyxl internals changed: do without these checks
        return b""
    return archive.read(path)


def _meld_verborgen_rijen(bestand: str, blad: str, data: bytes, result: Gelezen) -> None:
    """Hidden rows are read like any other (P11), but the user may not know they are there."""
    tabel = result.tabellen[-1] if result.tabellen and result.tabellen[-1].blad == blad else None
    if tabel is None or tabel.bestand != bestand or b"hidden" not in data:
        return
    read = {r.nummer for r in tabel.rijen}
    hidden = [int(m.group(1)) for m in _HIDDEN_ROW.finditer(data) if int(m.group(1)) in read]
    if hidden:
        shown = ", ".join(map(str, hidden[:20])) + (" ..." if len(hidden) > 20 else "")
        result.bevindingen.append(Bevinding(Ernst.INFO, Locatie(bestand, blad),
                                            f"verborgen rijen in Excel, wel gelezen: {shown}"))


def _formules_zonder_waarde(data: bytes) -> set[str]:
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


def _lees_tabel(bestand: str, blad: str, naam: str, rows: Iterator[tuple[int, tuple[Cel, ...]]],
                result: Gelezen, koppeling: Koppeling) -> None:
    """Find the header row among the first rows, then collect the data rows up to a run of blanks."""
    head: list[tuple[int, tuple[Cel, ...]]] = []
    for number, cells in rows:
        head.append((number, cells))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    found = _zoek_kop(naam, head, koppeling)
    if found is None:
        result.bevindingen.append(Bevinding(Ernst.INFO, Locatie(bestand, blad),
                                            "niet herkend (geen bekende kolomkoppen); overgeslagen"))
        return
    soort, kop_rij, kolommen = found
    tabel = Tabel(bestand, blad, soort, kop_rij, kolommen)
    if kop_rij != head[0][0]:
        result.bevindingen.append(Bevinding(
            Ernst.INFO, tabel.locatie(kop_rij),
            f"kolomkoppen gevonden in rij {kop_rij}; rijen erboven overgeslagen"))
    used = [k.veld is not None for k in kolommen]
    blank_run = 0
    for number, cells in _chain([(n, c) for n, c in head if n > kop_rij], rows):
        # cells of unused columns are not kept: memory grows with the data that matters only
        values = tuple(c if u else _LEEG for c, u in zip(cells, used, strict=False))
        if all(_blank(c.waarde) and not c.formule for c in values):
            blank_run += 1
            if blank_run >= BLANK_ROWS_STOP:
                break  # a formatted cell at row 1,048,576 must not cost a million iterations (P1)
            continue
        blank_run = 0
        tabel.rijen.append(Rij(number, values))
    result.tabellen.append(tabel)


def _chain(first, rows):
    yield from first
    yield from rows


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _zoek_kop(naam: str, head: list[tuple[int, tuple[Cel, ...]]],
              koppeling: Koppeling) -> tuple[Blad, int, tuple[Kolom, ...]] | None:
    """The header row: the first of the top rows whose cells name at least two known columns of one
    kind of sheet. The sheet's (or file's) name decides between kinds that fit equally well."""
    by_name = koppeling.blad(naam)
    for number, cells in head:
        keys = [normaliseer_kop(c.waarde) for c in cells if isinstance(c.waarde, str) and c.waarde.strip()]
        best: tuple[int, Blad] | None = None
        for soort in BLADEN:
            index = koppeling.kolom_index(soort)
            hits = sum(1 for k in keys if k in index)
            if hits >= 2 and (best is None or _score(hits, soort, by_name) > _score(*best, by_name)):
                best = (hits, soort)
        if best is not None:
            return best[1], number, _kolommen(cells, best[1], koppeling)
    return None


def _score(hits: int, soort: Blad, by_name: Blad | None) -> int:
    return hits + (100 if soort is by_name else 0)


def _kolommen(cells: tuple[Cel, ...], soort: Blad, koppeling: Koppeling) -> tuple[Kolom, ...]:
    index = koppeling.kolom_index(soort)
    kolommen = []
    for i, c in enumerate(cells, start=1):
        kop = " ".join(str(c.waarde).split()) if c.waarde is not None else ""
        veld = index.get(normaliseer_kop(kop)) if kop else None
        ouder = 0
        if veld is None and kop and soort is LEERLINGEN:
            wide = ouder_kolom(kop)
            if wide:
                ouder, veld = wide
        kolommen.append(Kolom(_letter(i), kop, veld, ouder))
    while kolommen and not kolommen[-1].kop:
        kolommen.pop()
    return tuple(kolommen)

