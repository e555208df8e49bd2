"""Link, don't copy: document references become safe hyperlinks in the OPP, or stay plain text."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.rules import links

from .conftest import LEERLING_KOPPEN, W, docx_parts, docx_text, docx_xml, leerling, make_workbook

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
DOC_KOPPEN = ["Stamnummer", "Soort", "Titel", "Datum", "Vindplaats"]
URL = "https://lvs.example.nl/dossier/iop?leerling=7&versie=2 def"


def _run(*args: str):
    return CliRunner().invoke(main, ["genereer", *args, "--schooljaar", "2026-2027", "--werkers", "1"],
                              catch_exceptions=False)


def _hyperlinks(path: Path) -> dict[str, str]:
    """Display text of every hyperlink in the document -> its relationship's target."""
    rels = docx_xml(path, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels if r.get("Type", "").endswith("/hyperlink")}
    out = {}
    for h in docx_xml(path).iter(f"{W}hyperlink"):
        text = "".join(t.text or "" for t in h.iter(f"{W}t"))
        out[text] = targets[h.get(f"{R}id")]
    return out


def _external_targets(path: Path) -> list[str]:
    rels = docx_xml(path, "word/_rels/document.xml.rels")
    return [r.get("Target") for r in rels if r.get("TargetMode") == "External"]


@pytest.fixture
def export(tmp_path: Path) -> tuple[Path, Path]:
    """An export with one student whose documents cover every kind of vindplaats, and a documents
    folder holding one of them (with a space in its name, in a subfolder)."""
    docs = tmp_path / "dossiers"
    (docs / "plannen").mkdir(parents=True)
    (docs / "plannen" / "plan van aanpak.docx").write_bytes(b"fictief")
    (tmp_path / "geheim.docx").write_bytes(b"buiten de map")
    book = make_workbook(tmp_path / "export.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN, leerling("7", "Noor", "Visser")],
        "Documenten": [DOC_KOPPEN,
                       ["7", "IOP", "IOP rekenen", date(2026, 6, 15), URL],
                       ["7", "Plan van aanpak", "Plan van aanpak gedrag", date(2026, 6, 16),
                        "plannen\\plan van aanpak.docx"],
                       ["7", "Verslag", "Verslag script", date(2026, 6, 17), "javascript:alert(1)"],
                       ["7", "Verslag", "Verslag buiten", date(2026, 6, 18), "../geheim.docx"],
                       ["7", "Verslag", "Verslag server", date(2026, 6, 19), "\\\\server\\share\\x.docx"],
                       ["7", "Verslag", "Verslag kwijt", date(2026, 6, 20), "plannen/bestaat-niet.docx"],
                       ["7", "Contact", "Mail mentor", None, "mailto:mentor@school.example?subject=OPP 7"]],
    })
    return book, docs


def test_links_in_the_opp_point_at_the_data_and_refused_ones_stay_text(export, tmp_path):
    book, docs = export
    result = _run(str(book), "--uitvoer", str(tmp_path / "uit"), "--documenten", str(docs))
    assert result.exit_code == 0, result.output
    opp = tmp_path / "uit/2026-2027/1A/OPP_7.docx"
    found = _hyperlinks(opp)

    # the URL: & kept (escaped as &amp; in the XML), the space percent-encoded
    assert found["IOP rekenen (15 juni 2026)"] == "https://lvs.example.nl/dossier/iop?leerling=7&versie=2%20def"
    assert b"leerling=7&amp;versie=2%20def" in docx_parts(opp)["word/_rels/document.xml.rels"]

    # the relative path: forward slashes, %20, relative to the OPP's folder, and it resolves
    relative = found["Plan van aanpak gedrag (16 juni 2026)"]
    assert relative == os.path.relpath(docs / "plannen", opp.parent).replace(os.sep, "/") + \
        "/plan%20van%20aanpak.docx"
    assert (opp.parent / unquote(relative)).resolve() == (docs / "plannen" / "plan van aanpak.docx").resolve()

    assert found["Mail mentor"] == "mailto:mentor@school.example?subject=OPP%207"
    assert len(_external_targets(opp)) == 3  # nothing else got a relationship

    text = docx_text(opp)
    for title in ("Verslag script (17 juni 2026)", "Verslag buiten (18 juni 2026)",
                  "Verslag server (19 juni 2026)", "Verslag kwijt (20 juni 2026)"):
        assert title in text and title not in found
    targets = " ".join(_external_targets(opp))
    assert "javascript" not in targets and "geheim" not in targets and "server" not in targets


