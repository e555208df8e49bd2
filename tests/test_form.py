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
from jinja2 import Environment, StrictUndefined

from generator.cli import main
from generator.domain.fields import AANLEIDINGEN, AFWIJKINGEN, DOMEINEN, FieldType
from generator.domain.registry import get_field, is_known

from .conftest import EXAMPLE, NS, ROOT, TEMPLATE, W, docx_parts, docx_text, docx_xml, vereist_programma

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
HEADERS = ["1. Algemene gegevens", "2. Gegevens leerling", "3. Gegevens school", "4. Ouders/verzorgers",
           "5. Betrokkenen", "6. Aanleiding voor het OPP", "7. Bronnen", "8. Schoolloopbaan",
           "9. Bevorderende en belemmerende factoren", "10. Onderwijs- en ondersteuningsbehoeften",
           "11. Perspectiefdeel", "12. Handelingsdeel", "Doelen", "Ondersteuning en begeleiding",
           "Afwijkingen van het onderwijsprogramma", "Afspraken", "Uitwerking in IOP of plan van aanpak",
           "13. Inbreng van de leerling (hoorrecht)", "14. Overleg met ouders", "15. Evaluatie",
           "16. Ondertekening", "Ouder/verzorger met gezag", "Leerling (besproken)",
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
    telling = {kind: 0 for kind in KINDS}
    for pr in docx_xml(path).iter(f"{W}sdtPr"):
        if pr.find(f"{W}text") is not None:
            telling["tekst"] += 1
        elif pr.find(f"{W}date") is not None:
            telling["datum"] += 1
        elif pr.find(f"{W}dropDownList") is not None:
            telling["keuzelijst"] += 1
        elif pr.find(f"{W}comboBox") is not None:
            telling["keuzelijst met eigen tekst"] += 1
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
# vinkje(...) call (in a repeated row with the row's variable, whose key goes into the tag), a repeated
# block per {%tr for ... %} or {%p for ... %}, and rows or paragraphs that only show {%tr if ... %} or
# {%p if ... %} (with an optional else).
_CALL = re.compile(r"\b(veld|vinkje)\('([^']+)'(?:, '([^']+)'|, none)?(?:, (\w+))?\s*\)")
_BLOCK = re.compile(r"\{%(?:tr|p) (if|for|else|endif|endfor)\b ?(.*?) ?%\}")
_ROWS = re.compile(r"\{%(?:tr|p) for \w+ in (\w+) %\}")
_KIND = {FieldType.DATE: "datum", FieldType.CHOICE: "keuzelijst",
         FieldType.COMBO: "keuzelijst met eigen tekst", FieldType.YES_NO: "vinkje"}
KINDS = ("tekst", "datum", "keuzelijst", "keuzelijst met eigen tekst", "vinkje")
_JINJA = Environment(undefined=StrictUndefined)  # a condition about a fact the test does not give fails


def _template_code() -> str:
    with zipfile.ZipFile(TEMPLATE) as zf:
        return html.unescape(re.sub(r"<[^>]+>", "", zf.read("word/document.xml").decode()))


def _calls(code: str, scope: dict) -> list[tuple[str, str]]:
    """(kind, tag) of each control the code makes, in order; a field's control kind follows its type
    (a multiple-choice field through veld() is a text control, through vinkje() a box per option). In a
    repeated row the tag has the row's key: veld('doel.resultaat', doel) -> doel[2].resultaat."""
    out = []
    for func, path, optie, row in _CALL.findall(code):
        tag = path
        if row:
            owner, name = path.rsplit(".", 1)
            tag = f"{owner}[{scope[row]['rij']}].{name}"
        if func == "vinkje":
            out.append(("vinkje", f"{tag}={optie}" if optie else tag))
        else:
            out.append((_KIND.get(get_field(path).type, "tekst"), tag))
    return out


def _parse(tokens: list, end: tuple[str, ...] = ()) -> tuple[list, str]:
    """The template's blocks as a tree: text, ('if', condition, then, else), ('for', name, list, body)."""
    nodes: list = []
    while tokens:
        token = tokens.pop(0)
        if isinstance(token, str):
            nodes.append(token)
            continue
        word, rest = token
        if word in end:
            return nodes, word
        if word == "if":
            then, stop = _parse(tokens, ("else", "endif"))
            other = _parse(tokens, ("endif",))[0] if stop == "else" else []
            nodes.append(("if", rest, then, other))
        elif word == "for":
            name, list_name = re.fullmatch(r"(\w+) in (\w+)", rest).groups()
            nodes.append(("for", name, list_name, _parse(tokens, ("endfor",))[0]))
        else:
            raise AssertionError(f"unexpected {{% {word} %}} in the template")
    assert not end, f"template block not closed: {end}"
    return nodes, ""


def _walk(nodes: list, scope: dict) -> list[tuple[str, str]]:
    calls = []
    for node in nodes:
        if isinstance(node, str):
            calls += _calls(node, scope)
        elif node[0] == "if":
            _, condition, then, other = node
            calls += _walk(then if _JINJA.compile_expression(condition)(**scope) else other, scope)
        else:
            _, name, list_name, body = node
            for row in scope[list_name]:
                calls += _walk(body, {**scope, name: row})
    return calls


def _expected_controls(student: dict) -> tuple[Counter, Counter]:
    """Controls per kind and per tag for a student described by `student` (the rows of each repeated list
    and the facts the template's conditions ask about): the template's code, its repeated blocks once per
    row and its conditional rows where their condition holds, all read from the template."""
    code = _template_code()
    tokens: list = []
    for i, part in enumerate(_BLOCK.split(code)):  # text, word, rest, text, ...
        if i % 3 == 0:
            tokens.append(part)
        elif i % 3 == 1:
            tokens.append((part, None))
        else:
            tokens[-1] = (tokens[-1][0], part)
    calls = _walk(_parse(tokens)[0], student)
    return Counter(kind for kind, _ in calls), Counter(tag for _, tag in calls)


def _tags(path: Path) -> Counter:
    return Counter(t.get(f"{W}val") for t in docx_xml(path).iter(f"{W}tag"))


def _keys(tags, owner: str, field: str) -> list[str]:
    """The row keys of owner[key].field among `tags`, in order."""
    return [m.group(1) for t in tags if (m := re.fullmatch(rf"{owner}\[([^\]]+)\]\.{field}", t))]


def _slug(domein: str) -> str:
    """A factor row's key: its domain in lower case, other characters a '-' (docs/formulier-tags.md)."""
    return re.sub(r"[^0-9a-z]+", "-", domein.casefold()).strip("-")


def _rows(*keys) -> list[dict]:
    return [{"rij": str(k)} for k in keys]


# The two students of `twee`: the rows of each repeated list, and what the template's conditions ask.
# Neither has a start date (no Datum inschrijving): the kind of plan is unknown, so the form shows both
# the six-week deadline and the yearly evaluation, open. Both are 13 at the vaststelling: parents sign.
# An empty list gives rows to fill (2 ouders, 2 betrokkenen, 3 doelen, 3 steun); the factors always have
# a row per domain; the instemming has a block per parent with gezag (M. Bakker, not P. Bakker, gezag
# nee), or an open one when the export names nobody with gezag.
_GEEN_START = {"nieuw_plan": False, "start_termijn": None, "vervangt_versie_van": "",
               "vorige_vaststelling": None, "leerling_tekent": False}
_PER_DOMEIN = [{"rij": _slug(d)} for d in DOMEINEN]
ROWS_VOL = {"opp": _GEEN_START, "ouderrijen": _rows(1, 2), "betrokkenenrijen": _rows(1), "bronnen": [],
            "factoren_per_domein": _PER_DOMEIN, "doelrijen": _rows(1, 2, 3), "steunrijen": _rows(1),
            "uitwerkingen": [], "vorige_doelen": [],
            "instemmers": [{"rij": "ouder1", "gezag": "ja", "controleren": ""}]}
ROWS_LEEG = {**ROWS_VOL, "ouderrijen": _rows(1, 2), "betrokkenenrijen": _rows(1, 2),
             "doelrijen": _rows(1, 2, 3), "steunrijen": _rows(1, 2, 3),
             "instemmers": [{"rij": "ouder-nieuw", "gezag": "onbekend",
                             "controleren": "controleer het gezag"}]}
REPEATED = ("ouder", "betrokkene", "factor", "doel", "steun", "instemming")  # owners of repeated rows


def test_control_counts_per_kind_follow_the_form_and_the_rows(twee):
    """The exact XML is pinned by test_golden.py; here the counts follow from the template and the rows,
    so that every repeated row gets all of its controls, with its key, and the fixed form all of its own."""
    vol, leeg = twee
    for path, rows in ((vol, ROWS_VOL), (leeg, ROWS_LEEG)):
        kinds, tags = _expected_controls(rows)
        assert _soorten(path) == {kind: kinds[kind] for kind in KINDS}
        assert _tags(path) == tags
    # Cross-check on a few lists, by key. A goal is a row in the handelingsdeel (its description a control
    # there) and again in the evaluation (the result), with the same key.
    for path, rows in ((vol, ROWS_VOL), (leeg, ROWS_LEEG)):
        tags = list(_tags(path))
        doelen = [r["rij"] for r in rows["doelrijen"]]
        assert _keys(tags, "doel", "omschrijving") == _keys(tags, "doel", "resultaat") == doelen
        assert _keys(tags, "ouder", "gezag_antwoord") == [r["rij"] for r in rows["ouderrijen"]]
        assert _keys(tags, "steun", "einddatum") == [r["rij"] for r in rows["steunrijen"]]
        assert _keys(tags, "factor", "bevorderend") == [_slug(d) for d in DOMEINEN]
        assert _keys(tags, "instemming", "antwoord") == [r["rij"] for r in rows["instemmers"]]
        assert not any(t.split(".")[0] in REPEATED for t in tags)  # no repeated field without its row key
    assert _keys(_tags(vol), "steun", "einddatum") == ["1"]  # the export's one row, no empty rows beside it
    assert set(_ROWS.findall(_template_code())) == set(ROWS_VOL) - {"opp"}  # every repeated list described


def test_every_tag_is_a_known_field_or_a_known_option(twee):
    for path in twee:
        tags = [t.get(f"{W}val") for t in docx_xml(path).iter(f"{W}tag")]
        assert tags and len(tags) == sum(_soorten(path).values())  # every control has a tag
        for tag in tags:
            field, _, optie = tag.partition("=")
            owner = re.match(r"[a-z]+", field).group()
            if owner in REPEATED:  # a field in a repeated row: owner[key].field
                assert re.fullmatch(r"[a-z]+\[[0-9a-z-]+\]\.[a-z_]+", field), tag
                field = re.sub(r"\[[^\]]+\]", "", field)
            else:  # a singular field: leerling.x or opp.x, never a row key
                assert owner in ("leerling", "opp") and re.fullmatch(r"[a-z]+\.[a-z_0-9]+", field), tag
            assert is_known(field), tag
            assert not optie or optie in get_field(field).choices, tag


def test_checkbox_state_follows_the_data(twee):
    vol, leeg = twee
    boxes = _vinkjes(vol)
    assert boxes["leerling.lwoo"] and boxes["opp.geregistreerd_duo"]
    assert {o for o in AANLEIDINGEN if boxes[f"opp.aanleiding={o}"]} == {AANLEIDINGEN[1], AANLEIDINGEN[4]}
    assert {o for o in AFWIJKINGEN if boxes[f"opp.afwijkingen={o}"]} == {AFWIJKINGEN[2]}
    assert not boxes["opp.gedeeld_met_swv"]
    # Afwijkingen: one ja/nee drop-down, 'ja' because the export names one; the old box is gone
    assert _keuze(vol, "opp.afwijkingen_antwoord") == ("ja", ["ja", "nee"])
    assert _keuze(leeg, "opp.afwijkingen_antwoord") == (None, ["ja", "nee"])
    assert not any(t.startswith("opp.geen_afwijkingen") for t in _tags(vol) | _tags(leeg))
    # Gezag: a drop-down per parent, ja / nee / onbekend as the export says, never a box
    gezag = [_keuze(vol, f"ouder[{k}].gezag_antwoord") for k in (1, 2)]
    assert gezag == [("ja", ["ja", "nee", "onbekend"]), ("nee", ["ja", "nee", "onbekend"])]
    assert not any(".gezag" in tag for tag in boxes)
    assert not any(_vinkjes(leeg).values())


def _keuze(path: Path, tag: str) -> tuple[str | None, list[str]]:
    """A drop-down's answer (None while its prompt shows) and its choices after the prompt."""
    (sdt,) = [s for s in docx_xml(path).iter(f"{W}sdt") if s.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == tag]
    items = [i.get(f"{W}displayText") for i in sdt.iterfind("w:sdtPr/w:dropDownList/w:listItem", NS)]
    assert items and sdt.find("w:sdtPr/w:dropDownList/w:listItem", NS).get(f"{W}value") == "", tag
    text = "".join(sdt.find(f"{W}sdtContent").itertext())
    empty = sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
    assert empty == (text == items[0]), tag
    return (None if empty else text), items[1:]


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


def test_empty_lists_give_rows_to_fill_and_factors_have_a_row_per_domain(twee):
    vol, leeg = twee
    text = docx_text(leeg)
    for zin in ("Geen andere documenten geregistreerd.", "Geen IOP of plan van aanpak geregistreerd."):
        assert zin in text  # documents are links, not rows to fill
    for path in twee:
        for zin in ("Geen ouders of verzorgers geregistreerd.", "Geen betrokkenen geregistreerd.",
                    "Geen doelen geregistreerd.", "Geen ondersteuning geregistreerd."):
            assert zin not in docx_text(path)
    # the empty student: empty rows to fill, numbered like the export's rows, every control in them empty
    controls = [(s.find(f"{W}sdtPr/{W}tag").get(f"{W}val"), s) for s in docx_xml(leeg).iter(f"{W}sdt")]
    for owner, field, count in (("ouder", "naam", 2), ("betrokkene", "naam", 2), ("doel", "omschrijving", 3),
                                ("steun", "wat", 3)):
        assert _keys([t for t, _ in controls], owner, field) == [str(k) for k in range(1, count + 1)], owner
        for tag, sdt in controls:
            if tag.startswith(f"{owner}["):
                content = "".join(sdt.find(f"{W}sdtContent").itertext())
                assert sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None or content == "", tag
    # the full student: the export's rows, none added
    tags = list(_tags(vol))
    assert [(o, len(_keys(tags, o, f))) for o, f in (("ouder", "naam"), ("betrokkene", "naam"),
                                                      ("doel", "omschrijving"), ("steun", "wat"))] == [
        ("ouder", 2), ("betrokkene", 1), ("doel", 3), ("steun", 1)]
    for path in twee:
        rows = [r for r in docx_xml(path).iter(f"{W}tr")
                if any(t.text in DOMEINEN for t in r.iter(f"{W}t")) and len(r.findall(f"{W}tc")) == 3]
        assert [next(t.text for t in r.iter(f"{W}t")) for r in rows] == list(DOMEINEN)
    werkhouding = docx_text(vol).split("\nWerkhouding\n", 1)[1]
    assert werkhouding.startswith("Wil graag\nVergeet huiswerk")


def test_parents_are_named_in_their_own_signature_block_and_signature_cells_stay_blank(twee):
    vol, leeg = twee
    text = docx_text(vol).split("16. Ondertekening", 1)[1]
    # one block per parent with gezag: the mother (gezag ja), not the father (gezag nee); then the student,
    # who is under 18 and does not sign the instemming but signs that the OPP was discussed
    assert (text.index("Ouder/verzorger met gezag") < text.index("M. Bakker")
            < text.index("Leerling (besproken)"))
    assert text.count("Ouder/verzorger met gezag") == 1 and "P. Bakker" not in text
    assert "De leerling (18 jaar of ouder)" not in text
    assert _keys(_tags(vol), "instemming", "naam") == ["ouder1"]  # the first row of 4. Ouders/verzorgers
    # nobody with gezag in the export: one open block, and the form says to check the gezag
    tekst_leeg = docx_text(leeg).split("16. Ondertekening", 1)[1]
    assert tekst_leeg.count("Ouder/verzorger met gezag") == 1 and "controleer het gezag" in tekst_leeg
    assert _keys(_tags(leeg), "instemming", "naam") == ["ouder-nieuw"]
    for path in twee:
        cells = [r.findall(f"{W}tc") for r in docx_xml(path).iter(f"{W}tr")]
        handtekening = [c for c in cells if "".join(c[0].itertext()) == "Handtekening"]
        assert len(handtekening) == 3  # the parent, the student, the school
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
    # 16 follows on the same page (no page break before it any more): nowhere a forced page break
    assert root.find(f".//{W}pageBreakBefore") is None
    assert not [br for br in root.iter(f"{W}br") if br.get(f"{W}type") == "page"]
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
    assert "Voorbeeldcollege Amsterdam" in flat  # input/school.toml beside the example export
