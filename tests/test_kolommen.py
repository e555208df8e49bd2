"""`opp kolommen` through the CLI: the mapping file it writes is valid TOML that, passed back with
--kolommen, reads the export exactly as without it and gives byte-identical OPPs; a school edits it to map
a missed column or to leave a recognised one unused; a BSN column stays unread whatever it says."""

from __future__ import annotations

import re
import tomllib
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.read.bsn import passes_eleven_test
from generator.read.mapping import read_column_mapping
from generator.read.reader import read_exports

from .conftest import EXAMPLE, make_workbook

STUDENTS = ["Lln nr", "leerlingRoepnaam", "Tussenv", "ACHTERNAAM", "geb_datum_str", "Leerfase.Leerjaar",
            "Mentor", "Datum inschrijvng", "Lesgroep", "Nr", "Naam ouder/verzorger 2", "Telefoon verzorger 2"]
MENTORS = ("mw. Q. Mentorvrouw", "dhr. R. Mentorman")
BSNS = ("123456782", "111222333", "100000009")


def _messy(path: Path) -> Path:
    """Prefixed, English and abbreviated headers, a title above the header row, a column the tool does not
    know ('Lesgroep'), 'Naam' on two kinds of sheet and 'Startdatum' on goals and support."""
    return make_workbook(path, {
        "Export": [["Leerlingenoverzicht"], ["Peildatum", date(2026, 9, 1)], STUDENTS,
                   ["4512", "Aisha", "", "El Idrissi", "14-03-2013", "1", MENTORS[0], date(2026, 8, 24),
                    "1G", "12", "K. El Idrissi", "0612345678"],
                   ["4513", "Bram", "van der", "Berg", date(2012, 11, 2), "2", MENTORS[1], date(2025, 8, 25),
                    "2G", "7a", None, None]],
        "Gezin": [["Stamnr", "Naam", "relatiesoort", "Ouderlijk gezag", "Telefoon", "verzorgerEmail"],
                  ["4512", "M. El Idrissi", "moeder", "ja", "0687654321", "m@example.nl"],
                  ["4513", "P. van der Berg", "vader", "ja", None, "p@example.nl"]],
        "Zorgdoelen": [["Stamnr", "Doel", "Startdatum", "Streefdatum"],
                       ["4512", "Plant huiswerk zelf", date(2026, 9, 1), date(2027, 2, 1)],
                       ["4513", "Vraagt hulp", date(2026, 10, 1), date(2027, 3, 1)]],
        "Begeleiding": [["Stamnr", "Aanpak / interventie", "Door wie", "Hoe vaak", "Startdatum"],
                        ["4512", "Planningsgesprek", "mentor", "1x per week", date(2026, 9, 7)]],
        "Netwerk": [["Stamnr", "Naam", "Functie", "Organisatie"],
                    ["4513", "J. Hulp", "jeugdarts", "GGD"]],
    })


@pytest.fixture(params=["voorbeeld", "rommelig"])
def export(request, tmp_path) -> Path:
    return EXAMPLE if request.param == "voorbeeld" else _messy(tmp_path / "rommelig.xlsx")


def _run(*args):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def _write_mapping(export: Path, target: Path) -> str:
    result = _run("kolommen", export, "--uit", target)
    assert result.exit_code == 0, result.output
    assert str(target) in result.output
    return target.read_text(encoding="utf-8")


def _tables(result) -> list[tuple]:
    """What the validator gets of each table: kind, header row, per column its field and guardian, and
    every row's values."""
    return [(t.file, t.sheet, t.kind.name, t.header_row,
             [(c.letter, c.header, c.field.path if c.field else None, c.guardian, c.bsn) for c in t.columns],
             [(r.number, [c.value for c in r.cells]) for r in t.rows]) for t in result.tables]


def _generate(export: Path, out: Path, *extra) -> dict[str, bytes]:
    """word/document.xml of every OPP, by its path under the output folder."""
    result = _run("genereer", export, "--uitvoer", out, "--schooljaar", "2026-2027", "--werkers", "1", *extra)
    assert result.exit_code in (0, 65), result.output
    documents = {}
    for path in sorted(out.rglob("*.docx")):
        with zipfile.ZipFile(path) as zf:
            documents[path.relative_to(out).as_posix()] = zf.read("word/document.xml")
    assert documents, result.output
    return documents


