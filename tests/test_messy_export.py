"""A messy export written the way invoer.md's pitfalls describe: one CLI run gives every good student's
OPP and a report naming every defect, without a traceback. Also `opp controleer` and its exit codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from generator.cli import main

from .conftest import LEERLING_KOPPEN, docx_text, leerling, make_workbook

HEADERS = ["Stamnr\u00a0", " Roepnaam", "Tussenv.", "ACHTERNAAM ", "Geb. datum", "Klas", "BSN", "Ouder1",
           "E-mail ouder 1", "Naam ouder/verzorger 2", "Telefoon verzorger 2", "Ondersteuningsbehoefte"]


def _messy(path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    old = wb.create_sheet("Leerlingen 2025")  # a stale copy, hidden, and first
    old.append(HEADERS)
    old.append(["666", "Oud", "", "Blad", "01-01-2012", "2C"])
    old.sheet_state = "hidden"
    ws = wb.create_sheet("Export")
    ws.append(["Leerlingenoverzicht Het Lyceum"])
    ws.append(["Peildatum", "01-09-2026"])
    ws.append([])
    ws.append(HEADERS)
    rows = [
        [4512, "Aisha", "", "El Idrissi", "14-03-2013", "1B", "123456782", "M. El Idrissi", "m@example.nl",
         "K. El Idrissi", 612345678, "Rust_x000B_Structuur"],  # row 5: lost zeros (format 000000), text date
        ["020273", "Bram", "van der", "Berg", "2-11-12", "2A", None, "P. Berg", "p.berg(at)example", None,
         None, "Gesprek\x01gepland"],  # row 6: bad e-mail, control character
        ["7", "Dubbel", "", "Een", "01-01-2013", "1A"],  # row 7: duplicate of row 8
        ["007", "Dubbel", "", "Twee", "2013-01-01", "1A"],  # row 8
        ["31", "Fout", "", "Datum", "31-02-2013", "1A"],  # row 9: impossible date
        ["40", "Cem", "", "Yilmaz", date(2013, 5, 6), "1A"],  # row 10: clean
    ]
    for row in rows:
        ws.append([c.replace("\x01", "_x0001_") if isinstance(c, str) else c for c in row])
    ws["A5"].number_format = "000000"
    ws["A1048576"].number_format = "0.00"  # a formatted cell at the very last row
    goals = wb.create_sheet("Doelen")
    goals.append(["Stamnr", "Doel", "Startdatum", "Streefdatum"])
    goals.append(["004512", "Plant huiswerk", "01-09-2026", "01-02-2027"])
    goals.append(["999", "Wees", "01-09-2026", "01-02-2027"])  # row 3: orphan
    goals.append(["40", "Vraagt hulp", "01-10-2026", "01-09-2026"])  # row 4: end before start
    wb.save(path)
    return path


def _run(*args):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def _report(path: Path) -> list[tuple]:
    ws = load_workbook(path)["Controle"]
    return [r for r in ws.iter_rows(min_row=2, values_only=True)]


def test_messy_export_gives_good_documents_and_names_every_defect(tmp_path):
    book = _messy(tmp_path / "export.xlsx")
    result = _run("genereer", book, "--uitvoer", tmp_path / "uit", "--schooljaar", "2026-2027",
                  "--werkers", "1")
    assert result.exit_code == 65
    assert "Traceback" not in result.output
    files = sorted(p.relative_to(tmp_path / "uit").as_posix() for p in (tmp_path / "uit").rglob("*.docx"))
    assert files == ["2026-2027/1A/OPP_31.docx", "2026-2027/1A/OPP_40.docx", "2026-2027/1B/OPP_004512.docx",
                     "2026-2027/2A/OPP_020273.docx"]  # an impossible date is an open field, not a refusal
    aisha = docx_text(tmp_path / "uit/2026-2027/1B/OPP_004512.docx")
    assert "14 maart 2013" in aisha and "004512" in aisha and "Plant huiswerk" in aisha
    assert "M. El Idrissi" in aisha and "K. El Idrissi" in aisha and "0612345678" in aisha
    assert "Rust\nStructuur" in aisha and "123456782" not in aisha
    bram = docx_text(tmp_path / "uit/2026-2027/2A/OPP_020273.docx")
    assert "2 november 2012" in bram and "Gesprek gepland" in bram and "p.berg(at)example" not in bram

    rows = _report(tmp_path / "uit/2026-2027/controle-2026-2027.xlsx")
    found = {(r[0] or "", r[1], r[3], r[4], r[5]) for r in rows}
    assert {
        ("", "info", "Leerlingen 2025", None, None),  # hidden sheet skipped
        ("", "info", "Export", 4, None),  # header below title rows
        ("", "info", "Export", 4, "G"),  # BSN column can go
        ("004512", "waarschuwing", "Export", 5, "K"),  # phone lost its zero
        ("004512", "waarschuwing", "Export", 5, "L"),  # control character
        ("020273", "waarschuwing", "Export", 6, "I"),  # bad e-mail
        ("020273", "waarschuwing", "Export", 6, "L"),  # control character
        ("7", "fout", "Export", 7, "A"),  # duplicate number, both rows
        ("007", "fout", "Export", 8, "A"),
        ("31", "waarschuwing", "Export", 9, "E"),  # impossible date: left open
        ("999", "waarschuwing", "Doelen", 3, "A"),  # orphan goal
        ("40", "waarschuwing", "Doelen", 4, "D"),  # end before start: left open
        ("004512", "waarschuwing", "Export", 5, None),  # no gezag column: each parent's gezag unknown
        ("020273", "waarschuwing", "Export", 6, None),
    } <= found
    gezag = sorted(r[7].split(" is onbekend", 1)[0] for r in rows if "is onbekend" in r[7])
    assert gezag == ["gezag van K. El Idrissi", "gezag van M. El Idrissi", "gezag van P. Berg"]
    # every finding names the export, except the one about the school file that belongs beside it
    school = [r for r in rows if r[2] != "export.xlsx"]
    assert [(r[1], r[2]) for r in school] == [("info", str(tmp_path / "school.toml"))]
    assert "geen schoolbestand gevonden" in school[0][7]
    assert "Leerling 007" not in result.output  # '7' and '007' are one student, grouped once
    assert result.output.index("Leerling 7:") < result.output.index("rij 8, kolom A 'Stamnr'")
    assert ("4 OPP's geschreven" in result.output
            and "2 leerlingen overgeslagen" in result.output)  # rows 7 and 8: one number, twice
    assert "123456782" not in result.output and "Gesprek" not in result.output


def test_strict_generates_nothing_when_anything_is_wrong(tmp_path):
    book = _messy(tmp_path / "export.xlsx")
    result = _run("genereer", book, "--uitvoer", tmp_path / "uit", "--schooljaar", "2026-2027", "--streng",
                  "--werkers", "1")
    assert result.exit_code == 65
    assert not list((tmp_path / "uit").rglob("*.docx"))
    assert "geen OPP's gemaakt: --streng en de export bevat fouten" in result.output
    assert _report(tmp_path / "uit/2026-2027/controle-2026-2027.xlsx")


def test_controleer_exit_codes_and_report(tmp_path):
    clean = make_workbook(tmp_path / "schoon.xlsx",
                          {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")]})
    result = _run("controleer", clean)
    assert result.exit_code == 0, result.output
    assert ("1 rijen met leerlingen: 1 klaar voor een OPP, 0 zonder OPP wegens fouten, 0 zonder "
            "OPP-markering (0 fouten") in result.output

    report = tmp_path / "rapport" / "controle.xlsx"
    result = _run("controleer", _messy(tmp_path / "export.xlsx"), "--rapport", report)
    assert result.exit_code == 65
    assert "info: export.xlsx, blad 'Leerlingen 2025': verborgen blad overgeslagen" in result.output
    assert len(_report(report)) >= 12
    assert not list(tmp_path.rglob("*.docx"))

    (tmp_path / "oud.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = _run("controleer", tmp_path / "oud.xls")
    assert result.exit_code == 66 and "oud .xls-bestand" in result.output
    assert _run("controleer", tmp_path / "bestaat-niet.xlsx").exit_code == 66


def test_controleer_streng_counts_warnings(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")],
        "Ouders": [["Stamnummer", "Naam", "E-mail"], ["1", "M. B", "kapot"]]})
    assert _run("controleer", book).exit_code == 0
    assert _run("controleer", book, "--streng").exit_code == 65


def test_report_cells_are_never_formulas(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [
        LEERLING_KOPPEN + ["@SUM(A1)", "+1", "-1"], leerling("1", "A", "B")]})
    report = tmp_path / "r.xlsx"
    assert _run("controleer", book, "--rapport", report).exit_code == 0
    ws = load_workbook(report)["Controle"]
    # the unused columns, the row count, and that no school.toml lies beside the export
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H4"
    assert "geen schoolbestand gevonden" in ws["H4"].value
    assert [c.value for c in ws[1]] == ["Leerlingnummer", "Ernst", "Bestand", "Blad", "Rij", "Kolom",
                                        "Kolomkop", "Melding"]
    cell = ws["H2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("kolommen niet gebruikt: I '@SUM(A1)', J '+1', K '-1'")
    for c in ws[2]:
        assert c.data_type != "f"


@pytest.mark.parametrize("heading", ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+31", "-1"])
def test_report_quotes_text_that_looks_like_a_formula(tmp_path, heading):
    from generator.domain.findings import Finding, Location, Severity
    from generator.write.report import build_report
    path = tmp_path / "r.xlsx"
    path.write_bytes(build_report([Finding(Severity.INFO, Location("in.xlsx", "Leerlingen", 1, "I", heading),
                                           "x")]))
    cell = load_workbook(path)["Controle"]["G2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (heading, "s", True)


def test_school_mapping_file_through_the_cli(tmp_path):
    mapping = tmp_path / "kolommen.toml"
    mapping.write_text('[kolommen]\n"Lln ID" = "leerling.leerlingnummer"\n"Groepje" = "leerling.klas"\n',
                       encoding="utf-8")
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [
        ["Lln ID", "Roepnaam", "Achternaam", "Geboortedatum", "Groepje"],
        ["12", "A", "B", "01-01-2013", "1C"]]})
    assert _run("controleer", book).exit_code == 65  # without the mapping: no student number column
    result = _run("genereer", book, "--kolommen", mapping, "--uitvoer", tmp_path / "uit", "--schooljaar",
                  "2026-2027", "--werkers", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "uit/2026-2027/1C/OPP_12.docx").is_file()
    (tmp_path / "fout.toml").write_text('[kolommen]\n"X" = "leerling.bestaatniet"\n', encoding="utf-8")
    result = _run("controleer", book, "--kolommen", tmp_path / "fout.toml")
    assert result.exit_code == 66 and "`opp velden` toont de veldnamen" in result.output


def test_export_without_a_students_sheet_is_a_data_error(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {"Doelen": [["Stamnummer", "Doel"], ["1", "Plannen"]]})
    result = _run("genereer", book, "--uitvoer", tmp_path / "uit", "--schooljaar", "2026-2027",
                  "--werkers", "1")
    assert result.exit_code == 65
    assert "geen blad met leerlingen gevonden" in result.output
    assert _run("controleer", book).exit_code == 65
