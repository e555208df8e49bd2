"""Builds templates/opp-swv-amsterdam-diemen.docx: run `python templates/maak_sjabloon.py`.

The template is a normal Word document: a school can open it in Word and change logo and wording
(check the result with `opp sjabloon PAD`). Fields are Jinja tags that `opp velden` lists;
`{{r veld('...') }}` becomes a Word content control. Sections follow opp-domein.md §4 A-Q; the layout
helpers are in opmaak.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt
from opmaak import (
    ACCENT,
    a4,
    eigenschappen,
    gegevenstabel,
    kop_en_voet,
    lijsttabel,
    stijlen,
    tekenblok,
    toelichting,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from generator.fields import AANLEIDINGEN, AFWIJKINGEN, INSTEMMING  # noqa: E402

DOEL = Path(__file__).with_name("opp-swv-amsterdam-diemen.docx")


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
    toelichting(doc, "Grijze tekst is een invulveld: klik erop en typ, of kies uit de lijst. "
                     "Vakjes vinkt u aan door erop te klikken.")


def _algemeen(doc) -> None:
    doc.add_heading("1. Algemene gegevens", 1)
    gegevenstabel(doc, [("Schooljaar", "{{ opp.schooljaar }}"), ("Soort OPP", _veld("opp.soort")),
                        ("Datum opgesteld", _veld("opp.datum_opgesteld")),
                        ("Opgesteld door", _veld("opp.opgesteld_door")),
                        ("Uiterste datum vaststelling", _veld("opp.uiterste_vaststelling"))])
    doc.add_heading("2. Gegevens leerling", 1)
    gegevenstabel(doc, [("Roepnaam", _veld("leerling.roepnaam")),
                        ("Tussenvoegsel", _veld("leerling.tussenvoegsel")),
                        ("Achternaam", _veld("leerling.achternaam")),
                        ("Geboortedatum", _veld("leerling.geboortedatum")),
                        ("Leerlingnummer", _veld("leerling.leerlingnummer")),
                        ("Klas", _veld("leerling.klas")),
                        ("Leerjaar", _veld("leerling.leerjaar")),
                        ("Onderwijssoort", _veld("leerling.onderwijssoort")),
                        ("Lwoo", _veld("leerling.lwoo") + " lwoo-indicatie"),
                        ("Mentor", _veld("leerling.mentor")),
                        ("Datum inschrijving", _veld("leerling.datum_inschrijving")),
                        ("Vorige school", _veld("leerling.vorige_school")),
                        ("Schooladvies basisschool", _veld("leerling.schooladvies")),
                        ("Voorziening of arrangement", _veld("leerling.voorziening"))])
    doc.add_heading("3. Gegevens school", 1)
    gegevenstabel(doc, [("School", _veld("opp.school")), ("BRIN en vestiging", _veld("opp.brin")),
                        ("Bevoegd gezag", _veld("opp.bevoegd_gezag")),
                        ("Ondersteuningscoördinator", _veld("opp.contactpersoon_school"))])


def _netwerk(doc) -> None:
    doc.add_heading("4. Ouders/verzorgers", 1)
    lijsttabel(doc, ["Naam", "Relatie", "Gezag", "Telefoon", "E-mail"], [4.5, 2.5, 1.8, 3.2, 5.0],
               "ouder", "ouders",
               [_veld(f"ouder.{n}", "ouder") for n in ("naam", "relatie", "gezag", "telefoon", "email")],
               "Geen ouders of verzorgers geregistreerd.")
    doc.add_heading("5. Betrokkenen", 1)
    lijsttabel(doc, ["Naam", "Functie", "Organisatie", "Rol bij het OPP"], [4.5, 4.0, 4.5, 4.0], "betrokkene",
               "betrokkenen",
               [_veld(f"betrokkene.{n}", "betrokkene") for n in ("naam", "functie", "organisatie", "rol")],
               "Geen betrokkenen geregistreerd.")
    doc.add_heading("6. Aanleiding voor het OPP", 1)
    for regel in _vinkjes("opp.aanleiding", AANLEIDINGEN):
        doc.add_paragraph(regel)
    doc.add_paragraph("Anders, namelijk: " + _veld("opp.aanleiding_anders"))
    doc.add_heading("7. Bronnen", 1)
    # The link text already holds the document's date (links.linktekst): no separate date column.
    toelichting(doc, "Het OPP verwijst naar deze documenten; wat wettelijk in het OPP moet staan, staat "
                     "in het OPP zelf. Een IOP of plan van aanpak staat bij het handelingsdeel (12).")
    lijsttabel(doc, ["Soort", "Document en datum (klik om te openen)"], [4.5, 12.5],
               "document", "bronnen",
               ["{{ document.soort }}", "{{r koppeling(document.link) }}"],
               "Geen andere documenten geregistreerd.")
    doc.add_heading("8. Schoolloopbaan", 1)
    gegevenstabel(doc, [("Schoolloopbaan", _veld("leerling.schoolloopbaan")),
                        ("Leergegevens", _veld("leerling.leergegevens")),
                        ("Verzuim", _veld("leerling.verzuim"))])


def _beeld(doc) -> None:
    doc.add_heading("9. Bevorderende en belemmerende factoren", 1)
    toelichting(doc, "Per domein van de Amsterdamse basisondersteuning. Laat een domein leeg als het niet "
                     "van toepassing is.")
    lijsttabel(doc, ["Domein", "Bevorderende factoren", "Belemmerende factoren"], [4.0, 6.5, 6.5], "factor",
               "factoren_per_domein", ["{{ factor.domein }}", _veld("factor.bevorderend", "factor"),
                                       _veld("factor.belemmerend", "factor")], None)
    doc.add_heading("10. Onderwijs- en ondersteuningsbehoeften", 1)
    gegevenstabel(doc, [("De leerling heeft nodig", _veld("leerling.ondersteuningsbehoefte"))])
    doc.add_heading("11. Perspectiefdeel", 1)
    toelichting(doc, "Over het perspectiefdeel voert de school op overeenstemming gericht overleg met de "
                     "ouders. Instemming is hiervoor niet nodig.")
    gegevenstabel(doc, [("Uitstroomprofiel", _veld("opp.uitstroomprofiel")),
                        ("Verwachte uitstroombestemming", _veld("opp.uitstroombestemming")),
                        ("Verwacht moment van uitstroom", _veld("opp.uitstroommoment")),
                        ("Afwijking van de huidige onderwijssoort", _veld("opp.afwijking_onderwijssoort")),
                        ("Onderbouwing", _veld("opp.onderbouwing"))])


def _handelingsdeel(doc) -> None:
    doc.add_heading("12. Handelingsdeel", 1)
    toelichting(doc, "Voor het handelingsdeel is instemming van de ouders nodig (of van de leerling als die "
                     "18 jaar of ouder is).")
    doc.add_heading("Doelen", 2)
    kolommen = ("domein", "omschrijving", "beginsituatie", "evaluatiecriterium", "streefdatum")
    lijsttabel(doc, ["Domein", "Doel", "Beginsituatie", "Wanneer behaald", "Streefdatum"],
               [3.1, 4.7, 3.0, 3.2, 3.0], "doel", "doelen", [_veld(f"doel.{n}", "doel") for n in kolommen],
               "Geen doelen geregistreerd.")
    doc.add_heading("Ondersteuning en begeleiding", 2)
    lijsttabel(doc, ["Wat", "Wie", "Hoe vaak", "Waar", "Periode"], [4.6, 3.0, 3.0, 2.8, 3.6],
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
    gegevenstabel(doc, [("Afspraken met ouders", _veld("opp.afspraken_ouders")),
                        ("Afspraken met de leerling", _veld("opp.afspraken_leerling"))])
    doc.add_heading("Uitwerking in IOP of plan van aanpak", 2)
    lijsttabel(doc, ["Soort", "Document en datum (klik om te openen)"], [4.5, 12.5],
               "document", "uitwerkingen",
               ["{{ document.soort }}", "{{r koppeling(document.link) }}"],
               "Geen IOP of plan van aanpak geregistreerd.")


def _gesprekken(doc) -> None:
    doc.add_heading("13. Inbreng van de leerling (hoorrecht)", 1)
    gegevenstabel(doc, [("Leerling gehoord op", _veld("opp.datum_hoorrecht")),
                        ("Hoe", _veld("opp.wijze_hoorrecht")),
                        ("Mening en wensen van de leerling", _veld("opp.mening_leerling")),
                        ("Hoe is de mening meegewogen", _veld("opp.mening_meegewogen"))])
    doc.add_heading("14. Overleg met ouders", 1)
    gegevenstabel(doc, [("Datum overleg", _veld("opp.datum_overleg_ouders")),
                        ("Aanwezig", _veld("opp.aanwezig_overleg")),
                        ("Inbreng en zienswijze ouders", _veld("opp.inbreng_ouders")),
                        ("Overeenstemming over het perspectiefdeel",
                         _veld("opp.overeenstemming_perspectief"))])
    doc.add_heading("15. Evaluatie", 1)
    gegevenstabel(doc, [("Datum evaluatie", _veld("opp.datum_evaluatie")),
                        ("Aanwezig", _veld("opp.aanwezig_evaluatie"))])
    lijsttabel(doc, ["Doel", "Resultaat"], [12.0, 5.0], "doel", "doelen",
               ["{{ doel.omschrijving }}", _veld("doel.resultaat", "doel")], "Geen doelen om te evalueren.")
    gegevenstabel(doc, [("Effect van de ondersteuning", _veld("opp.effect_ondersteuning")),
                        ("Uitstroombestemming", _veld("opp.uitstroom_na_evaluatie")),
                        ("Besluit", _veld("opp.besluit")),
                        ("Volgende evaluatie", _veld("opp.volgende_evaluatie"))])

def _ondertekening(doc) -> None:
    kop = doc.add_heading("16. Ondertekening", 1)
    kop.paragraph_format.page_break_before = True
    toelichting(doc, "Ouders stemmen in met het handelingsdeel (of stemmen niet in). Los daarvan bevestigen "
                     "zij dat het perspectiefdeel met hen is besproken; daarvoor is geen instemming nodig.")
    for n, i in ((1, 0), (2, 1)):
        naam = f"{{{{ ouders[{i}].naam if ouders|length > {i} else '' }}}}"
        tekenblok(doc, f"Ouder/verzorger {n}", [
            ("Naam", naam), ("Instemming handelingsdeel", _vinkjes(f"opp.instemming_ouder{n}", INSTEMMING)),
            ("Perspectiefdeel", _veld(f"opp.perspectief_besproken_ouder{n}")
             + " Het perspectiefdeel is met mij besproken."),
            ("Datum", _veld(f"opp.datum_ondertekening_ouder{n}"))])
    gegevenstabel(doc, [("Opmerkingen ouders", _veld("opp.opmerkingen_ouders"))])
    tekenblok(doc, "Leerling", [
        ("Naam", "{{ leerling.naam }}"),
        ("Besproken", _veld("opp.besproken_met_leerling") + " Het OPP is met mij besproken."),
        ("Instemming (vanaf 18 jaar)", _vinkjes("opp.instemming_leerling", INSTEMMING)),
        ("Datum", _veld("opp.datum_ondertekening_leerling"))])
    tekenblok(doc, "School, namens het bevoegd gezag", [
        ("Naam", _veld("opp.vastgesteld_door")), ("Functie", _veld("opp.functie_vaststeller")),
        ("Datum vaststelling", _veld("opp.datum_vaststelling"))])


def _administratie(doc) -> None:
    doc.add_heading("17. Administratie", 1)
    gegevenstabel(doc, [("Startdatum OPP (voor DUO)", _veld("opp.startdatum")),
                        ("Einddatum OPP (voor DUO)", _veld("opp.einddatum")),
                        ("Geregistreerd bij DUO",
                         _veld("opp.geregistreerd_duo") + " begin- en einddatum in ROD"),
                        ("Gedeeld met het samenwerkingsverband", _veld("opp.gedeeld_met_swv") + " ja"),
                        ("Opslaglocatie", _veld("opp.opslaglocatie"))])


def bouw() -> Document:
    doc = Document()
    stijlen(doc)
    a4(doc)
    eigenschappen(doc)
    kop_en_voet(doc)
    for deel in (_voorblad, _algemeen, _netwerk, _beeld, _handelingsdeel, _gesprekken, _ondertekening,
                 _administratie):
        deel(doc)
    return doc


if __name__ == "__main__":
    bouw().save(DOEL)
    print(f"Sjabloon geschreven: {DOEL}")
