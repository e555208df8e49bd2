"""Per-student signals: every finding the rules raise about one student's OPP (refused or missing
document links, turning 18 during the plan, a deadline the export cannot give, a gezag to check). One
definition: `opp controleer` and `opp genereer` both call `student_signals`, so both list the same
findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..domain.findings import Finding, Location, Origin, Severity
from ..domain.records import Opp
from . import links, opp_rules


@dataclass(frozen=True)
class StudentSignals:
    """What the rules say about one student: the document link targets, and the findings."""

    link_targets: tuple[str, ...]
    findings: tuple[Finding, ...]

    def warning_count(self, opp: Opp) -> int:
        """The register's count: the validator's warnings about the student plus these."""
        return len(opp.waarschuwingen) + len(self.findings)


def student_signals(opp: Opp, documents: Path | None, opp_folder: Path | None, year: str,
                    today: date) -> StudentSignals:
    """The signals of one student whose OPP goes into `opp_folder`; `documents` is the folder relative
    document paths resolve against."""
    targets, found = links.judge_links(opp, documents, opp_folder)
    found += _turning_18(opp, year, today)
    found += _deadline_doubts(opp, year)
    found += _signer_doubts(opp, year, today)
    return StudentSignals(tuple(targets), tuple(found))


def _turning_18(opp: Opp, year: str, today: date) -> list[Finding]:
    """BR-8 as a warning on the student's birth date: who must agree to changes from the 18th birthday
    on."""
    lln = opp.leerling
    if not opp_rules.achttien_tijdens_plan(lln, year, today):
        return []
    message = ("leerling wordt 18 tijdens de looptijd van het OPP "
               f"({_until(lln, year, today)}); "
               "vanaf dan stemt de leerling zelf in met het handelingsdeel en met wijzigingen")
    return [Finding(Severity.WARNING, _where(opp.leerling.origin, "geboortedatum", "Leerlingen"), message,
                    lln.leerlingnummer)]


def _where(origin: Origin | None, name: str, sheet: str) -> Location:
    """The cell of the value a finding is about; the sheet when the record has no origin (made in code)."""
    return origin.location(name) if origin else Location(sheet)


def _until(lln, year: str, today: date) -> str:
    end = opp_rules.end_of_plan(lln)
    return f"tot {end:%d-%m-%Y}" if end else "binnen een jaar na de vaststelling"


def _deadline_doubts(opp: Opp, year: str) -> list[Finding]:
    """BR-2/BR-7: a deadline the form leaves open, said once, where the school can fix it."""
    lln = opp.leerling
    where = _where(lln.origin, "soort", "Leerlingen")
    if opp_rules.is_new_plan(lln, year):
        return []
    start = opp_rules.start_of_term(lln)
    out = []
    if lln.soort.casefold().startswith("intake") and start is not None:
        out.append(Finding(Severity.WARNING, where,
                           f"soort OPP is '{lln.soort}', maar de zes weken begonnen in een eerder "
                           f"schooljaar ({start:%d-%m-%Y}); het formulier toont geen uiterste datum van "
                           "vaststelling, alleen de jaarlijkse evaluatie; controleer de soort",
                           lln.leerlingnummer))
    if start is not None and opp_rules.volgende_evaluatie(lln) is None:  # no start at all: the kind of
        # plan is unknown too, and both deadlines stay open on the form
        out.append(Finding(Severity.WARNING, _where(lln.origin, "", "Leerlingen"),
                           "bestaand OPP zonder datum van vaststelling of laatste evaluatie: de datum van de "
                           "volgende evaluatie is onbekend en blijft open op het formulier (de export kan "
                           "een kolom 'Datum vaststelling' of 'Laatste evaluatie' hebben)",
                           lln.leerlingnummer))
    return out


def _signer_doubts(opp: Opp, year: str, today: date) -> list[Finding]:
    """Who signs the instemming, where the export leaves it open: the form says 'gezag controleren'."""
    lln = opp.leerling
    if opp_rules.leerling_tekent(lln, year, today):
        return []
    out = [Finding(Severity.WARNING, _where(o.origin, "gezag", "Ouders"),
                   f"gezag van {o.naam or 'een ouder'} is onbekend; het formulier geeft een instemmingsblok "
                   "met 'gezag controleren'", lln.leerlingnummer)
           for o in opp.ouders if o.gezag is None]
    if opp.ouders and not any(o.gezag is not False for o in opp.ouders):  # without any parent row the
        # missing sheet or rows are reported once, by the reader
        out.append(Finding(Severity.WARNING, _where(lln.origin, "", "Leerlingen"),
                           "geen van de ouders of verzorgers in de export heeft gezag; het formulier heeft "
                           "een open instemmingsblok voor wie wel gezag heeft (bijvoorbeeld een voogd)",
                           lln.leerlingnummer))
    return out
