"""Record -> template context: the only dict, and the only place template names are spelt.

The context holds plain values only (str, bool, date, None, tuples, lists and dicts of those): the
sandbox is no protection against objects with methods.

Every row of a list carries `rij`, its key in the form's tags (`doel[2].resultaat`, `factor[medisch].
bevorderend`, `instemming[ouder1].antwoord`; docs/formulier-tags.md). The form's tables to fill
(`doelrijen`, `steunrijen`, ...) are the export's rows, or a few empty rows when it has none: at intake
most students have no goals or support in the LVS yet, and the handelingsdeel must still be fillable.
"""

from __future__ import annotations

import re
from dataclasses import MISSING
from dataclasses import fields as dc_fields
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..domain.fields import DOMEINEN, LEERLINGEN, FieldType
from ..domain.records import Betrokkene, Doel, Ondersteuning, Opp, Ouder, School
from ..domain.registry import fields_of
from ..rules import links, opp_rules, vervolg

_OWNERS = ("leerling", "opp")  # the context's dicts that student fields go into
# (list of the form, the export's list, its record type, empty rows when the export has none)
FILL_ROWS = (("ouderrijen", "ouders", Ouder, 2), ("betrokkenenrijen", "betrokkenen", Betrokkene, 2),
             ("doelrijen", "doelen", Doel, 3), ("steunrijen", "ondersteuning", Ondersteuning, 3))
# school.toml fills these form fields when the student's row leaves them empty
_SCHOOL_FIELDS = (("school", "naam"), ("brin", "brin"), ("vestiging", "vestiging"),
                  ("bevoegd_gezag", "bevoegd_gezag"), ("contactpersoon_school", "coordinator"),
                  ("samenwerkingsverband", "samenwerkingsverband"))
# the export's instemming columns (the form of 2026 had two parents and the student), per signer key
_SIGNED = {"ouder1": "ouder1", "ouder2": "ouder2", "leerling": "leerling"}


def _row(record) -> dict:
    return {name: getattr(record, name) for name in _field_names(type(record))}


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    # origin (where each value stood) is for findings, not for the template: not a plain value
    return tuple(f.name for f in dc_fields(cls) if f.name != "origin")


@lru_cache(maxsize=None)
def _empty_row(cls: type) -> dict:
    """A row of `cls` with every field empty: the form shows it as controls to fill."""
    return {f.name: None if f.default is None else f.default if f.default is not MISSING else ""
            for f in dc_fields(cls) if f.name != "origin"}


@lru_cache(maxsize=1)
def _student_fields() -> tuple[tuple[str, str], ...]:
    """(owner, attribute) of every student field the template sees; the BSN is recognised only to be
    ignored. Worked out once, not per student."""
    return tuple(tuple(v.path.split(".")) for v in fields_of(LEERLINGEN)
                 if v.path.split(".")[0] in _OWNERS and v.type is not FieldType.SECRET)


def build_context(opp: Opp, schooljaar: str, today: date, documenten: Path | None = None,
                  opp_folder: Path | None = None, school: School | None = None) -> dict:
    """The template context of one student's OPP. `documenten` is the folder relative document paths
    resolve against, `opp_folder` the folder the OPP is written to (links.judge_link), `school` the
    school's own data (school.toml). `vorige_doelen`: the goals of last year's OPP with their results
    (a vervolg.NextOpp, `--vervolg`), plain text on the form, no controls; empty for any other Opp."""
    leerling = opp.leerling
    ctx: dict[str, dict | list] = {owner: {} for owner in _OWNERS}
    for owner, name in _student_fields():
        ctx[owner][name] = getattr(leerling, name)
    ctx["leerling"]["naam"] = leerling.naam
    signers = opp_rules.ondertekenaars(leerling, opp.ouders, schooljaar, today)
    ctx["opp"].update(
        schooljaar=schooljaar,
        soort=opp_rules.soort_opp(leerling, schooljaar),
        datum_opgesteld=today,
        nieuw_plan=opp_rules.is_new_plan(leerling, schooljaar),
        uiterste_vaststelling=opp_rules.uiterste_vaststelling(leerling, schooljaar),
        # the vaststelling of an earlier plan is no date of this one: shown as the previous vaststelling
        datum_vaststelling=opp_rules.vaststelling(leerling, schooljaar),
        vorige_vaststelling=opp_rules.vorige_vaststelling(leerling, schooljaar),
        volgende_evaluatie=opp_rules.volgende_evaluatie(leerling),
        start_termijn=opp_rules.start_of_term(leerling),
        leerling_tekent=opp_rules.leerling_tekent(leerling, schooljaar, today),
        achttien_tijdens_plan=opp_rules.achttien_tijdens_plan(leerling, schooljaar, today),
        ondertekenaars=", ".join(s.naam for s in signers if s.naam),
        afwijkingen_antwoord=opp_rules.afwijkingen_antwoord(leerling),
        versie=leerling.versie or ("1" if _first_plan(leerling, schooljaar) else ""),
        # a plan set in an earlier year is the version this one replaces
        vervangt_versie_van=(leerling.vervangt_versie_van
                             or opp_rules.vorige_vaststelling(leerling, schooljaar)),
    )
    _add_school(ctx["opp"], school or School())
    for list_name in ("ouders", "doelen", "ondersteuning", "documenten", "betrokkenen", "factoren"):
        ctx[list_name] = [_row(r) | {"rij": str(i)} for i, r in enumerate(getattr(opp, list_name), 1)]
    for ouder in ctx["ouders"]:
        ouder["gezag_antwoord"] = _gezag(ouder["gezag"])
    for form_list, list_name, cls, empty in FILL_ROWS:
        ctx[form_list] = ctx[list_name] or [_empty_row(cls) | {"rij": str(i)} for i in range(1, empty + 1)]
    for ouder in ctx["ouderrijen"]:
        ouder.setdefault("gezag_antwoord", None)
    ctx["instemmers"] = [_signer_row(s, leerling) for s in signers]
    ctx["relaties"] = _link_documents(ctx["documenten"], documenten, opp_folder)
    ctx["uitwerkingen"] = [d for d in ctx["documenten"] if opp_rules.is_uitwerking(d["soort"])]
    # The form lists each document once: IOP and plan van aanpak under the handelingsdeel, the rest here
    ctx["bronnen"] = [d for d in ctx["documenten"] if not opp_rules.is_uitwerking(d["soort"])]
    ctx["factoren_per_domein"] = _per_domain(ctx["factoren"])
    previous = opp.vorige_doelen if isinstance(opp, vervolg.NextOpp) else ()
    ctx["vorige_doelen"] = [{"rij": str(i), "domein": d.domein, "omschrijving": d.omschrijving,
                             "resultaat": d.resultaat} for i, d in enumerate(previous, 1)]
    return ctx


