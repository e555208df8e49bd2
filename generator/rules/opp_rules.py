"""Business rules of the OPP, each in one place: school year, deadlines, who signs, soort OPP.

The numbers (BR-2, BR-7, BR-8) refer to ../shared/domain/opp-domein.md §5.

Date arithmetic never raises: a deadline that would fall outside the calendar Python knows (a date near
31-12-9999 in a record) is None, an open field, like a deadline without a start date.
"""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, date, timedelta

from ..domain.records import Leerling, Ouder

VASTSTELLING_TERMIJN = timedelta(weeks=6)  # BR-2: calendar weeks
AGE_OF_MAJORITY = 18
SIGNAL_PERIOD = timedelta(weeks=2)  # the register marks deadlines this close
OVERDUE, DUE_SOON = "verlopen", "binnen 2 weken"


def schooljaar(day: date) -> str:
    """The school year a day falls in; August starts a new one."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


def is_school_year(text: str) -> bool:
    parts = text.split("-")
    return (len(parts) == 2 and all(p.isdigit() and len(p) == 4 for p in parts)
            and int(parts[1]) == int(parts[0]) + 1)


def start_of_term(leerling: Leerling) -> date | None:
    """The day the six weeks start: definitive placement after a temporary one, else the agreement
    on extra support during the school career, else the enrolment (intake)."""
    return (leerling.datum_definitieve_plaatsing or leerling.datum_afspraak_extra_ondersteuning
            or leerling.datum_inschrijving)


def uiterste_vaststelling(leerling: Leerling) -> date | None:
    start = start_of_term(leerling)
    return _shifted(start, VASTSTELLING_TERMIJN) if start else None


def _shifted(day: date, period: timedelta) -> date | None:
    """`day` plus `period`; None past either end of the calendar."""
    try:
        return day + period
    except OverflowError:
        return None


def termijn(deadline: date | None, vastgesteld: date | None, today: date,
            evaluation: date | None = None) -> str:
    """BR-2/BR-7 flag for the register: 'verlopen' past the deadline, 'binnen 2 weken' close to it.
    Once the plan is set, the same for its next evaluation ('evaluatie verlopen', ...); '' otherwise."""
    if vastgesteld:
        flag = _signal(evaluation, today)
        return f"evaluatie {flag}" if flag else ""
    return _signal(deadline, today)


def _signal(day: date | None, today: date) -> str:
    if day is None:
        return ""
    if day < today:
        return OVERDUE
    return DUE_SOON if day - today <= SIGNAL_PERIOD else ""  # not today + ..., which can overflow


def volgende_evaluatie(leerling: Leerling) -> date | None:
    """BR-7: at the latest one year after the plan is set (or was due to be set)."""
    base = leerling.datum_vaststelling or uiterste_vaststelling(leerling)
    later = _plus_years(base, 1) if base else None
    return _shifted(later, timedelta(days=-1)) if later else None


def _plus_years(day: date, years: int) -> date | None:
    """The same day `years` later; 28 February for 29 February in a common year; None past the calendar."""
    year = day.year + years
    if not MINYEAR <= year <= MAXYEAR:
        return None
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=year, day=28)


def eighteenth_birthday(leerling: Leerling) -> date | None:
    """None when the export has no birth date (or the birthday falls past the calendar): then nobody can
    say who signs, and the form says nothing."""
    born = leerling.geboortedatum
    if born is None:
        return None
    # Born on 29 February: of age on 1 March (the day after 28 February) in a common year.
    birthday = _plus_years(born, AGE_OF_MAJORITY)
    if birthday is None or birthday.day == born.day:
        return birthday
    return birthday + timedelta(days=1)


def reference_date(leerling: Leerling, today: date) -> date:
    """The day that decides who signs the instemming: the vaststelling, else the deadline, else today."""
    return leerling.datum_vaststelling or uiterste_vaststelling(leerling) or today


def leerling_tekent(leerling: Leerling, today: date) -> bool | None:
    """BR-8: a student of 18 or older on the peildatum gives the instemming instead of the parents.
    None without a birth date: an open question on the form, never a guess."""
    birthday = eighteenth_birthday(leerling)
    return None if birthday is None else birthday <= reference_date(leerling, today)


def end_of_plan(leerling: Leerling) -> date | None:
    """The end of the plan period: the einddatum of the OPP, else the next evaluation."""
    return leerling.einddatum or volgende_evaluatie(leerling)


def achttien_tijdens_plan(leerling: Leerling, today: date) -> bool | None:
    """BR-8 warning: the student turns 18 after the peildatum but before the plan ends; from then on
    the student, not the parents, must agree to changes. None without a birth date."""
    birthday = eighteenth_birthday(leerling)
    if birthday is None:
        return None
    end = end_of_plan(leerling)
    return end is not None and reference_date(leerling, today) < birthday <= end


def ondertekenaars(leerling: Leerling, ouders: tuple[Ouder, ...], today: date) -> tuple[str, ...]:
    """Who signs the instemming on the handelingsdeel: the student from 18, else the parents with
    gezag. A parent whose gezag the export does not say is listed (the school checks); one without
    gezag is not. Nobody without a birth date: better an open field than a wrong signer."""
    signs = leerling_tekent(leerling, today)
    if signs is None:
        return ()
    if signs:
        return (leerling.naam,)
    return tuple(o.naam for o in ouders if o.gezag is not False)


def startdatum_opp(leerling: Leerling) -> date | None:
    """BR-9: the begindatum for the DUO registration: as the export says, else the vaststelling."""
    return leerling.startdatum or leerling.datum_vaststelling


def is_uitwerking(soort: str) -> bool:
    """BR-6: the IOP and the plan van aanpak hang under the OPP as the elaboration of the 'how'; the
    form links them under the handelingsdeel instead of among the other sources."""
    s = soort.casefold()
    return "iop" in s.split() or "plan van aanpak" in s or "ontwikkelingsplan" in s


def soort_opp(leerling: Leerling, year: str) -> str:
    """The kind of OPP: as the export says; else a bijgesteld OPP when it was set in an earlier school
    year; else an intake-OPP when the student arrived (enrolled or definitively placed) this school
    year; else an OPP (extra support agreed during the school career)."""
    if leerling.soort:
        return leerling.soort
    if leerling.datum_vaststelling and schooljaar(leerling.datum_vaststelling) < year:
        return "Bijgesteld OPP"
    arrival = leerling.datum_definitieve_plaatsing or leerling.datum_inschrijving
    if arrival and schooljaar(arrival) == year:
        return "Intake-OPP"
    return "OPP"
