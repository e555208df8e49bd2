"""Record -> template context: the only dict, and the only place template names are spelt.

The context holds plain values only (str, bool, date, None, tuples, lists and dicts of those): the
sandbox is no protection against objects with methods.
"""

from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..domain.fields import DOMEINEN, LEERLINGEN, FieldType
from ..domain.records import Opp, School
from ..domain.registry import fields_of
from ..rules import links, opp_rules

_OWNERS = ("leerling", "opp")  # the context's dicts that student fields go into


def _row(record) -> dict:
    return {name: getattr(record, name) for name in _field_names(type(record))}


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    # locatie (a Documenten cell) is for findings, not for the template: not a plain value
    return tuple(f.name for f in dc_fields(cls) if f.name != "origin")


@lru_cache(maxsize=1)
def _student_fields() -> tuple[tuple[str, str], ...]:
    """(owner, attribute) of every student field the template sees; the BSN is recognised only to be
    ignored. Worked out once, not per student."""
    return tuple(tuple(v.path.split(".")) for v in fields_of(LEERLINGEN)
                 if v.path.split(".")[0] in _OWNERS and v.type is not FieldType.SECRET)


def build_context(opp: Opp, schooljaar: str, today: date, documenten: Path | None = None,
                  opp_folder: Path | None = None, school: School | None = None) -> dict:
    """The template context of one student's OPP. `documenten` is the folder relative document paths
    resolve against, `vanuit` the folder the OPP is written to (links.koppel)."""
    leerling = opp.leerling
    ctx: dict[str, dict | list] = {owner: {} for owner in _OWNERS}
    for owner, name in _student_fields():
        ctx[owner][name] = getattr(leerling, name)
    ctx["leerling"]["naam"] = leerling.naam
    ctx["opp"].update(
        schooljaar=schooljaar,
        soort=opp_rules.soort_opp(leerling, schooljaar),
        datum_opgesteld=today,
        uiterste_vaststelling=opp_rules.uiterste_vaststelling(leerling),
        volgende_evaluatie=opp_rules.volgende_evaluatie(leerling),
        start_termijn=opp_rules.start_of_term(leerling),
        leerling_tekent=opp_rules.leerling_tekent(leerling, today),
        achttien_tijdens_plan=opp_rules.achttien_tijdens_plan(leerling, today),
        ondertekenaars=", ".join(opp_rules.ondertekenaars(leerling, opp.ouders, today)),
    )
    for list_name in ("ouders", "doelen", "ondersteuning", "documenten", "betrokkenen", "factoren"):
        ctx[list_name] = [_row(r) for r in getattr(opp, list_name)]
    ctx["relaties"] = _link_documents(ctx["documenten"], documenten, opp_folder)
    ctx["uitwerkingen"] = [d for d in ctx["documenten"] if opp_rules.is_uitwerking(d["soort"])]
    # The form lists each document once: IOP and plan van aanpak under the handelingsdeel, the rest here
    ctx["bronnen"] = [d for d in ctx["documenten"] if not opp_rules.is_uitwerking(d["soort"])]
    ctx["factoren_per_domein"] = _per_domain(ctx["factoren"])
    return ctx


def _per_domain(factoren: list[dict]) -> list[dict]:
    """One row per Amsterdam domain (open fields where the export says nothing), then any other
    domain the export names; several rows of one domain are joined."""
    rows = {d: {"domein": d, "bevorderend": "", "belemmerend": ""} for d in DOMEINEN}
    for f in factoren:
        row = rows.setdefault(f["domein"], {"domein": f["domein"], "bevorderend": "", "belemmerend": ""})
        for side in ("bevorderend", "belemmerend"):
            row[side] = "\n".join(t for t in (row[side], f[side]) if t)
    return list(rows.values())


def _link_documents(rows: list[dict], documenten: Path | None, opp_folder: Path | None) -> list[dict]:
    """Give each document a `link` (text, relationship id, target) and return the relationships to
    write. links.koppel decides which targets are safe; a refused one keeps its text only."""
    relaties: list[dict] = []
    for d in rows:
        target = links.judge_link(d["vindplaats"], documenten, opp_folder).target
        rid = ""
        if target:
            rid = f"rIdOpp{len(relaties) + 1}"
            relaties.append({"rid": rid, "doel": target})
        d["link"] = {"tekst": links.link_text(d["titel"], d["datum"]), "rid": rid, "doel": target}
    return relaties
