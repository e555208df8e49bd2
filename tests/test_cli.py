"""The `opp` command as a user meets it: no traceback ever (70 with a log file for the unexpected), 66 for
an unreadable input, any console encoding, --stil/--uitgebreid/--log, click's own texts in Dutch, and an
unusable --sjabloon refused with 78 before anything is written."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner

from generator import cli, cli_output, pipeline
from generator.cli import main
from generator.write.writer import Outcome

from .conftest import EXAMPLE, LEERLING_KOPPEN, ROOT, TEMPLATE, leerling, make_workbook

JAAR = "2026-2027"
ENGLISH = ("Usage:", "Options:", "Error:", "Commands:", "Show this message and exit", "Did you mean",
           "Missing argument", "No such option", "Try")
UNEXPECTED = re.compile(r"^Onverwachte fout \((\w+)\); de details staan in (.+\.log)\. "
                        r"Meld dit bij wie opp-generator beheert\.$", re.MULTILINE)


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="opp", **kwargs)


def generate(*args, **kwargs):
    return run("genereer", *args, "--schooljaar", JAAR, "--werkers", "1", **kwargs)


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def temp_dir(tmp_path, monkeypatch) -> Path:
    """tempfile.gettempdir() for the test: where the log of an unexpected error goes."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def bad_row_export(path: Path) -> Path:
    """Student 1 is fine, student 2 has no name, so we cannot tell whom it is for: one error finding."""
    return make_workbook(path, {"Leerlingen": [
        LEERLING_KOPPEN, leerling("1", "Goed", "Leerling"),
        ["2", "", "", "", "14-03-2013", "1A", "x", date(2026, 8, 24)]]})


# --- 70: an unexpected error ---------------------------------------------------------------------------

def _boom(*args, **kwargs):
    raise ZeroDivisionError("division by zero")


def test_an_unexpected_error_is_one_dutch_line_naming_a_log_with_the_traceback_and_exit_70(
        tmp_path, temp_dir, monkeypatch):
    monkeypatch.setattr(pipeline, "generate", _boom)
    result = generate(EXAMPLE, "--uitvoer", tmp_path / "uit")
    assert result.exit_code == 70, result.output
    assert "Traceback" not in result.output and "division by zero" not in result.output
    assert result.output.count("\n") == 1, result.output  # one line, on stderr
    found = UNEXPECTED.search(result.stderr)
    assert found and found.group(1) == "ZeroDivisionError", result.output
    log = Path(found.group(2))
    assert log.is_absolute() and log.parent == temp_dir / "opp-generator"
    assert re.fullmatch(r"fout-\d{8}-\d{6}(-\d+)?\.log", log.name)
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: division by zero" in text
    assert "in _boom" in text and "opp-generator" in text


def test_a_second_unexpected_error_in_the_same_second_gets_its_own_log(tmp_path, temp_dir, monkeypatch):
    monkeypatch.setattr(pipeline, "check", _boom)
    logs = [Path(UNEXPECTED.search(run("controleer", EXAMPLE).stderr).group(2)) for _ in range(3)]
    assert len(set(logs)) == 3 and all(p.exists() for p in logs)


def test_an_unexpected_error_outside_the_run_is_caught_as_well(temp_dir, monkeypatch):
    class Broken:
        def __iter__(self):
            raise KeyError("veld")

    monkeypatch.setattr("generator.cli.FIELDS", Broken())
    result = run("velden")
    assert result.exit_code == 70 and "Traceback" not in result.output
    assert UNEXPECTED.search(result.output).group(1) == "KeyError"


def test_when_even_the_log_cannot_be_written_the_one_line_says_so(tmp_path, monkeypatch):
    blocked = tmp_path / "geen-map"
    blocked.write_text("een bestand, geen map")  # so <temp>/opp-generator cannot be made
    monkeypatch.setattr(tempfile, "tempdir", str(blocked))
    monkeypatch.setattr(pipeline, "generate", _boom)
    result = generate(EXAMPLE, "--uitvoer", tmp_path / "uit")
    assert result.exit_code == 70 and "Traceback" not in result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Onverwachte fout (ZeroDivisionError); de details konden "
                                                   f"niet worden bewaard in {blocked / 'opp-generator'} (")
    assert lines[0].endswith("). Meld dit bij wie opp-generator beheert.")


