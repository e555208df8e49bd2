"""Reading a filled OPP back: real OPPs from the CLI, filled the way Word stores values (word_fill.py),
saved by LibreOffice, or broken; every value back exactly, prompts never read as values."""

from __future__ import annotations

import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.domain.fields import DOMEINEN, FieldType
from generator.domain.registry import FIELDS
from generator.form.context import slug as context_slug
from generator.read import form_reader
from generator.read.form_reader import FormRead, read_form
from generator.read.form_records import form_opp, slug
from generator.rules.opp_rules import afwijkingen_antwoord

from .conftest import EXAMPLE, LEERLING_KOPPEN, leerling, make_workbook, vereist_programma
from .word_fill import Filler

RICH = "1001"
EXTRA = {"Soort OPP": "Intake-OPP", "Versie": "2", "Aanleiding OPP": "Mogelijke opstroom; Dreigende afstroom",
         "Opgesteld door": "dhr. P. Bakker, zorgcoördinator", "Onderwijssoort": "havo", "Lwoo": "ja",
         "Vorige school": "OBS De Linde", "Uitstroombestemming": "beroepsopleiding in de zorg",
         "TLV": "geen", "Afwijkingen": "Vrijstelling van vak(ken)",
         "Instemming ouder 1": "Stemt in met het handelingsdeel",
         "Datum ondertekening ouder 1": date(2026, 10, 1),
         "Perspectiefdeel besproken ouder 1": "ja", "Geregistreerd bij DUO": "ja",
         "Onderbouwing": "Regel één\nRegel twee", "Leerjaar": "1"}


def _export(tmp_path: Path) -> Path:
    koppen = LEERLING_KOPPEN + list(EXTRA)
    return make_workbook(tmp_path / "export.xlsx", {
        "Leerlingen": [koppen, leerling(RICH, "Noor", "Visser", tv="de") + list(EXTRA.values()),
                       leerling("1002", "Sem", "Jansen") + [""] * len(EXTRA)],
        "Ouders": [["Stamnummer", "Naam", "Relatie", "Gezag", "Telefoon", "E-mail"],
                   [RICH, "A. de Visser", "moeder", "ja", "0612345678", "a@example.nl"],
                   [RICH, "B. de Visser", "vader", "nee", "", ""]],
        "Doelen": [["Stamnummer", "Domein", "Doel", "Beginsituatie", "Evaluatiecriterium", "Streefdatum"],
                   [RICH, "Werkhouding", "Plant huiswerk", "Vergeet huiswerk", "8 van 10 weken",
                    date(2027, 1, 29)],
                   [RICH, "Cognitief", "Leest 20 minuten", "Leest niet", "Elke dag", date(2027, 3, 1)]],
        "Ondersteuning": [["Stamnummer", "Wat", "Wie", "Hoe vaak", "Waar", "Startdatum", "Einddatum"],
                          [RICH, "Planningsgesprek", "mentor", "1x per week", "in de klas", date(2026, 9, 7),
                           date(2027, 7, 9)]],
        "Betrokkenen": [["Stamnummer", "Naam", "Functie", "Organisatie", "Rol"],
                        [RICH, "C. Smit", "schoolmaatschappelijk werker", "Altra", "adviseur"]],
        "Factoren": [["Stamnummer", "Domein", "Bevorderend", "Belemmerend"],
                     [RICH, "Sociaal-emotioneel", "Heeft vrienden", "Snel boos"]]})


def _generate(export: Path, out: Path) -> dict[str, Path]:
    result = CliRunner().invoke(main, ["genereer", str(export), "--uitvoer", str(out), "--schooljaar",
                                       "2026-2027", "--werkers", "1"], catch_exceptions=False)
    assert result.exit_code in (0, 65), result.output
    return {p.stem.removeprefix("OPP_"): p for p in out.rglob("OPP_*.docx")}


