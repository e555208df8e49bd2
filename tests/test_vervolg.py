"""`opp genereer --vervolg`: last school year's filled OPP plus this year's export make the bijgesteld OPP.
Through the real CLI: a year's OPPs generated, one filled the way Word stores it (word_fill.py), the next
year generated with --vervolg, and the new documents read by their tags."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main
from generator.read.form_reader import read_form
from generator.rules import vervolg

from .conftest import LEERLING_KOPPEN, docx_text, leerling, make_workbook
from .word_fill import Filler

LAST, NEXT = "2026-2027", "2027-2028"
FILLED = "1001"
SET_ON = date(2026, 10, 1)  # last year's vaststelling


def _export(path: Path, rows: list[list], extra: tuple[str, ...] = (),
            doelen: list[list] | None = None) -> Path:
    return make_workbook(path, {
        "Leerlingen": [LEERLING_KOPPEN + list(extra), *rows],
        "Ouders": [["Stamnummer", "Naam", "Relatie", "Gezag"], ["1001", "A. de Visser", "moeder", ""]],
        "Doelen": [["Stamnummer", "Domein", "Doel"], *(doelen or [])]})


def _run(*args: str) -> object:
    return CliRunner().invoke(main, ["genereer", *args, "--werkers", "1"], catch_exceptions=False)


def _opps(folder: Path) -> dict[str, Path]:
    return {p.stem.removeprefix("OPP_"): p for p in folder.rglob("OPP_*.docx") if "(" not in p.stem}


def _fill_last_year(path: Path) -> None:
    form = Filler(path)
    form.text("leerling.schoolloopbaan", "Basisschool De Linde, groep 6 gedoubleerd")
    form.text("leerling.ondersteuningsbehoefte", "Korte instructie en een vaste plek")
    form.tick("opp.aanleiding=Dreigende afstroom")
    form.text("opp.aanleiding_anders", "Veel verzuim")
    form.text("ouder[1].gezag_antwoord", "ja")
    form.text("factor[cognitief].bevorderend", "Sterk in rekenen")
    form.text("factor[sociaal-emotioneel].belemmerend", "Snel boos")
    form.text("opp.afspraken_ouders", "Ouders lezen mee")
    form.text("opp.afspraken_leerling", "Noor plant zelf")
    form.text("opp.uitstroomprofiel", "Vervolgonderwijs")
    form.text("opp.uitstroombestemming", "vmbo-kb")
    form.text("opp.uitstroommoment", "2029-2030")
    form.text("opp.afwijking_onderwijssoort", "afstroom verwacht")
    form.text("opp.onderbouwing", "Rekent goed, leest moeizaam")
    form.text("doel[1].omschrijving", "Leest twintig minuten per dag zelfstandig")
    form.text("doel[1].domein", "Cognitief")
    form.text("doel[1].resultaat", "Behaald in mei")
    form.text("doel[2].omschrijving", "Plant huiswerk in de agenda")
    form.text("doel[2].resultaat", "Deels behaald")
    # last year's procedure: none of it is this year's
    form.date("opp.datum_hoorrecht", date(2026, 9, 20))
    form.date("opp.datum_overleg_ouders", date(2026, 9, 25))
    form.text("instemming[ouder1].antwoord", "Stemt in met het handelingsdeel")
    form.date("instemming[ouder1].datum", date(2026, 9, 30))
    form.date("opp.datum_evaluatie", date(2027, 6, 15))
    form.text("opp.besluit", "OPP bijstellen")
    form.text("opp.vastgesteld_door", "mw. Directeur")
    form.date("opp.datum_vaststelling", SET_ON)
    form.save(path)


@pytest.fixture(scope="module")
def years(tmp_path_factory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("vervolg")
    out = tmp / "uit"
    first = _export(tmp / "export-2026.xlsx",
                    [leerling(FILLED, "Noor", "Visser"), leerling("1002", "Sem", "Jansen")])
    assert _run(str(first), "--uitvoer", str(out), "--schooljaar", LAST).exit_code in (0, 65)
    _fill_last_year(_opps(out / LAST)[FILLED])
    # this year: a class and mentor of this year, another bestemming, a new goal; the number with a zero
    second = _export(tmp / "export-2027.xlsx",
                     [leerling("01001", "Noor", "Visser", klas="2A", mentor="dhr. P. Smit") + ["havo"],
                      leerling("1003", "Lot", "Bakker", klas="2A") + [""]],
                     ("Uitstroombestemming",),
                     [["01001", "Werkhouding", "Werkt twintig minuten geconcentreerd"]])
    result = _run(str(second), "--uitvoer", str(out), "--schooljaar", NEXT, "--vervolg", str(out / LAST))
    assert result.exit_code in (0, 65), result.output
    return {"out": out, "second": second, "opps": _opps(out / NEXT), "output": result.output}


def _tags(path: Path) -> dict[str, object]:
    read = read_form(path)
    return {tag: read.first(tag) for tag in read.values}


def test_every_filled_field_of_last_year_is_in_the_new_opp(years):
    new = _tags(years["opps"]["01001"])
    assert new["leerling.schoolloopbaan"] == "Basisschool De Linde, groep 6 gedoubleerd"  # text
    assert new["leerling.ondersteuningsbehoefte"] == "Korte instructie en een vaste plek"
    assert new["opp.aanleiding=Dreigende afstroom"] is True  # choices
    assert new["opp.aanleiding=Mogelijke opstroom"] is not True
    assert new["opp.aanleiding_anders"] == "Veel verzuim"
    assert new["factor[cognitief].bevorderend"] == "Sterk in rekenen"  # factoren
    assert new["factor[sociaal-emotioneel].belemmerend"] == "Snel boos"
    assert new["opp.afspraken_ouders"] == "Ouders lezen mee"  # afspraken
    assert new["opp.afspraken_leerling"] == "Noor plant zelf"
    assert new["opp.uitstroomprofiel"] == "Vervolgonderwijs"  # uitstroom
    assert new["opp.uitstroommoment"] == "2029-2030"
    assert new["opp.afwijking_onderwijssoort"] == "afstroom verwacht"
    assert new["opp.onderbouwing"] == "Rekent goed, leest moeizaam"


def test_the_export_wins_where_it_holds_a_value(years):
    new = _tags(years["opps"]["01001"])
    assert new["opp.uitstroombestemming"] == "havo"  # the export's, not last year's vmbo-kb
    assert (new["leerling.klas"], new["leerling.mentor"]) == ("2A", "dhr. P. Smit")
    assert new["doel[1].omschrijving"] == "Werkt twintig minuten geconcentreerd"  # this year's goals
    assert new["ouder[1].gezag_antwoord"] == "ja"  # the export does not say; last year's form did


def test_version_and_the_version_it_replaces(years):
    new = _tags(years["opps"]["01001"])
    assert new["opp.versie"] == "2"
    assert new["opp.vervangt_versie_van"] == SET_ON
    assert new["opp.vorige_vaststelling"] == SET_ON
    assert new["opp.soort"] == vervolg.BIJGESTELD


def test_last_years_procedure_is_not_this_years(years):
    new = _tags(years["opps"]["01001"])
    for tag in ("opp.datum_hoorrecht", "opp.datum_overleg_ouders", "instemming[ouder1].datum",
                "instemming[ouder1].antwoord", "opp.datum_evaluatie", "opp.besluit", "opp.vastgesteld_door",
                "opp.datum_vaststelling"):
        assert new.get(tag) is None, tag
    # last year's evaluation counts for the next one: within a year of it
    assert new["opp.volgende_evaluatie"] == date(2028, 6, 14)


def test_last_years_goals_and_results_are_shown_under_vorige_doelen(years):
    text = docx_text(years["opps"]["01001"])
    part = text[text.index("Vorige doelen"):]
    for shown in ("Leest twintig minuten per dag zelfstandig", "Cognitief", "Behaald in mei",
                  "Plant huiswerk in de agenda", "Deels behaald"):
        assert shown in part
    assert part.index("Behaald in mei") < part.index("Plant huiswerk in de agenda")
    assert not any(t.startswith("vorig") for t in read_form(years["opps"]["01001"]).values)  # no controls


def test_a_student_without_last_years_opp_gets_a_normal_opp(years):
    text = docx_text(years["opps"]["1003"])
    assert "Vorige doelen" not in text
    new = _tags(years["opps"]["1003"])
    assert new["opp.soort"] != vervolg.BIJGESTELD and new.get("opp.vervangt_versie_van") is None
    rows = _report(years)
    assert any(r[0] == "1003" and r[1] == "info" and "geen OPP van vorig schooljaar" in r[7] for r in rows)


def _report(years) -> list[tuple]:
    wb = load_workbook(years["out"] / NEXT / f"controle-{NEXT}.xlsx")
    return list(wb["Controle"].iter_rows(min_row=2, values_only=True))


def test_a_disagreement_with_last_years_opp_is_in_the_check_report(years):
    lines = [r[7] for r in _report(years) if r[0] in ("01001", "1001") and "vervolg" in (r[7] or "")]
    assert len(lines) == 1  # one finding per student
    assert "versie 2, 2 vorige doelen; de export wijkt af van dat OPP en geldt: " in lines[0]
    assert "uitstroombestemming: vmbo-kb → havo" in lines[0]
    assert "mentor" not in lines[0]  # the mentor is this year's: last year's is not passed on


def test_an_edit_in_last_years_opp_updates_this_years(years, tmp_path):
    out, second = years["out"], years["second"]
    args = (str(second), "--uitvoer", str(out), "--schooljaar", NEXT, "--vervolg", str(out / LAST))
    assert "0 OPP's geschreven, 2 ongewijzigd" in _run(*args).output
    last = _opps(out / LAST)[FILLED]
    form = Filler(last)
    form.text("opp.afspraken_ouders", "Ouders lezen elke avond mee")
    form.save(last)
    assert "1 bijgewerkt" in _run(*args).output
    assert _tags(years["opps"]["01001"])["opp.afspraken_ouders"] == "Ouders lezen elke avond mee"


def test_a_missing_folder_of_last_year_is_a_clear_error(tmp_path):
    export = _export(tmp_path / "e.xlsx", [leerling("1", "A", "B")])
    result = CliRunner().invoke(main, ["genereer", str(export), "--uitvoer", str(tmp_path / "uit"),
                                       "--schooljaar", NEXT, "--vervolg", str(tmp_path / "bestaat-niet")])
    assert result.exit_code == 66
    assert "de map met de OPP's van vorig schooljaar (--vervolg) bestaat niet" in result.output
    assert not (tmp_path / "uit" / NEXT).exists()


def test_next_version():
    assert [vervolg.next_version(v) for v in ("1", " 3 ", "", "1a")] == ["2", "4", "2", "2"]
