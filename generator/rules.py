"""Business rules of the OPP, each in one place: school year, deadlines, soort OPP."""

from __future__ import annotations

from datetime import date, timedelta

from .records import Leerling

VASTSTELLING_TERMIJN = timedelta(weeks=6)


def schooljaar(dag: date) -> str:
    """The school year a day falls in; August starts a new one."""
    start = dag.year if dag.month >= 8 else dag.year - 1
    return f"{start}-{start + 1}"


def is_schooljaar(text: str) -> bool:
    parts = text.split("-")
    return (len(parts) == 2 and all(p.isdigit() and len(p) == 4 for p in parts)
            and int(parts[1]) == int(parts[0]) + 1)


def startmoment(leerling: Leerling) -> date | None:
    """The day the six weeks start: definitive placement after a temporary one, else the agreement
    on extra support during the school career, else the enrolment (intake)."""
    return (leerling.datum_definitieve_plaatsing or leerling.datum_afspraak_extra_ondersteuning
            or leerling.datum_inschrijving)


def uiterste_vaststelling(leerling: Leerling) -> date | None:
    start = startmoment(leerling)
    return start + VASTSTELLING_TERMIJN if start else None


def volgende_evaluatie(leerling: Leerling) -> date | None:
    """At the latest one year after the plan is set (or was due to be set)."""
    basis = leerling.datum_vaststelling or uiterste_vaststelling(leerling)
    if basis is None:
        return None
    try:
        return basis.replace(year=basis.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return basis.replace(year=basis.year + 1, day=28)


def soort_opp(leerling: Leerling, jaar: str) -> str:
    """The kind of OPP: as the export says, else an intake-OPP for a student enrolled this school year."""
    if leerling.soort:
        return leerling.soort
    if leerling.datum_inschrijving and schooljaar(leerling.datum_inschrijving) == jaar:
        return "Intake-OPP"
    return "OPP"
