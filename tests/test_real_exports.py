"""Exports as real school systems write them, through the real CLI (`opp genereer`, `opp controleer`):
every student of a real export gets an OPP. Covers Magister lists and field names, an English supplier
layout, SOMtoday with a separate guardians file (no BSN in any output), EDEX, a full-name column,
guardians in parts on an Ouders sheet, support sheets, the sheet kind decided by its columns, the
accounting of every student row, and the new date forms. Every workbook and CSV is built here, with
fictitious data; the produced .docx files are opened to check the values."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main

from .conftest import LEERLING_KOPPEN, NS, W, docx_text, docx_xml, leerling, make_workbook

BSNS = (b"123456782", b"111222333")  # valid fictitious BSNs, used only where a BSN is meant


def _run(*args):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def _genereer(tmp_path: Path, *inputs: Path, extra: tuple = ()):
    return _run("genereer", *inputs, "--werkers", "1", "--schooljaar", "2026-2027", "--uitvoer",
                tmp_path / "uit", *extra)


def _csv(path: Path, lines: list[str], bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def _opps(tmp_path: Path) -> list[str]:
    """The OPPs written, as 'klas/OPP_nummer.docx' below the school year's folder."""
    base = tmp_path / "uit" / "2026-2027"
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.docx"))


def _doc(tmp_path: Path, name: str) -> str:
    return docx_text(next((tmp_path / "uit" / "2026-2027").rglob(name)))


def _controls(tmp_path: Path, name: str) -> dict[str, str]:
    """An OPP's content controls as tag -> text, the way a filled form is read back (by its tags,
    docs/formulier-tags.md): 'leerling.roepnaam', 'ouder[1].gezag_antwoord', 'steun[2].wie'. An open field
    shows its placeholder; an optional field left empty (no tussenvoegsel) is ''."""
    path = next((tmp_path / "uit" / "2026-2027").rglob(name))
    out: dict[str, str] = {}
    for sdt in docx_xml(path).iterfind(".//w:sdt", NS):
        tag = sdt.find("w:sdtPr/w:tag", NS).get(f"{W}val")
        text = "".join(t.text or "" for t in sdt.iterfind("w:sdtContent//w:t", NS))
        # a field shown twice (opp.volgende_evaluatie in 1 and 15) says the same in both places
        assert out.setdefault(tag, text) == text, f"{name}: {tag}"
    return out


def _student(tmp_path: Path, name: str) -> dict[str, str]:
    """The student's fields of an OPP (section 2, Gegevens leerling, and the rest of leerling.*) as
    field name -> value: 'roepnaam', 'geboortedatum'; an open field shows its placeholder."""
    return {tag.removeprefix("leerling."): text for tag, text in _controls(tmp_path, name).items()
            if tag.startswith("leerling.")}


def _section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def _report(path: Path) -> list[tuple]:
    """The check report's rows: (leerlingnummer, ernst, bestand, blad, rij, kolom, kolomkop, melding)."""
    return list(load_workbook(path)["Controle"].iter_rows(min_row=2, values_only=True))


def _default_report(tmp_path: Path) -> list[tuple]:
    return _report(tmp_path / "uit" / "2026-2027" / "controle-2026-2027.xlsx")


