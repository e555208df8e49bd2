"""genereer(): read -> validate -> build context -> render -> write. The only module that imports
every stage."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import rules
from .context import bouw_context
from .errors import RenderError
from .findings import Bevinding
from .reader import lees
from .records import Opp
from .renderer import Sjabloon
from .validator import Gevalideerd, valideer
from .writer import Uitkomst, bestandsnaam, maak_map, schrijf_document, veilige_naam

log = logging.getLogger(__name__)


@dataclass
class Instellingen:
    invoer: list[Path]
    sjabloon: Path
    uitvoer: Path
    schooljaar: str
    vandaag: date
    namen_in_bestandsnaam: bool = False


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
    overgeslagen: dict[str, str] = field(default_factory=dict)  # leerlingnummer -> reason
    bevindingen: list[Bevinding] = field(default_factory=list)
    niet_geselecteerd: int = 0


def controleer(invoer: list[Path], vandaag: date) -> Gevalideerd:
    """Reading and validation only."""
    return valideer(lees(invoer), vandaag)


def genereer(inst: Instellingen) -> Resultaat:
    """Generate one OPP per valid student. One bad student never stops the batch."""
    sjabloon = Sjabloon(inst.sjabloon)  # compiled once per run; a bad template stops the run here
    checked = controleer(inst.invoer, inst.vandaag)
    basis = inst.uitvoer / veilige_naam(inst.schooljaar)
    result = Resultaat(basis, overgeslagen=dict(checked.geweigerd), bevindingen=checked.bevindingen,
                       niet_geselecteerd=checked.niet_geselecteerd)
    for taak, data in _render_alle(sjabloon, plan(checked.opps, basis, inst), inst, result):
        _schrijf(taak, data, result)
    return result


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


def _render_alle(sjabloon: Sjabloon, taken: list[Taak], inst: Instellingen,
                 result: Resultaat) -> Iterator[tuple[Taak, bytes]]:
    """Each student's document bytes; a student whose document cannot be made is skipped."""
    for taak in taken:
        try:
            yield taak, sjabloon.maak(bouw_context(taak.opp, inst.schooljaar, inst.vandaag))
        except RenderError as exc:
            result.overgeslagen[taak.opp.leerling.leerlingnummer] = str(exc)


def _schrijf(taak: Taak, data: bytes, result: Resultaat) -> None:
    maak_map(taak.doel.parent)
    outcome = schrijf_document(taak.doel, data)
    nummer = taak.opp.leerling.leerlingnummer
    result.uitkomsten[outcome] += 1
    result.per_leerling[nummer] = outcome
    result.geschreven[nummer] = taak.doel
    if outcome is Uitkomst.BEWERKT:
        log.warning("%s: bestaat al en is anders; niet overschreven", taak.doel)


def standaard_schooljaar(vandaag: date) -> str:
    return rules.schooljaar(vandaag)
