"""How the `opp` command talks to its user: in Dutch, on any console, as much as asked, and never with a
traceback.

- **click's own texts in Dutch.** click writes "Usage:", "Options:", "Error: No such option" and the like
  through `gettext`: each click module binds `from gettext import gettext as _` (and `ngettext`) at
  import and looks the name up in its own globals every time it builds a text. `use_dutch_click_texts()`
  replaces exactly those bound names, in every loaded click module that bound them, by a lookup in
  `DUTCH` and `DUTCH_PLURALS` (click's msgids -> Dutch); an unknown msgid stays as click wrote it, and
  a test fails on the English words. The alternatives do not work for click 8.x: a gettext catalogue
  (.mo) is found only through the user's LANG/LANGUAGE and the process-wide default domain, and
  subclassing Context or HelpFormatter reaches the help page but not the messages the parser and the
  exceptions build. Some texts are built before any command runs (a `click.Path`'s name, the help of
  `--version`), so cli.py calls this before it defines the commands. The usage metavars ("[OPTIONS]",
  "COMMAND [ARGS]...") are no msgids: `DutchCommand` and `DutchGroup` set them.
- **Any console, any encoding.** `never_fail_on_encoding()` lets stdout and stderr write '?' for a
  character their encoding cannot hold (a path with 'ı' in a cp1252 console or a redirect), instead of
  raising UnicodeEncodeError halfway through the summary.
- **As much as asked.** `Console` is what one command shows: errors and the summary always, warnings
  unless --stil, info lines (findings and the library's `logging` records) with --uitgebreid; with
  --log every line it shows is appended to a UTF-8 file as well.
- **Progress.** `ProgressBar`: students done, per second and time left, on a terminal only.
- **No traceback.** `report_unexpected()` turns an error that is no OppError into one Dutch line that
  names a log file holding the traceback, and exit code 70.
"""

from __future__ import annotations

import contextlib
import errno
import gettext
import logging
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
import click._termui_impl  # noqa: F401  (loaded lazily by the progress bar: load it now to translate it)

from . import __version__
from .domain.errors import OppError, OutputError
from .write.writer import Outcome

if TYPE_CHECKING:
    from .pipeline import RunResult

EXIT_UNEXPECTED = 70
CRASH_FOLDER = "opp-generator"  # under the temp folder: %TEMP%\opp-generator on Windows

