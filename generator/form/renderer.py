"""The compiled template: parsed, patched and compiled by Jinja once per run, rendered per student.

docxtpl prepares the template's XML (it joins Jinja tags that Word split over runs); rendering then
happens here in a sandboxed, autoescaping, strict Jinja environment. Each student's parts are checked
with a strict XML parser and the .docx is written by copying the template's unchanged zip members.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import chain
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, pass_context
from jinja2 import TemplateError as JinjaError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup

from ..domain.errors import RenderError, TemplateError
from ..domain.fields import FieldType
from ..domain.registry import get_field, is_known
from ..read.convert import XML_ILLEGAL, date_text
from . import controls
from .docx_zip import TEMPLATE_LEVEL, ZipMember, compress, write_zip

_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# as the template check
_TEMPLATED_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
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


def _finalize(value: object) -> object:
    """Runs on every {{ }} output: None prints as nothing, illegal XML characters become visible."""
    if value is None:
        return ""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return XML_ILLEGAL.sub("\ufffd", value)
    if isinstance(value, date):
        return date_text(value)
    return value


@lru_cache(maxsize=1024)
def _split_path(path: str) -> tuple[str, str]:
    """'doel.omschrijving' -> ('doel', 'omschrijving'), for a field the registry knows."""
    if not is_known(path):
        raise TemplateError(f"onbekend veld '{path}' in het sjabloon; `opp velden` toont de bekende velden")
    owner, name = path.rsplit(".", 1)
    return owner, name


def _lookup(context, path: str, row: dict | None):
    owner, name = _split_path(path)
    source = row if row is not None else context.resolve(owner)
    if not isinstance(source, dict) or name not in source:
        raise TemplateError(f"veld '{path}' is hier niet beschikbaar in het sjabloon")
    return source[name]


@pass_context
def _field_global(context, path: str, row: dict | None = None) -> Markup:
    """{{r field('leerling.roepnaam') }}, or in a repeated row {{r field('doel.omschrijving', doel) }}."""
    value = _lookup(context, path, row)
    if isinstance(value, (list, dict, set)):  # unhashable: not worth caching
        return controls.control(get_field(path), value, path)
    return _control(path, value)


# Many controls are the same for many students (empty fields, the same choice, a class's mentor);
# building each once per process saves a third of the render time. Markup is immutable.
@lru_cache(maxsize=4096, typed=True)
def _control(path: str, value: object) -> Markup:
    return controls.control(get_field(path), value, path)


@lru_cache(maxsize=4096, typed=True)
def _checkbox_xml(path: str, checked: bool, tag: str, optie: str | None) -> Markup:
    return controls.checkbox(get_field(path), checked, tag, optie)


@pass_context
def _checkbox_global(context, path: str, optie: str | None = None, row: dict | None = None) -> Markup:
    """A checkbox: for a ja/nee field, or for one option of a multiple-choice field."""
    v = get_field(path)
    value = _lookup(context, path, row)
    if optie is None:
        return _checkbox_xml(path, bool(value), path, None)
    if v.type is not FieldType.CHOICES or optie not in v.choices:
        raise TemplateError(f"'{optie}' is geen keuze van veld '{path}'")
    return _checkbox_xml(path, optie in (value or ()), f"{path}={optie}", optie)


def _hyperlink_global(link: dict) -> Markup:
    """{{r hyperlink(document.link) }}: a clickable hyperlink when the link has a relationship id
    (context.py decides which targets are safe), else its text."""
    return controls.hyperlink(link.get("tekst", ""), link.get("rid", ""))


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with our own three globals called directly.

    The sandbox inspects every call (is it safe, does it want the context); a form makes ~140 calls
    per student and that inspection was a third of the render time. Our own functions are known safe
    and their wishes are known. Anything else, and a call inside a loop or block that set variables
    (Jinja then derives a context holding them), takes the sandbox's own path."""

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        own = __obj is _field_global or __obj is _checkbox_global or __obj is _hyperlink_global
        if own and not kwargs.get("_loop_vars") and not kwargs.get("_block_vars"):
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            if __obj is _hyperlink_global:
                return __obj(*args, **kwargs)
            return __obj(__context, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def make_environment() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.globals.update(veld=_field_global, vinkje=_checkbox_global, koppeling=_hyperlink_global)
    env.filters["datum"] = lambda d: date_text(d) if isinstance(d, date) else ("" if d is None else d)
    return env


@dataclass(frozen=True)
class _Part:
    name: str
    template: object  # a compiled jinja2.Template
    is_xml_body: bool


class CompiledTemplate:
    """A Word template compiled once; `render(context)` gives one student's .docx bytes."""

    def __init__(self, path: Path):
        self.path = path
        self.env = make_environment()
        try:
            with zipfile.ZipFile(path) as zf:
                self._members = [(i, zf.read(i)) for i in zf.infolist()]
        except (OSError, zipfile.BadZipFile) as exc:
            raise TemplateError(f"{path}: het sjabloon is geen leesbaar Word-document (.docx)") from exc
        # every member compressed once per process; per student only the rendered parts are
        self._zip_members: list[ZipMember] = [compress(i.filename, data, TEMPLATE_LEVEL)
                                              for i, data in self._members]
        self._field_names = [i.filename for i, _ in self._members]
        self._docxtpl = DocxTemplate(str(path))
        self._parts = {info.filename: self._compile(info.filename, data)
                       for info, data in self._members if _TEMPLATED_PARTS.match(info.filename)
                       and b"{" in data}

    def _compile(self, name: str, data: bytes) -> _Part:
        root = etree.fromstring(data, _STRICT)
        source = etree.tostring(root, encoding="unicode")
        if name.startswith("word/"):
            source = self._docxtpl.patch_xml(source)
            # one numbering per part at render time: the template's own controls join in (a repeated
            # row repeats their ids, which Word refuses)
            source = _SDT_ID.sub(_ID_ZERO, source)
        try:
            return _Part(name, self.env.from_string(source), name.startswith("word/"))
        except JinjaError as exc:
            raise TemplateError(f"{self.path.name}, {name}{_line_hint(self.env, source)}: {exc}") from exc

    def render_parts(self, context: dict) -> dict[str, bytes]:
        """The templated parts of one student's document, each checked by a strict XML parser."""
        out = {}
        for name, part in self._parts.items():
            try:
                xml = part.template.render(context)
            except TemplateError:
                raise
            except JinjaError as exc:
                raise TemplateError(f"{self.path.name}, {name}: {exc}") from exc
            if part.is_xml_body:
                xml = self._finish(xml)
            data = (_XML_DECL + xml).encode("utf-8")
            check_xml(name, data)
            out[name] = data
        return out

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
        if relaties:
            rels = self._rels_with_links(relaties)
            rendered[_DOCUMENT_RELS] = rels
        return write_zip([compress(member.name.decode(), rendered[naam]) if naam in rendered else member
                          for naam, member in zip(self._field_names, self._zip_members, strict=True)])

    def _rels_with_links(self, relaties) -> bytes:
        """The document's relationships plus one external hyperlink per link of this student."""
        original = dict((i.filename, d) for i, d in self._members)[_DOCUMENT_RELS]
        root = etree.fromstring(original, _STRICT)
        ns = root.nsmap[None]
        for rel in relaties:
            el = etree.SubElement(root, f"{{{ns}}}Relationship")
            el.set("Id", rel["rid"])
            el.set("Type", _HYPERLINK)
            el.set("Target", rel["doel"])
            el.set("TargetMode", "External")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
