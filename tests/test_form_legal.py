"""An OPP a samenwerkingsverband accepts (issue 17): constructed students through the real CLI, and the
XML of their OPPs: who signs, which deadline is printed, one control per exclusive answer, rows to fill
with a row key in every tag, no prompt where nothing is missing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.domain.fields import INSTEMMING, UITSTROOMBESTEMMINGEN

from .conftest import NS, W, docx_text, docx_xml, make_workbook

YEAR = "2026-2027"
HEAD = ["Stamnummer", "Roepnaam", "Tussenvoegsel", "Achternaam", "Geboortedatum", "Klas", "Mentor",
        "Datum inschrijving", "Datum vaststelling", "Aanleiding", "Geen afwijkingen", "Afwijkingen"]
PARENT_HEAD = ["Stamnummer", "Naam", "Relatie", "Gezag"]
MINOR, ADULT = date(2012, 5, 1), date(2008, 1, 15)
ARRIVED, EARLIER = date(2026, 8, 24), date(2024, 8, 26)


def _student(nr, naam, geboren=MINOR, ingeschreven=ARRIVED, vastgesteld=None, aanleiding="", tv="",
             geen_afwijkingen="", afwijkingen=""):
    return [nr, naam, tv, "Test", geboren, "1A", "mw. Mentor", ingeschreven, vastgesteld, aanleiding,
            geen_afwijkingen, afwijkingen]


STUDENTS = [
    _student("1", "Adulte", geboren=ADULT),  # 18 before the six-week deadline: signs herself
    _student("2", "Voogdij"),  # a voogd with gezag, a father without
    _student("3", "Onbekend"),  # a parent whose gezag the export does not state
    _student("4", "Leeg"),  # no goals, support or betrokkenen
    _student("5", "Oud", ingeschreven=EARLIER, vastgesteld=date(2024, 10, 1)),  # an existing OPP
    _student("6", "Zonder", ingeschreven=EARLIER),  # existing, no date known
    _student("7", "Anders", aanleiding="Thuiszitter; Dreigende afstroom"),
    _student("8", "Tegen", geen_afwijkingen="ja", afwijkingen="Vrijstelling van vak(ken)"),
    _student("9", "Van", tv="van"),
]
PARENTS = [PARENT_HEAD, ["1", "M. Moeder", "moeder", "ja"],
           ["2", "V. Vader", "vader", "nee"], ["2", "T. Voogd", "voogd", "ja"],
           ["3", "O. Ouder", "moeder", ""],
           ["4", "L. Ouder", "moeder", "ja"], ["5", "O. Moeder", "moeder", "ja"],
           ["6", "Z. Moeder", "moeder", "ja"], ["7", "A. Moeder", "moeder", "ja"],
           ["8", "T. Moeder", "moeder", "ja"], ["9", "V. Moeder", "moeder", "ja"]]
GOALS = [["Stamnummer", "Doel", "Domein"]] + [[nr, f"Doel van {nr}", "Werkhouding"] for nr in "12356789"]
SUPPORT = [["Stamnummer", "Wat", "Wie", "Hoe vaak"]] + [[nr, "Begeleiding", "mentor", "wekelijks"]
                                                       for nr in "12356789"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("legal")
    book = make_workbook(tmp / "export.xlsx", {"Leerlingen": [HEAD, *STUDENTS], "Ouders": PARENTS,
                                               "Doelen": GOALS, "Ondersteuning": SUPPORT})
    result = CliRunner().invoke(main, ["genereer", str(book), "--uitvoer", str(tmp / "uit"), "--schooljaar",
                                       YEAR, "--werkers", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    files = {p.stem.removeprefix("OPP_"): p for p in (tmp / "uit" / YEAR).rglob("OPP_*.docx")}
    assert sorted(files) == [s[0] for s in STUDENTS]
    return files, result.output


def _sdts(path: Path) -> dict[str, list]:
    out: dict[str, list] = {}
    for sdt in docx_xml(path).iterfind(".//w:sdt", NS):
        out.setdefault(sdt.find("w:sdtPr/w:tag", NS).get(f"{W}val"), []).append(sdt)
    return out


def _text(sdt) -> str:
    return "".join(t.text or "" for t in sdt.iterfind("w:sdtContent//w:t", NS))


def _is_empty(sdt) -> bool:
    """Empty as Word reads it: the placeholder shows, or there is no text at all."""
    return sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None or not _text(sdt)


def _signer_blocks(path: Path) -> dict[str, str]:
    """instemming row key -> the heading of its block, in document order."""
    keys = list(dict.fromkeys(re.findall(r"instemming\[([^\]]+)\]\.antwoord", " ".join(_sdts(path)))))
    headings = ["".join(t.text or "" for t in p.iterfind(".//w:t", NS))
                for p in docx_xml(path).iterfind(".//w:p", NS)
                if p.find("w:pPr/w:pStyle", NS) is not None
                and p.find("w:pPr/w:pStyle", NS).get(f"{W}val") == "Heading2"]
    signers = [h for h in headings if h.startswith(("Ouder/verzorger", "Voogd", "De leerling"))]
    return dict(zip(keys, signers, strict=True))


def test_a_student_of_18_signs_herself_and_the_page_says_so(run):
    files, _ = run
    path = files["1"]
    assert _signer_blocks(path) == {"leerling": "De leerling (18 jaar of ouder)"}
    text = docx_text(path)
    assert "De leerling is op de datum van vaststelling 18 jaar of ouder en stemt zelf in" in text
    assert "Elke ouder of verzorger met gezag stemt in" not in text
    assert "Leerling (besproken)" not in text  # her block is the instemming


def test_a_voogd_with_gezag_signs_and_a_father_without_gezag_does_not(run):
    files, _ = run
    path = files["2"]
    assert _signer_blocks(path) == {"ouder2": "Voogd met gezag"}
    sdts = _sdts(path)
    assert _text(sdts["instemming[ouder2].naam"][0]) == "T. Voogd"
    # both are in the table of parents, with their gezag as the export says it
    assert [_text(s) for s in sdts["ouder[1].gezag_antwoord"]] == ["nee"]
    assert [_text(s) for s in sdts["ouder[2].gezag_antwoord"]] == ["ja"]
    assert "Elke ouder of verzorger met gezag stemt in" in docx_text(path)
    assert "Leerling (besproken)" in docx_text(path)


def test_unknown_gezag_gives_a_block_that_says_check_it_and_reads_onbekend(run):
    files, output = run
    path = files["3"]
    assert _signer_blocks(path) == {"ouder1": "Ouder/verzorger, gezag onbekend"}
    assert "gezag controleren" in docx_text(path)
    assert _text(_sdts(path)["ouder[1].gezag_antwoord"][0]) == "onbekend"
    assert re.search(r"blad 'Ouders', rij 5, kolom D 'Gezag': gezag van O\. Ouder is onbekend", output)


def test_instemming_is_one_drop_down_per_signer_never_two_boxes(run):
    files, _ = run
    for path in files.values():
        sdts = _sdts(path)
        answers = [t for t in sdts if t.startswith("instemming[") and t.endswith(".antwoord")]
        assert answers
        for tag in answers:
            (sdt,) = sdts[tag]
            items = [i.get(f"{W}displayText") for i in sdt.iterfind("w:sdtPr/w:dropDownList/w:listItem", NS)]
            assert items[1:] == list(INSTEMMING) and sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None
        assert not any("instemming_ouder" in t or t.startswith("opp.instemming") for t in sdts)
        assert not any(s.find("w:sdtPr/w14:checkbox", NS) is not None and "instemming" in t
                       and "perspectief" not in t for t, ss in sdts.items() for s in ss)


def test_afwijkingen_is_one_yes_no_answer_and_a_contradiction_stays_open(run):
    files, output = run
    for nr, expected in (("1", ""), ("8", "")):
        (sdt,) = _sdts(files[nr])["opp.afwijkingen_antwoord"]
        assert sdt.find("w:sdtPr/w:dropDownList", NS) is not None and _is_empty(sdt)
        assert _text(sdt) == "Kies ja of nee." and expected == ""
    assert "opp.geen_afwijkingen" not in _sdts(files["1"])
    assert re.search(r"rij 9, .*geen afwijkingen", output, re.IGNORECASE)


def test_no_goals_support_or_betrokkenen_gives_rows_to_fill_with_row_keys(run):
    files, _ = run
    path = files["4"]
    sdts = _sdts(path)
    text = docx_text(path)
    assert "Geen doelen geregistreerd" not in text and "Geen ondersteuning geregistreerd" not in text
    assert "Geen betrokkenen geregistreerd" not in text
    for owner, fields, rows in (("doel", ("omschrijving", "domein", "streefdatum", "resultaat"), 3),
                                ("steun", ("wat", "wie", "hoe_vaak", "waar", "bekostiging", "doel"), 3),
                                ("betrokkene", ("naam", "functie", "organisatie", "rol"), 2)):
        for field in fields:
            tags = sorted(t for t in sdts if re.fullmatch(rf"{owner}\[\d+\]\.{field}", t))
            assert tags == [f"{owner}[{i}].{field}" for i in range(1, rows + 1)], (owner, field)
            assert all(_is_empty(s) for t in tags for s in sdts[t])
    # the goal's evaluation belongs to its goal by key, in §15 as in §12
    assert len(sdts["doel[1].resultaat"]) == 1 and "doel[4].omschrijving" not in sdts


def test_factor_rows_carry_their_domain_as_key(run):
    files, _ = run
    sdts = _sdts(files["4"])
    assert "factor[werkhouding].bevorderend" in sdts and "factor[sociaal-emotioneel].belemmerend" in sdts
    assert "factor[algemene-dagelijkse-activiteiten].bevorderend" in sdts
    assert "factor.bevorderend" not in sdts


def test_rows_from_the_export_are_keyed_too(run):
    files, _ = run
    sdts = _sdts(files["5"])
    assert _text(sdts["doel[1].omschrijving"][0]) == "Doel van 5"
    assert _text(sdts["steun[1].wie"][0]) == "mentor"
    assert "doel[2].omschrijving" not in sdts  # one goal: no empty rows beside it


def test_an_intake_prints_six_weeks_and_no_evaluation_date(run):
    files, _ = run
    text = docx_text(files["4"])
    assert "Uiterste datum vaststelling\n5 oktober 2026\nZes weken na 24 augustus 2026." in text
    assert "Evaluatie uiterlijk" not in text and "Vorige vaststelling" not in text
    (evaluation,) = [s for s in _sdts(files["4"])["opp.volgende_evaluatie"]]
    assert _is_empty(evaluation)


def test_an_existing_opp_prints_its_yearly_evaluation_not_six_weeks_from_years_ago(run):
    files, _ = run
    text = docx_text(files["5"])
    assert "Uiterste datum vaststelling" not in text and "2024" not in text.split("Vervangt versie van")[0]
    assert "Vervangt versie van\n1 oktober 2024\n" in text  # the plan set then is the one this replaces
    assert "Vorige vaststelling\n1 oktober 2024\n" in text
    assert "Evaluatie uiterlijk\n30 september 2025\n" in text
    sdts = _sdts(files["5"])
    (set_on,) = sdts["opp.datum_vaststelling"]  # this year's plan is not set yet: an open date
    assert _is_empty(set_on) and set_on.find("w:sdtPr/w:date", NS).get(f"{W}fullDate") is None
    assert _text(sdts["opp.soort"][0]) == "Bijgesteld OPP"


def test_an_existing_opp_without_dates_leaves_the_evaluation_open_and_says_so(run):
    files, output = run
    text = docx_text(files["6"])
    assert "Uiterste datum vaststelling" not in text and "Evaluatie uiterlijk" in text
    assert all(_is_empty(s) for s in _sdts(files["6"])["opp.volgende_evaluatie"])
    assert re.search(r"rij 7: bestaand OPP zonder datum van vaststelling", output)


def test_no_tussenvoegsel_and_no_email_ask_for_nothing(run):
    files, _ = run
    sdts = _sdts(files["4"])
    (tv,) = sdts["leerling.tussenvoegsel"]
    assert tv.find("w:sdtPr/w:showingPlcHdr", NS) is None and _text(tv) == ""
    assert all(s.find("w:sdtPr/w:showingPlcHdr", NS) is None for s in sdts["ouder[1].email"])
    text = docx_text(files["4"])
    assert "Vul het tussenvoegsel in" not in text and "Vul het e-mailadres in" not in text
    assert _text(_sdts(files["9"])["leerling.tussenvoegsel"][0]) == "van"


def test_an_unlisted_aanleiding_goes_to_anders_with_a_warning(run):
    files, output = run
    sdts = _sdts(files["7"])
    assert _text(sdts["opp.aanleiding_anders"][0]) == "Thuiszitter"
    checked = {t for t, ss in sdts.items() if t.startswith("opp.aanleiding=")
               and ss[0].find("w:sdtPr/w14:checkbox/w14:checked", NS).get(f"{{{NS['w14']}}}val") == "1"}
    assert checked == {"opp.aanleiding=Dreigende afstroom"}
    assert re.search(r"rij 8, kolom J 'Aanleiding': 'Thuiszitter' .*Anders", output)


def test_uitstroombestemming_is_a_combo_box_with_every_level(run):
    files, _ = run
    (sdt,) = _sdts(files["1"])["opp.uitstroombestemming"]
    items = [i.get(f"{W}displayText") for i in sdt.iterfind("w:sdtPr/w:comboBox/w:listItem", NS)]
    assert items[1:] == list(UITSTROOMBESTEMMINGEN)
    for level in ("niveau 1", "mbo niveau 4", "havo/vwo", "vmbo-t/havo", "hbo", "dagbesteding"):
        assert any(level in i for i in items), level


def test_every_tag_is_a_field_name_or_a_keyed_row_field(run):
    files, _ = run
    from generator.domain.registry import is_known
    for path in files.values():
        for tag in _sdts(path):
            name = re.sub(r"\[[^\]]+\]", "", tag.split("=")[0])
            assert is_known(name), tag
            if tag.split(".")[0] in ("doel", "steun", "ouder", "betrokkene", "factor", "instemming"):
                assert re.fullmatch(r"[a-z]+\[[0-9a-z-]+\]\.[a-z_]+(=.+)?", tag), tag


def test_without_any_start_date_both_deadlines_stay_open_and_nothing_is_claimed(tmp_path):
    book = make_workbook(tmp_path / "export.xlsx", {"Leerlingen": [
        ["Stamnummer", "Roepnaam", "Achternaam", "Geboortedatum", "Klas"],
        ["1", "Zonder", "Start", MINOR, "1A"]]})
    result = CliRunner().invoke(main, ["genereer", str(book), "--uitvoer", str(tmp_path / "uit"),
                                       "--schooljaar", YEAR, "--werkers", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    path = tmp_path / "uit" / YEAR / "1A" / "OPP_1.docx"
    text = docx_text(path)
    assert "Uiterste datum vaststelling" in text and "De export noemt geen start van de zes weken." in text
    assert "Evaluatie uiterlijk" in text and "bestaand OPP" not in result.output
    sdts = _sdts(path)
    assert all(_is_empty(s) for s in sdts["opp.uiterste_vaststelling"] + sdts["opp.volgende_evaluatie"])
