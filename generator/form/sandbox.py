"""The sandboxed Jinja environment templates are compiled and rendered in, and the limits of one document.

A template is code, written by whoever edits the .docx. The template check (template_check.py) is the
first line: it accepts only fields, `for` over the export's lists and `if`. This environment is the
second, and holds for every template, checked or not:
- sandboxed (no attribute starting with `_`, no unsafe method), autoescaping, StrictUndefined;
- globals: veld(), vinkje(), koppeling(), and range() of at most MAX_RANGE numbers; filters: datum and
  SAFE_FILTERS, none of which makes a text much longer than what goes in (no center, indent, format,
  replace, wordwrap, batch; no safe, which would let a value from Excel write XML);
- `*`, `**`, `+` and `%` are intercepted: a text or list of more than MAX_ITEMS, a number of more than
  MAX_BITS bits, or %-formatting of a text is an error. An intercepted operator is never folded at
  compile time (Jinja computes constant expressions when it compiles: `{{ 'x' * 10**10 }}` would cost
  10 GB before the first student);
- per document (`Budget`, kept by the renderer): MAX_LOOP_STEPS iterations of all `for` loops together,
  MAX_OUTPUT characters of XML and MAX_SECONDS.
A limit is a LimitExceeded (a Jinja error), which the renderer reports as a TemplateError (exit 78): the
template, not a student's data, is at fault.
"""

from __future__ import annotations

import time
from datetime import date
from functools import lru_cache

from jinja2 import StrictUndefined, pass_context
from jinja2.filters import FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from ..domain.errors import TemplateError
from ..domain.fields import FieldType
from ..domain.form_rules import row_tag
from ..domain.registry import get_field, is_known
from ..read.convert import XML_ILLEGAL, date_text
from . import controls

MAX_ITEMS = 1_000_000  # characters of one text or items of one list, made by one operation
MAX_RANGE = 10_000  # numbers of one range(); Jinja's own sandbox allows 100,000
MAX_BITS = 4096  # bits of a number made by one operation
MAX_LOOP_STEPS = 100_000  # iterations of all for loops of one document; the built-in form needs ~100
MAX_OUTPUT = 20_000_000  # characters of XML of one document; the built-in form makes ~150,000
MAX_SECONDS = 30.0  # of one document; the built-in form takes ~5 ms
# Filters that cannot make a text much longer than what goes in, nor take long over it.
SAFE_FILTERS = frozenset({
    "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
    "forceescape", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min",
    "reject", "rejectattr", "reverse", "select", "selectattr", "sort", "string", "sum", "title", "trim",
    "truncate", "unique", "upper", "wordcount"})
FUNCTIONS = frozenset({"veld", "vinkje", "koppeling"})  # what a template may call
LOOP_FILTER = "opp-lus"  # wraps every for loop's iterable (renderer.py); no template can spell it
_SEQUENCES = (str, list, tuple)


class LimitExceeded(SecurityError):
    """A template went over a limit of the sandbox (MAX_*): the whole message is Dutch."""


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
    if not isinstance(path, str) or not is_known(path):
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
    tag = _tag(path, row)
    if isinstance(value, (list, dict, set)):  # unhashable: not worth caching
        return controls.control(get_field(path), value, tag)
    return _control(path, value, tag)


def _tag(path: str, row: dict | None) -> str:
    """The control's w:tag: the field name, with the row's key in a repeated row ('doel[2].resultaat'),
    so that a filled form can be read back by row, whatever the order of its rows (docs/formulier-tags.md)."""
    key = row.get("rij") if isinstance(row, dict) else None
    return row_tag(path, key) if key else path


# Many controls are the same for many students (empty fields, the same choice, a class's mentor);
# building each once per process saves a third of the render time. Markup is immutable.
@lru_cache(maxsize=4096, typed=True)
def _control(path: str, value: object, tag: str) -> Markup:
    return controls.control(get_field(path), value, tag)


@lru_cache(maxsize=4096, typed=True)
def _checkbox_xml(path: str, checked: bool, tag: str, optie: str | None) -> Markup:
    return controls.checkbox(get_field(path), checked, tag, optie)


@pass_context
def _checkbox_global(context, path: str, optie: str | None = None, row: dict | None = None) -> Markup:
    """A checkbox: for a ja/nee field, or for one option of a multiple-choice field."""
    value = _lookup(context, path, row)
    v = get_field(path)
    tag = _tag(path, row)
    if optie is None:
        return _checkbox_xml(path, bool(value), tag, None)
    if v.type is not FieldType.CHOICES or not isinstance(optie, str) or optie not in v.choices:
        raise TemplateError(f"'{optie}' is geen keuze van veld '{path}'")
    return _checkbox_xml(path, optie in (value or ()), f"{tag}={optie}", optie)