DUTCH = {
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "default: {default}": "standaard: {default}",
    "env var: {var}": "omgevingsvariabele: {var}",
    "required": "verplicht",
    "(dynamic)": "(wisselend)",
    "Error: {message}": "Fout: {message}",
    "Try '{command} {option}' for help.": "Typ '{command} {option}' voor hulp.",
    "Aborted!": "Afgebroken.",
    "Missing command.": "geen opdracht gegeven.",
    "Invalid value: {message}": "ongeldige waarde: {message}",
    "Invalid value for {param_hint}: {message}": "ongeldige waarde voor {param_hint}: {message}",
    "Missing argument": "ontbrekend argument",
    "Missing option": "ontbrekende optie",
    "Missing parameter": "ontbrekende parameter",
    "Missing {param_type}": "ontbrekend: {param_type}",
    "Missing parameter: {param_name}": "ontbrekende parameter: {param_name}",
    "No such option {name!r}.": "onbekende optie {name!r}.",
    "No such command {name!r}.": "onbekende opdracht {name!r}.",
    "Option {name!r} does not take a value.": "optie {name!r} krijgt geen waarde.",
    "Argument {name!r} takes {nargs} values.": "argument {name!r} krijgt {nargs} waarden.",
    "Invalid start character for option ({option})": "ongeldig eerste teken voor een optie ({option})",
    "Value must be an iterable.": "de waarde moet een reeks zijn.",
    "unknown error": "onbekende fout",
    "Could not open file {filename!r}: {message}": "kan bestand {filename!r} niet openen: {message}",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "{name} {filename!r} does not exist.": "{filename!r} bestaat niet.",
    "{name} {filename!r} is a file.": "{filename!r} is een bestand, geen map.",
    "{name} {filename!r} is a directory.": "{filename!r} is een map, geen bestand.",
    "{name} {filename!r} is not readable.": "{filename!r} kan niet worden gelezen.",
    "{name} {filename!r} is not writable.": "in {filename!r} kan niet worden geschreven.",
    "{name} {filename!r} is not executable.": "{filename!r} kan niet worden uitgevoerd.",
    "{value} is not in the range {range}.": "{value} ligt niet in het bereik {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig getal.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} is geen geldige ja/nee-waarde; mogelijk zijn: {states}",
    "{value!r} is not a valid UUID.": "{value!r} is geen geldige UUID.",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "Do you want to continue?": "Wilt u doorgaan?",
    "Confirm the action without prompting.": "Bevestig zonder te vragen.",
    "Repeat for confirmation": "Herhaal ter bevestiging",
    "Error: The two entered values do not match.": "Fout: de twee ingevoerde waarden zijn niet gelijk.",
    "Error: invalid input": "Fout: ongeldige invoer",
    "Press any key to continue...": "Druk op een toets om verder te gaan...",
}
DUTCH_PLURALS = {  # (singular, plural) -> (Dutch singular, Dutch plural)
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Bedoelt u {possibility}?", "(Bedoelt u een van: {possibilities}?)"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("onverwacht extra argument ({args})", "onverwachte extra argumenten ({args})"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("verwacht {nargs} waarden, maar kreeg er 1.", "verwacht {nargs} waarden, maar kreeg er {len}."),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("optie {name!r} heeft een waarde nodig.", "optie {name!r} heeft {nargs} waarden nodig."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} is niet {choice}.", "{value!r} is niet een van {choices}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("{len_type} waarden nodig, maar er is {len_value} gegeven.",
         "{len_type} waarden nodig, maar er zijn {len_value} gegeven."),
}


def _dutch(message: str) -> str:
    return DUTCH.get(message, message)


def _dutch_plural(singular: str, plural: str, n: int) -> str:
    one, many = DUTCH_PLURALS.get((singular, plural), (singular, plural))
    return one if n == 1 else many


def use_dutch_click_texts() -> None:
    """Every click module that bound gettext's `_` or `ngettext` at import now looks its texts up in
    DUTCH. Idempotent; call it before the commands are defined."""
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        namespace = vars(module)
        if namespace.get("_") in (gettext.gettext, _dutch):
            module._ = _dutch
        if namespace.get("ngettext") in (gettext.ngettext, _dutch_plural):
            module.ngettext = _dutch_plural


class DutchCommand(click.Command):
    """A command whose usage line says [OPTIES]."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[OPTIES]")
        super().__init__(*args, **kwargs)


class DutchGroup(click.Group):
    """A group whose usage line says [OPTIES] OPDRACHT [ARGUMENTEN]...; its commands are DutchCommands."""

    command_class = DutchCommand

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[OPTIES]")
        kwargs.setdefault("subcommand_metavar", "OPDRACHT [ARGUMENTEN]...")
        super().__init__(*args, **kwargs)


def never_fail_on_encoding() -> None:
    """stdout and stderr keep their encoding but write '?' for a character it cannot hold."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # None under pythonw; a test's stand-in
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # a closed or detached stream: nothing will be written to it
                pass


