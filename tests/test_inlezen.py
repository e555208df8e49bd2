"""The loop closes (issue 18): what staff fill in Word comes back into the register, by `opp inlezen` and
by every `opp genereer`. OPPs are generated through the real CLI, filled the way Word stores values
(tests/word_fill.py), and the register is read with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main

from .conftest import make_workbook
from .word_fill import Filler

YEAR = "2026-2027"
HEAD = ["Stamnummer", "Roepnaam", "Achternaam", "Geboortedatum", "Klas", "Mentor", "Datum inschrijving",
        "Datum vaststelling"]
STUDENTS = [["1", "Ilse", "Intake", date(2012, 5, 1), "1A", "mw. M", date(2026, 8, 24), None],
            ["2", "Bart", "Bestaand", date(2011, 5, 1), "2A", "dhr. B", date(2024, 8, 26), date(2025, 10, 1)]]
PARENTS = [["Stamnummer", "Naam", "Relatie", "Gezag"], ["1", "M. Intake", "moeder", "ja"],
           ["1", "V. Intake", "vader", "ja"], ["2", "M. Bestaand", "moeder", "ja"]]
GOALS = [["Stamnummer", "Doel"], ["1", "Plant zijn huiswerk"], ["1", "Vraagt om hulp"]]
SUPPORT = [["Stamnummer", "Wat", "Wie"], ["1", "Planningsgesprek", "mentor"]]
TODAY = date.today()


def _cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def generated(tmp_path):
    book = make_workbook(tmp_path / "export.xlsx", {"Leerlingen": [HEAD, *STUDENTS], "Ouders": PARENTS,
                                                    "Doelen": GOALS, "Ondersteuning": SUPPORT})
    out = tmp_path / "uit"
    result = _cli("genereer", str(book), "--uitvoer", str(out), "--schooljaar", YEAR, "--werkers", "1")
    assert result.exit_code == 0, result.output
    return book, out / YEAR


def _register(folder: Path) -> dict[str, dict]:
    ws = load_workbook(folder / "overzicht.xlsx")["OPP's"]
    rows = list(ws.iter_rows(values_only=True))
    return {str(r[0]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def _duo(folder: Path) -> dict[str, tuple]:
    ws = load_workbook(folder / "overzicht.xlsx")["DUO"]
    return {str(r[0]): r[2:] for r in ws.iter_rows(min_row=2, values_only=True)}


def _fill_intake(folder: Path) -> None:
    """Student 1's OPP as the school finishes it: everything BR-5 asks, the overleg, both parents'
    instemming, the vaststelling and the DUO dates; one goal evaluated."""
    path = folder / "1A/OPP_1.docx"
    f = Filler(path)
    f.text("opp.uitstroombestemming", "havo")
    f.text("opp.onderbouwing", "Werkt hard; plant nog slecht.")
    f.text("factor[werkhouding].bevorderend", "Gemotiveerd")
    f.text("factor[werkhouding].belemmerend", "Plant slecht")
    f.text("opp.afwijkingen_antwoord", "nee")
    f.date("opp.datum_hoorrecht", date(2026, 9, 20))
    f.date("opp.datum_overleg_ouders", date(2026, 9, 25))
    f.text("instemming[ouder1].antwoord", "Stemt in met het handelingsdeel")
    f.date("instemming[ouder1].datum", date(2026, 9, 28))
    f.text("instemming[ouder2].antwoord", "Stemt in met het handelingsdeel")
    f.date("instemming[ouder2].datum", date(2026, 9, 29))
    f.date("opp.datum_vaststelling", date(2026, 10, 1))
    f.date("opp.startdatum", date(2026, 10, 1))
    f.date("opp.einddatum", date(2027, 7, 31))
    f.text("doel[2].resultaat", "behaald")
    f.save(path)


def test_inlezen_puts_what_was_filled_in_the_register(generated):
    _, folder = generated
    before = _register(folder)
    assert before["1"]["Status"] == "concept"
    assert before["1"]["Vastgesteld op"] is None
    open_before = before["1"]["Nog in te vullen"].split("; ")
    assert {"uitstroombestemming", "datum hoorrecht", "datum overleg ouders"} <= set(open_before)

    _fill_intake(folder)
    result = _cli("inlezen", str(folder), "--schooljaar", YEAR)
    assert result.exit_code == 0, result.output
    assert "2 OPP's ingelezen" in result.output
    after = _register(folder)
    row = after["1"]
    assert row["Vastgesteld op"] == datetime(2026, 10, 1)
    assert row["Volgende evaluatie"] == datetime(2027, 9, 30)  # recomputed from the real vaststelling
    assert row["Leerling gehoord op"] == datetime(2026, 9, 20)
    assert row["Overleg ouders"] == datetime(2026, 9, 25)
    assert row["Instemming"] == ("M. Intake: stemt in (28-09-2026); V. Intake: stemt in (29-09-2026)")
    assert row["Resultaat doelen"] == "doel 1: open; doel 2: behaald"
    assert row["Nog in te vullen"] is None  # everything BR-5 asks is there: the cell is empty
    assert row["Status"] == ("evaluatie nodig" if (date(2027, 9, 30) - TODAY).days <= 14 else "vastgesteld")
    assert row["Bestand"] == "ingelezen"
    assert _duo(folder)["1"] == (datetime(2026, 10, 1), datetime(2027, 7, 31))
    # untouched: the prompts of the form are never read as values
    assert after["2"]["Mentor"] == "dhr. B" and after["2"]["Instemming"] == "M. Bestaand: open"
    assert after["2"]["Nog in te vullen"] == before["2"]["Nog in te vullen"]
    assert after["2"]["Vastgesteld op"] is None and after["2"]["Volgende evaluatie"] == datetime(2026, 9, 30)


def test_nog_in_te_vullen_shrinks_as_fields_are_filled(generated):
    _, folder = generated
    path = folder / "1A/OPP_1.docx"
    counts = [len(_register(folder)["1"]["Nog in te vullen"].split("; "))]
    for tag, value in (("opp.uitstroombestemming", "vwo"), ("opp.onderbouwing", "Sterk in taal")):
        f = Filler(path)
        f.text(tag, value)
        f.save(path)
        assert _cli("inlezen", str(folder), "--schooljaar", YEAR).exit_code == 0
        counts.append(len(_register(folder)["1"]["Nog in te vullen"].split("; ")))
    f = Filler(path)
    f.date("opp.datum_overleg_ouders", date(2026, 9, 25))
    f.save(path)
    assert _cli("inlezen", str(folder), "--schooljaar", YEAR).exit_code == 0
    row = _register(folder)["1"]
    counts.append(len(row["Nog in te vullen"].split("; ")))
    assert counts == sorted(counts, reverse=True) and len(set(counts)) == 4
    assert row["Status"] == "besproken"  # overleg held, nobody has answered yet


def test_statuses_follow_the_instemming(generated):
    _, folder = generated
    path = folder / "1A/OPP_1.docx"
    f = Filler(path)
    f.date("opp.datum_overleg_ouders", date(2026, 9, 25))
    f.text("instemming[ouder1].antwoord", "Stemt in met het handelingsdeel")
    f.save(path)
    assert _cli("inlezen", str(folder), "--schooljaar", YEAR).exit_code == 0
    assert _register(folder)["1"]["Status"] == "wacht op instemming"  # the second parent has not answered
    f = Filler(path)
    f.text("instemming[ouder2].antwoord", "Stemt niet in met het handelingsdeel")
    f.save(path)
    assert _cli("inlezen", str(folder), "--schooljaar", YEAR).exit_code == 0
    assert _register(folder)["1"]["Status"] == "geen instemming"


def test_every_genereer_reads_the_edited_opps_too(generated):
    book, folder = generated
    _fill_intake(folder)
    result = _cli("genereer", str(book), "--uitvoer", str(folder.parent), "--schooljaar", YEAR,
                  "--werkers", "1")
    assert result.exit_code == 0, result.output
    row = _register(folder)["1"]
    assert row["Bestand"] == "bewerkt, niet overschreven"
    assert row["Vastgesteld op"] == datetime(2026, 10, 1) and row["Nog in te vullen"] is None
    assert _duo(folder)["1"] == (datetime(2026, 10, 1), datetime(2027, 7, 31))


def test_text_outside_the_fields_is_reported_not_guessed(generated):
    _, folder = generated
    path = folder / "1A/OPP_1.docx"
    f = Filler(path)
    f.type_beside("opp.onderbouwing", "zie gesprek van 3 oktober")
    f.save(path)
    result = _cli("inlezen", str(folder), "--schooljaar", YEAR)
    assert result.exit_code == 0, result.output
    assert "tekst buiten de invulvelden in §11" in result.output
    assert _register(folder)["1"]["Nog in te vullen"].startswith("uitstroombestemming; onderbouwing")


def test_a_copy_without_tags_is_read_by_its_labels_or_reported_never_misread(generated):
    _, folder = generated
    path = folder / "2A/OPP_2.docx"
    before = _register(folder)["2"]
    f = Filler(path)
    f.strip_like_libreoffice()
    f.save(path)
    result = _cli("inlezen", str(folder), "--schooljaar", YEAR)
    assert result.exit_code == 0, result.output
    assert "LibreOffice" in result.output
    row = _register(folder)["2"]
    assert row["Mentor"] == "dhr. B" and row["Naam"] == before["Naam"]
    assert row["Vastgesteld op"] is None  # the prompt 'Kies de datum van vaststelling.' is no date


def test_an_unreadable_document_keeps_its_row_and_says_why(generated):
    _, folder = generated
    (folder / "2A/OPP_2.docx").write_bytes(b"geen docx")
    result = _cli("inlezen", str(folder), "--schooljaar", YEAR)
    assert result.exit_code == 0, result.output
    assert "niet leesbaar" in result.output
    row = _register(folder)["2"]
    assert row["Bestand"] == "niet leesbaar, vorige gegevens" and row["Mentor"] == "dhr. B"


def test_inlezen_never_writes_into_an_opp(generated):
    _, folder = generated
    _fill_intake(folder)
    before = {p: p.read_bytes() for p in folder.rglob("*.docx")}
    assert _cli("inlezen", str(folder), "--schooljaar", YEAR).exit_code == 0
    assert {p: p.read_bytes() for p in folder.rglob("*.docx")} == before


def test_inlezen_of_a_missing_folder_is_a_clear_error(tmp_path):
    result = _cli("inlezen", str(tmp_path / "bestaat-niet"), "--schooljaar", YEAR)
    assert result.exit_code == 66
    assert "bestaat niet" in result.output


def test_a_row_copied_in_word_and_ticked_boxes_come_back(generated):
    _, folder = generated
    path = folder / "1A/OPP_1.docx"
    f = Filler(path)
    f.copy_row("doel[1].omschrijving")  # Word's copy and paste of a goal row: the same tags twice
    f.text("doel[1].omschrijving", "Vraagt hulp bij rekenen", n=1)
    f.text("doel[1].resultaat", "deels behaald")
    f.tick("opp.aanleiding=Dreigende afstroom")
    f.save(path)
    result = _cli("inlezen", str(folder), "--schooljaar", YEAR)
    assert result.exit_code == 0, result.output
    row = _register(folder)["1"]
    assert row["Resultaat doelen"] == "doel 1: deels behaald; doel 2: open; doel 3: open"
    assert row["Aanleiding"] == "Dreigende afstroom"


def test_a_schools_own_template_text_is_not_text_outside_the_fields(tmp_path):
    from docx import Document

    own = tmp_path / "eigen.docx"
    assert _cli("sjabloon", "--kopie", str(own)).exit_code == 0
    document = Document(str(own))
    document.add_paragraph("Dit OPP is besproken in het zorgteam van het Voorbeeldcollege.")
    document.save(str(own))
    book = make_workbook(tmp_path / "export.xlsx", {"Leerlingen": [HEAD, *STUDENTS]})
    out = tmp_path / "uit"
    made = _cli("genereer", str(book), "--uitvoer", str(out), "--schooljaar", YEAR, "--werkers", "1",
                "--sjabloon", str(own))
    assert made.exit_code == 0, made.output
    folder = out / YEAR
    with_own = _cli("inlezen", str(folder), "--schooljaar", YEAR, "--sjabloon", str(own))
    assert with_own.exit_code == 0 and "tekst buiten de invulvelden" not in with_own.output
    with_builtin = _cli("inlezen", str(folder), "--schooljaar", YEAR)
    assert "tekst buiten de invulvelden" in with_builtin.output  # the school's own paragraph, unknown here
    missing = _cli("inlezen", str(folder), "--sjabloon", str(tmp_path / "weg.docx"))
    assert missing.exit_code == 66 and "sjabloon niet gevonden" in missing.output
