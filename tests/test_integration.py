"""Where the stages meet: a re-run notices a changed link target, not only a changed record."""

from __future__ import annotations

from click.testing import CliRunner
from lxml import etree

from generator.cli import main

from .conftest import LEERLING_KOPPEN, docx_parts, leerling, make_workbook

REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _targets(path) -> list[str]:
    rels = etree.fromstring(docx_parts(path)["word/_rels/document.xml.rels"])
    return [r.get("Target") for r in rels.iter(REL) if r.get("TargetMode") == "External"]


def test_moving_the_documents_folder_updates_the_links_on_a_rerun(tmp_path):
    for folder in ("oud", "nieuw/dossiers"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "iop.docx").write_bytes(b"iop")
    book = make_workbook(tmp_path / "in.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "Sanne", "Visser")],
        "Documenten": [["Stamnummer", "Soort", "Titel", "Vindplaats"], ["1", "IOP", "IOP Sanne", "iop.docx"]],
    })
    args = ["genereer", str(book), "--uitvoer", str(tmp_path / "uit"), "--schooljaar", "2026-2027"]
    opp = tmp_path / "uit/2026-2027/1A/OPP_1.docx"
    first = CliRunner().invoke(main, [*args, "--documenten", str(tmp_path / "oud")])
    assert first.exit_code == 0, first.output
    assert set(_targets(opp)) == {"../../../oud/iop.docx"}
    second = CliRunner().invoke(main, [*args, "--documenten", str(tmp_path / "nieuw/dossiers")])
    assert second.exit_code == 0, second.output
    assert set(_targets(opp)) == {"../../../nieuw/dossiers/iop.docx"}
    assert (opp.parent / "OPP_1 (vorige).docx").exists()
