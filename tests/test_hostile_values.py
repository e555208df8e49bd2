"""Issue 16: a hostile or broken value never crashes a run, never reaches a document and never loses a row
in silence. Each case builds its export inside the test and goes through the real CLI (`opp genereer`
and `opp controleer`), then opens what was written."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from generator import pipeline
from generator.cli import main
from generator.domain.records import Leerling, Opp, Ouder
from generator.form.context import build_context
from generator.read import convert
from generator.read.reader import read_exports
from generator.read.tables import Cell, ErrorValue, Row
from generator.read.validator import validate
from generator.rules import opp_rules
from generator.rules.signals import student_signals
from generator.write import register

from .conftest import LEERLING_KOPPEN, docx_text, leerling, make_workbook

YEAR = "2026-2027"
FINDING = re.compile(r"^\s*(fout|waarschuwing): (.*)$", re.MULTILINE)


def _generate(tmp_path: Path, *inputs: Path):
    result = CliRunner().invoke(main, ["genereer", *map(str, inputs), "--werkers", "1", "--schooljaar", YEAR,
                                       "--uitvoer", str(tmp_path / "uit")])
    assert "Traceback" not in result.output and "Onverwachte fout" not in result.output, result.output
    return result, tmp_path / "uit" / YEAR


def _check(*inputs: Path):
    result = CliRunner().invoke(main, ["controleer", *map(str, inputs), "--schooljaar", YEAR])
    assert "Traceback" not in result.output and "Onverwachte fout" not in result.output, result.output
    return result


def _findings(output: str) -> list[str]:
    """The warnings and errors a run printed, as 'severity: place: message'."""
    return [f"{m[1]}: {m[2]}" for m in FINDING.finditer(output)]


def _about(output: str, where: str) -> list[str]:
    """The findings about one place ("rij 3, kolom B 'Roepnaam'")."""
    return [f for f in _findings(output) if where in f]


def _documents(folder: Path) -> dict[str, str]:
    """Every OPP written, by its student number: the text of the document."""
    return {p.stem.split("_")[1]: docx_text(p) for p in folder.rglob("OPP_*.docx")}


def _register(folder: Path) -> dict[str, dict]:
    ws = load_workbook(folder / register.FILE_NAME)["OPP's"]
    rows = list(ws.iter_rows(values_only=True))
    return {str(r[0]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


# 1. Far-future and odd dates: unknown with one warning; no deadline rule overflows.

DATE_COLUMNS = {"Datum inschrijving": "H", "Datum afspraak extra ondersteuning": "I",
                "Datum definitieve plaatsing": "J", "Datum vaststelling": "K", "Startdatum OPP": "L",
                "Einddatum OPP": "M"}
HOSTILE_DATES = {  # as a date cell, as text; the value -> what the one warning says
    date(9998, 12, 31): "onwaarschijnlijk jaartal 9998", datetime(9999, 12, 31): "plaatshoudersdatum",
    "31-12-9998": "onwaarschijnlijk jaartal 9998", date(2150, 1, 1): "onwaarschijnlijk jaartal 2150",
    date(1850, 6, 1): "onwaarschijnlijk jaartal 1850"}


def test_a_far_future_date_in_any_deadline_field_is_an_open_field_with_one_warning(tmp_path):
    rows, expected = [LEERLING_KOPPEN[:7] + list(DATE_COLUMNS)], {}
    for header in DATE_COLUMNS:
        for value, message in HOSTILE_DATES.items():
            number = str(len(rows))
            dates = [value if h == header else None for h in DATE_COLUMNS]
            rows.append(leerling(number, "Leerling", f"Nummer {number}")[:7] + dates)
            expected[number] = (f"rij {len(rows)}, kolom {DATE_COLUMNS[header]} '{header}'", message)
    last = str(len(rows))  # the last plausible day everywhere: the rules compute without overflowing
    rows.append(leerling(last, "Laatste", "Dag")[:7] + [date(2100, 12, 31)] * 6)
    book = make_workbook(tmp_path / "export.xlsx", {"Leerlingen": rows})

    checked = _check(book)
    result, folder = _generate(tmp_path, book)

    assert (checked.exit_code, result.exit_code) == (0, 0), result.output
    assert _findings(checked.output) == _findings(result.output)  # controleer predicts genereer
    for where, message in expected.values():
        (finding,) = _about(result.output, where)
        assert finding.startswith("waarschuwing:") and message in finding
    documents = _documents(folder)
    assert sorted(documents, key=int) == [str(n) for n in range(1, int(last) + 1)]
    for number in expected:
        assert not re.search(r"9998|9999|2150|1850", documents[number])
    rows_written = _register(folder)
    first = next(n for n, (where, _) in expected.items() if "Datum inschrijving" in where)
    assert rows_written[first]["Uiterste vaststelling"] is None
    assert rows_written[last]["Volgende evaluatie"] == datetime(2101, 12, 30)


EXTREMES = [date.max, date(9998, 12, 31), date(9999, 2, 28), date.min, date(2100, 12, 31)]
DATE_FIELDS = ["datum_inschrijving", "datum_afspraak_extra_ondersteuning", "datum_definitieve_plaatsing",
               "datum_vaststelling", "startdatum", "einddatum", "geboortedatum"]


@pytest.mark.parametrize("day", EXTREMES)
@pytest.mark.parametrize("name", DATE_FIELDS)
def test_no_rule_overflows_for_any_date_a_record_can_hold(name, day, tmp_path):
    lln = Leerling(**{"leerlingnummer": "1", "roepnaam": "A", "achternaam": "B", "klas": "1A",
                      "geboortedatum": date(2013, 1, 1), name: day})
    opp = Opp(leerling=lln, ouders=(Ouder(leerlingnummer="1", naam="M. B"),))
    for today in (date(2026, 12, 1), date.max - timedelta(days=1)):
        build_context(opp, YEAR, today)
        student_signals(opp, None, None, YEAR, today)
        register.register_row(opp, YEAR, today, "1A/OPP_1.docx", "nieuw", 0, 0)
        opp_rules.termijn(opp_rules.uiterste_vaststelling(lln, YEAR), lln.datum_vaststelling, today,
                          opp_rules.volgende_evaluatie(lln))
    if day.year == 9999 and name in DATE_FIELDS[:4]:
        assert opp_rules.volgende_evaluatie(lln) is None  # past the calendar: an open field
    if day == date.max and name in DATE_FIELDS[:3]:
        assert opp_rules.uiterste_vaststelling(lln, YEAR) is None


# 2. A student number with a comma is one number; only a parents sheet names several children in a cell.

def test_a_comma_in_a_student_number_is_one_number_and_refuses_nobody(tmp_path):
    book = make_workbook(tmp_path / "export.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN, leerling("12,3", "Komma", "Nummer"), leerling("12", "Twaalf", "Echt"),
                       leerling("3", "Drie", "Echt")],
        "Ouders": [["Leerlingcodes", "Naam", "Relatie"], ["12;3", "M. Gedeeld", "moeder"]],
        "Doelen": [["Stamnummer", "Doel"], ["12,3", "Doel van komma"], ["12", "Doel van twaalf"]],
    })
    checked = _check(book)
    result, folder = _generate(tmp_path, book)

    assert (checked.exit_code, result.exit_code) == (0, 0), result.output
    assert "keer voor" not in result.output
    documents = _documents(folder)
    assert sorted(documents) == ["12", "12,3", "3"]
    assert "Komma" in documents["12,3"] and "Doel van komma" in documents["12,3"]
    assert "M. Gedeeld" not in documents["12,3"] and "Doel van twaalf" not in documents["12,3"]
    assert "M. Gedeeld" in documents["12"] and "Doel van twaalf" in documents["12"]
    assert "M. Gedeeld" in documents["3"] and "Doel van komma" not in documents["3"]


def test_a_row_of_another_sheet_without_a_student_number_is_said_not_a_crash(tmp_path):
    book = make_workbook(tmp_path / "export.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "Een", "Leerling")],
        "Doelen": [["Stamnummer", "Doel"], [None, "Doel van niemand"], ["1", "Doel van een"]],
        "Ouders": [["Stamnummer", "Naam", "Relatie"], [" ", "M. Niemand", "moeder"]],
    })
    checked = _check(book)
    result, folder = _generate(tmp_path, book)

    assert (checked.exit_code, result.exit_code) == (0, 0), result.output
    assert _findings(checked.output) == _findings(result.output) == [
        f"waarschuwing: export.xlsx, blad '{sheet}', rij 2, kolom A 'Stamnummer': geen leerlingnummer; deze "
        "rij hoort bij geen leerling, niet gebruikt" for sheet in ("Doelen", "Ouders")]
    text = _documents(folder)["1"]
    assert "Doel van een" in text and "Doel van niemand" not in text and "M. Niemand" not in text


# 3. An OPP column in one export and not in the other selects only among its own students.

@pytest.mark.parametrize("csv_first", [False, True])
def test_an_opp_column_in_one_file_selects_only_its_own_students(tmp_path, csv_first):
    with_column = make_workbook(tmp_path / "met-opp.xlsx", {"Leerlingen": [
        LEERLING_KOPPEN + ["OPP"], leerling("1", "Wel", "Gekozen") + ["ja"],
        leerling("2", "Niet", "Gekozen") + ["nee"]]})
    without = tmp_path / "zonder-opp.csv"
    without.write_text(";".join(LEERLING_KOPPEN) + "\n" + "\n".join(
        f"{n};{name};;Zonder;01-05-2013;1A;mw. Test;24-08-2026" for n, name in (("3", "Drie"), ("4", "Vier"))
    ) + "\n", encoding="utf-8")
    inputs = (without, with_column) if csv_first else (with_column, without)

    checked = _check(*inputs)
    result, folder = _generate(tmp_path, *inputs)

    assert (checked.exit_code, result.exit_code) == (0, 0), result.output
    assert sorted(_documents(folder)) == ["1", "3", "4"]
    assert sorted(_register(folder)) == ["1", "3", "4"]
    for output in (checked.output, result.output):
        (warning,) = [f for f in _findings(output) if "OPP-kolom" in f]
        assert warning.startswith("waarschuwing: met-opp.xlsx, blad 'Leerlingen', rij 1, kolom I 'OPP': ")
        assert "'zonder-opp.csv' niet" in warning
    assert "1 zonder OPP-markering" in checked.output and "1 leerlingen zonder OPP-markering" in result.output


def test_one_opp_column_in_every_file_gives_no_warning(tmp_path):
    books = [make_workbook(tmp_path / f"{n}.xlsx", {"Leerlingen": [
        LEERLING_KOPPEN + ["OPP"], leerling(n, "A", "B") + ["ja"]]}) for n in ("1", "2")]
    result = _check(*books)
    assert result.exit_code == 0 and "OPP-kolom" not in result.output


# 4. An Excel error value is no data: the cell counts as empty, with one warning at that cell.

ERROR_CELLS = {"#N/A", "#WAARDE!", "#DEEL/0!", "#REF!", "#NAAM?"}
OPEN = " en het veld blijft open op het formulier"
EXPECTED = "geen gegeven (verwacht een waarde: herstel de formule of koppeling in Excel, of typ de waarde in)"


def _error_book(path: Path) -> Path:
    """Error cells as Excel writes them (t="e") in every kind of field, the students sheet and others."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Leerlingen"
    for row in [LEERLING_KOPPEN + ["OPP", "Aanleiding OPP"],
                leerling("1", "#N/A", "Fout") + ["ja", "#WAARDE!"],  # row 2: roepnaam, aanleiding
                leerling("2", "Twee", "Datum") + ["ja", None],  # row 3: geboortedatum (E)
                leerling("#N/A", "Geen", "Nummer") + ["ja", None],  # row 4: the student number
                leerling("4", "#N/A", "#NAAM?") + ["ja", None],  # row 5: no name at all
                leerling("5", "Vijf", "Opp") + ["#N/A", None]]:  # row 6: the OPP column
        ws.append(row)
    ws["E3"] = "#DEEL/0!"
    ws["G3"] = "#REF!"  # the mentor
    goals = wb.create_sheet("Doelen")
    for row in [["Stamnummer", "Doel"], ["1", "#N/A"], ["#N/A", "Doel van niemand"], ["1", "Leest zelf"]]:
        goals.append(row)
    for sheet in (ws, goals):
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.value in ERROR_CELLS:
                    cell.data_type = "e"
    wb.save(path)
    return path


