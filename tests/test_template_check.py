"""`opp sjabloon PAD`: a template edited in Word is checked before a run, each problem named where it is."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
from click.testing import CliRunner

from generator.cli import main
from generator.form.renderer import CompiledTemplate
from generator.form.template_check import check_template
from generator.form.template_tags import sample_context

from .conftest import TEMPLATE


def _opp_sjabloon(path: Path):
    return CliRunner().invoke(main, ["sjabloon", str(path)], catch_exceptions=False)


def _alle_alineas(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _bewerk(tmp_path: Path, vervang: dict[str, str] | None = None, erbij: tuple[str, ...] = (),
            weg_in_tabel_met: str = "") -> Path:
    """A copy of the template as someone edited it in Word: paragraph texts replaced, paragraphs added,
    and optionally the `{%tr endfor %}` removed from the table that mentions `weg_in_tabel_met`."""
    document = docx.Document(str(TEMPLATE))
    vervang = vervang or {}
    for p in _alle_alineas(document):
        if p.text in vervang:
            p.text = vervang[p.text]
        table = p._p.getparent().getparent().getparent()
        if weg_in_tabel_met and p.text == "{%tr endfor %}" and weg_in_tabel_met in "".join(table.itertext()):
            p.text = ""
            weg_in_tabel_met = ""  # only the first such table
    for text in erbij:
        document.add_paragraph(text)
    out = tmp_path / "bewerkt.docx"
    document.save(str(out))
    return out


def test_the_shipped_template_passes():
    result = _opp_sjabloon(TEMPLATE)
    assert result.exit_code == 0, result.output
    assert "in orde" in result.output


def test_misspelled_field_broken_for_and_unsafe_code_are_each_named_where_they_stand(tmp_path):
    path = _bewerk(tmp_path, {"{{r veld('leerling.achternaam') }}": "{{r veld('leerling.achternam') }}"},
                   erbij=("Klas {{ ''.__class__ }}",), weg_in_tabel_met="doel.beginsituatie")
    result = _opp_sjabloon(path)
    assert result.exit_code == 78
    out = result.output
    assert ("onder kop '2. Gegevens leerling', bij '{{r veld('leerling.achternam') }}': onbekend veld "
            "'leerling.achternam'; bedoelt u 'leerling.achternaam'?") in out
    assert ("onder kop 'Doelen', bij '{%tr for doel in doelrijen %}': '{% for %}' wordt niet afgesloten met "
            "'{% endfor %}'") in out
    assert "bij 'Klas {{ ''.__class__ }}': '__class__' is een interne Python-naam" in out
    assert "(3 problemen)" in out


def test_what_word_does_to_tags_is_reported_with_the_paragraph(tmp_path):
    path = _bewerk(tmp_path, {"{{r veld('leerling.klas') }}": "{{r veld(‘leerling.klas’) }}"},
                   erbij=("Mentor: {{ leerling.mentor", "}} einde", "Naam:\xa0{{\xa0leerling.naam }}"))
    problemen = [str(p) for p in check_template(path)]
    assert any("bij '{{r veld(‘leerling.klas’) }}'" in p and "krullende aanhalingstekens" in p
               for p in problemen)
    assert any("bij 'Mentor: {{ leerling.mentor'" in p and "niet gesloten in deze alinea" in p
               for p in problemen)
    assert any("bij '}} einde'" in p and "zonder begin" in p for p in problemen)
    assert any("vaste spatie" in p for p in problemen)


def test_names_in_plain_tags_rows_and_checkboxes_are_checked_against_the_registry(tmp_path):
    path = _bewerk(tmp_path, {"{{ doel.rij }}. {{ doel.omschrijving }}":
                              "{{ doel.rij }}. {{ doel.omschrijvng }}",
                              "{{ opp.schooljaar }}": "{{ opp.schoojaar }}"},
                   erbij=("{{r vinkje('opp.aanleiding', 'Dreigende afstroming') }}", "{{ leerlingen.naam }}",
                          "{{r veld('doel.omschrijving') }}"))
    problemen = [str(p) for p in check_template(path)]
    assert any("onbekend veld 'doel.omschrijvng'; bedoelt u 'doel.omschrijving'?" in p for p in problemen)
    assert any("onbekend veld 'opp.schoojaar'; bedoelt u 'opp.schooljaar'?" in p for p in problemen)
    assert any("'Dreigende afstroming' is geen keuze van veld 'opp.aanleiding'; "
               "bedoelt u 'Dreigende afstroom'?" in p for p in problemen)
    assert any("onbekende naam 'leerlingen'; bedoelt u 'leerling'?" in p for p in problemen)
    assert any("veld 'doel.omschrijving' hoort in een herhaalde rij" in p for p in problemen)
    assert len(problemen) == 5


def test_code_the_sandbox_would_refuse_and_syntax_errors(tmp_path):
    path = _bewerk(tmp_path, erbij=("{{ leerling.naam.upper() }}", "{% set x = 1 %}", "{{ leerling.naam | }}",
                                    "{{ opp['__init__'] }}", "{{ leerling.naam|onbekendfilter }}"))
    problemen = [str(p) for p in check_template(path)]
    assert any("{{ leerling.naam.upper() }}" in p and "onveilige code" in p for p in problemen)
    assert any("'set' is code in het sjabloon" in p for p in problemen)
    assert any("{{ leerling.naam | }}" in p and "fout in de sjablooncode" in p for p in problemen)
    assert any("'__init__' is een interne Python-naam" in p for p in problemen)
    assert any("onbekendfilter" in p and "fout in de sjablooncode" in p for p in problemen)


def test_tr_tag_outside_a_table_is_found_by_the_renderers_compile_path(tmp_path):
    path = _bewerk(tmp_path, erbij=("{%tr for doel in doelen %}", "{%tr endfor %}"))
    problemen = [str(p) for p in check_template(path)]
    assert len(problemen) == 1 and "fout in de sjablooncode" in problemen[0]


def _zip_met(tmp_path: Path, wijzig) -> Path:
    out = tmp_path / "zip.docx"
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, wijzig(item.filename, src.read(item)))
        extra = wijzig("word/vbaProject.bin", None)
        if extra is not None:
            dst.writestr("word/vbaProject.bin", extra)
    return out


def test_external_relationships_macros_and_template_code_in_properties_are_refused(tmp_path):
    def wijzig(name, data):
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org'
                                b'/officeDocument/2006/relationships/attachedTemplate" Target="http://evil.example/t.dotm"'
                                b' TargetMode="External"/></Relationships>')
        if name == "docProps/core.xml":
            return data.replace(b"<dc:title>Ontwikkelingsperspectiefplan",
                                b"<dc:title>OPP {{ leerling.naam }}")
        if name == "word/vbaProject.bin":
            return b"macro"
        return data
    result = _opp_sjabloon(_zip_met(tmp_path, wijzig))
    assert result.exit_code == 78
    assert "soort 'attachedTemplate' naar 'http://evil.example/t.dotm'" in result.output
    assert "macro's" in result.output
    assert "documenteigenschappen (docProps/core.xml): bevatten sjablooncode" in result.output


def test_a_file_that_is_no_word_document_is_refused(tmp_path):
    path = tmp_path / "geen.docx"
    shutil.copy(__file__, path)
    result = _opp_sjabloon(path)
    assert result.exit_code == 78 and "geen leesbaar Word-document" in result.output


def test_a_tag_that_word_split_over_runs_is_fine_and_still_renders(tmp_path):
    """Word splits text into runs (spelling marks, edits); docxtpl joins those, so that is no problem."""
    document = docx.Document(str(TEMPLATE))
    p = next(p for p in _alle_alineas(document) if p.text == "{{r veld('leerling.klas') }}")
    p.text = ""
    for deel in ("{{r veld('leer", "ling.kl", "as') }}"):
        p.add_run(deel)
    split = tmp_path / "runs.docx"
    document.save(str(split))
    assert check_template(split) == []
    context = sample_context()
    xml = CompiledTemplate(split).render_parts(context)["word/document.xml"].decode()
    assert '<w:tag w:val="leerling.klas"/>' in xml


def test_header_and_footer_are_checked_too(tmp_path):
    document = docx.Document(str(TEMPLATE))
    run = next(r for r in document.sections[0].header.paragraphs[0].runs if "leerling.naam" in r.text)
    run.text = run.text.replace("leerling.naam", "leerling.nam")
    path = tmp_path / "kop.docx"
    document.save(str(path))
    problemen = [str(p) for p in check_template(path)]
    assert len(problemen) == 1
    assert problemen[0].startswith("koptekst (header1.xml), bij 'VERTROUWELIJK")
    assert "onbekend veld 'leerling.nam'; bedoelt u 'leerling.naam'?" in problemen[0]
