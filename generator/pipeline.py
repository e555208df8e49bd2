"""genereer(): read -> validate -> build context -> render -> write. The only module that imports
every stage."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from . import __version__, links, register, rules
from .context import bouw_context
from .errors import OppError, RenderError
from .findings import Bevinding, Ernst, Locatie
from .manifest import invoer_hash, sha256_bestand
from .mapping import lees_koppeling
from .parallel import Geplaatst, Werkplaats
from .reader import lees
from .records import Opp
from .report import maak_rapport
from .validator import Gevalideerd, valideer
from .writer import (
    Geschreven,
    Schrijver,
    Uitkomst,
    Versie,
    bestandsnaam,
    maak_map,
    plaats_nieuw,
    schrijf_atomair,
    veilige_naam,
)
from .zipcheck import controleer_sjabloon

log = logging.getLogger(__name__)


@dataclass
class Instellingen:
    invoer: list[Path]
    sjabloon: Path
    uitvoer: Path
    schooljaar: str
    vandaag: date
    namen_in_bestandsnaam: bool = False
    overschrijf: bool = False  # also replace edited OPPs, after a backup copy
    werkers: int = 1  # processes that render; the output is the same for any number
    documenten: Path | None = None  # where relative document paths resolve; None: the first input's folder
    kolommen: Path | None = None  # the school's own column names (TOML), see mapping.py
    rapport: Path | None = None  # the check report; None: controle-<schooljaar>.xlsx beside the OPPs
    streng: bool = False  # any error in the export: generate nothing


@dataclass(frozen=True)
class Taak:
    """One student's document to make: the record and where it goes."""

    opp: Opp
    doel: Path


@dataclass
class Resultaat:
    map: Path
    geschreven: dict[str, Path] = field(default_factory=dict)  # leerlingnummer -> file
    uitkomsten: Counter = field(default_factory=Counter)
    per_leerling: dict[str, Uitkomst] = field(default_factory=dict)
    extra: dict[str, Path] = field(default_factory=dict)  # leerlingnummer -> backup or '(nieuw)' file
    overgeslagen: dict[str, str] = field(default_factory=dict)  # leerlingnummer -> reason
    bevindingen: list[Bevinding] = field(default_factory=list)
    niet_geselecteerd: int = 0
    rapport: Path | None = None  # where the check report was written
    overzicht: Path | None = None  # where the register overzicht.xlsx was written
    streng_gestopt: bool = False  # --streng and the export had errors: no OPP was made


def controleer(invoer: list[Path], vandaag: date, kolommen: Path | None = None) -> Gevalideerd:
    """Reading and validation only."""
    return valideer(lees(invoer, lees_koppeling(kolommen)), vandaag)


def schrijf_rapport(pad: Path, bevindingen: list[Bevinding]) -> Path:
    """The findings as a filterable .xlsx, written atomically."""
    maak_map(pad.parent)
    schrijf_atomair(pad, maak_rapport(bevindingen))
    return pad


def genereer(inst: Instellingen, voortgang: Callable[[int, int], None] | None = None,
             fase: Callable[[str], None] | None = None) -> Resultaat:
    """Generate one OPP per valid student. One bad student never stops the batch. `voortgang(done,
    total)` follows the documents; `fase(tekst)` hears, in Dutch, what the run does before and after
    them (reading 10,000 students takes seconds, so does the register)."""
    controleer_sjabloon(inst.sjabloon)  # zip bomb, macros, external relationships: before opening it
    # the workers start now and compile the template (once each) while this process reads the export
    with Werkplaats(inst.sjabloon, inst.werkers) as werkplaats:
        return _genereer(inst, werkplaats, voortgang, fase or (lambda tekst: None))


