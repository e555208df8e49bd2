"""School data once (issue 17): school.toml beside the first export or `--school PAD`, read once per run,
validated with Dutch messages (errors stop the run with 66, bad values leave one field open), the same
School in every student's context, and part of every OPP's input hash only when there is one."""

from __future__ import annotations

import json
import pickle
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import pipeline
from generator.cli import main
from generator.domain.errors import InputError
from generator.domain.findings import Severity
from generator.domain.records import School
from generator.read.school import MAX_BYTES, NO_SCHOOL, find_school_file, read_school
from generator.write.manifest import MANIFEST, input_hash
from generator.write.writer import Outcome

from .conftest import LEERLING_KOPPEN, ROOT, TEMPLATE, leerling, make_workbook

JAAR = "2026-2027"
GOOD = """\
[school]
naam = "Voorbeeldcollege Amsterdam"
brin = "99xx"
vestiging = "01"
bevoegd_gezag = "Stichting Voorbeeld Onderwijs"
samenwerkingsverband = "Samenwerkingsverband VO Amsterdam-Diemen"

[ondersteuningscoordinator]
naam = "mw. A. Jansen"
email = "a.jansen@example.nl"
telefoon = "020 123 4567"
"""
GOOD_SCHOOL = School(naam="Voorbeeldcollege Amsterdam", brin="99XX", vestiging="01",
                     bevoegd_gezag="Stichting Voorbeeld Onderwijs", coordinator_naam="mw. A. Jansen",
                     coordinator_email="a.jansen@example.nl", coordinator_telefoon="020 123 4567",
                     samenwerkingsverband="Samenwerkingsverband VO Amsterdam-Diemen")


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def export(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    students = [leerling("1", "Anna", "Aartsen"), leerling("2", "Bram", "Bakker"),
                leerling("3", "Cas", "Claes")]
    return make_workbook(path, {"Leerlingen": [LEERLING_KOPPEN, *students]})


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="opp")


def generate(*args):
    return run("genereer", *args, "--schooljaar", JAAR, "--werkers", "1")


def refused(tmp_path: Path, text: str | bytes) -> str:
    """The Dutch message of a school file that stops the run."""
    with pytest.raises(InputError) as caught:
        read_school(write(tmp_path / "school.toml", text))
    assert caught.value.exit_code == 66
    message = str(caught.value)
    assert str(tmp_path / "school.toml") in message and "Traceback" not in message
    return message


# --- finding the file ----------------------------------------------------------------------------------

def test_school_toml_beside_the_first_export_is_found_and_beside_a_later_one_is_not(tmp_path):
    first, second = export(tmp_path / "a" / "export.xlsx"), export(tmp_path / "b" / "ouders.xlsx")
    assert find_school_file([first, second], None) is None
    write(tmp_path / "b" / "school.toml", GOOD)
    assert find_school_file([first, second], None) is None
    beside = write(tmp_path / "a" / "school.toml", GOOD)
    assert find_school_file([first, second], None) == beside
    other = tmp_path / "elders.toml"
    assert find_school_file([first, second], other) == other  # --school wins, also before it exists


def test_no_school_file_is_fine_with_one_info_line(tmp_path):
    book = export(tmp_path / "export.xlsx")
    checked = pipeline.check(pipeline.Settings([book], TEMPLATE, tmp_path / "uit", JAAR, date(2026, 10, 1)))
    school_lines = [f for f in checked.findings if "schoolbestand" in f.message]
    assert [f.severity for f in school_lines] == [Severity.INFO]
    assert "geen schoolbestand gevonden" in school_lines[0].message
    assert school_lines[0].location.file == str(tmp_path / "school.toml")


def test_the_example_export_has_its_school_file():
    school, findings = read_school(ROOT / "input" / "school.toml")
    assert school.naam == "Voorbeeldcollege Amsterdam" and school.brin == "99XX"
    assert school.samenwerkingsverband == "Samenwerkingsverband VO Amsterdam-Diemen"
    assert all(getattr(school, name) for name in School.__dataclass_fields__)
    assert [f.severity for f in findings] == [Severity.INFO]


