"""Raw tables -> typed, frozen records and findings. The one place a parser's ValueError gets the
cell's location. Errors skip a student, never the batch; warnings are reported and do not skip."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from . import convert
from .fields import (BETROKKENEN, DOCUMENTEN, DOELEN, FACTOREN, LEERLINGEN, ONDERSTEUNING, OUDERS, Blad,
                     Veld, Veldtype)
from .findings import Bevinding, Ernst
from .reader import Gelezen, Rij, Tabel
from .records import Betrokkene, Doel, Document, Factor, Leerling, Ondersteuning, Opp, Ouder

_RECORD_TYPES: dict[Blad, type] = {
    LEERLINGEN: Leerling, OUDERS: Ouder, DOELEN: Doel, ONDERSTEUNING: Ondersteuning,
    DOCUMENTEN: Document, BETROKKENEN: Betrokkene, FACTOREN: Factor,
}


@dataclass(frozen=True)
class Regel:
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
        for rij in tabel.rijen:
            regels[tabel.soort].append(_converteer_rij(tabel, rij, result, vandaag))
    if not regels[LEERLINGEN]:
        result.bevindingen.append(Bevinding(Ernst.FOUT, _eerste_locatie(gelezen),
                                            "geen blad met leerlingen gevonden (verwacht kolommen als "
                                            "Stamnummer, Roepnaam, Achternaam)"))
        return result
    _stel_samen(regels, result)
    return result


def _eerste_locatie(gelezen: Gelezen):
    from .findings import Locatie
    return gelezen.tabellen[0].locatie() if gelezen.tabellen else Locatie("invoer")


def _meld_kolommen(tabel: Tabel, result: Gevalideerd) -> None:
    seen: dict[str, str] = {}
    for kolom in tabel.kolommen:
        if kolom.veld is None:
            continue
        if kolom.veld.type is Veldtype.GEHEIM:
            result.bevindingen.append(Bevinding(
                Ernst.INFO, tabel.locatie(tabel.kop_rij, kolom),
                "deze kolom wordt niet gelezen en komt nergens in een OPP; hij kan uit de export weg"))
        elif kolom.veld.pad in seen:
            result.bevindingen.append(Bevinding(
                Ernst.WAARSCHUWING, tabel.locatie(tabel.kop_rij, kolom),
                f"dubbele kolom voor {kolom.veld.pad}; alleen kolom {seen[kolom.veld.pad]} wordt gebruikt"))
        else:
            seen[kolom.veld.pad] = kolom.letter
    unknown = [k for k in tabel.kolommen if k.veld is None and k.kop]
    if unknown:
        names = ", ".join(f"{k.letter} '{k.kop}'" for k in unknown)
        result.bevindingen.append(Bevinding(Ernst.INFO, tabel.locatie(tabel.kop_rij),
                                            f"kolommen niet gebruikt: {names}"))


def _converteer_rij(tabel: Tabel, rij: Rij, result: Gevalideerd, vandaag: date) -> Regel:
    values: dict[str, object] = {}
    errors: list[Bevinding] = []
    warnings: list[Bevinding] = []
    used: set[str] = set()
    for kolom, cel in zip(tabel.kolommen, rij.cellen):
        v = kolom.veld
        if v is None or v.type is Veldtype.GEHEIM or v.pad in used:
            continue
        used.add(v.pad)
        if convert.is_leeg(cel.waarde):
            continue
        where = tabel.locatie(rij.nummer, kolom)
        try:
            value = convert.converteer(v, cel.waarde, cel.formaat)
        except ValueError as exc:
            errors.append(Bevinding(Ernst.FOUT, where, str(exc)))
            continue
        if isinstance(value, convert.Opgeschoond):
            warnings.append(Bevinding(Ernst.WAARSCHUWING, where,
                                      "onzichtbare stuurtekens vervangen door een spatie"))
        values[v.naam] = value
    key = convert.sleutel(str(values.get("leerlingnummer", "")))
    for v in _verplicht(tabel.soort):
        if v.naam not in values:
            kolom = next((k for k in tabel.kolommen if k.veld is v), None)
            hint = "" if kolom else f" (kolom ontbreekt, verwacht bijvoorbeeld '{v.aliassen[0]}')"
            errors.append(Bevinding(Ernst.FOUT, tabel.locatie(rij.nummer, kolom),
                                    f"{v.omschrijving.rstrip('.').lower()} ontbreekt{hint}"))
    errors += _controleer_samenhang(tabel, rij, values, vandaag)
    nummer = str(values.get("leerlingnummer", ""))
    for b in errors + warnings:
        result.bevindingen.append(Bevinding(b.ernst, b.locatie, b.melding, nummer))
    record = None if errors else _RECORD_TYPES[tabel.soort](**values)
    return Regel(key if nummer else "", record, rij.nummer, tabel)


def _verplicht(blad: Blad) -> list[Veld]:
    from .fields import velden_van
    return [v for v in velden_van(blad) if v.verplicht]


def _controleer_samenhang(tabel: Tabel, rij: Rij, values: dict, vandaag: date) -> list[Bevinding]:
    """Checks across the fields of one row: impossible date orders."""
    found = []
    pairs = (("startdatum", "streefdatum"), ("startdatum", "einddatum"))
    for start, end in pairs:
        a, b = values.get(start), values.get(end)
        if isinstance(a, date) and isinstance(b, date) and b < a:
            kolom = next((k for k in tabel.kolommen if k.veld and k.veld.naam == end), None)
            found.append(Bevinding(Ernst.FOUT, tabel.locatie(rij.nummer, kolom),
                                   f"{end} {b:%d-%m-%Y} ligt voor de {start} {a:%d-%m-%Y}"))
    birth = values.get("geboortedatum")
    if isinstance(birth, date) and not (date(1990, 1, 1) <= birth <= vandaag):
        kolom = next((k for k in tabel.kolommen if k.veld and k.veld.naam == "geboortedatum"), None)
        found.append(Bevinding(Ernst.FOUT, tabel.locatie(rij.nummer, kolom),
                               f"onmogelijke geboortedatum {birth:%d-%m-%Y}"))
    return found


def _stel_samen(regels: dict[Blad, list[Regel]], result: Gevalideerd) -> None:
    students = regels[LEERLINGEN]
    by_key: dict[str, list[Regel]] = defaultdict(list)
    for r in students:
        if r.sleutel:
            by_key[r.sleutel].append(r)
    bad_keys = {b.leerlingnummer and convert.sleutel(b.leerlingnummer)
                for b in result.bevindingen if b.ernst is Ernst.FOUT}
    for key, rows in by_key.items():
        if len(rows) > 1:
            nums = ", ".join(str(r.rij) for r in rows)
            for r in rows:
                result.bevindingen.append(Bevinding(
                    Ernst.FOUT, r.tabel.locatie(r.rij), f"leerlingnummer komt {len(rows)} keer voor "
                    f"(rijen {nums}); geen van deze rijen wordt gebruikt", key))
            bad_keys.add(key)
    selective = any(k.veld and k.veld.pad == "opp.nodig" for r in students[:1] for k in r.tabel.kolommen)
    related = {blad: _groepeer(regels[blad], by_key, result) for blad in _RECORD_TYPES if blad is not LEERLINGEN}
    for key, rows in by_key.items():
        leerling = rows[0].record
        if selective and (leerling is None or not leerling.nodig) and key not in bad_keys:
            result.niet_geselecteerd += 1
            continue
        if key in bad_keys or leerling is None:
            reason = next((b.melding for b in result.bevindingen
                           if b.ernst is Ernst.FOUT and convert.sleutel(b.leerlingnummer or "-") == key),
                          "fout in de gegevens")
            result.geweigerd[rows[0].record.leerlingnummer if leerling else key] = reason
            continue
        parts = {blad.lijst: tuple(related[blad].get(key, ())) for blad in related}
        warns = tuple(b for b in result.bevindingen if b.ernst is Ernst.WAARSCHUWING
                      and b.leerlingnummer and convert.sleutel(b.leerlingnummer) == key)
        result.opps.append(Opp(leerling=leerling, waarschuwingen=warns, **parts))


def _groepeer(rows: list[Regel], students: dict, result: Gevalideerd) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for r in rows:
        if not r.sleutel:
            continue
        if r.sleutel not in students:
            result.bevindingen.append(Bevinding(
                Ernst.WAARSCHUWING, r.tabel.locatie(r.rij),
                "leerlingnummer staat niet op het blad met leerlingen; rij niet gebruikt"))
            continue
        if r.record is not None:
            grouped[r.sleutel].append(r.record)
    return grouped
