"""The compiled template: parsed, patched and compiled by Jinja once per run, rendered per student.

docxtpl prepares the template's XML (it joins Jinja tags that Word split over runs); rendering then
happens in the sandbox of sandbox.py, within the limits of one document (its Budget): every for loop's
iterable is counted, and so is the output. Whatever the template check said, a statement other than
if and for is never compiled (template_code.py), nor a part with a Word field that fetches or runs
something (template_fields.py). Each student's parts are checked with a strict XML parser, and a part
whose fields came out other than the template has them is checked for such fields again; the .docx is
written by copying the template's unchanged zip members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaError
from jinja2 import nodes
from lxml import etree

from ..domain.errors import RenderError, TemplateError
from .docx_zip import (
    MAX_PART,
    TEMPLATE_LEVEL,
    TEMPLATED_PARTS,
    ZipMember,
    compress,
    read_template,
    write_zip,
)
from .sandbox import LOOP_FILTER, Budget, make_environment
from .template_code import refused_statements
from .template_fields import field_problems

_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SDT_ID = re.compile(r'<w:id w:val="-?\d+"/>')
# a w:t whose text holds a tab, bell, newline or form feed: only those need docxtpl's resolve_listing
_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's resolve_listing
_DOCUMENT_RELS = "word/_rels/document.xml.rels"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
# what resolve_listing acts on; `c in text` is a fast scan, a character-class regex is not
_LISTING_CHARS = ("\t", "\a", "\n", "\f")
_ID_ZERO = '<w:id w:val="0"/>'  # as controls.py writes it; numbered per part after rendering
_FIRST_ID = 1000
# the code of every field in a part, as text: while it is what the template has, the part needs no check.
# Rendering cannot make a field in a part whose template has none: values are escaped, and what our own
# functions write has no field; so only such parts are scanned, per student (the footer's page number).
_FIELD_CODES = re.compile(rb"instr(?:Text[^>]*>[^<]*<|=(?:\"[^\"]*\"|'[^']*'))")
# what a template's code can raise besides Jinja's own errors: 1 // 0, leerling.naam - 1, deep recursion
_CODE_ERRORS = (ArithmeticError, TypeError, ValueError, RecursionError)


class _NoTree:
    """A parser target that builds nothing: libxml2 checks every byte, Python sees no element. Half
    the time of building a tree that is thrown away."""

    def close(self) -> None:
        return None


_CHECK = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, target=_NoTree())


def check_xml(name: str, data: bytes) -> None:
    """Well-formed and namespace-well-formed, as strict as parsing into a tree. With a target, libxml2
    logs an unbound prefix instead of failing, so the log is checked too (it is reset per parse)."""
    try:
        etree.fromstring(data, _CHECK)
    except etree.XMLSyntaxError as exc:
        raise RenderError(f"{name} is na het invullen geen geldige XML: {exc}") from exc
    errors = [e for e in _CHECK.error_log if e.level >= etree.ErrorLevels.ERROR]
    if errors:
        raise RenderError(f"{name} is na het invullen geen geldige XML: {errors[0].message} "
                          f"(regel {errors[0].line}, kolom {errors[0].column})")


def _line_hint(env, source: str) -> str:
    """' (regel N)' for a template error: the source compiled with one paragraph per line, as docxtpl
    does, so that N points somewhere useful. Only on the error path: the rendered source has no such
    line breaks."""
    try:
        env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", source))
    except JinjaError as exc:
        return f" (regel {exc.lineno})" if getattr(exc, "lineno", None) else ""
    return ""


@dataclass(frozen=True)
class _Part:
    name: str
    template: object  # a compiled jinja2.Template
    is_xml_body: bool
    field_codes: list[bytes] | None  # as in the template (_FIELD_CODES); None: the template has no field


class CompiledTemplate:
    """A Word template compiled once; `render(context)` gives one student's .docx bytes."""

    def __init__(self, path: Path):
        self.path = path
        self.env = make_environment()
        self._budget = Budget()
        self.env.filters[LOOP_FILTER] = self._budget.loop
        try:
            self._members, wrong = read_template(path)
        except OSError as exc:
            raise TemplateError(f"{path}: het sjabloon is geen leesbaar Word-document (.docx)") from exc
        if wrong:
            raise TemplateError(f"{path.name}: het sjabloon {wrong}")
        # every member compressed once per process; per student only the rendered parts are
        self._zip_members: list[ZipMember] = [compress(i.filename, data, TEMPLATE_LEVEL)
                                              for i, data in self._members]
        self._field_names = [i.filename for i, _ in self._members]
        self._docxtpl = DocxTemplate(str(path))
        self._parts = {info.filename: self._compile(info.filename, data)
                       for info, data in self._members if TEMPLATED_PARTS.match(info.filename)
                       and b"{" in data}

    def _compile(self, name: str, data: bytes) -> _Part:
        if len(data) > MAX_PART:
            raise TemplateError(f"{self.path.name}, {name}: groter dan {MAX_PART // 2**20} MB; dat is geen "
                                "normaal formulier")
        try:
            root = etree.fromstring(data, _STRICT)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"{self.path.name}: het sjabloon is beschadigd: {name} is geen geldige XML "
                                f"({exc})") from exc
        source = etree.tostring(root, encoding="unicode")
        if name.startswith("word/"):
            source = self._docxtpl.patch_xml(source)
            # one numbering per part at render time: the template's own controls join in (a repeated
            # row repeats their ids, which Word refuses)
            source = _SDT_ID.sub(_ID_ZERO, source)
        try:
            tree = self.env.parse(source)
            refused = refused_statements(tree)
            if refused:
                raise TemplateError(f"{self.path.name}, {name}: {refused[0][1]}")
            for loop in tree.find_all(nodes.For):  # each loop's iterable counted by the Budget
                loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None,
                                         lineno=loop.iter.lineno).set_environment(self.env)
            codes = _FIELD_CODES.findall(source.encode())
            if codes:
                self._check_fields(name, data)
            return _Part(name, self.env.from_string(tree), name.startswith("word/"), codes or None)
        except JinjaError as exc:
            raise TemplateError(f"{self.path.name}, {name}{_line_hint(self.env, source)}: {exc}") from exc
        except _CODE_ERRORS as exc:  # a number literal of 5,000 digits, brackets nested 1,000 deep
            raise TemplateError(f"{self.path.name}, {name}: fout in de sjablooncode ({exc})") from exc

    def render_parts(self, context: dict) -> dict[str, bytes]:
        """The templated parts of one student's document, each checked by a strict XML parser."""
        out = {}
        self._budget.start()
        for name, part in self._parts.items():
            try:
                xml = self._render(part, context)
            except TemplateError:
                raise
            except JinjaError as exc:
                raise TemplateError(f"{self.path.name}, {name}: {exc}") from exc
            except _CODE_ERRORS as exc:
                raise TemplateError(f"{self.path.name}, {name}: fout in de sjablooncode bij het invullen "
                                    f"({type(exc).__name__}: {exc})") from exc
            if part.is_xml_body:
                xml = self._finish(xml)
            data = (_XML_DECL + xml).encode("utf-8")
            check_xml(name, data)
            if part.field_codes is not None and _FIELD_CODES.findall(data) != part.field_codes:
                self._check_fields(name, data)
            out[name] = data
        return out

    def _render(self, part: _Part, context: dict) -> str:
        """Jinja's render, with the output counted as it comes: a template that would make gigabytes
        stops at the Budget's limit, not when the memory runs out."""
        template, budget = part.template, self._budget
        chunks: list[str] = []
        append, left = chunks.append, budget.output
        for chunk in template.root_render_func(template.new_context(context)):
            left -= len(chunk)
            if left < 0:
                raise budget.too_much_output()
            append(chunk)
        budget.output = left
        budget.check_time()
        return "".join(chunks)

    def _check_fields(self, name: str, data: bytes) -> None:
        """The template check refuses fields that fetch or run something; this holds for what the
        rendering made of them, too (a field in a repeated row, or code the check did not foresee)."""
        problems = field_problems(etree.fromstring(data, _STRICT))
        if problems:
            raise TemplateError(f"{self.path.name}, {name}: {problems[0]}")

    def _finish(self, xml: str) -> str:
        """What docxtpl does after rendering: restore escaped braces and line breaks; then number the
        content controls so that every id is unique in the part.

        docxtpl puts each <w:p on a line of its own before rendering and joins them after; that only
        serves line numbers in error messages (see _line_hint), so the source here has none to remove.
        Each step scans for its trigger first: most documents need none of them."""
        if "{" in xml or "}" in xml:  # one-character scans are memchr; '{_' and '_}' are slow to find
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(c in xml for c in _LISTING_CHARS):
            xml = self._listing(xml)
        pieces = xml.split(_ID_ZERO)
        if len(pieces) == 1:
            return xml
        ids = [f'<w:id w:val="{n}"/>' for n in range(_FIRST_ID, _FIRST_ID + len(pieces) - 1)]
        return "".join(chain.from_iterable(zip(pieces[:-1], ids, strict=True))) + pieces[-1]

    def _listing(self, xml: str) -> str:
        """docxtpl's resolve_listing (tabs and line breaks in values), on the paragraphs that need it:
        the same result, but a document without multi-line values costs one regex scan, not half the
        render time."""
        if not _LISTING.search(xml):
            return xml
        return _PARAGRAPH.sub(lambda m: self._docxtpl.resolve_listing(m.group(0))
                              if _LISTING.search(m.group(0)) else m.group(0), xml)

    def render(self, context: dict) -> bytes:
        """One student's complete .docx as bytes."""
        rendered = self.render_parts(context)
        relaties = context.get("relaties") or ()
        extra = []
        if relaties:
            name, rendered_rels = self._rels_with_links(relaties)
            rendered[name] = rendered_rels
            if name not in self._field_names:  # a template without relationships of its own
                extra.append(compress(name, rendered_rels))
        return write_zip([compress(member.name.decode(), rendered[naam]) if naam in rendered else member
                          for naam, member in zip(self._field_names, self._zip_members, strict=True)]
                         + extra)

    def _rels_with_links(self, relaties) -> tuple[str, bytes]:
        """The document's relationships (part names are case-insensitive) plus one external hyperlink
        per link of this student."""
        name, original = next(((i.filename, d) for i, d in self._members
                               if i.filename.lower() == _DOCUMENT_RELS), (_DOCUMENT_RELS, b""))
        ns = "http://schemas.openxmlformats.org/package/2006/relationships"
        root = etree.fromstring(original, _STRICT) if original else etree.Element(f"{{{ns}}}Relationships")
        ns = etree.QName(root).namespace or ns
        for rel in relaties:
            el = etree.SubElement(root, f"{{{ns}}}Relationship")
            el.set("Id", rel["rid"])
            el.set("Type", _HYPERLINK)
            el.set("Target", rel["doel"])
            el.set("TargetMode", "External")
        return name, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
