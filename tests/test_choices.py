"""Choice fields through the real reading path: an export's spelling is read as the field's own choice
(case, spaces and punctuation do not count; synonyms are reported), a value outside a drop-down's list is
kept with one warning naming its cell, and a part of a multiple-choice cell that fits no choice goes to
the field's 'Anders, namelijk' text. At most one finding per cell."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import pytest

from generator.domain.fields import INSTEMMING, LEERLINGEN, SHEET_KINDS, FieldType
from generator.domain.findings import Location, Severity
from generator.domain.records import Leerling
from generator.domain.registry import FIELDS, get_field
from generator.read import convert
from generator.read.choices import OTHER_FIELDS, ChoiceList, choice_key
from generator.read.reader import read_exports
from generator.read.validator import validate

from .conftest import LEERLING_KOPPEN, leerling, make_workbook

VANDAAG = date(2026, 9, 1)
# What the old form and schools write for an instemming (the registry is asked to hold these).
INSTEMMING_SYNONIEMEN = (
    ("Ik stem in met het handelingsdeel", INSTEMMING[0]),
    ("Ik stem niet in met het handelingsdeel", INSTEMMING[1]),
    ("ja", INSTEMMING[0]), ("akkoord", INSTEMMING[0]), ("wel", INSTEMMING[0]), ("stemt in", INSTEMMING[0]),
    ("nee", INSTEMMING[1]), ("niet akkoord", INSTEMMING[1]), ("niet", INSTEMMING[1]),
    ("stemt niet in", INSTEMMING[1]),
)


def _read(tmp_path, headers: list[str], *rows: list, name: str = "in.xlsx"):
    """The export read as the tool reads it: the standard columns, then `headers`."""
    sheet = [LEERLING_KOPPEN + headers] + [leerling(str(n), "Aisha", f"Naam{n}") + row
                                           for n, row in enumerate(rows, start=1)]
    return read_exports([make_workbook(tmp_path / name, {"Leerlingen": sheet})])


def _check(tmp_path, headers: list[str], *rows: list):
    return validate(_read(tmp_path, headers, *rows), VANDAAG)


def _students(result) -> dict[str, Leerling]:
    return {o.leerling.leerlingnummer: o.leerling for o in result.opps}


def _cell_findings(result) -> list[tuple[str, Severity, Location, str]]:
    """Findings about one cell (the sheet's own findings left out)."""
    return [(b.leerlingnummer, b.severity, b.location, b.message) for b in result.findings
            if b.location.row and b.location.row > 1]


def _at(row: int, column: str, header: str) -> Location:
    return Location("in.xlsx", "Leerlingen", row, column, header)


def test_onderwijssoort_is_read_as_the_forms_choice_and_a_synonym_is_reported(tmp_path):
    result = _check(tmp_path, ["Onderwijssoort"], ["mavo"], ["HAVO"], ["Atheneum"], ["Vmbo-KB"], ["vmbo kb"],
                    [" vwo "])
    assert {n: s.onderwijssoort for n, s in _students(result).items()} == {
        "1": "vmbo-tl", "2": "havo", "3": "vwo", "4": "vmbo-kb", "5": "vmbo-kb", "6": "vwo"}
    assert all(type(s.onderwijssoort) is str for s in _students(result).values())  # no marks on a record
    assert _cell_findings(result) == [
        ("1", Severity.INFO, _at(2, "I", "Onderwijssoort"), "'mavo' gelezen als vmbo-tl"),
        ("3", Severity.INFO, _at(4, "I", "Onderwijssoort"), "'Atheneum' gelezen als vwo")]
    assert not result.errors()


def test_a_value_outside_the_list_is_kept_with_one_warning_naming_its_cell(tmp_path):
    result = _check(tmp_path, ["Soort OPP", "Onderwijssoort"], ["OPP", "xyz"], ["opp", "123456789"])
    students = _students(result)
    assert (students["1"].onderwijssoort, students["2"].onderwijssoort) == ("xyz", "123456789")
    assert students["2"].soort == "OPP"
    findings = _cell_findings(result)
    column = "J", "Onderwijssoort"
    assert [(f[0], f[1], f[2]) for f in findings] == [
        ("1", Severity.WARNING, _at(2, *column)), ("2", Severity.WARNING, _at(3, *column))]
    assert findings[0][3] == (
        "'xyz' staat niet in de keuzelijst van Onderwijssoort (praktijkonderwijs, vmbo-bb, vmbo-kb, vmbo-gl, "
        "vmbo-tl, vmbo-t/havo, havo, havo/vwo, vwo, vso, isk); de waarde staat op het formulier, "
        "controleer haar")
    assert "123456789" not in findings[1][3]  # it could be a BSN: never repeated in a message
    assert str(result.findings[-1]).startswith(
        "in.xlsx, blad 'Leerlingen', rij 3, kolom J 'Onderwijssoort': ")
    assert [o.leerling.leerlingnummer for o in result.opps] == ["1", "2"]  # a warning withholds nobody


def test_an_unlisted_aanleiding_goes_to_anders_namelijk_after_what_the_export_says_there(tmp_path):
    result = _check(tmp_path, ["Aanleiding OPP", "Aanleiding anders"],
                    ["Dreigende afstroom; Thuiszitter", ""],
                    ["dreigende afstroom;\nThuiszitter; Verzuim", "Eerder verwezen"],
                    ["Anders, namelijk: mantelzorg", None],
                    ["Dreigende afstroom, Mogelijke opstroom; Dreigende afstroom", None])
    students = _students(result)
    assert [(s.aanleiding, s.aanleiding_anders) for s in students.values()] == [
        (("Dreigende afstroom",), "Thuiszitter"),
        (("Dreigende afstroom",), "Eerder verwezen; Thuiszitter; Verzuim"),
        ((), "mantelzorg"),
        (("Dreigende afstroom", "Mogelijke opstroom"), "")]
    assert all(type(s.aanleiding) is tuple for s in students.values())
    where = [_at(n, "I", "Aanleiding OPP") for n in (2, 3, 4, 5)]
    assert _cell_findings(result) == [
        ("1", Severity.WARNING, where[0],
         "'Thuiszitter' past bij geen keuze van Aanleiding OPP; staat bij 'Anders, namelijk'"),
        ("2", Severity.WARNING, where[1],
         "'Thuiszitter' en 'Verzuim' passen bij geen keuze van Aanleiding OPP; staan bij 'Anders, namelijk'"),
        ("3", Severity.WARNING, where[2],
         "'mantelzorg' past bij geen keuze van Aanleiding OPP; staat bij 'Anders, namelijk'"),
        ("4", Severity.INFO, where[3],
         "'Dreigende afstroom, Mogelijke opstroom' gelezen als Dreigende afstroom; Mogelijke opstroom")]


def test_an_unlisted_afwijking_goes_to_its_own_anders_field_even_without_that_column(tmp_path):
    result = _check(tmp_path, ["Afwijkingen"], ["Vrijstelling van vakken; Stage op vrijdag"],
                    ["deels onderwijs op een andere locatie"], ["Vrijstelling van vak"])
    students = _students(result)
    assert [(s.afwijkingen, s.afwijkingen_anders) for s in students.values()] == [
        (("Vrijstelling van vak(ken)",), "Stage op vrijdag"),
        (("(Deels) onderwijs op een andere locatie",), ""),
        (("Vrijstelling van vak(ken)",), "")]  # the text without its part in brackets stands for one choice
    assert _cell_findings(result) == [
        ("1", Severity.WARNING, _at(2, "I", "Afwijkingen"),
         "'Stage op vrijdag' past bij geen keuze van Afwijkingen; staat bij 'Anders, namelijk'"),
        ("3", Severity.INFO, _at(4, "I", "Afwijkingen"),
         "'Vrijstelling van vak' gelezen als Vrijstelling van vak(ken)")]


def test_a_short_form_two_choices_share_stands_for_neither(tmp_path):
    result = _check(tmp_path, ["Aanleiding OPP"], ["Intake"], ["intake : VO-school stelt extra "
                                                               "ondersteuningsbehoefte vast"])
    students = _students(result)
    assert (students["1"].aanleiding, students["1"].aanleiding_anders) == ((), "Intake")
    assert students["2"].aanleiding == ("Intake: VO-school stelt extra ondersteuningsbehoefte vast",)
    assert [f[0] for f in _cell_findings(result)] == ["1"]


def test_instemming_from_the_old_form_and_from_yes_no_words(tmp_path):
    """The registry's instemming fields with synonyms (as INSTEMMING_SYNONIEMEN asks it to hold), put on
    the columns the reader recognised: the validator reads them through the same plan."""
    written = ["Ik stem in met het handelingsdeel", "ik stem NIET in met het handelingsdeel", "ja", "Nee",
               "Akkoord", "wel", "niet", "stemt in", "Stemt niet in", "Nog niet besproken", "misschien"]
    read = _read(tmp_path, ["Instemming ouder 1"], *[[w] for w in written])
    field = dataclasses.replace(get_field("opp.instemming_ouder1"), synonyms=INSTEMMING_SYNONIEMEN)
    for table in read.tables:
        table.columns = tuple(dataclasses.replace(c, field=field) if c.header == "Instemming ouder 1" else c
                              for c in table.columns)
    result = validate(read, VANDAAG)
    yes, no, open_ = INSTEMMING
    assert [s.instemming_ouder1 for s in _students(result).values()] == [
        yes, no, yes, no, yes, yes, no, yes, no, open_, "misschien"]
    severities = Counter(f[1] for f in _cell_findings(result))
    assert severities == {Severity.INFO: 9, Severity.WARNING: 1}  # the choice itself: no finding
    assert _cell_findings(result)[-1][3].startswith("'misschien' staat niet in de keuzelijst van Instemming "
                                                   "ouder 1")


@pytest.mark.skipif(not get_field("opp.instemming_ouder1").synonyms,
                    reason="synoniemen nog niet in het register")
def test_the_registry_reads_the_old_forms_instemming():
    for path in ("opp.instemming_ouder1", "opp.instemming_ouder2", "opp.instemming_leerling"):
        read = ChoiceList(get_field(path))
        for written, meant in INSTEMMING_SYNONIEMEN:
            assert read.lookup(written)[0] == meant, (path, written)


def test_geen_afwijkingen_and_named_afwijkingen_in_one_row_is_one_warning(tmp_path):
    result = _check(tmp_path, ["Geen afwijkingen", "Afwijkingen", "Afwijkingen anders"],
                    ["ja", "Vrijstelling van vak(ken)", None], ["ja", None, "Eigen rooster"],
                    ["ja", "Onbekende afwijking", None], ["ja", None, None],
                    ["nee", "Vrijstelling van vak(ken)", None])
    conflicts = [f for f in _cell_findings(result) if "geen afwijkingen én noemt afwijkingen" in f[3]]
    assert [(f[0], f[1], f[2]) for f in conflicts] == [
        (n, Severity.WARNING, _at(int(n) + 1, "I", "Geen afwijkingen")) for n in ("1", "2", "3")]
    assert "blijft open op het formulier" in conflicts[0][3]
    assert len(_cell_findings(result)) == 4  # and row 4's unlisted afwijking, once


def test_a_combo_box_takes_a_choice_in_any_spelling_and_other_text_as_typed(tmp_path):
    result = _check(tmp_path, ["Uitstroombestemming"], ["MBO niveau 2"], ["Kok (mbo niveau 2)"], ["HBO"])
    assert [s.uitstroombestemming for s in _students(result).values()] == [
        "mbo niveau 2", "Kok (mbo niveau 2)", "hbo"]
    assert _cell_findings(result) == []


def test_one_finding_per_cell_however_much_is_read_in_it(tmp_path):
    result = _check(tmp_path, ["Onderwijssoort", "Aanleiding OPP", "Afwijkingen"],
                    ["mavo", "dreigende AFSTROOM; Thuiszitter; Schoolwisselaar of zij-instromer; Verzuim",
                     "Vrijstelling van vak; Stage"])
    per_cell = Counter(f[2] for f in _cell_findings(result))
    assert per_cell == {_at(2, "I", "Onderwijssoort"): 1, _at(2, "J", "Aanleiding OPP"): 1,
                        _at(2, "K", "Afwijkingen"): 1}
    afwijkingen = next(f for f in _cell_findings(result) if f[2].column == "K")
    assert afwijkingen[1] is Severity.WARNING and afwijkingen[3] == (
        "'Stage' past bij geen keuze van Afwijkingen; staat bij 'Anders, namelijk'; 'Vrijstelling van vak' "
        "gelezen als Vrijstelling van vak(ken)")


def test_a_semicolon_csv_is_read_the_same_way(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Stamnummer;Roepnaam;Achternaam;Klas;Onderwijssoort;Aanleiding OPP\n"
                    '1;Aisha;Bakker;1A;MAVO;"Dreigende afstroom; Thuiszitter"\n', encoding="utf-8")
    result = validate(read_exports([path]), VANDAAG)
    student = result.opps[0].leerling
    assert (student.onderwijssoort, student.aanleiding, student.aanleiding_anders) == (
        "vmbo-tl", ("Dreigende afstroom",), "Thuiszitter")


def test_choice_lists_are_built_once_per_field():
    field = get_field("leerling.onderwijssoort")
    assert convert.field_converter(field) is convert.field_converter(field)
    assert convert.convert_value(field, "Gymnasium") == "vwo"
    assert convert.field_converter(get_field("leerling.klas")) is convert.converter(FieldType.TEXT)


def test_choice_key_ignores_case_accents_spaces_and_punctuation():
    assert choice_key("Vmbo-KB") == choice_key("vmbo kb") == choice_key(" VMBO_kb. ") == "vmbokb"
    assert choice_key("OPP beeindigen") == choice_key("OPP beëindigen")
    assert choice_key("vmbo-t/havo") != choice_key("vmbo-tl/havo")


def test_every_choice_and_synonym_in_the_registry_reads_as_itself():
    """No two choices of a field share a spelling, and every synonym points at a choice of its field."""
    for v in FIELDS:
        if v.type in (FieldType.CHOICE, FieldType.COMBO, FieldType.CHOICES) and v.choices:
            read = ChoiceList(v)
            assert all(read.lookup(c) == (c, False) for c in v.choices), v.path
            assert len({choice_key(c) for c in v.choices}) == len(v.choices), v.path
            assert all(read.lookup(w)[0] == m for w, m in v.synonyms if choice_key(w) not in
                       {choice_key(c) for c in v.choices}), v.path


def test_each_anders_field_belongs_to_its_choices_field():
    for choices, other in OTHER_FIELDS.items():
        a, b = get_field(choices), get_field(other)
        assert a.type is FieldType.CHOICES and b.type is FieldType.TEXT and a.sheet is b.sheet
        assert a.sheet in SHEET_KINDS and b.name in {f.name for f in dataclasses.fields(Leerling)}
        assert a.sheet is LEERLINGEN
