"""The template check, part by part: what Word does to Jinja tags (split over paragraphs, curly quotes),
syntax errors and unclosed blocks, unknown field names (with the nearest known name) and code that
template_code.py refuses. Each problem names the part of the document, the heading above it and the
text around it, so that the user can find it in Word. template_check.py runs this for every templated
part.

Template code may stand only in the text of the document's paragraphs, where these checks see it: not in
a field code, a tracked change, a comment or an attribute (`_hidden_code`). Then the whole part goes
through the renderer's compile path and its syntax tree through template_code.py, so that what the
renderer will compile is what was checked. Every scan here takes time in proportion to the part (a
template can be hostile): at most MAX_TAGS tags per part, and tags are found without backtracking.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, meta, nodes
from lxml import etree

from ..domain.fields import SHEET_KINDS
from ..domain.records import Betrokkene, Document, Doel, Factor, Leerling, Ondersteuning, Opp, Ouder
from ..domain.registry import all_field_names, get_field, is_known
from .context import build_context
from .docx_zip import MAX_PART
from .sandbox import FUNCTIONS, make_environment
from .template_code import refusals

MAX_TAGS = 5000  # per part; the built-in form has ~150
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MARKERS = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_OPENERS = re.compile(r"(?=(\{\{|\{%|\{#))")
_CLOSING = {"{{": "}}", "{%": "%}", "{#": "#}"}
# possessive: a run of spaces after '{%' must not be tried in every split between the two \s
_LOOP = re.compile(r"\{%-?\s*+(?:tr|tc|p|r)?\s*+for\s++(\w++)\s++in\s++(\w++)")
_BLOCK = re.compile(r"\{%-?\s*+(?:tr|tc|p|r)?\s*+(for|if|endfor|endif)\b")
_JINJA_ERRORS = (TemplateSyntaxError, ValueError, OverflowError, RecursionError)  # 5,000-digit number,
# brackets nested 1,000 deep: Jinja's lexer and parser raise these
_JOINS = "{%#}"  # docxtpl joins '{' + XML + '%' into '{%': hidden text must not start or end with these
_CURLY = "‘’‚“”„"
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True)
# Lists the context derives from another list, and the kind of row they hold.
_DERIVED = {"uitwerkingen": "document", "bronnen": "document", "factoren_per_domein": "factor",
            "ouderrijen": "ouder", "betrokkenenrijen": "betrokkene", "doelrijen": "doel",
            "steunrijen": "steun", "instemmers": "instemming", "vorige_doelen": "doel"}


@dataclass(frozen=True)
class TemplateProblem:
    """One problem in a template: where (part, surrounding text) and what."""

    part: str
    place: str
    message: str
    heading: str = ""  # the heading above the paragraph: the same tag text can stand in several places

    def __str__(self) -> str:
        waar = self.part + (f", onder kop '{self.heading}'" if self.heading else "")
        waar += f", bij '{self.place}'" if self.place else ""
        return f"{waar}: {self.message}"



def part_label(naam: str) -> str:
    short_name = naam.rsplit("/", 1)[-1]
    for started, word in (("document", "hoofdtekst"), ("header", "koptekst"), ("footer", "voettekst"),
                          ("footnotes", "voetnoten"), ("endnotes", "eindnoten")):
        if short_name.startswith(started):
            return f"{word} ({short_name})"
    return short_name



def _paragraphs(root: etree._Element) -> list[tuple[str, str]]:
    """(text, heading above it) of every paragraph. Dutch Word names heading styles 'Kop1'."""
    out, heading = [], ""
    for p in root.iter(f"{_W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
        styles = p.find(f"{_W}pPr/{_W}pStyle")
        if styles is not None and re.match(r"(Heading|Kop)\d", styles.get(f"{_W}val", "")):
            heading = _short(text, 40)
        out.append((text, heading))
    return out


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def check_part(naam: str, data: bytes, docxtpl: DocxTemplate) -> list[TemplateProblem]:
    part = part_label(naam)
    if len(data) > MAX_PART:  # docxtpl's patching takes seconds per MB
        return [TemplateProblem(part, "", f"is groter dan {MAX_PART // 2**20} MB; dat is geen normaal "
                                          "formulier")]
    try:
        root = etree.fromstring(data, _STRICT)
    except etree.XMLSyntaxError as exc:
        return [TemplateProblem(part, "", f"is geen geldige XML: {exc}")]
    paragraphs = _paragraphs(root)
    markers = sum(_count_markers(text) for text, _ in paragraphs)
    if max(markers, _count_markers(data.decode("utf-8", "replace"))) > 2 * MAX_TAGS:
        return [TemplateProblem(part, "", f"heeft meer dan {MAX_TAGS} stukken sjablooncode; dat is geen "
                                          "normaal formulier")]
    found = [(("", ""), m) for m in _hidden_code(root)]
    found += [(a, m) for a in paragraphs for m in _word_damage(a[0])]
    found += _blocks(paragraphs) + _tags(paragraphs)
    if not found:
        found = _compile_part(etree.tostring(root, encoding="unicode"), docxtpl)
    unique = dict.fromkeys(found)  # first: a damaged paragraph of megabytes can give thousands of problems
    problems = (TemplateProblem(part, _short(text), m, heading) for (text, heading), m in unique)
    return list(dict.fromkeys(problems))


def _count_markers(text: str) -> int:
    return sum(text.count(marker) for marker in ("{{", "{%", "{#", "}}", "%}", "#}"))


def find_tags(text: str) -> list[str]:
    """The tags in `text`, as `re.findall` with `{{.*?}}|{%.*?%}|{#.*?#}` (DOTALL) finds them, but in
    linear time: that regex scans to the end of the text for every opener that is not closed."""
    closers = {c: [m.start() for m in re.finditer(f"(?={re.escape(c)})", text)] for c in _CLOSING.values()}
    out, pos = [], 0
    for m in _OPENERS.finditer(text):
        start = m.start()
        if start < pos:
            continue
        positions = closers[_CLOSING[m.group(1)]]
        k = bisect_left(positions, start + 2)
        if k < len(positions):
            pos = positions[k] + 2
            out.append(text[start:pos])
    return out


def _hidden_code(root: etree._Element) -> list[str]:
    """Template code outside the paragraphs' text (w:t in w:p): in a field code, a tracked deletion, a
    comment or an attribute the user cannot see or edit in Word, and the checks here would not see
    either. Text that docxtpl would join to a tag beside it counts too."""
    # the elements themselves, not id(): lxml's proxies live only as long as a reference to them
    visible = {t for p in root.iter(f"{_W}p") for t in p.iter(f"{_W}t")}
    out = []
    for el in root.iter():
        texts = [el.tail] if el in visible else [el.text, el.tail]
        joins = [t for t in texts if t and (t[0] in _JOINS or t[-1] in _JOINS)]
        values = list(el.attrib.values()) if isinstance(el.tag, str) else []
        for text in joins + [t for t in texts + values if t and _MARKERS.search(t)]:
            where = etree.QName(el).localname if isinstance(el.tag, str) else "opmerking"
            out.append(f"sjablooncode buiten de gewone tekst van het document (in {where}: "
                       f"'{_short(text, 50)}'); zet sjablooncode alleen in gewone tekst, niet in een "
                       "veldcode, een bijgehouden wijziging of een opmerking")
    return list(dict.fromkeys(out))


def _compile_part(xml: str, docxtpl: DocxTemplate) -> list[tuple[tuple[str, str], str]]:
    """The whole part through the renderer's compile path: what the tag-by-tag checks cannot see (a
    {%tr %} outside a table row, for instance), and the syntax tree of everything the renderer will
    compile through template_code.py."""
    source = docxtpl.patch_xml(xml)
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)  # one paragraph per line, as the renderer does
    text_lines = source.split("\n")

    def line(number: int | None) -> tuple[str, str]:
        text = text_lines[number - 1] if number and 0 < number <= len(text_lines) else ""
        return re.sub(r"<[^>]+>", "", text), ""

    env = make_environment()
    try:
        tree = env.parse(source)
        refused = refusals(tree)
        if not refused:
            env.from_string(tree)
    except TemplateSyntaxError as exc:
        return [(line(exc.lineno), f"fout in de sjablooncode: {exc.message}")]
    except _JINJA_ERRORS as exc:
        return [(("", ""), f"fout in de sjablooncode: {exc}")]
    return [(line(number), message) for number, message in refused]


def _tags(paragraphs: list[tuple[str, str]]) -> list[tuple[tuple[str, str], str]]:
    """Each tag compiled on its own, then its names checked: this works even when a block is broken,
    so one run reports every misspelled field and every piece of unsafe code."""
    env, ctx = make_environment(), sample_context()
    loop_vars = {m.group(1): m.group(2) for t, _ in paragraphs for m in _LOOP.finditer(t)}
    out, seen = [], {}  # each tag text checked once: a form repeats its tags
    for paragraph in paragraphs:
        for tag in find_tags(paragraph[0]):
            if tag not in seen:
                seen[tag] = _tag(tag, env, ctx, loop_vars)
            out += [(paragraph, message) for message in seen[tag]]
    return out


def _tag(tag: str, env, ctx: dict, loop_vars: dict[str, str]) -> list[str]:
    """What is wrong with one tag."""
    expression, fout = (None, None) if tag.startswith("{#") else _expression(tag)
    if fout or expression is None:
        return [fout] if fout else []
    try:  # refused code is never compiled: Jinja computes constant expressions when it compiles
        tree = env.parse("{{ " + expression + " }}")
        found = [message for _, message in refusals(tree)]
        if not found:
            env.from_string(tree)
            found = _field_names(tree, env, ctx, loop_vars)
    except TemplateSyntaxError as exc:
        found = [f"fout in de sjablooncode '{_short(tag, 50)}': {exc.message}"]
    except _JINJA_ERRORS as exc:
        found = [f"fout in de sjablooncode '{_short(tag, 50)}': {exc}"]
    return found


def _expression(tag: str) -> tuple[str | None, str | None]:
    """The expression inside a tag (None for else/end tags), or an error for statements we refuse."""
    if tag.startswith("{{"):
        return re.sub(r"^(?:r|p|tr|tc)\s", "", tag[2:-2].strip("-").strip()), None
    inner = re.sub(r"^(?:tr|tc|p|r)\s", "", tag[2:-2].strip("-").strip())
    word = inner.split(maxsplit=1)[0] if inner else ""
    if word in ("else", "endfor", "endif"):
        return None, None
    if word == "for" and (m := re.match(r"for\s+\w+\s+in\s+(.+)$", inner, re.DOTALL)):
        return m.group(1), None
    if word in ("if", "elif"):
        return inner[len(word):], None
    return None, (f"'{_short(tag, 50)}': '{word}' is code in het sjabloon; alleen velden, herhalingen "
                  "(for) en voorwaarden (if) zijn toegestaan")


def _word_damage(text: str) -> list[str]:
    """What Word does to tags: a tag split over paragraphs, curly quotes and hard spaces inside one."""
    out, open_ = [], None
    for m in _MARKERS.finditer(text):
        marker = m.group()
        if marker in _CLOSING:
            if open_:
                out.append(f"'{open_}' wordt niet gesloten voordat '{marker}' begint")
            open_ = marker
        elif open_ is None:
            out.append(f"'{marker}' zonder begin in deze alinea; de tag is gesplitst of beschadigd")
        elif _CLOSING[open_] == marker:
            open_ = None
    if open_:
        out.append(f"'{open_}' wordt niet gesloten in deze alinea; de tag is over meer alinea's verdeeld "
                   "of beschadigd (zet de hele tag op één regel)")
    for tag in find_tags(text):
        if any(c in tag for c in _CURLY):
            out.append(f"Word heeft in '{_short(tag, 50)}' krullende aanhalingstekens gezet; gebruik rechte "
                       "(' of \"), bijvoorbeeld door AutoCorrectie 'slimme aanhalingstekens' uit te zetten")
        if "\xa0" in tag:
            out.append(f"in '{_short(tag, 50)}' staat een vaste spatie; vervang die door een gewone spatie")
    return out


def _blocks(paragraphs: list[tuple[str, str]]) -> list[tuple[tuple[str, str], str]]:
    """Every {% for %} and {% if %} closed by its own end tag; an unclosed block is named at the
    paragraph where it opens."""
    stack: list[tuple[str, tuple[str, str]]] = []
    out = []
    for paragraph in paragraphs:
        for m in _BLOCK.finditer(paragraph[0]):
            word = m.group(1)
            if not word.startswith("end"):
                stack.append((word, paragraph))
                continue
            open_ = [w for w, _ in stack]
            if word[3:] not in open_:
                out.append((paragraph, f"'{{% {word} %}}' zonder bijbehorende '{{% {word[3:]} %}}'"))
                continue
            while stack[-1][0] != word[3:]:  # blocks opened inside this one and never closed
                out.append(_unclosed(*stack.pop()))
            stack.pop()
    return out + [_unclosed(w, t) for w, t in stack]


def _unclosed(word: str, paragraph: tuple[str, str]) -> tuple[tuple[str, str], str]:
    return paragraph, f"'{{% {word} %}}' wordt niet afgesloten met '{{% end{word} %}}'"


def sample_context() -> dict:
    """A context with one row in every list: its keys are the names a template may use."""
    nr, day = "1", date(2026, 9, 1)
    opp = Opp(Leerling(nr, "A", "B", date(2013, 1, 1), "1A"), ouders=(Ouder(nr, "C"),),
              doelen=(Doel(nr, "D"),), ondersteuning=(Ondersteuning(nr, "E"),),
              documenten=(Document(nr, "IOP", "F"), Document(nr, "OKR", "G")),
              betrokkenen=(Betrokkene(nr, "H"),), factoren=(Factor(nr, "Medisch"),))
    return build_context(opp, "2026-2027", day)


def _suggestion(naam: str, known_names: list[str]) -> str:
    hits = difflib.get_close_matches(naam, known_names, n=1, cutoff=0.6)
    return f"; bedoelt u '{hits[0]}'?" if hits else "; `opp velden` toont de bekende velden"


def _row_kinds() -> dict[str, str]:
    """List name -> row prefix: 'doelen' -> 'doel'."""
    return {b.list_name: b.row for b in SHEET_KINDS if b.list_name} | _DERIVED


def _field_names(tree: nodes.Template, env, ctx: dict, loop_vars: dict[str, str]) -> list[str]:
    kinds = _row_kinds()
    out = []
    known = set(ctx) | set(env.globals) | set(loop_vars) | {"loop"}
    for naam in sorted(meta.find_undeclared_variables(tree) - known):
        out.append(f"onbekende naam '{naam}'{_suggestion(naam, sorted(ctx))}")
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        out += _attribute(node, ctx, loop_vars, kinds)
    for node in tree.find_all(nodes.Call):
        out += _call(node, loop_vars, kinds)
    return out


def _attribute(node, ctx: dict, loop_vars: dict, kinds: dict) -> list[str]:
    attr = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
    if not isinstance(node, nodes.Getattr) or not isinstance(node.node, nodes.Name) or attr.startswith("_"):
        return []  # an internal name: template_code.py refuses it
    base = node.node.name
    if base in loop_vars and loop_vars[base] in kinds and ctx.get(loop_vars[base]):
        prefix, key_names = kinds[loop_vars[base]], ctx[loop_vars[base]][0]
    elif isinstance(ctx.get(base), dict):
        prefix, key_names = base, ctx[base]
    else:
        return []
    if attr in key_names:
        return []
    known_names = [f"{prefix}.{k}" for k in key_names]
    return [f"onbekend veld '{prefix}.{attr}'{_suggestion(f'{prefix}.{attr}', known_names)}"]


def _call(node: nodes.Call, loop_vars: dict, kinds: dict) -> list[str]:
    if not isinstance(node.node, nodes.Name) or node.node.name not in FUNCTIONS:
        return []  # template_code.py refuses it
    if node.node.name == "koppeling":
        return []
    args = node.args
    if not args or not isinstance(args[0], nodes.Const) or not isinstance(args[0].value, str):
        return [f"{node.node.name}() verwacht een veldnaam tussen aanhalingstekens"]
    path = args[0].value
    if not is_known(path):
        return [f"onbekend veld '{path}'{_suggestion(path, list(all_field_names()))}"]
    row = next((a for a in args[1:] if isinstance(a, nodes.Name)), None)
    if row is None and path.split(".")[0] not in ("leerling", "opp"):
        return [f"veld '{path}' hoort in een herhaalde rij; schrijf bijvoorbeeld "
                f"veld('{path}', {path.split('.')[0]})"]
    if row is not None and row.name in loop_vars and kinds.get(loop_vars[row.name]) != path.split(".")[0]:
        return [f"veld '{path}' hoort niet bij een rij '{row.name}' uit '{loop_vars[row.name]}'"]
    optie = next((a.value for a in args[1:] if isinstance(a, nodes.Const)), None)
    if node.node.name == "vinkje" and optie is not None and optie not in get_field(path).choices:
        return [f"'{optie}' is geen keuze van veld '{path}'"
                f"{_suggestion(optie, list(get_field(path).choices))}"]
    return []
