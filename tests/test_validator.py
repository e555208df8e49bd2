"""Validation: each finding names file, sheet, Excel row, column letter and header. Only what leaves us
unable to tell whom an OPP is for (no number, a duplicate, no name) is an error that withholds the
student; anything else the export lacks is an open field and a warning."""

from __future__ import annotations

from datetime import date

from generator.domain.findings import Finding, Location, Severity
from generator.read.reader import read_exports
from generator.read.validator import validate

from .conftest import LEERLING_KOPPEN, leerling, make_workbook

VANDAAG = date(2026, 9, 1)


def _check(tmp_path, sheets, hidden=()):
    return validate(read_exports([make_workbook(tmp_path / "in.xlsx", sheets, hidden)]), VANDAAG)


def _findings(result, severity=None) -> list[tuple[str, Location, str]]:
    return [(b.leerlingnummer, b.location, b.message) for b in result.findings
            if severity is None or b.severity is severity]


def _loc(row, column="", heading="", sheet="Leerlingen") -> Location:
    return Location("in.xlsx", sheet, row, column, heading)


def _nummers(result) -> list[str]:
    return sorted(o.leerling.leerlingnummer for o in result.opps)


def test_a_missing_name_part_is_an_open_field_and_no_name_at_all_withholds(tmp_path):
    result = _check(tmp_path, {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "Aisha", "El Idrissi"),
                                              leerling("2", "", "Berg"), leerling("3", "", "")]})
    assert _findings(result, Severity.WARNING) == [
        ("2", _loc(3, "B", "Roepnaam"), "roepnaam ontbreekt; het veld blijft open op het formulier")]
    assert [(f[0], f[1]) for f in _findings(result, Severity.ERROR)] == [("3", _loc(4))]
    assert "geen naam" in _findings(result, Severity.ERROR)[0][2]
    assert _nummers(result) == ["1", "2"] and list(result.withheld) == ["3"]


def test_a_missing_column_is_one_finding_for_the_sheet_and_every_student_keeps_the_opp(tmp_path):
    koppen = [k for k in LEERLING_KOPPEN if k not in ("Klas", "Geboortedatum")] + ["Lesgroep"]
    rows = [leerling(str(n), "Aisha", "El Idrissi") for n in range(1, 4)]
    for row in rows:
        del row[LEERLING_KOPPEN.index("Klas")]
        del row[LEERLING_KOPPEN.index("Geboortedatum")]
        row.append("1B")
    result = _check(tmp_path, {"Leerlingen": [koppen, *rows]})
    assert not result.errors() and _nummers(result) == ["1", "2", "3"]
    missing = [f for f in _findings(result, Severity.WARNING)]
    assert [(f[0], f[1]) for f in missing] == [("", _loc(1)), ("", _loc(1))]
    assert missing[0][2].startswith("geen kolom voor leerling.geboortedatum (Geboortedatum); dat veld blijft "
                                    "open op het formulier; kolommen die niet herkend zijn: 'Lesgroep'")
    assert "lijkt het meest op: 'Lesgroep'" in missing[1][2] and "`opp kolommen`" in missing[1][2]
    assert all(o.leerling.klas == "" and o.leerling.geboortedatum is None for o in result.opps)


def test_impossible_dates_are_open_fields_with_a_warning_at_their_cell(tmp_path):
    result = _check(tmp_path, {"Leerlingen": [
        LEERLING_KOPPEN, leerling("1", "Goed", "A"),
        ["2", "Feb", "", "B", "31-02-2013", "1A"],
        leerling("3", "Toekomst", "C", geboren=date(2030, 1, 1)),
        leerling("4", "Oud", "D", geboren=date(1950, 1, 1))]})
    assert not result.errors()
    assert _findings(result, Severity.WARNING) == [
        ("2", _loc(3, "E", "Geboortedatum"),
         "ongeldige datum '31-02-2013', verwacht dd-mm-jjjj; deze waarde wordt niet gebruikt"),
        ("3", _loc(4, "E", "Geboortedatum"), "onmogelijke geboortedatum 01-01-2030; het veld blijft open op "
         "het formulier (verwacht een datum in het verleden, dd-mm-jjjj)"),
        ("4", _loc(5, "E", "Geboortedatum"), "onmogelijke geboortedatum 01-01-1950; het veld blijft open op "
         "het formulier (verwacht een datum in het verleden, dd-mm-jjjj)")]
    assert _nummers(result) == ["1", "2", "3", "4"]
    assert [o.leerling.geboortedatum is None for o in result.opps] == [False, True, True, True]


