"""Per-student signals: every finding the rules raise about one student's OPP (refused or missing
document links, turning 18 during the plan). One definition: `opp controleer` and `opp genereer` both
call `student_signals`, so both list the same findings."""

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
