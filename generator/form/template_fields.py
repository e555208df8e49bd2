"""Word fields and settings that make Word fetch, include or run something when an OPP is opened,
printed or updated.

Refused: INCLUDEPICTURE and INCLUDETEXT (and their old names IMPORT and INCLUDE) fetch a file from a
website or a network share (a \\\\host\\share hands over the Windows login); DDE and DDEAUTO start another
program; LINK and DATABASE fetch an object or data from outside; a HYPERLINK field may only go to http(s)
or mailto, as a hyperlink relationship may. Refused as well: a field whose kind is made by another field
(`{ {QUOTE 68 68 69} ... }` is a DDE field), template code in a field's code (it would change the field
per student), and w:updateFields (Word then updates every field on opening, without asking).

Fields are read as Word reads them: the w:instr of a w:fldSimple, or the w:instrText between a
w:fldChar begin and its separate (fields nest). Element names are matched without their namespace, a
field's kind case-insensitively. The template check runs this on every XML part of the template; the
renderer on every rendered part that holds a field.
"""

from __future__ import annotations

import re

from lxml import etree

_FETCH = "haalt bij het openen of bijwerken iets van buiten het document op"
_REFUSED = {"includepicture": _FETCH, "import": _FETCH, "includetext": _FETCH, "include": _FETCH,
            "link": _FETCH, "database": _FETCH, "dde": "start een ander programma",
            "ddeauto": "start bij het openen een ander programma"}
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')  # a quoted argument (with \" and \\) or a bare word
_SWITCH = re.compile(r"^\\[a-zA-Z]$")
_SWITCH_WITH_ARGUMENT = {"\\l", "\\o", "\\t"}  # HYPERLINK's bookmark, tooltip and frame
_NESTED = "\x00"  # stands for a field inside another field's code
_OFF = {"false", "0", "off"}
# what the walk looks at; the C side of lxml skips the rest (the footer of every OPP is checked)
_ELEMENTS = ("{*}fldChar", "{*}instrText", "{*}fldSimple", "{*}updateFields", "{*}t", "{*}delText")
_REMOVE = "; verwijder het veld (Alt+F9 in Word toont de veldcodes)"


def field_problems(root: etree._Element) -> list[str]:
    """What is wrong with the fields and settings of one part, as Dutch messages; [] when nothing."""
    walk = _Walk()
    for el in root.iter(*_ELEMENTS):
        walk.element(el.tag.rpartition("}")[2], el)
    for code, _ in walk.stack:  # fields that never end
        walk.out += _judge("".join(code))
    return list(dict.fromkeys(walk.out))


class _Walk:
    """The fields of one part, in document order: per open field its code so far and whether its code
    is still being read (until its separate)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.stack: list[tuple[list[str], list[bool]]] = []

    def in_code(self) -> bool:
        return bool(self.stack) and self.stack[-1][1][0]

    def element(self, name: str, el: etree._Element) -> None:
        if name == "fldChar":
            self.fld_char(_attribute(el, "fldCharType").lower())
        elif name == "instrText":
            if self.in_code():
                self.stack[-1][0].append(el.text or "")
            else:  # an instruction outside a field: judged on its own
                self.out += _judge(el.text or "")
        elif name == "fldSimple":
            if self.in_code():
                self.stack[-1][0].append(_NESTED)
            self.out += _judge(_attribute(el, "instr"))
        elif name == "updateFields" and _attribute(el, "val").lower() not in _OFF:
            self.out.append("de instelling 'velden bijwerken bij openen' (w:updateFields) staat aan: Word "
                            "werkt dan bij het openen van elk OPP alle velden bij, zonder te vragen. Maak "
                            "het sjabloon opnieuw vanuit `opp sjabloon --kopie`")
        elif self.in_code() and ("{" in (el.text or "") or "}" in (el.text or "")):
            self.out.append(_template_code(el.text or ""))

    def fld_char(self, kind: str) -> None:
        if kind == "begin":
            if self.in_code():
                self.stack[-1][0].append(_NESTED)
            self.stack.append(([], [True]))
        elif kind == "separate" and self.stack:
            self.stack[-1][1][0] = False
        elif kind == "end" and self.stack:
            self.out += _judge("".join(self.stack.pop()[0]))


def _attribute(el: etree._Element, name: str) -> str:
    """An attribute by its name without namespace."""
    return next((value for key, value in el.attrib.items() if key.rpartition("}")[2] == name), "")


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.replace(_NESTED, "{…}").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _template_code(code: str) -> str:
    return (f"sjablooncode in de code van een veld ('{_short(code)}'); die zou het veld per leerling "
            "veranderen. Zet sjablooncode alleen in gewone tekst")


def _judge(code: str) -> list[str]:
    code = code.strip()
    if not code:
        return []
    if "{" in code or "}" in code:
        return [_template_code(code)]
    if code.startswith(_NESTED):
        return [f"een veld waarvan de soort door een ander veld wordt gemaakt ('{_short(code)}'); zo wordt "
                f"bijvoorbeeld een DDE-veld verstopt{_REMOVE}"]
    tokens = [quoted or bare for quoted, bare in _TOKEN.findall(code.replace(_NESTED, " "))]
    kind = tokens[0].strip().lower() if tokens else ""
    if kind in _REFUSED:
        return [f"veld {kind.upper()} ('{_short(code)}') {_REFUSED[kind]}{_REMOVE}"]
    if kind == "hyperlink":
        target = _link_target(_TOKEN.findall(code.replace(_NESTED, " "))[1:])
        if target and not _SAFE_LINK.match(target):
            return [f"veld HYPERLINK naar '{_short(target)}': alleen http(s)- en mailto-links mogen; zo'n "
                    f"link kan bij een klik een programma of netwerkpad openen{_REMOVE}"]
    return []


def _link_target(tokens: list[tuple[str, str]]) -> str:
    """The target of a HYPERLINK field: its first argument that is no switch nor a switch's argument."""
    skip = False
    for quoted, bare in tokens:
        if skip:
            skip = False
            continue
        if bare and _SWITCH.match(bare):
            skip = bare.lower() in _SWITCH_WITH_ARGUMENT
            continue
        return (quoted or bare).replace("\\\\", "\\")
    return ""
