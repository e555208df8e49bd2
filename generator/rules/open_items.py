"""BR-5 and BR-4 for the register: what an OPP still lacks before it can be set, and where the plan stands.

Both are pure functions of the records (an `Opp`), never of the export or the Word file: a later issue
builds the same records from the values read back out of filled-in forms, and then the register shows
what the school has filled in since, by the same rules. The numbers refer to
../shared/domain/opp-domein.md §5.
"""

from __future__ import annotations

from datetime import date

from ..domain.records import Opp
from . import opp_rules

CONCEPT = "concept"
BESPROKEN = "besproken"
WACHT_OP_INSTEMMING = "wacht op instemming"
GEEN_INSTEMMING = "geen instemming"
WACHT_OP_VASTSTELLING = "wacht op vaststelling"
VASTGESTELD = "vastgesteld"
EVALUATIE_NODIG = "evaluatie nodig"
GEEVALUEERD = "geëvalueerd"


def open_items(opp: Opp, year: str) -> tuple[str, ...]:
    """BR-5 'nog in te vullen': the legally required items of this OPP that are still open, as short Dutch
    labels in the order of the form. Empty: complete, the plan can be set. A text of spaces only is
    open. `year` is the school year of the plan, as for every rule here; the items do not depend on it
    yet. The ondersteuning and the afwijkingen answer are asked of every OPP: the records do not tell
    regulier VO or PrO (where BR-5 requires them) from VSO reliably, and an open item is only a question
    to the coordinator, never a refusal."""
    lln = opp.leerling
    present = {
        "uitstroombestemming": _filled(lln.uitstroombestemming),
        "onderbouwing": _filled(lln.onderbouwing),
        "bevorderende factor": any(_filled(f.bevorderend) for f in opp.factoren),
        "belemmerende factor": any(_filled(f.belemmerend) for f in opp.factoren),
        "ondersteuning": any(_filled(o.wat) for o in opp.ondersteuning),
        "afwijkingen ja/nee": opp_rules.afwijkingen_antwoord(lln) is not None,
        "datum hoorrecht": lln.datum_hoorrecht is not None,
        "datum overleg ouders": lln.datum_overleg_ouders is not None,
    }
    return tuple(label for label, known in present.items() if not known)


def _filled(text: str) -> bool:
    return bool(text and text.strip())


def plan_status(opp: Opp, year: str, today: date) -> str:
    """Where this school year's plan stands, as far as the export tells at generation.

    BR-4's flow is concept -> besproken (OOGO) -> instemming ouders, or geen instemming -> vastgesteld
    -> geëvalueerd -> bijgesteld (a new version: concept again) or beëindigd. From the export we know:
      concept          not set in this school year (`opp_rules.vaststelling` is None): a new plan to be
                       set, or an existing plan whose new version is being drawn up;
      vastgesteld      set in this school year;
      evaluatie nodig  set, or an existing plan, whose next evaluation (BR-7) is past or within
                       `opp_rules.SIGNAL_PERIOD`; it goes before 'geëvalueerd': a due evaluation is the
                       thing to act on;
      geëvalueerd      set or existing, and evaluated (datum_evaluatie) in this school year after its
                       vaststelling.
    Before the vaststelling the overleg and the instemming answers (from the export, or read back from
    the filled-in form) give besproken, wacht op instemming, geen instemming or wacht op vaststelling
    (`_before_vaststelling`); 'beëindigd' is the school's to enter.
    """
    lln = opp.leerling
    set_on = opp_rules.vaststelling(lln, year)
    existing = not opp_rules.is_new_plan(lln, year)
    if set_on is None and not existing:
        return _before_vaststelling(opp, year, today)
    if needs_evaluation(opp_rules.volgende_evaluatie(lln), today):
        return EVALUATIE_NODIG
    if _evaluated(lln.datum_evaluatie, lln.datum_vaststelling, year):
        return GEEVALUEERD
    return VASTGESTELD if set_on is not None else _before_vaststelling(opp, year, today)


_AGREES, _REFUSES = "stemt in", "stemt niet in"


def _before_vaststelling(opp: Opp, year: str, today: date) -> str:
    """BR-4 before the vaststelling, from what the form says: concept until the overleg with the parents
    (OOGO) has a date; then besproken; once any signer has answered, wacht op instemming until every signer
    the form has a block for (opp_rules.ondertekenaars) says 'stemt in' (then wacht op vaststelling), or
    geen instemming when one refuses (the school must still give the support; the GPO may follow). A block
    the records cannot hold (a third parent) counts as not answered: never 'all agreed' by mistake."""
    lln = opp.leerling
    if lln.datum_overleg_ouders is None:
        return CONCEPT
    signers = [s.rij for s in opp_rules.ondertekenaars(lln, opp.ouders, year, today)]
    answers = [str(getattr(lln, f"instemming_{key}", "") or "").strip().casefold() for key in signers]
    if any(a.startswith(_REFUSES) for a in answers):
        return GEEN_INSTEMMING
    if not any(answers):
        return BESPROKEN
    return WACHT_OP_VASTSTELLING if all(a.startswith(_AGREES) for a in answers) else WACHT_OP_INSTEMMING


def needs_evaluation(evaluation: date | None, today: date) -> bool:
    """BR-7: the next evaluation is past or within the signal period (the register marks the same)."""
    return evaluation is not None and evaluation - today <= opp_rules.SIGNAL_PERIOD


def _evaluated(evaluated_on: date | None, set_on: date | None, year: str) -> bool:
    """An evaluation in this school year of the plan in force: after its vaststelling, when one is known.
    An evaluation on the day of a vaststelling led to that (new) plan: it is no evaluation of it."""
    if evaluated_on is None or opp_rules.schooljaar(evaluated_on) != year:
        return False
    return set_on is None or evaluated_on > set_on


def kept_status(status: str, termijn: str) -> str:
    """The status of a register row kept from an earlier run (its student is not in this run, so there
    are no records to judge): as written then, except that time has moved on: a plan whose evaluation
    has come due since, as its termijn recomputed today says ('evaluatie verlopen', 'evaluatie binnen 2
    weken'), needs evaluation now."""
    due = termijn in (f"evaluatie {opp_rules.OVERDUE}", f"evaluatie {opp_rules.DUE_SOON}")
    return EVALUATIE_NODIG if due else status
