"""A filled OPP (.docx) -> its values by tag: every content control (w:sdt) read as Word stores it.

The reading rules are ../shared/domain/word-formulier.md §8 and docs/formulier-tags.md ("Teruglezen"):
the key is a control's w:tag, never its w:id; a placeholder or a prompt is empty; a check box is its
w14:checked, a date its w:fullDate, a list its text matched to a list item. Text typed outside the
controls is reported, never guessed (form_labels.py); a copy saved by LibreOffice, whose tags are gone,
is read by the labels beside its values where that is unambiguous (form_labels.py), or not at all.

One lxml parse per part, no python-docx: reading a thousand OPPs takes seconds. Nothing here raises for
a bad file: an unreadable one is a FormRead with readable=False and a Dutch reason.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

from ..domain.fields import Field, FieldType
from ..domain.findings import Finding, Location, Severity
from ..domain.form_rules import (
    DOCX_MAX_BYTES,
    DOCX_MAX_MEMBERS,
    DOCX_MAX_RATIO,
    DOCX_RATIO_FROM,
    PROMPT_DATE,
    PROMPT_ITEM,
    PROMPT_TEXT,
    ROW_TAG,
)
from ..domain.registry import get_field, is_known
from .convert import parse_date

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
DOCUMENT = "word/document.xml"
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_APP = "docProps/app.xml"
# The limits the template is held to (domain/form_rules.py): a filled form is far below them.
MAX_FILE, MAX_MEMBERS = DOCX_MAX_BYTES, DOCX_MAX_MEMBERS
MAX_RATIO, RATIO_FROM = DOCX_MAX_RATIO, DOCX_RATIO_FROM
_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError,
                ValueError)
_OLE = b"\xd0\xcf\x11\xe0"  # a compound file: a password-protected .docx, or an old .doc
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
TRUE = frozenset({"1", "true", "on"})
# The generic prompts controls.py writes, for a field without its own placeholder.
FALLBACK_TEXT, FALLBACK_DATE, FALLBACK_ITEM = PROMPT_TEXT, PROMPT_DATE, PROMPT_ITEM
_TEXT_TAGS = (W + "t", W + "tab", W + "br", W + "cr", W + "p")
_TAG, _VAL, _SDT, _SDTPR, _CONTENT = W + "tag", W + "val", W + "sdt", W + "sdtPr", W + "sdtContent"
_PLACEHOLDER, _CHECKBOX, _DATE = W + "showingPlcHdr", W14 + "checkbox", W + "date"
_DROPDOWN, _COMBO = W + "dropDownList", W + "comboBox"


@dataclass(frozen=True)
class FormRead:
    """What one OPP document says. `values`: tag -> its values in document order (a copied row gives
    two); an empty control is None, a check box a bool, a date a date, anything else a str."""

    path: Path
    readable: bool
    values: dict[str, tuple[object, ...]] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why the document cannot be read at all (readable=False)
    by_labels: bool = False  # the tags were gone (LibreOffice): read by the labels beside the values
    application: str = ""  # docProps/app.xml Application: who saved it last

    def first(self, tag: str) -> object:
        """The first non-empty value of `tag`, or None."""
        return next((v for v in self.values.get(tag, ()) if v is not None), None)


@dataclass
class _Reading:
    """A document being read: the values so far and what to report."""

    path: Path
    values: dict[str, list[object]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def add(self, tag: str, value: object) -> None:
        self.values.setdefault(tag, []).append(value)

    def report(self, message: str) -> None:
        self.findings.append(Finding(Severity.WARNING, Location(self.path.name), message))

    def result(self, **kwargs) -> FormRead:
        values = {tag: tuple(v) for tag, v in self.values.items()}
        return FormRead(self.path, True, values, tuple(self.findings), **kwargs)


def read_form(path: Path, template: Path | None = None) -> FormRead:
    """The values of the OPP at `path`, by tag. `template` is the form it was generated from (for the
    text outside the fields and the labels); None is the built-in form."""
    from . import form_labels  # below: form_labels uses this module's text rules

    parts, reason = _open_docx(path)
    if reason:
        return FormRead(path, False, reason=f"{path.name} {reason}")
    try:
        roots = {name: etree.fromstring(data, _PARSER) for name, data in parts.items() if name != _APP}
    except etree.XMLSyntaxError:
        return FormRead(path, False, reason=f"{path.name} is beschadigd: de tekst van het document is geen "
                                            "geldige XML")
    application = _application(parts.get(_APP, b""))
    if DOCUMENT not in roots:
        return FormRead(path, False, reason=f"{path.name} is geen Word-document: het hoofddeel ontbreekt")
    reading = _Reading(path)
    if any(next(root.iter(_TAG), None) is not None for root in roots.values()):
        for name in sorted(roots, key=lambda n: n != DOCUMENT):
            read_controls(roots[name], reading)
        form_labels.report_outside_text(roots[DOCUMENT], reading, template)
        return reading.result(application=application)
    return form_labels.read_by_labels(roots[DOCUMENT], reading, template, application)


# --- the container ---------------------------------------------------------------------------------

def _open_docx(path: Path) -> tuple[dict[str, bytes], str]:
    """The parts to read ({name: bytes}), or ({}, what is wrong) for a file that is not a safe .docx."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
        if head == _OLE:
            return {}, ("is versleuteld (met een wachtwoord beveiligd) of een oud Word-bestand (.doc); sla "
                        "het in Word op als .docx zonder wachtwoord")
        if not head.startswith(b"PK"):
            return {}, "is geen Word-document (.docx): het is geen zip-bestand"
        if path.stat().st_size > MAX_FILE:
            return {}, f"is groter dan {MAX_FILE // 2**20} MB; dat is geen normaal OPP"
        if _declared_members(path) > MAX_MEMBERS:
            return {}, f"heeft meer dan {MAX_MEMBERS} onderdelen; dat is geen normaal Word-document"
        with zipfile.ZipFile(path) as zf:
            return _members(zf)
    except RuntimeError:
        return {}, "is versleuteld (met een wachtwoord beveiligd); sla het in Word op zonder wachtwoord"
    except _READ_ERRORS as exc:
        if isinstance(exc, FileNotFoundError):
            return {}, "bestaat niet"
        return {}, "is beschadigd of geen leesbaar Word-document (.docx)"


