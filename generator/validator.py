"""Raw tables -> typed, frozen records and findings. The one place a parser's ValueError gets the
cell's location. Errors skip a student, never the batch; warnings are reported and do not skip."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import NamedTuple

from . import convert
from .fields import (
    BETROKKENEN,
    DOCUMENTEN,
    DOELEN,
    FACTOREN,
    LEERLINGEN,
    ONDERSTEUNING,
    OUDERS,
    Blad,
    Veld,
    Veldtype,
    velden_van,
)
from .findings import Bevinding, Ernst, Locatie
from .reader import Gelezen, Kolom, Rij, Tabel
from .records import Betrokkene, Document, Doel, Factor, Leerling, Ondersteuning, Opp, Ouder

_RECORD_TYPES: dict[Blad, type] = {
    LEERLINGEN: Leerling, OUDERS: Ouder, DOELEN: Doel, ONDERSTEUNING: Ondersteuning,
    DOCUMENTEN: Document, BETROKKENEN: Betrokkene, FACTOREN: Factor,
}
# A wrong value here costs the document one filled-in field, not the whole OPP: report, leave empty.
_ZACHT = {Veldtype.EMAIL, Veldtype.JA_NEE}
_HARD = {"opp.nodig"}  # ...unless it decides whether the student gets an OPP at all
_MEER_NUMMERS = re.compile(r"[,;]")  # 'Leerlingcodes' of a parent: several children in one cell
_SAMENHANG = {"startdatum", "streefdatum", "einddatum", "geboortedatum"}  # see _controleer_samenhang
_OPMERKING_BIJ = {Veldtype.DATUM: (int, float), Veldtype.TELEFOON: object}  # see _Omzetting
_VROEGST = date(1990, 1, 1)  # a birth date before this is impossible for a student


class Regel(NamedTuple):  # a tuple, not a frozen dataclass: one per row, made at a quarter of the cost
    """One converted row: its record (None when a required value was missing or wrong) and key."""

    sleutel: str
    record: object | None
    rij: int
    tabel: Tabel


@dataclass
class Gevalideerd:
    opps: list[Opp] = field(default_factory=list)
    bevindingen: list[Bevinding] = field(default_factory=list)
    geweigerd: dict[str, str] = field(default_factory=dict)  # leerlingnummer -> first reason
    niet_geselecteerd: int = 0

    def fouten(self) -> list[Bevinding]:
        return [b for b in self.bevindingen if b.ernst is Ernst.FOUT]


def valideer(gelezen: Gelezen, vandaag: date | None = None) -> Gevalideerd:
    """Convert and check every row, then assemble one Opp per student without errors."""
    vandaag = vandaag or date.today()
    result = Gevalideerd(bevindingen=list(gelezen.bevindingen))
    regels: dict[Blad, list[Regel]] = defaultdict(list)
    for tabel in gelezen.tabellen:
        _meld_kolommen(tabel, result)
        plan = _Plan.van(tabel)
        same_kind = regels[tabel.soort]  # looked up once: hashing a Blad per row adds up
        for rij in tabel.rijen:
            for soort, regel in _converteer_rij(tabel, plan, rij, result, vandaag):
                (same_kind if soort is tabel.soort else regels[soort]).append(regel)
    if not regels[LEERLINGEN]:
        result.bevindingen.append(Bevinding(Ernst.FOUT, _eerste_locatie(gelezen),
                                            "geen blad met leerlingen gevonden (verwacht kolommen als "
                                            "Stamnummer, Roepnaam, Achternaam)"))
        return result
    _stel_samen(regels, result)
    return result


def _eerste_locatie(gelezen: Gelezen) -> Locatie:
    return gelezen.tabellen[0].locatie() if gelezen.tabellen else Locatie("invoer")


def _meld_kolommen(tabel: Tabel, result: Gevalideerd) -> None:
    seen: dict[tuple[str, int], str] = {}
    for kolom in tabel.kolommen:
        if kolom.veld is None:
            continue
        key = (kolom.veld.pad, kolom.ouder)
        if kolom.veld.type is Veldtype.GEHEIM:
            result.bevindingen.append(Bevinding(
                Ernst.INFO, tabel.locatie(tabel.kop_rij, kolom),
                "deze kolom wordt niet gelezen en komt nergens in een OPP; hij kan uit de export weg"))
        elif key in seen:
            result.bevindingen.append(Bevinding(
                Ernst.WAARSCHUWING, tabel.locatie(tabel.kop_rij, kolom),
                f"dubbele kolom voor {kolom.veld.pad}; alleen kolom {seen[key]} wordt gebruikt"))
        else:
            seen[key] = kolom.letter
    unknown = [k for k in tabel.kolommen if k.veld is None and k.kop]
    if unknown:
        names = ", ".join(f"{k.letter} '{k.kop}'" for k in unknown)
        result.bevindingen.append(Bevinding(Ernst.INFO, tabel.locatie(tabel.kop_rij),
                                            f"kolommen niet gebruikt: {names}"))


class _Omzetting(NamedTuple):
    """One column that is converted, with all that does not change from row to row. A tuple: the row
    loop unpacks it, cheaper than reading attributes 60,000 times."""

    index: int
    kolom: Kolom
    ouder: int
    veld: Veld
    naam: str
    omzetter: Callable[[object, str], object]
    zacht: bool  # a wrong value is a warning and the value is left out, not an error
    formule_fout: bool  # a formula without a stored value is an error, not a warning
    opmerking_bij: type | tuple[type, ...]  # raw values _opmerkingen has more to say about than a
    # cleaned text: numbers in a date column, anything in a phone column; () for none


@dataclass(frozen=True)
class _Plan:
    """What _converteer_rij needs of a table, worked out once per table instead of once per cell."""

    omzettingen: tuple[_Omzetting, ...]  # in column order; the first column of a field wins
    verplicht: tuple[tuple[str, str, Kolom | None, str], ...]  # field name, its letter, column, message
    samenhang: bool  # the row can hold a field _controleer_samenhang looks at
    plek: str | None  # the field a later finding about the row points at
    plek_kolom: Kolom | None
    record: type

    @classmethod
    def van(cls, tabel: Tabel) -> _Plan:
        omzettingen, used = [], set()
        for index, kolom in enumerate(tabel.kolommen):
            v = kolom.veld
            if v is None or v.type is Veldtype.GEHEIM or (v.pad, kolom.ouder) in used:
                continue
            used.add((v.pad, kolom.ouder))
            omzettingen.append(_Omzetting(
                index, kolom, kolom.ouder, v, v.naam, convert.omzetter(v.type),
                v.type in _ZACHT and v.pad not in _HARD, v.verplicht and not kolom.ouder,
                _OPMERKING_BIJ.get(v.type, ())))
        verplicht = []
        for v in _verplicht(tabel.soort):
            kolom = next((k for k in tabel.kolommen if k.veld is v and not k.ouder), None)
            hint = f"; de kolom ontbreekt, verwacht bijvoorbeeld '{v.aliassen[0]}'" if kolom is None else ""
            wat = v.omschrijving.rstrip(".")
            verplicht.append((v.naam, _letter_van(tabel, v), kolom,
                              f"verplichte waarde ontbreekt ({wat}){hint}"))
        samenhang = any(o.naam in _SAMENHANG for o in omzettingen if not o.ouder)
        plek = {DOCUMENTEN: "vindplaats", LEERLINGEN: "geboortedatum"}.get(tabel.soort)
        plek_kolom = next((k for k in tabel.kolommen if k.veld and plek and k.veld.naam == plek), None)
        return cls(tuple(omzettingen), tuple(verplicht), samenhang, plek, plek_kolom,
                   _RECORD_TYPES[tabel.soort])


def _converteer_rij(tabel: Tabel, plan: _Plan, rij: Rij, result: Gevalideerd,
                    vandaag: date) -> list[tuple[Blad, Regel]]:
    per_ouder, errors, warnings = _converteer_cellen(tabel, plan, rij)
    values = per_ouder[0]
    for naam, letter, kolom, melding in plan.verplicht:
        if naam not in values and not any(b.locatie.kolom == letter for b in errors):
            errors.append(Bevinding(Ernst.FOUT, tabel.locatie(rij.nummer, kolom), melding))
    if plan.samenhang:
        errors += _controleer_samenhang(tabel, rij, values, vandaag)
    nummer = str(values.get("leerlingnummer", ""))
    for b in errors + warnings:
        result.bevindingen.append(dataclasses.replace(b, leerlingnummer=nummer))
    if plan.plek:  # where a later finding about this row (a link, the 18th birthday) will point
        values["locatie"] = tabel.locatie(rij.nummer, plan.plek_kolom)
    record = None if errors else plan.record(**values)
    regels = [(tabel.soort, Regel(k, _met_nummer(record, k, nummer), rij.nummer, tabel))
              for k in _sleutels(nummer)]
    if tabel.soort is LEERLINGEN and nummer:
        regels += _brede_ouders(tabel, rij, per_ouder, nummer, result)
    return regels


def _converteer_cellen(tabel: Tabel, plan: _Plan,
                       rij: Rij) -> tuple[dict[int, dict[str, object]], list[Bevinding], list[Bevinding]]:
    """The row's converted values per guardian number (0: the row's own record), errors and warnings."""
    values: dict[str, object] = {}
    per_ouder: dict[int, dict[str, object]] = defaultdict(dict, {0: values})
    errors: list[Bevinding] = []
    warnings: list[Bevinding] = []
    cells = rij.cellen
    width = len(cells)
    for index, kolom, ouder, veld, naam, omzetter, zacht, formule_fout, opmerking_bij in plan.omzettingen:
        if index >= width:  # a row may be shorter than its header
            break
        cel = cells[index]
        if cel.formule:
            (errors if formule_fout else warnings).append(Bevinding(
                Ernst.FOUT if formule_fout else Ernst.WAARSCHUWING, tabel.locatie(rij.nummer, kolom),
                "formule zonder opgeslagen uitkomst; open het bestand in Excel en sla het opnieuw op, of zet "
                "er de waarde in"))
            continue
        raw = cel.waarde
        if raw is None or (isinstance(raw, str) and not raw.strip()):  # convert.is_leeg
            continue
        try:
            value = omzetter(raw, cel.formaat)
        except ValueError as exc:
            where = tabel.locatie(rij.nummer, kolom)
            (warnings if zacht else errors).append(
                Bevinding(Ernst.WAARSCHUWING, where, f"{exc}; deze waarde wordt niet gebruikt") if zacht
                else Bevinding(Ernst.FOUT, where, str(exc)))
            continue
        if (opmerking_bij and isinstance(raw, opmerking_bij)) or value.__class__ is convert.Opgeschoond:
            warnings += [Bevinding(Ernst.WAARSCHUWING, tabel.locatie(rij.nummer, kolom), melding)
                         for melding in _opmerkingen(veld, raw, value)]
        (per_ouder[ouder] if ouder else values)[naam] = value
    return per_ouder, errors, warnings


def _kolom_van(tabel: Tabel, naam: str) -> Kolom | None:
    return next((k for k in tabel.kolommen if k.veld and k.veld.naam == naam and not k.ouder), None)


def _letter_van(tabel: Tabel, v: Veld) -> str:
    return next((k.letter for k in tabel.kolommen if k.veld is v and not k.ouder), "-")


def _opmerkingen(v: Veld, raw: object, value: object) -> list[str]:
    """Warnings about a value that was converted but may not be what the school meant."""
    if isinstance(value, convert.Opgeschoond):
        return ["onzichtbare stuurtekens (bijvoorbeeld uit geplakte tekst) vervangen door een regeleinde of "
                "spatie; controleer de tekst"]
    numeric = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    if v.type is Veldtype.DATUM and numeric:
        return [f"datum stond als getal {raw:g} in de cel; gelezen als {value:%d-%m-%Y}, controleer dit "
                "(verwacht een datumcel of dd-mm-jjjj)"]
    if v.type is Veldtype.TELEFOON and str(value) != " ".join(str(_heel(raw)).split()):
        return ["telefoonnummer zonder voorloopnul; de 0 is teruggezet"]
    return []


def _heel(raw: object) -> object:
    return int(raw) if isinstance(raw, float) and raw.is_integer() else raw


def _sleutels(nummer: str) -> list[str]:
    """The matching keys of a row: one, or several for a parent row with 'Leerlingcodes' '45,46'."""
    if "," not in nummer and ";" not in nummer:  # nearly every row: one number, no splitting
        nummer = nummer.strip()
        return [convert.sleutel(nummer)] if nummer else [""]
    parts = [p.strip() for p in _MEER_NUMMERS.split(nummer)] if nummer else []
    return [convert.sleutel(p) for p in parts if p] or [""]


def _met_nummer(record, sleutel: str, nummer: str):
    """A record keyed to one child when its cell named several."""
    if record is None or not _MEER_NUMMERS.search(nummer):
        return record
    child = next(p.strip() for p in _MEER_NUMMERS.split(nummer) if convert.sleutel(p.strip()) == sleutel)
    return dataclasses.replace(record, leerlingnummer=child)


def _brede_ouders(tabel: Tabel, rij: Rij, values: dict[int, dict], nummer: str,
                  result: Gevalideerd) -> list[tuple[Blad, Regel]]:
    """Guardians from numbered columns on the students sheet ('Ouder 1 naam', 'E-mail ouder 2')."""
    regels = []
    for n in sorted(k for k in values if k):
        if "naam" not in values[n]:
            kolom = next(k for k in tabel.kolommen if k.ouder == n)
            result.bevindingen.append(Bevinding(
                Ernst.WAARSCHUWING, tabel.locatie(rij.nummer, kolom),
                f"gegevens van ouder/verzorger {n} zonder naam; deze ouder wordt niet gebruikt "
                f"(verwacht een kolom als 'Naam ouder {n}')", nummer))
            continue
        ouder = Ouder(**{**values[n], "leerlingnummer": nummer})
        regels.append((OUDERS, Regel(convert.sleutel(nummer), ouder, rij.nummer, tabel)))
    return regels


@cache
def _verplicht(blad: Blad) -> tuple[Veld, ...]:
    return tuple(v for v in velden_van(blad) if v.verplicht)


def _controleer_samenhang(tabel: Tabel, rij: Rij, values: dict, vandaag: date) -> list[Bevinding]:
    """Checks across the fields of one row: impossible date orders."""
    found = []
    pairs = (("startdatum", "streefdatum"), ("startdatum", "einddatum"))
    for start, end in pairs:
        a, b = values.get(start), values.get(end)
        if isinstance(a, date) and isinstance(b, date) and b < a:
            kolom = next((k for k in tabel.kolommen if k.veld and k.veld.naam == end), None)
            found.append(Bevinding(Ernst.FOUT, tabel.locatie(rij.nummer, kolom),
                                   f"{end} {b:%d-%m-%Y} ligt voor de {start} {a:%d-%m-%Y}; "
                                   f"verwacht een {end} op of na de {start}"))
    birth = values.get("geboortedatum")
    if isinstance(birth, date) and not (_VROEGST <= birth <= vandaag):
        kolom = next((k for k in tabel.kolommen if k.veld and k.veld.naam == "geboortedatum"), None)
        found.append(Bevinding(Ernst.FOUT, tabel.locatie(rij.nummer, kolom),
                               f"onmogelijke geboortedatum {birth:%d-%m-%Y}; verwacht een datum in het "
                               "verleden (dd-mm-jjjj)"))
    return found


def _stel_samen(regels: dict[Blad, list[Regel]], result: Gevalideerd) -> None:
    students = regels[LEERLINGEN]
    by_key: dict[str, list[Regel]] = defaultdict(list)
    for r in students:
        if r.sleutel:
            by_key[r.sleutel].append(r)
    bad_keys = {convert.sleutel(b.leerlingnummer) for b in result.bevindingen
                if b.ernst is Ernst.FOUT and b.leerlingnummer}
    for key, rows in by_key.items():
        if len(rows) > 1:
            nums = ", ".join(str(r.rij) for r in rows)
            for r in rows:
                kolom = _kolom_van(r.tabel, "leerlingnummer")
                result.bevindingen.append(Bevinding(
                    Ernst.FOUT, r.tabel.locatie(r.rij, kolom), f"leerlingnummer komt {len(rows)} keer voor "
                    f"(rijen {nums}); geen van deze rijen wordt gebruikt, verwacht één rij per leerling",
                    r.record.leerlingnummer if r.record else key))
            bad_keys.add(key)
    selective = any(k.veld and k.veld.pad == "opp.nodig" for r in students[:1] for k in r.tabel.kolommen)
    related = {blad: _groepeer(regels[blad], by_key, result)
               for blad in _RECORD_TYPES if blad is not LEERLINGEN}
    per_key = _per_leerling(result.bevindingen)  # once, not per student: 5,000 students x findings adds up
    for key, rows in by_key.items():
        leerling = rows[0].record
        if selective and (leerling is None or not leerling.nodig) and key not in bad_keys:
            result.niet_geselecteerd += 1
            continue
        found = per_key.get(key, [])
        if key in bad_keys or leerling is None:
            reason = next((b.melding for b in found if b.ernst is Ernst.FOUT), "fout in de gegevens")
            result.geweigerd[leerling.leerlingnummer if leerling else key] = reason
            continue
        parts = {blad.lijst: tuple(related[blad].get(key, ())) for blad in related}
        warns = tuple(b for b in found if b.ernst is Ernst.WAARSCHUWING)
        result.opps.append(Opp(leerling=leerling, waarschuwingen=warns, **parts))


def _per_leerling(bevindingen: list[Bevinding]) -> dict[str, list[Bevinding]]:
    grouped: dict[str, list[Bevinding]] = defaultdict(list)
    for b in bevindingen:
        if b.leerlingnummer:
            grouped[convert.sleutel(b.leerlingnummer)].append(b)
    return grouped


def _groepeer(rows: list[Regel], students: dict, result: Gevalideerd) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for r in rows:
        if not r.sleutel:
            continue
        if r.sleutel not in students:
            kolom = next((k for k in r.tabel.kolommen if k.veld and k.veld.naam == "leerlingnummer"), None)
            result.bevindingen.append(Bevinding(
                Ernst.WAARSCHUWING, r.tabel.locatie(r.rij, kolom),
                "leerlingnummer staat niet op het blad met leerlingen; rij niet gebruikt (verwacht het "
                "nummer van een leerling uit de export)", r.sleutel))
            continue
        if r.record is not None:
            grouped[r.sleutel].append(r.record)
    return grouped