def test_duplicate_student_numbers_refuse_every_row(tmp_path):
    result = _check(tmp_path, {"Leerlingen": [
        LEERLING_KOPPEN, leerling("7", "Eerste", "A"), leerling("1", "Goed", "B"),
        leerling("007", "Tweede", "C")]})
    message = "leerlingnummer komt 2 keer voor (rijen 2, 4); geen van deze rijen wordt gebruikt, " \
              "verwacht één rij per leerling"
    assert _findings(result, Severity.ERROR) == [("7", _loc(2, "A", "Stamnummer"), message),
                                                 ("007", _loc(4, "A", "Stamnummer"), message)]
    assert _nummers(result) == ["1"]


def test_related_row_for_unknown_student_is_a_warning(tmp_path):
    result = _check(tmp_path, {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "Aisha", "El Idrissi")],
        "Doelen": [["Stamnummer", "Doel"], ["1", "Plannen"], ["999", "Wees"]]})
    assert _findings(result, Severity.WARNING) == [
        ("999", _loc(3, "A", "Stamnummer", "Doelen"), "leerlingnummer staat niet op het blad met leerlingen; "
         "rij niet gebruikt (verwacht het nummer van een leerling uit de export)")]
    assert [d.omschrijving for d in result.opps[0].doelen] == ["Plannen"]


def test_goal_end_before_start_leaves_the_end_open(tmp_path):
    result = _check(tmp_path, {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B"), leerling("2", "C", "D")],
        "Doelen": [["Stamnummer", "Doel", "Startdatum", "Streefdatum"],
                   ["1", "Plannen", "01-09-2026", "01-02-2027"],
                   ["2", "Terug", "01-09-2026", "01-02-2026"]]})
    assert _findings(result, Severity.WARNING) == [
        ("2", _loc(3, "D", "Streefdatum", "Doelen"),
         "streefdatum 01-02-2026 ligt voor de startdatum 01-09-2026; de streefdatum blijft open op het "
         "formulier (verwacht een streefdatum op of na de startdatum)")]
    assert _nummers(result) == ["1", "2"] and not result.errors()
    assert [(d.omschrijving, d.streefdatum) for d in result.opps[1].doelen] == [("Terug", None)]


def test_unusable_email_is_a_warning_and_left_out(tmp_path):
    result = _check(tmp_path, {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")],
        "Ouders": [["Stamnummer", "Naam", "E-mail"], ["1", "M. B", "moeder(at)example.nl"]]})
    assert _findings(result, Severity.WARNING) == [
        ("1", _loc(2, "C", "E-mail", "Ouders"),
         "onbruikbaar e-mailadres, verwacht naam@domein.nl; deze waarde wordt niet gebruikt")]
    assert [(o.naam, o.email) for o in result.opps[0].ouders] == [("M. B", "")]
    assert result.opps[0].waarschuwingen[0].location.column == "C"


def test_findings_never_quote_free_text(tmp_path):
    result = _check(tmp_path, {"Leerlingen": [
        LEERLING_KOPPEN + ["Ondersteuningsbehoefte"],
        leerling("1", "A", "B") + ["Heeft ADHD_x0001_ en faalangst"]]})
    (finding,) = result.findings
    assert finding.location == _loc(2, "I", "Ondersteuningsbehoefte") and "ADHD" not in finding.message
    assert result.opps[0].leerling.ondersteuningsbehoefte == "Heeft ADHD  en faalangst"


def test_bsn_column_is_ignored_and_reported_as_removable(tmp_path):
    result = _check(tmp_path, {"Leerlingen": [LEERLING_KOPPEN + ["BSN"],
                                              leerling("1", "A", "B") + ["123456782"]]})
    assert _findings(result, Severity.INFO) == [
        ("", _loc(1, "I", "BSN"), "deze kolom wordt niet gelezen en komt nergens in een OPP; hij kan uit de "
         "export weg")]
    assert "123456782" not in repr(result.opps[0])


