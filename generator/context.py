"""Record -> template context: the only dict, and the only place template names are spelt.

The context holds plain values only (str, bool, date, None, tuples, lists and dicts of those): the
sandbox is no protection against objects with methods.
"""

from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import date

from . import rules
from .fields import LEERLINGEN, velden_van
from .records import Opp


def _row(record) -> dict:
    return {f.name: getattr(record, f.name) for f in dc_fields(record)}


def bouw_context(opp: Opp, schooljaar: str, vandaag: date) -> dict:
    """The template context of one student's OPP."""
    leerling = opp.leerling
    ctx: dict[str, dict | list] = {"leerling": {}, "opp": {}}
    for v in velden_van(LEERLINGEN):
        owner, name = v.pad.split(".")
        if owner in ctx and name != "bsn":
            ctx[owner][name] = getattr(leerling, name)
    ctx["leerling"]["naam"] = leerling.naam
    ctx["opp"].update(
        schooljaar=schooljaar,
        soort=rules.soort_opp(leerling, schooljaar),
        datum_opgesteld=vandaag,
        uiterste_vaststelling=rules.uiterste_vaststelling(leerling),
        volgende_evaluatie=rules.volgende_evaluatie(leerling),
    )
    for lijst in ("ouders", "doelen", "ondersteuning", "documenten", "betrokkenen", "factoren"):
        ctx[lijst] = [_row(r) for r in getattr(opp, lijst)]
    ctx["relaties"] = _koppel_documenten(ctx["documenten"])
    ctx["uitwerkingen"] = [d for d in ctx["documenten"] if _is_uitwerking(d["soort"])]
    return ctx


def _is_uitwerking(soort: str) -> bool:
    """IOP and plan van aanpak hang under the OPP as the elaboration of the 'how'."""
    s = soort.casefold()
    return "iop" in s.split() or "plan van aanpak" in s or "ontwikkelingsplan" in s


def _koppel_documenten(documenten: list[dict]) -> list[dict]:
    """Give each document a `link` (text, relationship id) and return the relationships to write.
    Only http(s) targets become hyperlinks here."""
    relaties = []
    for d in documenten:
        target = d["vindplaats"]
        rid = ""
        if target.casefold().startswith(("https://", "http://")):
            rid = f"rIdOpp{len(relaties) + 1}"
            relaties.append({"rid": rid, "doel": target})
        d["link"] = {"tekst": d["titel"], "rid": rid, "doel": target}
    return relaties