@pytest.fixture(scope="module")
def opps(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("opps")
    return _generate(_export(tmp), tmp / "uit")


PROMPTS = {v.placeholder for v in FIELDS if v.placeholder} | {
    form_reader.FALLBACK_TEXT, form_reader.FALLBACK_DATE, form_reader.FALLBACK_ITEM}


def _all_values(read: FormRead) -> list[object]:
    return [v for values in read.values.values() for v in values]


def test_an_untouched_opp_reads_back_only_what_the_export_had(opps):
    read = read_form(opps["1002"])
    assert read.readable and read.findings == ()
    filled = {tag: v for tag, values in read.values.items() for v in values if v not in (None, False)}
    assert not PROMPTS & {v for v in filled.values() if isinstance(v, str)}
    # the plain student: the export's values, the school defaults and what the tool computes; nothing else
    assert filled["leerling.roepnaam"] == "Sem" and filled["leerling.achternaam"] == "Jansen"
    assert filled["leerling.geboortedatum"] == date(2013, 5, 1) and filled["leerling.klas"] == "1A"
    assert "opp.opgesteld_door" not in filled and "doel[1].omschrijving" not in filled
    assert read.values["doel[3].omschrijving"] == (None,)  # the empty rows to fill in are empty
    assert set(filled) <= {"leerling.roepnaam", "leerling.achternaam", "leerling.geboortedatum",
                           "leerling.leerlingnummer", "leerling.klas", "leerling.mentor",
                           "leerling.datum_inschrijving", "opp.soort", "opp.versie", "opp.datum_opgesteld",
                           "opp.uiterste_vaststelling", "opp.samenwerkingsverband",
                           "instemming[ouder-nieuw].naam"}


def test_the_example_export_reads_back_without_findings_or_prompts(tmp_path):
    opps = _generate(EXAMPLE, tmp_path)
    assert len(opps) == 45
    for path in opps.values():
        read = read_form(path)
        assert read.readable and read.findings == (), (path.name, [str(f) for f in read.findings])
        assert not PROMPTS & {v for v in _all_values(read) if isinstance(v, str)}, path.name


def test_the_record_comes_back_from_the_form(opps):
    read = read_form(opps[RICH])
    assert read.findings == ()
    opp, findings = form_opp(read, RICH)
    assert findings == []
    s = opp.opp.leerling
    assert (s.roepnaam, s.tussenvoegsel, s.achternaam, s.geboortedatum) == (
        "Noor", "de", "Visser", date(2013, 5, 1))
    assert (s.soort, s.versie, s.onderwijssoort, s.lwoo, s.vorige_school, s.tlv) == (
        "Intake-OPP", "2", "havo", True, "OBS De Linde", "geen")
    assert s.aanleiding == ("Dreigende afstroom", "Mogelijke opstroom")  # the registry's order
    assert s.uitstroombestemming == "beroepsopleiding in de zorg"  # typed text of a combo box
    assert s.onderbouwing == "Regel één\nRegel twee"
    assert s.afwijkingen == ("Vrijstelling van vak(ken)",) and afwijkingen_antwoord(s) == "ja"
    assert (s.instemming_ouder1, s.datum_ondertekening_ouder1, s.perspectief_besproken_ouder1) == (
        "Stemt in met het handelingsdeel", date(2026, 10, 1), True)
    assert s.geregistreerd_duo is True and s.gedeeld_met_swv is None  # unticked: not answered
    assert [(o.naam, o.relatie, o.gezag, o.telefoon) for o in opp.opp.ouders] == [
        ("A. de Visser", "moeder", True, "0612345678"), ("B. de Visser", "vader", False, "")]
    assert [(d.domein, d.omschrijving, d.streefdatum) for d in opp.opp.doelen] == [
        ("Werkhouding", "Plant huiswerk", date(2027, 1, 29)),
        ("Cognitief", "Leest 20 minuten", date(2027, 3, 1))]
    assert [(o.wat, o.wie, o.einddatum) for o in opp.opp.ondersteuning] == [
        ("Planningsgesprek", "mentor", date(2027, 7, 9))]
    assert [(b.naam, b.rol) for b in opp.opp.betrokkenen] == [("C. Smit", "adviseur")]
    assert [(f.domein, f.bevorderend, f.belemmerend) for f in opp.opp.factoren] == [
        ("Sociaal-emotioneel", "Heeft vrienden", "Snel boos")]
    assert opp.signers["ouder1"]["naam"] == "A. de Visser"
    assert opp.computed["opp.afwijkingen_antwoord"] == "ja"
    assert opp.computed["ouder[2].gezag_antwoord"] == "nee"


def test_values_filled_the_way_word_stores_them_come_back_exactly(opps, tmp_path):
    form = Filler(opps["1002"])
    form.text("opp.opgesteld_door", "mw. K. Öztürk & dhr. L. <Li>")
    form.text("opp.mening_leerling", "Wil naar het mbo.\nVindt wiskunde moeilijk.")
    form.date("opp.datum_hoorrecht", date(2026, 11, 3))
    form.text("opp.wijze_hoorrecht", "gesprek")  # a drop-down: its display text
    form.text("opp.uitstroombestemming", "havo")
    form.tick("opp.aanleiding=Dreigende afstroom")
    form.tick("opp.gedeeld_met_swv")
    form.text("doel[2].omschrijving", "Komt op tijd")
    form.text("doel[2].resultaat", "deels behaald")
    form.text("doel[1].omschrijving", "Maakt huiswerk")
    form.copy_row("doel[1].omschrijving")
    form.text("doel[1].omschrijving", "Vraagt om hulp", n=1)  # the copy: the same tag a second time
    form.text("instemming[ouder-nieuw].antwoord", "Nog niet besproken")
    form.date("instemming[ouder-nieuw].datum", date(2026, 10, 20))
    read = read_form(form.save(tmp_path / "ingevuld.docx"))
    assert read.findings == ()
    v = read.values
    assert v["opp.opgesteld_door"] == ("mw. K. Öztürk & dhr. L. <Li>",)
    assert v["opp.mening_leerling"] == ("Wil naar het mbo.\nVindt wiskunde moeilijk.",)
    assert v["opp.datum_hoorrecht"] == (date(2026, 11, 3),) and v["opp.wijze_hoorrecht"] == ("gesprek",)
    assert v["opp.aanleiding=Dreigende afstroom"] == (True,) and v["opp.gedeeld_met_swv"] == (True,)
    assert v["doel[1].omschrijving"] == ("Maakt huiswerk", "Vraagt om hulp")
    assert v["doel[2].resultaat"] == ("deels behaald",) and v["doel[1].resultaat"] == (None,)
    opp, findings = form_opp(read, "1002")
    assert findings == []
    assert [d.omschrijving for d in opp.opp.doelen] == [
        "Maakt huiswerk", "Vraagt om hulp", "Komt op tijd"]
    assert opp.opp.doelen[2].resultaat == "deels behaald"
    assert opp.opp.leerling.aanleiding == ("Dreigende afstroom",) and opp.opp.leerling.gedeeld_met_swv
    assert opp.opp.leerling.uitstroombestemming == "havo"
    assert opp.signers["ouder-nieuw"] == {"naam": None, "antwoord": "Nog niet besproken",
                                          "perspectief_besproken": False, "datum": date(2026, 10, 20)}


def test_text_typed_outside_the_fields_is_reported_with_its_section(opps, tmp_path):
    form = Filler(opps["1002"])
    form.type_beside("opp.opgesteld_door", " (tijdelijk)")  # in a paragraph that is only a control
    form.type_beside("doel[1].omschrijving", "zie IOP")
    form.paragraph_after_heading("14. Overleg met ouders", "Moeder belt volgende week terug over het plan.")
    read = read_form(form.save(tmp_path / "buiten.docx"))
    messages = [f.message for f in read.findings]
    assert len(messages) == 3, messages
    assert messages[0].startswith("tekst buiten de invulvelden in §1 (Algemene gegevens): '(tijdelijk)'")
    assert messages[1].startswith("tekst buiten de invulvelden in §12 (Handelingsdeel): 'zie IOP'")
    assert messages[2].startswith("tekst buiten de invulvelden in §14 (Overleg met ouders): "
                                  "'Moeder belt volgende week terug over het…'")
    assert read.values["opp.opgesteld_door"] == (None,)  # never guessed into the field


def test_a_date_kept_only_as_text_is_parsed_or_reported(opps, tmp_path):
    form = Filler(opps["1002"])
    form.date_text_only("opp.datum_hoorrecht", "3 november 2026")
    form.date_text_only("opp.datum_evaluatie", "volgende week")
    read = read_form(form.save(tmp_path / "datum.docx"))
    assert read.values["opp.datum_hoorrecht"] == (date(2026, 11, 3),)
    assert read.values["opp.datum_evaluatie"] == (None,)
    assert [f.message for f in read.findings] == [
        "datumveld 'opp.datum_evaluatie' is niet te lezen: 'volgende week' is geen datum; verwacht "
        "bijvoorbeeld 1 september 2026"]


def test_a_drop_down_with_text_outside_its_list_is_kept_and_reported(opps, tmp_path):
    form = Filler(opps["1002"])
    form.text("opp.besluit", "nog even afwachten")
    read = read_form(form.save(tmp_path / "lijst.docx"))
    assert read.values["opp.besluit"] == ("nog even afwachten",)
    assert "keuzelijst 'opp.besluit'" in read.findings[0].message


def test_a_copy_without_tags_is_read_by_its_labels_never_misread(opps, tmp_path):
    form = Filler(opps[RICH])
    form.text("opp.mening_leerling", "Wil naar het mbo.")
    form.strip_like_libreoffice()
    read = read_form(form.save(tmp_path / "lo.docx"))
    assert read.readable and read.by_labels
    assert read.findings[0].message.startswith("opgeslagen met LibreOffice: de tags zijn weg; gelezen via de "
                                               "labels: ")
    assert "niet te lezen: ouders, betrokkenen, factoren, doelen, ondersteuning, instemming, vinkjes" in (
        read.findings[0].message)
    v = read.values
    assert v["leerling.roepnaam"] == ("Noor",) and v["leerling.geboortedatum"] == (date(2013, 5, 1),)
    assert v["opp.mening_leerling"] == ("Wil naar het mbo.",)
    assert v["opp.plaatsing"] == (None,) and "opp.aanwezig_evaluatie" not in v  # 'Aanwezig': twice
    assert v["opp.mening_meegewogen"] == (None,)  # its prompt, now plain text: empty
    assert not any(t.startswith(("doel", "instemming", "opp.aanleiding")) for t in v)
    assert not PROMPTS & {x for x in _all_values(read) if isinstance(x, str)}


def test_a_real_libreoffice_copy_is_read_by_its_labels(opps, tmp_path):
    vereist_programma("soffice")
    out = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profiel",
                    "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(out), str(opps[RICH])],
                   check=True, capture_output=True, timeout=120)
    read = read_form(out / opps[RICH].name)
    assert read.readable and read.by_labels and "libreoffice" in read.application.lower()
    v = read.values
    assert v["leerling.achternaam"] == ("Visser",)
    assert v["opp.opgesteld_door"] == ("dhr. P. Bakker, zorgcoördinator",)
    assert v["leerling.datum_inschrijving"] == (date(2026, 8, 24),) and v["opp.soort"] == ("Intake-OPP",)
    # LibreOffice itself moves a line break in a control out of it: the text stays, the break is lost
    assert v["opp.onderbouwing"] == ("Regel éénRegel twee",)
    assert v["opp.mening_leerling"] == (None,) and v["opp.datum_hoorrecht"] == (None,)
    assert not PROMPTS & {x for x in _all_values(read) if isinstance(x, str)}


