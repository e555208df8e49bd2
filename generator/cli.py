"""The `opp` command: click only. Options -> one library call -> a Dutch summary and an exit code. With
cli_output.py (what the command says, in Dutch, and the 70 of an unexpected error) the one place that
exits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from . import cli_output, filled_forms, pipeline
from .cli_output import Console, DutchGroup, ProgressBar
from .domain.errors import OppError
from .domain.fields import FieldType
from .domain.findings import Severity
from .domain.registry import FIELDS
from .form import BUILTIN_TEMPLATE
from .rules.opp_rules import is_school_year
from .workers import default_workers
from .write import report
from .write.writer import Outcome

EXIT_OK, EXIT_DATA, EXIT_LATER, EXIT_INTERRUPTED = 0, 65, 75, 130

cli_output.use_dutch_click_texts()  # before the options below are built: some texts are made right now


def _school_year_option(ctx, param, value: str | None) -> str:
    if value is None:
        return pipeline.default_school_year(date.today())
    if not is_school_year(value):
        raise click.BadParameter(f"'{value}' is geen schooljaar; schrijf het als 2026-2027")
    return value


class _InterruptibleGroup(DutchGroup):
    """Ctrl-C anywhere in a command, also before or after the run itself, ends in Dutch with 130 (click
    would say "Aborted!" and give 1). Nothing ends in a traceback: an OppError that no command caught
    ends with its Dutch line and code, any other error with one line and 70 (`report_unexpected`)."""

    def main(self, *args, **kwargs):
        cli_output.never_fail_on_encoding()  # before click prints anything, a usage error included
        try:
            return super().main(*args, **kwargs)
        except OppError as exc:
            click.echo(f"Fout: {exc}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:
            if not cli_output.is_unexpected(exc):  # click's own, outside its standalone mode
                raise
            sys.exit(cli_output.report_unexpected(exc))

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("Afgebroken.", err=True)
            sys.exit(EXIT_INTERRUPTED)


@click.group(cls=_InterruptibleGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="opp-generator", message="opp-generator %(version)s")
def main() -> None:
    """Maak ontwikkelingsperspectiefplannen (OPP's) in Word uit een export van het leerlingvolgsysteem."""
    cli_output.never_fail_on_encoding()


def _output_options(command):
    """--stil, --uitgebreid and --log: how much genereer and controleer show, and where else it goes."""
    options = [
        click.option("--stil", "quiet", is_flag=True, default=False,
                     help="Toon alleen fouten en de samenvatting: geen waarschuwingen, geen voortgang."),
        click.option("--uitgebreid", "verbose", is_flag=True, default=False,
                     help="Toon ook de info-meldingen, bijvoorbeeld over opgeruimde tijdelijke bestanden."),
        click.option("--log", "log_path", metavar="BESTAND", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, help="Schrijf dezelfde meldingen en de samenvatting ook achteraan in dit "
                                        "tekstbestand (UTF-8), met datum en tijd van elke run."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _console(quiet: bool, verbose: bool, log_path: Path | None) -> Console:
    """The Console the options ask for; --stil with --uitgebreid is a usage error (2)."""
    ctx = click.get_current_context()
    if quiet and verbose:
        raise click.UsageError("--stil en --uitgebreid gaan niet samen; kies er één.", ctx)
    level = Console.QUIET if quiet else Console.VERBOSE if verbose else Console.NORMAL
    return Console(level, log_path, ctx.command_path)


@contextmanager
def _user_errors(out: Console) -> Iterator[None]:
    """An OppError ends the command with 'Fout: ...' and its exit code."""
    try:
        yield
    except OppError as exc:
        out.say(f"Fout: {exc}", err=True)
        sys.exit(exc.exit_code)


def _check_options(command):
    """The options genereer and controleer share: controleer checks what genereer would check."""
    options = [
        click.option("--sjabloon", "template", metavar="BESTAND", type=click.Path(path_type=Path),
                     default=None,
                     show_default="het ingebouwde sjabloon van het SWV Amsterdam-Diemen",
                     help="Het Word-sjabloon van het OPP."),
        click.option("--schooljaar", metavar="JJJJ-JJJJ", callback=_school_year_option, default=None,
                     show_default="het huidige schooljaar",
                     help="Schooljaar van de OPP's, bijvoorbeeld 2026-2027. Augustus begint een nieuw "
                          "schooljaar."),
        click.option("--documenten", metavar="MAP", type=click.Path(file_okay=False, path_type=Path),
                     default=None,
                     show_default="de map van het eerste invoerbestand",
                     help="Map met de documenten (IOP, plan van aanpak, verslagen) waarnaar de kolom "
                          "Vindplaats verwijst. Paden buiten deze map worden geen link."),
        click.option("--kolommen", "columns", metavar="BESTAND",
                     type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="TOML-bestand met de eigen kolomnamen van de school, bijvoorbeeld "
                          '"Lln ID" = "leerling.leerlingnummer" onder [kolommen].'),
        click.option("--school", "school_file", metavar="BESTAND", type=click.Path(path_type=Path),
                     default=None, show_default="school.toml naast het eerste invoerbestand, als dat er is",
                     help="TOML-bestand met de gegevens van de school, voor elk OPP hetzelfde: naam, BRIN, "
                          "vestiging, bevoegd gezag, samenwerkingsverband en ondersteuningscoördinator. "
                          "Zonder bestand blijven die velden open op het formulier."),
        click.option("--rapport", "report_path", metavar="BESTAND",
                     type=click.Path(dir_okay=False, path_type=Path), default=None,
                     show_default="bij genereer: controle-<schooljaar>.xlsx naast de OPP's",
                     help="Schrijf de meldingen ook als Excel-bestand, één rij per melding, met filters."),
        click.option("--vervolg", "vervolg", metavar="MAP", type=click.Path(path_type=Path), default=None,
                     show_default="geen: elk OPP zonder gegevens van vorig schooljaar",
                     help="Map met de ingevulde OPP's van vorig schooljaar, bijvoorbeeld output/2026-2027. "
                          "Elk OPP wordt het bijgestelde OPP: wat de export niet heeft, komt uit het OPP van "
                          "vorig jaar; de doelen van vorig jaar staan met hun resultaat onder 'Vorige "
                          "doelen'."),
        click.option("--streng", "strict", is_flag=True, default=False, show_default=True,
                     help="Maak geen enkel OPP als de export een fout bevat; bij controleer geven ook "
                          "waarschuwingen afsluitcode 65."),
    ]
    for option in reversed(options):  # click shows them in the order of the decorators
        command = option(command)
    return command


@main.command("genereer")
@click.argument("inputs", metavar="INVOER...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--uitvoer", "output", metavar="MAP", type=click.Path(path_type=Path), default=Path("output"),
              show_default=True, help="Map waarin de OPP's komen, per schooljaar en klas.")
@click.option("--namen-in-bestandsnaam", "names_in_file_name", is_flag=True, default=False, show_default=True,
              help="Zet achternaam en roepnaam in de bestandsnaam (standaard alleen het leerlingnummer).")
@click.option("--overschrijf", "overwrite", is_flag=True, default=False, show_default=True,
              help="Vervang ook OPP's die iemand heeft bewerkt. De bewerkte versie wordt eerst bewaard als "
                   "'OPP_... (vorige).docx'.")
@click.option("--werkers", "workers", metavar="AANTAL", type=click.IntRange(min=1), default=default_workers(),
              show_default="het aantal kernen",
              help="Aantal processen dat tegelijk OPP's maakt. De uitkomst is bij elk aantal dezelfde.")
@_check_options
@_output_options
def generate_command(inputs: tuple[Path, ...], template: Path | None, output: Path, schooljaar: str,
                     names_in_file_name: bool, workers: int, documenten: Path | None, columns: Path | None,
                     school_file: Path | None, report_path: Path | None, strict: bool, overwrite: bool,
                     quiet: bool, verbose: bool, log_path: Path | None, vervolg: Path | None) -> None:
    """Maak één OPP per leerling uit een of meer exports (.xlsx).

    Een OPP dat iemand na de vorige run heeft bewerkt, wordt nooit overschreven (behalve met
    --overschrijf); zijn de gegevens van die leerling veranderd, dan komt er 'OPP_... (nieuw).docx' naast.

    \b
    Voorbeelden:
      opp genereer input/voorbeeld-export.xlsx --schooljaar 2026-2027
      opp genereer input/export-2027.xlsx --schooljaar 2027-2028 --vervolg output/2026-2027
    """
    settings = pipeline.Settings(list(inputs), template or BUILTIN_TEMPLATE, output, schooljaar,
                                 date.today(), names_in_file_name, workers=workers, columns=columns,
                                 report_path=report_path, strict=strict, overwrite=overwrite,
                                 documenten=documenten, school_file=school_file, vervolg=vervolg)
    with _console(quiet, verbose, log_path) as out:
        result = _generate(out, settings)
        _show_findings(out, result.findings)
        out.say(cli_output.run_summary(result))
        if result.write_failure is not None:  # the OPPs are written; the register or report is not
            out.say(f"Fout: {result.write_failure}", err=True)
            sys.exit(result.write_failure.exit_code)
    data_error = (result.skipped or result.strict_stopped
                  # e.g. no students sheet at all
                  or any(b.severity is Severity.ERROR for b in result.findings))
    sys.exit(EXIT_DATA if data_error else _exit_code_for_files(result))


def _generate(out: Console, settings: pipeline.Settings) -> pipeline.RunResult:
    """The run, with a progress bar on a terminal (not with --stil, not in a log file or a pipe)."""
    bar = ProgressBar() if sys.stdout.isatty() and not out.quiet else None
    try:
        with _user_errors(out):
            return pipeline.generate(settings, bar, bar.phase if bar else None)
    except KeyboardInterrupt:
        out.say("Afgebroken. Wat al geschreven was, is compleet; draai opnieuw om af te maken.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        if bar:
            bar.close()


def _exit_code_for_files(result: pipeline.RunResult) -> int:
    """75: some students were skipped for now (open in Word, a conflict to resolve, a path too long
    for Word: a shorter --uitvoer folder makes them, or a symbolic link in the way)."""
    waiting = sum(result.outcomes[o] for o in (Outcome.OPEN, Outcome.CONFLICT, Outcome.TOO_LONG,
                                               Outcome.LINKED))
    return EXIT_LATER if waiting else EXIT_OK


def _show_findings(out: Console, findings, with_info: bool = False) -> None:
    """Errors and warnings, grouped per student; the report file also holds the info lines. --stil shows
    the errors only, --uitgebreid the info lines too."""
    if out.quiet:
        findings = [f for f in findings if f.severity is Severity.ERROR]
    for line in report.text_lines(findings, with_info or out.verbose):
        out.say(line, err=True)


@main.command("controleer")
@click.argument("inputs", metavar="INVOER...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--uitvoer", "output", metavar="MAP", type=click.Path(path_type=Path), default=Path("output"),
              show_default=True, help="Uitvoermap van genereer: de bestaande OPP's daarin tellen mee.")
@_check_options
@_output_options
def check_command(inputs: tuple[Path, ...], output: Path, template: Path | None, schooljaar: str,
                  documenten: Path | None, columns: Path | None, school_file: Path | None,
                  report_path: Path | None, strict: bool, quiet: bool, verbose: bool, log_path: Path | None,
                  vervolg: Path | None) -> None:
    """Controleer sjabloon en export(s) zoals genereer dat doet, zonder OPP's te maken; toon de meldingen
    per leerling. Dezelfde meldingen als genereer, ook over links en termijnen.

    Afsluitcode 0: geen fouten; 65: een of meer fouten; 66: een bestand is onleesbaar (ook een schoolbestand
    met een fout of onbekende sleutel, of een map bij --vervolg die er niet is); 78: het sjabloon is niet
    bruikbaar.

    \b
    Voorbeeld:
      opp controleer input/voorbeeld-export.xlsx --rapport controle.xlsx
    """
    settings = pipeline.Settings(list(inputs), template or BUILTIN_TEMPLATE, output, schooljaar,
                                 date.today(), columns=columns, documenten=documenten,
                                 school_file=school_file, vervolg=vervolg)
    with _console(quiet, verbose, log_path) as out:
        with _user_errors(out):
            if report_path:  # an export, a template or any other file that is no report of ours: 73
                report.refuse_report_path(report_path)
            checked = pipeline.check(settings)
            if report_path:
                pipeline.write_report(report_path, checked.findings)
        _show_findings(out, checked.findings, with_info=True)
        errors = sum(f.severity is Severity.ERROR for f in checked.findings)
        validated = checked.validated
        out.say(f"{validated.student_rows} rijen met leerlingen: {len(checked.tasks)} klaar voor een OPP, "
                f"{len(validated.withheld)} zonder OPP wegens fouten, {validated.not_selected} zonder "
                f"OPP-markering ({errors} fout{'en' if errors != 1 else ''}, "
                f"{len(checked.findings) - errors} andere meldingen)"
                + (f"; rapport in {report_path}" if report_path else ""))
    warned = strict and any(f.severity is Severity.WARNING for f in checked.findings)
    sys.exit(EXIT_DATA if errors or warned else EXIT_OK)


@main.command("inlezen")
@click.argument("folder", metavar="[MAP]", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--schooljaar", "year", metavar="JJJJ-JJJJ", default=None,
              help="Schooljaar van de OPP's. Standaard: de naam van MAP als dat een schooljaar is, anders "
                   "het huidige schooljaar.")
@click.option("--uitvoer", "output", metavar="MAP", type=click.Path(path_type=Path), default=Path("output"),
              show_default=True,
              help="Uitvoermap van genereer; zonder MAP wordt <uitvoer>/<schooljaar> gelezen.")
@click.option("--sjabloon", "template", metavar="BESTAND", type=click.Path(dir_okay=False, path_type=Path),
              help="Het sjabloon waarmee de OPP's zijn gemaakt (standaard het ingebouwde).")
@_output_options
def read_back_command(folder: Path | None, year: str | None, output: Path, template: Path | None, quiet: bool,
                      verbose: bool, log_path: Path | None) -> None:
    """Lees de ingevulde OPP's terug en werk het overzicht bij. Een OPP wordt nooit veranderd.

    Het overzicht krijgt wat in Word is ingevuld: datum van vaststelling (en de termijnen die daaruit
    volgen), instemming per ondertekenaar, hoorrecht en overleg, evaluatie en resultaat per doel, start- en
    einddatum voor DUO, status en wat nog in te vullen is. Tekst buiten de invulvelden wordt gemeld, niet
    geraden. MAP is de map van een schooljaar; standaard output/<schooljaar>.

    Afsluitcode 0: ingelezen (een OPP dat niet te lezen is, staat in de meldingen); 66: de map bestaat niet;
    74: de schijf is vol.

    \b
    Voorbeeld:
      opp inlezen output/2026-2027
    """
    if year is not None and not is_school_year(year):
        raise click.BadParameter(f"'{year}' is geen schooljaar; schrijf het als 2026-2027",
                                 param_hint="'--schooljaar'")
    year = year or (folder.name if folder is not None and is_school_year(folder.name)
                    else pipeline.default_school_year(date.today()))
    with _console(quiet, verbose, log_path) as out:
        with _user_errors(out):
            result = filled_forms.read_back(folder or output / year, year, date.today(), template)
            if result.write_failure is not None:
                raise result.write_failure
        _show_findings(out, result.findings, with_info=True)
        out.say(f"{result.read} OPP's ingelezen, {result.unreadable} niet leesbaar"
                + (f"; overzicht in {result.register_path}" if result.register_path else ""))
    sys.exit(EXIT_OK)


@main.command("velden")
def fields_command() -> None:
    """Toon elk veld dat een sjabloon kan gebruiken, met type, omschrijving en Excel-kolommen.

    \b
    Voorbeeld:
      opp velden
    """
    click.echo("In het sjabloon: {{r veld('naam') }} wordt een invulveld, {{ naam }} gewone tekst.\n")
    for v in FIELDS:
        if v.type is FieldType.SECRET:
            continue  # the BSN: recognised in an export only to be ignored, never a template field
        source_text = ", ".join(v.aliases) if v.sheet else "berekend door opp-generator"
        sheet = f" (blad {v.sheet.name})" if v.sheet else ""
        click.echo(f"{v.path}  [{v.type.value}]  {v.description}")
        if v.example:
            click.echo(f"    voorbeeld: {v.example}")
        if v.choices:
            click.echo(f"    keuzes: {'; '.join(v.choices)}")
        click.echo(f"    kolommen{sheet}: {source_text}")


@main.command("kolommen")
@click.argument("inputs", metavar="INVOER...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--uit", "target", metavar="BESTAND", type=click.Path(dir_okay=False, path_type=Path),
              default=None, show_default="op het scherm",
              help="Schrijf het kolommenbestand hierheen (bijvoorbeeld kolommen.toml); een bestaand bestand "
                   "wordt nooit overschreven.")
@click.option("--kolommen", "columns", metavar="BESTAND", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Begin bij een eerder kolommenbestand van de school.")
def columns_command(inputs: tuple[Path, ...], target: Path | None, columns: Path | None) -> None:
    """Toon hoe opp-generator de kolommen van de export leest, als kolommenbestand (TOML): per kolom het
    veld en hoe zeker dat is, en bij elke kolom die niet gebruikt wordt de drie velden die er het meest
    op lijken. Pas het aan en geef het mee met --kolommen aan genereer en controleer.

    Afsluitcode 0: geschreven; 66: een bestand is onleesbaar; 73: het bestand bestaat al.

    \b
    Voorbeeld:
      opp kolommen input/export.xlsx --uit kolommen.toml
      opp genereer input/export.xlsx --kolommen kolommen.toml
    """
    with Console() as out, _user_errors(out):
        text = pipeline.column_mapping(list(inputs), columns, date.today(), target.name if target else
                                       "kolommen.toml")
        if target is None:
            click.echo(text, nl=False)
            return
        pipeline.write_new_file(target, text)
    out.say(f"Kolommenbestand geschreven: {target}. Controleer het, pas het zo nodig aan en gebruik het "
            f"met --kolommen {target}.")


@main.command("sjabloon")
@click.argument("path", metavar="[PAD]", required=False, type=click.Path(path_type=Path))
@click.option("--kopie", "copy_to", metavar="BESTAND", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="Schrijf een kopie van het ingebouwde sjabloon naar dit pad, om in Word aan te passen.")
def template_command(path: Path | None, copy_to: Path | None) -> None:
    """Controleer een (in Word bewerkt) sjabloon met precies de controle die genereer en controleer
    eerst doen: sjablooncode, veldnamen, onveilige inhoud, verwijzingen naar buiten en
    documenteigenschappen. Zonder PAD: het ingebouwde sjabloon.

    Afsluitcode 0 als het sjabloon bruikbaar is, 78 als er iets mis is, 66 als het niet bestaat.

    \b
    Voorbeelden:
      opp sjabloon mijn-sjabloon.docx
      opp sjabloon --kopie mijn-sjabloon.docx
    """
    with Console() as out, _user_errors(out):
        if copy_to is not None:
            pipeline.copy_builtin_template(copy_to)
            out.say(f"Kopie van het ingebouwde sjabloon geschreven: {copy_to}")
            return
        path = path or BUILTIN_TEMPLATE
        pipeline.check_template(path)
    out.say(f"{path}: het sjabloon is in orde.")