def _as_error_values(monkeypatch) -> None:
    """The validator's side on its own, whatever the reader gives: the values of the error cells are made
    ErrorValue between reading and validating (the reader's own tests cover how it reads a t="e" cell)."""
    real = pipeline.read_exports

    def read(*args, **kwargs):
        result = real(*args, **kwargs)
        for table in result.tables:
            table.rows[:] = [Row(row.number, tuple(
                replace(c, value=ErrorValue(c.value)) if c.value in ERROR_CELLS else c for c in row.cells))
                for row in table.rows]
        return result
    monkeypatch.setattr(pipeline, "read_exports", read)


def _assert_error_values_are_no_data(tmp_path: Path, book: Path) -> None:
    checked = _check(book)
    result, folder = _generate(tmp_path, book)

    assert (checked.exit_code, result.exit_code) == (65, 65), result.output  # two rows cannot be used
    assert _findings(checked.output) == _findings(result.output)
    documents = _documents(folder)
    assert sorted(documents) == ["1", "2"]  # 4 has no name, 5 no OPP mark, row 4 no number
    for code in ERROR_CELLS:
        assert all(code not in text for text in documents.values())
    assert "Fout" in documents["1"] and "Leest zelf" in documents["1"]
    assert "Doel van niemand" not in documents["1"]
    for where, code in [("rij 2, kolom B 'Roepnaam'", "#N/A"),
                        ("rij 2, kolom J 'Aanleiding OPP'", "#WAARDE!"),
                        ("rij 3, kolom E 'Geboortedatum'", "#DEEL/0!"), ("rij 3, kolom G 'Mentor'", "#REF!"),
                        ("rij 6, kolom I 'OPP'", "#N/A")]:
        (finding,) = _about(result.output, where)
        assert finding.startswith(f"waarschuwing: export.xlsx, blad 'Leerlingen', {where}: foutwaarde {code} "
                                  "in de cel"), finding
    (number,) = _about(result.output, "rij 4, kolom A")
    assert number.startswith("fout: ") and "foutwaarde #N/A in de cel" in number and "geen OPP" in number
    assert sorted(f.split(": ", 2)[2] for f in _about(result.output, "rij 5")) == [
        f"foutwaarde #N/A in de cel, {EXPECTED}; de cel telt als leeg{OPEN}",
        f"foutwaarde #NAAM? in de cel, {EXPECTED}; de cel telt als leeg{OPEN}",
        "geen naam (roepnaam en achternaam zijn leeg); zonder naam is niet te zien voor wie het OPP is, deze "
        "rij krijgt er geen"]
    (goal,) = _about(result.output, "blad 'Doelen', rij 3")
    assert goal == ("waarschuwing: export.xlsx, blad 'Doelen', rij 3, kolom A 'Stamnummer': foutwaarde #N/A "
                    f"in de cel, {EXPECTED}; de cel telt als leeg, deze rij hoort bij geen leerling en wordt "
                    "niet gebruikt")
    assert len(_about(result.output, "blad 'Doelen', rij 2")) == 1
    assert "1 zonder OPP-markering" in checked.output