def _first_plan(leerling, schooljaar: str) -> bool:
    """A plan that starts this school year and replaces none: its version is 1."""
    return opp_rules.is_new_plan(leerling, schooljaar) and opp_rules.vorige_vaststelling(
        leerling, schooljaar) is None


def _add_school(values: dict, school: School) -> None:
    """school.toml fills what the student's row leaves empty: a column on the row wins (a school with
    several locations may export the location per student)."""
    for name, attribute in _SCHOOL_FIELDS:
        if not values.get(name):
            values[name] = getattr(school, attribute) or ""


def _gezag(value: bool | None) -> str:
    return "onbekend" if value is None else "ja" if value else "nee"


def _signer_row(signer: opp_rules.Ondertekenaar, leerling) -> dict:
    """One instemming block: who, and what the export already says about their answer."""
    source = _SIGNED.get(signer.rij)
    return {"rij": signer.rij, "rol": signer.rol, "naam": signer.naam, "gezag": signer.gezag,
            "controleren": signer.controleren,
            "antwoord": getattr(leerling, f"instemming_{source}", "") if source else "",
            "perspectief_besproken": bool(source and source != "leerling"
                                          and getattr(leerling, f"perspectief_besproken_{source}")),
            "datum": getattr(leerling, f"datum_ondertekening_{source}", None) if source else None}


def slug(text: str) -> str:
    """A row key from a name: 'Sociaal-emotioneel' -> 'sociaal-emotioneel', 'Fysieke behoefte' ->
    'fysieke-behoefte'. Only letters, digits and '-': a tag stays one readable word."""
    return re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-") or "domein"


def _per_domain(factoren: list[dict]) -> list[dict]:
    """One row per Amsterdam domain (open fields where the export says nothing), then any other
    domain the export names; several rows of one domain are joined. Each row's key is its domain."""
    rows = {d: {"domein": d, "bevorderend": "", "belemmerend": ""} for d in DOMEINEN}
    for f in factoren:
        row = rows.setdefault(f["domein"], {"domein": f["domein"], "bevorderend": "", "belemmerend": ""})
        for side in ("bevorderend", "belemmerend"):
            row[side] = "\n".join(t for t in (row[side], f[side]) if t)
    keys: set[str] = set()
    for row in rows.values():
        key = slug(row["domein"])
        while key in keys:  # two domains that differ only in punctuation
            key += "-2"
        keys.add(key)
        row["rij"] = key
    return list(rows.values())


def _link_documents(rows: list[dict], documenten: Path | None, opp_folder: Path | None) -> list[dict]:
    """Give each document a `link` (text, relationship id, target) and return the relationships to
    write. links.judge_link decides which targets are safe; a refused one keeps its text only."""
    relaties: list[dict] = []
    for d in rows:
        target = links.judge_link(d["vindplaats"], documenten, opp_folder).target
        rid = ""
        if target:
            rid = f"rIdOpp{len(relaties) + 1}"
            relaties.append({"rid": rid, "doel": target})
        d["link"] = {"tekst": links.link_text(d["titel"], d["datum"]), "rid": rid, "doel": target}
    return relaties
