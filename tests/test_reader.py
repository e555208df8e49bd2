"""Reading workbooks: every openpyxl pitfall of invoer.md §3 with a small workbook built here."""

from __future__ import annotations

import io
import os
import re
import warnings
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from generator.domain.errors import InputError
from generator.domain.fields import DOELEN, LEERLINGEN, OUDERS
from generator.domain.findings import Location, Severity
from generator.read.mapping import read_column_mapping
from generator.read.reader import read_exports

from .conftest import LEERLING_KOPPEN, leerling, make_workbook


def _herschrijf(path: Path, member: str, change) -> Path:
    """Rewrite one member of an .xlsx, as another program would have written it."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _info(read_result) -> list[tuple[Location, str]]:
    return [(b.location, b.message) for b in read_result.findings if b.severity is Severity.INFO]


def test_styled_cell_at_the_last_row_does_not_cost_a_million_rows(tmp_path):  # P1
    wb = Workbook()
    ws = wb.active
    ws.title = "Leerlingen"
    for row in [LEERLING_KOPPEN, leerling("1", "Aisha", "El Idrissi"), leerling("2", "Bram", "Berg")]:
        ws.append(row)
    ws["A1048576"].number_format = "0.00"
    ws["B1048576"].value = " "  # whitespace only counts as blank
    wb.save(tmp_path / "in.xlsx")
    table = read_exports([tmp_path / "in.xlsx"]).tables[0]
    assert [r.number for r in table.rows] == [2, 3]


def test_wrong_dimension_in_the_file_is_ignored(tmp_path):  # P2
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [
        LEERLING_KOPPEN, *[leerling(str(n), f"R{n}", f"A{n}") for n in range(1, 6)]]})
    _herschrijf(book, "xl/worksheets/sheet1.xml",
                lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:A1"', xml))
    table = read_exports([book]).tables[0]
    assert len(table.rows) == 5 and len(table.columns) == len(LEERLING_KOPPEN)


def test_header_found_below_title_rows_and_merged_title(tmp_path):  # P3, P10
    wb = Workbook()
    ws = wb.active
    ws.title = "Export 2026"
    ws.append(["Leerlingenlijst Het Lyceum"])
    ws.merge_cells("A1:F1")
    ws.append(["Peildatum:", "01-09-2026"])
    ws.append([])
    ws.append(LEERLING_KOPPEN)
    ws.append(leerling("1", "Aisha", "El Idrissi"))
    wb.save(tmp_path / "in.xlsx")
    read_result = read_exports([tmp_path / "in.xlsx"])
    table = read_result.tables[0]
    assert (table.kind, table.header_row, [r.number for r in table.rows]) == (LEERLINGEN, 4, [5])
    assert (Location("in.xlsx", "Export 2026", 4),
            "kolomkoppen gevonden in rij 4; rijen erboven overgeslagen") in _info(read_result)


def test_header_noise_and_system_aliases_map_to_fields(tmp_path):  # P4
    koppen = ["Stamnr.\u00a0", "  ROEPNAAM ", "Tussenv.", "Achter\u200bnaam", "Geb.datum", "Stamgroep",
              "Klassenmentor 1", "Inschrijfdatum"]
    book = make_workbook(tmp_path / "in.xlsx", {"Blad1": [koppen, leerling("1", "Aisha", "El Idrissi")]})
    table = read_exports([book]).tables[0]
    assert [k.field.path for k in table.columns] == [
        "leerling.leerlingnummer", "leerling.roepnaam", "leerling.tussenvoegsel", "leerling.achternaam",
        "leerling.geboortedatum", "leerling.klas", "leerling.mentor", "leerling.datum_inschrijving"]
    assert table.columns[0].header == "Stamnr."  # the header as the user sees it, without the NBSP


@pytest.mark.parametrize("koppen", [
    ["Leerlingnummer", "Roepnaam", "Voorvoegsel", "Achternaam", "Geboortedatum", "Stamgroep"],  # SOMtoday
    ["Deelnemernummer", "Roepnaam", "Voorvoegsel", "Achternaam", "Geboortedatum", "Groep"],  # Eduarte
    ["Stamnummer", "Roepnaam", "Tussenvoegsel", "Achternaam", "Geboortedatum", "Klas"],  # Magister
])
def test_each_system_export_is_recognised(tmp_path, koppen):
    book = make_workbook(tmp_path / "in.xlsx", {"Sheet1": [koppen, ["1", "A", "", "B", "01-01-2013", "1A"]]})
    table = read_exports([book]).tables[0]
    assert table.kind is LEERLINGEN and all(k.field for k in table.columns)


def test_unknown_sheet_is_reported_and_skipped(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx",
                         {"Leerlingen": [LEERLING_KOPPEN], "Notities": [["Wat", "Wanneer"]]})
    read_result = read_exports([book])
    assert [t.sheet for t in read_result.tables] == ["Leerlingen"]
    (message,) = [m for loc, m in _info(read_result) if loc == Location("in.xlsx", "Notities")]
    assert message.startswith("niet herkend: de kolomkoppen passen bij geen soort blad")
    assert "'Wat' (steun.wat)" in message and "`opp kolommen`" in message


def test_sheet_kind_from_headers_not_position(tmp_path):  # P11: never by index
    book = make_workbook(tmp_path / "in.xlsx", {
        "Blad3": [["Stamnummer", "Doel", "Startdatum"], ["1", "Plannen", "01-09-2026"]],
        "Blad1": [LEERLING_KOPPEN, leerling("1", "Aisha", "El Idrissi")],
        "Contactpersonen": [["Stamnummer", "Naam", "Relatie"], ["1", "M. El Idrissi", "moeder"]],
    })
    assert [(t.sheet, t.kind) for t in read_exports([book]).tables] == [
        ("Blad3", DOELEN), ("Blad1", LEERLINGEN), ("Contactpersonen", OUDERS)]


def test_hidden_sheets_are_skipped_with_an_info_finding(tmp_path):  # P11
    book = make_workbook(tmp_path / "in.xlsx", {
        "Leerlingen oud": [LEERLING_KOPPEN, leerling("9", "Oud", "Blad")],
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "Aisha", "El Idrissi")]}, hidden=("Leerlingen oud",))
    read_result = read_exports([book])
    assert [t.sheet for t in read_result.tables] == ["Leerlingen"]
    assert (Location("in.xlsx", "Leerlingen oud"), "verborgen blad overgeslagen") in _info(read_result)


def test_very_hidden_sheet_is_skipped_too(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Leerlingen"
    ws.append(LEERLING_KOPPEN)
    old = wb.create_sheet("Oud")
    old.append(LEERLING_KOPPEN)
    old.sheet_state = "veryHidden"
    wb.save(tmp_path / "in.xlsx")
    assert [t.sheet for t in read_exports([tmp_path / "in.xlsx"]).tables] == ["Leerlingen"]


def test_formula_without_stored_value_is_marked(tmp_path):  # P9
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [
        LEERLING_KOPPEN, leerling("1", "Aisha", "El Idrissi"),
        ["2", "Bram", "", "=UPPER(D2)", date(2013, 1, 1), "1A"]]})
    table = read_exports([book]).tables[0]
    cells = table.rows[1].cells
    assert cells[3].formula and cells[3].value is None
    assert not any(c.formula for c in table.rows[0].cells)


def test_formula_with_stored_value_reads_the_value(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "Aisha", "X")]})
    _herschrijf(book, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rb'<c r="D2"([^>]*)t="inlineStr"><is><t>X</t></is></c>',
        rb'<c r="D2"\1t="str"><f>UPPER("El Idrissi")</f><v>EL IDRISSI</v></c>', xml))
    cell = read_exports([book]).tables[0].rows[0].cells[3]
    assert (cell.value, cell.formula) == ("EL IDRISSI", False)


def test_inline_and_shared_strings_read_alike(tmp_path):  # P18
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "Aisha", "X")]})
    xml = zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")
    assert b"inlineStr" in xml  # openpyxl writes inline strings; Excel writes shared strings

    def shared(data: bytes) -> bytes:
        return re.sub(rb'<c r="B2"([^>]*)t="inlineStr"><is><t>Aisha</t></is></c>',
                      rb'<c r="B2"\1t="s"><v>0</v></c>', data)
    _herschrijf(book, "xl/worksheets/sheet1.xml", shared)
    with zipfile.ZipFile(book, "a") as zf:
        zf.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                    'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                    '<si><t>Aisha</t></si></sst>')
    _herschrijf(book, "xl/_rels/workbook.xml.rels", lambda x: x.replace(
        b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    _herschrijf(book, "[Content_Types].xml", lambda x: x.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    assert read_exports([book]).tables[0].rows[0].cells[1].value == "Aisha"


def test_number_format_travels_with_the_value(tmp_path):  # P7
    wb = Workbook()
    ws = wb.active
    ws.title = "Leerlingen"
    ws.append(LEERLING_KOPPEN)
    ws.append(leerling(4512, "Aisha", "El Idrissi"))
    ws["A2"].number_format = "000000"
    wb.save(tmp_path / "in.xlsx")
    cell = read_exports([tmp_path / "in.xlsx"]).tables[0].rows[0].cells[0]
    assert (cell.value, cell.number_format) == (4512, "000000")


def test_old_xls_is_refused_with_a_clear_message(tmp_path):  # P13
    path = tmp_path / "export.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(InputError) as exc:
        read_exports([path])
    assert str(exc.value) == ("export.xls: dit is een oud .xls-bestand of een met een wachtwoord beveiligd "
                              "bestand. Open het in Excel en sla het op als Excel-werkmap (.xlsx).")
    assert exc.value.exit_code == 66


def test_html_disguised_as_xls_is_refused(tmp_path):  # P13
    path = tmp_path / "export.xls"
    path.write_text("<html><table><tr><td>Stamnummer</td></tr></table></html>")
    with pytest.raises(InputError, match="geen Excel-werkmap"):
        read_exports([path])


def test_missing_and_damaged_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="bestand niet gevonden"):
        read_exports([tmp_path / "weg.xlsx"])
    (tmp_path / "kapot.xlsx").write_bytes(b"PK\x03\x04 kapot")
    with pytest.raises(InputError, match="beschadigd"):
        read_exports([tmp_path / "kapot.xlsx"])


def test_workbook_is_closed_after_reading(tmp_path):  # P14
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")]})
    read_exports([book])
    fds = Path("/proc/self/fd")
    if fds.is_dir():
        assert not [p for p in fds.iterdir() if _target(p) == str(book)]


def _target(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except OSError:
        return ""


def test_defusedxml_guards_openpyxl():  # P15
    assert openpyxl.DEFUSEDXML is True


def test_billion_laughs_is_refused(tmp_path):  # P15
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [LEERLING_KOPPEN]})
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                       for i in range(1, 10))
            + b']>')
    _herschrijf(book, "xl/workbook.xml", lambda xml: bomb + re.sub(rb"^<\?xml[^>]*\?>", b"", xml).replace(
        b"<sheets>", b"<sheets>&lol9;", 1))
    with pytest.raises(InputError, match="kan het bestand niet lezen"):
        read_exports([book])


def test_zip_bomb_is_refused_before_parsing(tmp_path):  # P16
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [LEERLING_KOPPEN]})
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/opvulling.bin", b"\0" * (20 * 2**20))  # ratio ~1000:1
    with pytest.raises(InputError) as exc:
        read_exports([book])
    assert str(exc.value) == ("in.xlsx: het bestand pakt uit tot een onredelijke grootte; "
                              "het wordt niet geopend")


def test_openpyxl_warnings_do_not_reach_the_user(tmp_path):  # P17
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")]})

    _herschrijf(book, "xl/styles.xml", lambda data: b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"/>')  # openpyxl: "contains no stylesheet"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_result = read_exports([book])
    assert len(read_result.tables[0].rows) == 1
    assert not [w for w in caught if "openpyxl" in str(w.filename)]


def test_wide_guardian_columns_are_recognised(tmp_path):
    koppen = LEERLING_KOPPEN + ["Ouder 1 naam", "E-mail ouder 1", "Naam ouder/verzorger 2",
                                "Telefoon verzorger 2", "Ouder1"]
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [koppen]})
    wide = [(k.letter, k.guardian, k.field.path) for k in read_exports([book]).tables[0].columns
            if k.guardian]
    assert wide == [("I", 1, "ouder.naam"), ("J", 1, "ouder.email"), ("K", 2, "ouder.naam"),
                    ("L", 2, "ouder.telefoon"), ("M", 1, "ouder.naam")]


def test_school_mapping_file_adds_column_and_sheet_names(tmp_path):
    mapping = tmp_path / "kolommen.toml"
    mapping.write_text('[kolommen]\n"Lln ID" = "leerling.leerlingnummer"\n"Wie doet het" = "steun.wie"\n'
                       '"Zorgdoel" = "doel.omschrijving"\n\n[bladen]\n"Zorg" = "Doelen"\n', encoding="utf-8")
    book = make_workbook(tmp_path / "in.xlsx", {
        "Lijst": [["Lln ID", "Roepnaam", "Achternaam"], ["1", "A", "B"]],
        "Zorg": [["Lln ID", "Zorgdoel"], ["1", "Plannen"]]})
    read_result = read_exports([book], read_column_mapping(mapping))
    assert [(t.kind, t.columns[0].field.path) for t in read_result.tables] == [
        (LEERLINGEN, "leerling.leerlingnummer"), (DOELEN, "doel.leerlingnummer")]
    assert read_exports([book]).tables[0].columns[0].field is None  # without the mapping file: unknown


@pytest.mark.parametrize("text, message", [
    ('[kolommen]\n"Lln ID" = "leerling.bestaatniet"\n', "dat is geen veld uit een kolom"),
    ('[kolommen]\n"Naam" = "leerling.naam"\n', "dat is geen veld uit een kolom"),  # computed, not a column
    ('[bladen]\n"Zorg" = "Huisdieren"\n', "verwacht een van: Leerlingen"),
    ('[kolomen]\n', "onbekende sectie(s) kolomen"),
    ('"Lln ID = x', "geen geldige TOML"),
])
def test_wrong_mapping_file_says_what_is_wrong(tmp_path, text, message):
    mapping = tmp_path / "kolommen.toml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_column_mapping(mapping)
    assert message in str(exc.value) and str(exc.value).startswith(str(mapping))


def test_read_accepts_a_workbook_in_memory_written_by_excel_style_writer(tmp_path):
    """Rows that are only formatted (no values) between data rows do not end the table early."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Leerlingen"
    ws.append(LEERLING_KOPPEN)
    ws.append(leerling("1", "A", "B"))
    for r in range(3, 13):
        ws.cell(r, 1).number_format = "@"
    ws.append(leerling("2", "C", "D"))
    out = io.BytesIO()
    wb.save(out)
    (tmp_path / "in.xlsx").write_bytes(out.getvalue())
    assert [r.number for r in read_exports([tmp_path / "in.xlsx"]).tables[0].rows] == [2, 13]