def test_duplicate_header_keeps_the_first_column(tmp_path):  # P5
    result = _check(tmp_path, {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B")],
        "Ouders": [["Stamnummer", "Naam", "Telefoon", "Telefoon"],
                   ["1", "M. B", "0201234567", "0612345678"]]})
    assert _findings(result, Severity.WARNING) == [
        ("", _loc(1, "D", "Telefoon", "Ouders"),
         "dubbele kolom voor ouder.telefoon; alleen kolom C wordt gebruikt")]
    assert result.opps[0].ouders[0].telefoon == "0201234567"


def test_unknown_columns_are_listed(tmp_path):
    result = _check(tmp_path, {"Leerlingen": [LEERLING_KOPPEN + ["Kluisnummer"],
                                              leerling("1", "A", "B") + [12]]})
    assert _findings(result, Severity.INFO) == [
        ("", _loc(1), "kolommen niet gebruikt: I 'Kluisnummer' (`opp kolommen` toont per kolom de velden die "
         "er het meest op lijken)")]


def test_opp_column_selects_students(tmp_path):
    result = _check(tmp_path, {"Leerlingen": [
        LEERLING_KOPPEN + ["OPP nodig"], leerling("1", "A", "B") + ["ja"], leerling("2", "C", "D") + ["nee"],
        leerling("3", "E", "F") + [None], leerling("4", "G", "H") + ["X"]]})
    assert _nummers(result) == ["1", "4"] and result.not_selected == 2


def test_without_opp_column_every_student_gets_one(tmp_path):
    result = _check(tmp_path, {"Leerlingen": [LEERLING_KOPPEN, leerling("1", "A", "B"),
                                              leerling("2", "C", "D")]})
    assert _nummers(result) == ["1", "2"] and result.not_selected == 0


def test_leading_zeros_do_not_break_the_link_between_sheets(tmp_path):  # P7
    result = _check(tmp_path, {
        "Leerlingen": [LEERLING_KOPPEN, leerling(4512, "Aisha", "El Idrissi")],
        "Doelen": [["Stamnummer", "Doel"], ["004512", "Plannen"]]})
    assert [d.omschrijving for d in result.opps[0].doelen] == ["Plannen"]


def test_serial_date_and_phone_without_zero_are_converted_with_a_warning(tmp_path):  # P6, P7
    result = _check(tmp_path, {
        "Leerlingen": [LEERLING_KOPPEN, ["1", "A", "", "B", 41334, "1A"]],
        "Ouders": [["Stamnummer", "Naam", "Mobiel"], ["1", "M. B", 612345678]]})
    assert result.opps[0].leerling.geboortedatum == date(2013, 3, 1)
    assert result.opps[0].ouders[0].telefoon == "0612345678"
    assert _findings(result, Severity.WARNING) == [
        ("1", _loc(2, "E", "Geboortedatum"), "datum stond als getal 41334 in de cel; gelezen als 01-03-2013, "
         "controleer dit (verwacht een datumcel of dd-mm-jjjj)"),
        ("1", _loc(2, "C", "Mobiel", "Ouders"), "telefoonnummer zonder voorloopnul; de 0 is teruggezet")]


def test_formula_without_value_is_an_error_only_in_the_number_column(tmp_path):  # P9
    result = _check(tmp_path, {"Leerlingen": [
        LEERLING_KOPPEN, ["1", "A", "", "=UPPER(B2)", date(2013, 1, 1), "1A"], ["=1+2", "C", "", "D"]]})
    message = ("formule zonder opgeslagen uitkomst; open het bestand in Excel en sla het opnieuw op, of zet "
               "er de waarde in")
    assert ("1", _loc(2, "D", "Achternaam"), message) in _findings(result, Severity.WARNING)
    assert _findings(result, Severity.ERROR) == [("", _loc(3, "A", "Stamnummer"), message)]
    assert _nummers(result) == ["1"] and result.withheld == {"rij 3 van Leerlingen": message}


