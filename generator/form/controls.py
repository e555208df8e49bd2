"""Word content controls (w:sdt) as XML text: plain text, date picker, drop-down list and checkbox.

The renderer exposes these to templates through `field(...)` and `checkbox(...)`. Values are escaped
here, because the result is inserted as markup. Each control's w:tag is its field name, so that a
finished form can be read back; ids are numbered per document by the renderer.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from ..domain.fields import Field, FieldType
from ..domain.form_rules import PROMPT_DATE, PROMPT_ITEM, PROMPT_TEXT
from ..read.convert import XML_ILLEGAL, date_text

CHECKED, UNCHECKED = "\u2612", "\u2610"
_FONT = '<w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic" w:hint="eastAsia"/>'
_PLACEHOLDER_RPR = '<w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'


def _x(value: object) -> str:
    """Escape for element text and attribute values alike; illegal XML characters become U+FFFD."""
    return str(escape(XML_ILLEGAL.sub("\ufffd", str(value))))


def _runs(text: str) -> str:
    """Text as runs; line breaks become w:br so that a multi-line value stays multi-line."""
    lines = text.split("\n")
    inner = '<w:br/>'.join(f'<w:t xml:space="preserve">{_x(line)}</w:t>' for line in lines)
    return f"<w:r>{inner}</w:r>"


def _sdt(v: Field, tag: str, kind: str, content: str, empty: bool, alias: str | None = None) -> Markup:
    label = _x(alias or v.description.rstrip("."))[:250]
    plc = "<w:showingPlcHdr/>" if empty else ""
    return Markup(
        f'<w:sdt><w:sdtPr><w:alias w:val="{label}"/><w:tag w:val="{_x(tag)}"/><w:id w:val="0"/>'
        f'{plc}{kind}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>')


def _placeholder(v: Field, fallback: str) -> str:
    return f'<w:r>{_PLACEHOLDER_RPR}<w:t xml:space="preserve">{_x(v.placeholder or fallback)}</w:t></w:r>'


# An optional field left empty (no tussenvoegsel, no e-mail) is a complete answer: an empty control,
# no prompt asking someone to act, and nothing that reads back as a value.
_EMPTY = '<w:r><w:t xml:space="preserve"></w:t></w:r>'


def text_control(v: Field, value: object, tag: str | None = None) -> Markup:
    text = "" if value is None else str(value)
    multi = ' w:multiLine="1"' if v.type is FieldType.LONG_TEXT else ""
    if not text and v.optional:
        return _sdt(v, tag or v.path, f"<w:text{multi}/>", _EMPTY, False)
    content = _runs(text) if text else _placeholder(v, PROMPT_TEXT)
    return _sdt(v, tag or v.path, f"<w:text{multi}/>", content, not text)


def date_control(v: Field, value: date | None, tag: str | None = None) -> Markup:
    props = ('<w:dateFormat w:val="d MMMM yyyy"/><w:lid w:val="nl-NL"/>'
             '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/>')
    if value is None and v.optional:
        return _sdt(v, tag or v.path, f"<w:date>{props}</w:date>", _EMPTY, False)
    if value is None:
        return _sdt(v, tag or v.path, f"<w:date>{props}</w:date>", _placeholder(v, PROMPT_DATE), True)
    kind = f'<w:date w:fullDate="{value.isoformat()}T00:00:00Z">{props}</w:date>'
    return _sdt(v, tag or v.path, kind, _runs(date_text(value)), False)


def dropdown_control(v: Field, value: object, tag: str | None = None) -> Markup:
    """A drop-down list: one answer from the field's choices. Unanswered is the prompt, never a choice."""
    return _list_control(v, value, tag, "w:dropDownList")


def combo_control(v: Field, value: object, tag: str | None = None) -> Markup:
    """A combo box: the field's choices, or any text the user types (an uitstroombestemming the list
    does not have)."""
    return _list_control(v, value, tag, "w:comboBox")


def _list_control(v: Field, value: object, tag: str | None, element: str) -> Markup:
    text = "" if value is None else str(value)
    prompt = v.placeholder or PROMPT_ITEM
    options = list(v.choices)
    if text and text not in options:
        options.append(text)  # a value outside the list is kept, never lost
    items = f'<w:listItem w:displayText="{_x(prompt)}" w:value=""/>' + "".join(
        f'<w:listItem w:displayText="{_x(o)}" w:value="{_x(o)}"/>' for o in options)
    content = _runs(text) if text else _placeholder(v, prompt)
    return _sdt(v, tag or v.path, f"<{element}>{items}</{element}>", content, not text)


def checkbox(v: Field, checked: bool, tag: str | None = None, alias: str | None = None) -> Markup:
    kind = (f'<w14:checkbox><w14:checked w14:val="{1 if checked else 0}"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
            '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>')
    # As character references: the only characters above U+00FF in the form would otherwise make
    # Python hold each student's whole document as two bytes per character (slower to join and encode).
    glyph = f"&#x{ord(CHECKED if checked else UNCHECKED):X};"
    content = f'<w:r><w:rPr>{_FONT}</w:rPr><w:t>{glyph}</w:t></w:r>'
    return _sdt(v, tag or v.path, kind, content, False, alias)


def control(v: Field, value: object, tag: str | None = None) -> Markup:
    """The control that fits the field's type."""
    match v.type:
        case FieldType.DATE:
            return date_control(v, value if isinstance(value, date) else None, tag)
        case FieldType.CHOICE:
            return dropdown_control(v, value, tag)
        case FieldType.COMBO:
            return combo_control(v, value, tag)
        case FieldType.YES_NO:
            return checkbox(v, bool(value), tag)
        case FieldType.CHOICES:
            return text_control(v, "; ".join(value or ()), tag)
        case _:
            return text_control(v, value, tag)


def hyperlink(text: str, rid: str) -> Markup:
    """A hyperlink run to relationship `rid`; without one, the text alone (a refused link)."""
    run = (f'<w:r><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>'
           f'<w:t xml:space="preserve">{_x(text)}</w:t></w:r>')
    if not rid:
        return Markup(f'<w:r><w:t xml:space="preserve">{_x(text)}</w:t></w:r>')
    return Markup(f'<w:hyperlink r:id="{_x(rid)}" w:history="1">{run}</w:hyperlink>')