def _all_output_text(folder: Path) -> str:
    """Every file under a folder as text, the parts of a docx or xlsx unpacked."""
    texts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                texts += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
        else:
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


# --- the file is TOML that reads the export exactly as without it ---

def test_the_mapping_file_is_toml_with_sheets_and_columns(export, tmp_path):
    data = tomllib.loads(_write_mapping(export, tmp_path / "k.toml"))
    assert set(data) == {"bladen", "kolommen"}
    assert data["bladen"] and data["kolommen"]
    for value in data["kolommen"].values():
        assert isinstance(value, (str, list))


def test_passed_back_it_gives_the_same_tables(export, tmp_path):
    mapping = tmp_path / "k.toml"
    _write_mapping(export, mapping)
    without = read_exports([export])
    with_it = read_exports([export], read_column_mapping(mapping))
    assert _tables(with_it) == _tables(without)


def test_passed_back_it_gives_byte_identical_opps(export, tmp_path):
    mapping = tmp_path / "k.toml"
    _write_mapping(export, mapping)
    without = _generate(export, tmp_path / "zonder")
    with_it = _generate(export, tmp_path / "met", "--kolommen", mapping)
    assert sorted(with_it) == sorted(without)
    for name, xml in without.items():
        assert with_it[name] == xml, name


def _two_exports_with_blad1(tmp_path: Path) -> list[Path]:
    """Two files that both call their sheet 'Blad1': [bladen] cannot pin it, it is recognised again. The
    parents sheet is known only by its 'verzorger' prefixes."""
    return [make_workbook(tmp_path / "leerlingen.xlsx", {"Blad1": [
                ["Stamnr", "Roepnaam", "Achternaam", "Klas"], ["4512", "Aisha", "El Idrissi", "1B"]]}),
            make_workbook(tmp_path / "ouders.xlsx", {"Blad1": [
                ["Stamnr", "verzorgerNaam", "verzorgerTelefoon"], ["4512", "M. El Idrissi", "0612345678"]]})]


def _english_key_on_every_sheet(tmp_path: Path) -> list[Path]:
    """An English export: 'Student id' is the student number on every sheet."""
    return [make_workbook(tmp_path / "english.xlsx", {
        "Students": [["Student id", "First name", "Last name", "Date of birth", "Class"],
                     ["4512", "Aisha", "El Idrissi", date(2013, 3, 14), "1B"]],
        "Ouders": [["Student id", "Naam", "Relatie"], ["4512", "M. El Idrissi", "moeder"]],
        "Doelen": [["Student id", "Doel", "Startdatum"], ["4512", "Plant huiswerk", date(2026, 9, 1)]]})]


def _odd_headers(tmp_path: Path) -> list[Path]:
    """Headers with what TOML must escape: quotes, a backslash, '#', '=' and a DEL character."""
    return [make_workbook(tmp_path / "vreemd.xlsx", {"Leerlingen": [
        ["Stamnummer", "Roepnaam", "Achternaam", "Klas", 'Opmerking "mentor"', "Map\\pad", "#Lesgroep",
         'a = "b"', "Notitie\x7f"],
        ["4512", "Aisha", "El Idrissi", "1B", "x", "y", "z", "v", "w"]]})]


@pytest.mark.parametrize("make", [_two_exports_with_blad1, _english_key_on_every_sheet, _odd_headers],
                         ids=["blad1-in-twee-bestanden", "engelse-sleutel", "vreemde-tekens"])
def test_passed_back_it_gives_the_same_tables_for_other_exports(tmp_path, make):
    exports = make(tmp_path)
    mapping = tmp_path / "k.toml"
    result = _run("kolommen", *exports, "--uit", mapping)
    assert result.exit_code == 0, result.output
    tomllib.loads(mapping.read_text(encoding="utf-8"))
    assert _tables(read_exports(exports, read_column_mapping(mapping))) == _tables(read_exports(exports))


def test_one_header_for_different_fields_on_different_sheets_is_a_list(tmp_path):
    data = tomllib.loads(_write_mapping(_messy(tmp_path / "r.xlsx"), tmp_path / "k.toml"))
    columns = data["kolommen"]
    assert sorted(columns["Naam"]) == ["betrokkene.naam", "ouder.naam"]
    assert sorted(columns["Startdatum"]) == ["doel.startdatum", "steun.startdatum"]
    assert columns["Aanpak / interventie"] == "steun.wat"
    assert columns["Lln nr"] == "leerling.leerlingnummer"
    assert data["bladen"] == {"Export": "Leerlingen", "Gezin": "Ouders", "Zorgdoelen": "Doelen",
                              "Begeleiding": "Ondersteuning", "Netwerk": "Betrokkenen"}


