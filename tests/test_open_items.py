"""BR-5 'nog in te vullen' and the plan's status (BR-4, BR-7), from the records alone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from generator.domain.records import Factor, Leerling, Ondersteuning, Opp
from generator.rules import open_items
from generator.rules.open_items import open_items as items
from generator.rules.open_items import plan_status

YEAR = "2026-2027"
TODAY = date(2026, 10, 1)
ALL_ITEMS = ("uitstroombestemming", "onderbouwing", "bevorderende factor", "belemmerende factor",
             "ondersteuning", "afwijkingen ja/nee", "datum hoorrecht", "datum overleg ouders")


def _complete(**leerling) -> Opp:
    """An OPP with every item BR-5 asks for; `leerling` overrides fields of the student."""
    values = dict(leerlingnummer="1", uitstroombestemming="vmbo-kb", onderbouwing="Past bij de toetsen",
                  geen_afwijkingen=True, datum_hoorrecht=date(2026, 9, 10),
                  datum_overleg_ouders=date(2026, 9, 12)) | leerling
    return Opp(Leerling(**values),
               factoren=(Factor("1", "Leren", bevorderend="Gemotiveerd"),
                         Factor("1", "Gedrag", belemmerend="Snel afgeleid")),
               ondersteuning=(Ondersteuning("1", "Extra tijd bij toetsen"),))


def test_an_empty_opp_lacks_every_item_in_the_order_of_the_form():
    assert items(Opp(Leerling("1")), YEAR) == ALL_ITEMS


def test_a_complete_opp_lacks_nothing():
    assert items(_complete(), YEAR) == ()


@pytest.mark.parametrize(("change", "missing"), [
    ({"uitstroombestemming": "   "}, "uitstroombestemming"),  # spaces only: nothing filled in
    ({"onderbouwing": ""}, "onderbouwing"),
    ({"geen_afwijkingen": None}, "afwijkingen ja/nee"),
    ({"afwijkingen": ("Vrijstelling Frans",)}, "afwijkingen ja/nee"),  # 'ja' and 'geen': contradicts itself
    ({"datum_hoorrecht": None}, "datum hoorrecht"),
    ({"datum_overleg_ouders": None}, "datum overleg ouders"),
])
def test_each_open_item_of_the_student_is_named_alone(change, missing):
    assert items(_complete(**change), YEAR) == (missing,)


def test_a_named_deviation_answers_the_question():
    assert items(_complete(geen_afwijkingen=None, afwijkingen=("Vrijstelling Frans",)), YEAR) == ()


def test_factors_count_per_kind_and_support_needs_what():
    opp = _complete()
    only_hindering = Opp(opp.leerling, factoren=(Factor("1", "Leren", belemmerend="Faalangst"),
                                                 Factor("1", "Gedrag", bevorderend=" ")),
                         ondersteuning=(Ondersteuning("1", "", wie="mentor"),))
    assert items(only_hindering, YEAR) == ("bevorderende factor", "ondersteuning")
    one_factor_both = Opp(opp.leerling, factoren=(Factor("1", "Leren", "Gemotiveerd", "Faalangst"),),
                          ondersteuning=opp.ondersteuning)
    assert items(one_factor_both, YEAR) == ()


def test_a_new_plan_not_yet_set_is_a_concept():
    intake = Opp(Leerling("1", datum_inschrijving=date(2026, 9, 1)))
    assert plan_status(intake, YEAR, TODAY) == open_items.CONCEPT
    # past its six weeks it is still a concept: the termijn says it is late, not the status
    assert plan_status(intake, YEAR, date(2027, 3, 1)) == open_items.CONCEPT


def test_a_plan_set_this_year_is_vastgesteld_until_its_evaluation_comes_due():
    opp = _complete(datum_inschrijving=date(2026, 8, 25), datum_vaststelling=date(2026, 9, 20))
    assert plan_status(opp, YEAR, TODAY) == open_items.VASTGESTELD
    evaluation = date(2027, 9, 19)  # BR-7: a year after the vaststelling
    assert plan_status(opp, YEAR, evaluation - timedelta(weeks=2, days=1)) == open_items.VASTGESTELD
    assert plan_status(opp, YEAR, evaluation - timedelta(weeks=2)) == open_items.EVALUATIE_NODIG
    assert plan_status(opp, YEAR, evaluation + timedelta(days=1)) == open_items.EVALUATIE_NODIG


def test_an_existing_plan_set_two_years_ago_needs_evaluation():
    opp = Opp(Leerling("1", datum_inschrijving=date(2022, 8, 20), datum_vaststelling=date(2024, 10, 1)))
    assert plan_status(opp, YEAR, TODAY) == open_items.EVALUATIE_NODIG


def test_an_existing_plan_without_any_date_is_a_concept():
    assert plan_status(Opp(Leerling("1")), YEAR, TODAY) == open_items.CONCEPT
    assert plan_status(Opp(Leerling("1", datum_inschrijving=date(2023, 9, 1))), YEAR, TODAY) == \
        open_items.CONCEPT


def test_an_evaluation_this_school_year_after_the_vaststelling_is_geevalueerd():
    existing = Opp(Leerling("1", datum_inschrijving=date(2024, 9, 1), datum_vaststelling=date(2025, 10, 1),
                            datum_evaluatie=date(2026, 9, 15)))
    assert plan_status(existing, YEAR, TODAY) == open_items.GEEVALUEERD
    set_this_year = _complete(datum_inschrijving=date(2026, 8, 25), datum_vaststelling=date(2026, 9, 1),
                              datum_evaluatie=date(2026, 9, 20))
    assert plan_status(set_this_year, YEAR, TODAY) == open_items.GEEVALUEERD


def test_an_evaluation_of_an_earlier_year_or_on_the_day_of_the_vaststelling_is_no_evaluation_of_this_plan():
    last_year = Opp(Leerling("1", datum_inschrijving=date(2024, 9, 1), datum_vaststelling=date(2024, 10, 1),
                             datum_evaluatie=date(2026, 7, 1)))  # school year 2025-2026
    assert plan_status(last_year, YEAR, TODAY) == open_items.CONCEPT
    same_day = _complete(datum_inschrijving=date(2024, 9, 1), datum_vaststelling=date(2026, 9, 15),
                         datum_evaluatie=date(2026, 9, 15))  # evaluated, and set again (bijgesteld)
    assert plan_status(same_day, YEAR, TODAY) == open_items.VASTGESTELD


def test_a_due_evaluation_goes_before_an_earlier_one():
    opp = Opp(Leerling("1", datum_inschrijving=date(2024, 9, 1), datum_vaststelling=date(2025, 8, 20),
                       datum_evaluatie=date(2026, 8, 25)))
    assert plan_status(opp, YEAR, TODAY) == open_items.GEEVALUEERD
    assert plan_status(opp, YEAR, date(2027, 8, 20)) == open_items.EVALUATIE_NODIG


def test_a_kept_row_needs_evaluation_once_its_termijn_says_so():
    assert open_items.kept_status("vastgesteld", "evaluatie verlopen") == open_items.EVALUATIE_NODIG
    assert open_items.kept_status("", "evaluatie binnen 2 weken") == open_items.EVALUATIE_NODIG
    assert open_items.kept_status("concept", "verlopen") == "concept"  # the six weeks: still a concept
    assert open_items.kept_status("vastgesteld", "onbekend") == "vastgesteld"
