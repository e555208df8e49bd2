"""Re-runs never cost an edit: the manifest's decision table (betrouwbaarheid.md §3.8), end to end."""

from __future__ import annotations

import json
import stat
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator import pipeline
from generator.cli import main
from generator.write.manifest import MANIFEST, sha256
from generator.write.register import FILE_NAME as REGISTER
from generator.write.writer import Outcome, keep_copy

from .conftest import LEERLING_KOPPEN, TEMPLATE, docx_text, leerling, make_workbook

JAAR = "2026-2027"


def export(path: Path, mentor3: str = "mw. Test", doel2: str = "Leest groep 6-niveau",
           extra: bool = False) -> Path:
    students = [leerling("1", "Anna", "Aalders"), leerling("2", "Bram", "Bos"),
                leerling("3", "Cas", "Claes", mentor=mentor3)]
    if extra:
        students.append(leerling("4", "Dirk", "Dekker"))
    return make_workbook(path, {
        "Leerlingen": [LEERLING_KOPPEN, *students],
        "Doelen": [["Stamnummer", "Doel"], ["1", "Rekent tot 100"], ["2", doel2], ["3", "Plant zijn week"]],
    })


def generate(book: Path, uit: Path, template: Path = TEMPLATE, **opties) -> pipeline.RunResult:
    settings = pipeline.Settings([book], template, uit, JAAR, date(2026, 10, 1), **opties)
    return pipeline.generate(settings)


def cli(book: Path, uit: Path, *extra: str):
    return CliRunner().invoke(main, ["genereer", str(book), "--uitvoer", str(uit), "--schooljaar", JAAR,
                                     "--werkers", "1", *extra], catch_exceptions=False)


def snapshot(uit: Path) -> dict[str, bytes]:
    """Every OPP, backup and the manifest (the reports beside them are rewritten on every run)."""
    return {p.relative_to(uit).as_posix(): p.read_bytes() for p in sorted(uit.rglob("*"))
            if p.is_file() and (p.suffix == ".docx" or p.name == MANIFEST)}


def register_status(uit: Path) -> dict[str, str]:
    """Leerlingnummer -> the status column of the register overzicht.xlsx."""
    rows = list(load_workbook(uit / JAAR / REGISTER, read_only=True)["OPP's"].iter_rows(values_only=True))
    col = rows[0].index("Bestand")
    return {row[0]: row[col] for row in rows[1:]}


def opp(uit: Path, nr: str, suffix: str = "") -> Path:
    return uit / JAAR / "1A" / f"OPP_{nr}{suffix}.docx"


def edit_with_python_docx(path: Path, text: str) -> None:
    d = docx.Document(str(path))
    d.add_paragraph(text)
    d.save(str(path))


def edit_one_byte(path: Path) -> None:
    """Change one byte (a time field in the zip's central directory): still a valid document."""
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    data[central + 12] ^= 0x01
    path.write_bytes(bytes(data))
    zipfile.ZipFile(path).testzip()


def test_scenario_edits_survive_conflict_goes_beside_update_keeps_backup_and_third_run_is_idle(tmp_path):
    uit = tmp_path / "uit"
    first = generate(export(tmp_path / "in.xlsx"), uit)
    assert set(first.per_student.values()) == {Outcome.NEW}
    old3 = opp(uit, "3").read_bytes()

    edit_with_python_docx(opp(uit, "1"), "Aangevuld door de secretaresse")
    edit_one_byte(opp(uit, "2"))
    edited = {nr: opp(uit, nr).read_bytes() for nr in ("1", "2")}

    book = export(tmp_path / "in2.xlsx", mentor3="dhr. Nieuw", doel2="Leest groep 7-niveau", extra=True)
    result = cli(book, uit)
    assert result.exit_code == 75, result.output  # a conflict waits for a person
    assert {nr: opp(uit, nr).read_bytes() for nr in ("1", "2")} == edited
    assert "Aangevuld door de secretaresse" in docx_text(opp(uit, "1"))
    assert "Leest groep 7-niveau" in docx_text(opp(uit, "2", " (nieuw)"))
    assert "Leest groep 6-niveau" in docx_text(opp(uit, "2"))
    assert opp(uit, "3", " (vorige)").read_bytes() == old3
    assert "dhr. Nieuw" in docx_text(opp(uit, "3"))
    assert "Dirk" in docx_text(opp(uit, "4"))
    for phrase in ("1 OPP's geschreven", "1 bijgewerkt", "1 bewerkt en niet "
                   "overschreven", "1 conflict"):
        assert phrase in result.output
    assert register_status(uit) == {"1": Outcome.EDITED.value, "2": Outcome.CONFLICT.value,
                                    "3": Outcome.UPDATED.value, "4": Outcome.NEW.value}

    before = snapshot(uit)
    third = generate(book, uit)
    assert snapshot(uit) == before  # nothing written, not even the manifest
    assert third.per_student == {"1": Outcome.EDITED, "2": Outcome.CONFLICT,
                                 "3": Outcome.UNCHANGED, "4": Outcome.UNCHANGED}
    assert third.extra["2"] == opp(uit, "2", " (nieuw)")