def _hyperlink_global(link: dict) -> Markup:
    """{{r koppeling(document.link) }}: a clickable hyperlink when the link has a relationship id
    (context.py decides which targets are safe), else its text."""
    if not isinstance(link, dict):
        raise TemplateError("koppeling() verwacht de link van een document, zoals document.link")
    return controls.hyperlink(link.get("tekst", ""), link.get("rid", ""))


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise LimitExceeded(f"range() van meer dan {MAX_RANGE:,} getallen".replace(",", "."))
    return numbers


def _too_long(n: int) -> LimitExceeded:
    return LimitExceeded(f"de sjablooncode maakt een tekst of lijst van {n:,} tekens of elementen; "
                         f"de grens is {MAX_ITEMS:,}".replace(",", "."))


def _bits(value: object) -> int:
    return value.bit_length() if isinstance(value, int) else 0


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with our own three globals called directly, and limits on what operators make.

    The sandbox inspects every call (is it safe, does it want the context); a form makes ~140 calls
    per student and that inspection was a third of the render time. Our own functions are known safe
    and their wishes are known. Anything else, and a call inside a loop or block that set variables
    (Jinja then derives a context holding them), takes the sandbox's own path."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        own = __obj is _field_global or __obj is _checkbox_global or __obj is _hyperlink_global
        if own and not kwargs.get("_loop_vars") and not kwargs.get("_block_vars"):
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            if __obj is _hyperlink_global:
                return __obj(*args, **kwargs)
            return __obj(__context, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator: str, left, right):
        if operator == "%" and isinstance(left, str):  # '%0999999999d' % 1 is a GB
            raise LimitExceeded("tekst opmaken met % kan in een sjabloon niet; schrijf de velden uit")
        if operator == "**" and isinstance(right, int) and abs(right) > 1:
            if isinstance(left, int) and _bits(left) * abs(right) > MAX_BITS:
                raise LimitExceeded(f"de sjablooncode maakt een getal van meer dan {MAX_BITS} bits")
        elif operator == "*":
            if isinstance(left, _SEQUENCES) and isinstance(right, int) and len(left) * right > MAX_ITEMS:
                raise _too_long(len(left) * right)
            if isinstance(right, _SEQUENCES) and isinstance(left, int) and len(right) * left > MAX_ITEMS:
                raise _too_long(len(right) * left)
            if _bits(left) + _bits(right) > MAX_BITS:
                raise LimitExceeded(f"de sjablooncode maakt een getal van meer dan {MAX_BITS} bits")
        elif operator == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            if len(left) + len(right) > MAX_ITEMS:
                raise _too_long(len(left) + len(right))
        return self.binop_table[operator](left, right)


def make_environment() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    # only what a form needs: no lipsum (a GB of text), no namespace (a value that grows per iteration)
    env.globals.clear()
    env.globals.update(veld=_field_global, vinkje=_checkbox_global, koppeling=_hyperlink_global, range=_range)
    env.filters = {name: FILTERS[name] for name in SAFE_FILTERS}
    env.filters["datum"] = lambda d: date_text(d) if isinstance(d, date) else ("" if d is None else d)
    return env


class Budget:
    """What one document may still cost: loop iterations, characters of output, time. The renderer
    starts it per document and counts the output; every for loop's iterable passes through `loop`."""

    __slots__ = ("steps", "output", "deadline")

    def __init__(self) -> None:
        self.start()

    def start(self) -> None:
        self.steps = MAX_LOOP_STEPS
        self.output = MAX_OUTPUT
        self.deadline = time.monotonic() + MAX_SECONDS

    def loop(self, iterable):
        """The iterable of a for loop, counted against the document's iterations and time."""
        for item in iterable:
            self.steps -= 1
            if self.steps < 0:
                raise LimitExceeded(f"de herhalingen (for) van het sjabloon lopen samen meer dan "
                                    f"{MAX_LOOP_STEPS:,} keer rond in één document".replace(",", "."))
            if not self.steps & 1023:
                self.check_time()
            yield item

    @staticmethod
    def too_much_output() -> LimitExceeded:
        return LimitExceeded(f"het sjabloon maakt een document van meer dan {MAX_OUTPUT:,} tekens "
                             "XML".replace(",", "."))

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"het invullen van één document duurt langer dan {MAX_SECONDS:.0f} "
                                "seconden")
