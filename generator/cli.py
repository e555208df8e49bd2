"""The `opp` command: click only. Options -> one library call -> a Dutch summary; the one place that exits."""

from __future__ import annotations

import logging
import sys
import time
from datetime import date
from pathlib import Path

import click

from . import pipeline, report
from .errors import OppError, SjabloonError
from .fields import VELDEN, Veldtype
from .findings import Ernst
from .parallel import standaard_werkers
from .rules import is_schooljaar
from .writer import Uitkomst

EXIT_OK, EXIT_DATA, EXIT_LATER, EXIT_AFGEBROKEN = 0, 65, 75, 130
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


def _controle_opties(command):
    """The options genereer and controleer share."""
    command = click.option("--streng", is_flag=True, default=False, show_default=True,
                           help="Maak geen enkel OPP als de export een fout bevat; bij controleer geven ook "
                                "waarschuwingen afsluitcode 65.")(command)
    command = click.option("--rapport", type=click.Path(dir_okay=False, path_type=Path), default=None,
                           show_default="bij genereer: controle-<schooljaar>.xlsx naast de OPP's",
                           help="Schrijf de meldingen ook als Excel-bestand, één rij per melding, "
                                "met filters.")(command)
    return click.option("--kolommen", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="TOML-bestand met de eigen kolomnamen van de school, bijvoorbeeld "
                             '"Lln ID" = "leerling.leerlingnummer" onder [kolommen].')(command)


@main.command()
@click.argument("invoer", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--sjabloon", type=click.Path(path_type=Path), default=None,
              show_default=str(STANDAARD_SJABLOON),
              help="Het Word-sjabloon van het OPP.")
