"""Per-student signals: every finding the rules raise about one student's OPP (refused or missing
document links, turning 18 during the plan). One definition: `opp controleer` and `opp genereer` both
call `student_signals`, so both list the same findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..domain.findings import Finding
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


def student_signals(opp: Opp, documents: Path | None, opp_folder: Path | None, today: date) -> StudentSignals:
    """The signals of one student whose OPP goes into `opp_folder`; `documents` is the folder relative
    document paths resolve against."""
    targets, found = links.judge_links(opp, documents, opp_folder)
    found += opp_rules.signals(opp, today)
    return StudentSignals(tuple(targets), tuple(found))