def _members(zf: zipfile.ZipFile) -> tuple[dict[str, bytes], str]:
    infos = [i for i in zf.infolist() if _PARTS.match(i.filename) or i.filename == _APP]
    if len(zf.infolist()) > MAX_MEMBERS:
        return {}, f"heeft meer dan {MAX_MEMBERS} onderdelen; dat is geen normaal Word-document"
    if sum(i.file_size for i in infos) > MAX_FILE:
        return {}, f"pakt uit tot meer dan {MAX_FILE // 2**20} MB; dat is geen normaal OPP (zipbom?)"
    for i in infos:
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return {}, f"onderdeel {i.filename} pakt meer dan {MAX_RATIO} keer zo groot uit (zipbom?)"
        if i.flag_bits & 0x1:
            raise RuntimeError("encrypted")
    parts = {}
    for info in infos:
        with zf.open(info) as fh:
            data = fh.read(info.file_size)  # never more than declared: a lying header is a BadZipFile
        if len(data) != info.file_size:
            raise zipfile.BadZipFile(info.filename)
        parts[info.filename] = data
    return parts, ""


def _declared_members(path: Path) -> int:
    """The member count in the end of central directory record, before zipfile reads every entry."""
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 65_557))
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    return int.from_bytes(tail[at + 10:at + 12], "little") if at >= 0 and len(tail) >= at + 12 else 0


def _application(data: bytes) -> str:
    """docProps/app.xml's Application ('Microsoft Office Word', 'LibreOffice/7.4...'), or ''."""
    found = re.search(rb"<(?:\w+:)?Application>([^<]{0,200})</", data)
    return found.group(1).decode("utf-8", "replace") if found else ""


# --- controls --------------------------------------------------------------------------------------