def test_an_excel_error_value_is_never_data(tmp_path, monkeypatch):
    _as_error_values(monkeypatch)
    _assert_error_values_are_no_data(tmp_path, _error_book(tmp_path / "export.xlsx"))


def test_an_excel_error_cell_as_the_reader_gives_it(tmp_path):
    book = _error_book(tmp_path / "export.xlsx")
    value = read_exports([book]).tables[0].rows[0].cells[1].value
    if not isinstance(value, ErrorValue):
        pytest.skip("de lezer geeft voor een foutcel (nog) geen ErrorValue")
    _assert_error_values_are_no_data(tmp_path, book)


def test_an_error_value_that_is_no_excel_code_is_not_repeated(tmp_path):
    book = make_workbook(tmp_path / "export.xlsx", {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")]})
    read = read_exports([book])
    row = read.tables[0].rows[0]
    read.tables[0].rows[0] = Row(row.number, (row.cells[0], Cell(ErrorValue("#123456782")), *row.cells[2:]))
    (finding,) = [f for f in validate(read, date(2026, 9, 1)).findings if f.location.column == "B"]
    assert finding.message.startswith("foutwaarde in de cel") and "123456782" not in finding.message


# 5. TRUE/FALSE is a value only in a yes/no field.

def test_a_boolean_in_a_text_date_or_number_field_is_an_open_field(tmp_path):
    book = make_workbook(tmp_path / "export.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN + ["OPP", "Aanleiding OPP"],
                       leerling("1", True, "Waar") + [True, False],  # row 2
                       ["2", "Twee", "", "Datum", True, "1A", False, None, True, None],  # row 3
                       leerling("3", True, False) + [True, None],  # row 4: no name at all
                       [True, "Geen", "", "Nummer", date(2013, 1, 1), "1A", None, None, True, None]],  # row 5
        "Ouders": [["Stamnummer", "Naam", "Relatie", "Gezag"], ["1", "M. Waar", True, True]],
    })
    checked = _check(book)
    result, folder = _generate(tmp_path, book)

    assert (checked.exit_code, result.exit_code) == (65, 65), result.output
    assert _findings(checked.output) == _findings(result.output)
    documents = _documents(folder)
    assert sorted(documents) == ["1", "2"]  # the OPP column (yes/no) takes TRUE
    for text in documents.values():
        assert not re.search(r"\bTrue\b|\bFalse\b|\bWAAR\b|\bONWAAR\b", text)
    assert "M. Waar" in documents["1"]
    for where in ["rij 2, kolom B 'Roepnaam'", "rij 2, kolom J 'Aanleiding OPP'",
                  "rij 3, kolom E 'Geboortedatum'", "rij 3, kolom G 'Mentor'",
                  "blad 'Ouders', rij 2, kolom C 'Relatie'"]:
        (finding,) = _about(result.output, where)
        assert finding.startswith("waarschuwing") and "WAAR/ONWAAR in de cel, maar dit is geen ja/nee-veld" \
            in finding and "het veld blijft open op het formulier" in finding, finding
    assert not _about(result.output, "kolom D 'Gezag'") and not _about(result.output, "kolom I 'OPP'")
    assert any(f.startswith("fout") and "geen naam" in f for f in _about(result.output, "rij 4"))
    (number,) = _about(result.output, "rij 5")
    assert number.startswith("fout") and "WAAR/ONWAAR" in number and "geen OPP" in number