class ProgressBar:
    """A progress bar on the terminal: students done, per second, time left; a line for each phase
    without one."""

    def __init__(self, file=None, clock=time.monotonic) -> None:
        self.file, self.clock, self.bar, self.started = file, clock, None, 0.0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:  # the total is known once the export is read and checked
            self.bar = click.progressbar(length=total, label="OPP's maken", show_pos=True, show_eta=False,
                                         item_show_func=lambda text: text, file=self.file)
            self.started = self.clock()
        self.bar.update(done - self.bar.pos, self._rate(done, total))

    def phase(self, text: str) -> None:
        """What the run does where no bar can show it (reading the export, writing the register)."""
        self.close()
        click.echo(f"{text} ...", file=self.file)

    def _rate(self, done: int, total: int) -> str:
        elapsed = self.clock() - self.started  # since the first student
        # results arrive per batch of students: a rate over less than a second means nothing yet
        if done == 1 or elapsed < 1.0:
            return ""
        per_second = (done - 1) / elapsed
        minutes, seconds = divmod(round((total - done) / per_second), 60)
        return f"{per_second:.0f} per seconde, nog {minutes}:{seconds:02d}"

    def close(self) -> None:
        """Finish the bar's line; a later student would start a new bar."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


class Console:
    """What one command shows. Errors and the summary always; warnings unless quiet (--stil); info lines
    only when verbose (--uitgebreid). The library's `logging` records are shown by the same rule while
    the console is open, and every line shown is appended to the log file (--log) as well. Leaving the
    console on an error that is no OppError reports it (`report_unexpected`) and exits 70."""

    QUIET, NORMAL, VERBOSE = logging.ERROR, logging.WARNING, logging.INFO

    def __init__(self, level: int = NORMAL, log_path: Path | None = None, title: str = "opp") -> None:
        self.level, self.log_path, self.title = level, log_path, title
        self._file = None
        self._handler = _ConsoleHandler(self)
        self._root_level = logging.NOTSET

    @property
    def quiet(self) -> bool:
        return self.level >= self.QUIET

    @property
    def verbose(self) -> bool:
        return self.level <= self.VERBOSE

    def say(self, text: str, err: bool = False) -> None:
        """One line (or more) for the user, and for the log file."""
        click.echo(text, err=err)
        if self._file is not None:
            try:
                self._file.write(f"{text}\n")
            except OSError as exc:  # a full disk must not stop the run: the screen still shows everything
                broken, self._file = self._file, None
                with contextlib.suppress(OSError):
                    broken.close()
                click.echo(f"Let op: het logbestand {self.log_path} kan niet verder worden geschreven "
                           f"({exc.strerror or exc}); de meldingen staan alleen hierboven.", err=True)

    def __enter__(self) -> Console:
        if self.log_path is not None:
            try:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.log_path.open("a", encoding="utf-8", errors="replace", buffering=1)
                self._file.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S} {self.title} "
                                 f"(opp-generator {__version__}) ---\n")
            except OSError as exc:
                if self._file is not None:
                    with contextlib.suppress(OSError):
                        self._file.close()
                    self._file = None
                raise OutputError(f"{self.log_path}: het logbestand kan niet worden geschreven "
                                  f"({exc.strerror or exc})") from exc
        root = logging.getLogger()
        self._root_level = root.level
        self._handler.setLevel(self.level)
        root.setLevel(self.level)
        root.addHandler(self._handler)
        return self

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if exc is not None and is_unexpected(exc):
                raise SystemExit(report_unexpected(exc, self.say))
        finally:
            root = logging.getLogger()
            root.removeHandler(self._handler)
            root.setLevel(self._root_level)
            if self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.close()
                self._file = None


class _ConsoleHandler(logging.Handler):
    """The library's log records, as plain Dutch lines on stderr (and in the log file)."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.say(self.format(record), err=True)
        except Exception:  # a record that cannot be shown must not stop the run, nor print a traceback
            pass


def is_unexpected(exc: BaseException) -> bool:
    """An error no message of ours explains: not Ctrl-C, not an exit, not one click shows itself (a usage
    error; a pipe closed by the reader, as in `opp controleer ... | more`)."""
    if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        return False
    return not isinstance(exc, OppError | KeyboardInterrupt | SystemExit | GeneratorExit
                          | click.ClickException | click.exceptions.Exit | click.Abort)


def _echo(text: str, err: bool = False) -> None:
    click.echo(text, err=err)


