"""CSV input: separators, encodings, BOM, quoted line breaks; and the xlsx and a CSV of the same data
give the same documents."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.domain.findings import Location, Severity
from generator.read.reader import read_exports
from generator.read.validator import validate

from .conftest import LEERLING_KOPPEN, docx_text, leerling, make_workbook

VANDAAG = date(2026, 9, 1)
HEADERS = ";".join(LEERLING_KOPPEN)


def _csv(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def _check(*paths):
    return validate(read_exports(list(paths)), VANDAAG)


def test_semicolon_utf8_with_bom(tmp_path):
    path = _csv(tmp_path / "leerlingen.csv",
                f"{HEADERS}\r\n004512;Aisha;;El Idrissi;14-03-2013;1B;mw. X;01-08-2026\r\n", "utf-8-sig")
    (opp,) = _check(path).opps
    leerling_ = opp.leerling
    assert (leerling_.leerlingnummer, leerling_.achternaam, leerling_.geboortedatum, leerling_.klas) == (
        "004512", "El Idrissi", date(2013, 3, 14), "1B")


def test_windows_1252_is_read_and_said(tmp_path):
    text = f"{HEADERS}\r\n1;Jaël;’t;Hart;1-9-12;1A;mw. Çelik;\r\n"
    result = _check(_csv(tmp_path / "leerlingen.csv", text, "cp1252"))
    assert (result.opps[0].leerling.roepnaam, result.opps[0].leerling.tussenvoegsel) == ("Jaël", "’t")
    assert result.opps[0].leerling.mentor == "mw. Çelik"
    assert [(b.location, b.message) for b in result.findings if b.severity is Severity.INFO] == [
        (Location("leerlingen.csv"), "gelezen als Windows-1252 (ANSI), niet als UTF-8")]


def test_utf16_tab_separated_as_excel_unicode_text(tmp_path):
    text = "\t".join(LEERLING_KOPPEN) + "\r\n1\tAisha\t\tEl Idrissi\t14-03-2013\t1B\t\t\r\n"
    path = tmp_path / "leerlingen.txt"
    path.write_bytes(text.encode("utf-16"))
    assert _check(path).opps[0].leerling.achternaam == "El Idrissi"


def test_comma_with_quoted_separator_and_line_break_keeps_line_numbers(tmp_path):
    text = ("Stamnummer,Roepnaam,Achternaam,Geboortedatum,Klas,Ondersteuningsbehoefte\n"
            '1,Aisha,"El Idrissi, A.",14-03-2013,1B,"Rust\nStructuur"\n'
            "2,Bram,Berg,31-02-2013,1A,\n")
    result = _check(_csv(tmp_path / "lln.csv", text))
    assert result.opps[0].leerling.achternaam == "El Idrissi, A."
    assert result.opps[0].leerling.ondersteuningsbehoefte == "Rust\nStructuur"
    assert (Location("lln.csv", "", 4, "D", "Geboortedatum"),
            "ongeldige datum '31-02-2013', verwacht dd-mm-jjjj; deze waarde wordt niet gebruikt") in [
        (b.location, b.message) for b in result.findings]


def test_title_lines_and_separator_only_lines(tmp_path):
    text = f"Leerlingenlijst;;;\r\nPeildatum 01-09-2026;;;\r\n{HEADERS}\r\n1;A;;B;01-01-2013;1A;;\r\n" \
           f";;;;;;;\r\n2;C;;D;01-01-2013;1A;;\r\n"
    result = _check(_csv(tmp_path / "export.csv", text))
    assert sorted(o.leerling.leerlingnummer for o in result.opps) == ["1", "2"]
    assert (Location("export.csv", "", 3), "kolomkoppen gevonden in rij 3; rijen erboven overgeslagen") in [
        (b.location, b.message) for b in result.findings]


def test_file_kind_from_file_name_and_headers(tmp_path):
    students = _csv(tmp_path / "leerlingen.csv", f"{HEADERS}\n1;A;;B;01-01-2013;1A;;\n")
    goals = _csv(tmp_path / "doelen.csv",
                 "Stamnummer;Doel;Startdatum;Streefdatum\n001;Plannen;01-09-2026;01-02-2027\n")
    parents = _csv(tmp_path / "export2.csv", "Leerlingnummer,Naam,Relatie\n1,M. B,moeder\n")
    (opp,) = _check(goals, students, parents).opps
    assert [d.omschrijving for d in opp.doelen] == ["Plannen"] and [o.naam for o in opp.ouders] == ["M. B"]


def test_xls_named_csv_that_is_really_a_workbook_is_read_as_a_workbook(tmp_path):
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")]})
    renamed = tmp_path / "export.csv"
    renamed.write_bytes(book.read_bytes())
    assert len(_check(renamed).opps) == 1


STUDENTS = [
    ("004512", "Aisha", "", "El Idrissi", date(2013, 3, 14), "1B", "mw. J. de Boer", date(2026, 8, 24)),
    ("020273", "Bram", "van der", "Berg", date(2012, 11, 2), "2A", "dhr. P. Smit", date(2025, 8, 25)),
    ("000031", "Çelik", "’t", "Hart", date(2013, 1, 31), "1B", "mw. J. de Boer", date(2026, 8, 24)),
]
PARENTS = [("004512", "M. El Idrissi", "moeder", "ja", "0612345678", "m.elidrissi@example.nl"),
           ("020273", "P. van der Berg", "vader", "nee", "0201234567", "")]
GOALS = [("004512", "Werkhouding", "Plant zijn huiswerk; zelfstandig", date(2026, 9, 1), date(2027, 2, 1)),
         ("004512", "Cognitief", "Leest 15 minuten per dag\nmet hulp", date(2026, 9, 1), date(2027, 6, 1)),
         ("000031", "Sociaal-emotioneel", 'Vraagt om hulp, "zelf"', date(2026, 10, 1), date(2027, 1, 15))]
PARENT_HEADERS = ["Stamnummer", "Naam", "Relatie", "Gezag", "Telefoon", "E-mail"]
GOAL_HEADERS = ["Stamnummer", "Domein", "Doel", "Startdatum", "Streefdatum"]


def _csv_text(headers, rows, sep) -> str:
    def cell(v):
        text = v.strftime("%d-%m-%Y") if isinstance(v, date) else str(v)
        return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in (sep, "\n", '"')) else text
    return "\r\n".join(sep.join(cell(v) for v in row) for row in [headers, *rows]) + "\r\n"


@pytest.mark.parametrize("sep, encoding", [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252")])
def test_xlsx_and_csv_of_the_same_data_give_the_same_documents(tmp_path, sep, encoding):
    book = make_workbook(tmp_path / "export.xlsx", {"Leerlingen": [LEERLING_KOPPEN, *map(list, STUDENTS)],
                                                    "Ouders": [PARENT_HEADERS, *map(list, PARENTS)],
                                                    "Doelen": [GOAL_HEADERS, *map(list, GOALS)]})
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, headers, rows in (("leerlingen", LEERLING_KOPPEN, STUDENTS),
                                ("ouders", PARENT_HEADERS, PARENTS),
                                ("doelen", GOAL_HEADERS, GOALS)):
        _csv(folder / f"{name}.csv", _csv_text(headers, rows, sep), encoding)
    runs = {}
    for label, inputs in (("xlsx", [book]), ("csv", sorted(folder.glob("*.csv")))):
        out = tmp_path / f"uit-{label}"
        result = CliRunner().invoke(main, ["genereer", *map(str, inputs), "--uitvoer", str(out),
                                           "--schooljaar", "2026-2027", "--werkers", "1"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        runs[label] = {p.relative_to(out).as_posix(): docx_text(p) for p in sorted(out.rglob("*.docx"))}
    assert sorted(runs["xlsx"]) == ["2026-2027/1B/OPP_000031.docx", "2026-2027/1B/OPP_004512.docx",
                                    "2026-2027/2A/OPP_020273.docx"]
    assert runs["csv"] == runs["xlsx"]
    aisha = runs["csv"]["2026-2027/1B/OPP_004512.docx"]
    assert "Plant zijn huiswerk; zelfstandig" in aisha and "Leest 15 minuten per dag\nmet hulp" in aisha
    assert "m.elidrissi@example.nl" in aisha and "14 maart 2013" in aisha
    assert "’t Hart" in runs["csv"]["2026-2027/1B/OPP_000031.docx"]


def test_unreadable_csv_is_a_clear_error(tmp_path):
    from generator.domain.errors import InputError

    path = _csv(tmp_path / "leerlingen.csv", f"{HEADERS}\n1;A;;B;01-01-2013;1A;\"{'x' * 200_000}\";\n")
    with pytest.raises(InputError) as exc:
        read_exports([path])
    assert str(exc.value).startswith("leerlingen.csv: geen bruikbaar CSV-bestand")
    assert exc.value.exit_code == 66