def _contents(folder: Path):
    """(path, bytes) of every file below folder; a zip container (.docx, .xlsx) by each of its parts."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                for part in zf.namelist():
                    yield f"{path}!{part}", zf.read(part)
        else:
            yield str(path), path.read_bytes()


def test_magister_list_csv_gives_every_student_an_opp(tmp_path):
    export = _csv(tmp_path / "in" / "leerlingen.csv", [
        '"Stamnummer","Roepnaam","Tussenvoegsel","Achternaam","Klas","Klassenmentor 1"',
        '"4001","Dae","","Aartsen","1A","mw. Bos"',
        '"4002","Anna","van den","Berg","","mw. Bos"',
        '"4003","Cem","","Yilmaz","1B","dhr. Ali"'], bom=True)
    result = _genereer(tmp_path, export)
    assert result.exit_code == 0, result.output
    assert _opps(tmp_path) == ["1A/OPP_4001.docx", "1B/OPP_4003.docx", "zonder klas/OPP_4002.docx"]
    assert _student(tmp_path, "OPP_4001.docx")["roepnaam"] == "Dae"  # the BOM is not part of a header
    assert _student(tmp_path, "OPP_4002.docx")["mentor"] == "mw. Bos"
    birth = [line for line in result.output.splitlines() if "geboortedatum" in line.casefold()]
    assert len(birth) == 1 and "geen kolom voor leerling.geboortedatum" in birth[0]  # once per sheet
    rows = _default_report(tmp_path)
    assert [r[4] for r in rows if "geboortedatum" in r[7]] == [1], "geen melding over de ontbrekende kolom"
    assert [(r[0], r[1], r[5]) for r in rows if "klas ontbreekt" in r[7]] == [("4002", "waarschuwing", "E")]
    assert "3 OPP's geschreven" in result.output and "3 rijen met leerlingen gelezen" in result.output


def test_magister_field_names(tmp_path):
    export = _csv(tmp_path / "in" / "magister.csv", [
        "stamnr_str;roepnaam;Tussenv;achternaam;geb_datum_str;Leerfase.Leerjaar;Klas;Nr",
        "4001;Dae;;Aartsen;03-02-2012;2;2A;17",
        "4002;Anna;van den;Berg;2012-02-03;2;2B;18"])
    result = _genereer(tmp_path, export)
    assert result.exit_code == 0, result.output
    assert _opps(tmp_path) == ["2A/OPP_4001.docx", "2B/OPP_4002.docx"]  # the stamnummer, never 'Nr'
    anna = _student(tmp_path, "OPP_4002.docx")
    assert (anna["leerlingnummer"], anna["tussenvoegsel"], anna["geboortedatum"], anna["leerjaar"]) == (
        "4002", "van den", "3 februari 2012", "2")
    assert _student(tmp_path, "OPP_4001.docx")["geboortedatum"] == "3 februari 2012"
    assert any("kolommen niet gebruikt: H 'Nr'" in r[7] for r in _default_report(tmp_path))
    assert "kolommen niet gebruikt: H 'Nr'" in _run("controleer", export).output


def test_english_supplier_layout(tmp_path):
    export = _csv(tmp_path / "in" / "export.csv", [
        "STAMNR,FIRSTNAME,PREFIX,LASTNAME,BIRTHDATE,CLASS,STUDY,MENTOR,EMAIL,email,STREET,HOUSENUMBER,"
        "ZIPCODE,CITY",
        "5001,Dae,,Aartsen,2012-05-06T22:00:00Z,1A,havo,mw. Bos,dae@example.nl,o1@example.nl,Dorpsstraat,"
        "12,1234 AB,Amsterdam",
        "5002,Anna,van den,Berg,31-12-9999,1B,vwo,dhr. Ali,anna@example.nl,o2@example.nl,Dorpsstraat,14,"
        "1234 AB,Amsterdam"])
    result = _genereer(tmp_path, export)
    assert result.exit_code == 0, result.output
    assert _opps(tmp_path) == ["1A/OPP_5001.docx", "1B/OPP_5002.docx"]  # a students sheet, not parents
    dae = _student(tmp_path, "OPP_5001.docx")
    assert (dae["roepnaam"], dae["achternaam"], dae["onderwijssoort"], dae["mentor"]) == (
        "Dae", "Aartsen", "havo", "mw. Bos")
    assert dae["geboortedatum"] == "7 mei 2012"  # 22:00 UTC is midnight in Amsterdam
    anna = _student(tmp_path, "OPP_5002.docx")
    assert anna["tussenvoegsel"] == "van den" and anna["geboortedatum"] == "Kies de geboortedatum."
    warned = [r for r in _default_report(tmp_path) if r[1] == "waarschuwing" and "plaatshouder" in r[7]]
    assert [(r[0], r[5]) for r in warned] == [("5002", "E")]


def test_somtoday_with_guardians_file_and_no_bsn_in_any_output(tmp_path):
    students = _csv(tmp_path / "in" / "leerlingen.csv", [
        "leerlingNummer;leerlingRoepnaam;leerlingVoorvoegsel;leerlingAchternaam;leerlingGeboortedatum;"
        "stamgroep;opleiding",
        "4001;Dae;;Aartsen;03-02-2012;2A;havo",
        "4002;Anna;van den;Berg;04-03-2012;2B;vwo"])
    guardians = _csv(tmp_path / "in" / "verzorgers.csv", [
        "leerlingNummer;verzorgerAanhef;verzorgerVoorletters;verzorgerVoorvoegsel;verzorgerAchternaam;"
        "relatiesoort;wettelijkVertegenwoordiger;verzorgerEmail;relatie",
        "4001;mw.;K.;;Jansen;moeder;ja;k.jansen@example.nl;123456782-4001",
        "4001;dhr.;P.;de;Boer;vader;ja;p.deboer@example.nl;111222333-4001",
        "4002;mw.;L.;van;Dijk;moeder;nee;l.vandijk@example.nl;123456782-4002"])
    result = _genereer(tmp_path, students, guardians, extra=("--uitgebreid",))
    assert result.exit_code == 0, result.output
    assert _opps(tmp_path) == ["2A/OPP_4001.docx", "2B/OPP_4002.docx"]
    dae = _doc(tmp_path, "OPP_4001.docx")
    parents = _section(dae, "4. Ouders/verzorgers", "5. Betrokkenen")
    assert "mw. K. Jansen\nmoeder" in parents and "dhr. P. de Boer\nvader" in parents
    assert "k.jansen@example.nl" in parents and "Dijk" not in parents
    assert "mw. L. van Dijk" in _doc(tmp_path, "OPP_4002.docx")
    check = _run("controleer", students, guardians, "--rapport", tmp_path / "rapport" / "controle.xlsx")
    assert check.exit_code == 0, check.output
    assert (tmp_path / "uit" / "2026-2027" / "overzicht.xlsx").is_file()
    for output in (result.output, check.output):
        assert not any(bsn.decode() in output for bsn in BSNS)
    files = [*_contents(tmp_path / "uit"), *_contents(tmp_path / "rapport")]
    assert any(name.endswith("controle.xlsx!xl/worksheets/sheet1.xml") for name, _ in files)
    assert [name for name, data in files if any(bsn in data for bsn in BSNS)] == []


def test_edex_groep_is_the_class_and_key_the_number(tmp_path):
    export = _csv(tmp_path / "in" / "edex.csv", [
        "key,achternaam,voorvoegsels,voorletters,roepnaam,geboortedatum,geslacht,groep,jaargroep,postcode,"
        "instroomdatum",
        "9001,Aartsen,,D.,Dae,20140203,V,8B,8,1234 AB,20180820",
        "9002,Berg,van den,A.,Anna,20140304,V,8A,8,1234 AB,20180820"])
    result = _genereer(tmp_path, export)
    assert result.exit_code == 0, result.output
    assert _opps(tmp_path) == ["8A/OPP_9002.docx", "8B/OPP_9001.docx"]  # not the folder '8'
    dae = _student(tmp_path, "OPP_9001.docx")
    assert (dae["leerlingnummer"], dae["klas"], dae["leerjaar"], dae["geboortedatum"]) == (
        "9001", "8B", "8", "3 februari 2014")
    assert _student(tmp_path, "OPP_9002.docx")["tussenvoegsel"] == "van den"


def test_full_name_column_is_split(tmp_path):
    export = _csv(tmp_path / "in" / "namen.csv", [
        "Leerlingnummer;Naam;Klas", "6001;Aartsen, Dae;1A", "6002;Berg, Anna van den;1A",
        "6003;Anna Maria Jansen;1B", "6004;;1B"])
    result = _genereer(tmp_path, export)
    assert result.exit_code == 65, result.output  # the row without a name is withheld
    assert _opps(tmp_path) == ["1A/OPP_6001.docx", "1A/OPP_6002.docx", "1B/OPP_6003.docx"]
    names = {n: _student(tmp_path, f"OPP_{n}.docx") for n in ("6001", "6002", "6003")}
    assert (names["6001"]["roepnaam"], names["6001"]["achternaam"]) == ("Dae", "Aartsen")
    assert [names["6002"][k] for k in ("roepnaam", "tussenvoegsel", "achternaam")] == ["Anna", "van den",
                                                                                      "Berg"]
    assert names["6003"]["roepnaam"] == "Anna" and "Jansen" in names["6003"]["achternaam"]
    rows = _default_report(tmp_path)
    assert [(r[0], r[5]) for r in rows if r[1] == "waarschuwing" and "gesplitst" in r[7]] == [("6003", "B")]
    assert [r[4] for r in rows if r[1] == "fout"] == [5]
    assert "1 leerling overgeslagen" in result.output and "4 rijen met leerlingen gelezen" in result.output


def test_full_name_column_does_not_hide_other_missing_columns(tmp_path):
    """No Geboortedatum and no Klas column: open fields on every form and one warning each for the
    sheet, as without a full-name column."""
    export = _csv(tmp_path / "in" / "namen.csv", ["Leerlingnummer;Naam", "6001;Aartsen, Dae",
                                                   "6002;Berg, Anna van den"])
    result = _genereer(tmp_path, export)
    assert result.exit_code == 0, result.output
    assert _opps(tmp_path) == ["zonder klas/OPP_6001.docx", "zonder klas/OPP_6002.docx"]
    assert _student(tmp_path, "OPP_6001.docx")["geboortedatum"] == "Kies de geboortedatum."
    missing = sorted(r[7].split(" (", 1)[0] for r in _default_report(tmp_path)
                     if (r[0], r[1], r[4]) == (None, "waarschuwing", 1) and "geen kolom voor" in r[7])
    assert missing == ["geen kolom voor leerling.geboortedatum", "geen kolom voor leerling.klas"]


def test_guardians_in_parts_on_an_ouders_sheet(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "Dae", "Aartsen"), leerling("2", "Anna", "Berg")],
        "Ouders": [["Stamnummer", "Voorletters", "Tussenvoegsel", "Achternaam", "Relatie", "Ouderlijk gezag"],
                   ["1", "K.", "", "Jansen", "moeder", "ja"], ["1", "P.", "de", "Boer", "vader", "nee"],
                   ["2", "M.", "van den", "Berg", "voogd", "ja"]]})
    result = _genereer(tmp_path, book)
    assert result.exit_code == 0, result.output
    dae = _section(_doc(tmp_path, "OPP_1.docx"), "4. Ouders/verzorgers", "5. Betrokkenen")
    assert "K. Jansen\nmoeder\nja\n" in dae and "P. de Boer\nvader\nnee\n" in dae  # gezag: a drop-down
    controls = _controls(tmp_path, "OPP_1.docx")
    assert [controls[f"ouder[{k}].{f}"] for k in (1, 2) for f in ("naam", "gezag_antwoord")] == [
        "K. Jansen", "ja", "P. de Boer", "nee"]
    assert "M. van den Berg\nvoogd" in _doc(tmp_path, "OPP_2.docx")


def test_support_sheet_with_interventie_column_for_thirty_students(tmp_path):
    numbers = [str(100 + i) for i in range(30)]
    book = make_workbook(tmp_path / "in.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN] + [leerling(n, f"Kind{n}", f"Achter{n}") for n in numbers],
        "Blad2": [["Stamnummer", "Domein", "Doel", "Aanpak / interventie", "Wie", "Hoe vaak"]]
        + [[n, "Werkhouding", f"Doel {n}", f"Planningsgesprek {n}", "mentor", "1x per week"]
           for n in numbers]})
    result = _genereer(tmp_path, book)
    assert result.exit_code == 0, result.output
    assert _opps(tmp_path) == [f"1A/OPP_{n}.docx" for n in numbers]
    for n in numbers:  # the action column is what is done, in the support table's first row
        controls = _controls(tmp_path, f"OPP_{n}.docx")
        assert [controls[f"steun[1].{f}"] for f in ("wat", "wie", "hoe_vaak")] == [
            f"Planningsgesprek {n}", "mentor", "1x per week"]
        assert "steun[2].wat" not in controls  # one support row: no empty rows beside it


def test_support_sheet_without_an_action_column(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "Dae", "Aartsen"), leerling("2", "Anna", "Berg")],
        "Ondersteuning": [["Stamnummer", "Domein", "Wie", "Hoe vaak"], ["1", "Werkhouding", "mentor", "1x"],
                          ["2", "Werkhouding", "mentor", "2x"]]})
    result = _genereer(tmp_path, book)
    assert result.exit_code == 0, result.output
    assert _opps(tmp_path) == ["1A/OPP_1.docx", "1A/OPP_2.docx"]
    warned = [r for r in _default_report(tmp_path) if r[1] == "waarschuwing"]
    assert [(r[0], r[3], r[4]) for r in warned] == [(None, "Ondersteuning", 1)]
    assert "steun.wat" in warned[0][7]


def _sheet_kinds(path: Path) -> Path:
    return make_workbook(path, {
        "Export": [["Stamnummer", "Roepnaam", "Achternaam", "Geboortedatum", "Klas", "E-mail leerling",
                    "E-mail ouder", "Naam ouder"],
                   ["1", "Dae", "Aartsen", "03-02-2012", "1A", "dae@example.nl", "o@example.nl",
                    "M. Aartsen"],
                   ["2", "Anna", "Berg", "04-03-2012", "1B", "anna@example.nl", "b@example.nl",
                    "R. Berg"]],
        "Blad1": [["Stamnummer", "Naam", "Relatie", "Telefoon"], ["1", "K. Jansen", "moeder", "0612345678"]],
        "Rooster": [["Datum", "Lokaal", "Mentor"], ["01-09-2026", "B12", "mw. Bos"]]})


def test_sheet_kind_is_decided_by_its_columns(tmp_path):
    result = _genereer(tmp_path, _sheet_kinds(tmp_path / "in.xlsx"))
    assert result.exit_code == 0, result.output
    assert _opps(tmp_path) == ["1A/OPP_1.docx", "1B/OPP_2.docx"]  # 'Export' is the students sheet
    dae = _section(_doc(tmp_path, "OPP_1.docx"), "4. Ouders/verzorgers", "5. Betrokkenen")
    assert "M. Aartsen" in dae and "o@example.nl" in dae
    assert "K. Jansen\nmoeder" in dae and "0612345678" in dae  # 'Blad1' is a parents sheet


def test_sheet_that_fits_no_kind_is_reported_with_what_was_found(tmp_path):
    result = _run("controleer", _sheet_kinds(tmp_path / "in.xlsx"))
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if "blad 'Rooster'" in line]
    assert line.startswith("  info: in.xlsx, blad 'Rooster': niet herkend")
    assert "'Mentor' (leerling.mentor)" in line and "'Datum' (document.datum)" in line


def test_every_student_row_is_accounted_for(tmp_path):
    rows = [["Stamnummer", "Roepnaam", "Achternaam", "Geboortedatum", "Klas", "OPP"]]
    rows += [[str(n), f"Kind{n}", "Goed", "03-02-2012", "1A", "ja"] for n in range(1, 7)]
    rows += [[None, "Zonder", "Nummer", "03-02-2012", "1A", "ja"],
             ["50", "Dubbel", "Een", "03-02-2012", "1A", "ja"],
             ["050", "Dubbel", "Twee", "03-02-2012", "1A", "ja"],
             ["60", "Niet", "Nodig", "03-02-2012", "1A", "nee"]]
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": rows})
    result = _genereer(tmp_path, book)
    assert result.exit_code == 65, result.output
    assert _opps(tmp_path) == [f"1A/OPP_{n}.docx" for n in range(1, 7)]
    for text in ("6 OPP's geschreven", "3 leerlingen overgeslagen", "1 leerlingen zonder OPP-markering",
                 "10 rijen met leerlingen gelezen"):
        assert text in result.output
    assert "0 leerlingen overgeslagen" not in result.output
    check = _run("controleer", book)
    assert check.exit_code == 65
    assert ("10 rijen met leerlingen: 6 klaar voor een OPP, 3 zonder OPP wegens fouten, 1 zonder "
            "OPP-markering (3 fouten") in check.output


def test_new_date_forms_in_text_cells_give_the_same_birth_date(tmp_path):
    forms = ["2012-02-03T00:00:00", "2012-02-02T23:00:00Z", "20120203", "3 februari 2012", "3 feb. 2012"]
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [["Stamnummer", "Roepnaam", "Achternaam",
                                                                "Geboortedatum", "Klas"]]
                                                + [[str(n), "Kind", "Datum", f, "1A"]
                                                   for n, f in enumerate(forms, 1)]})
    assert isinstance(load_workbook(book)["Leerlingen"]["D4"].value, str)  # text, not a date cell
    result = _genereer(tmp_path, book)
    assert result.exit_code == 0, result.output
    assert "waarschuwing" not in result.output
    births = {n: _student(tmp_path, f"OPP_{n}.docx")["geboortedatum"] for n in range(1, len(forms) + 1)}
    assert births == dict.fromkeys(range(1, len(forms) + 1), "3 februari 2012")
