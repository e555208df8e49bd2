"""The register `overzicht.xlsx`: one row per OPP with its deadlines and status, and the DUO sheet.

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
_KLEUR = {rules.VERLOPEN: "#FFC7CE", rules.BIJNA: "#FFEB9C"}  # Excel's own "bad" and "neutral" fills
_KOP = {"bold": True, "pattern": 1, "bg_color": "#DDEBF7"}
_IN_GEHEUGEN_TOT = 2000  # rows; see xlsx_opties
_PIXELS_PER_TEKEN = 7  # XlsxWriter sets widths in pixels, 7 per character: stored width as before


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
    rijen = _met_bestaande(map, rijen, lambda: _vorige(pad), overgeslagen)
    rijen = [replace(r, termijn=rules.termijn(r.uiterste_vaststelling, r.vastgesteld, vandaag,
                                              r.volgende_evaluatie)) for r in rijen]
    rijen.sort(key=lambda r: (r.klas, r.leerlingnummer, r.bestand))
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, xlsx_opties(len(rijen))) as wb:
        stijl = _Stijlen(wb)
        _blad(wb.add_worksheet("OPP's"), rijen, tuple(KOPPEN), stijl)
        _blad(wb.add_worksheet("DUO"), rijen, DUO, stijl)
    maak_map(map)
    schrijf_atomair(pad, buffer.getvalue())
    return pad


def xlsx_opties(rijen: int) -> dict:
    """XlsxWriter's options for a workbook of `rijen` rows (the register's and the check report's). Up to
    `_IN_GEHEUGEN_TOT` rows it is built in memory (a few MiB, and a fifth faster than through temporary
    files); a larger one streams each row to a temporary file (constant_memory), so that memory stays
    flat, also for 10,000 students. Texts are never turned into formulas, links or numbers."""
    klein = rijen <= _IN_GEHEUGEN_TOT
    return {"in_memory": klein, "constant_memory": not klein, "strings_to_formulas": False,
            "strings_to_urls": False, "strings_to_numbers": False}


def _met_bestaande(map: Path, rijen: list[Rij], vorige: Callable[[], dict[str, Rij]],
                   overgeslagen: set[str]) -> list[Rij]:
    """The previous register is read only when a file in the folder has no row of this run: a re-run
    on the same export does not need it."""
    done = {r.bestand for r in rijen}
    out = list(rijen)
    oud = None
    for bestand in _opp_bestanden(map):
        if bestand in done:
            continue
        if oud is None:
            oud = vorige()
        old = oud.get(bestand) or _uit_bestandsnaam(bestand)
        status = OVERGESLAGEN if old.leerlingnummer in overgeslagen else NIET_IN_RUN
        out.append(replace(old, status=status))
    return out


def _opp_bestanden(map: Path) -> list[str]:
    """OPP files in the folder (only ours: named OPP_...), without temp files, Word's '~$' lock files
    and side copies. os.walk with fnmatch (case as the file system has it), at a sixth of rglob's time."""
    out = []
    for root, _, files in os.walk(map):
        folder = Path(root).relative_to(map).as_posix()
        for naam in fnmatch.filter(files, "OPP_*.docx"):
            if not naam.startswith((TEMP_PREFIX, "~$")) and not _ZIJKOPIE.search(naam[: -len(".docx")]):
                out.append(naam if folder == "." else f"{folder}/{naam}")
    return sorted(out)


def _uit_bestandsnaam(bestand: str) -> Rij:
    """A minimal row for an OPP file the previous register does not know: number and class from its
    name and folder ('1B/OPP_020273.docx')."""
    path = Path(bestand)
    match = re.match(r"OPP_([^_~]+)", path.stem)
    klas = path.parent.name if len(path.parts) > 1 else ""
    return Rij(match.group(1) if match else path.stem, klas=klas, bestand=bestand)


def _vorige(pad: Path) -> dict[str, Rij]:
    """The rows of the previous register by file; an unreadable one is rebuilt from the files. Read
    with calamine (Rust): openpyxl took 0.2-0.35 s for 1,000 rows, calamine 20 ms. The bytes are read
    first, so that no handle keeps the file open while it is replaced (Windows)."""
    if not pad.exists():
        return {}
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(pad.read_bytes())) as wb:
            rows = wb.get_sheet_by_name("OPP's").iter_rows()
            kolommen = [(i, _NAMEN[str(kop)]) for i, kop in enumerate(next(rows, [])) if str(kop) in _NAMEN]
            out = {}
            for values in rows:
                data = {naam: _TERUG[naam](values[i]) for i, naam in kolommen if i < len(values)}
                if data.get("bestand") and data.get("leerlingnummer"):
                    out[data["bestand"]] = Rij(**data)
    except (OSError, CalamineError, ValueError) as exc:
        log.warning("%s: vorig overzicht niet leesbaar (%s); het wordt opnieuw opgebouwd", pad, exc)
        return {}
    return out