def _genereer(inst: Instellingen, werkplaats: Werkplaats, voortgang: Callable[[int, int], None] | None,
              fase: Callable[[str], None]) -> Resultaat:
    fase("Export lezen en controleren")
    checked = controleer(inst.invoer, inst.vandaag, inst.kolommen)
    werkplaats.gereed()  # a template that does not compile stops the run here, before any file
    basis = inst.uitvoer / veilige_naam(inst.schooljaar)
    result = Resultaat(basis, overgeslagen=dict(checked.geweigerd), bevindingen=checked.bevindingen,
                       niet_geselecteerd=checked.niet_geselecteerd)
    sjabloon_hash = sha256_bestand(inst.sjabloon)
    schrijver = Schrijver.open(basis, inst.overschrijf)  # one run per folder; read-only stops it here
    try:
        result.streng_gestopt = inst.streng and bool(checked.fouten())
        taken = plan([] if result.streng_gestopt else checked.opps, basis, inst)
        koppelingen = _meld_koppelingen(taken, inst, result)
        invoer = _eenmaal_per_leerling(partial(_invoer_hash, inst=inst, koppelingen=koppelingen))
        te_maken = _al_klaar(taken, invoer, sjabloon_hash, schrijver, result)
        for taak, data in _render_alle(werkplaats, te_maken, inst, result, voortgang):
            nummer = taak.opp.leerling.leerlingnummer
            # hashed here, while the workers render, not before the first document
            if isinstance(data, Geplaatst):
                versie = Versie(b"", nummer, invoer(taak), sjabloon_hash, __version__)
                _tel(result, nummer, taak.doel, schrijver.geplaatst(taak.doel, versie, data.sha256))
            else:
                versie = Versie(data, nummer, invoer(taak), sjabloon_hash, __version__)
                _schrijf(taak, versie, schrijver, result)
    except BaseException:
        _bewaar_manifest_na_fout(schrijver)
        raise
    schrijver.bewaar()
    fase("Overzicht en controlerapport schrijven")
    _schrijf_register(taken, inst, result, koppelingen)
    _schrijf_controle(basis, inst, result)
    return result


def _schrijf_controle(basis: Path, inst: Instellingen, result: Resultaat) -> None:
    """The check report beside the OPPs. Like the register, a report open in Excel costs no OPP."""
    pad = inst.rapport or basis / f"controle-{veilige_naam(inst.schooljaar)}.xlsx"
    try:
        result.rapport = schrijf_rapport(pad, result.bevindingen)
    except OppError as exc:
        result.bevindingen.append(Bevinding(Ernst.WAARSCHUWING, Locatie(str(pad)),
                                            f"controlerapport niet geschreven: {exc}"))


def plan(opps: list[Opp], basis: Path, inst: Instellingen) -> list[Taak]:
    """Every student's target file, in a deterministic order; names unique even where a file
    system ignores case."""
    taken, used = [], set()
    for opp in sorted(opps, key=lambda o: (o.leerling.klas, o.leerling.leerlingnummer)):
        leerling = opp.leerling
        folder = basis / veilige_naam(leerling.klas, "zonder klas")
        names = (leerling.achternaam, leerling.roepnaam) if inst.namen_in_bestandsnaam else ()
        target = folder / bestandsnaam(leerling.leerlingnummer, *names)
        n = 2
        while str(target).casefold() in used:
            target = target.with_name(f"{target.stem.rsplit('~', 1)[0]}~{n}.docx")
            n += 1
        used.add(str(target).casefold())
        taken.append(Taak(opp, target))
    return taken


def _render_alle(werkplaats: Werkplaats, taken: list[Taak], inst: Instellingen, result: Resultaat,
                 voortgang: Callable[[int, int], None] | None = None
                 ) -> Iterator[tuple[Taak, bytes | Geplaatst]]:
    """Each student's document bytes in plan order, whatever the number of workers; a student whose
    document cannot be made is skipped. `voortgang(done, total)` runs after each student is handled."""
    context_van = partial(_context, schooljaar=inst.schooljaar, vandaag=inst.vandaag,
                          documenten=documentenmap(inst))
    for done, (taak, data) in enumerate(werkplaats.maak(taken, context_van, _plaats_nieuw), 1):
        if isinstance(data, RenderError):
            result.overgeslagen[taak.opp.leerling.leerlingnummer] = str(data)
        elif isinstance(data, OppError):
            raise data  # a worker could not write (disk full): what came before is noted
        else:
            yield taak, data  # written or noted by the caller, in this process, before we go on
        if voortgang:
            voortgang(done, len(taken))


def _plaats_nieuw(taak: Taak, data: bytes) -> str | None:
    """Runs in the worker that rendered the document (see writer.plaats_nieuw)."""
    return plaats_nieuw(taak.doel, data)


def _context(taak: Taak, schooljaar: str, vandaag: date, documenten: Path | None = None) -> dict:
    """Module level, so that worker processes can receive it pickled."""
    return bouw_context(taak.opp, schooljaar, vandaag, documenten, taak.doel.parent)


def _eenmaal_per_leerling(f: Callable[[Taak], str]) -> Callable[[Taak], str]:
    """f once per student: _al_klaar and the write loop may both ask for a student's input hash."""
    gezien: dict[str, str] = {}

    def eenmaal(taak: Taak) -> str:
        nummer = taak.opp.leerling.leerlingnummer
        if nummer not in gezien:
            gezien[nummer] = f(taak)
        return gezien[nummer]
    return eenmaal


