"""Business rules of the OPP, each in one place: school year, deadlines, who signs, soort OPP.

The numbers (BR-2, BR-7, BR-8) refer to ../shared/domain/opp-domein.md §5.

Date arithmetic never raises: a deadline that would fall outside the calendar Python knows (a date near
31-12-9999 in a record) is None, an open field, like a deadline without a start date.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def is_new_plan(leerling: Leerling, year: str) -> bool:
    """BR-2 applies: the six weeks started in this school year (or later). A student enrolled in an
    earlier year has an existing OPP: its deadline is the yearly evaluation, never six weeks from an
    enrolment years back."""
    start = start_of_term(leerling)
    return start is not None and schooljaar(start) >= year


def uiterste_vaststelling(leerling: Leerling, year: str) -> date | None:
    """BR-2: six weeks after the start, only for a plan that starts this school year; None otherwise."""
    if not is_new_plan(leerling, year):
        return None
    return _shifted(start_of_term(leerling), VASTSTELLING_TERMIJN)


def vaststelling(leerling: Leerling, year: str) -> date | None:
    """The vaststelling of this school year's plan; a date from an earlier year set the previous plan."""
    day = leerling.datum_vaststelling
    return day if day is not None and schooljaar(day) >= year else None


def vorige_vaststelling(leerling: Leerling, year: str) -> date | None:
    """The vaststelling of the previous plan: a datum_vaststelling from an earlier school year."""
    day = leerling.datum_vaststelling
    return day if day is not None and schooljaar(day) < year else None


def last_set_or_evaluated(leerling: Leerling) -> date | None:
    """The last moment the plan was set or evaluated: the yearly evaluation counts from there (BR-7)."""
    known = [d for d in (leerling.datum_vaststelling, leerling.datum_laatste_evaluatie,
                         leerling.datum_evaluatie) if d is not None]
    return max(known) if known else None


def _shifted(day: date, period: timedelta) -> date | None:
    """`day` plus `period`; None past either end of the calendar."""
    try:
        return day + period
    except OverflowError:
        return None


UNKNOWN = "onbekend"


def termijn(deadline: date | None, vastgesteld: date | None, today: date,
            evaluation: date | None = None) -> str:
    """BR-2/BR-7 flag for the register. A plan still to be set within six weeks: 'verlopen' past the
    deadline, 'binnen 2 weken' close to it. A plan that is set, or an existing one: the same for its
    next evaluation ('evaluatie verlopen', ...), 'onbekend' when no date says when that is."""
    if deadline is not None and not vastgesteld:
        return _signal(deadline, today)
    if evaluation is None:
        return UNKNOWN
    flag = _signal(evaluation, today)
    return f"evaluatie {flag}" if flag else ""


def _signal(day: date | None, today: date) -> str:
    if day is None:
        return ""
    if day < today:
        return OVERDUE
    return DUE_SOON if day - today <= SIGNAL_PERIOD else ""  # not today + ..., which can overflow


def volgende_evaluatie(leerling: Leerling) -> date | None:
    """BR-7: at the latest one year after the plan was last set or evaluated; None when no date says
    so (an intake plan not yet set: its evaluation counts from the vaststelling still to come)."""
    base = last_set_or_evaluated(leerling)
    return _year_after(base) if base else None


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


def reference_date(leerling: Leerling, year: str, today: date) -> date:
    """The day that decides who signs this year's plan: its vaststelling, else the six-week deadline,
    else today (the plan is being drawn up now). Never the vaststelling of an earlier plan."""
    return vaststelling(leerling, year) or uiterste_vaststelling(leerling, year) or today


def leerling_tekent(leerling: Leerling, year: str, today: date) -> bool | None:
    """BR-8: a student of 18 or older on the peildatum gives the instemming instead of the parents.
    None without a birth date: an open question on the form, never a guess."""
    birthday = eighteenth_birthday(leerling)
    return None if birthday is None else birthday <= reference_date(leerling, year, today)


def end_of_plan(leerling: Leerling) -> date | None:
    """The end of the plan period: the einddatum of the OPP, else the next evaluation."""
    return leerling.einddatum or volgende_evaluatie(leerling)


def achttien_tijdens_plan(leerling: Leerling, year: str, today: date) -> bool | None:
    """BR-8 warning: the student turns 18 after the peildatum but before the plan ends; from then on
    the student, not the parents, must agree to changes. None without a birth date."""
    birthday = eighteenth_birthday(leerling)
    if birthday is None:
        return None
    start = reference_date(leerling, year, today)
    end = end_of_plan(leerling) or _year_after(start)  # not yet set: a year from the expected vaststelling
    return end is not None and start < birthday <= end


