"""The spine end to end, through the real CLI: export in, one OPP per student out."""

from __future__ import annotations

import subprocess
import zipfile
from datetime import date

import docx
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main

from .conftest import (
    EXAMPLE,
    LEERLING_KOPPEN,
    TEMPLATE,
    docx_text,
    leerling,
    make_workbook,
    vereist_programma,
)


def _run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_example_export_gives_one_opp_per_student_with_only_their_own_data(tmp_path):
    result = _run(["genereer", str(EXAMPLE), "--uitvoer", str(tmp_path), "--schooljaar", "2026-2027"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(EXAMPLE, read_only=True)
    students = [r for r in wb["Leerlingen"].iter_rows(min_row=2, values_only=True) if r[0]]
    goals = [r for r in wb["Doelen"].iter_rows(min_row=2, values_only=True) if r[0]]
    files = sorted((tmp_path / "2026-2027").rglob("*.docx"))
    assert len(files) == len(students) >= 40
    assert f"{len(students)} OPP's geschreven" in result.output
    for nr, roepnaam, _tv, achternaam, _, klas, *_ in students:
        path = tmp_path / "2026-2027" / klas / f"OPP_{nr}.docx"
        text = docx_text(path)
        assert roepnaam in text and achternaam in text and klas in text
        own = [g[2] for g in goals if g[0] == nr]
        assert own and all(goal in text for goal in own)
        others = {s[3] for s in students if s[0] != nr and s[3] not in achternaam
                  and achternaam not in s[3]}
        assert not any(other in text for other in others)
        docx.Document(str(path))  # python-docx opens it


def test_special_characters_and_template_syntax_in_cells_come_out_literally(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN,
                       leerling("1", 'Jan "JJ" & <Co>', "O'Brien & Zn <b>"),
                       leerling("2", "{{ 7*7 }}", "{% for x in y %}")],
        "Doelen": [["Stamnummer", "Doel"], ["1", "Rekent 3 < 4 & 5 > 2"], ["2", "{{ leerling.naam }}"]],
    })
    result = _run(["genereer", str(book), "--uitvoer", str(tmp_path / "uit"), "--schooljaar", "2026-2027"])
    assert result.exit_code == 0, result.output
    one = tmp_path / "uit/2026-2027/1A/OPP_1.docx"
    two = tmp_path / "uit/2026-2027/1A/OPP_2.docx"
    assert 'Jan "JJ" & <Co>' in docx_text(one)
    assert "O'Brien & Zn <b>" in docx_text(one)
    assert "Rekent 3 < 4 & 5 > 2" in docx_text(one)
    assert 'Jan "JJ" & <Co> O\'Brien & Zn <b>' in docx_text(one, "word/header1.xml")
    assert "{{ 7*7 }}" in docx_text(two) and "49" not in docx_text(two)
    assert "{% for x in y %}" in docx_text(two)
    assert "{{ leerling.naam }}" in docx_text(two)


def test_bad_row_skips_that_student_only_and_exit_code_says_so(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [
        LEERLING_KOPPEN, leerling("1", "Goed", "Leerling"),
        ["2", "", "", "", "14-03-2013", "1A", "x", date(2026, 8, 24)]]})  # no name: for whom?
    result = _run(["genereer", str(book), "--uitvoer", str(tmp_path / "uit"), "--schooljaar", "2026-2027"])
    assert result.exit_code == 65
    assert "blad 'Leerlingen', rij 3: geen naam" in result.output
    assert "1 OPP's geschreven" in result.output and "1 leerling overgeslagen" in result.output
    assert [p.name for p in (tmp_path / "uit").rglob("*.docx")] == ["OPP_1.docx"]


def test_no_template_residue_in_any_part(tmp_path):
    _run(["genereer", str(EXAMPLE), "--uitvoer", str(tmp_path), "--schooljaar", "2026-2027"])
    path = next((tmp_path / "2026-2027").rglob("*.docx"))
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".xml"):
                data = zf.read(name).decode("utf-8")
                assert "{{" not in data and "{%" not in data and "{#" not in data, name


def test_file_names_never_hold_more_than_the_student_number_by_default(tmp_path):
    _run(["genereer", str(EXAMPLE), "--uitvoer", str(tmp_path), "--schooljaar", "2026-2027"])
    for path in (tmp_path / "2026-2027").rglob("*.docx"):
        assert path.name.startswith("OPP_") and path.stem[4:].isdigit()


def test_template_is_the_default(tmp_path, monkeypatch):
    monkeypatch.chdir(TEMPLATE.parents[1])
    result = _run(["genereer", str(EXAMPLE), "--uitvoer", str(tmp_path), "--schooljaar", "2026-2027"])
    assert result.exit_code == 0, result.output


def test_every_example_opp_converts_in_libreoffice(tmp_path):
    vereist_programma("soffice", "pdftotext")
    result = _run(["genereer", str(EXAMPLE), "--uitvoer", str(tmp_path / "uit"), "--schooljaar", "2026-2027"])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "uit").rglob("OPP_*.docx"))
    pdf_dir = tmp_path / "pdf"
    profile = (tmp_path / "lo-profiel").as_uri()  # own profile: no clash with another soffice
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(pdf_dir), *map(str, files)], check=True, capture_output=True, timeout=900)
    pdfs = {p.stem: p for p in pdf_dir.glob("*.pdf")}
    assert sorted(pdfs) == sorted(f.stem for f in files)
    for stem, pdf in pdfs.items():
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        assert stem.removeprefix("OPP_") in text  # the student's number, in the page header