# --- a good file ---------------------------------------------------------------------------------------

def test_a_good_file_gives_every_field_and_the_brin_in_capitals(tmp_path):
    school, findings = read_school(write(tmp_path / "school.toml", GOOD))
    assert school == GOOD_SCHOOL
    assert school.coordinator == "mw. A. Jansen, a.jansen@example.nl, 020 123 4567"
    assert [(f.severity, f.message) for f in findings] == [(Severity.INFO,
                                                            "schoolgegevens gelezen voor elk OPP")]


def test_bom_accents_and_capitals_in_names_and_an_empty_value_are_accepted(tmp_path):
    text = ('\ufeff[School]\nNaam = "Het Lyceum"\nbrin = ""\n\n'
            '["ondersteuningscoördinator"]\nnaam = "dhr. B. de Boer"\n')
    school, findings = read_school(write(tmp_path / "school.toml", text))
    assert school == School(naam="Het Lyceum", coordinator_naam="dhr. B. de Boer")
    assert [f.severity for f in findings] == [Severity.INFO]
    # what is left open is named once (vestiging is optional, so it is not)
    assert findings[0].message == (
        "schoolgegevens gelezen voor elk OPP; open op het formulier: [school] brin, [school] bevoegd_gezag, "
        "[school] samenwerkingsverband, [ondersteuningscoordinator] email, "
        "[ondersteuningscoordinator] telefoon")


# --- errors: the file is no usable school file (66) ----------------------------------------------------

def test_a_toml_syntax_error_names_the_line(tmp_path):
    message = refused(tmp_path, GOOD.replace('brin = "99xx"', "brin = XX99"))
    assert ", regel 3: het schoolbestand is geen geldige TOML (ongeldige waarde; zet tekst tussen " \
           "aanhalingstekens); verwacht regels als naam = " in message
    message = refused(tmp_path, GOOD.replace('brin = "99xx"', "brin = 99XX"))
    assert ", regel 3: het schoolbestand is geen geldige TOML (na de waarde mag alleen # met uitleg " \
           "staan; zet tekst tussen aanhalingstekens)" in message


def test_an_unclosed_quote_and_a_duplicate_key_are_named_in_dutch(tmp_path):
    assert "regel 2" in (m := refused(tmp_path, '[school]\nnaam = "Lyceum\n')) and "niet gesloten" in m
    assert "regel 3" in (m := refused(tmp_path, '[school]\nnaam = "a"\nnaam = "b"\n')) and "twee keer" in m


def test_an_unknown_key_is_an_error_with_a_suggestion_and_the_line(tmp_path):
    message = refused(tmp_path, GOOD.replace('brin = "99xx"', 'bring = "99xx"'))
    assert message == (f"{tmp_path / 'school.toml'}, regel 3: onbekende sleutel 'bring' in [school] (bedoelt "
                       "u 'brin'?); toegestaan: naam, brin, vestiging, bevoegd_gezag, samenwerkingsverband")


def test_every_unknown_key_is_named_at_once(tmp_path):
    message = refused(tmp_path, GOOD.replace('email =', 'e-mail =').replace("telefoon", "tel"))
    assert "regel 10: onbekende sleutel 'e-mail' in [ondersteuningscoordinator] (bedoelt u 'email'?)" \
        in message
    assert "regel 11: onbekende sleutel 'tel' in [ondersteuningscoordinator]" in message


def test_an_unknown_section_is_an_error_with_a_suggestion(tmp_path):
    message = refused(tmp_path, GOOD.replace("[ondersteuningscoordinator]", "[zorgcoordinator]"))
    assert "regel 8: onbekende sectie [zorgcoordinator] (bedoelt u 'ondersteuningscoordinator'?)" in message
    assert "toegestaan: [school], [ondersteuningscoordinator]" in message