def test_broken_sheet_xml_is_a_clear_error_not_a_traceback(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")]})
    _herschrijf(book, "xl/worksheets/sheet1.xml",
                lambda xml: xml.replace(b"</sheetData>", b"<row><c></sheetData>"))
    with pytest.raises(InputError) as exc:
        read_exports([book])
    assert str(exc.value).startswith("in.xlsx, blad 'Leerlingen': het blad is beschadigd")


def test_hidden_rows_are_read_and_mentioned(tmp_path):  # P11
    wb = Workbook()
    ws = wb.active
    ws.title = "Leerlingen"
    for row in [LEERLING_KOPPEN, leerling("1", "A", "B"), leerling("2", "C", "D"), leerling("3", "E", "F")]:
        ws.append(row)
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "in.xlsx")
    read_result = read_exports([tmp_path / "in.xlsx"])
    assert [r.number for r in read_result.tables[0].rows] == [2, 3, 4]
    assert ((Location("in.xlsx", "Leerlingen"), "verborgen rijen in Excel, wel gelezen: 3")
            in _info(read_result))


@pytest.mark.parametrize("snel", [True, False])
def test_row_with_empty_first_column_is_read_not_called_damaged(tmp_path, monkeypatch, snel):
    """A title in B1 or a student without a number in column A: openpyxl starts such a row with an empty
    cell that has no row number. Both ways of reading (the sheet XML, openpyxl itself) give the row."""
    if not snel:
        monkeypatch.setattr("generator.read.sheet_xml._sheet_data_text", lambda data: None)
    wb = Workbook()
    ws = wb.active
    ws.title = "Leerlingen"
    ws["B1"] = "Overzicht leerlingen"
    ws.append(LEERLING_KOPPEN)
    ws.append(leerling("1", "Aisha", "El Idrissi"))
    ws.append([None, "Bram", None, "Berg", date(2013, 1, 1), "1A"])
    wb.save(tmp_path / "in.xlsx")
    table = read_exports([tmp_path / "in.xlsx"]).tables[0]
    assert (table.header_row, [r.number for r in table.rows]) == (2, [3, 4])
    assert [c.value for c in table.rows[1].cells[:4]] == [None, "Bram", None, "Berg"]