def test_refused_and_missing_links_are_reported_with_their_row(export, tmp_path):
    book, docs = export
    result = _run(str(book), "--uitvoer", str(tmp_path / "uit"), "--documenten", str(docs))
    where = "export.xlsx, blad 'Documenten', rij {}, kolom E 'Vindplaats'"
    lines = result.output.splitlines()
    for row, why in ((4, "'javascript:'"), (5, "buiten de documentenmap"), (6, "buiten de documentenmap"),
                     (7, "niet gevonden")):
        assert any(where.format(row) in line and why in line for line in lines), (row, result.output)
    for row in (2, 3, 8):
        assert not any(where.format(row) in line for line in lines), row
    assert "alert" not in result.output and "geheim" not in result.output  # the path is not echoed


def test_relative_paths_resolve_against_the_input_folder_by_default(tmp_path):
    (tmp_path / "iop.docx").write_bytes(b"fictief")
    book = make_workbook(tmp_path / "export.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN, leerling("8", "Daan", "Bos")],
        "Documenten": [DOC_KOPPEN, ["8", "IOP", "IOP taal", date(2026, 5, 1), "iop.docx"]],
    })
    result = _run(str(book), "--uitvoer", str(tmp_path / "uit"))
    assert result.exit_code == 0, result.output
    opp = tmp_path / "uit/2026-2027/1A/OPP_8.docx"
    target = _hyperlinks(opp)["IOP taal (1 mei 2026)"]
    assert target == "../../../iop.docx"
    assert (opp.parent / target).resolve() == (tmp_path / "iop.docx").resolve()


@pytest.mark.parametrize("vindplaats", [
    "javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)", " vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "file:///C:/Windows/calc.exe", "ms-word:ofe|u|https://x",
    "https://", "http://exa mple.nl\nX",
])
def test_unsafe_or_broken_schemes_are_refused(vindplaats, tmp_path):
    hyperlink = links.judge_link(vindplaats, tmp_path, tmp_path)
    assert hyperlink.target == "" and hyperlink.problem


@pytest.mark.parametrize("vindplaats", [
    "../x.docx", "sub/../../x.docx", "/etc/passwd", "\\\\server\\share\\x.docx", "//server/share/x.docx",
    "C:\\Users\\x.docx", "c:/x.docx",
])
def test_paths_leaving_the_documents_folder_are_refused(vindplaats, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    hyperlink = links.judge_link(vindplaats, docs, tmp_path)
    assert hyperlink.target == "" and "buiten de documentenmap" in hyperlink.problem


def test_a_symlink_out_of_the_documents_folder_is_refused(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "geheim.docx").write_bytes(b"x")
    (docs / "link.docx").symlink_to(tmp_path / "geheim.docx")
    assert links.judge_link("link.docx", docs, tmp_path).target == ""


def test_empty_vindplaats_is_text_without_a_warning(tmp_path):
    assert links.judge_link("  ", tmp_path, tmp_path) == links.LinkDecision()


def test_link_text_is_title_and_dutch_date():
    assert links.link_text("IOP rekenen", date(2026, 6, 15)) == "IOP rekenen (15 juni 2026)"
    assert links.link_text("IOP rekenen", None) == "IOP rekenen"
    assert re.fullmatch(r"https://a\.nl/b%C3%A9\?q=1&r=%3Cx%3E", links.judge_link("https://a.nl/bé?q=1&r=<x>",
                                                                                  None, None).target)


def test_documents_on_another_drive_get_an_absolute_file_link(tmp_path, monkeypatch):
    """Windows has no relative path from C: to S:; the file (checked to be inside the documents
    folder) is then linked by its absolute file URL."""
    (tmp_path / "iop.docx").write_bytes(b"x")

    def other_drive(path, start):
        raise ValueError("path is on mount 'S:', start on mount 'C:'")
    monkeypatch.setattr(links.os.path, "relpath", other_drive)
    target = links.judge_link("iop.docx", tmp_path, tmp_path / "uit").target
    assert target == (tmp_path / "iop.docx").resolve().as_uri()


def test_a_documents_folder_that_does_not_exist_is_named(tmp_path):
    hyperlink = links.judge_link("iop.docx", tmp_path / "bestaat-niet", tmp_path)
    assert hyperlink.target == ""
    assert "documentenmap" in hyperlink.problem and "bestaat niet" in hyperlink.problem


def test_a_web_address_without_scheme_gets_a_hint(tmp_path):
    hyperlink = links.judge_link("www.lvs.example.nl/iop/4512", tmp_path, tmp_path)
    assert hyperlink.target == "" and "https://" in hyperlink.problem
