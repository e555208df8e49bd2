"""Builds templates/opp-swv-amsterdam-diemen.docx: run `python templates/maak_sjabloon.py`.

The template is a normal Word document: a school can open it in Word and change logo and wording.
Fields are Jinja tags that `opp velden` lists; `{{r veld('...') }}` becomes a Word content control.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

DOEL = Path(__file__).with_name("opp-swv-amsterdam-diemen.docx")


def _stijlen(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    plc = styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER)
    plc.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    # Dutch spelling check and date formats: the document's language is nl-NL.
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "nl-NL")


def _a4(doc) -> None:
    for s in doc.sections:
        s.page_width, s.page_height = Cm(21.0), Cm(29.7)
        s.left_margin = s.right_margin = Cm(2.0)
        s.top_margin, s.bottom_margin = Cm(2.0), Cm(2.0)


def _veld_simple(paragraph, instr: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instr} ")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    paragraph._p.append(fld)


def _kop_en_voet(doc) -> None:
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = "Vertrouwelijk – OPP {{ leerling.naam }} (leerlingnummer {{ leerling.leerlingnummer }})"
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot = section.footer.paragraphs[0]
    foot.add_run("Gemaakt op {{ opp.datum_opgesteld|datum }} – pagina ")
    _veld_simple(foot, "PAGE")
    foot.add_run(" van ")
    _veld_simple(foot, "NUMPAGES")


def _rij_tabel(doc, koppen: list[str], lus: str, lijst: str, cellen: list[str], leeg: str) -> None:
    """A table with a header row and one row per item; a clear sentence when the list is empty."""
    doc.add_paragraph(f"{{%p if {lijst} %}}")
    table = doc.add_table(rows=3, cols=len(koppen))
    table.style = "Table Grid"
    for cell, kop in zip(table.rows[0].cells, koppen):
        cell.paragraphs[0].add_run(kop).bold = True
    table.rows[1].cells[0].paragraphs[0].text = f"{{%tr for {lus} in {lijst} %}}"
    for cell, inhoud in zip(table.rows[2].cells, cellen):
        cell.paragraphs[0].text = inhoud
    end = table.add_row()
    end.cells[0].paragraphs[0].text = "{%tr endfor %}"
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph(leeg)
    doc.add_paragraph("{%p endif %}")


def _label(doc, label: str, tag: str) -> None:
    p = doc.add_paragraph()
    p.add_run(f"{label}: ").bold = True
    p.add_run(tag)


def bouw() -> Document:
    doc = Document()
    _stijlen(doc)
    _a4(doc)
    _kop_en_voet(doc)
    doc.core_properties.title = "Ontwikkelingsperspectiefplan"
    doc.core_properties.language = "nl-NL"
    doc.add_heading("Ontwikkelingsperspectiefplan (OPP)", level=0)
    doc.add_paragraph("Samenwerkingsverband VO Amsterdam-Diemen – schooljaar {{ opp.schooljaar }}")

    doc.add_heading("Algemene gegevens", level=1)
    _label(doc, "Soort OPP", "{{r veld('opp.soort') }}")
    _label(doc, "Uiterste datum vaststelling", "{{r veld('opp.uiterste_vaststelling') }}")
    _label(doc, "Volgende evaluatie", "{{r veld('opp.volgende_evaluatie') }}")

    doc.add_heading("Gegevens leerling", level=1)
    for label, pad in (("Roepnaam", "leerling.roepnaam"), ("Tussenvoegsel", "leerling.tussenvoegsel"),
                       ("Achternaam", "leerling.achternaam"), ("Geboortedatum", "leerling.geboortedatum"),
                       ("Leerlingnummer", "leerling.leerlingnummer"), ("Klas", "leerling.klas"),
                       ("Mentor", "leerling.mentor"), ("Datum inschrijving", "leerling.datum_inschrijving")):
        _label(doc, label, f"{{{{r veld('{pad}') }}}}")

    doc.add_heading("Ouders / verzorgers", level=1)
    _rij_tabel(doc, ["Naam", "Relatie", "Telefoon", "E-mail"], "ouder", "ouders",
               ["{{r veld('ouder.naam', ouder) }}", "{{r veld('ouder.relatie', ouder) }}",
                "{{r veld('ouder.telefoon', ouder) }}", "{{r veld('ouder.email', ouder) }}"],
               "Geen ouders of verzorgers geregistreerd.")

    doc.add_heading("Perspectiefdeel", level=1)
    _label(doc, "Uitstroomprofiel", "{{r veld('opp.uitstroomprofiel') }}")
    _label(doc, "Verwachte uitstroombestemming", "{{r veld('opp.uitstroombestemming') }}")
    _label(doc, "Onderbouwing", "{{r veld('opp.onderbouwing') }}")

    doc.add_heading("Handelingsdeel", level=1)
    doc.add_heading("Doelen", level=2)
    _rij_tabel(doc, ["Domein", "Doel", "Streefdatum"], "doel", "doelen",
               ["{{r veld('doel.domein', doel) }}", "{{r veld('doel.omschrijving', doel) }}",
                "{{r veld('doel.streefdatum', doel) }}"], "Geen doelen geregistreerd.")
    doc.add_heading("Ondersteuning en begeleiding", level=2)
    _rij_tabel(doc, ["Wat", "Wie", "Hoe vaak", "Waar"], "steun", "ondersteuning",
               ["{{r veld('steun.wat', steun) }}", "{{r veld('steun.wie', steun) }}",
                "{{r veld('steun.hoe_vaak', steun) }}", "{{r veld('steun.waar', steun) }}"],
               "Geen ondersteuning geregistreerd.")

    doc.add_heading("Bronnen", level=1)
    _rij_tabel(doc, ["Soort", "Titel", "Datum", "Vindplaats"], "document", "documenten",
               ["{{ document.soort }}", "{{ document.titel }}", "{{ document.datum|datum }}",
                "{{r koppeling(document.link) }}"], "Geen documenten geregistreerd.")
    return doc


if __name__ == "__main__":
    bouw().save(DOEL)
    print(f"Sjabloon geschreven: {DOEL}")
