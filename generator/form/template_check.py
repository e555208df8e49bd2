"""The template check: the one rule set a Word template must pass before anything is rendered with it.

`opp sjabloon` runs it, and so does every `opp genereer` and `opp controleer` before it reads the export:
the same rules, the same messages. The rules, in the order they are checked:
- the container (docx_zip.read_template): a readable .docx within the limits of a form (size on disk and
  unpacked, members, packing ratio, no part twice), judged before anything is unpacked;
- a main document (word/document.xml), and every XML part (.xml, .rels) well-formed and without a
  DOCTYPE: a damaged template is named as such, never a traceback;
- active content: no macros, ActiveX or OLE objects, judged by part names, relationship types and
  content types ([Content_Types].xml, Default and Override) alike, in any letter case;
- outside references: in every relationship part (part names are case-insensitive), no relationship
  that points outside the document (TargetMode in any letter case, or an absolute target) other than a
  hyperlink to http(s) or mailto (Follina used an external oleObject; a file: or UNC link hands over
  Windows credentials); no document inserted on opening (altChunk, subDocument);
- fields (template_fields.py): no field that fetches or runs something, in any part, and no
  w:updateFields;
- document properties: no template code (title, subject and keywords show in Explorer and search
  results, and must never carry a student's data);
- per templated part (template_tags.py): Word's damage to tags, Jinja syntax, blocks, field names and
  the code template_code.py allows (only fields, for over the export's lists, and if).
"""

from __future__ import annotations

import re
from pathlib import Path

from docxtpl import DocxTemplate
from lxml import etree

from ..domain.errors import InputError, TemplateError
from .docx_zip import TEMPLATED_PARTS, read_template
from .template_fields import field_problems
from .template_tags import TemplateProblem, check_part, part_label

_HYPERLINK = "http://schemas.openxmlformats.org/officedocument/2006/relationships/hyperlink"
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_ABSOLUTE = re.compile(r"^([a-z][a-z0-9+.-]*:|//|\\)", re.IGNORECASE)  # a URI or a network path
_ACTIVE_NAMES = re.compile(r"vbaProject|vbaData|activeX", re.IGNORECASE)
_MACROS = ("bevat macro's of ActiveX-elementen{where}; sla het sjabloon op als gewoon Word-document (.docx), "
           "zonder macro's")
# relationship types (last segment, lower case) that are active content or pull a document in
_ACTIVE_TYPES = {"vbaproject", "wordvbadata", "keymapcustomizations", "control", "activexcontrolbinary",
                 "oleobject"}
_INSERTED_TYPES = {"afchunk", "subdocument"}
_ACTIVE_CONTENT = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject")
_FIELD_MARKERS = (b"instrText", b"fldSimple", b"fldChar", b"updateFields")
_JINJA = re.compile(rb"\{\{|\{%|\{#")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_DOCUMENT = "het document"
_DAMAGED = "het sjabloon is beschadigd"


def check_template(path: Path) -> list[TemplateProblem]:
    """Every problem of the template at `path`; an empty list means it can be used."""
    try:
        read, wrong = read_template(path)
    except FileNotFoundError as exc:
        raise InputError(f"sjabloon niet gevonden: {path.resolve()}") from exc
    if wrong:
        return [_problem(wrong)]
    members = {info.filename: data for info, data in read}
    if "word/document.xml" not in members:
        return [_problem("heeft geen hoofdtekst (word/document.xml); dit is geen Word-document (.docx)")]
    trees, problems = _parse(members)
    if problems:
        return problems
    types = next((tree for name, tree in trees.items() if name.lower() == "[content_types].xml"), None)
    problems = (_document_kind(types) + _active_content(members, trees, types) + _outside_references(trees)
                + _fields(members, trees) + _properties(members))
    docxtpl = DocxTemplate(str(path))
    for name in members:
        if TEMPLATED_PARTS.match(name):
            problems += check_part(name, members[name], docxtpl)
    return problems


def ensure_usable(path: Path) -> None:
    """Raise TemplateError, with every problem in its message, when the template cannot be used."""
    problems = check_template(path)
    if problems:
        raise TemplateError(describe(path, problems))


def describe(path: Path, problems: list[TemplateProblem]) -> str:
    """The message both commands show for an unusable template."""
    n = len(problems)
    lines = [f"{path.name}: het sjabloon is niet bruikbaar ({n} {'probleem' if n == 1 else 'problemen'}):"]
    return "\n".join(lines + [f"  - {p}" for p in problems])


def _problem(message: str, part: str = _DOCUMENT) -> TemplateProblem:
    return TemplateProblem(part, "", message)


