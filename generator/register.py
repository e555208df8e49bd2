"""The register `overzicht.xlsx`: one row per OPP with its deadlines and status, and the DUO sheet.

The coordinator's question is not "make 200 files" but "which OPPs must be set by when, which are
late, which go to the administration for DUO". The register is rebuilt on every run from that run's
results plus the OPP files already in the folder, so it stays in step with the files.
"""

from __future__ import annotations

import io
import logging
import re
from copy import copy
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from . import rules
from .records import Opp
from .writer import TEMP_PREFIX, maak_map, schrijf_atomair

log = logging.getLogger(__name__)

NAAM = "overzicht.xlsx"
DATUMFORMAAT = "DD-MM-YYYY"  # Excel's code; a Dutch Excel shows it as dd-mm-jjjj
NIET_IN_RUN = "niet in deze run"
OVERGESLAGEN = "niet bijgewerkt (fout in de gegevens)"
# The writer's side copies ('OPP_1 (vorige).docx', 'OPP_1 (vorige 2).docx', 'OPP_1 (nieuw).docx') belong
# to the OPP's row, whose status names them; they are no OPPs of their own.
_ZIJKOPIE = re.compile(r" \((nieuw|vorige)( \d+)?\)$")
_FORMULE_BEGIN = ("=", "+", "-", "@", "\t", "\r")
_KLEUR = {rules.VERLOPEN: "FFC7CE", rules.BIJNA: "FFEB9C"}  # Excel's own "bad" and "neutral" fills
_KOP_KLEUR = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Rij:
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
    bestand: str = ""  # relative to the register's folder, forward slashes


KOPPEN = {
    "leerlingnummer": "Leerlingnummer", "naam": "Naam", "klas": "Klas", "mentor": "Mentor",
    "soort": "Soort OPP", "aanleiding": "Aanleiding", "start_termijn": "Start zes weken",
    "uiterste_vaststelling": "Uiterste vaststelling", "vastgesteld": "Vastgesteld op",
    "termijn": "Termijn", "volgende_evaluatie": "Volgende evaluatie", "startdatum_opp": "Startdatum OPP",
    "einddatum_opp": "Einddatum OPP", "let_op": "Let op", "status": "Status",
    "documenten": "Gekoppelde documenten", "waarschuwingen": "Waarschuwingen", "bestand": "OPP",
}
DUO = ("leerlingnummer", "naam", "startdatum_opp", "einddatum_opp")


def rij(opp: Opp, schooljaar: str, vandaag: date, bestand: str, status: str, documenten: int,
        waarschuwingen: int) -> Rij:
    """The register row of one OPP of this run."""
    lln = opp.leerling
    return Rij(
        lln.leerlingnummer, lln.naam, lln.klas, lln.mentor, rules.soort_opp(lln, schooljaar),
        "; ".join(lln.aanleiding), rules.startmoment(lln), rules.uiterste_vaststelling(lln),
        lln.datum_vaststelling, "", rules.volgende_evaluatie(lln), rules.startdatum_opp(lln), lln.einddatum,
        "wordt 18 tijdens het plan" if rules.achttien_tijdens_plan(lln, vandaag) else "",
        status, documenten, waarschuwingen, bestand)


def schrijf(map: Path, rijen: list[Rij], vandaag: date, overgeslagen: set[str] = frozenset()) -> Path:
    """Write `map/overzicht.xlsx` atomically: this run's rows plus a row for every OPP file already in
    the folder (from the previous register where it has one); rows of files that are gone are dropped.
    Students in `overgeslagen` (skipped this run) keep their old row with a status saying so."""
    pad = map / NAAM
    rijen = _met_bestaande(map, rijen, _vorige(pad), overgeslagen)
    rijen = [replace(r, termijn=rules.termijn(r.uiterste_vaststelling, r.vastgesteld, vandaag,
                                              r.volgende_evaluatie)) for r in rijen]
    rijen.sort(key=lambda r: (r.klas, r.leerlingnummer, r.bestand))
    wb = Workbook(write_only=True)  # streams rows: flat memory, also for 10,000 students
    _blad(wb.create_sheet("OPP's"), rijen, tuple(KOPPEN))
    _blad(wb.create_sheet("DUO"), rijen, DUO)
    buffer = io.BytesIO()
    wb.save(buffer)
    maak_map(map)
    schrijf_atomair(pad, buffer.getvalue())
    return pad