@click.option("--uitvoer", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Map waarin de OPP's komen, per schooljaar en klas.")
@click.option("--schooljaar", callback=_schooljaar, default=None, show_default="het huidige schooljaar",
              help="Schooljaar van de OPP's, bijvoorbeeld 2026-2027. Augustus begint een nieuw schooljaar.")
@click.option("--namen-in-bestandsnaam", is_flag=True, default=False, show_default=True,
              help="Zet achternaam en roepnaam in de bestandsnaam (standaard alleen het leerlingnummer).")
@click.option("--overschrijf", is_flag=True, default=False, show_default=True,
              help="Vervang ook OPP's die iemand heeft bewerkt. De bewerkte versie wordt eerst bewaard als "
                   "'OPP_... (vorige).docx'.")
@click.option("--werkers", type=click.IntRange(min=1), default=standaard_werkers(),
              show_default="het aantal kernen",
              help="Aantal processen dat tegelijk OPP's maakt. De uitkomst is bij elk aantal dezelfde.")
@click.option("--documenten", type=click.Path(file_okay=False, path_type=Path), default=None,
              show_default="de map van het eerste invoerbestand",
              help="Map met de documenten (IOP, plan van aanpak, verslagen) waarnaar de kolom Vindplaats "
                   "verwijst. Paden buiten deze map worden geen link.")
@_controle_opties
def genereer(invoer: tuple[Path, ...], sjabloon: Path | None, uitvoer: Path, schooljaar: str,
             namen_in_bestandsnaam: bool, werkers: int, documenten: Path | None, kolommen: Path | None,
             rapport: Path | None, streng: bool, overschrijf: bool) -> None:
    """Maak één OPP per leerling uit een of meer exports (.xlsx).

    Een OPP dat iemand na de vorige run heeft bewerkt, wordt nooit overschreven (behalve met
    --overschrijf); zijn de gegevens van die leerling veranderd, dan komt er 'OPP_... (nieuw).docx' naast.

    \b
    Voorbeeld:
      opp genereer input/voorbeeld-export.xlsx --schooljaar 2026-2027
    """
    inst = pipeline.Instellingen(list(invoer), sjabloon or _standaard_sjabloon(), uitvoer, schooljaar,
                                 date.today(), namen_in_bestandsnaam, werkers=werkers, kolommen=kolommen,
                                 rapport=rapport, streng=streng, overschrijf=overschrijf,
                                 documenten=documenten)
    balk = Voortgang() if sys.stdout.isatty() else None  # no bar in a log file or a pipe
    try:
        result = pipeline.genereer(inst, balk, balk.fase if balk else None)
    except OppError as exc:
        click.echo(f"Fout: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Afgebroken. Wat al geschreven was, is compleet; draai opnieuw om af te maken.", err=True)
        sys.exit(EXIT_AFGEBROKEN)
    finally:
        if balk:
            balk.sluit()
    _toon_bevindingen(result.bevindingen)
    click.echo(_samenvatting(result))
    data_fout = (result.overgeslagen or result.streng_gestopt
                 or any(b.ernst is Ernst.FOUT for b in result.bevindingen))  # e.g. no students sheet at all
    sys.exit(EXIT_DATA if data_fout else _afsluitcode_bestanden(result))


def _afsluitcode_bestanden(result: pipeline.Resultaat) -> int:
    """75: some students were skipped for now (open in Word, or a conflict to resolve)."""
    wachtend = result.uitkomsten[Uitkomst.OPEN] + result.uitkomsten[Uitkomst.CONFLICT]
    return EXIT_LATER if wachtend else EXIT_OK


class Voortgang:
    """A progress bar on the terminal: students done, per second, time left; a line for each phase
    without one."""

    def __init__(self, file=None, klok=time.monotonic) -> None:
        self.file, self.klok, self.bar, self.begin = file, klok, None, 0.0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:  # the total is known once the export is read and checked
            self.bar = click.progressbar(length=total, label="OPP's maken", show_pos=True, show_eta=False,
                                         item_show_func=lambda tekst: tekst, file=self.file)
            self.begin = self.klok()
        self.bar.update(done - self.bar.pos, self._tempo(done, total))

    def fase(self, tekst: str) -> None:
        """What the run does where no bar can show it (reading the export, writing the register)."""
        self.sluit()
        click.echo(f"{tekst} ...", file=self.file)

    def _tempo(self, done: int, total: int) -> str:
        verstreken = self.klok() - self.begin  # since the first student
        # results arrive per batch of students: a rate over less than a second means nothing yet
        if done == 1 or verstreken < 1.0:
            return ""
        per_seconde = (done - 1) / verstreken
        minuten, seconden = divmod(round((total - done) / per_seconde), 60)
        return f"{per_seconde:.0f} per seconde, nog {minuten}:{seconden:02d}"

    def sluit(self) -> None:
        """Finish the bar's line; a later student would start a new bar."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


def _toon_bevindingen(bevindingen, met_info: bool = False) -> None:
    """Errors and warnings, grouped per student; the report file also holds the info lines."""
    for line in report.regels(bevindingen, met_info):
        click.echo(line, err=True)


_UITKOMST_TEKST = {
    Uitkomst.ONGEWIJZIGD: "ongewijzigd",
    Uitkomst.BIJGEWERKT: "bijgewerkt (vorige versie bewaard als '(vorige)')",
    Uitkomst.BEWERKT: "bewerkt en niet overschreven",
    Uitkomst.CONFLICT: "conflict: bewerkt én gegevens gewijzigd, nieuwe versie ernaast als '(nieuw)'",
    Uitkomst.OPEN: "open in Word en overgeslagen (sluit Word en draai opnieuw)",
    Uitkomst.OVERSCHREVEN: "overschreven met --overschrijf (bewerkte versie bewaard als '(vorige)')",
}


def _samenvatting(result: pipeline.Resultaat) -> str:
    parts = [f"{result.uitkomsten[Uitkomst.NIEUW]} OPP's geschreven"]
    for uitkomst, tekst in _UITKOMST_TEKST.items():
        if result.uitkomsten[uitkomst]:
            parts.append(f"{result.uitkomsten[uitkomst]} {tekst}")
    skipped = len(result.overgeslagen)
    parts.append(f"{skipped} leerling{'en' if skipped != 1 else ''} overgeslagen"
                 + (" wegens fouten in de gegevens (zie de meldingen hierboven)" if skipped else ""))
    if result.niet_geselecteerd:
        parts.append(f"{result.niet_geselecteerd} leerlingen zonder OPP-markering")
    if result.streng_gestopt:
        parts.append("geen OPP's gemaakt: --streng en de export bevat fouten")
    if result.rapport:
        parts.append(f"controlerapport in {result.rapport}")
    if result.overzicht:
        parts.append(f"overzicht met termijnen in {result.overzicht}")
    return ", ".join(parts) + f"; bestanden in {result.map}"


@main.command()
@click.argument("invoer", nargs=-1, required=True, type=click.Path(path_type=Path))
@_controle_opties
def controleer(invoer: tuple[Path, ...], kolommen: Path | None, rapport: Path | None, streng: bool) -> None:
    """Lees en controleer de export(s) zonder OPP's te maken; toon de meldingen per leerling.

    Afsluitcode 0: geen fouten; 65: een of meer fouten; 66: een bestand is onleesbaar.

    \b
    Voorbeeld:
      opp controleer input/voorbeeld-export.xlsx --rapport controle.xlsx
    """
    try:
        checked = pipeline.controleer(list(invoer), date.today(), kolommen)
        if rapport:
            pipeline.schrijf_rapport(rapport, checked.bevindingen)
    except OppError as exc:
        click.echo(f"Fout: {exc}", err=True)
        sys.exit(exc.exit_code)
    _toon_bevindingen(checked.bevindingen, met_info=True)
    fouten = len(checked.fouten())
    click.echo(f"{len(checked.opps)} leerlingen klaar voor een OPP, {len(checked.geweigerd)} met fouten "
               f"({fouten} fout{'en' if fouten != 1 else ''}), {len(checked.bevindingen) - fouten} andere "
               "meldingen" + (f"; rapport in {rapport}" if rapport else ""))
    strikt = streng and any(b.ernst is Ernst.WAARSCHUWING for b in checked.bevindingen)
    sys.exit(EXIT_DATA if fouten or strikt else EXIT_OK)


@main.command()
def velden() -> None:
    """Toon elk veld dat een sjabloon kan gebruiken, met type, omschrijving en Excel-kolommen.

    \b
    Voorbeeld:
      opp velden
    """
    click.echo("In het sjabloon: {{r veld('naam') }} wordt een invulveld, {{ naam }} gewone tekst.\n")
    for v in VELDEN:
        if v.type is Veldtype.GEHEIM:
            continue  # the BSN: recognised in an export only to be ignored, never a template field
        bron = ", ".join(v.aliassen) if v.blad else "berekend door opp-generator"
        blad = f" (blad {v.blad.naam})" if v.blad else ""
        click.echo(f"{v.pad}  [{v.type.value}]  {v.omschrijving}")
        if v.voorbeeld:
            click.echo(f"    voorbeeld: {v.voorbeeld}")
        if v.keuzes:
            click.echo(f"    keuzes: {'; '.join(v.keuzes)}")
        click.echo(f"    kolommen{blad}: {bron}")


@main.command()
@click.argument("pad", type=click.Path(path_type=Path))
def sjabloon(pad: Path) -> None:
    """Controleer een (in Word bewerkt) sjabloon: sjablooncode, veldnamen en onveilige inhoud.

    Afsluitcode 0 als het sjabloon bruikbaar is, 78 als er iets mis is.

    \b
    Voorbeeld:
      opp sjabloon templates/opp-swv-amsterdam-diemen.docx
    """
    try:
        from .sjablooncheck import controleer as controleer_sjabloon  # docxtpl: only for this command

        problemen = controleer_sjabloon(pad)
    except OppError as exc:
        click.echo(f"Fout: {exc}", err=True)
        sys.exit(exc.exit_code)
    for probleem in problemen:
        click.echo(f"Fout: {probleem}", err=True)
    if problemen:
        n = len(problemen)
        woord = "probleem" if n == 1 else "problemen"
        click.echo(f"{pad}: {n} {woord} gevonden; het sjabloon is niet bruikbaar.", err=True)
        sys.exit(SjabloonError.exit_code)
    click.echo(f"{pad}: het sjabloon is in orde.")
