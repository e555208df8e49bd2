"""What a filled OPP says outside its tags: text typed beside the fields (reported, never guessed), and
a copy whose tags are gone (saved by LibreOffice), read by the label beside each value.

Both follow from the template, analysed once per template file (`template_model`):
- every paragraph of the template becomes a pattern: a control (`{{r veld(...) }}`, `{{r vinkje(...) }}`)
  becomes nothing, because only the text outside the controls is compared; any other `{{ }}` a wildcard;
  a paragraph with `{% %}` is dropped. A pattern belongs to its place: the numbered section, the column
  of its table (with the row's label in the first column) and whether it is a heading. A paragraph of a
  filled form whose text outside the controls matches no pattern of its place is a finding;
- a label -> field map: a bold label in a table's left cell whose right cell holds exactly one control
  of a singular field (leerling.*, opp.*), for labels that occur once in the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from ..domain.fields import FieldType
from ..domain.registry import get_field, is_known
from . import form_reader as fr

BUILT_IN = Path(__file__).resolve().parents[1] / "form" / "templates" / "opp-swv-amsterdam-diemen.docx"
W = fr.W
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_CONTROL = re.compile(r"^\{\{-?\s*r?\s*(veld|vinkje)\s*\(")
_SINGLE_FIELD = re.compile(r"""^\{\{r?\s*veld\(\s*'([a-z_]+\.[a-z_0-9]+)'\s*\)\s*\}\}$""")
_HEADING1 = frozenset({"Heading1", "Kop1", "heading1"})
_HEADINGS = _HEADING1 | {"Heading2", "Kop2", "heading2"}
_SECTION = re.compile(r"^(\d{1,2})\.\s*(.*)$")
_T, _TAB, _BR, _CR, _P, _TC = W + "t", W + "tab", W + "br", W + "cr", W + "p", W + "tc"
_SDT, _CONTENT, _PPR, _STYLE = W + "sdt", W + "sdtContent", W + "pPr", W + "pStyle"
_NOT_BY_LABEL = {"ouder": "ouders", "betrokkene": "betrokkenen", "factor": "factoren", "doel": "doelen",
                 "steun": "ondersteuning", "instemming": "instemming"}
_LABELLED_TYPES = frozenset({FieldType.YES_NO, FieldType.CHOICES})  # check boxes: never by label

Place = tuple[str, int, int, bool]  # (section, columns of its table row, column or -1, heading)


@dataclass(frozen=True)
class TemplateModel:
    """What reading needs to know of a template: its paragraph patterns per place and its labels."""

    patterns: dict[Place, tuple[tuple[re.Pattern | None, re.Pattern], ...]]
    labels: dict[str, str]  # normalised label -> field path
    not_by_label: tuple[str, ...]  # the parts of the form a label cannot tell (Dutch, for a finding)


def template_model(template: Path | None) -> TemplateModel | None:
    """The model of `template` (None: the built-in form), or None when it cannot be read."""
    path = template or BUILT_IN
    try:
        stat = path.stat()
    except OSError:
        return None
    return _model(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _model(path: str, _mtime: int, _size: int) -> TemplateModel | None:
    parts, reason = fr._open_docx(Path(path))
    if reason or fr.DOCUMENT not in parts:
        return None
    try:
        root = etree.fromstring(parts[fr.DOCUMENT], fr._PARSER)
    except etree.XMLSyntaxError:
        return None
    patterns: dict[Place, list] = {}
    texts = _texts(root, outside=False)
    for _p, place, label, text in _placed(texts, texts):
        if "{%" in text or (label is not None and "{%" in label):
            continue
        patterns.setdefault(place, []).append(
            (None if label is None else _pattern(label), _pattern(text)))
    labels, rest = _labels(root)
    return TemplateModel({k: tuple(v) for k, v in patterns.items()}, labels, rest)


def _pattern(text: str) -> re.Pattern:
    """A template text as a regex over normalised text: controls are left out, other {{ }} match
    anything, whitespace is loose."""
    out: list[str] = []
    pos = 0
    for m in _JINJA.finditer(text):
        out.append(_literal(text[pos:m.start()]))
        if not _CONTROL.match(m.group()):
            out.append(".*")
        pos = m.end()
    out.append(_literal(text[pos:]))
    return re.compile(r"\s*" + "".join(out) + r"\s*", re.DOTALL)


def _literal(text: str) -> str:
    return r"\s*".join(re.escape(word) for word in text.split()) + (r"\s*" if text.strip() else "")


def normal(text: str) -> str:
    return " ".join(text.split())


def _all_text(el) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t"))


def _texts(root, outside: bool) -> dict:
    """paragraph -> its text (outside content controls when `outside`), in document order, for the
    paragraphs that have any; a tab or line break is a space. One pass over the text elements: a
    text's way up meets its paragraph before any control in it, or a control's content first."""
    texts: dict = {}
    in_control: dict = {}
    for x in root.iter(_T, _TAB, _BR, _CR):
        up = x.getparent()
        while up is not None and up.tag != _P and not (outside and up.tag == _CONTENT):
            up = up.getparent()
        if up is None or up.tag != _P:
            continue
        if outside and in_control.setdefault(up, any(True for _ in up.iterancestors(_SDT))):
            continue
        texts[up] = texts.get(up, "") + ((x.text or "") if x.tag == _T else " ")
    return texts


def _placed(texts: dict, label_texts: dict):
    """(paragraph, its place, its row's label or None, its text) for every paragraph in `texts`."""
    section = ""
    for p, text in texts.items():
        first = p[0] if len(p) else None
        style = first.find(_STYLE) if first is not None and first.tag == _PPR else None
        style = "" if style is None else style.get(W + "val", "")
        if style in _HEADING1:
            section = _section(text)
        cell = p.getparent()
        if cell is None or cell.tag != _TC:
            yield p, (section, 0, -1, style in _HEADINGS), None, text
            continue
        cells = cell.getparent().findall(_TC)
        col = cells.index(cell)
        # a label only in a label/value table; in a list the first column is a value
        label = (normal(" ".join(label_texts.get(q, "") for q in cells[0].iter(_P)))
                 if col and len(cells) == 2 else None)
        yield p, (section, len(cells), col, style in _HEADINGS), label, text


def _section(heading: str) -> str:
    m = _SECTION.match(heading.strip())
    return f"§{m.group(1)} ({m.group(2)})" if m else normal(heading)[:60]


def report_outside_text(root, reading: fr._Reading, template: Path | None) -> None:
    """A finding for each paragraph whose text outside the controls the template does not have."""
    model = template_model(template)
    if model is None:
        reading.report("het sjabloon is niet te lezen: tekst buiten de invulvelden is niet gecontroleerd")
        return
    texts = _texts(root, outside=True)
    for _p, place, label, text in _placed(texts, texts):
        text = normal(text)
        if not text or _known(model, place, label, text):
            continue
        where = place[0] or "het begin van het formulier"
        short = text[:40] + ("…" if len(text) > 40 else "")
        reading.report(f"tekst buiten de invulvelden in {where}: '{short}'; die wordt niet gelezen: zet "
                       "hem in een invulveld of verwijder hem")


def _known(model: TemplateModel, place: Place, label: str | None, text: str) -> bool:
    for label_re, text_re in model.patterns.get(place, ()):
        if (label_re is None or label is None or label_re.fullmatch(label)) and text_re.fullmatch(text):
            return True
    return False


# --- labels --------------------------------------------------------------------------------------

def _labels(root) -> tuple[dict[str, str], tuple[str, ...]]:
    """Label -> singular field, for labels that occur once; and the parts no label can tell."""
    found: dict[str, list[str]] = {}
    for tr in root.iter(W + "tr"):
        cells = tr.findall(W + "tc")
        if len(cells) != 2:
            continue
        label = normal(_all_text(cells[0]))
        calls = re.findall(r"\{\{.*?\}\}", _all_text(cells[1]))
        single = _SINGLE_FIELD.match(calls[0].strip()) if len(calls) == 1 else None
        if label and "{" not in label:
            found.setdefault(label, []).append(single.group(1) if single else "")
    labels = {label: paths[0] for label, paths in found.items()
              if len(paths) == 1 and _by_label(paths[0])}
    text = _all_text(root)
    owners = {m.group(1) for m in re.finditer(r"veld\(\s*'([a-z_]+)\.[a-z_0-9]+'\s*,", text)}
    rest = [name for owner, name in _NOT_BY_LABEL.items() if owner in owners]
    if "vinkje(" in text:
        rest.append("vinkjes")
    return labels, tuple(rest)


def _by_label(path: str) -> bool:
    return (path.split(".")[0] in ("leerling", "opp") and is_known(path)
            and get_field(path).type not in _LABELLED_TYPES)


def read_by_labels(root, reading: fr._Reading, template: Path | None, application: str) -> fr.FormRead:
    """A document without tags: the values of the rows whose label the template has once."""
    model = template_model(template)
    labels = model.labels if model else {}
    count = 0
    for tr in root.iter(W + "tr"):
        cells = tr.findall(W + "tc")
        path = labels.get(normal(_all_text(cells[0]))) if len(cells) >= 2 else None
        if path:
            reading.add(path, _cell_value(cells[1], path, reading))
            count += 1
    who = "met LibreOffice" if "libreoffice" in application.lower() else (
        f"met {application[:40]}" if application else "door een ander programma")
    if not count:
        return fr.FormRead(reading.path, False, reason=(
            f"{reading.path.name} heeft geen invulvelden met tags (opgeslagen {who}?) en geen bekende "
            "labels: is dit een OPP van opp-generator?"), application=application)
    rest = ", ".join(model.not_by_label) if model and model.not_by_label else "geen"
    reading.report(f"opgeslagen {who}: de tags zijn weg; gelezen via de labels: {count} velden; niet te "
                   f"lezen: {rest}")
    return reading.result(by_labels=True, application=application)


def _cell_value(cell, path: str, reading: fr._Reading) -> object:
    v = get_field(path)
    controls = [s for s in cell.iter(W + "sdt") if not any(True for _ in s.iterancestors(W + "sdt"))]
    full = next((d.get(W + "fullDate", "") for s in controls for d in s.iter(W + "date")), "")
    text = "\n".join(fr.control_text(s) for s in controls) if controls else fr.control_text(cell)
    text = text.strip()
    if not text or text == fr.prompt(v):
        return None
    if v.type is FieldType.DATE:
        return fr._date_value(full, text, v, path, reading)
    if v.type is FieldType.CHOICE and text not in v.choices:
        reading.report(f"keuzeveld '{path}' heeft de tekst '{text[:40]}', die geen keuze van de lijst is")
    return text
