"""The `opp` command: click only. Options -> one library call -> a Dutch summary; the one place that exits."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

import click

from . import pipeline
from .errors import OppError
from .fields import VELDEN
from .findings import Ernst
from .rules import is_schooljaar
from .writer import Uitkomst

EXIT_OK, EXIT_DATA = 0, 65
STANDAARD_SJABLOON = Path("templates") / "opp-swv-amsterdam-diemen.docx"


def _standaard_sjabloon() -> Path:
    here = STANDAARD_SJABLOON
    return here if here.exists() else Path(__file__).resolve().parents[1] / STANDAARD_SJABLOON


def _schooljaar(ctx, param, value: str | None) -> str:
    if value is None:
        return pipeline.standaard_schooljaar(date.today())
    if not is_schooljaar(value):
        raise click.BadParameter(f"'{value}' is geen schooljaar; schrijf het als 2026-2027")
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="opp-generator", message="opp-generator %(version)s")
def main() -> None:
    """Maak ontwikkelingsperspectiefplannen (OPP's) in Word uit een export van het leerlingvolgsysteem."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")


@main.command()
@click.argument("invoer", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--sjabloon", type=click.Path(path_type=Path), default=None, show_default=str(STANDAARD_SJABLOON),
              help="Het Word-sjabloon van het OPP.")
@click.option("--uitvoer", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Map waarin de OPP's komen, per schooljaar en klas.")
@click.option("--schooljaar", callback=_schooljaar, default=None, show_default="het huidige schooljaar",
              help="Schooljaar van de OPP's, bijvoorbeeld 2026-2027. Augustus begint een nieuw schooljaar.")
@click.option("--namen-in-bestandsnaam", is_flag=True, default=False, show_default=True,
              help="Zet achternaam en roepnaam in de bestandsnaam (standaard alleen het leerlingnummer).")
def genereer(invoer: tuple[Path, ...], sjabloon: Path | None, uitvoer: Path, schooljaar: str,
             namen_in_bestandsnaam: bool) -> None:
    """Maak één OPP per leerling uit een of meer exports (.xlsx).

    \b
    Voorbeeld:
      opp genereer input/voorbeeld-export.xlsx --schooljaar 2026-2027
    """
    inst = pipeline.Instellingen(list(invoer), sjabloon or _standaard_sjabloon(), uitvoer, schooljaar,
                                 date.today(), namen_in_bestandsnaam)
    try:
        result = pipeline.genereer(inst)
    except OppError as exc:
        click.echo(f"Fout: {exc}", err=True)
        sys.exit(exc.exit_code)
    _toon_bevindingen(result.bevindingen)
    click.echo(_samenvatting(result))
    sys.exit(EXIT_DATA if result.overgeslagen else EXIT_OK)


def _toon_bevindingen(bevindingen) -> None:
    for b in bevindingen:
        if b.ernst is not Ernst.INFO:
            click.echo(f"{b.ernst.value}: {b}", err=True)


def _samenvatting(result: pipeline.Resultaat) -> str:
    written = result.uitkomsten[Uitkomst.NIEUW]
    same = result.uitkomsten[Uitkomst.ONGEWIJZIGD]
    kept = result.uitkomsten[Uitkomst.BEWERKT]
    parts = [f"{written} OPP's geschreven"]
    if same:
        parts.append(f"{same} ongewijzigd")
    if kept:
        parts.append(f"{kept} bestaande documenten niet overschreven (mogelijk bewerkt)")
    skipped = len(result.overgeslagen)
    parts.append(f"{skipped} leerling{'en' if skipped != 1 else ''} overgeslagen"
                 + (" wegens fouten in de gegevens (zie de meldingen hierboven)" if skipped else ""))
    if result.niet_geselecteerd:
        parts.append(f"{result.niet_geselecteerd} leerlingen zonder OPP-markering")
    return ", ".join(parts) + f"; bestanden in {result.map}"


@main.command()
def velden() -> None:
    """Toon elk veld dat een sjabloon kan gebruiken, met type, omschrijving en Excel-kolommen.

    \b
    Voorbeeld:
      opp velden
    """
    for v in VELDEN:
        bron = ", ".join(v.aliassen) if v.blad else "berekend door opp-generator"
        blad = f" (blad {v.blad.naam})" if v.blad else ""
        click.echo(f"{v.pad}  [{v.type.value}]  {v.omschrijving}")
        if v.voorbeeld:
            click.echo(f"    voorbeeld: {v.voorbeeld}")
        click.echo(f"    kolommen{blad}: {bron}")
