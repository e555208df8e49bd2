"""Hostile files and names (issue 16): what a school's export, documents folder or output folder may hold
never ends a run in a traceback, never writes through a link, never overwrites a file that is not ours
and never gives two students one file. Every test runs the real CLI (`opp genereer --werkers 1`) on
files built inside the test, and checks the exit code, the message and what was (not) written."""

from __future__ import annotations

import errno
import json
import os
import sys
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.write import manifest as manifest_module
from generator.write.files import TEMP_PREFIX
from generator.write.manifest import JOURNAL, MANIFEST

from .conftest import LEERLING_KOPPEN, TEMPLATE, docx_xml, leerling, make_workbook

JAAR = "2026-2027"
DOC_KOPPEN = ["Stamnummer", "Soort", "Titel", "Datum", "Vindplaats"]
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
DAG = date(2026, 6, 15)


def genereer(book: Path, uit: Path, *extra: str, command: str = "genereer"):
    args = [command, str(book), "--schooljaar", JAAR, *extra]
    if command == "genereer":
        args += ["--werkers", "1", "--uitvoer", str(uit)]
    result = CliRunner().invoke(main, args)
    # never a traceback, never the 70 of an unexpected error
    assert "Traceback" not in result.output and "Onverwachte fout" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def students(path: Path, *rows: list, documenten: list[list] = (), doel: str = "Rekent tot 100") -> Path:
    rows = rows or (leerling("1", "Anna", "Smit"), leerling("2", "Bram", "Jansen"),
                    leerling("3", "Cas", "Bos"))
    sheets = {"Leerlingen": [LEERLING_KOPPEN, *rows],
              "Doelen": [["Stamnummer", "Doel"], *([row[0], doel] for row in rows)]}
    if documenten:
        sheets["Documenten"] = [DOC_KOPPEN, *documenten]
    return make_workbook(path, sheets)


def opps(uit: Path) -> dict[str, bytes]:
    return {p.relative_to(uit).as_posix(): p.read_bytes() for p in sorted(uit.rglob("*.docx"))
            if not p.is_symlink()}


def symlink(link: Path, target: Path) -> None:
    """A symbolic link; only on Windows, where creating one may need a privilege, a test may be skipped."""
    try:
        link.symlink_to(target, target_is_directory=target.is_dir())
    except OSError as exc:
        if sys.platform == "win32":
            pytest.skip(f"symbolische koppelingen kunnen hier niet worden gemaakt ({exc})")
        raise


def warned_rows(output: str, why: str) -> set[int]:
    """The Documenten rows that a warning containing `why` names."""
    found = set()
    for line in output.splitlines():
        if "blad 'Documenten', rij " in line and why in line:
            found.add(int(line.split("blad 'Documenten', rij ")[1].split(",")[0]))
    return found


def hyperlink_targets(path: Path) -> list[str]:
    rels = docx_xml(path, "word/_rels/document.xml.rels")
    return [r.get("Target") for r in rels if r.get("TargetMode") == "External"]


# 1. A document path that cannot be resolved is title-only with a warning; everyone gets an OPP.

def test_a_document_path_too_long_for_the_file_system_becomes_title_only(tmp_path):
    (tmp_path / "iop.pdf").write_bytes(b"%PDF fictief")
    book = students(tmp_path / "export.xlsx", documenten=[
        ["1", "IOP", "IOP te lang", DAG, "x" * 300 + ".pdf"],
        ["2", "IOP", "IOP gewoon", DAG, "iop.pdf"],
    ])
    result = genereer(book, tmp_path / "uit")
    assert result.exit_code == 0, result.output
    assert warned_rows(result.output, "kan niet worden gevolgd") == {2}
    assert "x" * 300 not in result.output  # the path itself is never echoed
    written = opps(tmp_path / "uit")
    assert sorted(written) == [f"{JAAR}/1A/OPP_{n}.docx" for n in "123"]
    assert hyperlink_targets(tmp_path / "uit" / JAAR / "1A/OPP_1.docx") == []
    assert hyperlink_targets(tmp_path / "uit" / JAAR / "1A/OPP_2.docx") == ["../../../iop.pdf"]


