"""Builds templates/opp-swv-amsterdam-diemen.docx: run `python templates/maak_sjabloon.py`.

The template is a normal Word document: a school can open it in Word and change logo and wording
(check the result with `opp sjabloon PAD`). Fields are Jinja tags that `opp velden` lists;
`{{r veld('...') }}` becomes a Word content control. Sections follow opp-domein.md §4 A-Q.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from generator.fields import AANLEIDINGEN, AFWIJKINGEN, INSTEMMING  # noqa: E402

DOEL = Path(__file__).with_name("opp-swv-amsterdam-diemen.docx")
BREEDTE = 17.0  # cm between the margins of an A4 page
LABEL = 6.3  # cm: "Ondersteuningscoördinator" in bold fits on one line
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
LABEL_KLEUR, KOP_KLEUR, RAND_KLEUR = "EEF3F8", "D9E4F0", "A6B8CC"


# --- document-wide settings -------------------------------------------------------------------

def _stijlen(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(10.5)
    normal.paragraph_format.space_after = Pt(3)
    for naam, grootte, voor in (("Heading 1", 14, 16), ("Heading 2", 12, 10)):
        kop = styles[naam]
        kop.font.name, kop.font.size, kop.font.color.rgb = "Calibri", Pt(grootte), ACCENT
        kop.paragraph_format.space_before, kop.paragraph_format.space_after = Pt(voor), Pt(4)
    # Lists with five columns on A4: smaller text and narrower cell margins wrap fewer words.
    tekst = styles.add_style("Tabeltekst", WD_STYLE_TYPE.PARAGRAPH)
    tekst.base_style, tekst.font.size = normal, Pt(9.5)
    tekst.paragraph_format.space_after = Pt(2)
    lijst = styles.add_style("OPP-lijst", WD_STYLE_TYPE.TABLE)
    lijst.base_style = styles["Normal Table"]
    marges = OxmlElement("w:tblCellMar")
    for kant in ("left", "right"):
        el = OxmlElement(f"w:{kant}")
        el.set(qn("w:w"), "70")
        el.set(qn("w:type"), "dxa")
        marges.append(el)
    tbl_pr = lijst.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        lijst.element.append(tbl_pr)
    tbl_pr.append(marges)
    titel = styles["Title"]
    titel.font.name, titel.font.size, titel.font.color.rgb = "Calibri", Pt(24), ACCENT
    # Word's built-in 'Placeholder Text' (styleId PlaceholderText): grey, hidden from the gallery.
    plc = styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER)
    plc.base_style, plc.priority, plc.hidden = styles["Default Paragraph Font"], 99, True
    plc.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    plc.element.attrib.pop(qn("w:customStyle"), None)
    # Dutch spelling check and date formats: the document's language is nl-NL.
    rpr = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "nl-NL")
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), "nl-NL")


def _a4(doc) -> None:
    for s in doc.sections:
        s.page_width, s.page_height = Cm(21.0), Cm(29.7)
        s.left_margin = s.right_margin = Cm(2.0)
        s.top_margin, s.bottom_margin = Cm(2.0), Cm(2.0)
        s.header_distance = s.footer_distance = Cm(1.0)


def _eigenschappen(doc) -> None:
    """Document properties without personal data: they show in Explorer and search results."""
    cp = doc.core_properties
    cp.title, cp.subject = "Ontwikkelingsperspectiefplan", "OPP Samenwerkingsverband VO Amsterdam-Diemen"
    cp.author = cp.last_modified_by = "opp-generator"
    cp.language, cp.comments, cp.keywords = "nl-NL", "", "OPP"
    cp.created = cp.modified = datetime(2026, 1, 1)
    cp.revision = 1


def _veld_simple(paragraph, instr: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instr} ")
    run, t = OxmlElement("w:r"), OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    paragraph._p.append(fld)


def _kop_en_voet(doc) -> None:
    # The default Header/Footer styles carry Letter-size tab stops; ours sit at the A4 right margin.
    for naam in ("Header", "Footer"):
        doc.styles[naam].paragraph_format.tab_stops.clear_all()
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.paragraph_format.tab_stops.add_tab_stop(Cm(BREEDTE), WD_TAB_ALIGNMENT.RIGHT)
    vertrouwelijk = head.add_run("VERTROUWELIJK")
    vertrouwelijk.bold, vertrouwelijk.font.color.rgb = True, RGBColor(0xC0, 0x00, 0x00)
    head.add_run("\tOPP {{ leerling.naam }} · leerlingnummer {{ leerling.leerlingnummer }}").font.size = Pt(9)
    foot = section.footer.paragraphs[0]
    foot.paragraph_format.tab_stops.add_tab_stop(Cm(BREEDTE), WD_TAB_ALIGNMENT.RIGHT)
    foot.add_run("Gemaakt op {{ opp.datum_opgesteld|datum }}\tpagina ")
    _veld_simple(foot, "PAGE")
    foot.add_run(" van ")
    _veld_simple(foot, "NUMPAGES")
    for p in foot.runs:
        p.font.size = Pt(9)


# --- tables -----------------------------------------------------------------------------------

def _set(parent, tag: str, **attrs) -> None:
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)


def _randen(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for kant in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{kant}")
        for k, v in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", RAND_KLEUR)):
            el.set(qn(f"w:{k}"), v)
        borders.append(el)
    # Schema order inside w:tblPr: tblBorders comes before shd, tblLayout, tblCellMar and tblLook.
    na = {qn(t) for t in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")}
    later = [c for c in tbl_pr if c.tag in na]
    if later:
        later[0].addprevious(borders)
    else:
        tbl_pr.append(borders)


def _tabel(doc, breedtes: list[float], rijen: int):
    """A table with fixed column widths (Word and LibreOffice both honour tblGrid plus tcW)."""
    table = doc.add_table(rows=rijen, cols=len(breedtes))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _randen(table)
    for col, cm in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), breedtes, strict=True):
        col.set(qn("w:w"), str(int(cm * 567)))
    for row in table.rows:
        for cell, cm in zip(row.cells, breedtes, strict=True):
            cell.width = Cm(cm)
    return table


def _kleur(cell, fill: str) -> None:
    _set(cell._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill=fill)


def _vul(cell, inhoud: str | list[str], vet: bool = False) -> None:
    """Cell text; a list gives one paragraph per item."""
    regels = inhoud if isinstance(inhoud, list) else [inhoud]
    cell.paragraphs[0].add_run(regels[0]).bold = vet
    for regel in regels[1:]:
        cell.add_paragraph().add_run(regel).bold = vet


def _gegevens(doc, rijen: list[tuple[str, str | list[str]]], label: float = LABEL):
    """Labels in a shaded left column, values (mostly form fields) on the right; kept on one page."""
    table = _tabel(doc, [label, BREEDTE - label], len(rijen))
    for row, (tekst, inhoud) in zip(table.rows, rijen, strict=True):
        _vul(row.cells[0], tekst, vet=True)
        _kleur(row.cells[0], LABEL_KLEUR)
        _vul(row.cells[1], inhoud)
    _bij_elkaar(table)
    _tussenruimte(doc)
    return table


def _bij_elkaar(table) -> None:
    """Rows never split and the table stays on one page (keep-with-next on all but the last row)."""
    for i, row in enumerate(table.rows):
        _set(row._tr.get_or_add_trPr(), "w:cantSplit")
        if i < len(table.rows) - 1:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True


def _tussenruimte(doc) -> None:
    """A small empty paragraph: it keeps two tables apart (else Word merges them) without a big gap."""
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(8)


def _herhaal_kop(row) -> None:
    """The header row repeats on every page the table runs over."""
    _set(row._tr.get_or_add_trPr(), "w:tblHeader")


def _lijst(doc, koppen: list[str], breedtes: list[float], lus: str, lijst: str, cellen: list[str],
           leeg: str | None) -> None:
    """A header row and one row per item (`{%tr for %}`); a clear sentence when the list is empty."""
    if leeg:
        doc.add_paragraph(f"{{%p if {lijst} %}}")
    table = _tabel(doc, breedtes, 4)
    table.style = doc.styles["OPP-lijst"]
    for cell, kop in zip(table.rows[0].cells, koppen, strict=True):
        _vul(cell, kop, vet=True)
        _kleur(cell, KOP_KLEUR)
    _herhaal_kop(table.rows[0])
    table.rows[1].cells[0].paragraphs[0].text = f"{{%tr for {lus} in {lijst} %}}"
    for cell, inhoud in zip(table.rows[2].cells, cellen, strict=True):
        _vul(cell, inhoud)
    for row in (table.rows[0], table.rows[2]):
        _set(row._tr.get_or_add_trPr(), "w:cantSplit")
        for cell in row.cells:
            for p in cell.paragraphs:
                p.style = doc.styles["Tabeltekst"]
    table.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"
    if leeg:
        doc.add_paragraph("{%p else %}")
        doc.add_paragraph().add_run(leeg).italic = True
        doc.add_paragraph("{%p endif %}")
    _tussenruimte(doc)


def _hoogte(row, cm: float) -> None:
    _set(row._tr.get_or_add_trPr(), "w:trHeight", val=str(int(cm * 567)), hRule="atLeast")


def _toelichting(doc, tekst: str) -> None:
    run = doc.add_paragraph().add_run(tekst)
    run.italic, run.font.size, run.font.color.rgb = True, Pt(9.5), RGBColor(0x40, 0x40, 0x40)


def _veld(pad: str, rij: str = "") -> str:
    return f"{{{{r veld('{pad}', {rij}) }}}}" if rij else f"{{{{r veld('{pad}') }}}}"


def _vinkjes(pad: str, opties: tuple[str, ...]) -> list[str]:
    return [f"{{{{r vinkje('{pad}', '{o}') }}}} {o}" for o in opties]


# --- the form ---------------------------------------------------------------------------------

def _voorblad(doc) -> None:
    doc.add_paragraph("Ontwikkelingsperspectiefplan (OPP)", style="Title")
    sub = doc.add_paragraph().add_run(
        "Samenwerkingsverband VO Amsterdam-Diemen · schooljaar {{ opp.schooljaar }}")
    sub.font.size, sub.font.color.rgb = Pt(12), ACCENT
    _toelichting(doc, "Grijze tekst is een invulveld: klik erop en typ, of kies uit de lijst. "
                      "Vakjes vinkt u aan door erop te klikken.")


def _algemeen(doc) -> None:
    doc.add_heading("1. Algemene gegevens", 1)
    _gegevens(doc, [("Schooljaar", "{{ opp.schooljaar }}"), ("Soort OPP", _veld("opp.soort")),
                    ("Datum opgesteld", _veld("opp.datum_opgesteld")),
                    ("Opgesteld door", _veld("opp.opgesteld_door")),
                    ("Uiterste datum vaststelling", _veld("opp.uiterste_vaststelling"))])
    doc.add_heading("2. Gegevens leerling", 1)
    _gegevens(doc, [("Roepnaam", _veld("leerling.roepnaam")),
                    ("Tussenvoegsel", _veld("leerling.tussenvoegsel")),
                    ("Achternaam", _veld("leerling.achternaam")),
                    ("Geboortedatum", _veld("leerling.geboortedatum")),
                    ("Leerlingnummer", _veld("leerling.leerlingnummer")), ("Klas", _veld("leerling.klas")),
                    ("Leerjaar", _veld("leerling.leerjaar")),
                    ("Onderwijssoort", _veld("leerling.onderwijssoort")),
                    ("Lwoo", _veld("leerling.lwoo") + " lwoo-indicatie"),
                    ("Mentor", _veld("leerling.mentor")),
                    ("Datum inschrijving", _veld("leerling.datum_inschrijving")),
                    ("Vorige school", _veld("leerling.vorige_school")),
                    ("Schooladvies basisschool", _veld("leerling.schooladvies")),
                    ("Voorziening of arrangement", _veld("leerling.voorziening"))])
    doc.add_heading("3. Gegevens school", 1)
    _gegevens(doc, [("School", _veld("opp.school")), ("BRIN en vestiging", _veld("opp.brin")),
                    ("Bevoegd gezag", _veld("opp.bevoegd_gezag")),
                    ("Ondersteuningscoördinator", _veld("opp.contactpersoon_school"))])


def _netwerk(doc) -> None:
    doc.add_heading("4. Ouders/verzorgers", 1)
    _lijst(doc, ["Naam", "Relatie", "Gezag", "Telefoon", "E-mail"], [4.5, 2.5, 1.8, 3.2, 5.0],
           "ouder", "ouders",
           [_veld(f"ouder.{n}", "ouder") for n in ("naam", "relatie", "gezag", "telefoon", "email")],
           "Geen ouders of verzorgers geregistreerd.")
    doc.add_heading("5. Betrokkenen", 1)
    _lijst(doc, ["Naam", "Functie", "Organisatie", "Rol bij het OPP"], [4.5, 4.0, 4.5, 4.0], "betrokkene",
           "betrokkenen",
           [_veld(f"betrokkene.{n}", "betrokkene") for n in ("naam", "functie", "organisatie", "rol")],
           "Geen betrokkenen geregistreerd.")
    doc.add_heading("6. Aanleiding voor het OPP", 1)
    for regel in _vinkjes("opp.aanleiding", AANLEIDINGEN):
        doc.add_paragraph(regel)
    doc.add_paragraph("Anders, namelijk: " + _veld("opp.aanleiding_anders"))
    doc.add_heading("7. Bronnen", 1)
    _toelichting(doc, "Het OPP verwijst naar deze documenten; wat wettelijk in het OPP moet staan, staat "
                      "in het OPP zelf. Een IOP of plan van aanpak staat bij het handelingsdeel (12).")
    _lijst(doc, ["Soort", "Document (klik om te openen)", "Datum"], [4.0, 9.5, 3.5], "document", "bronnen",
           ["{{ document.soort }}", "{{r koppeling(document.link) }}", "{{ document.datum|datum }}"],
           "Geen andere documenten geregistreerd.")
    doc.add_heading("8. Schoolloopbaan", 1)
    _gegevens(doc, [("Schoolloopbaan", _veld("leerling.schoolloopbaan")),
                    ("Leergegevens", _veld("leerling.leergegevens")), ("Verzuim", _veld("leerling.verzuim"))])


def _beeld(doc) -> None:
    doc.add_heading("9. Bevorderende en belemmerende factoren", 1)
    _toelichting(doc, "Per domein van de Amsterdamse basisondersteuning. Laat een domein leeg als het niet "
                      "van toepassing is.")
    _lijst(doc, ["Domein", "Bevorderende factoren", "Belemmerende factoren"], [4.0, 6.5, 6.5], "factor",
           "factoren_per_domein", ["{{ factor.domein }}", _veld("factor.bevorderend", "factor"),
                                   _veld("factor.belemmerend", "factor")], None)
    doc.add_heading("10. Onderwijs- en ondersteuningsbehoeften", 1)
    _gegevens(doc, [("De leerling heeft nodig", _veld("leerling.ondersteuningsbehoefte"))])
    doc.add_heading("11. Perspectiefdeel", 1)
    _toelichting(doc, "Over het perspectiefdeel voert de school op overeenstemming gericht overleg met de "
                      "ouders. Instemming is hiervoor niet nodig.")
    _gegevens(doc, [("Uitstroomprofiel", _veld("opp.uitstroomprofiel")),
                    ("Verwachte uitstroombestemming", _veld("opp.uitstroombestemming")),
                    ("Verwacht moment van uitstroom", _veld("opp.uitstroommoment")),
                    ("Afwijking van de huidige onderwijssoort", _veld("opp.afwijking_onderwijssoort")),
                    ("Onderbouwing", _veld("opp.onderbouwing"))])


def _handelingsdeel(doc) -> None:
    doc.add_heading("12. Handelingsdeel", 1)
    _toelichting(doc, "Voor het handelingsdeel is instemming van de ouders nodig (of van de leerling als die "
                      "18 jaar of ouder is).")
    doc.add_heading("Doelen", 2)
    kolommen = ("domein", "omschrijving", "beginsituatie", "evaluatiecriterium", "streefdatum")
    _lijst(doc, ["Domein", "Doel", "Beginsituatie", "Wanneer behaald", "Streefdatum"],
           [3.1, 4.7, 3.0, 3.2, 3.0], "doel", "doelen", [_veld(f"doel.{n}", "doel") for n in kolommen],
           "Geen doelen geregistreerd.")
    doc.add_heading("Ondersteuning en begeleiding", 2)
    _lijst(doc, ["Wat", "Wie", "Hoe vaak", "Waar", "Periode"], [4.6, 3.0, 3.0, 2.8, 3.6],
           "steun", "ondersteuning",
           [_veld(f"steun.{n}", "steun") for n in ("wat", "wie", "hoe_vaak", "waar")]
           + [[_veld("steun.startdatum", "steun"), "t/m " + _veld("steun.einddatum", "steun")]],
           "Geen ondersteuning geregistreerd.")
    doc.add_heading("Afwijkingen van het onderwijsprogramma", 2)
    doc.add_paragraph(_veld("opp.geen_afwijkingen") + " Er zijn geen afwijkingen van het onderwijsprogramma.")
    for regel in _vinkjes("opp.afwijkingen", AFWIJKINGEN):
        doc.add_paragraph(regel)
    doc.add_paragraph("Toelichting: " + _veld("opp.afwijkingen_toelichting"))
    doc.add_heading("Afspraken", 2)
    _gegevens(doc, [("Afspraken met ouders", _veld("opp.afspraken_ouders")),
                    ("Afspraken met de leerling", _veld("opp.afspraken_leerling"))])
    doc.add_heading("Uitwerking in IOP of plan van aanpak", 2)
    _lijst(doc, ["Soort", "Document (klik om te openen)", "Datum"], [4.0, 9.5, 3.5],
           "document", "uitwerkingen",
           ["{{ document.soort }}", "{{r koppeling(document.link) }}", "{{ document.datum|datum }}"],
           "Geen IOP of plan van aanpak geregistreerd.")


def _gesprekken(doc) -> None:
    doc.add_heading("13. Inbreng van de leerling (hoorrecht)", 1)
    _gegevens(doc, [("Leerling gehoord op", _veld("opp.datum_hoorrecht")),
                    ("Hoe", _veld("opp.wijze_hoorrecht")),
                    ("Mening en wensen van de leerling", _veld("opp.mening_leerling")),
                    ("Hoe is de mening meegewogen", _veld("opp.mening_meegewogen"))])
    doc.add_heading("14. Overleg met ouders", 1)
    _gegevens(doc, [("Datum overleg", _veld("opp.datum_overleg_ouders")),
                    ("Aanwezig", _veld("opp.aanwezig_overleg")),
                    ("Inbreng en zienswijze ouders", _veld("opp.inbreng_ouders")),
                    ("Overeenstemming over het perspectiefdeel", _veld("opp.overeenstemming_perspectief"))])
    doc.add_heading("15. Evaluatie", 1)
    _gegevens(doc, [("Datum evaluatie", _veld("opp.datum_evaluatie")),
                    ("Aanwezig", _veld("opp.aanwezig_evaluatie"))])
    _lijst(doc, ["Doel", "Resultaat"], [12.0, 5.0], "doel", "doelen",
           ["{{ doel.omschrijving }}", _veld("doel.resultaat", "doel")], "Geen doelen om te evalueren.")
    _gegevens(doc, [("Effect van de ondersteuning", _veld("opp.effect_ondersteuning")),
                    ("Uitstroombestemming", _veld("opp.uitstroom_na_evaluatie")),
                    ("Besluit", _veld("opp.besluit")),
                    ("Volgende evaluatie", _veld("opp.volgende_evaluatie"))])


def _tekenblok(doc, titel: str, rijen: list[tuple[str, str | list[str]]]) -> None:
    """A signature block: its rows, then an empty signature cell (never a fake signature)."""
    doc.add_heading(titel, 2)
    rijen = rijen + [("Handtekening", "")]
    table = _tabel(doc, [LABEL, BREEDTE - LABEL], len(rijen))
    for row, (tekst, inhoud) in zip(table.rows, rijen, strict=True):
        _vul(row.cells[0], tekst, vet=True)
        _kleur(row.cells[0], LABEL_KLEUR)
        _vul(row.cells[1], inhoud)
    _hoogte(table.rows[-1], 1.8)
    _bij_elkaar(table)
    _tussenruimte(doc)


def _ondertekening(doc) -> None:
    kop = doc.add_heading("16. Ondertekening", 1)
    kop.paragraph_format.page_break_before = True
    _toelichting(doc, "Ouders stemmen in met het handelingsdeel (of stemmen niet in). Los daarvan bevestigen "
                      "zij dat het perspectiefdeel met hen is besproken; daarvoor is geen instemming nodig.")
    for n, i in ((1, 0), (2, 1)):
        naam = f"{{{{ ouders[{i}].naam if ouders|length > {i} else '' }}}}"
        _tekenblok(doc, f"Ouder/verzorger {n}", [
            ("Naam", naam), ("Instemming handelingsdeel", _vinkjes(f"opp.instemming_ouder{n}", INSTEMMING)),
            ("Perspectiefdeel", _veld(f"opp.perspectief_besproken_ouder{n}")
             + " Het perspectiefdeel is met mij besproken."),
            ("Datum", _veld(f"opp.datum_ondertekening_ouder{n}"))])
    _gegevens(doc, [("Opmerkingen ouders", _veld("opp.opmerkingen_ouders"))])
    _tekenblok(doc, "Leerling", [
        ("Naam", "{{ leerling.naam }}"),
        ("Besproken", _veld("opp.besproken_met_leerling") + " Het OPP is met mij besproken."),
        ("Instemming (vanaf 18 jaar)", _vinkjes("opp.instemming_leerling", INSTEMMING)),
        ("Datum", _veld("opp.datum_ondertekening_leerling"))])
    _tekenblok(doc, "School, namens het bevoegd gezag", [
        ("Naam", _veld("opp.vastgesteld_door")), ("Functie", _veld("opp.functie_vaststeller")),
        ("Datum vaststelling", _veld("opp.datum_vaststelling"))])


def _administratie(doc) -> None:
    doc.add_heading("17. Administratie", 1)
    _gegevens(doc, [("Startdatum OPP (voor DUO)", _veld("opp.startdatum")),
                    ("Einddatum OPP (voor DUO)", _veld("opp.einddatum")),
                    ("Geregistreerd bij DUO", _veld("opp.geregistreerd_duo") + " begin- en einddatum in ROD"),
                    ("Gedeeld met het samenwerkingsverband", _veld("opp.gedeeld_met_swv") + " ja"),
                    ("Opslaglocatie", _veld("opp.opslaglocatie"))])


def bouw() -> Document:
    doc = Document()
    _stijlen(doc)
    _a4(doc)
    _eigenschappen(doc)
    _kop_en_voet(doc)
    for deel in (_voorblad, _algemeen, _netwerk, _beeld, _handelingsdeel, _gesprekken, _ondertekening,
                 _administratie):
        deel(doc)
    return doc


if __name__ == "__main__":
    bouw().save(DOEL)
    print(f"Sjabloon geschreven: {DOEL}")