def _invoer_hash(taak: Taak, inst: Instellingen, koppelingen: dict[str, tuple[int, int, str]]) -> str:
    """What the student's document is made of: the record, the school year and the targets its
    document links resolve to (a document that appears in, or moves within, the documents folder
    changes the OPP)."""
    doelen = koppelingen.get(taak.opp.leerling.leerlingnummer, (0, 0, ""))[2]
    return invoer_hash(taak.opp, inst.schooljaar, doelen)


def _al_klaar(taken: list[Taak], invoer: Callable[[Taak], str], sjabloon_hash: str, schrijver: Schrijver,
              result: Resultaat) -> list[Taak]:
    """Settle the students whose file needs no rendering (made from this very input and template,
    untouched or edited since); return the others. A re-run with nothing changed renders nothing.
    Only a file the manifest knows can be settled: the others are not hashed here."""
    te_maken = []
    for taak in taken:
        nummer = taak.opp.leerling.leerlingnummer
        if not schrijver.kent(taak.doel):
            te_maken.append(taak)
            continue
        uitkomst = schrijver.zonder_renderen(taak.doel, invoer(taak), sjabloon_hash)
        if uitkomst is None:
            te_maken.append(taak)
        else:
            _tel(result, nummer, taak.doel, Geschreven(uitkomst))
    return te_maken


def _schrijf(taak: Taak, versie: Versie, schrijver: Schrijver, result: Resultaat) -> None:
    """One student's file by the manifest's decision table (writer.Schrijver)."""
    maak_map(taak.doel.parent)
    _tel(result, taak.opp.leerling.leerlingnummer, taak.doel, schrijver.schrijf(taak.doel, versie))


def _tel(result: Resultaat, nummer: str, doel: Path, gedaan: Geschreven) -> None:
    result.uitkomsten[gedaan.uitkomst] += 1
    result.per_leerling[nummer] = gedaan.uitkomst
    result.geschreven[nummer] = doel
    if gedaan.extra is not None:
        result.extra[nummer] = gedaan.extra


def _bewaar_manifest_na_fout(schrijver: Schrijver) -> None:
    """Also after a failure: what was written stays known. A second failure here (the disk is still
    full) must not hide the first; the journal then stays and the next run replays it."""
    try:
        schrijver.bewaar()
    except (OSError, OppError) as exc:
        log.warning("manifest niet bijgewerkt (%s); de volgende run herstelt het", exc)


def documentenmap(inst: Instellingen) -> Path | None:
    """The folder relative document paths resolve against: as given, else the first input's folder."""
    if inst.documenten is not None:
        return inst.documenten
    return inst.invoer[0].parent if inst.invoer else None


def _meld_koppelingen(taken: list[Taak], inst: Instellingen,
                      result: Resultaat) -> dict[str, tuple[int, int, str]]:
    """Warn about refused or missing document links and what the rules signal (18 during the plan);
    per student: (linked documents, warnings, the link targets as one text)."""
    telling = {}
    for taak in taken:
        linked, found = links.beoordeel(taak.opp, documentenmap(inst), taak.doel.parent)
        found += rules.signalen(taak.opp, inst.vandaag)
        result.bevindingen.extend(found)
        telling[taak.opp.leerling.leerlingnummer] = (len(linked), len(taak.opp.waarschuwingen) + len(found),
                                                     "\n".join(linked))
    return telling


def _schrijf_register(taken: list[Taak], inst: Instellingen, result: Resultaat,
                      koppelingen: dict[str, tuple[int, int, str]]) -> None:
    """Rebuild overzicht.xlsx. A register that cannot be written (open in Excel) costs no OPP: it
    becomes a warning, and the next run writes it again."""
    rijen = []
    for taak in taken:
        nummer = taak.opp.leerling.leerlingnummer
        uitkomst = result.per_leerling.get(nummer)
        if uitkomst is None and not taak.doel.exists():
            continue  # not made this run (render error) and no older file: no OPP to list
        status = uitkomst.value if uitkomst is not None else register.OVERGESLAGEN
        bestand = Path(os.path.relpath(taak.doel, result.map)).as_posix()
        rijen.append(register.rij(taak.opp, inst.schooljaar, inst.vandaag, bestand, status,
                                  *koppelingen.get(nummer, (0, 0, ""))[:2]))
    try:
        result.overzicht = register.schrijf(result.map, rijen, inst.vandaag, set(result.overgeslagen))
    except OppError as exc:
        log.info("overzicht: %s", exc)
        result.bevindingen.append(Bevinding(
            Ernst.WAARSCHUWING, Locatie(str(result.map / register.NAAM)),
            "het overzicht is niet bijgewerkt (open in Excel? sluit het en draai opnieuw); de OPP's zijn wel "
            f"geschreven ({getattr(exc.__cause__, 'strerror', None) or exc})"))


def standaard_schooljaar(vandaag: date) -> str:
    return rules.schooljaar(vandaag)