def report_unexpected(exc: BaseException, say: Callable[..., None] = _echo) -> int:
    """Write the traceback to a new file in <temp>/opp-generator, say in one Dutch line where it is, and
    return 70. Nothing here raises: if even the file fails, the line says so."""
    kind = type(exc).__name__
    folder: Path | str = CRASH_FOLDER
    try:
        folder = Path(tempfile.gettempdir()) / CRASH_FOLDER
        path = _write_crash_log(folder, exc)
    except Exception as failure:  # the last resort must not end in a traceback itself
        reason = getattr(failure, "strerror", None) or type(failure).__name__
        text = (f"Onverwachte fout ({kind}); de details konden niet worden bewaard in {folder} ({reason}). "
                "Meld dit bij wie opp-generator beheert.")
    else:
        text = (f"Onverwachte fout ({kind}); de details staan in {path}. "
                "Meld dit bij wie opp-generator beheert.")
    try:
        say(text, err=True)
    except Exception:  # stderr itself is gone: the exit code still tells
        pass
    return EXIT_UNEXPECTED


def _write_crash_log(folder: Path, exc: BaseException) -> Path:
    """A new file fout-<date>-<time>.log (-2, -3, ... when one exists) with the traceback and what ran."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now()
    text = (f"opp-generator {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
            f"tijd: {stamp:%Y-%m-%d %H:%M:%S}\n"
            f"opdracht: {' '.join(sys.argv)}\n\n"
            + "".join(traceback.format_exception(exc)))
    for attempt in range(1, 100):
        path = folder / f"fout-{stamp:%Y%m%d-%H%M%S}{f'-{attempt}' if attempt > 1 else ''}.log"
        try:
            with path.open("x", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(text)
        except FileExistsError:
            continue
        return path.resolve()
    raise FileExistsError(17, "te veel foutbestanden in één seconde", str(folder))


_OUTCOME_TEXT = {
    Outcome.UNCHANGED: "ongewijzigd",
    Outcome.UPDATED: "bijgewerkt (vorige versie bewaard als '(vorige)')",
    Outcome.EDITED: "bewerkt en niet overschreven",
    Outcome.CONFLICT: "conflict: bewerkt én gegevens gewijzigd, nieuwe versie ernaast als '(nieuw)'",
    Outcome.OPEN: "open in Word en overgeslagen (sluit Word en draai opnieuw)",
    Outcome.OVERWRITTEN: "overschreven met --overschrijf (bewerkte versie bewaard als '(vorige)')",
    Outcome.TOO_LONG: "niet geschreven: pad te lang voor Word (kies met --uitvoer een kortere map)",
    Outcome.LINKED: "overgeslagen: een snelkoppeling of geen gewoon bestand in de uitvoermap (zie hierboven)",
}


def run_summary(result: RunResult) -> str:
    """The last line of `opp genereer`: what happened to the files, what was skipped, where things are."""
    parts = [f"{result.outcomes[Outcome.NEW]} OPP's geschreven"]
    for outcome, text in _OUTCOME_TEXT.items():
        if result.outcomes[outcome]:
            parts.append(f"{result.outcomes[outcome]} {text}")
    skipped = len(result.skipped)
    parts.append(f"{skipped} leerling{'en' if skipped != 1 else ''} overgeslagen"
                 + (" wegens fouten in de gegevens (zie de meldingen hierboven)" if skipped else ""))
    if result.not_selected:
        parts.append(f"{result.not_selected} leerlingen zonder OPP-markering")
    parts.append(f"{result.student_rows} rijen met leerlingen gelezen")
    if result.strict_stopped:
        parts.append("geen OPP's gemaakt: --streng en de export bevat fouten")
    if result.report_path:
        parts.append(f"controlerapport in {result.report_path}")
    if result.register_path:
        parts.append(f"overzicht met termijnen in {result.register_path}")
    return ", ".join(parts) + f"; bestanden in {result.map}"
