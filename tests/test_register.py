"""The register overzicht.xlsx: one row per OPP, deadlines marked, DUO sheet, no formulas, in step."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from generator.cli import main
from generator.rules import opp_rules
from generator.write import register

from .conftest import LEERLING_KOPPEN, docx_text, leerling, make_workbook

VANDAAG = date.today()  # the CLI judges deadlines against today
HEADERS = LEERLING_KOPPEN + ["Datum vaststelling", "Startdatum OPP", "Einddatum OPP", "Aanleiding OPP"]


def _run(book: Path, uit: Path):
    return CliRunner().invoke(main, ["genereer", str(book), "--uitvoer", str(uit), "--schooljaar",
                                     "2026-2027", "--werkers", "1"], catch_exceptions=False)


def _write_row(nr, roepnaam, achternaam, klas, inschrijving, vastgesteld=None, start=None, eind=None,
               mentor="mw. Test", aanleiding=""):
    return leerling(nr, roepnaam, achternaam, klas, mentor=mentor, inschrijving=inschrijving) + [
        vastgesteld, start, eind, aanleiding]


def _export(tmp_path: Path, *rows) -> Path:
    return make_workbook(tmp_path / "export.xlsx", {
        "Leerlingen": [HEADERS, *rows],
        "Documenten": [["Stamnummer", "Soort", "Titel", "Datum", "Vindplaats"],
                       ["1", "IOP", "IOP lezen", date(2026, 6, 1), "https://lvs.example.nl/iop/1"],
                       ["1", "Verslag", "Verslag", date(2026, 6, 2), "javascript:alert(1)"]],
    })


def _sheet(path: Path, name: str) -> list[dict]:
    ws = load_workbook(path)[name]
    rows = list(ws.iter_rows())
    head = [c.value for c in rows[0]]
    return [{h: c for h, c in zip(head, row, strict=True)} for row in rows[1:]]


def _standard(tmp_path: Path) -> Path:
    return _export(
        tmp_path,
        _write_row("1", "Late", "Leerling", "1A", VANDAAG - timedelta(days=50),
                   aanleiding="Dreigende afstroom"),
        _write_row("2", "Bijna", "Leerling", "1B", VANDAAG - timedelta(days=35), mentor="-de Boer"),
        _write_row("3", "Ruim", "Leerling", "2A", VANDAAG, mentor="@mentor"),
        _write_row("4", "Klaar", "Leerling", "2A", VANDAAG - timedelta(days=50),
                   vastgesteld=VANDAAG - timedelta(days=9), start=date(2026, 9, 1), eind=date(2027, 7, 31),
                   mentor="+31 6 1234"))


def test_register_has_one_row_per_generated_opp_with_its_link_and_dates(tmp_path):
    uit = tmp_path / "uit"
    result = _run(_standard(tmp_path), uit)
    assert result.exit_code == 0, result.output
    base = uit / "2026-2027"
    rows = {r["Leerlingnummer"].value: r for r in _sheet(base / "overzicht.xlsx", "OPP's")}
    files = sorted(p.relative_to(base).as_posix() for p in base.rglob("OPP_*.docx"))
    assert sorted(r["OPP"].value for r in rows.values()) == files
    for nr, row in rows.items():
        target = base / unquote(row["OPP"].hyperlink.target)
        assert target.is_file() and target.name == f"OPP_{nr}.docx"
        assert f"{row['Naam'].value}" in docx_text(target, "word/header1.xml") or \
            row["Naam"].value in docx_text(target)
        assert row["Status"].value == "nieuw"
    late = rows["1"]
    assert late["Naam"].value == "Late Leerling" and late["Klas"].value == "1A"
    assert late["Aanleiding"].value == "Dreigende afstroom" and late["Soort OPP"].value == "Intake-OPP"
    assert late["Start zes weken"].value.date() == VANDAAG - timedelta(days=50)
    assert late["Uiterste vaststelling"].value.date() == VANDAAG - timedelta(days=8)
    assert late["Volgende evaluatie"].value.date() == _een_jaar_min_dag(VANDAAG - timedelta(days=8))
    assert late["Gekoppelde documenten"].value == 1 and late["Waarschuwingen"].value == 1  # javascript:
    assert late["Uiterste vaststelling"].number_format == "DD-MM-YYYY"
    assert f"overzicht met termijnen in {base / 'overzicht.xlsx'}" in result.output


def _een_jaar_min_dag(d: date) -> date:
    try:
        return d.replace(year=d.year + 1) - timedelta(days=1)
    except ValueError:
        return d.replace(year=d.year + 1, day=28) - timedelta(days=1)


def test_deadlines_are_marked_in_colour_and_text(tmp_path):
    uit = tmp_path / "uit"
    _run(_standard(tmp_path), uit)
    rows = {r["Leerlingnummer"].value: r for r in _sheet(uit / "2026-2027/overzicht.xlsx", "OPP's")}
    assert rows["1"]["Termijn"].value == "verlopen"
    assert rows["2"]["Termijn"].value == "binnen 2 weken"
    assert rows["3"]["Termijn"].value is None and rows["4"]["Termijn"].value is None  # set in time
    colour = {nr: r["Uiterste vaststelling"].fill.fgColor.rgb for nr, r in rows.items()}
    assert colour["1"].endswith("FFC7CE") and colour["2"].endswith("FFEB9C")
    assert not colour["3"].endswith(("FFC7CE", "FFEB9C")) and not colour["4"].endswith(("FFC7CE", "FFEB9C"))


def test_header_frozen_filtered_and_duo_sheet(tmp_path):
    uit = tmp_path / "uit"
    _run(_standard(tmp_path), uit)
    wb = load_workbook(uit / "2026-2027/overzicht.xlsx")
    assert wb.sheetnames == ["OPP's", "DUO"]
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    duo = {r["Leerlingnummer"].value: r for r in _sheet(uit / "2026-2027/overzicht.xlsx", "DUO")}
    assert list(next(iter(duo.values()))) == ["Leerlingnummer", "Naam", "Startdatum OPP", "Einddatum OPP"]
    assert duo["4"]["Startdatum OPP"].value == datetime(2026, 9, 1)
    assert duo["4"]["Einddatum OPP"].value == datetime(2027, 7, 31)
    assert duo["4"]["Startdatum OPP"].number_format == "DD-MM-YYYY"
    assert set(duo) == {"1", "2", "3", "4"}


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    uit = tmp_path / "uit"
    _run(_standard(tmp_path), uit)
    path = uit / "2026-2027/overzicht.xlsx"
    rows = {r["Leerlingnummer"].value: r for r in _sheet(path, "OPP's")}
    for nr, text in (("2", "-de Boer"), ("3", "@mentor"), ("4", "+31 6 1234")):
        cell = rows[nr]["Mentor"]
        assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(path) as zf:
        assert all(b"<f>" not in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))


def test_equals_sign_and_control_characters_never_become_a_formula(tmp_path):
    row = register.RegisterRow("=1+1", naam='=HYPERLINK("https://x.example/?"&A1,"klik")', klas="\t=2",
                               mentor="a\x01b", file="1A/OPP_1.docx")
    path = register.write(tmp_path, [row], date(2026, 10, 1))
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    row = _sheet(path, "OPP's")[0]
    assert row["Naam"].value.startswith("=HYPERLINK") and row["Naam"].quotePrefix
    assert row["Leerlingnummer"].value == "=1+1" and row["Klas"].quotePrefix
    assert row["Mentor"].value == "a\ufffdb"


def test_rerun_keeps_the_register_in_step_with_the_files(tmp_path):
    uit = tmp_path / "uit"
    base = uit / "2026-2027"
    _run(_standard(tmp_path), uit)
    # second run: student 3 left the export, student 2's file was deleted by hand
    (base / "1B/OPP_2.docx").unlink()
    book = _export(tmp_path, _write_row("1", "Late", "Leerling", "1A", VANDAAG - timedelta(days=50),
                                        aanleiding="Dreigende afstroom"),
                   _write_row("4", "Klaar", "Leerling", "2A", VANDAAG - timedelta(days=50),
                              vastgesteld=VANDAAG - timedelta(days=9), start=date(2026, 9, 1),
                              eind=date(2027, 8, 31), mentor="+31 6 1234"))  # 4's data changed
    result = _run(book, uit)
    assert result.exit_code == 0, result.output
    rows = {r["Leerlingnummer"].value: r for r in _sheet(base / "overzicht.xlsx", "OPP's")}
    assert set(rows) == {"1", "3", "4"}  # 2: file gone; 3: file still there, kept from the last register
    assert rows["3"]["Status"].value == register.NOT_IN_RUN
    assert rows["3"]["Naam"].value == "Ruim Leerling" and rows["3"]["Mentor"].value == "@mentor"
    assert rows["3"]["Uiterste vaststelling"].value.date() == VANDAAG + timedelta(days=42)
    assert rows["1"]["Status"].value == "ongewijzigd"
    assert rows["4"]["Status"].value != "nieuw" and rows["4"]["Einddatum OPP"].value == datetime(2027, 8, 31)
    files = sorted(p.relative_to(base).as_posix() for p in base.rglob("OPP_*.docx") if "(" not in p.name)
    assert sorted(r["OPP"].value for r in rows.values()) == files  # side copies ('(vorige)') get no row


def test_an_opp_file_without_a_previous_register_gets_a_row_from_its_name(tmp_path):
    (tmp_path / "3K").mkdir()
    (tmp_path / "3K/OPP_020999.docx").write_bytes(b"ouder bestand")
    (tmp_path / "3K/~$P_020999.docx").write_bytes(b"Word lock file")
    (tmp_path / "3K/eigen aantekeningen.docx").write_bytes(b"not an OPP of ours")
    path = register.write(tmp_path, [], date(2026, 10, 1))
    rows = _sheet(path, "OPP's")
    assert [(r["Leerlingnummer"].value, r["Klas"].value, r["OPP"].value) for r in rows] == \
        [("020999", "3K", "3K/OPP_020999.docx")]


def test_a_register_that_cannot_be_written_costs_no_opp(tmp_path):
    uit = tmp_path / "uit"
    (uit / "2026-2027/overzicht.xlsx").mkdir(parents=True)  # in the way, like a file open in Excel
    result = _run(_standard(tmp_path), uit)
    assert result.exit_code == 0, result.output
    assert len(list((uit / "2026-2027").rglob("OPP_*.docx"))) == 4
    assert "overzicht.xlsx" in result.output and "het overzicht is niet bijgewerkt" in result.output


def test_an_overdue_evaluation_of_a_set_plan_is_marked(tmp_path):
    row = register.RegisterRow("5", vastgesteld=date(2025, 9, 1), uiterste_vaststelling=date(2025, 9, 15),
                               volgende_evaluatie=date(2026, 8, 31), file="1A/OPP_5.docx")
    row = _sheet(register.write(tmp_path, [row], date(2026, 10, 1)), "OPP's")[0]
    assert row["Termijn"].value == "evaluatie verlopen"
    assert row["Volgende evaluatie"].fill.fgColor.rgb.endswith("FFC7CE")


@pytest.fixture(params=["in_memory", "constant_memory"])
def modus(request, monkeypatch):
    """Both ways XlsxWriter builds the workbook: in memory (small registers) and streamed row by row
    through a temporary file (large ones, from `_IN_MEMORY_UP_TO` rows on)."""
    if request.param == "constant_memory":
        monkeypatch.setattr(register, "_IN_MEMORY_UP_TO", 0)
    return request.param


def _rijen_van_elke_soort() -> list[register.RegisterRow]:
    return [
        register.RegisterRow("020273", "Bram van den Berg", "2A", "@mentor", "Intake-OPP", "Afstroom; gedrag",
                             date(2026, 8, 24), date(2026, 10, 5), None, "", date(2027, 10, 4), None, None,
                             "wordt 18 tijdens het plan", "nieuw", 2, 1, "2A/OPP_020273.docx"),
        register.RegisterRow("=1+1", naam="_x0041_ en -min", klas="\t=2", mentor="  spaties  ",
                             status="ongewijzigd", vastgesteld=date(2025, 9, 1),
                             uiterste_vaststelling=date(2025, 9, 15), volgende_evaluatie=date(2027, 8, 31),
                             startdatum_opp=date(2025, 9, 1), einddatum_opp=date(2026, 7, 31),
                             file="1A/OPP_1 é ü#%.docx"),
    ]


def test_the_previous_register_reads_back_as_written(tmp_path, modus):
    rows = _rijen_van_elke_soort()
    for row in rows:
        (tmp_path / row.file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / row.file).write_bytes(b"")
    today = date(2026, 10, 1)
    path = register.write(tmp_path, rows, today)
    terug = register._previous_rows(path)
    verwacht = {r.file: replace(r, termijn=opp_rules.termijn(r.uiterste_vaststelling, r.vastgesteld, today,
                                                             r.volgende_evaluatie)) for r in rows}
    assert terug == verwacht
    # a second run without these students keeps their rows from this register, text unchanged
    register.write(tmp_path, [], today)
    assert {b: replace(r, status="") for b, r in register._previous_rows(path).items()} == \
        {b: replace(r, status="") for b, r in verwacht.items()}
    assert {r.status for r in register._previous_rows(path).values()} == {register.NOT_IN_RUN}


def test_both_ways_of_writing_give_the_same_register(tmp_path, modus):
    rows = _rijen_van_elke_soort()
    path = register.write(tmp_path, rows, date(2026, 10, 1))
    wb = load_workbook(path)
    assert wb.sheetnames == ["OPP's", "DUO"]
    ws = wb["OPP's"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:R3"
    assert [ws.column_dimensions[c].width for c in "AGR"] == [16, 17, 12]
    rows = {r["Leerlingnummer"].value: r for r in _sheet(path, "OPP's")}
    bram, formula = rows["020273"], rows["=1+1"]
    assert bram["Uiterste vaststelling"].value == datetime(2026, 10, 5)
    assert bram["Uiterste vaststelling"].number_format == "DD-MM-YYYY"
    assert bram["Gekoppelde documenten"].value == 2 and bram["Gekoppelde documenten"].data_type == "n"
    assert bram["Termijn"].value == "binnen 2 weken"
    assert bram["Vastgesteld op"].fill.fgColor.rgb.endswith("FFEB9C")  # empty cells are coloured too
    assert unquote(formula["OPP"].hyperlink.target) == "1A/OPP_1 é ü#%.docx"
    assert formula["OPP"].value == "1A/OPP_1 é ü#%.docx"
    assert formula["Klas"].value == "\t=2" and formula["Klas"].quotePrefix
    assert formula["Termijn"].value is None and formula["Naam"].fill.fill_type is None
    with zipfile.ZipFile(path) as zf:
        assert all(b"<f>" not in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))


def test_a_register_saved_by_excel_or_an_older_version_is_read(tmp_path):
    """Excel stores a number typed into a text column as a number, and every number as a float."""
    wb = Workbook()
    ws = wb.active
    ws.title = "OPP's"
    ws.append(["Leerlingnummer", "Naam", "Eigen kolom", "Uiterste vaststelling", "Gekoppelde documenten",
               "Klas", "OPP", "Vastgesteld op"])
    ws.append([20273, "Bram", "notitie", datetime(2026, 10, 5), 2.0, 2, "2A/OPP_020273.docx", "onbekend"])
    ws["D2"].number_format = "DD-MM-YYYY"
    ws.append([None, "zonder nummer", None, None, None, None, "2A/OPP_x.docx"])
    wb.save(tmp_path / register.FILE_NAME)
    assert register._previous_rows(tmp_path / register.FILE_NAME) == {
        "2A/OPP_020273.docx": register.RegisterRow(
            "20273", "Bram", "2", uiterste_vaststelling=date(2026, 10, 5), documenten=2,
            file="2A/OPP_020273.docx")}


def test_an_unreadable_previous_register_is_rebuilt_from_the_files(tmp_path, caplog):
    (tmp_path / "3K").mkdir()
    (tmp_path / "3K/OPP_020999.docx").write_bytes(b"")
    (tmp_path / register.FILE_NAME).write_bytes(b"geen xlsx")
    rows = _sheet(register.write(tmp_path, [], date(2026, 10, 1)), "OPP's")
    assert [(r["Leerlingnummer"].value, r["Status"].value) for r in rows] == \
        [("020999", register.NOT_IN_RUN)]
    assert "vorig overzicht niet leesbaar" in caplog.text


def test_the_previous_register_is_read_only_when_a_file_has_no_row(tmp_path, monkeypatch):
    """A re-run on the same export lists every file already: reading the old register is skipped."""
    row = register.RegisterRow("5", file="1A/OPP_5.docx")
    (tmp_path / "1A").mkdir()
    (tmp_path / "1A/OPP_5.docx").write_bytes(b"")
    register.write(tmp_path, [row], date(2026, 10, 1))
    read_result = []
    monkeypatch.setattr(register, "_previous_rows", lambda path: read_result.append(path) or {})
    register.write(tmp_path, [row], date(2026, 10, 1))
    assert read_result == []
    register.write(tmp_path, [], date(2026, 10, 1))
    assert read_result == [tmp_path / register.FILE_NAME]


def test_cleaned_text_from_the_export_is_written(tmp_path):
    """The reader marks text it had to clean with a str subclass (convert.Opgeschoond)."""
    from generator.read.convert import Cleaned
    row = register.RegisterRow("7", naam=Cleaned("Aisha El Idrissi"), mentor=Cleaned("=mw. X\x01"),
                               file="1A/OPP_7.docx")
    row = _sheet(register.write(tmp_path, [row], date(2026, 10, 1)), "OPP's")[0]
    assert row["Naam"].value == "Aisha El Idrissi"
    assert row["Mentor"].value == "=mw. X\ufffd" and row["Mentor"].quotePrefix