# 6. A text longer than an Excel cell holds is cut visibly in the register, and said.

def test_a_text_longer_than_an_excel_cell_is_cut_visibly_in_the_register(tmp_path):
    long_text = ("mw. Lezen en Schrijven " * 1800).strip()  # 41,399 characters
    fitting = "x" * register.CELL_LIMIT
    export = tmp_path / "export.csv"
    export.write_text(";".join(LEERLING_KOPPEN + ["Aanleiding OPP"]) + "\n"
                      f"1;Lang;;Verhaal;01-05-2013;1A;{long_text};24-08-2026;\n"
                      f"2;Net;;Pas;01-05-2013;1A;mw. Test;24-08-2026;{fitting}\n", encoding="utf-8")
    result, folder = _generate(tmp_path, export)

    assert result.exit_code == 0, result.output
    rows = _register(folder)
    cut = rows["1"]["Mentor"]
    assert len(cut) == register.CELL_LIMIT and cut.endswith("…") and long_text.startswith(cut[:-1])
    assert rows["2"]["Aanleiding"] == fitting  # exactly as long as a cell holds: whole
    lines = [line for line in result.output.splitlines() if "langer dan Excel" in line]
    assert lines == ["overzicht: Mentor van leerling 1 is langer dan Excel in een cel toestaat (32767 "
                     "tekens); in het overzicht ingekort, de cel eindigt op '…'"]
    assert long_text in _documents(folder)["1"]  # the OPP has the whole text


def test_a_cut_never_splits_a_character_outside_the_basic_plane(tmp_path, caplog):
    text = "😀" * 20_000  # 40,000 UTF-16 code units: Excel counts those
    row = register.RegisterRow("1", naam="A", aanleiding=text, file="1A/OPP_1.docx")
    with caplog.at_level(logging.WARNING):
        register.write(tmp_path, [row], date(2026, 9, 1))
    cut = _register(tmp_path)["1"]["Aanleiding"]
    assert cut == "😀" * 16_383 + "…" and len(cut.encode("utf-16-le")) // 2 <= register.CELL_LIMIT
    assert len([r for r in caplog.records if "langer dan Excel" in r.getMessage()]) == 1


def test_plausible_years_are_what_the_parser_reads():
    assert convert.parse_date("31-12-2100") == date(2100, 12, 31)
    with pytest.raises(ValueError, match="onwaarschijnlijk jaartal 2101"):
        convert.parse_date("01-01-2101")
