"""Record -> template context: the only dict, and the only place template names are spelt.

The context holds plain values only (str, bool, date, None, tuples, lists and dicts of those): the
sandbox is no protection against objects with methods.
"""

from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import links, rules
from .fields import DOMEINEN, LEERLINGEN, Veldtype, velden_van
from .records import Opp

_EIGENAARS = ("leerling", "opp")  # the context's dicts that student fields go into


def _row(record) -> dict:
    return {name: getattr(record, name) for name in _namen(type(record))}


@lru_cache(maxsize=None)
def _namen(cls: type) -> tuple[str, ...]:
    # locatie (a Documenten cell) is for findings, not for the template: not a plain value
    return tuple(f.name for f in dc_fields(cls) if f.name != "locatie")


@lru_cache(maxsize=1)
def _leerlingvelden() -> tuple[tuple[str, str], ...]:
    """(owner, attribute) of every student field the template sees; the BSN is recognised only to be
    ignored. Worked out once, not per student."""
    return tuple(tuple(v.pad.split(".")) for v in velden_van(LEERLINGEN)
                 if v.pad.split(".")[0] in _EIGENAARS and v.type is not Veldtype.GEHEIM)


def bouw_context(opp: Opp, schooljaar: str, vandaag: date, documenten: Path | None = None,
                 vanuit: Path | None = None) -> dict:
    """The template context of one student's OPP. `documenten` is the folder relative document paths
    resolve against, `vanuit` the folder the OPP is written to (links.koppel)."""
    leerling = opp.leerling
    ctx: dict[str, dict | list] = {owner: {} for owner in _EIGENAARS}
    for owner, name in _leerlingvelden():
        ctx[owner][name] = getattr(leerling, name)
    ctx["leerling"]["naam"] = leerling.naam
    ctx["opp"].update(
        schooljaar=schooljaar,
        soort=rules.soort_opp(leerling, schooljaar),
        datum_opgesteld=vandaag,
        uiterste_vaststelling=rules.uiterste_vaststelling(leerling),
        volgende_evaluatie=rules.volgende_evaluatie(leerling),
        start_termijn=rules.startmoment(leerling),
        leerling_tekent=rules.leerling_tekent(leerling, vandaag),
        achttien_tijdens_plan=rules.achttien_tijdens_plan(leerling, vandaag),
        ondertekenaars=", ".join(rules.ondertekenaars(leerling, opp.ouders, vandaag)),
    )
    for lijst in ("ouders", "doelen", "ondersteuning", "documenten", "betrokkenen", "factoren"):
        ctx[lijst] = [_row(r) for r in getattr(opp, lijst)]
    ctx["relaties"] = _koppel_documenten(ctx["documenten"], documenten, vanuit)
    ctx["uitwerkingen"] = [d for d in ctx["documenten"] if rules.is_uitwerking(d["soort"])]
    # The form lists each document once: IOP and plan van aanpak under the handelingsdeel, the rest here
    ctx["bronnen"] = [d for d in ctx["documenten"] if not rules.is_uitwerking(d["soort"])]
    ctx["factoren_per_domein"] = _per_domein(ctx["factoren"])
    return ctx


def _per_domein(factoren: list[dict]) -> list[dict]:
    """One row per Amsterdam domain (open fields where the export says nothing), then any other
    domain the export names; several rows of one domain are joined."""
    rows = {d: {"domein": d, "bevorderend": "", "belemmerend": ""} for d in DOMEINEN}
    for f in factoren:
        row = rows.setdefault(f["domein"], {"domein": f["domein"], "bevorderend": "", "belemmerend": ""})
        for kant in ("bevorderend", "belemmerend"):
            row[kant] = "\n".join(t for t in (row[kant], f[kant]) if t)
    return list(rows.values())


def _koppel_documenten(rijen: list[dict], documenten: Path | None, vanuit: Path | None) -> list[dict]:
    """Give each document a `link` (text, relationship id, target) and return the relationships to
    write. links.koppel decides which targets are safe; a refused one keeps its text only."""
    relaties: list[dict] = []
    for d in rijen:
        target = links.koppel(d["vindplaats"], documenten, vanuit).doel
        rid = ""
        if target:
            rid = f"rIdOpp{len(relaties) + 1}"
            relaties.append({"rid": rid, "doel": target})
        d["link"] = {"tekst": links.linktekst(d["titel"], d["datum"]), "rid": rid, "doel": target}
    return relaties