def read_controls(root, reading: _Reading) -> None:
    """Every tagged control of one part, nested ones included, in document order. A w:tag belongs to
    its control's w:sdtPr: walking the tags skips the untagged controls (Word's own, LibreOffice's)."""
    for tag_el in root.iter(_TAG):
        props = tag_el.getparent()
        sdt = props.getparent() if props is not None and props.tag == _SDTPR else None
        tag = tag_el.get(_VAL)
        if sdt is None or sdt.tag != _SDT or tag is None:
            continue
        v = field_of(tag)
        if v is None:
            reading.report(f"onbekend invulveld '{tag[:60]}' (tag): niet gelezen")
            continue
        kinds = {child.tag: child for child in props}
        if _PLACEHOLDER in kinds and kinds[_PLACEHOLDER].get(_VAL, "1").lower() in TRUE:
            reading.add(tag, False if _CHECKBOX in kinds else None)
            continue
        content = sdt.find(_CONTENT)
        text = control_text(content) if content is not None else ""
        reading.add(tag, _value(kinds, text, v, tag, reading))


def _value(kinds: dict, text: str, v: Field, tag: str, reading: _Reading) -> object:
    if _CHECKBOX in kinds:
        checked = kinds[_CHECKBOX].find(W14 + "checked")
        return checked is not None and checked.get(W14 + "val", "").lower() in TRUE
    if _DATE in kinds:
        return _date_value(kinds[_DATE].get(W + "fullDate", ""), text, v, tag, reading)
    for kind in (_DROPDOWN, _COMBO):
        if kind in kinds:
            return _list_value(kinds[kind], text, v, tag, reading, combo=kind == _COMBO)
    return None if not text or text == prompt(v) else text


def _date_value(full: str, text: str, v: Field, tag: str, reading: _Reading) -> date | None:
    if full:
        try:
            return date.fromisoformat(full[:10])
        except ValueError:
            pass
    if not text or text == prompt(v):
        return None
    try:  # Word sometimes keeps only the text
        return parse_date(text)
    except ValueError:
        reading.report(f"datumveld '{tag}' is niet te lezen: '{text[:40]}' is geen datum; verwacht "
                       "bijvoorbeeld 1 september 2026")
        return None


def _list_value(items, text: str, v: Field, tag: str, reading: _Reading, combo: bool) -> str | None:
    if not text or text == prompt(v):
        return None
    for item in items.iterfind(W + "listItem"):
        if item.get(W + "displayText") == text:
            return item.get(W + "value") or None
    if not combo:
        reading.report(f"keuzelijst '{tag}' heeft de tekst '{text[:40]}', die geen keuze van de lijst is")
    return text


def control_text(content) -> str:
    """All w:t in document order; w:tab a tab, w:br/w:cr a line break, a new paragraph a line break;
    w:delText (a tracked deletion) is another element and stays out. Stripped."""
    out: list[str] = []
    first_p = True
    for el in content.iter(*_TEXT_TAGS):
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag == W + "p":
            if not first_p:
                out.append("\n")
            first_p = False
        else:
            out.append("\n")
    return "".join(out).strip()


# --- tags and prompts ------------------------------------------------------------------------------

def field_path(tag: str) -> str:
    """The registry field of a tag: 'doel[2].resultaat' -> 'doel.resultaat', 'opp.aanleiding=X' ->
    'opp.aanleiding'."""
    tag = tag.split("=", 1)[0]
    keyed = ROW_TAG.match(tag)
    return f"{keyed.group(1)}.{keyed.group(3)}" if keyed else tag


def field_of(tag: str) -> Field | None:
    path = field_path(tag)
    return get_field(path) if is_known(path) else None


def prompt(v: Field) -> str:
    """The text an empty control of this field shows (generator/form/controls.py)."""
    if v.placeholder:
        return v.placeholder
    if v.type is FieldType.DATE:
        return FALLBACK_DATE
    if v.type in (FieldType.CHOICE, FieldType.COMBO):
        return FALLBACK_ITEM
    return FALLBACK_TEXT