def _year_after(day: date) -> date | None:
    """The last day of the year that starts on `day` (BR-7: evaluated within a year)."""
    later = _plus_years(day, 1)
    return _shifted(later, timedelta(days=-1)) if later else None


@dataclass(frozen=True)
class Ondertekenaar:
    """One instemming block on the form. `rij` is its row key in the form's tags (instemming[ouder1]):
    ouderN is the N-th row of the Ouders table, 'leerling' the student, 'ouder-nieuw' an open block for a
    parent or guardian the export does not name."""

    rij: str
    rol: str
    naam: str
    gezag: str  # 'ja', 'onbekend' or '' (the student)
    controleren: str = ""  # what the school must check before this block is signed
    ouder: int | None = None  # index in the Ouders table


def ondertekenaars(leerling: Leerling, ouders: tuple[Ouder, ...], year: str,
                   today: date) -> tuple[Ondertekenaar, ...]:
    """Who gives the instemming on the handelingsdeel (BR-8, WVO): from 18 the student; before that
    every parent or guardian with gezag, a voogd included. Gezag the export does not state gives a block
    that says 'gezag controleren'; a parent without gezag gets none. Without a birth date both the
    parents and the student get a block, the student's to be used only from 18: never a wrong signer
    for sure, and never a missing one."""
    signs = leerling_tekent(leerling, year, today)
    student = Ondertekenaar("leerling", "De leerling (18 jaar of ouder)", leerling.naam, "")
    if signs:
        return (student,)
    out = [_parent_block(i, o) for i, o in enumerate(ouders) if o.gezag is not False]
    if not out:
        out.append(Ondertekenaar("ouder-nieuw", "Ouder/verzorger met gezag", "", UNKNOWN,
                                 "de export noemt geen ouder of verzorger met gezag; vul naam in en "
                                 "controleer het gezag"))
    if signs is None:
        out.append(Ondertekenaar(student.rij, "De leerling (alleen als 18 jaar of ouder)", leerling.naam, "",
                                 "geboortedatum onbekend: stemt alleen in als de leerling op de datum van "
                                 "vaststelling 18 jaar of ouder is"))
    return tuple(out)


def _parent_block(index: int, ouder: Ouder) -> Ondertekenaar:
    rol = "Voogd" if "voogd" in ouder.relatie.casefold() else "Ouder/verzorger"
    gezag = "ja" if ouder.gezag else UNKNOWN
    check = "" if ouder.gezag else "gezag controleren: de export zegt niet of deze ouder gezag heeft"
    title = f"{rol} met gezag" if ouder.gezag else f"{rol}, gezag onbekend"
    return Ondertekenaar(f"ouder{index + 1}", title, ouder.naam, gezag, check, index)


def startdatum_opp(leerling: Leerling) -> date | None:
    """BR-9: the begindatum for the DUO registration: as the export says, else the vaststelling."""
    return leerling.startdatum or leerling.datum_vaststelling


def is_uitwerking(soort: str) -> bool:
    """BR-6: the IOP and the plan van aanpak hang under the OPP as the elaboration of the 'how'; the
    form links them under the handelingsdeel instead of among the other sources."""
    s = soort.casefold()
    return "iop" in s.split() or "plan van aanpak" in s or "ontwikkelingsplan" in s


def soort_opp(leerling: Leerling, year: str) -> str:
    """The kind of OPP: as the export says; else an intake-OPP when the student arrived (enrolled or
    definitively placed) this school year; else an OPP when extra support was agreed this school year;
    else a bijgesteld OPP (an existing plan, evaluated and set again)."""
    if leerling.soort:
        return leerling.soort
    arrival = leerling.datum_definitieve_plaatsing or leerling.datum_inschrijving
    if arrival and schooljaar(arrival) >= year:
        return "Intake-OPP"
    if is_new_plan(leerling, year):
        return "OPP"
    return "Bijgesteld OPP" if last_set_or_evaluated(leerling) else "OPP"


def afwijkingen_antwoord(leerling: Leerling) -> str | None:
    """The one answer to 'Zijn er afwijkingen van het onderwijsprogramma?' (BR-5): 'ja' when the export
    names one, 'nee' when it says there are none, None (open on the form) when it says neither or both."""
    named = bool(leerling.afwijkingen or leerling.afwijkingen_anders)
    if named and leerling.geen_afwijkingen:
        return None  # contradicts itself: the school decides (read/validator.py warns)
    if named:
        return "ja"
    return "nee" if leerling.geen_afwijkingen else None
