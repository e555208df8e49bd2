"""Header recognition (read/columns.py, read/recognize.py) and names (read/names.py): which field a header
names on each kind of sheet and how sure that is, which kind a header row is, and how a full name is split."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.domain.fields import DOELEN, LEERLINGEN, ONDERSTEUNING, OUDERS, SHEET_KINDS
from generator.domain.findings import Severity
from generator.read import columns
from generator.read.columns import closest_fields, guardian_header, look_alike, match_header
from generator.read.names import guardian_name, split_full_name
from generator.read.reader import read_exports

from .conftest import make_workbook

STUDENT_HEADERS = [
    ("Stamnummer", "leerlingnummer"), ("STAMNR", "leerlingnummer"), ("stamnr_str", "leerlingnummer"),
    ("Lln nr", "leerlingnummer"), ("leerlingNummer", "leerlingnummer"), ("Student number", "leerlingnummer"),
    ("key", "leerlingnummer"),
    ("geb_datum_str", "geboortedatum"), ("Geb. dat.", "geboortedatum"), ("GeboorteDatum", "geboortedatum"),
    ("BIRTHDATE", "geboortedatum"), ("Date of birth", "geboortedatum"),
    ("Tussenv", "tussenvoegsel"), ("tv", "tussenvoegsel"), ("PREFIX", "tussenvoegsel"),
    ("leerlingVoorvoegsel", "tussenvoegsel"),
    ("FIRSTNAME", "roepnaam"), ("leerlingRoepnaam", "roepnaam"), ("Roepnaam leerling", "roepnaam"),
    ("Leerfase.Leerjaar", "leerjaar"), ("jaargroep", "leerjaar"),
    ("groep", "klas"), ("CLASS", "klas"), ("stamgroep", "klas"),
    ("Naam", "volledige_naam"),
]


@pytest.mark.parametrize(("header", "name"), STUDENT_HEADERS)
def test_student_headers(header, name):
    m = match_header(header, LEERLINGEN)
    assert m is not None, header
    assert m.field.path == f"leerling.{name}"
    assert m.field.sheet is LEERLINGEN


@pytest.mark.parametrize("header", ["Nr", "Huisnr", "Huisnummer"])
def test_magister_nr_is_the_house_number_not_the_student_number(header):
    assert match_header(header, LEERLINGEN) is None
    assert match_header(header, OUDERS) is None


def test_a_bare_nr_is_no_look_alike_either():
    assert look_alike("Nr", LEERLINGEN) is None


@pytest.mark.parametrize("header", ["Stamnummer", "Geb. dat.", "Lln nr", "Tussenv", "key", "jaargroep"])
def test_an_alias_as_written_is_sure_and_says_nothing(header):
    m = match_header(header, LEERLINGEN)
    assert (m.score, m.how) == (1.0, "")
    assert not m.weak


@pytest.mark.parametrize(("header", "words"), [
    ("stamnr_str", "afkorting"), ("geb_datum_str", "afkorting"), ("leerlingRoepnaam", "voorvoegsel"),
    ("leerlingVoorvoegsel", "voorvoegsel"), ("Roepnaam leerling", "weggelaten"),
    ("Leerfase.Leerjaar", "laatste deel"),
])
def test_a_derived_match_is_less_sure_and_says_how_in_dutch(header, words):
    m = match_header(header, LEERLINGEN)
    assert m.score < 1.0
    assert words in m.how


@pytest.mark.parametrize(("header", "path"), [
    ("Aanpak / interventie", "steun.wat"), ("Doel", "steun.doel"), ("Domein", "steun.domein"),
])
def test_support_headers(header, path):
    assert match_header(header, ONDERSTEUNING).field.path == path


def test_a_goal_column_on_the_support_sheet_is_not_its_domain():
    assert match_header("Doel", ONDERSTEUNING).field.path != "steun.domein"


@pytest.mark.parametrize(("header", "path", "prefix"), [
    ("verzorgerAchternaam", "ouder.achternaam", True), ("relatiesoort", "ouder.relatie", False),
    ("Ouderlijk gezag", "ouder.gezag", False), ("wettelijkVertegenwoordiger", "ouder.gezag", False),
    ("Leerlingcodes", "ouder.leerlingnummer", False),
])
def test_parent_headers(header, path, prefix):
    m = match_header(header, OUDERS)
    assert m.field.path == path
    assert m.parent_prefix is prefix


def test_a_typo_is_a_weak_look_alike():
    assert match_header("Geboortedatun", LEERLINGEN) is None
    m = look_alike("Geboortedatun", LEERLINGEN)
    assert m.field.path == "leerling.geboortedatum"
    assert m.score < columns.SURE and m.weak
    assert "Geboortedatum" in m.how


@pytest.mark.parametrize(("header", "best"), [("Lesgroep", "leerling.klas"), ("Geboortedatun",
                                                                              "leerling.geboortedatum")])
def test_closest_fields_gives_at_most_three_best_first(header, best):
    found = closest_fields(header, LEERLINGEN)
    assert 1 <= len(found) <= 3
    assert found[0].path == best
    assert len(set(found)) == len(found)
    assert len(closest_fields(header, LEERLINGEN, n=1)) == 1


@pytest.mark.parametrize(("header", "expected"), [
    ("Naam ouder/verzorger 2", (2, "naam")), ("Ouder1", (1, "")), ("LPV2", (2, "")),
    ("verzorgerEmail", (1, "email")), ("Klassenmentor 1", None),
])
def test_guardian_header(header, expected):
    assert guardian_header(header) == expected


# --- the kind of sheet a header row is ---

def _read(tmp_path, sheets):
    return read_exports([make_workbook(tmp_path / "export.xlsx", sheets)])


def _kinds(result) -> dict[str, str]:
    return {t.sheet: t.kind.name for t in result.tables}


def test_an_english_students_sheet_with_two_email_columns(tmp_path):
    result = _read(tmp_path, {"Students": [
        ["Student number", "FIRSTNAME", "LASTNAME", "BIRTHDATE", "CLASS", "EMAIL", "email"],
        ["1", "Dae", "Aartsen", date(2013, 1, 1), "1A", "a@example.nl", "b@example.nl"]]})
    assert _kinds(result) == {"Students": "Leerlingen"}
    fields = [c.field.path if c.field else None for c in result.tables[0].columns]
    assert fields[:5] == ["leerling.leerlingnummer", "leerling.roepnaam", "leerling.achternaam",
                          "leerling.geboortedatum", "leerling.klas"]


@pytest.mark.parametrize(("headers", "row", "kind"), [
    (["Stamnummer", "Naam", "Relatie", "Telefoon"], ["1", "K. Jansen", "moeder", "0612345678"], "Ouders"),
    (["Stamnummer", "Doel", "Startdatum"], ["1", "Leest zelf", date(2026, 9, 1)], "Doelen"),
])
def test_the_columns_decide_the_kind_of_an_unnamed_sheet(tmp_path, headers, row, kind):
    assert _kinds(_read(tmp_path, {"Blad1": [headers, row]})) == {"Blad1": kind}


@pytest.mark.parametrize("sheet", ["Ouders", "Leerlingen"])
def test_the_sheet_name_decides_a_row_that_fits_more_kinds(tmp_path, sheet):
    result = _read(tmp_path, {sheet: [["Stamnummer", "Roepnaam"], ["1", "Dae"]]})
    assert _kinds(result) == {sheet: sheet}


def test_an_ambiguous_row_is_read_as_students_and_says_what_else_it_could_be(tmp_path):
    result = _read(tmp_path, {"Blad1": [["Stamnummer", "Roepnaam", "Achternaam"], ["1", "Dae", "Aartsen"]]})
    assert _kinds(result) == {"Blad1": "Leerlingen"}
    doubts = [f.message for f in result.findings if "niet eenduidig" in f.message]
    assert len(doubts) == 1
    assert "Ouders" in doubts[0] and "`opp kolommen`" in doubts[0]
    assert all(f.severity is Severity.INFO for f in result.findings if "niet eenduidig" in f.message)



def test_names_of_students_beat_a_count_of_contact_columns(tmp_path):
    """Zermelo's layout: no column marks a kind, the parents sheet would count more hits (names and e-mail
    fit there too), but a sheet with the students' own names and nothing of a parent is a students sheet."""
    result = _read(tmp_path, {"Blad1": [["code", "firstName", "prefix", "lastName", "studentInDepartments",
                                         "email"], ["1", "Dae", "", "Aartsen", "x", "d@example.nl"]]})
    assert _kinds(result) == {"Blad1": "Leerlingen"}
    assert any("niet eenduidig" in f.message and "Ouders" in f.message for f in result.findings)