def _parse(members: dict[str, bytes]) -> tuple[dict[str, etree._Element], list[TemplateProblem]]:
    """Every XML part parsed; the trees the package rules read are kept (relationships, content types,
    parts with fields). A part that is not well-formed makes the template damaged."""
    trees, problems = {}, []
    for name, data in members.items():
        lower = name.lower()
        if not lower.endswith((".xml", ".rels")):
            continue
        try:
            tree = etree.fromstring(data, _PARSER)
        except (etree.XMLSyntaxError, ValueError) as exc:
            problems.append(_problem(f"{name} is geen geldige XML ({exc})", _DAMAGED))
            continue
        if tree.getroottree().docinfo.doctype:  # entity definitions: Word refuses them, and they can nest
            problems.append(_problem(f"{name} heeft een DOCTYPE; dat hoort niet in een Word-document",
                                     _DAMAGED))
        package = lower.endswith(".rels") or lower == "[content_types].xml"
        if package or any(m in data for m in _FIELD_MARKERS):
            trees[name] = tree
    return trees, problems


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _attributes(el: etree._Element) -> dict[str, str]:
    """Attributes by their name without namespace, in lower case."""
    return {key.rpartition("}")[2].lower(): value for key, value in el.attrib.items()}


def _content_types(types: etree._Element | None) -> list[str]:
    if types is None:
        return []
    return [_attributes(el).get("contenttype", "").lower() for el in types.iter(etree.Element)]


def _document_kind(types: etree._Element | None) -> list[TemplateProblem]:
    """A Word template (.dotx, .dotm) opens in Word as a new document, not as the OPP itself."""
    if any("wordprocessingml.template.main+xml" in t or "macroenabledtemplate" in t
           for t in _content_types(types)):
        return [_problem("is een Word-sjabloon (.dotx of .dotm), geen document; open het in Word en sla "
                         "het op als Word-document (.docx)")]
    return []


def _relationships(trees: dict[str, etree._Element]):
    """(relationship part, its attributes with lower-case names) of every relationship in the package."""
    for name, tree in trees.items():
        if name.lower().endswith(".rels"):
            for el in tree.iter(etree.Element):
                if _local(el) == "Relationship":
                    yield name, _attributes(el)


def _active_content(members: dict[str, bytes], trees: dict[str, etree._Element],
                    types: etree._Element | None) -> list[TemplateProblem]:
    found = [name for name in members if _ACTIVE_NAMES.search(name)]
    found += [f"{rels}: {a.get('target', '')}" for rels, a in _relationships(trees)
              if a.get("type", "").rsplit("/", 1)[-1].lower() in _ACTIVE_TYPES]
    kinds = [t for t in _content_types(types) if any(word in t for word in _ACTIVE_CONTENT)]
    if found or kinds:
        where = f" ({found[0] if found else kinds[0]})"
        return [_problem(_MACROS.format(where=where))]
    return []


def _outside_references(trees: dict[str, etree._Element]) -> list[TemplateProblem]:
    """Only hyperlinks to http(s) or mailto may point outside the document: anything else makes Word
    fetch or open something when the OPP is opened or clicked."""
    out = []
    for name, attributes in _relationships(trees):
        message = _judge_relationship(attributes)
        if message:
            out.append(_problem(message, f"relaties ({name})"))
    return out


def _judge_relationship(rel: dict[str, str]) -> str:
    target, kind = rel.get("target", "").strip(), rel.get("type", "").strip()
    short_kind = kind.rsplit("/", 1)[-1]
    if short_kind.lower() in _INSERTED_TYPES:
        return (f"een ingevoegd document (soort '{short_kind}', '{target[:60]}'); Word voegt dat bij het "
                "openen in. Verwijder het (plak de inhoud als gewone tekst)")
    external = rel.get("targetmode", "").strip().lower() == "external" or _ABSOLUTE.match(target)
    if not external:
        return ""
    if kind.lower() != _HYPERLINK:
        return (f"externe verwijzing van soort '{short_kind}' naar '{target[:60]}'; Word haalt "
                "die op bij het openen. Verwijder haar (bijvoorbeeld een gekoppelde afbeelding of een "
                "gekoppeld sjabloon)")
    if not _SAFE_LINK.match(target):
        return (f"een link die geen http(s)- of mailto-link is ('{target[:60]}'); zo'n link kan bij een klik "
                "een programma of netwerkpad openen. Verwijder die link uit het sjabloon")
    return ""


def _fields(members: dict[str, bytes], trees: dict[str, etree._Element]) -> list[TemplateProblem]:
    out = []
    for name, tree in trees.items():
        if any(m in members[name] for m in _FIELD_MARKERS):
            where = part_label(name) if TEMPLATED_PARTS.match(name) else f"onderdeel {name}"
            out += [_problem(message, where) for message in field_problems(tree)]
    return out


def _properties(members: dict[str, bytes]) -> list[TemplateProblem]:
    return [_problem("bevatten sjablooncode; titel, onderwerp en trefwoorden zijn zichtbaar in Verkenner en "
                     "zoekresultaten en mogen geen leerlinggegevens krijgen (Bestand > Info > Eigenschappen)",
                     f"documenteigenschappen ({name})")
            for name, data in members.items() if name.lower().startswith("docprops/") and _JINJA.search(data)]
