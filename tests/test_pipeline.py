"""One truth per rule: `opp controleer` is `opp genereer` without writing, and `opp sjabloon` runs the
template check that both run first. Each test runs the real CLI and compares what the commands say."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from generator.cli import main
from generator.form.renderer import CompiledTemplate
from generator.form.template_tags import sample_context

from .conftest import LEERLING_KOPPEN, TEMPLATE, leerling, make_workbook


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _export_with_every_kind_of_finding(tmp_path: Path) -> tuple[Path, Path]:
    """Errors (no name, duplicate number), warnings (missing roepnaam, impossible date, e-mail, phone, a
    row of an unknown student, refused and missing links, turning 18 during the plan) and info (unknown
    column): the export and its documents folder."""
    documents = tmp_path / "documenten"
    documents.mkdir()
    (documents / "iop-1.docx").write_bytes(b"IOP")
    students = [LEERLING_KOPPEN + ["Hobby"],
                leerling("1", "Aisha", "Bakker") + ["voetbal"],
                leerling("2", "Bram", "Smit", geboren=date(2009, 6, 1),
                         inschrijving=date(2026, 11, 20)) + [""],
                leerling("3", "", "Dekker") + [""], leerling("6", "", "") + [""],
                leerling("4", "Daan", "Visser", geboren=date(2031, 1, 1)) + [""],
                leerling("5", "Eva", "Jansen") + [""], leerling("5", "Eva", "Jansen") + [""]]
    parents = [["Leerlingnummer", "Naam", "Telefoon", "E-mail"],
               ["1", "M. Bakker", 612345678, "geen-adres"], ["99", "X. Onbekend", "", ""]]
    documenten = [["Leerlingnummer", "Soort", "Titel", "Vindplaats"],
                  ["1", "IOP", "IOP rekenen", "iop-1.docx"],
                  ["1", "Verslag", "Web zonder schema", "www.example.nl/verslag"],
                  ["1", "Verslag", "Netwerkpad", "\\\\server\\share\\verslag.docx"],
                  ["1", "Verslag", "Script", "javascript:alert(1)"],
                  ["1", "Verslag", "Ontbreekt", "ontbreekt.docx"],
                  ["1", "Verslag", "Buiten", "../buiten.docx"]]
    book = make_workbook(tmp_path / "export.xlsx", {"Leerlingen": students, "Ouders": parents,
                                                    "Documenten": documenten})
    return book, documents


def _report_rows(path: Path) -> list[tuple]:
    with CalamineWorkbook.from_path(str(path)) as wb:
        return [tuple(row) for row in wb.get_sheet_by_name("Controle").iter_rows()]


def test_controleer_and_genereer_report_the_same_findings(tmp_path):
    book, documents = _export_with_every_kind_of_finding(tmp_path)
    checked = _run("controleer", str(book), "--documenten", str(documents), "--schooljaar", "2026-2027",
                   "--rapport", str(tmp_path / "controleer.xlsx"))
    generated = _run("genereer", str(book), "--documenten", str(documents), "--schooljaar", "2026-2027",
                     "--uitvoer", str(tmp_path / "uit"), "--werkers", "1",
                     "--rapport", str(tmp_path / "genereer.xlsx"))
    assert checked.exit_code == generated.exit_code == 65, (checked.output, generated.output)
    rows = _report_rows(tmp_path / "controleer.xlsx")
    assert rows == _report_rows(tmp_path / "genereer.xlsx")
    messages = "\n".join(str(row[-1]) for row in rows)
    for kind in ("roepnaam ontbreekt", "geen naam", "onmogelijke geboortedatum", "komt 2 keer voor",
                 "onbruikbaar e-mailadres", "voorloopnul", "staat niet op het blad met leerlingen",
                 "internetadres zonder https://", "pad wijst buiten de documentenmap",
                 "'javascript:'", "bestand niet gevonden in de documentenmap", "wordt 18 tijdens de looptijd",
                 "kolommen niet gebruikt"):
        assert kind in messages, kind
    assert "wordt 18 tijdens de looptijd" in checked.output  # shown on the terminal too, not only in the file


def test_a_finding_names_the_cell_of_the_value_it_is_about(tmp_path):
    book, documents = _export_with_every_kind_of_finding(tmp_path)
    _run("controleer", str(book), "--documenten", str(documents), "--schooljaar", "2026-2027",
         "--rapport", str(tmp_path / "controle.xlsx"))
    rows = {(str(r[0]), str(r[-1])[:30]): r for r in _report_rows(tmp_path / "controle.xlsx")[1:]}
    turning_18 = next(r for key, r in rows.items() if key[1].startswith("leerling wordt 18"))
    assert turning_18[2:7] == ("export.xlsx", "Leerlingen", 3.0, "E", "Geboortedatum")
    missing = next(r for key, r in rows.items() if key[1].startswith("bestand niet gevonden"))
    assert missing[2:7] == ("export.xlsx", "Documenten", 6.0, "D", "Vindplaats")


def _template_with(tmp_path: Path, name: str, change) -> Path:
    out = tmp_path / name
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, change(info.filename, src.read(info)))
    return out


def _file_link(part: str, data: bytes) -> bytes:
    if part != "word/_rels/document.xml.rels":
        return data
    return data.replace(b"</Relationships>", b'<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/'
                        b'officeDocument/2006/relationships/hyperlink" Target="file:///C:/dossiers/opp.docx" '
                        b'TargetMode="External"/></Relationships>')


def _jinja_in_title(part: str, data: bytes) -> bytes:
    if part != "docProps/core.xml":
        return data
    return data.replace(b"<dc:title>Ontwikkelingsperspectiefplan</dc:title>",
                        b"<dc:title>OPP {{ leerling.naam }} {{ leerling.geboortedatum }}</dc:title>")


def _code(tag: bytes):
    """A change that adds a paragraph with `tag` at the end of the body."""
    def change(part: str, data: bytes) -> bytes:
        if part != "word/document.xml":
            return data
        return data.replace(b"</w:body>", b"<w:p><w:r><w:t>" + tag + b"</w:t></w:r></w:p></w:body>")
    return change


_CALL_REFUSED = "een aanroep van iets anders dan veld(), vinkje() of koppeling() is code in het sjabloon"


@pytest.mark.parametrize("change, expected", [
    (_file_link, "een link die geen http(s)- of mailto-link is ('file:///C:/dossiers/opp.docx')"),
    (_jinja_in_title, "documenteigenschappen (docProps/core.xml): bevatten sjablooncode"),
    (_code(b"{% set x = 1 %}"), "'set' is code in het sjabloon"),
    (_code(b"{% include 'x' %}"), "'include' is code in het sjabloon"),
    (_code(b"{{ namespace() }}"), _CALL_REFUSED),
    (_code(b"{{ leerling.roepnaam.upper() }}"), _CALL_REFUSED),
    (_code(b"{{ range(10**9) }}"), _CALL_REFUSED),
], ids=["file-link", "jinja-in-title", "set", "include", "namespace", "method-call", "range"])
def test_sjabloon_genereer_and_controleer_refuse_a_template_with_the_same_message(tmp_path, change, expected):
    template = _template_with(tmp_path, "sjabloon.docx", change)
    book = make_workbook(tmp_path / "export.xlsx", {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")]})
    results = [_run("sjabloon", str(template)),
               _run("genereer", str(book), "--sjabloon", str(template), "--uitvoer", str(tmp_path / "uit")),
               _run("controleer", str(book), "--sjabloon", str(template))]
    assert [r.exit_code for r in results] == [78, 78, 78]
    messages = {r.output[r.output.index("Fout: "):] for r in results}
    assert len(messages) == 1, messages
    assert expected in messages.pop()
    assert not (tmp_path / "uit").exists()


def test_jinja_in_the_properties_never_reaches_a_document(tmp_path):
    """Even if the check were skipped, the renderer leaves the properties as the template has them."""
    template = _template_with(tmp_path, "sjabloon.docx", _jinja_in_title)
    data = CompiledTemplate(template).render(sample_context())
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b"{{ leerling.naam }}" in zf.read("docProps/core.xml")