def test_a_key_above_every_section_says_which_section_it_belongs_to(tmp_path):
    message = refused(tmp_path, 'brin = "99XX"\n' + GOOD)
    assert message == (f"{tmp_path / 'school.toml'}, regel 1: 'brin' staat niet onder een sectie; "
                       "zet [school] erboven")


def test_a_section_written_as_a_value_is_an_error(tmp_path):
    assert "'school' moet een sectie zijn" in refused(tmp_path, 'school = "Voorbeeldcollege"\n')


def test_bytes_that_are_not_utf8_name_the_line(tmp_path):
    message = refused(tmp_path, GOOD.replace("Onderwijs", "Onderwijs \u00eb").encode("cp1252"))
    assert ", regel 5: het schoolbestand is geen UTF-8-tekst (byte 0xEB); sla het op met codering UTF-8" \
        in message


def test_a_file_over_64_kb_is_refused_as_no_school_file(tmp_path):
    message = refused(tmp_path, GOOD + "#" * MAX_BYTES)
    assert "groter dan 64 kB, dus geen schoolbestand" in message


def test_a_folder_is_no_school_file(tmp_path):
    (tmp_path / "map").mkdir()
    with pytest.raises(InputError, match="is een map, geen schoolbestand"):
        read_school(tmp_path / "map")


# --- warnings: one bad value leaves one field open -----------------------------------------------------

@pytest.mark.parametrize(("section", "line", "attribute", "expected"), [
    ("school", 'brin = "9XX"', "brin",
     "ongeldige BRIN-code '9XX'; verwacht 4 tekens: 2 cijfers en 2 letters of cijfers, bijvoorbeeld 99XX"),
    ("school", 'brin = "XX99"', "brin", "ongeldige BRIN-code 'XX99'"),
    ("school", 'brin = "99XX00"', "brin", "staat de vestiging erachter, zet die dan bij vestiging"),
    ("school", 'vestiging = "1"', "vestiging", "ongeldig vestigingsnummer '1'; verwacht 2 cijfers"),
    ("school", "vestiging = 0", "vestiging",
     'is geen tekst (een getal); zet de waarde tussen aanhalingstekens, bijvoorbeeld vestiging = "00"'),
    ("school", "naam = true", "naam", "is geen tekst (ja/nee)"),
    ("school", 'naam = ["a", "b"]', "naam", "is geen tekst (een lijst)"),
    ("ondersteuningscoordinator", 'email = "a.jansen@"', "coordinator_email",
     "onbruikbaar e-mailadres 'a.jansen@'; verwacht naam@school.nl"),
    ("ondersteuningscoordinator", 'email = "a jansen@example.nl"', "coordinator_email", "onbruikbaar"),
    ("ondersteuningscoordinator", 'telefoon = "020 123 abc"', "coordinator_telefoon",
     "telefoonnummer met letters '020 123 abc'; verwacht alleen cijfers, spaties, +, - en haakjes"),
    ("ondersteuningscoordinator", 'telefoon = "12"', "coordinator_telefoon", "ongeldig telefoonnummer '12'"),
    ("school", r'bevoegd_gezag = "Stichting\tVoorbeeld"', "bevoegd_gezag", "onzichtbaar stuurteken"),
    ("school", r'naam = "Voorbeeld\u200bcollege"', "naam", "onzichtbaar stuurteken"),
    ("ondersteuningscoordinator", r'naam = "mw. A.\u202e Jansen"', "coordinator_naam",
     "onzichtbaar stuurteken"),
    ("school", f'naam = "{"x" * 201}"', "naam", "is 201 tekens lang, hooguit 200"),
])
def test_a_bad_value_is_one_warning_naming_line_and_key_and_leaves_only_that_field_open(
        tmp_path, section, line, attribute, expected):
    key = line.split(" =")[0]
    text, number = with_line(section, key, line)
    school, findings = read_school(write(tmp_path / "school.toml", text))
    warnings = [f.message for f in findings if f.severity is Severity.WARNING]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"regel {number}, [{section}] {key}: ")
    assert expected in warnings[0] and warnings[0].endswith("; dit veld blijft open op elk OPP")
    assert getattr(school, attribute) == ""
    assert vars_of(school) == {**vars_of(GOOD_SCHOOL), attribute: ""}  # every other field as it was