def test_a_real_process_with_an_unexpected_error_exits_70_without_a_traceback(tmp_path):
    code = ("import sys\nfrom generator import pipeline\n"
            "def boom(*a, **k):\n    raise ValueError('kapot')\n"
            "pipeline.generate = boom\nfrom generator.__main__ import start\nstart()\n")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**_env("utf-8"), "TMPDIR": str(temp), "TEMP": str(temp), "TMP": str(temp)}
    proc = subprocess.run([sys.executable, "-c", code, "genereer", str(EXAMPLE), "--uitvoer",
                           str(tmp_path / "uit")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 70, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout and proc.stdout == ""
    found = UNEXPECTED.search(proc.stderr)
    assert found and found.group(1) == "ValueError", proc.stderr
    assert "ValueError: kapot" in Path(found.group(2)).read_text(encoding="utf-8")
    assert not files_in(tmp_path / "uit")


@pytest.mark.parametrize("log_loads", [True, False], ids=["with-log", "without-log"])
def test_a_broken_installation_exits_70_without_a_traceback(tmp_path, log_loads):
    broken = ["generator.pipeline"] + ([] if log_loads else ["click"])
    code = (f"import sys\nfor name in {broken!r}:\n    sys.modules[name] = None  # import fails\n"
            "from generator.__main__ import start\nstart()\n")
    env = {**_env("utf-8"), "TMPDIR": str(tmp_path), "TEMP": str(tmp_path), "TMP": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code, "velden"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 70 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("Onverwachte fout (ModuleNotFoundError)") and proc.stderr.count("\n") == 1
    if log_loads:
        assert "Traceback" in Path(UNEXPECTED.search(proc.stderr).group(2)).read_text(encoding="utf-8")


# --- 66: an input that cannot be read ------------------------------------------------------------------

@pytest.fixture
def unreadable(monkeypatch):
    """Make opening one path fail as the OS would: we run as root here, so chmod 000 would not do."""
    real_open = Path.open

    def make(path: Path, error: type[OSError]) -> None:
        def refusing_open(self, *args, **kwargs):
            if Path(self).resolve() == path.resolve():
                raise error(13 if error is PermissionError else 2, "refused by the test", str(self))
            return real_open(self, *args, **kwargs)
        monkeypatch.setattr(Path, "open", refusing_open)
    return make


@pytest.mark.parametrize("command", ["genereer", "controleer"])
def test_an_input_without_read_permission_gives_66_naming_the_file(tmp_path, unreadable, command):
    book = shutil.copy(EXAMPLE, tmp_path / "export.xlsx")
    unreadable(Path(book), PermissionError)
    output = ["--uitvoer", tmp_path / "uit"] if command == "genereer" else []
    result = run(command, book, "--schooljaar", JAAR, *output)
    assert result.exit_code == 66, result.output
    assert result.output == (f"Fout: {book}: het bestand kan niet worden gelezen: geen toestemming, of het "
                             "is geopend in een ander programma\n")
    assert not files_in(tmp_path / "uit")


def test_an_input_that_vanishes_while_it_is_read_gives_66(tmp_path, unreadable):
    book = shutil.copy(EXAMPLE, tmp_path / "export.xlsx")
    unreadable(Path(book), FileNotFoundError)
    result = generate(book, "--uitvoer", tmp_path / "uit")
    assert result.exit_code == 66 and result.output == f"Fout: {book}: bestand niet gevonden\n"
    assert not files_in(tmp_path / "uit")


@pytest.mark.parametrize("command", ["genereer", "controleer"])
def test_a_folder_or_a_missing_file_as_input_gives_66_naming_it(tmp_path, command):
    folder = tmp_path / "exports"
    folder.mkdir()
    result = run(command, folder, "--schooljaar", JAAR)
    assert result.exit_code == 66 and "Traceback" not in result.output
    assert result.output == (f"Fout: {folder}: dit is een map, geen bestand; geef het pad van de export "
                             "(.xlsx of .csv)\n")
    missing = run(command, tmp_path / "weg.xlsx", "--schooljaar", JAAR)
    assert missing.exit_code == 66 and f"{tmp_path / 'weg.xlsx'}: bestand niet gevonden" in missing.output


def test_an_oserror_on_a_file_that_is_no_input_is_unexpected_not_66(tmp_path, temp_dir, monkeypatch):
    def fail(*args, **kwargs):
        raise PermissionError(13, "refused by the test", str(tmp_path / "iets-anders"))
    monkeypatch.setattr(pipeline, "generate", fail)
    result = generate(EXAMPLE, "--uitvoer", tmp_path / "uit")
    assert result.exit_code == 70 and UNEXPECTED.search(result.output).group(1) == "PermissionError"


# --- any console, any encoding -------------------------------------------------------------------------

def _env(encoding: str) -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_path_the_console_cannot_encode_does_not_stop_the_run(tmp_path, encoding):
    book = shutil.copy(EXAMPLE, tmp_path / "voorbeeld-export.xlsx")
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.run([sys.executable, "-m", "generator", "genereer", str(book), "--uitvoer",
                               str(tmp_path / "uitvoer-ış"), "--werkers", "1"], cwd=ROOT, env=_env(encoding),
                              stdout=stdout, stderr=stderr, timeout=300)
    shown = out.read_bytes().decode("utf-8", "replace") + err.read_bytes().decode("utf-8", "replace")
    assert proc.returncode == 0, shown
    assert "Traceback" not in shown and "UnicodeEncodeError" not in shown
    assert len(list((tmp_path / "uitvoer-ış").rglob("*.docx"))) == 45
    assert "45 OPP's geschreven" in shown
    if encoding == "cp1252":  # what the encoding cannot hold is a '?' (click writes UTF-8 to an ASCII stream)
        assert b"uitvoer-??" in out.read_bytes()


# --- --stil, --uitgebreid, --log -----------------------------------------------------------------------

def test_stil_shows_only_errors_and_the_summary(tmp_path):
    book = shutil.copy(EXAMPLE, tmp_path / "export.xlsx")  # its document links are not found here: warnings
    normal = generate(book, "--uitvoer", tmp_path / "a")
    quiet = generate(book, "--uitvoer", tmp_path / "b", "--stil")
    assert normal.exit_code == quiet.exit_code == 0, quiet.output
    assert "waarschuwing:" in normal.output
    summary = normal.output.splitlines()[-1]
    assert quiet.output == summary.replace(str(tmp_path / "a"), str(tmp_path / "b")) + "\n"
    errors = generate(bad_row_export(tmp_path / "fout.xlsx"), "--uitvoer", tmp_path / "c", "--stil")
    assert errors.exit_code == 65
    lines = errors.output.splitlines()
    assert len(lines) == 3 and lines[0] == "Leerling 2:" and lines[1].startswith("  fout: ")
    assert "1 OPP's geschreven, 1 leerling overgeslagen" in lines[2]


def test_stil_shows_no_progress_bar_and_no_phase_lines_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    shown = generate(EXAMPLE, "--uitvoer", tmp_path / "a")
    quiet = generate(EXAMPLE, "--uitvoer", tmp_path / "b", "--stil")
    assert "OPP's maken" in shown.output  # so the terminal is believed
    assert "OPP's maken" not in quiet.output and " ..." not in quiet.output
    assert quiet.exit_code == 0 and len(quiet.output.splitlines()) == 1


def test_uitgebreid_shows_the_info_lines_of_the_library_and_log_keeps_them(tmp_path):
    for folder in (tmp_path / "a", tmp_path / "b"):  # a killed run left a temp file behind
        (folder / JAAR).mkdir(parents=True)
        (folder / JAAR / ".opp-tmp-afgebroken.tmp").write_bytes(b"half")
    info = "1 tijdelijke bestanden van een afgebroken run opgeruimd"
    normal = generate(EXAMPLE, "--uitvoer", tmp_path / "a")
    log = tmp_path / "logs" / "opp.log"
    verbose = generate(EXAMPLE, "--uitvoer", tmp_path / "b", "--uitgebreid", "--log", log)
    assert normal.exit_code == verbose.exit_code == 0, verbose.output
    assert info not in normal.output and info in verbose.output
    assert info in log.read_text(encoding="utf-8")


def test_uitgebreid_shows_info_records_but_no_debug_and_the_handler_goes_again(tmp_path, monkeypatch):
    real = pipeline.generate

    def with_info(*args, **kwargs):
        logging.getLogger("generator.pipeline").info("info voor de test")
        logging.getLogger("generator.pipeline").debug("debug voor de test")
        return real(*args, **kwargs)
    monkeypatch.setattr(pipeline, "generate", with_info)
    assert "info voor de test" not in generate(EXAMPLE, "--uitvoer", tmp_path / "a").output
    verbose = generate(EXAMPLE, "--uitvoer", tmp_path / "b", "--uitgebreid")
    assert "info voor de test" in verbose.output and "debug voor de test" not in verbose.output
    assert not any(type(h).__name__ == "_ConsoleHandler" for h in logging.getLogger().handlers)


def test_log_appends_what_was_shown_findings_summary_and_errors(tmp_path):
    book = shutil.copy(EXAMPLE, tmp_path / "export.xlsx")
    log = tmp_path / "opp.log"
    first = generate(book, "--uitvoer", tmp_path / "uit", "--log", log)
    assert first.exit_code == 0
    text = log.read_text(encoding="utf-8")
    assert re.match(r"--- \d{4}-\d\d-\d\d \d\d:\d\d:\d\d opp genereer \(opp-generator .+\) ---\n", text)
    assert text.splitlines()[1:] == first.output.splitlines()  # the findings and the summary, as shown
    checked = run("controleer", book, "--schooljaar", JAAR, "--log", log, "--stil")
    missing = run("controleer", tmp_path / "weg.xlsx", "--log", log)
    assert checked.exit_code == 0 and missing.exit_code == 66
    text = log.read_text(encoding="utf-8")
    assert text.count("--- ") == 3 and "opp controleer" in text
    assert text.endswith(f"Fout: {tmp_path / 'weg.xlsx'}: bestand niet gevonden\n")
    assert checked.output.splitlines()[-1] in text


def test_log_keeps_the_line_of_an_unexpected_error(tmp_path, temp_dir, monkeypatch):
    monkeypatch.setattr(pipeline, "check", _boom)
    log = tmp_path / "opp.log"
    result = run("controleer", EXAMPLE, "--log", log)
    assert result.exit_code == 70
    assert UNEXPECTED.search(log.read_text(encoding="utf-8")).group(1) == "ZeroDivisionError"


def test_a_log_file_that_cannot_be_written_gives_73_before_anything_runs(tmp_path):
    (tmp_path / "bestand").write_text("")
    result = generate(EXAMPLE, "--uitvoer", tmp_path / "uit", "--log", tmp_path / "bestand" / "opp.log")
    assert result.exit_code == 73 and "Traceback" not in result.output
    assert result.output.startswith(f"Fout: {tmp_path / 'bestand' / 'opp.log'}: het logbestand kan niet "
                                    "worden geschreven (")
    assert not files_in(tmp_path / "uit")


@pytest.mark.parametrize("command", ["genereer", "controleer"])
def test_stil_and_uitgebreid_together_is_a_usage_error_in_dutch(tmp_path, command):
    output = ["--uitvoer", tmp_path / "uit"] if command == "genereer" else []
    result = run(command, EXAMPLE, "--stil", "--uitgebreid", *output)
    assert result.exit_code == 2
    assert "Fout: --stil en --uitgebreid gaan niet samen; kies er één." in result.output
    assert not files_in(tmp_path / "uit")


# --- click's own texts in Dutch ------------------------------------------------------------------------

@pytest.mark.parametrize("args, code", [
    ([], 2), (["--help"], 0), (["genereer", "--help"], 0), (["controleer", "--help"], 0),
    (["sjabloon", "--help"], 0), (["velden", "-h"], 0),
    (["genereer", "--onzin"], 2), (["genereer"], 2), (["maak"], 2), (["genreer", "x"], 2),
    (["genereer", "x", "--werkers", "0"], 2), (["genereer", "x", "--werkers", "veel"], 2),
    (["genereer", "x", "--uitvoer"], 2), (["sjabloon", "a", "b"], 2), (["controleer", "--stiil"], 2),
    (["genereer", "x", "--schooljaar", "2026"], 2), (["genereer", "x", "--kolommen", "."], 2),
], ids=lambda value: " ".join(value) if isinstance(value, list) else str(value))
def test_help_and_usage_errors_are_dutch(args, code):
    result = run(*args)
    assert result.exit_code == code, result.output
    for word in ENGLISH:
        assert word not in result.output, (word, result.output)
    if code and args:
        assert "Fout: " in result.output
    else:  # the help, also for `opp` alone
        assert result.output.startswith("Gebruik: opp")


def test_the_dutch_texts_themselves():
    top = run("--help").output
    assert "Opties:" in top and "Opdrachten:" in top and "[OPTIES] OPDRACHT [ARGUMENTEN]..." in top
    assert "Toon deze hulp en stop." in top and "Toon de versie en stop." in top
    help_text = " ".join(run("genereer", "--help").output.split())
    assert "Gebruik: opp genereer [OPTIES] INVOER..." in help_text
    assert "[standaard: output]" in help_text and "--werkers AANTAL" in help_text
    assert "--stil" in help_text and "--uitgebreid" in help_text and "--log BESTAND" in help_text
    wrong = run("genereer", "--onzin").output
    assert "Typ 'opp genereer --help' voor hulp." in wrong and "Fout: onbekende optie '--onzin'." in wrong
    assert "Fout: ontbrekend argument 'INVOER...'." in run("genereer").output
    assert "Fout: onbekende opdracht 'genreer'. Bedoelt u 'genereer'?" in run("genreer").output
    assert run("--version").output.startswith("opp-generator ")


# --- an unusable --sjabloon: 78 and nothing written ----------------------------------------------------

def _dotx(path: Path) -> Path:
    document = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    template = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
    with zipfile.ZipFile(TEMPLATE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                assert document in data
                data = data.replace(document, template)
            target.writestr(item, data)
    return path


def _zip_without_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/styles.xml", "<w:styles/>")
    return path


@pytest.mark.parametrize("make, why", [
    (lambda p: shutil.copy(EXAMPLE, p / "sjabloon.xlsx"), "word/document.xml"),
    (lambda p: _dotx(p / "sjabloon.dotx"), ".dotx"),
    (lambda p: _zip_without_document(p / "sjabloon.docx"), "word/document.xml"),
], ids=["xlsx", "dotx", "zip-without-document"])
def test_an_unusable_template_gives_78_and_writes_nothing(tmp_path, make, why):
    template = Path(make(tmp_path))
    uit = tmp_path / "uit"
    result = generate(EXAMPLE, "--sjabloon", template, "--uitvoer", uit)
    assert result.exit_code == 78, result.output
    assert result.output.startswith(f"Fout: {template.name}: het sjabloon is niet bruikbaar")
    assert why in result.output and "Traceback" not in result.output
    assert not files_in(uit)
    assert run("controleer", EXAMPLE, "--sjabloon", template).exit_code == 78
    assert run("sjabloon", template).exit_code == 78


def test_a_path_too_long_for_word_is_named_in_the_summary_and_waits_with_75():
    result = pipeline.RunResult(Path("uit"), outcomes=Counter({Outcome.NEW: 3, Outcome.TOO_LONG: 1}))
    summary = cli_output.run_summary(result)
    assert "1 niet geschreven: pad te lang voor Word (kies met --uitvoer een kortere map)" in summary
    assert cli._exit_code_for_files(result) == 75
