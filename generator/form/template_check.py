"""The template check: the one rule set a Word template must pass before anything is rendered with it.

`opp sjabloon` runs it, and so does every `opp genereer` and `opp controleer` before it reads the export:
the same rules, the same messages. The rules, in the order they are checked:
- the container: a readable .docx of sane size, no zip bomb (declared sizes, nothing is unpacked to
  find out);
- active content: no macros or ActiveX (a macro-enabled content type counts too);
- outside references: no external relationship other than a hyperlink, and hyperlinks only to http(s)
  or mailto (Follina used an external oleObject; a file: or UNC link hands over Windows credentials);
- document properties: no template code (title, subject and keywords show in Explorer and search
  results, and must never carry a student's data);
- per templated part (template_tags.py): Word's damage to tags, Jinja syntax, blocks, field names and
  the sandbox rules (only fields, for and if; no other calls).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docxtpl import DocxTemplate
from lxml import etree

from ..domain.errors import InputError, TemplateError
from .template_tags import TemplateProblem, check_part

MAX_FILE = 50 * 1024 * 1024  # bytes on disk
MAX_UNPACKED = 200 * 1024 * 1024  # declared total, unpacked
MAX_MEMBERS = 2000
MAX_RATIO = 100  # per member bigger than RATIO_FROM; Apache POI refuses beyond 1:100 as well
RATIO_FROM = 1024 * 1024  # small XML parts legitimately compress better than 1:100
TEMPLATED_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_ACTIVE = re.compile(r"vbaProject|vbaData|activeX", re.IGNORECASE)
_JINJA = re.compile(rb"\{\{|\{%|\{#")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_DOCUMENT = "het document"


def check_template(path: Path) -> list[TemplateProblem]:
    """Every problem of the template at `path`; an empty list means it can be used."""
    members, problems = _read_container(path)
    if members is None:
        return problems
    if "word/document.xml" not in members:
        return [_problem("heeft geen hoofdtekst (word/document.xml); dit is geen Word-document (.docx)")]
    problems += (_document_kind(members) + _active_content(members) + _outside_references(members)
                 + _properties(members))
    parts = [name for name in members if TEMPLATED_PARTS.match(name)]
    docxtpl = DocxTemplate(str(path))
    for name in parts:
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


def _read_container(path: Path) -> tuple[dict[str, bytes] | None, list[TemplateProblem]]:
    """The members of a sane .docx; None (with the reason) for a file that must not be unpacked."""
    try:
        if path.stat().st_size > MAX_FILE:
            return None, [_problem(f"is groter dan {MAX_FILE // 2**20} MB")]
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            too_big = _sizes(infos)
            if too_big:
                return None, [_problem(too_big)]
            return {i.filename: zf.read(i) for i in infos}, []
    except FileNotFoundError as exc:
        raise InputError(f"sjabloon niet gevonden: {path.resolve()}") from exc
    except (OSError, zipfile.BadZipFile, EOFError):
        return None, [_problem("is geen leesbaar Word-document (.docx)")]


def _problem(message: str, part: str = _DOCUMENT) -> TemplateProblem:
    return TemplateProblem(part, "", message)


def _sizes(infos: list[zipfile.ZipInfo]) -> str:
    """Declared sizes from the central directory: what is wrong with them, or ''."""
    if len(infos) > MAX_MEMBERS:
        return f"heeft {len(infos)} onderdelen; dat is geen normaal Word-document (zipbom?)"
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        return f"is uitgepakt {total // 2**20} MB, meer dan {MAX_UNPACKED // 2**20} MB (zipbom?)"
    for i in infos:
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return f"onderdeel {i.filename} pakt meer dan {MAX_RATIO} keer zo groot uit (zipbom?)"
    return ""


def _document_kind(members: dict[str, bytes]) -> list[TemplateProblem]:
    """A Word template (.dotx, .dotm) opens in Word as a new document, not as the OPP itself."""
    types = members.get("[Content_Types].xml", b"")
    if b"wordprocessingml.template.main+xml" in types or b"macroEnabledTemplate" in types:
        return [_problem("is een Word-sjabloon (.dotx of .dotm), geen document; open het in Word en sla "
                         "het op als Word-document (.docx)")]
    return []


def _active_content(members: dict[str, bytes]) -> list[TemplateProblem]:
    types = members.get("[Content_Types].xml", b"").decode("utf-8", "replace")
    found = [name for name in members if _ACTIVE.search(name)]
    if found or "macroEnabled" in types:
        where = f" ({found[0]})" if found else ""
        return [_problem(f"bevat macro's of ActiveX-elementen{where}; sla het sjabloon op als gewoon "
                         "Word-document (.docx), zonder macro's")]
    return []


def _outside_references(members: dict[str, bytes]) -> list[TemplateProblem]:
    """Only hyperlinks to http(s) or mailto may point outside the document: anything else makes Word
    fetch or open something when the OPP is opened or clicked."""
    out = []
    for name, data in members.items():
        if not name.endswith(".rels"):
            continue
        part = f"relaties ({name})"
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError:
            out.append(_problem("is geen geldige XML", part))
            continue
        out += [_problem(message, part) for message in map(_judge_relationship, root) if message]
    return out


def _judge_relationship(rel: etree._Element) -> str:
    if not isinstance(rel.tag, str) or rel.get("TargetMode", "") != "External":
        return ""
    target, kind = rel.get("Target", ""), rel.get("Type", "")
    if kind != _HYPERLINK:
        return (f"externe verwijzing van soort '{kind.rsplit('/', 1)[-1]}' naar '{target[:60]}'; Word haalt "
                "die op bij het openen. Verwijder haar (bijvoorbeeld een gekoppelde afbeelding of een "
                "gekoppeld sjabloon)")
    if not _SAFE_LINK.match(target):
        return (f"een link die geen http(s)- of mailto-link is ('{target[:60]}'); zo'n link kan bij een klik "
                "een programma of netwerkpad openen. Verwijder die link uit het sjabloon")
    return ""


def _properties(members: dict[str, bytes]) -> list[TemplateProblem]:
    return [_problem("bevatten sjablooncode; titel, onderwerp en trefwoorden zijn zichtbaar in Verkenner en "
                     "zoekresultaten en mogen geen leerlinggegevens krijgen (Bestand > Info > Eigenschappen)",
                     f"documenteigenschappen ({name})")
            for name, data in members.items() if name.startswith("docProps/") and _JINJA.search(data)]