# A cell value read back into the type of its Rij attribute. calamine gives every number as a float and
# an empty cell as ''; a number typed into a text column in Excel ('20273') is text again.
def _datum(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _geheel(value: object) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    return None


def _aantal(value: object) -> int:
    getal = _geheel(value)
    return 0 if getal is None else getal


def _tekst(value: object) -> str:
    getal = _geheel(value)
    if getal is not None:
        return str(getal)
    return "" if value is None else str(value)


_NAMEN = {kop: naam for naam, kop in KOPPEN.items()}
_TERUG = {f.name: _datum if "date" in f.type else _aantal if f.type == "int" else _tekst for f in fields(Rij)}


class _Link(Url):
    """A relative link to an OPP file with '/' between folder and file, as the register always had.
    XlsxWriter turns the slashes of a relative file link into Windows backslashes ('1A\\OPP_1.docx'),
    which name a folder only on Windows."""

    def _target(self) -> str:
        return super()._target().replace("\\", "/")


class _Opmaak(NamedTuple):
    """The formats of one row's cells; None: the cell gets no format of its own."""

    tekst: object  # also numbers and empty cells
    formule: object  # text that looks like a formula: quote prefix
    datum: object
    link: object
    link_formule: object


class _Stijlen:
    """The XlsxWriter formats, made once per workbook: a set per deadline colour, shared by every cell."""

    def __init__(self, wb) -> None:
        self._wb = wb
        self._per_kleur: dict[str | None, _Opmaak] = {}
        self.kop = wb.add_format(_KOP)

    def rij(self, termijn: str) -> _Opmaak:
        kleur = _KLEUR.get(termijn.removeprefix("evaluatie "))
        if kleur not in self._per_kleur:
            self._per_kleur[kleur] = _Opmaak(*(self._format(kleur, **soort) for soort in (
                {}, {"quote_prefix": True}, {"num_format": DATUMFORMAAT}, {"hyperlink": True},
                {"hyperlink": True, "quote_prefix": True})))
        return self._per_kleur[kleur]

    def _format(self, kleur: str | None, **props):
        # 'hyperlink': Excel's built-in cell style 'Hyperlink'
        if kleur:
            props.update(pattern=1, bg_color=kleur)
        return self._wb.add_format(props) if props else None


def _blad(ws, rijen: list[Rij], kolommen: tuple[str, ...], stijl: _Stijlen) -> None:
    for c, naam in enumerate(kolommen):
        ws.set_column_pixels(c, c, max(12, len(KOPPEN[naam]) + 2) * _PIXELS_PER_TEKEN)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rijen), len(kolommen) - 1)
    for c, naam in enumerate(kolommen):
        ws.write_string(0, c, KOPPEN[naam], stijl.kop)
    waarden = attrgetter(*kolommen)
    link = kolommen.index("bestand") if "bestand" in kolommen else -1
    for r, row in enumerate(rijen, 1):
        _rij(ws, r, waarden(row), stijl.rij(row.termijn), link)


def _rij(ws, r: int, values: tuple, opmaak: _Opmaak, link: int) -> None:
    """One row, cell by cell (the innermost loop: kept lean). Every text is written as text, never as a
    formula: a name like '=HYPERLINK(...)' would otherwise run when the register is opened (formula
    injection). Empty cells are written only when coloured."""
    schoon = ILLEGAL_CHARACTERS_RE.search("".join(v for v in values if isinstance(v, str))) is None
    for c, value in enumerate(values):
        if isinstance(value, str) and value:
            text = value if schoon else ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            formule = text.startswith(_FORMULE_BEGIN)
            if c != link or not _schrijf_link(ws, r, c, value, text,
                                              opmaak.link_formule if formule else opmaak.link):
                ws.write_string(r, c, text, opmaak.formule if formule else opmaak.tekst)
        elif isinstance(value, date):
            ws.write_datetime(r, c, value, opmaak.datum)
        elif isinstance(value, int):
            ws.write_number(r, c, value, opmaak.tekst)
        elif opmaak.tekst is not None:  # '' or None, in a coloured row
            ws.write_blank(r, c, None, opmaak.tekst)


def _schrijf_link(ws, r: int, c: int, bestand: str, text: str, fmt) -> bool:
    """The OPP's path as a relative link, shown as `text`; False when Excel cannot hold the link (over
    2,080 characters, or past 65,530 links in a sheet): the caller then writes the path as plain text."""
    try:
        link = _Link("external:" + quote(bestand, safe="/"))
    except (ValueError, IndexError):
        return False
    link.text = text
    return ws.write_url(r, c, link, fmt) == 0