def test_a_document_path_into_a_symlink_loop_becomes_title_only(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    symlink(docs / "lus", docs / "lus")
    symlink(docs / "heen", docs / "terug")
    symlink(docs / "terug", docs / "heen")
    book = students(tmp_path / "export.xlsx", documenten=[
        ["1", "IOP", "IOP lus", DAG, "lus/iop.pdf"],
        ["2", "IOP", "IOP kring", DAG, "heen\\verslag.pdf"],
    ])
    result = genereer(book, tmp_path / "uit", "--documenten", str(docs))
    assert result.exit_code == 0, result.output
    assert warned_rows(result.output, "kan niet worden gevolgd") == {2, 3}
    assert len(opps(tmp_path / "uit")) == 3
    # opp controleer says the same
    check = genereer(book, tmp_path / "uit", "--documenten", str(docs), command="controleer")
    assert check.exit_code == 0 and warned_rows(check.output, "kan niet worden gevolgd") == {2, 3}


# 2. mailto links carry an address and a subject only; file links open documents, never programs.

@pytest.mark.parametrize("vindplaats, why", [
    ("mailto:mentor@school.example?attach=C:\\Users\\x\\dossier.pdf", "attach="),
    ("mailto:mentor@school.example?subject=OPP&bcc=ander@example.com", "bcc="),
    ("mailto:mentor@school.example?CC=ander@example.com", "cc="),
    ("mailto:mentor@school.example?subject=OPP;cc=ander@example.com", "cc="),
    ("mailto:mentor@school.example?body=Zie%20bijlage", "body="),
    ("mailto:mentor@school.example?subject=OPP%0ABcc:%20ander@example.com", "regeleinde"),
    ("mailto:mentor@school.example%0D%0ABcc:ander@example.com", "regeleinde"),
    ("mailto:?subject=zonder%20adres", "zonder geldig e-mailadres"),
])
def test_a_mailto_link_with_more_than_address_and_subject_is_title_only(tmp_path, vindplaats, why):
    book = students(tmp_path / "export.xlsx", documenten=[
        ["1", "Contact", "Mail mentor", None, "mailto:mentor@school.example?subject=OPP 1"],
        ["1", "Contact", "Mail verdacht", None, vindplaats],
    ])
    result = genereer(book, tmp_path / "uit")
    assert result.exit_code == 0, result.output
    assert warned_rows(result.output, why) == {3}, result.output
    opp = tmp_path / "uit" / JAAR / "1A/OPP_1.docx"
    assert hyperlink_targets(opp) == ["mailto:mentor@school.example?subject=OPP%201"]
    assert "ander@example.com" not in result.output


def test_only_documents_become_file_links_never_programs_scripts_or_macros(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    harmless = ["iop.pdf", "plan.docx", "Verslag.PDF", "lijst.xlsx", "foto.jpg", "notitie.txt"]
    dangerous = ["setup.exe", "start.bat", "start.cmd", "script.ps1", "script.vbs", "script.js",
                 "pakket.msi", "snelkoppeling.lnk", "app.hta", "app.jar", "scherm.scr", "macro.docm",
                 "macro.xlsm", "pagina.html", "zonder-extensie", "iop.pdf.exe"]
    for name in harmless + dangerous:
        (docs / name).write_bytes(b"fictief")
    rows = [["1", "Verslag", name, DAG, name] for name in harmless + dangerous]
    book = students(tmp_path / "export.xlsx", documenten=rows)
    result = genereer(book, tmp_path / "uit", "--documenten", str(docs))
    assert result.exit_code == 0, result.output
    first_dangerous = 2 + len(harmless)
    assert warned_rows(result.output, "soort die niet als link") == set(
        range(first_dangerous, first_dangerous + len(dangerous)))
    targets = hyperlink_targets(tmp_path / "uit" / JAAR / "1A/OPP_1.docx")
    assert sorted(t.rsplit("/", 1)[-1] for t in targets) == sorted(harmless)


def test_a_document_link_is_judged_by_the_file_it_resolves_to(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "setup.exe").write_bytes(b"MZ")
    symlink(docs / "iop.pdf", docs / "setup.exe")
    book = students(tmp_path / "export.xlsx", documenten=[["1", "IOP", "IOP", DAG, "iop.pdf"]])
    result = genereer(book, tmp_path / "uit", "--documenten", str(docs))
    assert result.exit_code == 0, result.output
    assert warned_rows(result.output, "'.exe'") == {2}
    assert hyperlink_targets(tmp_path / "uit" / JAAR / "1A/OPP_1.docx") == []


# 3. A damaged manifest or journal is treated as damaged, as README promises: nothing is overwritten.

def _deep(n: int = 100_000) -> str:
    return "[" * n + "]" * n


DAMAGED_MANIFESTS = {
    "te diep genest": '{"formaat": 1, "bestanden": ' + _deep() + "}",
    "bestandsnaam geen tekst": json.dumps({"formaat": 1, "bestanden": [
        {"bestand": 5, "leerlingnummer": "1", "sha256": "0", "invoer": "0", "sjabloon": "0", "versie": "1",
         "tijd": "x"},
        {"bestand": "1A/OPP_2.docx", "leerlingnummer": "2", "sha256": "0", "invoer": "0", "sjabloon": "0",
         "versie": "1", "tijd": "x"}]}),
    "bestandsnaam een lijst": json.dumps({"formaat": 1, "bestanden": [
        {"bestand": ["1A/OPP_1.docx"], "leerlingnummer": "1", "sha256": "0", "invoer": "0", "sjabloon": "0",
         "versie": "1", "tijd": "x"}]}),
    "bestanden geen lijst": json.dumps({"formaat": 1, "bestanden": 7}),
    "geen object": json.dumps(["bestanden"]),
}
DAMAGED_JOURNALS = {
    "te diep genest": '{"zet": ' + _deep() + "}\n",
    "verkeerde soorten": "\n".join([
        json.dumps({"zet": {"bestand": None, "leerlingnummer": 1, "sha256": [], "invoer": {},
                            "sjabloon": 0, "versie": 1, "tijd": 2}}),
        json.dumps({"zet": {"bestand": 1, "leerlingnummer": "1", "sha256": "0", "invoer": "0",
                            "sjabloon": "0", "versie": "1", "tijd": "x"}}),
        json.dumps({"weg": ["1A/OPP_1.docx"]}), json.dumps("zet"), json.dumps(5), "\udcff"]) + "\n",
}


@pytest.mark.parametrize("which, text", [*((f"manifest {k}", v) for k, v in DAMAGED_MANIFESTS.items()),
                                         *((f"journaal {k}", v) for k, v in DAMAGED_JOURNALS.items())])
def test_a_damaged_manifest_or_journal_counts_as_damaged_and_nothing_is_overwritten(tmp_path, which, text):
    uit = tmp_path / "uit"
    assert genereer(students(tmp_path / "in.xlsx"), uit).exit_code == 0
    before = opps(uit)
    base = uit / JAAR
    if which.startswith("manifest"):
        (base / MANIFEST).write_text(text, encoding="utf-8")
    else:
        (base / MANIFEST).unlink()
        (base / JOURNAL).write_text(text, encoding="utf-8", errors="surrogateescape")

    result = genereer(students(tmp_path / "in2.xlsx", doel="Leest groep 6-niveau"), uit)
    # every OPP differs from the new version and nothing says it is ours: a conflict, never overwritten
    assert result.exit_code == 75, result.output
    if which.startswith("manifest"):
        assert "onleesbaar" in result.output and "als bewerkt behandeld" in result.output
    assert "3 conflict" in result.output
    assert {k: v for k, v in opps(uit).items() if "(nieuw)" not in k} == before
    assert sorted(k for k in opps(uit) if "(nieuw)" in k) == [f"{JAAR}/1A/OPP_{n} (nieuw).docx"
                                                              for n in "123"]
    assert json.loads((base / MANIFEST).read_text(encoding="utf-8"))["formaat"] == 1  # rewritten whole
    assert not (base / JOURNAL).exists()


# 4. A full disk: 74 with a Dutch message, also for the journal and the register or check report.

@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_full_disk_while_appending_to_the_journal_stops_with_74_and_the_rerun_completes(
        tmp_path, monkeypatch, workers):
    uit, book = tmp_path / "uit", students(tmp_path / "in.xlsx")
    real_write = os.write

    def full_for_the_journal(fd: int, data: bytes) -> int:
        if data.startswith((b'{"zet"', b'{"weg"')):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(manifest_module.os, "write", full_for_the_journal)
    result = genereer(book, uit, "--werkers", workers)
    assert result.exit_code == 74, result.output
    assert "de schijf is vol" in result.output and JOURNAL in result.output
    assert len(opps(uit)) == 1  # the first OPP was written, then its journal line failed
    assert not list(uit.rglob(f"{TEMP_PREFIX}*"))

    monkeypatch.setattr(manifest_module.os, "write", real_write)
    again = genereer(book, uit)
    assert again.exit_code == 0, again.output
    assert "2 OPP's geschreven" in again.output and "1 ongewijzigd" in again.output  # recognised as ours


@pytest.mark.parametrize("name", [f"controle-{JAAR}.xlsx", "overzicht.xlsx"])
def test_a_full_disk_while_writing_the_report_or_register_is_74_not_a_warning(tmp_path, monkeypatch, name):
    uit, book = tmp_path / "uit", students(tmp_path / "in.xlsx")
    real_replace = os.replace

    def full_for(source, target, *args, **kwargs):
        if Path(target).name == name:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full_for)
    result = genereer(book, uit)
    assert result.exit_code == 74, result.output
    assert f"de schijf is vol; {name} is niet geschreven" in result.output
    assert "3 OPP's geschreven" in result.output  # the summary is still shown
    assert len(opps(uit)) == 3
    assert not (uit / JAAR / name).exists()
    assert not list(uit.rglob(f"{TEMP_PREFIX}*"))


# 5. --rapport never overwrites a file that is not a report of ours.

def _existing_files(tmp_path: Path) -> dict[str, Path]:
    uit = tmp_path / "uit"
    book = students(tmp_path / "export.xlsx")
    assert genereer(book, uit).exit_code == 0
    (tmp_path / "notities.txt").write_text("eigen notities", encoding="utf-8")
    (tmp_path / "begroting.xlsx").write_bytes((uit / JAAR / "overzicht.xlsx").read_bytes())
    return {"de export": book, "een OPP": uit / JAAR / "1A/OPP_1.docx",
            "het overzicht": uit / JAAR / "overzicht.xlsx", "een tekstbestand": tmp_path / "notities.txt",
            "een andere werkmap": tmp_path / "begroting.xlsx", "het manifest": uit / JAAR / MANIFEST}


@pytest.mark.parametrize("what", ["de export", "een OPP", "het overzicht", "een tekstbestand",
                                  "een andere werkmap", "het manifest"])
def test_rapport_over_a_file_that_is_not_our_report_is_refused_before_anything_is_written(tmp_path, what):
    target = _existing_files(tmp_path)[what]
    before = target.read_bytes()
    book = tmp_path / "export.xlsx"
    fresh = tmp_path / "nieuw"
    result = genereer(book, fresh, "--rapport", str(target))
    assert result.exit_code == 73, result.output
    assert "geen controlerapport van opp" in result.output and "--rapport" in result.output
    assert target.read_bytes() == before
    assert not fresh.exists()  # nothing else was written either

    check = genereer(book, fresh, "--rapport", str(target), command="controleer")
    assert check.exit_code == 73 and target.read_bytes() == before


def test_rapport_may_replace_a_report_of_ours_but_not_take_a_name_of_the_run(tmp_path):
    uit, book = tmp_path / "uit", students(tmp_path / "export.xlsx")
    report = tmp_path / "rapporten" / "controle.xlsx"
    assert genereer(book, uit, "--rapport", str(report)).exit_code == 0
    for command in ("genereer", "controleer"):  # our own report: replaced (a new file, atomically)
        first = os.stat(report).st_ino
        assert genereer(book, uit, "--rapport", str(report), command=command).exit_code == 0
        assert os.stat(report).st_ino != first and zipfile.ZipFile(report).testzip() is None

    fresh = tmp_path / "nieuw"
    taken = genereer(book, fresh, "--rapport", str(fresh / JAAR / "overzicht.xlsx"))
    assert taken.exit_code == 73 and "valt samen met" in taken.output
    assert not fresh.exists()


# 6. Nothing under the output folder is written or read through a symbolic link.

def test_a_journal_that_is_a_link_is_refused_and_the_file_elsewhere_untouched(tmp_path):
    uit, book = tmp_path / "uit", students(tmp_path / "in.xlsx")
    elsewhere = tmp_path / "elders.txt"
    elsewhere.write_text("niet van opp\n", encoding="utf-8")
    (uit / JAAR).mkdir(parents=True)
    symlink(uit / JAAR / JOURNAL, elsewhere)
    result = genereer(book, uit)
    assert result.exit_code == 73, result.output
    assert "snelkoppeling" in result.output and JOURNAL in result.output
    assert elsewhere.read_text(encoding="utf-8") == "niet van opp\n"
    assert opps(uit) == {}


@pytest.mark.parametrize("name", [".opp-run.lock", MANIFEST, "overzicht.xlsx"])
def test_a_file_of_the_tool_that_is_a_link_is_refused_and_nothing_is_made_elsewhere(tmp_path, name):
    uit, book = tmp_path / "uit", students(tmp_path / "in.xlsx")
    (uit / JAAR).mkdir(parents=True)
    elsewhere = tmp_path / "elders" / name
    elsewhere.parent.mkdir()
    symlink(uit / JAAR / name, elsewhere)
    result = genereer(book, uit)
    assert result.exit_code == 73, result.output
    assert "snelkoppeling" in result.output
    assert list(elsewhere.parent.iterdir()) == []
    assert opps(uit) == {}


def test_an_opp_that_is_a_link_is_skipped_and_its_target_never_copied(tmp_path):
    uit = tmp_path / "uit"
    assert genereer(students(tmp_path / "in.xlsx"), uit).exit_code == 0
    secret = tmp_path / "geheim.docx"
    secret.write_bytes(b"geheime inhoud")
    (uit / JAAR / "1A/OPP_1.docx").unlink()
    symlink(uit / JAAR / "1A/OPP_1.docx", secret)

    result = genereer(students(tmp_path / "in2.xlsx", doel="Leest groep 6-niveau"), uit, "--overschrijf")
    assert result.exit_code == 75, result.output
    assert "OPP_1.docx: overgeslagen" in result.output and "snelkoppeling" in result.output
    assert secret.read_bytes() == b"geheime inhoud"
    assert all(b"geheime inhoud" not in data for data in opps(uit).values())
    assert not (uit / JAAR / "1A/OPP_1 (vorige).docx").exists()
    assert (uit / JAAR / "1A/OPP_1.docx").is_symlink()
    assert "2 bijgewerkt" in result.output  # the others go on


def test_a_class_folder_that_is_a_link_is_skipped_and_nothing_is_written_elsewhere(tmp_path):
    uit = tmp_path / "uit"
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    (uit / JAAR).mkdir(parents=True)
    symlink(uit / JAAR / "1A", elsewhere)
    book = students(tmp_path / "in.xlsx", leerling("1", "Anna", "Smit"),
                    leerling("2", "Bram", "Jansen", klas="2B"))
    result = genereer(book, uit)
    assert result.exit_code == 75, result.output
    assert "1A" in result.output and "snelkoppeling" in result.output
    assert list(elsewhere.iterdir()) == []
    assert sorted(opps(uit)) == [f"{JAAR}/2B/OPP_2.docx"]


def test_a_school_year_folder_that_is_a_link_is_refused(tmp_path):
    uit, book = tmp_path / "uit", students(tmp_path / "in.xlsx")
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    uit.mkdir()
    symlink(uit / JAAR, elsewhere)
    result = genereer(book, uit)
    assert result.exit_code == 73, result.output
    assert "snelkoppeling" in result.output
    assert list(elsewhere.iterdir()) == []


# 7. File and folder names never collide, never hide characters, never take one of our own names.

def test_student_numbers_that_safe_name_makes_alike_get_their_own_stable_files(tmp_path):
    uit = tmp_path / "uit"
    rows = [leerling("12-345", "Anna", "Smit"), leerling("12/345", "Bram", "Jansen"),
            leerling("12:345", "Cas", "Bos"), leerling("12345.", "Dirk", "Vos"),
            leerling("12345", "Eva", "Mol")]
    result = genereer(students(tmp_path / "in.xlsx", *rows), uit)
    assert result.exit_code == 0, result.output
    names = sorted(opps(uit))
    assert len(names) == 5 and len({n.casefold() for n in names}) == 5
    assert f"{JAAR}/1A/OPP_12-345.docx" in names and f"{JAAR}/1A/OPP_12345.docx" in names
    # the warning names both students' rows
    assert "net als dat van leerling 12-345 (rij 2)" in result.output
    assert "net als dat van leerling 12345 (rij 6)" in result.output

    reversed_book = students(tmp_path / "omgekeerd.xlsx", *reversed(rows))
    again = genereer(reversed_book, uit)
    assert again.exit_code == 0, again.output
    assert sorted(opps(uit)) == names and "5 ongewijzigd" in again.output  # the same names, in any order


def test_bidi_and_other_invisible_characters_never_reach_a_file_or_folder_name(tmp_path):
    uit = tmp_path / "uit"
    rows = [leerling("1\u202excod.exe", "Anna", "Smit", klas="1A\u200b"),
            leerling("2\u2066\u00ad", "Bram", "Jansen"), leerling("3\x7f", "Cas", "Bos", klas="\u202e2B")]
    result = genereer(students(tmp_path / "in.xlsx", *rows), uit, "--namen-in-bestandsnaam")
    assert result.exit_code == 0, result.output
    paths = [p.relative_to(uit).as_posix() for p in uit.rglob("*")]
    assert len(opps(uit)) == 3
    for path in paths:
        assert not any(unicodedata.category(c).startswith("C") for c in path), ascii(path)
    assert "\\u202e" in result.output and "\u202e" not in result.output  # shown, not obeyed


@pytest.mark.parametrize("klas", ["overzicht.xlsx", f"controle-{JAAR}.xlsx", "Overzicht.XLSX", MANIFEST,
                                  ".opp-manifest.journaal", ".opp-run.lock"])
def test_a_class_named_like_a_file_of_the_tool_gets_its_own_folder(tmp_path, klas):
    uit = tmp_path / "uit"
    rows = [leerling("1", "Anna", "Smit", klas=klas), leerling("2", "Bram", "Jansen")]
    result = genereer(students(tmp_path / "in.xlsx", *rows), uit)
    assert result.exit_code == 0, result.output
    base = uit / JAAR
    assert len(opps(uit)) == 2
    for own in ("overzicht.xlsx", f"controle-{JAAR}.xlsx", MANIFEST):
        assert (base / own).is_file(), own
    assert zipfile.ZipFile(base / "overzicht.xlsx").testzip() is None
    again = genereer(students(tmp_path / "in.xlsx", *rows), uit)
    assert again.exit_code == 0 and "2 ongewijzigd" in again.output, again.output


def test_the_template_is_never_overwritten_by_a_report(tmp_path):
    """The shipped template as --rapport: an existing .docx that is no report of ours."""
    copy = tmp_path / "sjabloon.docx"
    copy.write_bytes(TEMPLATE.read_bytes())
    result = genereer(students(tmp_path / "in.xlsx"), tmp_path / "uit", "--rapport", str(copy))
    assert result.exit_code == 73 and copy.read_bytes() == TEMPLATE.read_bytes()