def test_a_weak_match_is_an_info_finding_pointing_to_opp_kolommen(tmp_path):
    result = _read(tmp_path, {"Leerlingen": [
        ["Stamnummer", "Roepnaam", "Achternaam", "Geboortedatun", "Klas"],
        ["1", "Dae", "Aartsen", date(2013, 1, 1), "1A"]]})
    column = result.tables[0].columns[3]
    assert column.field.path == "leerling.geboortedatum" and column.score < columns.SURE
    notes = [f for f in result.findings if f.location.header == "Geboortedatun"]
    assert len(notes) == 1
    assert notes[0].severity is Severity.INFO
    assert "opp kolommen" in notes[0].message and "leerling.geboortedatum" in notes[0].message


def test_a_goals_sheet_keeps_its_own_start_date(tmp_path):
    rows = [["Stamnummer", "Doel", "Startdatum"], ["1", "Leest", date(2026, 9, 1)]]
    result = _read(tmp_path, {"Zorg": rows})
    table = result.tables[0]
    assert table.kind is DOELEN
    assert [c.field.path for c in table.columns] == ["doel.leerlingnummer", "doel.omschrijving",
                                                    "doel.startdatum"]


# --- names ---

@pytest.mark.parametrize(("text", "expected"), [
    ("Aartsen, Dae", ("Dae", "", "Aartsen", False)),
    ("Berg, Anna van den", ("Anna", "van den", "Berg", False)),
    ("Berg van den, Anna", ("Anna", "van den", "Berg", False)),
    ("Anna van den Berg", ("Anna", "van den", "Berg", False)),
    ("Dae Aartsen", ("Dae", "", "Aartsen", False)),
    ("Sanne 't Hart", ("Sanne", "'t", "Hart", False)),
    ("  Dae   Aartsen ", ("Dae", "", "Aartsen", False)),
])
def test_split_full_name(text, expected):
    assert tuple(split_full_name(text)) == expected