def test_each_match_says_how_sure_and_an_unused_column_what_it_looks_like(tmp_path):
    text = _write_mapping(_messy(tmp_path / "r.xlsx"), tmp_path / "k.toml")
    section = text.split("\n[kolommen]\n", 1)[1]
    entries = [line for line in section.splitlines() if line.startswith('"') and " = " in line]
    assert entries
    sureness = []
    for line in entries:
        comment = line.split("  # ", 1)[1]
        found = re.search(r": (zeker|waarschijnlijk|onzeker)", comment)
        assert found, line
        sureness.append(found.group(1))
    assert {"zeker", "waarschijnlijk", "onzeker"} <= set(sureness)
    assert re.search(r'^"Datum inschrijvng" = "leerling.datum_inschrijving"  # H: onzeker', text, re.M)
    assert re.search(r'^"leerlingRoepnaam" = "leerling.roepnaam"  # B: waarschijnlijk', text, re.M)
    lesgroep = next(line for line in text.splitlines() if line.startswith('# "Lesgroep" = ""'))
    close = lesgroep.split("lijkt op: ", 1)[1].split(", ")
    assert len(close) == 3 and close[0] == "leerling.klas"
    nr = next(line for line in text.splitlines() if line.startswith('# "Nr" = ""'))
    assert "lijkt op:" in nr


# --- the school edits the file ---

def test_uncommenting_a_missed_column_maps_it(tmp_path):
    export, mapping = _messy(tmp_path / "r.xlsx"), tmp_path / "k.toml"
    text = _write_mapping(export, mapping)
    edited, count = re.subn(r'^# "Lesgroep" = "".*$', '"Lesgroep" = "leerling.klas"', text, flags=re.M)
    assert count == 1
    mapping.write_text(edited, encoding="utf-8")
    table = read_exports([export], read_column_mapping(mapping)).tables[0]
    assert {c.header: c.field.path for c in table.columns if c.field}["Lesgroep"] == "leerling.klas"
    documents = _generate(export, tmp_path / "uit", "--kolommen", mapping)
    assert sorted(documents) == ["2026-2027/1G/OPP_4512.docx", "2026-2027/2G/OPP_4513.docx"]


def test_an_empty_field_leaves_a_recognised_column_unused(tmp_path):
    export, mapping = _messy(tmp_path / "r.xlsx"), tmp_path / "k.toml"
    text = _write_mapping(export, mapping)
    edited, count = re.subn(r'^"Mentor" = "leerling.mentor".*$', '"Mentor" = ""', text, flags=re.M)
    assert count == 1
    mapping.write_text(edited, encoding="utf-8")
    table = read_exports([export], read_column_mapping(mapping)).tables[0]
    mentor = next(c for c in table.columns if c.header == "Mentor")
    assert mentor.field is None
    with_mentor = _generate(export, tmp_path / "met")
    assert any(MENTORS[0].encode() in xml for xml in with_mentor.values())
    without_mentor = _generate(export, tmp_path / "zonder", "--kolommen", mapping)
    assert not any(m.encode() in xml for xml in without_mentor.values() for m in MENTORS)