def test_second_result_names_every_outcome_and_extra_file(tmp_path):
    uit = tmp_path / "uit"
    generate(export(tmp_path / "in.xlsx"), uit)
    edit_with_python_docx(opp(uit, "1"), "x")
    edit_one_byte(opp(uit, "2"))
    result = generate(export(tmp_path / "in2.xlsx", mentor3="dhr. Nieuw", doel2="Anders", extra=True), uit)
    assert result.per_student == {"1": Outcome.EDITED, "2": Outcome.CONFLICT,
                                  "3": Outcome.UPDATED, "4": Outcome.NEW}
    assert result.extra == {"2": opp(uit, "2", " (nieuw)"), "3": opp(uit, "3", " (vorige)")}
    assert Outcome.CONFLICT.value.startswith("conflict")  # the register shows the Dutch value


def test_unchanged_input_and_file_are_left_alone_even_on_another_day(tmp_path):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    generate(book, uit)
    before = snapshot(uit)
    settings = pipeline.Settings([book], TEMPLATE, uit, JAAR, date(2026, 12, 24))  # other 'vandaag'
    result = pipeline.generate(settings)
    assert set(result.per_student.values()) == {Outcome.UNCHANGED}
    assert {k: v for k, v in snapshot(uit).items() if k.endswith(".docx")} == \
        {k: v for k, v in before.items() if k.endswith(".docx")}