def _met_bestaande(map: Path, rijen: list[Rij], vorige: dict[str, Rij],
                   overgeslagen: set[str]) -> list[Rij]:
    done = {r.bestand for r in rijen}
    out = list(rijen)
    for bestand in _opp_bestanden(map):
        if bestand in done:
            continue
        old = vorige.get(bestand) or _uit_bestandsnaam(bestand)
        status = OVERGESLAGEN if old.leerlingnummer in overgeslagen else NIET_IN_RUN
        out.append(replace(old, status=status))
    return out


def _opp_bestanden(map: Path) -> list[str]:
    """OPP files in the folder (only ours: named OPP_...), without temp files, Word's '~$' lock files
    and side copies."""
    if not map.is_dir():
        return []
    return sorted(p.relative_to(map).as_posix() for p in map.rglob("OPP_*.docx")
                  if not p.name.startswith((TEMP_PREFIX, "~$")) and not _ZIJKOPIE.search(p.stem))


def _uit_bestandsnaam(bestand: str) -> Rij:
    """A minimal row for an OPP file the previous register does not know: number and class from its
    name and folder ('1B/OPP_020273.docx')."""
    path = Path(bestand)
    match = re.match(r"OPP_([^_~]+)", path.stem)
    klas = path.parent.name if len(path.parts) > 1 else ""
    return Rij(match.group(1) if match else path.stem, klas=klas, bestand=bestand)


def _vorige(pad: Path) -> dict[str, Rij]:
    """The rows of the previous register by file; an unreadable one is rebuilt from the files."""
    if not pad.exists():
        return {}
    try:
        ws = load_workbook(pad, read_only=True)["OPP's"]
        rows = list(ws.iter_rows(values_only=True))
    except (OSError, KeyError, ValueError, InvalidFileException) as exc:
        log.warning("%s: vorig overzicht niet leesbaar (%s); het wordt opnieuw opgebouwd", pad, exc)
        return {}
    namen = {kop: naam for naam, kop in KOPPEN.items()}
    header = [namen.get(str(k)) for k in rows[0]] if rows else []
    out = {}
    for values in rows[1:]:
        data = {n: _terug(n, v) for n, v in zip(header, values, strict=False) if n}
        if data.get("bestand") and data.get("leerlingnummer"):
            out[data["bestand"]] = Rij(**data)
    return out


def _terug(naam: str, value: object) -> object:
    """A cell value read back into the type of its Rij attribute."""
    kind = {f.name: f.type for f in fields(Rij)}[naam]
    if isinstance(value, datetime):
        return value.date()
    if kind == "int":
        return value if isinstance(value, int) else 0
    if "date" in kind:
        return None
    return "" if value is None else str(value)


def _blad(ws, rijen: list[Rij], kolommen: tuple[str, ...]) -> None:
    for c, naam in enumerate(kolommen, 1):
        ws.column_dimensions[get_column_letter(c)].width = max(12, len(KOPPEN[naam]) + 2)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(kolommen))}{max(1, len(rijen) + 1)}"
    kop = []
    for naam in kolommen:
        cell = _zet(WriteOnlyCell(ws), KOPPEN[naam])
        cell.font, cell.fill = Font(bold=True), _KOP_KLEUR
        kop.append(cell)
    ws.append(kop)
    stijlen: dict[tuple, object] = {}
    for row in rijen:
        kleur = _KLEUR.get(row.termijn.removeprefix("evaluatie "))
        cells = []
        for naam in kolommen:
            value = getattr(row, naam)
            cell = _zet(WriteOnlyCell(ws), value)
            link = naam == "bestand" and bool(row.bestand)
            if link:
                cell.hyperlink = quote(row.bestand, safe="/")
            _stijl(cell, stijlen, (isinstance(value, date), cell.quotePrefix, link, kleur))
            cells.append(cell)
        ws.append(cells)


def _stijl(cell, stijlen: dict[tuple, object], key: tuple) -> None:
    """Give the cell its style. openpyxl hashes every style object it is given, which made styling
    cell by cell most of the register's time; each combination is therefore made once and copied."""
    if key in stijlen:
        cell._style = copy(stijlen[key])
        return
    is_date, _, link, kleur = key
    if is_date:
        cell.number_format = DATUMFORMAAT
    if link:
        cell.style = "Hyperlink"
    if kleur:
        cell.fill = PatternFill("solid", fgColor=kleur)
    stijlen[key] = copy(cell._style)


def _zet(cell, value: object):
    """Every text is written as text, never as a formula: a name like '=HYPERLINK(...)' would
    otherwise run when the register is opened (formula injection)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(_FORMULE_BEGIN):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell
