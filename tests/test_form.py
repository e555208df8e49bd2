"""The OPP is a real Word form: every section, controls of the right kind with known tags, checkboxes
that follow the data, Word conventions (A4, headings, header/footer, repeating table headers)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.domain.fields import AANLEIDINGEN, AFWIJKINGEN, DOMEINEN, FieldType
from generator.domain.registry import get_field, is_known

from .conftest import EXAMPLE, ROOT, TEMPLATE, W, docx_parts, docx_text, docx_xml, vereist_programma

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
HEADERS = ["1. Algemene gegevens", "2. Gegevens leerling", "3. Gegevens school", "4. Ouders/verzorgers",
           "5. Betrokkenen", "6. Aanleiding voor het OPP", "7. Bronnen", "8. Schoolloopbaan",
           "9. Bevorderende en belemmerende factoren", "10. Onderwijs- en ondersteuningsbehoeften",
           "11. Perspectiefdeel", "12. Handelingsdeel", "Doelen", "Ondersteuning en begeleiding",
           "Afwijkingen van het onderwijsprogramma", "Uitwerking in IOP of plan van aanpak",
           "13. Inbreng van de leerling (hoorrecht)", "14. Overleg met ouders", "15. Evaluatie",
           "16. Ondertekening", "Ouder/verzorger 1", "Ouder/verzorger 2", "Leerling",
           "School, namens het bevoegd gezag", "17. Administratie"]
KOPPEN_LEERLING = ["Stamnummer", "Roepnaam", "Achternaam", "Geboortedatum", "Klas", "Lwoo", "Aanleiding OPP",
                   "Afwijkingen", "Geregistreerd bij DUO", "Uitstroomprofiel"]


def _generate(tmp_path: Path, sheets: dict[str, list[list]]) -> Path:
    from .conftest import make_workbook
    book = make_workbook(tmp_path / "in.xlsx", sheets)
    result = CliRunner().invoke(main, ["genereer", str(book), "--uitvoer", str(tmp_path / "uit"),
                                       "--schooljaar", "2026-2027"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return tmp_path / "uit" / "2026-2027"


@pytest.fixture(scope="module")
def twee(tmp_path_factory) -> tuple[Path, Path]:
    """Student 1 with everything filled in, student 2 with only the required columns."""
    tmp = tmp_path_factory.mktemp("form")
    uit = _generate(tmp, {
        "Leerlingen": [KOPPEN_LEERLING,
                       ["1", "Aisha", "Bakker", date(2013, 3, 2), "1A", "ja",
                        f"{AANLEIDINGEN[1]}; {AANLEIDINGEN[4]}", AFWIJKINGEN[2], "ja", "Arbeid"],
                       ["2", "Bram", "Visser", date(2013, 4, 5), "1A", None, None, None, None, None]],
        "Ouders": [["Stamnummer", "Naam", "Relatie", "Gezag"], ["1", "M. Bakker", "moeder", "ja"],
                   ["1", "P. Bakker", "vader", "nee"]],
        "Doelen": [["Stamnummer", "Domein", "Doel", "Streefdatum"],
                   ["1", "Werkhouding", "Plant huiswerk", date(2027, 1, 29)],
                   ["1", "Leervorderingen", "Leest 1F", date(2027, 3, 1)],
                   ["1", "Medisch", "Neemt medicatie", date(2027, 5, 1)]],
        "Ondersteuning": [["Stamnummer", "Wat", "Wie"], ["1", "Planningsgesprek", "mentor"]],
        "Betrokkenen": [["Stamnummer", "Naam", "Functie"], ["1", "J. Jansen", "orthopedagoog"]],
        "Factoren": [["Stamnummer", "Domein", "Bevorderend", "Belemmerend"],
                     ["1", "Werkhouding", "Wil graag", "Vergeet huiswerk"]],
    })
    return uit / "1A" / "OPP_1.docx", uit / "1A" / "OPP_2.docx"


def _soorten(path: Path) -> dict[str, int]:
    """Content controls per kind, from the type element in w:sdtPr."""
    telling = {"tekst": 0, "datum": 0, "keuzelijst": 0, "vinkje": 0}
    for pr in docx_xml(path).iter(f"{W}sdtPr"):
        if pr.find(f"{W}text") is not None:
            telling["tekst"] += 1
        elif pr.find(f"{W}date") is not None:
            telling["datum"] += 1
        elif pr.find(f"{W}dropDownList") is not None:
            telling["keuzelijst"] += 1
        elif pr.find(f"{W14}checkbox") is not None:
            telling["vinkje"] += 1
        else:
            raise AssertionError(f"control without a type: {pr}")
    return telling


def _vinkjes(path: Path) -> dict[str, bool]:
    out = {}
    for sdt in docx_xml(path).iter(f"{W}sdt"):
        box = sdt.find(f"{W}sdtPr/{W14}checkbox")
        if box is not None:
            tag = sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val")
            checked = box.find(f"{W14}checked").get(f"{W14}val") == "1"
            glyph = "".join(sdt.find(f"{W}sdtContent").itertext())
            assert glyph == ("\u2612" if checked else "\u2610"), tag
            out.setdefault(tag, checked)
    return out


# Template code, as the renderer sees it once the XML markup is stripped: a control per veld(...) or
# vinkje(...) call, and a repeated table row per {%tr for ... %}.
_CALL = re.compile(r"\b(veld|vinkje)\('([^']+)'(?:, '([^']+)')?")
_ROWS = re.compile(r"\{%tr for \w+ in (\w+) %\}(.*?)\{%tr endfor %\}", re.DOTALL)
_KIND = {FieldType.DATE: "datum", FieldType.CHOICE: "keuzelijst", FieldType.YES_NO: "vinkje"}


def _template_code() -> str:
    with zipfile.ZipFile(TEMPLATE) as zf:
        return html.unescape(re.sub(r"<[^>]+>", "", zf.read("word/document.xml").decode()))


def _calls(code: str) -> list[tuple[str, str]]:
    """(kind, tag) of each control the code makes, in order; a field's control kind follows its type
    (a multiple-choice field through veld() is a text control, through vinkje() a box per option)."""
    out = []
    for func, path, optie in _CALL.findall(code):
        if func == "vinkje":
            out.append(("vinkje", f"{path}={optie}" if optie else path))
        else:
            out.append((_KIND.get(get_field(path).type, "tekst"), path))
    return out


def _expected_controls(rows: dict[str, int]) -> tuple[Counter, Counter]:
    """Controls per kind and per tag for a student with `rows` rows per repeated list: the fixed form
    plus, per list, its number of rows times the controls of one row, both read from the template."""
    code = _template_code()
    calls = _calls(_ROWS.sub("", code))
    for list_name, body in _ROWS.findall(code):
        calls += _calls(body) * rows[list_name]
    return Counter(kind for kind, _ in calls), Counter(tag for _, tag in calls)


def _tags(path: Path) -> Counter:
    return Counter(t.get(f"{W}val") for t in docx_xml(path).iter(f"{W}tag"))


# The rows of the two students in `twee`; the factors always have a row per domain.
ROWS_VOL = {"ouders": 2, "betrokkenen": 1, "bronnen": 0, "factoren_per_domein": len(DOMEINEN), "doelen": 3,
            "ondersteuning": 1, "uitwerkingen": 0}
ROWS_LEEG = {**{list_name: 0 for list_name in ROWS_VOL}, "factoren_per_domein": len(DOMEINEN)}


def test_control_counts_per_kind_follow_the_form_and_the_rows(twee):
    """The exact XML is pinned by test_golden.py; here the counts follow from the template and the rows,
    so that every repeated row gets all of its controls and the fixed form all of its own."""
    vol, leeg = twee
    for path, rows in ((vol, ROWS_VOL), (leeg, ROWS_LEEG)):
        kinds, tags = _expected_controls(rows)
        assert _soorten(path) == {kind: kinds[kind] for kind in ("tekst", "datum", "keuzelijst", "vinkje")}
        assert _tags(path) == tags
    # Cross-check on a few lists: the full student has exactly its rows' controls more. A goal is a row in
    # the handelingsdeel (its description a control there) and again in the evaluation (the result).
    verschil = _tags(vol) - _tags(leeg)
    assert verschil["doel.omschrijving"] == verschil["doel.resultaat"] == ROWS_VOL["doelen"]
    assert verschil["ouder.gezag"] == ROWS_VOL["ouders"]
    assert verschil["steun.einddatum"] == ROWS_VOL["ondersteuning"]
    assert not any(tag.startswith("factor.") for tag in verschil)
    assert {list_name for list_name, _ in _ROWS.findall(_template_code())} == set(ROWS_VOL)


def test_every_tag_is_a_known_field_or_a_known_option(twee):
    for path in twee:
        tags = [t.get(f"{W}val") for t in docx_xml(path).iter(f"{W}tag")]
        assert tags and len(tags) == sum(_soorten(path).values())  # every control has a tag
        for tag in tags:
            path, _, optie = tag.partition("=")
            assert is_known(path), tag
            assert not optie or optie in get_field(path).choices, tag


def test_checkbox_state_follows_the_data(twee):
    vol, leeg = twee
    boxes = _vinkjes(vol)
    assert boxes["leerling.lwoo"] and boxes["opp.geregistreerd_duo"]
    assert {o for o in AANLEIDINGEN if boxes[f"opp.aanleiding={o}"]} == {AANLEIDINGEN[1], AANLEIDINGEN[4]}
    assert {o for o in AFWIJKINGEN if boxes[f"opp.afwijkingen={o}"]} == {AFWIJKINGEN[2]}
    assert not boxes["opp.gedeeld_met_swv"] and not boxes["opp.geen_afwijkingen"]
    gezag = [sdt.find(f"{W}sdtPr/{W14}checkbox/{W14}checked").get(f"{W14}val")
             for sdt in docx_xml(vol).iter(f"{W}sdt")
             if sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == "ouder.gezag"]
    assert gezag == ["1", "0"]
    assert not any(_vinkjes(leeg).values())


def test_filled_and_empty_controls_differ_as_word_expects(twee):
    vol, leeg = twee

    def control(path, tag):
        return next(s for s in docx_xml(path).iter(f"{W}sdt")
                    if s.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == tag)
    profiel = control(vol, "opp.uitstroomprofiel")
    assert "".join(profiel.find(f"{W}sdtContent").itertext()) == "Arbeid"
    assert profiel.find(f"{W}sdtPr/{W}showingPlcHdr") is None
    assert profiel.find(f"{W}sdtPr/{W}dropDownList/{W}listItem[@{W}value='Arbeid']") is not None
    leeg_profiel = control(leeg, "opp.uitstroomprofiel")
    assert leeg_profiel.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
    assert leeg_profiel.find(f".//{W}rStyle").get(f"{W}val") == "PlaceholderText"
    geboren = control(vol, "leerling.geboortedatum")
    assert geboren.find(f"{W}sdtPr/{W}date").get(f"{W}fullDate") == "2013-03-02T00:00:00Z"
    assert geboren.find(f"{W}sdtPr/{W}date/{W}lid").get(f"{W}val") == "nl-NL"
    assert "".join(geboren.find(f"{W}sdtContent").itertext()) == "2 maart 2013"


def test_empty_lists_say_so_and_factors_have_a_row_per_domain(twee):
    vol, leeg = twee
    text = docx_text(leeg)
    for zin in ("Geen ouders of verzorgers geregistreerd.", "Geen betrokkenen geregistreerd.",
                "Geen andere documenten geregistreerd.", "Geen doelen geregistreerd.",
                "Geen ondersteuning geregistreerd.", "Geen IOP of plan van aanpak geregistreerd."):
        assert zin in text
    assert "Geen doelen geregistreerd." not in docx_text(vol)
    for path in twee:
        rows = [r for r in docx_xml(path).iter(f"{W}tr")
                if any(t.text in DOMEINEN for t in r.iter(f"{W}t")) and len(r.findall(f"{W}tc")) == 3]
        assert [next(t.text for t in r.iter(f"{W}t")) for r in rows] == list(DOMEINEN)
    werkhouding = docx_text(vol).split("\nWerkhouding\n", 1)[1]
    assert werkhouding.startswith("Wil graag\nVergeet huiswerk")


def test_parents_are_named_in_their_own_signature_block_and_signature_cells_stay_blank(twee):
    vol, _ = twee
    text = docx_text(vol).split("16. Ondertekening", 1)[1]
    assert text.index("Ouder/verzorger 1") < text.index("M. Bakker") < text.index("Ouder/verzorger 2") \
        < text.index("P. Bakker")
    cells = [r.findall(f"{W}tc") for r in docx_xml(vol).iter(f"{W}tr")]
    handtekening = [c for c in cells if "".join(c[0].itertext()) == "Handtekening"]
    assert len(handtekening) == 4
    assert all("".join(c[1].itertext()) == "" for c in handtekening)


def test_word_conventions_a4_headings_header_footer_and_repeating_table_headers(twee):
    vol, _ = twee
    root = docx_xml(vol)
    size = root.find(f".//{W}sectPr/{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")
    headings = {"".join(p.itertext()): p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in root.iter(f"{W}p")
                if p.find(f"{W}pPr/{W}pStyle") is not None}
    for heading in HEADERS:
        assert headings.get(heading) in ("Heading1", "Heading2"), heading
    header = docx_text(vol, "word/header1.xml")
    assert "VERTROUWELIJK" in header and "Aisha Bakker" in header and "leerlingnummer 1" in header
    footer = docx_parts(vol)["word/footer1.xml"].decode()
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    assert re.search(r"Gemaakt op \d{1,2} [a-z]+ 20\d\d", docx_text(vol, "word/footer1.xml"))
    assert "pagina" in docx_text(vol, "word/footer1.xml")
    repeating = [t for t in root.iter(f"{W}tbl") if t.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None]
    assert len(repeating) == 6  # ouders, betrokkenen, factoren, doelen, ondersteuning, evaluatie
    styles = docx_parts(vol)["word/styles.xml"].decode()
    assert 'w:styleId="PlaceholderText"' in styles
    assert re.search(r'<w:rPrDefault>.*<w:lang w:val="nl-NL"', styles, re.DOTALL)


def test_no_template_code_in_any_part_of_a_generated_opp(twee):
    for path in twee:
        for name, data in docx_parts(path).items():
            if name.endswith((".xml", ".rels")):
                assert not re.search(rb"\{\{|\{%|\{#|%\}|\}\}", data), name


def test_the_committed_template_is_what_the_build_script_makes(tmp_path):
    built = tmp_path / "opnieuw.docx"
    code = ("import sys; sys.path.insert(0, 'templates'); import maak_sjabloon as m; "
            f"m.bouw().save({str(built)!r})")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
    with zipfile.ZipFile(built) as new, zipfile.ZipFile(TEMPLATE) as old:
        for part in ("word/document.xml", "word/styles.xml", "word/header1.xml", "word/footer1.xml"):
            assert new.read(part) == old.read(part), f"{part}: run python templates/maak_sjabloon.py"


def test_example_opp_converts_to_a_pdf_of_several_pages_with_every_section(tmp_path):
    vereist_programma("soffice", "pdftotext")
    result = CliRunner().invoke(main, ["genereer", str(EXAMPLE), "--uitvoer", str(tmp_path / "uit"),
                                       "--schooljaar", "2026-2027"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    docx = next((tmp_path / "uit").rglob("OPP_020273.docx"))
    profile = (tmp_path / "lo-profiel").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "OPP_020273.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    pages = text.count("\f")
    assert pages >= 5, pages
    flat = " ".join(text.split())
    for heading in HEADERS:
        assert heading in flat, heading
    assert f"pagina 2 van {pages}" in flat
    assert "Priya" in flat and "{{" not in flat and "{%" not in flat