def test_template_change_updates_untouched_files_and_puts_new_version_beside_edited(tmp_path):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    generate(book, uit)
    edit_with_python_docx(opp(uit, "1"), "bewerkt")
    edited = opp(uit, "1").read_bytes()
    old2 = opp(uit, "2").read_bytes()
    other_template = tmp_path / "sjabloon.docx"
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(other_template, "w") as dst:
        for info in src.infolist():  # same template, the school's name in its core properties
            data = src.read(info)
            if info.filename == "docProps/app.xml":
                data = data.replace(b"</Properties>", b"<Company>Test</Company></Properties>")
            dst.writestr(info, data)
    result = generate(book, uit, other_template)
    assert result.per_student == {"1": Outcome.CONFLICT, "2": Outcome.UPDATED,
                                  "3": Outcome.UPDATED}
    assert opp(uit, "1").read_bytes() == edited
    assert opp(uit, "2", " (vorige)").read_bytes() == old2
    assert b"<Company>Test</Company>" in zipfile.ZipFile(opp(uit, "2")).read("docProps/app.xml")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_template_changed_in_place_between_two_runs_in_one_process_is_compiled_anew(tmp_path, workers):
    """A compiled template lives for one run: a library user who edits the template file and runs
    again in the same process gets the new one."""
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    template = tmp_path / "sjabloon.docx"
    template.write_bytes(TEMPLATE.read_bytes())
    generate(book, uit, template, workers=workers)
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(template, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><w:r><w:t>Tweede versie</w:t></w:r></w:p></w:body>")
            dst.writestr(info, data)
    generate(book, uit, template, workers=workers)
    assert "Tweede versie" in docx_text(opp(uit, "2"))


def test_file_without_manifest_entry_is_never_overwritten(tmp_path):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    foreign = opp(uit, "1")
    foreign.parent.mkdir(parents=True)
    foreign.write_bytes(b"someone else's document")
    result = generate(book, uit)
    assert result.per_student["1"] is Outcome.CONFLICT
    assert foreign.read_bytes() == b"someone else's document"
    assert "Anna" in docx_text(opp(uit, "1", " (nieuw)"))


def test_lost_or_corrupt_manifest_never_costs_an_edit(tmp_path):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    generate(book, uit)
    edit_one_byte(opp(uit, "1"))
    edited = opp(uit, "1").read_bytes()
    (uit / JAAR / MANIFEST).write_text("{ kapot", encoding="utf-8")
    result = generate(book, uit)
    assert opp(uit, "1").read_bytes() == edited
    assert result.per_student == {"1": Outcome.CONFLICT, "2": Outcome.UNCHANGED,
                                  "3": Outcome.UNCHANGED}  # identical bytes are recognised as ours
    json.loads((uit / JAAR / MANIFEST).read_text(encoding="utf-8"))  # rebuilt


def test_edited_file_with_unchanged_input_is_just_reported(tmp_path):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    generate(book, uit)
    edit_with_python_docx(opp(uit, "2"), "bewerkt")
    result = cli(book, uit)
    assert result.exit_code == 0, result.output  # an edit is normal, not an error
    assert "1 bewerkt en niet overschreven" in result.output
    assert not opp(uit, "2", " (nieuw)").exists()


def test_deleting_the_new_version_resolves_the_conflict(tmp_path):
    uit = tmp_path / "uit"
    generate(export(tmp_path / "in.xlsx"), uit)
    edit_one_byte(opp(uit, "2"))
    book2 = export(tmp_path / "in2.xlsx", doel2="Nieuw doel")
    assert generate(book2, uit).per_student["2"] is Outcome.CONFLICT
    opp(uit, "2", " (nieuw)").unlink()  # the secretary merged it by hand
    assert generate(book2, uit).per_student["2"] is Outcome.EDITED
    assert not opp(uit, "2", " (nieuw)").exists()
    book3 = export(tmp_path / "in3.xlsx", doel2="Nog een ander doel")
    assert generate(book3, uit).per_student["2"] is Outcome.CONFLICT  # a later change is offered again
    assert "Nog een ander doel" in docx_text(opp(uit, "2", " (nieuw)"))


def test_untouched_new_version_follows_later_input_changes_but_an_edited_one_stays(tmp_path):
    uit = tmp_path / "uit"
    generate(export(tmp_path / "in.xlsx"), uit)
    edit_one_byte(opp(uit, "2"))
    generate(export(tmp_path / "in2.xlsx", doel2="Versie twee"), uit)
    generate(export(tmp_path / "in3.xlsx", doel2="Versie drie"), uit)
    beside = opp(uit, "2", " (nieuw)")
    assert "Versie drie" in docx_text(beside)
    edit_one_byte(beside)
    edited = beside.read_bytes()
    result = generate(export(tmp_path / "in4.xlsx", doel2="Versie vier"), uit)
    assert result.per_student["2"] is Outcome.CONFLICT
    assert beside.read_bytes() == edited


def test_overschrijf_replaces_an_edited_file_after_a_backup(tmp_path):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    generate(book, uit)
    edit_with_python_docx(opp(uit, "1"), "uren werk")
    edited = opp(uit, "1").read_bytes()
    result = cli(book, uit, "--overschrijf")
    assert result.exit_code == 0, result.output
    assert "1 overschreven met --overschrijf" in result.output
    assert opp(uit, "1", " (vorige)").read_bytes() == edited
    assert "uren werk" not in docx_text(opp(uit, "1"))
    assert generate(book, uit).per_student["1"] is Outcome.UNCHANGED  # now ours again


def test_backups_grow_only_with_distinct_content(tmp_path):
    target = tmp_path / "OPP_1.docx"
    target.write_bytes(b"een")
    first = keep_copy(target)
    assert keep_copy(target) == first  # same bytes: no second copy
    target.write_bytes(b"twee")
    second = keep_copy(target)
    assert (first.name, second.name) == ("OPP_1 (vorige).docx", "OPP_1 (vorige 2).docx")
    assert first.read_bytes() == b"een" and second.read_bytes() == b"twee"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["OPP_1 (vorige 2).docx", "OPP_1 (vorige).docx",
                                                          "OPP_1.docx"]


def test_manifest_records_hashes_and_holds_no_student_data(tmp_path):
    uit = tmp_path / "uit"
    generate(export(tmp_path / "in.xlsx"), uit)
    raw = (uit / JAAR / MANIFEST).read_text(encoding="utf-8")
    entries = {e["bestand"]: e for e in json.loads(raw)["bestanden"]}
    assert set(entries) == {"1A/OPP_1.docx", "1A/OPP_2.docx", "1A/OPP_3.docx"}
    entry = entries["1A/OPP_1.docx"]
    assert entry["sha256"] == sha256(opp(uit, "1").read_bytes())
    assert entry["sjabloon"] == sha256(TEMPLATE.read_bytes())
    assert entry["leerlingnummer"] == "1" and entry["versie"] and entry["tijd"]
    assert len(entry["invoer"]) == 64
    for private in ("Anna", "Aalders", "Rekent", "mw. Test"):
        assert private not in raw


def test_output_is_readable_by_the_owner_only(tmp_path):
    uit = tmp_path / "uit"
    generate(export(tmp_path / "in.xlsx"), uit)
    for path in [uit, *uit.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_rerun_with_nothing_changed_renders_nothing(tmp_path, monkeypatch):
    from generator.form.renderer import CompiledTemplate

    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    generate(book, uit)
    edit_one_byte(opp(uit, "1"))

    def no_render(self, context):
        raise AssertionError("rendered although nothing changed")

    monkeypatch.setattr(CompiledTemplate, "render", no_render)
    result = generate(book, uit, workers=1)
    assert result.per_student == {"1": Outcome.EDITED, "2": Outcome.UNCHANGED,
                                  "3": Outcome.UNCHANGED}
