"""Word layout for the OPP template: A4, styles, header and footer, and the tables the form is made of.

Used by maak_sjabloon.py, which holds the form's content. Lengths are in cm.
"""

from __future__ import annotations

from datetime import datetime

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BREEDTE = 17.0  # cm between the margins of an A4 page
LABEL = 6.3  # cm: "Ondersteuningscoördinator" in bold fits on one line
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
LABEL_KLEUR, KOP_KLEUR, RAND_KLEUR = "EEF3F8", "D9E4F0", "A6B8CC"


# --- document-wide settings -------------------------------------------------------------------

def stijlen(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(10.5)
    normal.paragraph_format.space_after = Pt(3)
    for naam, grootte, voor in (("Heading 1", 14, 16), ("Heading 2", 12, 10)):
        heading = styles[naam]
        heading.font.name, heading.font.size, heading.font.color.rgb = "Calibri", Pt(grootte), ACCENT
        heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(voor), Pt(4)
    # Lists with five columns on A4: smaller text and narrower cell margins wrap fewer words.
    text = styles.add_style("Tabeltekst", WD_STYLE_TYPE.PARAGRAPH)
    text.base_style, text.font.size = normal, Pt(9.5)
    text.paragraph_format.space_after = Pt(2)
    # The borders live in a table style, not in each table: every table's copy of them was 10% of the
    # document XML that is rendered, checked and compressed for every student.
    table = styles.add_style("OPP-tabel", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Normal Table"]
    _tbl_pr(table).append(_randen())
    list_name = styles.add_style("OPP-lijst", WD_STYLE_TYPE.TABLE)
    list_name.base_style = table
    marges = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "70")
        el.set(qn("w:type"), "dxa")
        marges.append(el)
    _tbl_pr(list_name).append(marges)
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


def a4(doc) -> None:
    for s in doc.sections:
        s.page_width, s.page_height = Cm(21.0), Cm(29.7)
        s.left_margin = s.right_margin = Cm(2.0)
        s.top_margin, s.bottom_margin = Cm(2.0), Cm(2.0)
        s.header_distance = s.footer_distance = Cm(1.0)


def eigenschappen(doc) -> None:
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


def kop_en_voet(doc) -> None:
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


def _tbl_pr(style):
    tbl_pr = style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        style.element.append(tbl_pr)
    return tbl_pr


def _randen():
    """Thin blue-grey lines around and between all cells. In a style's w:tblPr, tblBorders comes
    before tblCellMar (schema order): this is appended first."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        for k, v in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", RAND_KLEUR)):
            el.set(qn(f"w:{k}"), v)
        borders.append(el)
    return borders


def _tabel(doc, breedtes: list[float], rows: int):
    """A table with fixed column widths (Word and LibreOffice both honour tblGrid plus tcW)."""
    table = doc.add_table(rows=rows, cols=len(breedtes), style=doc.styles["OPP-tabel"])
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for col, cm in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), breedtes, strict=True):
        col.set(qn("w:w"), str(int(cm * 567)))
    for row in table.rows:
        for cell, cm in zip(row.cells, breedtes, strict=True):
            cell.width = Cm(cm)
    return table


def _kleur(cell, fill: str) -> None:
    _set(cell._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill=fill)


def _vul(cell, entries: str | list[str], bold: bool = False) -> None:
    """Cell text; a list gives one paragraph per item."""
    text_lines = entries if isinstance(entries, list) else [entries]
    runs = ([cell.paragraphs[0].add_run(text_lines[0])]
            + [cell.add_paragraph().add_run(r) for r in text_lines[1:]])
    if bold:  # not bold is the default: an explicit w:b="0" would be copied around every form field
        for run in runs:
            run.bold = True


Rij = tuple  # (label, value or values) or (label, value, condition): a row shown only when the
# Jinja condition holds (a deadline that does not apply to this kind of OPP is not printed at all)


def _rijen(rows: list[Rij]) -> list[tuple[str, str | list[str]] | str]:
    """The table's rows, with a `{%tr if %}` row before and a `{%tr endif %}` row after a conditional one."""
    out: list[tuple[str, str | list[str]] | str] = []
    for row in rows:
        if len(row) == 3:
            out += [f"{{%tr if {row[2]} %}}", row[:2], "{%tr endif %}"]
        else:
            out.append(row)
    return out


def gegevenstabel(doc, rows: list[Rij], label: float = LABEL):
    """Labels in a shaded left column, values (mostly form fields) on the right; kept on one page."""
    expanded = _rijen(rows)
    table = _tabel(doc, [label, BREEDTE - label], len(expanded))
    for row, entry in zip(table.rows, expanded, strict=True):
        if isinstance(entry, str):  # a Jinja row: docxtpl replaces the whole row by the tag
            row.cells[0].paragraphs[0].text = entry
            continue
        text, entries = entry
        _vul(row.cells[0], text, bold=True)
        _kleur(row.cells[0], LABEL_KLEUR)
        _vul(row.cells[1], entries)
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


def lijsttabel(doc, koppen: list[str], breedtes: list[float], lus: str, list_name: str, cells: list[str],
               leeg: str | None) -> None:
    """A header row and one row per item (`{%tr for %}`); a clear sentence when the list is empty (a
    list the form fills with empty rows when the export has none needs no sentence: `leeg` None). The
    header row stays with the first item."""
    if leeg:
        doc.add_paragraph(f"{{%p if {list_name} %}}")
    table = _tabel(doc, breedtes, 4)
    table.style = doc.styles["OPP-lijst"]
    for cell, heading in zip(table.rows[0].cells, koppen, strict=True):
        _vul(cell, heading, bold=True)
        _kleur(cell, KOP_KLEUR)
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True
    _herhaal_kop(table.rows[0])
    table.rows[1].cells[0].paragraphs[0].text = f"{{%tr for {lus} in {list_name} %}}"
    for cell, entries in zip(table.rows[2].cells, cells, strict=True):
        _vul(cell, entries)
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


def toelichting(doc, text: str, keep_with_next: bool = True):
    """Grey italic guidance; it stays on the page of what it explains (the next paragraph or table)."""
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.italic, run.font.size, run.font.color.rgb = True, Pt(9.5), RGBColor(0x40, 0x40, 0x40)
    p.paragraph_format.keep_with_next = keep_with_next
    return p


def bij_elkaar(paragraphs) -> None:
    """A list of lines (check boxes) on one page: each keeps with the next."""
    for p in paragraphs[:-1]:
        p.paragraph_format.keep_with_next = True


def let_op(cell_or_doc, text: str):
    """A red line the school must act on (gezag controleren): on the form, never in a field."""
    p = cell_or_doc.add_paragraph() if hasattr(cell_or_doc, "add_paragraph") else cell_or_doc
    run = p.add_run(text)
    run.bold, run.font.color.rgb = True, RGBColor(0xC0, 0x00, 0x00)
    return p


def tekenblok(doc, titel: str, rows: list[Rij]) -> None:
    """A signature block: its rows, then an empty signature cell (never a fake signature)."""
    doc.add_heading(titel, 2)
    table = gegevenstabel(doc, rows + [("Handtekening", "")])
    _hoogte(table.rows[-1], 1.4)
