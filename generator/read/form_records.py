"""Values read from a filled OPP (form_reader.FormRead) -> the project's records: one Opp, plus what no
record holds (computed fields, signers the record has no columns for).

A tag names its record and attribute (docs/formulier-tags.md): `leerling.x`/`opp.x` is Leerling.x,
`doel[k].x` is Doel row k (a copied row, with the same tag twice, is a row of its own), `instemming[ouder1].
antwoord` is Leerling.instemming_ouder1. Types follow the registry. An unticked check box reads as None:
the form cannot tell 'nee' from 'not answered'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date

from ..domain.fields import DOMEINEN, LEERLINGEN, FieldType
from ..domain.findings import Finding, Location, Severity
from ..domain.records import Betrokkene, Doel, Factor, Leerling, Ondersteuning, Opp, Ouder
from ..domain.registry import get_field, is_known
from .form_reader import FormRead

_ROW = re.compile(r"^([a-z_]+)\[([^\]]*)\]\.([a-z_0-9]+)$")
# tag owner -> (record, its list on Opp); instemming and factor have their own rules
_ROWS = {"doel": (Doel, "doelen"), "steun": (Ondersteuning, "ondersteuning"),
         "betrokkene": (Betrokkene, "betrokkenen"), "ouder": (Ouder, "ouders")}
_SIGNER_FIELDS = {"antwoord": "instemming_{}", "datum": "datum_ondertekening_{}",
                  "perspectief_besproken": "perspectief_besproken_{}"}
_GEZAG = {"ja": True, "nee": False}
_LEERLING_NAMES = frozenset(f.name for f in fields(Leerling))


@dataclass(frozen=True)
class ReadOpp:
    """An OPP as read back: the record, and what the record cannot hold."""

    opp: Opp
    computed: dict[str, object] = field(default_factory=dict)  # tag -> value of a computed field
    signers: dict[str, dict[str, object]] = field(default_factory=dict)  # signer key -> field -> value


def slug(text: str) -> str:
    """A domain's row key, as generator/form/context.slug makes it (read/ cannot import form/)."""
    return re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-") or "domein"


_DOMAIN_OF = {slug(d): d for d in DOMEINEN}


def form_opp(read: FormRead, leerlingnummer: str) -> tuple[ReadOpp, list[Finding]]:
    """The records of one read OPP. Rows whose values are all empty are left out."""
    findings: list[Finding] = []
    student: dict[str, object] = {}
    computed: dict[str, object] = {}
    signers: dict[str, dict[str, object]] = {}
    rows: dict[str, dict[str, dict[str, tuple]]] = {}  # owner -> key -> name -> values
    for tag, values in read.values.items():
        path, _, option = tag.partition("=")
        keyed = _ROW.match(path)
        if keyed:
            owner, key, name = keyed.groups()
            rows.setdefault(owner, {}).setdefault(key, {})[name] = values
        elif option:
            student.setdefault(path, {})[option] = any(v is True for v in values)
        else:
            _singular(path, values, student, computed, findings, read)
    leerling = _leerling(leerlingnummer, student, computed)
    for key, names in rows.pop("instemming", {}).items():
        leerling = _signer(key, names, leerling, signers)
    for key, names in rows.get("ouder", {}).items():  # shown as ja/nee/onbekend; the record keeps gezag
        for i, value in enumerate(names.get("gezag_antwoord", ())):
            computed[f"ouder[{key}].gezag_antwoord" + (f"#{i + 1}" if i else "")] = value
    built = {name: _records(owner, cls, rows.get(owner, {}), leerlingnummer)
             for owner, (cls, name) in _ROWS.items()}
    factoren = _factors(rows.get("factor", {}), leerlingnummer, findings, read)
    opp = Opp(leerling, ouders=built["ouders"], doelen=built["doelen"], ondersteuning=built["ondersteuning"],
              betrokkenen=built["betrokkenen"], factoren=factoren)
    return ReadOpp(opp, computed, signers), findings


