"""The fast path (template compiled once, zip members copied) gives what docxtpl's own render gives."""

from __future__ import annotations

import copy
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from lxml import etree

from generator import pipeline
from generator.domain.errors import RenderError
from generator.form.context import build_context
from generator.form.renderer import CompiledTemplate, check_xml, make_environment

from .conftest import EXAMPLE, NS, TEMPLATE, W

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
REL_NS = {"r": "http://schemas.openxmlformats.org/package/2006/relationships"}
VANDAAG = date(2026, 11, 30)


def docxtpl_render(ctx: dict) -> bytes:
    """docxtpl the usual way, with the same sandboxed env and context; plus the hyperlink
    relationships the context asks for (docxtpl itself adds those through RichText only)."""
    tpl = DocxTemplate(str(TEMPLATE))
    tpl.render(ctx, jinja_env=make_environment())
    for rel in ctx.get("relaties") or ():
        tpl.docx.part.rels.add_relationship(RT.HYPERLINK, rel["doel"], rel["rid"], is_external=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def contexts() -> list[dict]:
    checked = pipeline.check(pipeline.Settings([EXAMPLE], TEMPLATE, Path("output"), "2026-2027", VANDAAG))
    return [build_context(opp, "2026-2027", VANDAAG) for opp in checked.validated.opps]


@pytest.fixture(scope="module")
def template() -> CompiledTemplate:
    return CompiledTemplate(TEMPLATE)


def _part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def _normalised(root: etree._Element) -> bytes:
    """Canonical XML without what may differ by design: content-control ids (we number them per
    part, docxtpl keeps the template's) and whitespace-only text between elements."""
    root = etree.fromstring(etree.tostring(root))
    for el in root.iter(f"{W}id"):
        if el.getparent() is not None and el.getparent().tag == f"{W}sdtPr":
            el.set(f"{W}val", "0")
    for el in root.iter():
        if el.text is not None and not el.text.strip() and len(el):
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None
    return etree.tostring(root, method="c14n")


def _paragraphs(root: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def _links(data: bytes) -> list[str]:
    """The targets of the document's hyperlinks, in document order, through their relationships."""
    rels = {r.get("Id"): r.get("Target") for r in _part(data, "word/_rels/document.xml.rels")
            .findall("r:Relationship", REL_NS)}
    return [rels[h.get(f"{R}id")] for h in _part(data, "word/document.xml").iter(f"{W}hyperlink")
            if h.get(f"{R}id")]


def _templated_parts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [n for n in zf.namelist() if n.startswith(("word/header", "word/footer"))]


def test_example_export_renders_as_docxtpl_does(contexts, template):
    assert len(contexts) >= 40
    for ctx in contexts:
        ours, theirs = template.render(ctx), docxtpl_render(ctx)
        nr = ctx["leerling"]["leerlingnummer"]
        a, b = _part(ours, "word/document.xml"), _part(theirs, "word/document.xml")
        assert _paragraphs(a) == _paragraphs(b), nr
        assert [len(t.findall("w:tr", NS)) for t in a.iter(f"{W}tbl")] == \
               [len(t.findall("w:tr", NS)) for t in b.iter(f"{W}tbl")], nr
        assert [t.get(f"{W}val") for t in a.iter(f"{W}tag")] == [t.get(f"{W}val") for t in b.iter(f"{W}tag")]
        assert _links(ours) == _links(theirs), nr
        assert _normalised(a) == _normalised(b), nr
        for name in _templated_parts(theirs):
            assert _normalised(_part(ours, name)) == _normalised(_part(theirs, name)), (nr, name)


def test_line_breaks_and_tabs_in_values_come_out_as_docxtpl_makes_them(contexts, template):
    """docxtpl turns a newline or tab inside a text into w:br / w:tab; the fast path does so only
    where such a character occurs, with the same result."""
    ctx = copy.deepcopy(contexts[0])
    for key, value in ctx["leerling"].items():
        if isinstance(value, str) and value:
            ctx["leerling"][key] = f"{value}\nregel twee\tna een tab"
    for target in ctx["doelen"]:
        target["omschrijving"] += "\nen verder"
    ours, theirs = template.render(ctx), docxtpl_render(ctx)
    a, b = _part(ours, "word/document.xml"), _part(theirs, "word/document.xml")
    assert list(a.iter(f"{W}br")) and list(a.iter(f"{W}tab"))  # the case is really exercised
    assert _normalised(a) == _normalised(b)
    for name in _templated_parts(theirs):
        assert _normalised(_part(ours, name)) == _normalised(_part(theirs, name)), name


def test_the_comparison_sees_a_difference(contexts, template):
    """Guards the test above: a different student's data must not compare equal."""
    one, other = contexts[0], contexts[1]
    ours, theirs = template.render(one), docxtpl_render(other)
    assert _paragraphs(_part(ours, "word/document.xml")) != _paragraphs(_part(theirs, "word/document.xml"))


def test_example_has_links_and_repeated_rows_and_controls(contexts, template):
    """The equality above is only worth something if the export exercises what could go wrong."""
    with_links = [c for c in contexts if c["relaties"]]
    assert with_links
    data = template.render(with_links[0])
    assert _links(data) == [r["doel"] for r in with_links[0]["relaties"]][:len(_links(data))] and _links(data)
    assert len({len(c["doelen"]) for c in contexts}) > 1
    assert list(_part(data, "word/document.xml").iter(f"{W}sdt"))


def test_the_zip_is_valid_deterministic_and_keeps_unchanged_members_as_they_are(contexts, template):
    data = template.render(contexts[0])
    assert data == CompiledTemplate(TEMPLATE).render(contexts[0])
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zipfile.ZipFile(TEMPLATE) as tf:
        assert zf.testzip() is None
        assert zf.namelist() == tf.namelist()
        assert zf.namelist()[0] == "[Content_Types].xml"
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert (info.external_attr >> 16) & 0o777 == 0o600
        assert zf.read("word/styles.xml") == tf.read("word/styles.xml")
        assert zf.read("word/document.xml") != tf.read("word/document.xml")


@pytest.mark.parametrize("xml", [
    b"<a><b></a>",                                      # tags cross
    b'<a xmlns:w="x"><w:b/><q:c/></a>',                 # prefix never declared: Word refuses the file
    b'<a x="1" x="2"/>',                                # an attribute twice
    b'<a xmlns:w="x" xmlns:v="x" w:x="1" v:x="2"/>',    # the same attribute twice through two prefixes
    b"<a>\x01</a>",                                     # a character XML does not allow
    b"<a>&nbsp;</a>",                                   # an entity XML does not know
])
def test_the_xml_check_refuses_what_a_tree_parser_refuses(xml):
    """The check builds no tree (half the time), so it must not be any less strict than one."""
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(xml)
    with pytest.raises(RenderError, match="geen geldige XML"):
        check_xml("word/document.xml", xml)


def test_the_xml_check_accepts_every_rendered_part(contexts, template):
    for ctx in contexts[:5]:
        for name, data in template.render_parts(ctx).items():
            check_xml(name, data)  # raises if not


def test_content_control_ids_are_unique_in_each_part(contexts, template):
    """Word refuses duplicate w:id values among content controls; repeated rows repeat controls."""
    ctx = max(contexts, key=lambda c: len(c["doelen"]))
    data = template.render(ctx)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in _templated_parts(data) + ["word/document.xml"]:
            ids = [el.get(f"{W}val") for el in etree.fromstring(zf.read(name)).iter(f"{W}id")]
            assert len(ids) == len(set(ids)), name
            assert ids == [str(n) for n in range(1000, 1000 + len(ids))], name
    assert len(ctx["doelen"]) > 1