def test_wide_guardian_columns_become_guardians(tmp_path):
    koppen = LEERLING_KOPPEN + ["Ouder 1 naam", "E-mail ouder 1", "Naam ouder/verzorger 2",
                                "Telefoon verzorger 2", "Relatie ouder 2"]
    result = _check(tmp_path, {"Leerlingen": [
        koppen, leerling("1", "A", "B") + ["M. B", "m@example.nl", "P. B", 612345678, "vader"],
        leerling("2", "C", "D") + [None, "alleen@example.nl", None, None, None]]})
    one = next(o for o in result.opps if o.leerling.leerlingnummer == "1")
    assert [(o.naam, o.email, o.telefoon, o.relatie) for o in one.ouders] == [
        ("M. B", "m@example.nl", "", ""), ("P. B", "", "0612345678", "vader")]
    assert ("2", _loc(3, "I", "Ouder 1 naam"),
            "gegevens van ouder/verzorger 1 zonder naam; deze ouder wordt niet "
            "gebruikt (verwacht een kolom als 'Naam ouder 1')") in _findings(result, Severity.WARNING)


def test_guardian_of_several_children_in_one_row(tmp_path):
    result = _check(tmp_path, {
        "Leerlingen": [LEERLING_KOPPEN, leerling("45", "A", "B"), leerling("46", "C", "B")],
        "Ouders": [["Leerlingcodes", "Naam"], ["45,046", "M. B"]]})
    assert {o.leerling.leerlingnummer: [(p.leerlingnummer, p.naam) for p in o.ouders]
            for o in result.opps} == {"45": [("45", "M. B")], "46": [("046", "M. B")]}


def test_no_students_sheet_is_an_error(tmp_path):
    result = _check(tmp_path, {"Doelen": [["Stamnummer", "Doel"], ["1", "Plannen"]]})
    assert [b.message for b in result.errors()] == [
        "geen blad met leerlingen gevonden (verwacht kolommen als Stamnummer, Roepnaam, Achternaam); "
        "`opp kolommen` toont wat er wel herkend is"]


def test_error_in_one_student_never_stops_the_others(tmp_path):
    rows = [LEERLING_KOPPEN] + [leerling(str(n), f"R{n}", f"A{n}") for n in range(1, 21)]
    rows[5][1] = rows[5][3] = None  # no name: we cannot tell whom it is for
    rows[7][4] = "nooit"  # a birth date that cannot be read: an open field
    result = _check(tmp_path, {"Leerlingen": rows})
    assert len(result.opps) == 19 and list(result.withheld) == ["5"]
    assert all(isinstance(b, Finding) for b in result.findings)


def test_every_value_of_a_record_knows_its_cell(tmp_path):
    """A finding about any value can name its cell: records carry their origin, per field."""
    koppen = ["Doel", "Lln nr", "Streefdatum"]  # another column order than the students sheet
    result = _check(tmp_path, {
        "Leerlingen": [LEERLING_KOPPEN + ["Naam ouder 2", "E-mail ouder 2"],
                       leerling("1", "A", "B") + ["P. B", "p@example.nl"],
                       leerling("2", "C", "D") + [None, None]],
        "Doelen": [koppen, ["Leest zelfstandig", "2", date(2027, 1, 31)]]})
    first, second = sorted(result.opps, key=lambda o: o.leerling.leerlingnummer)
    student = first.leerling
    for column, header in zip("ABCDEFGH", LEERLING_KOPPEN, strict=True):
        name = {"Stamnummer": "leerlingnummer", "Datum inschrijving": "datum_inschrijving"}.get(
            header, header.lower())
        assert student.origin.location(name) == _loc(2, column, header), name
    assert first.ouders[0].origin.location("email") == _loc(2, "J", "E-mail ouder 2")
    assert first.ouders[0].origin.location("leerlingnummer") == _loc(2, "A", "Stamnummer")
    goal = second.doelen[0]
    assert goal.origin.location("streefdatum") == _loc(2, "C", "Streefdatum", "Doelen")
    assert goal.origin.location("omschrijving") == _loc(2, "A", "Doel", "Doelen")
    # a value the export has no column for: the row, without a column
    assert goal.origin.location("resultaat") == _loc(2, sheet="Doelen")
