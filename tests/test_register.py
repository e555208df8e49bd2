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
from generator.domain.records import Factor, Leerling, Ondersteuning, Opp
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
        assert row["Bestand"].value == "nieuw"
    late = rows["1"]
    assert late["Naam"].value == "Late Leerling" and late["Klas"].value == "1A"
    assert late["Aanleiding"].value == "Dreigende afstroom" and late["Soort OPP"].value == "Intake-OPP"
    assert late["Start zes weken"].value.date() == VANDAAG - timedelta(days=50)
    assert late["Uiterste vaststelling"].value.date() == VANDAAG - timedelta(days=8)
    # an intake plan not yet set: its evaluation counts from the vaststelling still to come
    assert late["Volgende evaluatie"].value is None and late["Termijn"].value == "verlopen"
    assert rows["4"]["Volgende evaluatie"].value.date() == _een_jaar_min_dag(VANDAAG - timedelta(days=9))
    assert {nr: row["Status"].value for nr, row in rows.items()} == {
        "1": "concept", "2": "concept", "3": "concept", "4": "vastgesteld"}
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
    assert rows["3"]["Bestand"].value == register.NOT_IN_RUN
    assert rows["3"]["Status"].value == "concept"  # kept from the last register, like its other cells
    assert rows["3"]["Naam"].value == "Ruim Leerling" and rows["3"]["Mentor"].value == "@mentor"
    assert rows["3"]["Uiterste vaststelling"].value.date() == VANDAAG + timedelta(days=42)
    assert rows["1"]["Bestand"].value == "ongewijzigd"
    assert rows["4"]["Bestand"].value != "nieuw" and rows["4"]["Einddatum OPP"].value == datetime(2027, 8, 31)
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
        register.RegisterRow("020273", "Bram van den Berg", "2A", "@mentor", "Intake-OPP", "concept",
                             "Afstroom; gedrag", date(2026, 8, 24), date(2026, 10, 5), None, "",
                             date(2027, 10, 4), "uitstroombestemming; datum hoorrecht", date(2026, 9, 20),
                             date(2026, 9, 30), "M. Berg: stemt in (01-10-2026); K. Berg: open", None,
                             "doel 1: behaald; doel 2: open", None, None,
                             "wordt 18 tijdens het plan", "nieuw", 2, 1, "2A/OPP_020273.docx"),
        register.RegisterRow("=1+1", naam="_x0041_ en -min", klas="\t=2", mentor="  spaties  ",
                             status="vastgesteld", bestand="ongewijzigd", vastgesteld=date(2025, 9, 1),
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
    assert {b: replace(r, bestand="") for b, r in register._previous_rows(path).items()} == \
        {b: replace(r, bestand="") for b, r in verwacht.items()}
    assert {r.bestand for r in register._previous_rows(path).values()} == {register.NOT_IN_RUN}


def test_both_ways_of_writing_give_the_same_register(tmp_path, modus):
    rows = _rijen_van_elke_soort()
    path = register.write(tmp_path, rows, date(2026, 10, 1))
    wb = load_workbook(path)
    assert wb.sheetnames == ["OPP's", "DUO"]
    ws = wb["OPP's"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:Y3"
    # Leerlingnummer: its heading; Naam: 'Bram van den Berg' and a character; Uiterste vaststelling: the
    # heading's longest word beside the filter button; OPP: the longest path
    assert [ws.column_dimensions[c].width for c in "ABIY"] == [17, 18, 15, 20]
    rows = {r["Leerlingnummer"].value: r for r in _sheet(path, "OPP's")}
    bram, formula = rows["020273"], rows["=1+1"]
    assert bram["Uiterste vaststelling"].value == datetime(2026, 10, 5)
    assert bram["Uiterste vaststelling"].number_format == "DD-MM-YYYY"
    assert bram["Gekoppelde documenten"].value == 2 and bram["Gekoppelde documenten"].data_type == "n"
    assert bram["Termijn"].value == "binnen 2 weken"
    assert bram["Termijn"].fill.fgColor.rgb.endswith("FFEB9C")
    assert bram["Uiterste vaststelling"].fill.fgColor.rgb.endswith("FFEB9C")
    assert bram["Vastgesteld op"].fill.fill_type is None and bram["Naam"].fill.fill_type is None
    assert bram["Nog in te vullen"].value == "uitstroombestemming; datum hoorrecht"
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
    assert [(r["Leerlingnummer"].value, r["Bestand"].value, r["Status"].value) for r in rows] == \
        [("020999", register.NOT_IN_RUN, None)]
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


# Issue 17: a register to work from: the plan's status, what is still open, one coloured deadline,
# columns that fit, and a print on A4.

TODAY = date(2026, 10, 1)
LONG_NAME = ("Maria-Christina", "van der", "Heijden-Oudshoorn")


def _opp(nr: str, **leerling) -> Opp:
    return Opp(Leerling(nr, roepnaam=f"Leerling {nr}", klas="1A", **leerling))


def _complete(nr: str) -> Opp:
    """Set this school year, with every item BR-5 asks for."""
    return Opp(Leerling(nr, roepnaam="Klaar", klas="1A", datum_inschrijving=date(2026, 8, 25),
                        datum_vaststelling=date(2026, 9, 20), uitstroombestemming="vmbo-kb",
                        onderbouwing="Past bij de toetsen", geen_afwijkingen=True,
                        datum_hoorrecht=date(2026, 9, 10), datum_overleg_ouders=date(2026, 9, 12)),
               factoren=(Factor(nr, "Leren", "Gemotiveerd", "Faalangst"),),
               ondersteuning=(Ondersteuning(nr, "Extra tijd bij toetsen"),))


STUDENTS = {
    "intake": _opp("1", datum_inschrijving=date(2026, 9, 1)),  # six weeks end 13-10: within two weeks
    "juli": _opp("2", datum_inschrijving=date(2026, 7, 1)),  # 2025-2026: an existing plan without dates
    "oud": _opp("3", datum_inschrijving=date(2022, 8, 20), datum_vaststelling=date(2024, 10, 1)),
    "leeg": _opp("4"),
    "klaar": _complete("5"),
    "lange naam": Opp(Leerling("6", roepnaam=LONG_NAME[0], tussenvoegsel=LONG_NAME[1],
                               achternaam=LONG_NAME[2], klas="1A", datum_inschrijving=date(2026, 9, 25),
                               aanleiding=("Dreigende afstroom " * 12,))),
}


def _register(tmp_path: Path, today: date = TODAY) -> Path:
    rows = [register.register_row(opp, "2026-2027", today, f"1A/OPP_{opp.leerling.leerlingnummer}.docx",
                                  "nieuw", 0, 0) for opp in STUDENTS.values()]
    return register.write(tmp_path, rows, today)


def _by_number(path: Path) -> dict[str, dict]:
    return {r["Leerlingnummer"].value: r for r in _sheet(path, "OPP's")}


def test_status_and_what_is_still_open_per_student(tmp_path):
    rows = _by_number(_register(tmp_path))
    status = {nr: (r["Status"].value, r["Termijn"].value, r["Nog in te vullen"].value)
              for nr, r in rows.items()}
    everything = ("uitstroombestemming; onderbouwing; bevorderende factor; belemmerende factor; "
                  "ondersteuning; afwijkingen ja/nee; datum hoorrecht; datum overleg ouders")
    assert status == {
        "1": ("concept", "binnen 2 weken", everything),
        "2": ("concept", "onbekend", everything),
        "3": ("evaluatie nodig", "evaluatie verlopen", everything),
        "4": ("concept", "onbekend", everything),
        "5": ("vastgesteld", None, None),  # complete: nothing to fill in
        "6": ("concept", None, everything),
    }
    assert rows["3"]["Volgende evaluatie"].value == datetime(2025, 9, 30)
    assert rows["5"]["Volgende evaluatie"].value == datetime(2027, 9, 19)
    assert [c.value for c in load_workbook(tmp_path / register.FILE_NAME)["OPP's"][1]][:6] == [
        "Leerlingnummer", "Naam", "Klas", "Mentor", "Soort OPP", "Status"]


def test_an_unknown_next_evaluation_says_so_in_its_cell(tmp_path):
    rows = _by_number(_register(tmp_path))
    for nr in ("2", "4"):
        assert rows[nr]["Volgende evaluatie"].value == "onbekend"
        assert rows[nr]["Volgende evaluatie"].fill.fill_type is None
    assert rows["1"]["Volgende evaluatie"].value is None  # counts from the vaststelling to come
    # read back as no date: the next run judges again from the dates
    assert register._previous_rows(tmp_path / register.FILE_NAME)["1A/OPP_2.docx"].volgende_evaluatie is None


def test_only_the_deadline_and_its_termijn_are_coloured(tmp_path):
    path = _register(tmp_path)
    ws = load_workbook(path)["OPP's"]
    head = [c.value for c in ws[1]]
    coloured = {(ws.cell(c.row, 1).value, head[c.column - 1], c.fill.fgColor.rgb[-6:])
                for row in ws.iter_rows(min_row=2) for c in row if c.fill.fill_type is not None}
    assert coloured == {("1", "Uiterste vaststelling", "FFEB9C"), ("1", "Termijn", "FFEB9C"),
                        ("3", "Volgende evaluatie", "FFC7CE"), ("3", "Termijn", "FFC7CE")}
    assert all(c.fill.fill_type == "solid" for c in ws[1])  # the heading has its own colour
    duo = load_workbook(path)["DUO"]
    assert [c.value for c in duo[1]] == ["Leerlingnummer", "Naam", "Startdatum OPP", "Einddatum OPP"]
    assert all(c.fill.fill_type is None for row in duo.iter_rows() for c in row)
    assert all(c.font.b for c in duo[1])


def test_an_overdue_six_week_deadline_colours_the_deadline_not_the_evaluation(tmp_path):
    late = register.RegisterRow("9", uiterste_vaststelling=date(2026, 9, 1),
                                volgende_evaluatie=date(2027, 1, 1), file="1A/OPP_9.docx")
    row = _sheet(register.write(tmp_path, [late], TODAY), "OPP's")[0]
    assert row["Termijn"].value == "verlopen"
    assert row["Uiterste vaststelling"].fill.fgColor.rgb.endswith("FFC7CE")
    assert row["Termijn"].fill.fgColor.rgb.endswith("FFC7CE")
    assert row["Volgende evaluatie"].fill.fill_type is None


def test_columns_fit_their_content(tmp_path):
    ws = load_workbook(_register(tmp_path))["OPP's"]
    width = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[1]}
    longest_name = len(" ".join(LONG_NAME))
    assert longest_name == 41 and width["Naam"] >= longest_name  # no longer cut at 12 characters
    assert width["Klas"] < 12  # '1A' and the heading: narrow
    assert width["Aanleiding"] == 60  # 216 characters: capped, and wrapped
    assert width["Nog in te vullen"] == 60
    aanleiding = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "6")[head_index(ws, "Aanleiding")]
    assert aanleiding.alignment.wrap_text
    # a date column: dd-mm-jjjj, or its heading's longest word beside the filter button (the heading wraps)
    assert width["Uiterste vaststelling"] == len("vaststelling") + 3 and width["Startdatum OPP"] == 13
    assert width["Vastgesteld op"] == 14 and width["Start zes weken"] == 12
    assert width["Status"] >= len("evaluatie nodig")
    duo = load_workbook(tmp_path / register.FILE_NAME)["DUO"]
    assert duo.column_dimensions["B"].width == width["Naam"]