def test_what_cannot_be_read_says_why_and_never_raises(opps, tmp_path):
    (tmp_path / "tekst.docx").write_text("geen zip")
    (tmp_path / "ole.docx").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(600))
    (tmp_path / "half.docx").write_bytes(opps[RICH].read_bytes()[:5000])
    with zipfile.ZipFile(tmp_path / "leeg.docx", "w") as zf:
        zf.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                         'wordprocessingml/2006/main"><w:body><w:p/></w:body></w:document>')
    with zipfile.ZipFile(tmp_path / "kapot.docx", "w") as zf:
        zf.writestr("word/document.xml", "<w:document")
    names = ("tekst.docx", "ole.docx", "half.docx", "leeg.docx", "kapot.docx", "weg.docx")
    reasons = {name: read_form(tmp_path / name) for name in names}
    assert not any(r.readable for r in reasons.values())
    assert "geen zip-bestand" in reasons["tekst.docx"].reason
    assert "versleuteld" in reasons["ole.docx"].reason
    assert "beschadigd" in reasons["half.docx"].reason and "beschadigd" in reasons["kapot.docx"].reason
    assert "geen bekende labels" in reasons["leeg.docx"].reason
    assert reasons["weg.docx"].reason == "weg.docx bestaat niet"


def test_slugs_match_the_form_context():
    assert all(slug(d) == context_slug(d) for d in DOMEINEN)


def test_every_prompt_the_form_can_show_reads_as_empty():
    for v in FIELDS:
        if v.type not in (FieldType.YES_NO, FieldType.CHOICES, FieldType.SECRET, FieldType.ID):
            assert form_reader.prompt(v) in PROMPTS