def with_line(section: str, key: str, new: str) -> tuple[str, int]:
    """GOOD with the line of `key` in [section] replaced by `new`, and that line's number."""
    lines, current, number = GOOD.splitlines(), "", 0
    for i, text in enumerate(lines):
        if text.startswith("["):
            current = text.strip("[]")
        elif current == section and text.startswith(f"{key} ="):
            lines[i], number = new, i + 1
    assert number, (section, key)
    return "\n".join(lines) + "\n", number


def vars_of(school: School) -> dict[str, str]:
    return {name: getattr(school, name) for name in School.__dataclass_fields__}


# --- one School for every student, through the real CLI ------------------------------------------------

@pytest.fixture
def contexts(monkeypatch) -> list:
    """The School that reaches build_context for each student (with --werkers 1, in this process)."""
    seen: list = []
    real = pipeline.build_context

    def spy(*args, school=None, **kwargs):
        seen.append(school)
        return real(*args, school=school, **kwargs)
    monkeypatch.setattr(pipeline, "build_context", spy)
    return seen


def test_school_toml_beside_the_export_reaches_every_students_context(tmp_path, contexts):
    book = export(tmp_path / "in" / "export.xlsx")
    write(tmp_path / "in" / "school.toml", GOOD)
    result = generate(book, "--uitvoer", tmp_path / "uit")
    assert result.exit_code == 0, result.output
    assert contexts == [GOOD_SCHOOL] * 3


def test_school_option_names_another_file_for_every_student(tmp_path, contexts):
    book = export(tmp_path / "in" / "export.xlsx")
    write(tmp_path / "in" / "school.toml", GOOD)  # not this one: --school wins
    other = write(tmp_path / "elders" / "mijn-school.toml", '[school]\nnaam = "Ander College"\n')
    result = generate(book, "--uitvoer", tmp_path / "uit", "--school", other)
    assert result.exit_code == 0, result.output
    assert contexts == [School(naam="Ander College")] * 3


def test_without_a_school_file_the_context_gets_an_empty_school(tmp_path, contexts):
    result = generate(export(tmp_path / "export.xlsx"), "--uitvoer", tmp_path / "uit")
    assert result.exit_code == 0, result.output
    assert contexts == [NO_SCHOOL] * 3


def test_the_context_function_passes_the_school_and_pickles_for_the_workers(tmp_path):
    book = export(tmp_path / "export.xlsx")
    write(tmp_path / "school.toml", GOOD)
    settings = pipeline.Settings([book], TEMPLATE, tmp_path / "uit", JAAR, date(2026, 10, 1))
    task = pipeline.check(settings).tasks[0]
    assert settings.school == GOOD_SCHOOL  # read once, by the check both commands run
    context_of = partial(pipeline._context, schooljaar=JAAR, today=date(2026, 10, 1), school=settings.school)
    received = pickle.loads(pickle.dumps(context_of))
    assert received.keywords["school"] == GOOD_SCHOOL
    assert isinstance(received(task), dict)


def test_school_option_naming_a_missing_file_is_66_in_dutch_before_anything_is_written(tmp_path):
    missing = tmp_path / "geen-school.toml"
    result = generate(export(tmp_path / "export.xlsx"), "--uitvoer", tmp_path / "uit", "--school", missing)
    assert result.exit_code == 66, result.output
    assert f"Fout: schoolbestand niet gevonden: {missing}" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "uit").exists()


def test_help_names_the_option_in_dutch():
    for command in ("genereer", "controleer"):
        result = run(command, "--help")
        assert "--school BESTAND" in result.output and "ondersteuningscoördinator" in result.output