def head_index(ws, heading: str) -> int:
    return [c.value for c in ws[1]].index(heading)


def test_both_sheets_print_on_a4_landscape_one_page_wide_with_the_heading_on_every_page(tmp_path):
    for ws in load_workbook(_register(tmp_path)):
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)  # XlsxWriter leaves out 1, the schema's default
        assert int(ws.page_setup.fitToHeight) == 0  # as many pages tall as needed
        assert ws.print_title_rows == "$1:$1"
        assert ws.oddHeader.left.text == "&A"
        assert ws.oddFooter.right.text == "Pagina &P van &N"


def test_a_register_from_before_the_column_bestand_is_read_with_its_status_as_the_file_outcome(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "OPP's"
    ws.append(["Leerlingnummer", "Naam", "Klas", "Vastgesteld op", "Volgende evaluatie", "Status", "OPP"])
    ws.append(["7", "Oud Register", "1A", datetime(2025, 10, 1), datetime(2026, 9, 30), "nieuw",
               "1A/OPP_7.docx"])
    wb.save(tmp_path / register.FILE_NAME)
    (tmp_path / "1A").mkdir()
    (tmp_path / "1A/OPP_7.docx").write_bytes(b"")
    old = register._previous_rows(tmp_path / register.FILE_NAME)["1A/OPP_7.docx"]
    assert (old.bestand, old.status, old.naam) == ("nieuw", "", "Oud Register")
    row = _sheet(register.write(tmp_path, [], TODAY), "OPP's")[0]
    assert row["Bestand"].value == register.NOT_IN_RUN
    assert row["Termijn"].value == "evaluatie verlopen"
    assert row["Status"].value == "evaluatie nodig"  # not 'nieuw': judged again from its termijn


def test_a_kept_row_keeps_its_status_until_its_evaluation_comes_due(tmp_path):
    (tmp_path / "1A").mkdir()
    for nr in ("3", "5"):
        (tmp_path / f"1A/OPP_{nr}.docx").write_bytes(b"")
    _register(tmp_path)
    register.write(tmp_path, [], TODAY)  # the students left the export; their files stay
    rows = _by_number(tmp_path / register.FILE_NAME)
    assert {nr: (r["Status"].value, r["Bestand"].value) for nr, r in rows.items()} == {
        "3": ("evaluatie nodig", register.NOT_IN_RUN), "5": ("vastgesteld", register.NOT_IN_RUN)}
    assert rows["5"]["Nog in te vullen"].value is None
    register.write(tmp_path, [], date(2027, 9, 10))  # nine days before 5's evaluation
    assert _by_number(tmp_path / register.FILE_NAME)["5"]["Status"].value == "evaluatie nodig"
