"""One row of the register per OPP: what it says, from the records of one OPP. register.py writes them.

The records are the export's, or those read back out of the filled-in form (read/form_records.py): the
same rules then say where the plan stands, what is still open and which deadline applies, from what the
school really filled in (the vaststelling, the instemming of each signer, the hoorrecht and overleg).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ..domain.records import Opp
from ..rules import open_items, opp_rules

NO_ANSWER = "open"


@dataclass(frozen=True)
class RegisterRow:
    """One OPP in the register. Attribute order is column order of the sheet 'OPP's'."""

    leerlingnummer: str
    naam: str = ""
    klas: str = ""
    mentor: str = ""
    soort: str = ""
    status: str = ""  # where the plan stands (open_items.plan_status)
    aanleiding: str = ""
    start_termijn: date | None = None
    uiterste_vaststelling: date | None = None
    vastgesteld: date | None = None
    termijn: str = ""
    volgende_evaluatie: date | None = None
    nog_in_te_vullen: str = ""  # BR-5 (open_items.open_items), '; ' between items
    gehoord_op: date | None = None  # hoorrecht
    overleg_ouders: date | None = None  # OOGO
    instemming: str = ""  # per signer: 'naam: stemt in (dd-mm-jjjj)', '; ' between signers
    geevalueerd_op: date | None = None
    resultaten: str = ""  # per goal: 'doel 1: behaald'
    startdatum_opp: date | None = None
    einddatum_opp: date | None = None
    let_op: str = ""
    bestand: str = ""  # what this run did with the file (nieuw, bijgewerkt, niet in deze run, ...)
    documenten: int = 0
    waarschuwingen: int = 0
    file: str = ""  # relative to the register's folder, forward slashes


HEADERS = {
    "leerlingnummer": "Leerlingnummer", "naam": "Naam", "klas": "Klas", "mentor": "Mentor",
    "soort": "Soort OPP", "status": "Status", "aanleiding": "Aanleiding", "start_termijn": "Start zes weken",
    "uiterste_vaststelling": "Uiterste vaststelling", "vastgesteld": "Vastgesteld op",
    "termijn": "Termijn", "volgende_evaluatie": "Volgende evaluatie", "nog_in_te_vullen": "Nog in te vullen",
    "gehoord_op": "Leerling gehoord op", "overleg_ouders": "Overleg ouders", "instemming": "Instemming",
    "geevalueerd_op": "Geëvalueerd op", "resultaten": "Resultaat doelen",
    "startdatum_opp": "Startdatum OPP", "einddatum_opp": "Einddatum OPP", "let_op": "Let op",
    "bestand": "Bestand", "documenten": "Gekoppelde documenten", "waarschuwingen": "Waarschuwingen",
    "file": "OPP",
}
DUO = ("leerlingnummer", "naam", "startdatum_opp", "einddatum_opp")


def register_row(opp: Opp, schooljaar: str, today: date, file: str, bestand: str, documenten: int,
                 waarschuwingen: int,
                 signers: Mapping[str, Mapping[str, object]] | None = None) -> RegisterRow:
    """The register row of one OPP; `bestand` is what the run did with its file. `signers`: instemming
    blocks the records cannot hold (a third parent), as read back from the form."""
    lln = opp.leerling
    deadline = opp_rules.uiterste_vaststelling(lln, schooljaar)
    vastgesteld = opp_rules.vaststelling(lln, schooljaar)
    evaluation = opp_rules.volgende_evaluatie(lln)
    return RegisterRow(
        lln.leerlingnummer, lln.naam, lln.klas, lln.mentor, opp_rules.soort_opp(lln, schooljaar),
        open_items.plan_status(opp, schooljaar, today),
        "; ".join((*lln.aanleiding, *_given(lln.aanleiding_anders))),
        opp_rules.start_of_term(lln), deadline, vastgesteld,
        opp_rules.termijn(deadline, vastgesteld, today, evaluation), evaluation,
        "; ".join(open_items.open_items(opp, schooljaar)),
        lln.datum_hoorrecht, lln.datum_overleg_ouders, instemming_text(opp, schooljaar, today, signers or {}),
        _this_year(lln.datum_evaluatie, schooljaar), results_text(opp),
        opp_rules.startdatum_opp(lln), lln.einddatum,
        "wordt 18 tijdens het plan" if opp_rules.achttien_tijdens_plan(lln, schooljaar, today) else "",
        bestand, documenten, waarschuwingen, file)


def _given(text: str) -> tuple[str, ...]:
    return (text,) if text else ()


def _this_year(day: date | None, schooljaar: str) -> date | None:
    """An evaluation of an earlier year is the previous plan's: not this plan's evaluation."""
    return day if day is not None and opp_rules.schooljaar(day) >= schooljaar else None


def instemming_text(opp: Opp, schooljaar: str, today: date,
                    signers: Mapping[str, Mapping[str, object]]) -> str:
    """Every signer the form has a block for (opp_rules.ondertekenaars), with the answer and its date:
    'M. Moeder: stemt in (12-10-2026); V. Voogd: open'."""
    lln = opp.leerling
    parts = []
    for signer in opp_rules.ondertekenaars(lln, opp.ouders, schooljaar, today):
        extra = signers.get(signer.rij, {})
        answer = getattr(lln, f"instemming_{signer.rij}", None) or extra.get("antwoord") or ""
        day = getattr(lln, f"datum_ondertekening_{signer.rij}", None) or extra.get("datum")
        naam = signer.naam or str(extra.get("naam") or "") or signer.rol
        shown = short_answer(str(answer)) + (f" ({day:%d-%m-%Y})" if isinstance(day, date) else "")
        parts.append(f"{naam}: {shown}")
    return "; ".join(parts)


def short_answer(answer: str) -> str:
    """'Stemt in met het handelingsdeel' -> 'stemt in'; no answer -> 'open'."""
    text = answer.removesuffix(" met het handelingsdeel").strip()
    return text[:1].lower() + text[1:] if text else NO_ANSWER


def results_text(opp: Opp) -> str:
    """The result of each goal at the evaluation, in form order: 'doel 1: behaald; doel 2: open'. Empty
    while no goal has a result."""
    if not any(d.resultaat for d in opp.doelen):
        return ""
    return "; ".join(f"doel {i}: {d.resultaat or NO_ANSWER}" for i, d in enumerate(opp.doelen, 1))