# --- controleer reports the school file's problems -----------------------------------------------------

def test_controleer_shows_a_bad_value_as_a_warning_and_streng_makes_it_65(tmp_path):
    book = export(tmp_path / "export.xlsx")
    write(tmp_path / "school.toml", GOOD.replace('"99xx"', '"9"'))
    result = run("controleer", book)
    assert result.exit_code == 0, result.output
    assert f"waarschuwing: {tmp_path / 'school.toml'}: regel 3, [school] brin: ongeldige BRIN-code '9'" \
        in result.output
    assert "schoolgegevens gelezen voor elk OPP; open op het formulier: [school] brin" in result.output
    assert run("controleer", book, "--streng").exit_code == 65


def test_controleer_stops_with_66_on_an_unknown_key(tmp_path):
    book = export(tmp_path / "export.xlsx")
    school = write(tmp_path / "elders.toml", GOOD.replace("bevoegd_gezag", "bevoegdgezag"))
    result = run("controleer", book, "--school", school)
    assert result.exit_code == 66, result.output
    assert "onbekende sleutel 'bevoegdgezag' in [school] (bedoelt u 'bevoegd_gezag'?)" in result.output


def test_genereer_writes_the_school_warning_into_the_check_report_and_makes_every_opp(tmp_path):
    book = export(tmp_path / "export.xlsx")
    write(tmp_path / "school.toml", GOOD.replace("a.jansen@example.nl", "a.jansen"))
    result = generate(book, "--uitvoer", tmp_path / "uit")
    assert result.exit_code == 0, result.output
    assert "3 OPP's geschreven" in result.output
    assert "[ondersteuningscoordinator] email: onbruikbaar e-mailadres 'a.jansen'" in result.output


# --- the input hash ------------------------------------------------------------------------------------

def _hashes(uit: Path) -> dict[str, str]:
    entries = json.loads((uit / JAAR / MANIFEST).read_text(encoding="utf-8"))["bestanden"]
    return {e["leerlingnummer"]: e["invoer"] for e in entries}


def test_no_school_leaves_the_input_hash_as_it_was_before_school_toml(tmp_path):
    book = export(tmp_path / "export.xlsx")
    for school in (None, NO_SCHOOL):
        settings = pipeline.Settings([book], TEMPLATE, tmp_path / "uit", JAAR, date(2026, 10, 1),
                                     school=school)
        checked = pipeline.check(settings)
        for task in checked.tasks:
            links = "\n".join(checked.signals[task.opp.leerling.leerlingnummer].link_targets)
            assert pipeline._input_hash(task, settings, checked.signals) == input_hash(task.opp, JAAR, links)
    settings.school = School(brin="99XX")
    assert pipeline._input_hash(task, settings, checked.signals) != input_hash(task.opp, JAAR, links)


def test_a_changed_school_file_changes_every_opps_input_hash_and_nothing_else_does(tmp_path):
    book, uit = export(tmp_path / "export.xlsx"), tmp_path / "uit"
    assert generate(book, "--uitvoer", uit).exit_code == 0
    without = _hashes(uit)
    school = write(tmp_path / "school.toml", GOOD)
    assert generate(book, "--uitvoer", uit).exit_code == 0
    with_school = _hashes(uit)
    assert all(with_school[n] != without[n] for n in without)
    again = pipeline.generate(pipeline.Settings([book], TEMPLATE, uit, JAAR, date.today(), workers=1))
    assert set(again.per_student.values()) == {Outcome.UNCHANGED} and _hashes(uit) == with_school
    write(school, GOOD.replace("020 123 4567", "020 765 4321"))
    assert generate(book, "--uitvoer", uit).exit_code == 0
    assert all(_hashes(uit)[n] not in (with_school[n], without[n]) for n in without)
    school.unlink()
    assert generate(book, "--uitvoer", uit).exit_code == 0
    assert _hashes(uit) == without  # back to no school data: back to the old hashes
