"""generate(): read -> validate -> build context -> render -> write. The only module that imports
every stage."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import rules
from .context import bouw_context
from .errors import RenderError
from .findings import Bevinding
from .reader import lees
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


@dataclass
class Resultaat:
    map: Path
    geschreven: dict[str, Path] = field(default_factory=dict)  # leerlingnummer -> file
    uitkomsten: Counter = field(default_factory=Counter)
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
    used: set[str] = set()
    for opp in sorted(checked.opps, key=lambda o: (o.leerling.klas, o.leerling.leerlingnummer)):
        leerling = opp.leerling
        folder = basis / veilige_naam(leerling.klas, "zonder klas")
        name = bestandsnaam(leerling.leerlingnummer, *((leerling.achternaam, leerling.roepnaam)
                                                      if inst.namen_in_bestandsnaam else ()))
        target = folder / name
        if str(target).casefold() in used:
            target = folder / name.replace(".docx", f"_{len(used)}.docx")
        used.add(str(target).casefold())
        try:
            data = sjabloon.maak(bouw_context(opp, inst.schooljaar, inst.vandaag))
        except RenderError as exc:
            result.overgeslagen[leerling.leerlingnummer] = str(exc)
            continue
        maak_map(folder)
        outcome = schrijf_document(target, data)
        result.uitkomsten[outcome] += 1
        result.geschreven[leerling.leerlingnummer] = target
        if outcome is Uitkomst.BEWERKT:
            log.warning("%s: bestaat al en is anders; niet overschreven", target)
    return result


def standaard_schooljaar(vandaag: date) -> str:
    return rules.schooljaar(vandaag)
