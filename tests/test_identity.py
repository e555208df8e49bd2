"""One student, one OPP (issue 18): a student's existing OPP is found by the student number, whatever its
class folder or file name, and is treated where it is; no second, blank OPP is made beside it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from openpyxl import load_workbook

from generator.cli import main
from generator.write import identity
from generator.write.manifest import Manifest, ManifestEntry, sha256_file
from generator.write.register import FILE_NAME as REGISTER
from generator.write.register import NOT_IN_RUN
from generator.write.writer import Outcome

from .conftest import LEERLING_KOPPEN, NS, W, docx_text, leerling, make_workbook

JAAR = "2026-2027"
EDIT = "Besproken met moeder op 3 oktober, afspraken in het dossier"


def export(tmp_path: Path, *students: list) -> Path:
    return make_workbook(tmp_path / "export.xlsx", {"Leerlingen": [LEERLING_KOPPEN, *students]})


def genereer(book: Path, uit: Path, *extra: str):
    return CliRunner().invoke(main, ["genereer", str(book), "--uitvoer", str(uit), "--schooljaar", JAAR,
                                     "--werkers", "1", *extra], catch_exceptions=False)


def opp_files(uit: Path) -> list[str]:
    """Every OPP in the school year's folder, side copies ('(nieuw)', '(vorige)') left out."""
    base = uit / JAAR
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.docx")
                  if " (nieuw)" not in p.name and " (vorige" not in p.name)


def side_copies(uit: Path) -> list[str]:
    base = uit / JAAR
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.docx") if p.name.endswith(").docx"))


