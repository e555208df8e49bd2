"""Business rules: the six-week deadline, the next evaluation, who signs, the 18th birthday, soort OPP."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main
from generator.domain.records import Leerling, Opp, Ouder
from generator.form.context import build_context
from generator.rules import opp_rules

from .conftest import LEERLING_KOPPEN, leerling, make_workbook


def _lln(**kw) -> Leerling:
    base = dict(leerlingnummer="1", roepnaam="Sem", achternaam="de Vries", geboortedatum=date(2013, 3, 14),
                klas="1A")
    return Leerling(**(base | kw))


YEAR = "2026-2027"


@pytest.mark.parametrize("kw, start, deadline", [
    # intake: the enrolment
    (dict(datum_inschrijving=date(2026, 8, 24)), date(2026, 8, 24), date(2026, 10, 5)),
    # during the school career: the agreement on extra support wins over the enrolment
    (dict(datum_inschrijving=date(2025, 8, 25), datum_afspraak_extra_ondersteuning=date(2026, 11, 20)),
     date(2026, 11, 20), date(2027, 1, 1)),
    # after a temporary placement: the definitive placement wins over both
    (dict(datum_inschrijving=date(2026, 8, 24), datum_afspraak_extra_ondersteuning=date(2026, 9, 1),
          datum_definitieve_plaatsing=date(2027, 2, 1)), date(2027, 2, 1), date(2027, 3, 15)),
    # enrolled two years ago: an existing OPP, no six weeks from an enrolment years back
    (dict(datum_inschrijving=date(2024, 8, 26)), date(2024, 8, 26), None),
    # nothing known: no deadline rather than a made-up one
    (dict(), None, None),
])
def test_six_week_deadline_only_for_a_plan_that_starts_this_school_year(kw, start, deadline):
    lln = _lln(**kw)
    assert opp_rules.start_of_term(lln) == start
    assert opp_rules.uiterste_vaststelling(lln, YEAR) == deadline
    assert opp_rules.is_new_plan(lln, YEAR) is (deadline is not None)


@pytest.mark.parametrize("kw, evaluation", [
    # an intake plan not yet set: its evaluation counts from the vaststelling still to come
    (dict(datum_inschrijving=date(2026, 8, 24)), None),
    (dict(datum_inschrijving=date(2026, 8, 24), datum_vaststelling=date(2026, 9, 15)), date(2027, 9, 14)),
    # an existing plan: a year after its last vaststelling or evaluation, whichever is later
    (dict(datum_inschrijving=date(2023, 8, 28), datum_vaststelling=date(2023, 10, 1)), date(2024, 9, 30)),
    (dict(datum_inschrijving=date(2023, 8, 28), datum_vaststelling=date(2023, 10, 1),
          datum_laatste_evaluatie=date(2026, 6, 15)), date(2027, 6, 14)),
    (dict(datum_vaststelling=date(2028, 2, 29)), date(2029, 2, 27)),  # leap day: within the year
    (dict(datum_inschrijving=date(2023, 8, 28)), None),  # existing, no date known: 'onbekend'
])
def test_next_evaluation_within_a_year_of_the_last_vaststelling_or_evaluation(kw, evaluation):
    lln = _lln(**kw)
    assert opp_rules.volgende_evaluatie(lln) == evaluation
    base = opp_rules.last_set_or_evaluated(lln)
    if base:
        assert (evaluation - base).days < 366


def test_an_old_vaststelling_is_the_previous_plans_not_this_ones():
    lln = _lln(datum_inschrijving=date(2023, 8, 28), datum_vaststelling=date(2023, 10, 1))
    assert opp_rules.vaststelling(lln, YEAR) is None
    assert opp_rules.vorige_vaststelling(lln, YEAR) == date(2023, 10, 1)
    this_year = _lln(datum_inschrijving=date(2026, 8, 24), datum_vaststelling=date(2026, 9, 20))
    assert opp_rules.vaststelling(this_year, YEAR) == date(2026, 9, 20)
    assert opp_rules.vorige_vaststelling(this_year, YEAR) is None


def _signers(lln, ouders, today=date(2026, 9, 1)):
    return [(s.rij, s.rol, s.naam, s.gezag, bool(s.controleren))
            for s in opp_rules.ondertekenaars(lln, ouders, YEAR, today)]


def test_parents_with_gezag_sign_for_a_minor_and_unknown_gezag_is_checked():
    ouders = (Ouder("1", "M. de Vries", gezag=True), Ouder("1", "K. Jansen", "vader", gezag=False),
              Ouder("1", "P. de Vries"), Ouder("1", "J. Bos", "voogd", gezag=True))
    lln = _lln(datum_inschrijving=date(2026, 8, 24))
    assert not opp_rules.leerling_tekent(lln, YEAR, date(2026, 9, 1))
    assert _signers(lln, ouders) == [
        ("ouder1", "Ouder/verzorger met gezag", "M. de Vries", "ja", False),
        ("ouder3", "Ouder/verzorger, gezag onbekend", "P. de Vries", "onbekend", True),
        ("ouder4", "Voogd met gezag", "J. Bos", "ja", False)]


def test_nobody_with_gezag_gives_an_open_block_and_no_birth_date_asks_the_student_too():
    lln = _lln(datum_inschrijving=date(2026, 8, 24))
    assert _signers(lln, (Ouder("1", "K. Jansen", "vader", gezag=False),)) == [
        ("ouder-nieuw", "Ouder/verzorger met gezag", "", "onbekend", True)]
    unknown_age = _lln(geboortedatum=None, datum_inschrijving=date(2026, 8, 24))
    assert _signers(unknown_age, (Ouder("1", "M. de Vries", gezag=True),)) == [
        ("ouder1", "Ouder/verzorger met gezag", "M. de Vries", "ja", False),
        ("leerling", "De leerling (alleen als 18 jaar of ouder)", "Sem de Vries", "", True)]


@pytest.mark.parametrize("kw, tekent", [
    # 18 on the vaststelling date: signs, even though not yet 18 on the deadline
    (dict(datum_inschrijving=date(2026, 8, 24), datum_vaststelling=date(2026, 11, 1)), True),
    # not yet 18 on the vaststelling date
    (dict(datum_inschrijving=date(2026, 8, 24), datum_vaststelling=date(2026, 9, 30)), False),
    # no vaststelling yet: the deadline decides (5 October 2026)
    (dict(datum_inschrijving=date(2026, 8, 24)), False),
    (dict(datum_inschrijving=date(2026, 9, 25)), True),  # deadline 6 November 2026
    # an existing plan set years ago when 16: this year's plan is signed by the student, who is 18 now
    (dict(datum_inschrijving=date(2023, 8, 28), datum_vaststelling=date(2024, 10, 1)), True),
])
def test_student_signs_from_18_on_the_vaststelling_date_or_deadline(kw, tekent):
    lln = _lln(geboortedatum=date(2008, 10, 10), **kw)
    today = date(2026, 10, 20) if "2023" in str(kw) else date(2026, 9, 1)
    assert opp_rules.leerling_tekent(lln, YEAR, today) is tekent
    names = [s.naam for s in opp_rules.ondertekenaars(lln, (Ouder("1", "M. de Vries", gezag=True),), YEAR,
                                                        today)]
    assert names == (["Sem de Vries"] if tekent else ["M. de Vries"])


def test_warning_when_18_within_the_plan_period():
    # deadline 5-10-2026, plan runs until the next evaluation 4-10-2027
    within = _lln(geboortedatum=date(2009, 3, 1), datum_inschrijving=date(2026, 8, 24))
    after = _lln(geboortedatum=date(2009, 10, 5), datum_inschrijving=date(2026, 8, 24))
    already = _lln(geboortedatum=date(2008, 1, 1), datum_inschrijving=date(2026, 8, 24))
    ended = _lln(geboortedatum=date(2009, 3, 1), datum_inschrijving=date(2026, 8, 24),
                 einddatum=date(2027, 2, 28))  # an OPP that ends before the birthday
    today = date(2026, 9, 1)
    assert opp_rules.achttien_tijdens_plan(within, YEAR, today)
    assert not opp_rules.achttien_tijdens_plan(after, YEAR, today)
    assert not opp_rules.achttien_tijdens_plan(already, YEAR, today)
    assert opp_rules.leerling_tekent(already, YEAR, today)
    assert not opp_rules.achttien_tijdens_plan(ended, YEAR, today)


def test_born_on_leap_day_is_of_age_on_1_march():
    lln = _lln(geboortedatum=date(2008, 2, 29))
    assert opp_rules.eighteenth_birthday(lln) == date(2026, 3, 1)


@pytest.mark.parametrize("kw, soort", [
    (dict(soort="Bijgesteld OPP", datum_inschrijving=date(2026, 8, 24)), "Bijgesteld OPP"),  # export wins
    (dict(datum_inschrijving=date(2026, 8, 24)), "Intake-OPP"),
    (dict(datum_inschrijving=date(2024, 8, 26), datum_definitieve_plaatsing=date(2026, 10, 1)), "Intake-OPP"),
    (dict(datum_inschrijving=date(2024, 8, 26), datum_afspraak_extra_ondersteuning=date(2026, 10, 1)), "OPP"),
    (dict(datum_inschrijving=date(2024, 8, 26), datum_vaststelling=date(2025, 10, 1)), "Bijgesteld OPP"),
    (dict(datum_inschrijving=date(2026, 8, 24), datum_vaststelling=date(2026, 9, 20)), "Intake-OPP"),
    (dict(), "OPP"),
])
def test_soort_opp(kw, soort):
    assert opp_rules.soort_opp(_lln(**kw), "2026-2027") == soort


@pytest.mark.parametrize("deadline, vastgesteld, termijn", [
    (date(2026, 9, 30), None, "verlopen"),
    (date(2026, 10, 1), None, "binnen 2 weken"),  # today
    (date(2026, 10, 15), None, "binnen 2 weken"),
    (date(2026, 10, 16), None, ""),
    (None, None, "onbekend"),  # an existing plan without any date: the register says so
])
def test_deadline_flag_for_the_register(deadline, vastgesteld, termijn):
    assert opp_rules.termijn(deadline, vastgesteld, date(2026, 10, 1)) == termijn


@pytest.mark.parametrize("evaluation, termijn", [
    (date(2026, 9, 30), "evaluatie verlopen"),
    (date(2026, 10, 10), "evaluatie binnen 2 weken"),
    (date(2027, 8, 29), ""),
    (None, "onbekend"),
])
def test_once_set_the_next_evaluation_is_flagged(evaluation, termijn):
    assert opp_rules.termijn(date(2025, 10, 1), date(2025, 9, 30), date(2026, 10, 1), evaluation) == termijn
    assert opp_rules.termijn(None, None, date(2026, 10, 1), evaluation) == termijn  # an existing plan


def test_the_form_gets_the_rules_through_the_context():
    lln = _lln(geboortedatum=date(2009, 3, 1), datum_inschrijving=date(2026, 8, 24))
    opp = Opp(lln, ouders=(Ouder("1", "M. de Vries", gezag=True), Ouder("1", "A. Bakker", gezag=True)))
    ctx = build_context(opp, "2026-2027", date(2026, 9, 1))["opp"]
    assert ctx["start_termijn"] == date(2026, 8, 24)
    assert ctx["uiterste_vaststelling"] == date(2026, 10, 5)
    assert ctx["volgende_evaluatie"] is None and ctx["nieuw_plan"] is True
    assert ctx["soort"] == "Intake-OPP"
    assert ctx["leerling_tekent"] is False and ctx["achttien_tijdens_plan"] is True
    assert ctx["ondertekenaars"] == "M. de Vries, A. Bakker"


def _achttien_jaar_voor(d: date) -> date:
    return d.replace(year=d.year - 18) if (d.month, d.day) != (2, 29) else date(d.year - 18, 3, 1)


def test_turning_18_during_the_plan_is_a_warning_on_the_students_row_and_in_the_register(tmp_path):
    today = date.today()  # the CLI judges against today
    book = make_workbook(tmp_path / "in.xlsx", {"Leerlingen": [
        LEERLING_KOPPEN,
        leerling("1", "Jong", "Genoeg", geboren=date(today.year - 13, 1, 1), inschrijving=today),
        leerling("2", "Bijna", "Achttien", geboren=_achttien_jaar_voor(today + timedelta(days=200)),
                 inschrijving=today)]})
    result = CliRunner().invoke(main, ["genereer", str(book), "--uitvoer", str(tmp_path / "uit"),
                                       "--schooljaar", "2026-2027", "--werkers", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "wordt 18" in line]
    assert len(warnings) == 1
    assert "in.xlsx, blad 'Leerlingen', rij 3, kolom E 'Geboortedatum'" in warnings[0]
    ws = load_workbook(tmp_path / "uit/2026-2027/overzicht.xlsx")["OPP's"]
    head = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["2"]["Let op"] == "wordt 18 tijdens het plan" and rows["2"]["Waarschuwingen"] == 1
    assert rows["1"]["Let op"] is None and rows["1"]["Waarschuwingen"] == 0