def test_more_first_names_is_split_with_a_doubt():
    split = split_full_name("Anna Maria Jansen")
    assert split.doubt is True
    assert split.roepnaam == "Anna" and split.achternaam.endswith("Jansen")


def test_a_single_word_is_the_surname_with_a_doubt():
    assert split_full_name("Jansen") == ("", "", "Jansen", True)


@pytest.mark.parametrize(("parts", "expected"), [
    (("mw.", "K.", "", "", "Jansen"), "mw. K. Jansen"),
    (("", "", "Karin", "", "Jansen"), "Karin Jansen"),  # no initials: the roepnaam
    (("", "K.", "Karin", "", "Jansen"), "K. Jansen"),  # initials win
    (("dhr.", "P.", "", "van der", "Berg"), "dhr. P. van der Berg"),
    (("", "", "Piet", "van der", "Berg"), "Piet van der Berg"),
    (("", "", "", "", ""), ""),
])
def test_guardian_name(parts, expected):
    assert guardian_name(*parts) == expected



def test_words_that_fit_two_fields_are_a_reported_choice():
    m = match_header("Instemming ouder", LEERLINGEN)
    assert m.field.path == "opp.instemming_ouder1" and m.weak
    assert "kan ook opp.instemming_ouder2 zijn" in m.how


@pytest.mark.parametrize("header", ["Ondersteuning leerling", "Datum ondertekening", "Extra 3", "Aanwezig"])
def test_words_that_fit_many_fields_are_no_guess(header):
    assert match_header(header, LEERLINGEN) is None


@pytest.mark.parametrize("header", ["Stamnumer", "OPP nodg", "Extra", "BSN nummer"])
def test_the_number_and_the_opp_column_are_never_guessed(header):
    """A guess at the key or at the column that decides who gets an OPP could withhold every student."""
    for m in (match_header(header, LEERLINGEN), look_alike(header, LEERLINGEN)):
        assert m is None or m.field.path not in ("leerling.leerlingnummer", "opp.nodig")


# --- never a crash, never a field of another kind of sheet ---

_HEADER_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(list("abcdeglmnorstuvwzABGLNRS ._-/1234'\u00a0\u200b")), max_size=30),
    st.sampled_from([h for h, _ in STUDENT_HEADERS]).map(lambda h: h + "x"),
)


@settings(max_examples=300, deadline=None)
@given(header=_HEADER_TEXT, kind=st.sampled_from(SHEET_KINDS))
def test_recognition_never_raises_and_stays_on_its_sheet(header, kind):
    for m in (match_header(header, kind), look_alike(header, kind)):
        assert m is None or (m.field.sheet is kind and 0 < m.score <= 1.0)
    assert all(v.sheet is kind for v in closest_fields(header, kind))
    assert len(closest_fields(header, kind)) <= 3