def register_rows(uit: Path) -> list[dict[str, object]]:
    rows = list(load_workbook(uit / JAAR / REGISTER, read_only=True)["OPP's"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def assert_register_lists_once(uit: Path, number: str, file: str, outcome: Outcome) -> None:
    """One row for the student, pointing at the real file, with this run's outcome; no row of the
    student's file as 'niet in deze run'."""
    rows = register_rows(uit)
    mine = [r for r in rows if str(r["Leerlingnummer"]).lstrip("0") == number.lstrip("0")]
    assert [r["OPP"] for r in mine] == [file]
    assert outcome.value in mine[0].values()
    assert not [r for r in rows if NOT_IN_RUN in r.values()]


def edit(path: Path, text: str = EDIT) -> None:
    """What a person does in Word: type into a content control (not the student number), save."""
    with zipfile.ZipFile(path) as zf:
        parts = {info: zf.read(info) for info in zf.infolist()}
    body = next(info for info in parts if info.filename == "word/document.xml")
    root = etree.fromstring(parts[body])
    for sdt in root.iter(f"{W}sdt"):
        tag = sdt.find("w:sdtPr/w:tag", NS)
        texts = sdt.findall("w:sdtContent//w:t", NS)
        if texts and tag is not None and not tag.get(f"{W}val").startswith("leerling."):
            texts[0].text = text
            break
    else:
        raise AssertionError("geen invulveld gevonden")
    parts[body] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts.items():
            zf.writestr(info, data)
    path.write_bytes(buffer.getvalue())


def aisha(**changes) -> list:
    values = {"nr": "020260", "roepnaam": "Aisha", "achternaam": "El Idrissi", "klas": "1B"} | changes
    return leerling(**values)


def test_class_change_keeps_the_edited_opp_in_its_old_folder_and_puts_the_new_version_beside_it(tmp_path):
    uit = tmp_path / "uit"
    genereer(export(tmp_path, aisha()), uit)
    edit(uit / JAAR / "1B" / "OPP_020260.docx")

    result = genereer(export(tmp_path, aisha(klas="2B")), uit)

    assert opp_files(uit) == ["1B/OPP_020260.docx"]  # no blank OPP in 2B
    assert side_copies(uit) == ["1B/OPP_020260 (nieuw).docx"]
    assert EDIT in docx_text(uit / JAAR / "1B" / "OPP_020260.docx")
    assert "2B" in docx_text(uit / JAAR / "1B" / "OPP_020260 (nieuw).docx")
    assert ("klas gewijzigd (nu 2B): het OPP staat in 1B/OPP_020260.docx en wordt daar bijgewerkt; er komt "
            "geen tweede OPP in 2B/OPP_020260.docx") in result.output
    assert "1 conflict" in result.output
    assert_register_lists_once(uit, "020260", "1B/OPP_020260.docx", Outcome.CONFLICT)


def test_class_change_of_an_untouched_opp_updates_it_where_it_is(tmp_path):
    uit = tmp_path / "uit"
    genereer(export(tmp_path, aisha()), uit)

    result = genereer(export(tmp_path, aisha(klas="2B")), uit)

    assert opp_files(uit) == ["1B/OPP_020260.docx"]
    assert side_copies(uit) == ["1B/OPP_020260 (vorige).docx"]
    assert "2B" in docx_text(uit / JAAR / "1B" / "OPP_020260.docx")
    assert "klas gewijzigd (nu 2B)" in result.output
    assert_register_lists_once(uit, "020260", "1B/OPP_020260.docx", Outcome.UPDATED)


def test_a_number_that_lost_its_leading_zero_in_excel_finds_the_existing_opp(tmp_path):
    uit = tmp_path / "uit"
    genereer(export(tmp_path, aisha()), uit)
    edit(uit / JAAR / "1B" / "OPP_020260.docx")

    result = genereer(export(tmp_path, aisha(nr=20260)), uit)  # a number cell: Excel dropped the zero

    assert opp_files(uit) == ["1B/OPP_020260.docx"]  # no OPP_20260.docx
    assert side_copies(uit) == ["1B/OPP_020260 (nieuw).docx"]
    assert EDIT in docx_text(uit / JAAR / "1B" / "OPP_020260.docx")
    assert ("leerlingnummer 20260 zonder voorloopnul: het bestaande OPP 1B/OPP_020260.docx hoort bij deze "
            "leerling") in result.output
    assert_register_lists_once(uit, "20260", "1B/OPP_020260.docx", Outcome.CONFLICT)


def test_a_file_renamed_untouched_is_recognised_by_its_bytes(tmp_path):
    uit = tmp_path / "uit"
    book = export(tmp_path, aisha())
    genereer(book, uit)
    (uit / JAAR / "1B" / "OPP_020260.docx").rename(uit / JAAR / "1B" / "Aisha OPP.docx")

    result = genereer(book, uit)

    assert opp_files(uit) == ["1B/Aisha OPP.docx"]
    assert side_copies(uit) == []
    assert ("bestand verplaatst of hernoemd (was 1B/OPP_020260.docx): het OPP van leerling 020260 staat in "
            "1B/Aisha OPP.docx") in result.output
    assert "1 ongewijzigd" in result.output
    assert_register_lists_once(uit, "020260", "1B/Aisha OPP.docx", Outcome.UNCHANGED)


def test_a_file_renamed_and_edited_is_recognised_by_the_number_in_the_document(tmp_path):
    uit = tmp_path / "uit"
    book = export(tmp_path, aisha())
    genereer(book, uit)
    renamed = uit / JAAR / "1B" / "Aisha OPP.docx"
    (uit / JAAR / "1B" / "OPP_020260.docx").rename(renamed)
    edit(renamed)

    result = genereer(export(tmp_path, aisha(mentor="dhr. Nieuw")), uit)

    assert opp_files(uit) == ["1B/Aisha OPP.docx"]
    assert side_copies(uit) == ["1B/Aisha OPP (nieuw).docx"]
    assert EDIT in docx_text(renamed)
    assert "dhr. Nieuw" in docx_text(uit / JAAR / "1B" / "Aisha OPP (nieuw).docx")
    assert "het OPP van leerling 020260 staat in 1B/Aisha OPP.docx" in result.output
    assert_register_lists_once(uit, "020260", "1B/Aisha OPP.docx", Outcome.CONFLICT)


def test_a_corrected_surname_in_the_file_name_keeps_the_edited_opp(tmp_path):
    uit = tmp_path / "uit"
    genereer(export(tmp_path, aisha(achternaam="El Idrisi")), uit, "--namen-in-bestandsnaam")
    old = uit / JAAR / "1B" / "OPP_020260_El Idrisi_Aisha.docx"
    edit(old)

    result = genereer(export(tmp_path, aisha()), uit, "--namen-in-bestandsnaam")

    assert opp_files(uit) == ["1B/OPP_020260_El Idrisi_Aisha.docx"]
    assert side_copies(uit) == ["1B/OPP_020260_El Idrisi_Aisha (nieuw).docx"]
    assert EDIT in docx_text(old)
    assert ("bestandsnaam gewijzigd: het OPP van leerling 020260 staat in 1B/OPP_020260_El Idrisi_Aisha.docx "
            "en wordt daar bijgewerkt; er komt geen tweede OPP in 1B/OPP_020260_El Idrissi_Aisha.docx"
            ) in result.output
    assert_register_lists_once(uit, "020260", "1B/OPP_020260_El Idrisi_Aisha.docx", Outcome.CONFLICT)


@pytest.mark.parametrize("edited", [False, True])
def test_a_file_moved_to_another_class_folder_by_hand_stays_there(tmp_path, edited):
    uit = tmp_path / "uit"
    book = export(tmp_path, aisha())
    genereer(book, uit)
    moved = uit / JAAR / "2C" / "OPP_020260.docx"
    moved.parent.mkdir()
    (uit / JAAR / "1B" / "OPP_020260.docx").rename(moved)
    if edited:
        edit(moved)

    result = genereer(book, uit)

    assert opp_files(uit) == ["2C/OPP_020260.docx"]
    assert ("bestand verplaatst of hernoemd (was 1B/OPP_020260.docx): het OPP van leerling 020260 staat in "
            "2C/OPP_020260.docx") in result.output
    if edited:  # the manifest's entry follows the file (identity.adopt_moved): edited, same data, kept
        assert EDIT in docx_text(moved)
        assert side_copies(uit) == []
        assert_register_lists_once(uit, "020260", "2C/OPP_020260.docx", Outcome.EDITED)
    else:
        assert side_copies(uit) == []
        assert_register_lists_once(uit, "020260", "2C/OPP_020260.docx", Outcome.UNCHANGED)


def test_an_old_blank_duplicate_is_reported_and_kept_and_the_edited_opp_is_used(tmp_path, monkeypatch):
    """A previous version gave a student who changed class a second, blank OPP; both stay, the edited one
    is the student's and the other is named in a warning."""
    uit = tmp_path / "uit"
    genereer(export(tmp_path, aisha()), uit)
    edit(uit / JAAR / "1B" / "OPP_020260.docx")
    with monkeypatch.context() as m:  # the previous version: no index
        m.setattr(identity.OppIndex, "read", classmethod(lambda cls, base: cls(base, ())))
        genereer(export(tmp_path, aisha(klas="2B")), uit)
    assert opp_files(uit) == ["1B/OPP_020260.docx", "2B/OPP_020260.docx"]
    blank = (uit / JAAR / "2B" / "OPP_020260.docx").read_bytes()

    result = genereer(export(tmp_path, aisha(klas="2B", mentor="dhr. Nieuw")), uit)

    assert opp_files(uit) == ["1B/OPP_020260.docx", "2B/OPP_020260.docx"]  # nothing deleted
    assert (uit / JAAR / "2B" / "OPP_020260.docx").read_bytes() == blank
    assert EDIT in docx_text(uit / JAAR / "1B" / "OPP_020260.docx")
    assert side_copies(uit) == ["1B/OPP_020260 (nieuw).docx"]
    assert ("nog een OPP van leerling 020260: 2B/OPP_020260.docx; opp gebruikt 1B/OPP_020260.docx (bewerkt) "
            "en laat 2B/OPP_020260.docx staan") in result.output
    mine = [r for r in register_rows(uit) if r["Leerlingnummer"] == "020260"]
    assert {r["OPP"]: NOT_IN_RUN in r.values() for r in mine} == {"1B/OPP_020260.docx": False,
                                                                  "2B/OPP_020260.docx": True}


def test_a_backup_copy_beside_the_opp_is_reported_and_never_used_instead(tmp_path):
    uit = tmp_path / "uit"
    genereer(export(tmp_path, aisha()), uit)
    folder = uit / JAAR / "1B"
    (folder / "OPP_020260 kopie.docx").write_bytes((folder / "OPP_020260.docx").read_bytes())

    result = genereer(export(tmp_path, aisha(mentor="dhr. Nieuw")), uit)

    assert "dhr. Nieuw" in docx_text(folder / "OPP_020260.docx")
    assert "dhr. Nieuw" not in docx_text(folder / "OPP_020260 kopie.docx")
    assert ("nog een OPP van leerling 020260: 1B/OPP_020260 kopie.docx; opp gebruikt 1B/OPP_020260.docx "
            "(door opp gemaakt)") in result.output


def test_two_students_whose_numbers_differ_only_in_leading_zeros_never_share_a_file(tmp_path):
    uit = tmp_path / "uit"
    genereer(export(tmp_path, leerling("0123", "Anna", "Aalders")), uit)
    before = (uit / JAAR / "1A" / "OPP_0123.docx").read_bytes()

    result = genereer(export(tmp_path, leerling("0123", "Anna", "Aalders"), leerling("123", "Bram", "Bos")),
                      uit)

    assert result.exit_code == 65
    assert "leerlingnummer komt 2 keer voor" in result.output
    assert opp_files(uit) == ["1A/OPP_0123.docx"]
    assert (uit / JAAR / "1A" / "OPP_0123.docx").read_bytes() == before


def test_a_file_named_for_one_student_holding_another_students_opp_is_not_given_to_the_first(tmp_path):
    """Someone saved Anna's edited OPP under the name a new student, Bram, would get: it stays Anna's (by
    the number in the document), and Bram gets a file of his own."""
    uit = tmp_path / "uit"
    genereer(export(tmp_path, leerling("1", "Anna", "Aalders")), uit)
    folder = uit / JAAR / "1A"
    (folder / "OPP_1.docx").rename(folder / "OPP_2.docx")
    edit(folder / "OPP_2.docx")

    result = genereer(export(tmp_path, leerling("1", "Anna", "Aalders"), leerling("2", "Bram", "Bos")), uit)

    assert ("1A/OPP_2.docx is volgens het leerlingnummer in het document het OPP van een andere leerling; "
            "dit OPP heet daarom OPP_2~2.docx") in result.output
    assert EDIT in docx_text(folder / "OPP_2.docx")
    assert "Bram" in docx_text(folder / "OPP_2~2.docx")
    names = sorted(p.name for p in folder.glob("*.docx"))
    assert names == ["OPP_2.docx", "OPP_2~2.docx"]  # Anna's edited OPP followed by the manifest: kept as is
    rows = {r["Leerlingnummer"]: r["OPP"] for r in register_rows(uit)}
    assert rows == {"1": "1A/OPP_2.docx", "2": "1A/OPP_2~2.docx"}


def test_controleer_predicts_the_same_without_writing(tmp_path, monkeypatch):
    """controleer plans by the same function; it reads the OPPs in output/ beside the working folder."""
    monkeypatch.chdir(tmp_path)
    uit = Path("output")
    genereer(export(tmp_path, aisha()), uit)
    before = {p: p.read_bytes() for p in uit.rglob("*") if p.is_file()}

    result = CliRunner().invoke(main, ["controleer", str(export(tmp_path, aisha(klas="2B"))),
                                       "--schooljaar", JAAR], catch_exceptions=False)

    assert "klas gewijzigd (nu 2B): het OPP staat in 1B/OPP_020260.docx" in result.output
    assert {p: p.read_bytes() for p in uit.rglob("*") if p.is_file()} == before


def test_controleer_with_uitvoer_reads_the_opps_in_that_folder(tmp_path):
    uit = tmp_path / "elders"
    genereer(export(tmp_path, aisha()), uit)
    result = CliRunner().invoke(main, ["controleer", str(export(tmp_path, aisha(klas="2B"))), "--uitvoer",
                                       str(uit), "--schooljaar", JAAR], catch_exceptions=False)
    assert "klas gewijzigd (nu 2B): het OPP staat in 1B/OPP_020260.docx" in result.output


# The index and its sources, one by one

def test_the_index_skips_word_owner_files_temps_and_side_copies(tmp_path):
    uit = tmp_path / "uit"
    genereer(export(tmp_path, aisha()), uit)
    folder = uit / JAAR / "1B"
    data = (folder / "OPP_020260.docx").read_bytes()
    for name in ("~$P_020260.docx", ".opp-tmp-abc.docx", "OPP_020260 (nieuw).docx",
                 "OPP_020260 (vorige 2).docx"):
        (folder / name).write_bytes(data)

    index = identity.OppIndex.read(uit / JAAR)

    assert [e.path.name for e in index.by_key["20260"]] == ["OPP_020260.docx"]


def test_the_number_comes_from_the_document_else_from_the_file_name(tmp_path):
    uit = tmp_path / "uit"
    genereer(export(tmp_path, aisha()), uit)
    base = uit / JAAR
    (base / "1B" / "OPP_020260.docx").rename(base / "1B" / "oud.docx")
    (base / "1B" / "OPP_0777_Oud.docx").write_bytes(b"geen zip")
    (base / "brief.docx").write_bytes(b"geen zip, geen OPP")

    index = identity.OppIndex.read(base)

    found = {key: [(e.path.name, e.source) for e in items] for key, items in index.by_key.items()}
    assert found == {"20260": [("oud.docx", identity.Source.MOVED)],
                     "777": [("OPP_0777_Oud.docx", identity.Source.FILE_NAME)]}
    assert identity.number_in_document(base / "1B" / "oud.docx") == "020260"


def test_the_number_in_a_document_is_read_without_entities_or_network(tmp_path):
    body = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<w:document xmlns:w="' + W[1:-1].encode() + b'"><w:body><w:sdt><w:sdtPr>'
            b'<w:tag w:val="leerling.leerlingnummer"/></w:sdtPr><w:sdtContent><w:r><w:t>&x;42</w:t></w:r>'
            b"</w:sdtContent></w:sdt></w:body></w:document>")
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", body)
    assert identity.number_in_document(path) == "42"
    assert identity.number_in_document(tmp_path / "missing.docx") is None


def _entry(file: str, number: str, sha: str) -> ManifestEntry:
    return ManifestEntry(file, number, sha, "invoer", "sjabloon", "0", "2026-10-01T00:00:00+00:00")


def test_adopt_moved_moves_the_entry_of_an_untouched_or_edited_file_to_where_it_went(tmp_path):
    base = tmp_path / JAAR
    (base / "1A").mkdir(parents=True)
    untouched, edited = base / "1A" / "Anna.docx", base / "1A" / "Bram.docx"
    untouched.write_bytes(b"anna")
    edited.write_bytes(b"bram, bewerkt")
    manifest = Manifest(base)
    manifest.put(_entry("1A/OPP_1.docx", "1", sha256_file(untouched)))
    manifest.put(_entry("1A/OPP_0002.docx", "0002", "hash van wat opp schreef"))

    new_student = base / "1A" / "OPP_3.docx"
    moved = identity.adopt_moved(manifest, [(untouched, "1"), (edited, "2"), (new_student, "3")])

    assert moved == 2
    assert manifest.get(base / "1A" / "OPP_1.docx") is None
    assert manifest.get(untouched).sha256 == sha256_file(untouched)  # its own: updated with a backup
    assert manifest.get(edited).sha256 == "hash van wat opp schreef"  # edited: never overwritten
    assert manifest.get(edited).leerlingnummer == "2"


def test_adopt_moved_moves_nothing_when_it_cannot_tell_which_entry(tmp_path):
    base = tmp_path / JAAR
    (base / "1A").mkdir(parents=True)
    target = base / "1A" / "Anna.docx"
    target.write_bytes(b"bewerkt")
    manifest = Manifest(base)
    manifest.put(_entry("1A/OPP_1.docx", "1", "a"))
    manifest.put(_entry("2A/OPP_01.docx", "01", "b"))

    assert identity.adopt_moved(manifest, [(target, "1")]) == 0
    assert manifest.get(target) is None