def test_a_bsn_column_is_never_read_even_when_the_file_maps_it(tmp_path):
    assert all(passes_eleven_test(n) for n in BSNS)
    rows = [[f"{450 + i}", bsn, f"Kind{i}", "Jansen", date(2013, 1, 1 + i), "1A"]
            for i, bsn in enumerate(BSNS)]
    export = make_workbook(tmp_path / "bsn.xlsx", {"Leerlingen": [
        ["Stamnummer", "Kenmerk", "Roepnaam", "Achternaam", "Geboortedatum", "Klas"], *rows]})
    mapping = tmp_path / "k.toml"
    mapping.write_text('[kolommen]\n"Kenmerk" = "leerling.roepnaam"\n', encoding="utf-8")
    table = read_exports([export], read_column_mapping(mapping)).tables[0]
    kenmerk = next(c for c in table.columns if c.header == "Kenmerk")
    assert kenmerk.field is None and kenmerk.bsn
    out = tmp_path / "uit"
    result = _run("genereer", export, "--uitvoer", out, "--schooljaar", "2026-2027", "--werkers", "1",
                  "--kolommen", mapping)
    assert result.exit_code == 0, result.output
    warning = [line for line in result.output.splitlines() if "'Kenmerk'" in line]
    assert warning and "burgerservicenummer" in warning[0]
    check = _run("controleer", export, "--kolommen", mapping, "--rapport", out / "rapport.xlsx")
    columns = _run("kolommen", export, "--kolommen", mapping)
    assert columns.exit_code == 0
    assert '"Kenmerk": burgerservicenummer' in columns.stdout
    everything = "\n".join([result.output, check.output, columns.output, _all_output_text(out)])
    assert len(list(out.rglob("*.docx"))) == len(BSNS)
    for bsn in BSNS:
        assert bsn not in everything



def test_a_bsn_column_mapped_onto_the_student_number_never_reaches_a_file_name(tmp_path):
    """Issue 16: a mapping line that points the student number at a BSN column. The column is not
    read, so the sheet has no number column: nobody gets an OPP, and no BSN is in any name."""
    rows = [[bsn, f"{450 + i}", f"Kind{i}", "Jansen", "1A"] for i, bsn in enumerate(BSNS)]
    export = make_workbook(tmp_path / "bsn.xlsx", {"Leerlingen": [
        ["Kenmerk", "Volgnr", "Roepnaam", "Achternaam", "Klas"], *rows]})
    mapping = tmp_path / "k.toml"
    mapping.write_text('[kolommen]\n"Kenmerk" = "leerling.leerlingnummer"\n', encoding="utf-8")
    out = tmp_path / "uit"
    result = _run("genereer", export, "--uitvoer", out, "--schooljaar", "2026-2027", "--werkers", "1",
                  "--kolommen", mapping)
    assert result.exit_code == 65, result.output
    assert "burgerservicenummers" in result.output and "geen kolom met het leerlingnummer" in result.output
    assert not list(out.rglob("*.docx"))
    names = "\n".join(str(p) for p in out.rglob("*"))
    everything = "\n".join([result.output, names, _all_output_text(out)])
    for bsn in BSNS:
        assert bsn not in everything

# --- where the file goes, exit codes ---

def test_without_uit_the_file_goes_to_stdout(tmp_path):
    result = _run("kolommen", EXAMPLE)
    assert result.exit_code == 0
    data = tomllib.loads(result.stdout)
    assert data["kolommen"]["Stamnummer"] == "leerling.leerlingnummer"
    assert not list(tmp_path.iterdir())


def test_an_existing_file_is_never_overwritten(tmp_path):
    target = tmp_path / "k.toml"
    target.write_text("# van de school\n", encoding="utf-8")
    result = _run("kolommen", EXAMPLE, "--uit", target)
    assert result.exit_code == 73
    assert target.read_text(encoding="utf-8") == "# van de school\n"
    assert "bestaat al" in result.output


@pytest.mark.parametrize("content", [None, b"dit is geen werkmap"])
def test_an_unreadable_input_gives_66(tmp_path, content):
    export = tmp_path / "export.xlsx"
    if content is not None:
        export.write_bytes(content)
    result = _run("kolommen", export, "--uit", tmp_path / "k.toml")
    assert result.exit_code == 66
    assert "export.xlsx" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "k.toml").exists()


# --- controleer points to opp kolommen when the name or number column is missing ---

@pytest.mark.parametrize(("headers", "row"), [
    (["Stamnummer", "Geboortedatum", "Klas", "Mentor"], ["4512", date(2013, 3, 14), "1A", "mw. Test"]),
    (["Roepnaam", "Achternaam", "Geboortedatum", "Klas"], ["Aisha", "El Idrissi", date(2013, 3, 14), "1A"]),
], ids=["zonder-naam", "zonder-nummer"])
def test_controleer_points_to_opp_kolommen(tmp_path, headers, row):
    export = make_workbook(tmp_path / "export.xlsx", {"Leerlingen": [headers, row]})
    result = _run("controleer", export)
    assert result.exit_code == 65
    errors = [line for line in result.output.splitlines() if "geen kolom met" in line]
    assert errors, result.output
    assert all("`opp kolommen`" in line for line in errors)
