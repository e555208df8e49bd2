"""Two records of one student's OPP side by side: where a document (an edited OPP, last year's OPP, read
back) says something else than the export, as short Dutch lines for the messages and the check report.

Only what the export holds is compared: a field or a list the export leaves empty is the school's own
work in the document, not a difference. Rows (doelen, ondersteuning, ouders, betrokkenen) are paired by
content first and by place last, so a goal added to the export is 'toegevoegd', not a change of every
goal after it. Records hold no BSN, so no line can show one."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import date

from ..domain.fields import LEERLINGEN, FieldType
from ..domain.records import Factor, Leerling, Opp
from ..domain.registry import fields_of

MAX_SHOWN = 40  # characters of a value shown in a message; a longer text ends in '…'
ARROW = " → "
_SKIPPED = frozenset({"leerlingnummer", "volledige_naam", "origin"})


@dataclass(frozen=True)
class _RowKind:
    """A list of rows on the Opp: its attribute, the word a message uses, the tag owner, the field that
    names a row."""

    attr: str
    label: str
    owner: str
    key: str


ROW_KINDS = (_RowKind("ouders", "ouder/verzorger", "ouder", "naam"),
             _RowKind("betrokkenen", "betrokkene", "betrokkene", "naam"),
             _RowKind("doelen", "doel", "doel", "omschrijving"),
             _RowKind("ondersteuning", "ondersteuning", "steun", "wat"))


def differences(document: Opp, export: Opp, shown: Collection[str] | None = None) -> list[str]:
    """What `export` holds that `document` says otherwise, one short Dutch line each, document first:
    'mentor: mw. J. de Boer → dhr. P. Smit', "doel toegevoegd: 'Leest zelfstandig …'", 'doel 2 gewijzigd
    (omschrijving)'. `shown`: the field names the document has a control for ('leerling.mentor',
    'doel.omschrijving'); a field it has no control for is not compared. None: every field."""
    out = _student(document.leerling, export.leerling, shown)
    for kind in ROW_KINDS:
        out += _rows(kind, getattr(document, kind.attr), getattr(export, kind.attr), shown)
    return out + _factors(document.factoren, export.factoren, shown)


def label(name: str) -> str:
    """The short Dutch name of a field in a message: its attribute, 'datum_hoorrecht' -> 'datum hoorrecht'."""
    return name.replace("_", " ")


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """One line of about `limit` characters, cut between words: 'Leest zelfstandig een tekst van …'."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


def shown_value(value: object) -> str:
    if is_empty(value):
        return "(leeg)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, tuple):
        return shorten("; ".join(str(v) for v in value))
    return shorten(str(value))


def is_empty(value: object) -> bool:
    return value is None or value == "" or value == ()


def same(document: object, export: object) -> bool:
    """Equal as the form can show them: spaces and line breaks do not count, a list of choices has no
    order, and an unticked box is 'nee' (the form cannot tell 'nee' from unanswered)."""
    if isinstance(export, bool) or isinstance(document, bool):
        return bool(document) == bool(export)
    if isinstance(export, tuple) or isinstance(document, tuple):
        return set(document or ()) == set(export or ())
    if isinstance(export, str) or isinstance(document, str):
        return " ".join(str(document or "").split()) == " ".join(str(export or "").split())
    return document == export


def _student(document: Leerling, export: Leerling, shown: Collection[str] | None) -> list[str]:
    out = []
    for field in fields_of(LEERLINGEN):
        name = field.name
        if (name in _SKIPPED or field.type is FieldType.SECRET or not hasattr(export, name)
                or (shown is not None and field.path not in shown)):
            continue
        theirs, ours = getattr(document, name), getattr(export, name)
        if not is_empty(ours) and not same(theirs, ours):
            out.append(f"{label(name)}: {shown_value(theirs)}{ARROW}{shown_value(ours)}")
    return out


def _names(kind: _RowKind, record: type, shown: Collection[str] | None) -> list[str]:
    names = [f.name for f in fields(record) if f.name not in _SKIPPED]
    return names if shown is None else [n for n in names if f"{kind.owner}.{n}" in shown]


def _rows(kind: _RowKind, document: tuple, export: tuple, shown: Collection[str] | None) -> list[str]:
    """Added, removed and changed rows. No rows in the export: the document's rows are the school's own."""
    if not export:
        return []
    names = _names(kind, type(export[0]), shown)
    if not names:
        return []
    pairs, left, right = _pair(kind, list(enumerate(document)), list(enumerate(export)), names)
    out = []
    for (i, theirs), (_, ours) in pairs:
        changed = [label(n) for n in names if not is_empty(getattr(ours, n)) and not same(getattr(theirs, n),
                                                                                        getattr(ours, n))]
        if changed:
            out.append(f"{kind.label} {i + 1} gewijzigd ({', '.join(changed)})")
    out += [f"{kind.label} toegevoegd: {_named(kind, row)}" for _, row in right]
    out += [f"{kind.label} verwijderd: {_named(kind, row)}" for _, row in left]
    return out


def _pair(kind: _RowKind, document: list, export: list, names: list[str]) -> tuple[list, list, list]:
    """Pairs (document row, export row) in three rounds: equal in what the export holds, the same naming
    field (the same goal, reworded elsewhere), the same place. What is left: removed, added."""
    def equal(a, b) -> bool:
        return all(is_empty(getattr(b, n)) or same(getattr(a, n), getattr(b, n)) for n in names)

    def same_key(a, b) -> bool:
        return not is_empty(getattr(b, kind.key)) and same(getattr(a, kind.key), getattr(b, kind.key))

    pairs = []
    for match in (lambda d, e: equal(d[1], e[1]), lambda d, e: same_key(d[1], e[1]),
                  lambda d, e: d[0] == e[0]):
        for e in list(export):
            d = next((d for d in document if match(d, e)), None)
            if d is not None:
                pairs.append((d, e))
                document.remove(d)
                export.remove(e)
    return sorted(pairs, key=lambda p: p[0][0]), document, export


def _named(kind: _RowKind, row: object) -> str:
    text = getattr(row, kind.key)
    return f"'{shorten(text)}'" if text else "(zonder " + label(kind.key) + ")"


def _factors(document: tuple[Factor, ...], export: tuple[Factor, ...],
             shown: Collection[str] | None) -> list[str]:
    """Per domain, as the form shows them: several rows of one domain joined."""
    theirs, ours = by_domain(document), by_domain(export)
    out = []
    for domein, sides in ours.items():
        changed = [side for side, text in sides.items()
                   if text and (shown is None or f"factor.{side}" in shown)
                   and not same(theirs.get(domein, {}).get(side, ""), text)]
        if changed:
            out.append(f"factoren {domein} gewijzigd ({', '.join(changed)})")
    return out


def by_domain(factoren: tuple[Factor, ...]) -> dict[str, dict[str, str]]:
    """Domain (casefolded) -> {'bevorderend': ..., 'belemmerend': ...}, the rows of one domain joined."""
    out: dict[str, dict[str, str]] = {}
    for f in factoren:
        sides = out.setdefault(f.domein.casefold(), {"bevorderend": "", "belemmerend": ""})
        for side in sides:
            sides[side] = "\n".join(t for t in (sides[side], getattr(f, side)) if t)
    return out