def _singular(path: str, values: tuple, student: dict, computed: dict, findings: list,
              read: FormRead) -> None:
    filled = [v for v in values if v is not None and v is not False]
    value = filled[0] if filled else (values[0] if values else None)
    if len({repr(v) for v in filled}) > 1:
        findings.append(_finding(read, f"veld '{path}' staat {len(filled)} keer in het formulier met "
                                       "verschillende waarden; de eerste is gelezen"))
    v = get_field(path) if is_known(path) else None
    if v is None or v.sheet is not LEERLINGEN or v.name not in _LEERLING_NAMES:
        computed[path] = value
    else:
        student[path] = value


def _leerling(leerlingnummer: str, student: dict, computed: dict) -> Leerling:
    attrs: dict[str, object] = {}
    for path, value in student.items():
        v = get_field(path)
        if v.type is FieldType.CHOICES:  # the ticked options, in the registry's order
            attrs[v.name] = tuple(o for o in v.choices if isinstance(value, dict) and value.get(o))
        else:
            attrs[v.name] = _typed(v.type, value)
    answer = computed.get("opp.afwijkingen_antwoord")
    if answer in ("ja", "nee"):  # rules/opp_rules.afwijkingen_antwoord gives the same answer back
        attrs["geen_afwijkingen"] = answer == "nee"
    attrs.pop("leerlingnummer", None)
    return Leerling(leerlingnummer, **attrs)


def _typed(kind: FieldType, value: object) -> object:
    if kind is FieldType.YES_NO:
        return True if value is True else None
    if kind is FieldType.DATE:
        return value if isinstance(value, date) else None
    return "" if value is None else str(value)


def _signer(key: str, names: dict, leerling: Leerling, signers: dict) -> Leerling:
    """One instemming block: into the Leerling's columns for ouder1, ouder2 and leerling; what those
    cannot hold (the name, another signer) into `signers`."""
    changes: dict[str, object] = {}
    for name, values in names.items():
        value = next((v for v in values if v is not None and v is not False), values[0] if values else None)
        attr = _SIGNER_FIELDS.get(name, "").format(key)
        if attr in _LEERLING_NAMES:
            changes[attr] = _typed(get_field(f"instemming.{name}").type, value)
        else:
            signers.setdefault(key, {})[name] = value
    return replace(leerling, **changes) if changes else leerling


def _records(owner: str, cls: type, keyed: dict[str, dict[str, tuple]], leerlingnummer: str) -> tuple:
    """One record per row key, sorted by key; a copied row (a tag twice) is a row of its own, in
    document order. Rows with every value empty are left out."""
    names = {f.name for f in fields(cls)}
    out = []
    for key in sorted(keyed, key=_key_order):
        columns = keyed[key]
        for i in range(max(len(v) for v in columns.values())):
            values = {n: (vs[i] if i < len(vs) else None) for n, vs in columns.items()}
            if all(v is None or v is False for v in values.values()):
                continue
            attrs = {n: _typed(get_field(f"{owner}.{n}").type, v) for n, v in values.items() if n in names}
            if cls is Ouder:
                attrs["gezag"] = _GEZAG.get(str(values.get("gezag_antwoord")))
            first = next(f.name for f in fields(cls) if f.name != "leerlingnummer")
            attrs.setdefault(first, "")
            out.append(cls(leerlingnummer=leerlingnummer, **attrs))
    return tuple(out)


def _key_order(key: str) -> tuple:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _factors(keyed: dict[str, dict[str, tuple]], leerlingnummer: str, findings: list,
             read: FormRead) -> tuple[Factor, ...]:
    out = []
    for key, columns in keyed.items():
        values = {n: next((v for v in vs if v is not None), None) for n, vs in columns.items()}
        if all(v is None for v in values.values()):
            continue
        domein = _DOMAIN_OF.get(key)
        if domein is None:
            findings.append(_finding(read, f"factoren van domein '{key}': geen domein van de lijst; de "
                                           "sleutel is als domein gelezen"))
            domein = key
        out.append(Factor(leerlingnummer, domein, str(values.get("bevorderend") or ""),
                          str(values.get("belemmerend") or "")))
    return tuple(out)


def _finding(read: FormRead, message: str) -> Finding:
    return Finding(Severity.WARNING, Location(read.path.name), message)
