"""Builds the built-in template generator/form/templates/opp-swv-amsterdam-diemen.docx: run
`python templates/maak_sjabloon.py`.

The template is a normal Word document: a school can open it in Word and change logo and wording
(check the result with `opp sjabloon PAD`). Fields are Jinja tags that `opp velden` lists;
`{{r field('...') }}` becomes a Word content control. Sections follow opp-domein.md §4 A-Q; the layout
helpers are in opmaak.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt, RGBColor
from opmaak import (
    ACCENT,
    a4,
    bij_elkaar,
    eigenschappen,
    gegevenstabel,
    kop_en_voet,
    lijsttabel,
    stijlen,
    tekenblok,
    toelichting,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from generator.domain.fields import AANLEIDINGEN, AFWIJKINGEN  # noqa: E402

DOEL = (Path(__file__).resolve().parents[1] / "generator" / "form" / "templates"
        / "opp-swv-amsterdam-diemen.docx")


def _field_global(path: str, row: str = "") -> str:
    return f"{{{{r veld('{path}', {row}) }}}}" if row else f"{{{{r veld('{path}') }}}}"


def _vinkjes(path: str, opties: tuple[str, ...]) -> list[str]:
    return [f"{{{{r vinkje('{path}', '{o}') }}}} {o}" for o in opties]


# --- the form ---------------------------------------------------------------------------------

def _voorblad(doc) -> None:
    doc.add_paragraph("Ontwikkelingsperspectiefplan (OPP)", style="Title")
    sub = doc.add_paragraph().add_run(
        "Samenwerkingsverband VO Amsterdam-Diemen · schooljaar {{ opp.schooljaar }}")
    sub.font.size, sub.font.color.rgb = Pt(12), ACCENT
    toelichting(doc, "Grijze tekst is een invulveld: klik erop en typ, of kies uit de lijst. "
                     "Vakjes vinkt u aan door erop te klikken.", keep_with_next=False)


def _algemeen(doc) -> None:
    doc.add_heading("1. Algemene gegevens", 1)
    # Only the deadline that applies is printed: six weeks for a plan that starts this school year, the
    # yearly evaluation for an existing one (rules/opp_rules.py).
    gegevenstabel(doc, [("Schooljaar", "{{ opp.schooljaar }}"), ("Soort OPP", _field_global("opp.soort")),
                        ("Versie", _field_global("opp.versie")),
                        ("Vervangt versie van", _field_global("opp.vervangt_versie_van"),
                         "not opp.nieuw_plan or opp.vervangt_versie_van"),
                        ("Datum opgesteld", _field_global("opp.datum_opgesteld")),
                        ("Opgesteld door", _field_global("opp.opgesteld_door")),
                        ("Uiterste datum vaststelling", [
                            _field_global("opp.uiterste_vaststelling"),
                            "{{ 'Zes weken na' if opp.start_termijn else 'De export noemt geen start van de "
                            "zes weken.' }} {{ opp.start_termijn }}{{ '.' if opp.start_termijn }}"],
                         "opp.nieuw_plan or not opp.start_termijn"),
                        ("Vorige vaststelling", _field_global("opp.vorige_vaststelling"),
                         "opp.vorige_vaststelling"),
                        ("Evaluatie uiterlijk", _field_global("opp.volgende_evaluatie"),
                         "not opp.nieuw_plan")])
    doc.add_heading("2. Gegevens leerling", 1)
    gegevenstabel(doc, [("Roepnaam", _field_global("leerling.roepnaam")),
                        ("Tussenvoegsel", _field_global("leerling.tussenvoegsel")),
                        ("Achternaam", _field_global("leerling.achternaam")),
                        ("Geboortedatum", _field_global("leerling.geboortedatum")),
                        ("Leerlingnummer", _field_global("leerling.leerlingnummer")),
                        ("Klas", _field_global("leerling.klas")),
                        ("Leerjaar", _field_global("leerling.leerjaar")),
                        ("Onderwijssoort", _field_global("leerling.onderwijssoort")),
                        ("Lwoo", _field_global("leerling.lwoo") + " lwoo-indicatie"),
                        ("Mentor", _field_global("leerling.mentor")),
                        ("Datum inschrijving", _field_global("leerling.datum_inschrijving")),
                        ("Plaatsing", _field_global("opp.plaatsing")),
                        ("Datum definitieve plaatsing", _field_global("opp.datum_definitieve_plaatsing")),
                        ("Vorige school", _field_global("leerling.vorige_school")),
                        ("Schooladvies basisschool", _field_global("leerling.schooladvies")),
                        ("Toelaatbaarheidsverklaring", _field_global("leerling.tlv")),
                        ("TLV-nummer", _field_global("leerling.tlv_nummer")),
                        ("TLV geldig tot", _field_global("leerling.tlv_geldig_tot")),
                        ("Voorziening of arrangement", _field_global("leerling.voorziening"))])
    doc.add_heading("3. Gegevens school", 1)
    gegevenstabel(doc, [("School", _field_global("opp.school")),
                        ("BRIN-nummer", _field_global("opp.brin")),
                        ("Vestiging", _field_global("opp.vestiging")),
                        ("Bevoegd gezag", _field_global("opp.bevoegd_gezag")),
                        ("Ondersteuningscoördinator", _field_global("opp.contactpersoon_school")),
                        ("Samenwerkingsverband", _field_global("opp.samenwerkingsverband"))])


def _netwerk(doc) -> None:
    doc.add_heading("4. Ouders/verzorgers", 1)
    toelichting(doc, "Gezag: ja, nee of onbekend. Wie gezag heeft, stemt in met het handelingsdeel (16).")
    lijsttabel(doc, ["Naam", "Relatie", "Gezag", "Telefoon", "E-mail"], [4.3, 2.6, 2.4, 3.0, 4.7],
               "ouder", "ouderrijen",
               [_field_global(f"ouder.{n}", "ouder")
                for n in ("naam", "relatie", "gezag_antwoord", "telefoon", "email")], None)
    doc.add_heading("5. Betrokkenen", 1)
    lijsttabel(doc, ["Naam", "Functie", "Organisatie", "Rol bij het OPP"], [4.5, 4.0, 4.5, 4.0], "betrokkene",
               "betrokkenenrijen",
               [_field_global(f"betrokkene.{n}", "betrokkene")
                for n in ("naam", "functie", "organisatie", "rol")], None)
    doc.add_heading("6. Aanleiding voor het OPP", 1)
    regels = [doc.add_paragraph(line) for line in _vinkjes("opp.aanleiding", AANLEIDINGEN)]
    regels.append(doc.add_paragraph("Anders, namelijk: " + _field_global("opp.aanleiding_anders")))
    bij_elkaar(regels)
    doc.add_heading("7. Bronnen", 1)
    # The link text already holds the document's date (links.linktekst): no separate date column.
    toelichting(doc, "Het OPP verwijst naar deze documenten; wat wettelijk in het OPP moet staan, staat "
                     "in het OPP zelf. Een IOP of plan van aanpak staat bij het handelingsdeel (12).")
    lijsttabel(doc, ["Soort", "Document en datum (klik om te openen)"], [4.5, 12.5],
               "document", "bronnen",
               ["{{ document.soort }}", "{{r koppeling(document.link) }}"],
               "Geen andere documenten geregistreerd.")
    doc.add_heading("8. Schoolloopbaan", 1)
    gegevenstabel(doc, [("Schoolloopbaan", _field_global("leerling.schoolloopbaan")),
                        ("Leergegevens", _field_global("leerling.leergegevens")),
                        ("Verzuim", _field_global("leerling.verzuim"))])


def _beeld(doc) -> None:
    doc.add_heading("9. Bevorderende en belemmerende factoren", 1)
    toelichting(doc, "Per domein van de Amsterdamse basisondersteuning. Laat een domein leeg als het niet "
                     "van toepassing is.")
    lijsttabel(doc, ["Domein", "Bevorderende factoren", "Belemmerende factoren"], [4.0, 6.5, 6.5], "factor",
               "factoren_per_domein", ["{{ factor.domein }}", _field_global("factor.bevorderend", "factor"),
                                       _field_global("factor.belemmerend", "factor")], None)
    doc.add_heading("10. Onderwijs- en ondersteuningsbehoeften", 1)
    gegevenstabel(doc, [("De leerling heeft nodig", _field_global("leerling.ondersteuningsbehoefte"))])
    doc.add_heading("11. Perspectiefdeel", 1)
    toelichting(doc, "Over het perspectiefdeel voert de school op overeenstemming gericht overleg met de "
                     "ouders. Instemming is hiervoor niet nodig. De uitstroombestemming kiest u uit de lijst "
                     "of typt u zelf.")
    gegevenstabel(doc, [("Uitstroomprofiel", _field_global("opp.uitstroomprofiel")),
                        ("Verwachte uitstroombestemming", _field_global("opp.uitstroombestemming")),
                        ("Verwacht moment van uitstroom", _field_global("opp.uitstroommoment")),
                        ("Afwijking van de huidige onderwijssoort",
                         _field_global("opp.afwijking_onderwijssoort")),
                        ("Onderbouwing", _field_global("opp.onderbouwing"))])


def _handelingsdeel(doc) -> None:
    doc.add_heading("12. Handelingsdeel", 1)
    toelichting(doc, "Voor het handelingsdeel is instemming nodig van de ouders met gezag, of van de "
                     "leerling als die 18 jaar of ouder is (16).")
    doc.add_heading("Doelen", 2)
    columns = ("domein", "omschrijving", "beginsituatie", "evaluatiecriterium", "streefdatum")
    lijsttabel(doc, ["Domein", "Doel", "Beginsituatie", "Wanneer behaald", "Streefdatum"],
               [3.1, 4.7, 3.0, 3.2, 3.0], "doel", "doelrijen",
               [_field_global(f"doel.{n}", "doel") for n in columns], None)
    doc.add_heading("Ondersteuning en begeleiding", 2)
    # Six columns: what it serves and what it uses go under 'Wat', so that 'ondersteuningscoördinator'
    # still fits in 'Wie' on A4.
    lijsttabel(doc, ["Wat, middelen en doel", "Wie", "Hoe vaak", "Waar", "Periode", "Bekostiging"],
               [4.4, 3.2, 2.3, 2.1, 2.5, 2.5], "steun", "steunrijen",
               [[_field_global("steun.wat", "steun"), "Middelen: " + _field_global("steun.middelen", "steun"),
                 "Bij doel: " + _field_global("steun.doel", "steun")]]
               + [_field_global(f"steun.{n}", "steun") for n in ("wie", "hoe_vaak", "waar")]
               + [[_field_global("steun.startdatum", "steun"),
                   "t/m " + _field_global("steun.einddatum", "steun")],
                  _field_global("steun.bekostiging", "steun")], None)
    doc.add_heading("Afwijkingen van het onderwijsprogramma", 2)
    regels = [doc.add_paragraph("Zijn er afwijkingen van het onderwijsprogramma? "
                                + _field_global("opp.afwijkingen_antwoord")),
              doc.add_paragraph("Zo ja, welke:")]
    regels += [doc.add_paragraph(line) for line in _vinkjes("opp.afwijkingen", AFWIJKINGEN)]
    regels.append(doc.add_paragraph("Anders, namelijk: " + _field_global("opp.afwijkingen_anders")))
    regels.append(doc.add_paragraph("Toelichting: " + _field_global("opp.afwijkingen_toelichting")))
    bij_elkaar(regels)
    doc.add_heading("Afspraken", 2)
    gegevenstabel(doc, [("Afspraken met ouders", _field_global("opp.afspraken_ouders")),
                        ("Afspraken met de leerling", _field_global("opp.afspraken_leerling"))])
    doc.add_heading("Uitwerking in IOP of plan van aanpak", 2)
    lijsttabel(doc, ["Soort", "Document en datum (klik om te openen)"], [4.5, 12.5],
               "document", "uitwerkingen",
               ["{{ document.soort }}", "{{r koppeling(document.link) }}"],
               "Geen IOP of plan van aanpak geregistreerd.")


def _gesprekken(doc) -> None:
    doc.add_heading("13. Inbreng van de leerling (hoorrecht)", 1)
    gegevenstabel(doc, [("Leerling gehoord op", _field_global("opp.datum_hoorrecht")),
                        ("Hoe", _field_global("opp.wijze_hoorrecht")),
                        ("Mening en wensen van de leerling", _field_global("opp.mening_leerling")),
                        ("Hoe is de mening meegewogen", _field_global("opp.mening_meegewogen"))])
    doc.add_heading("14. Overleg met ouders", 1)
    gegevenstabel(doc, [("Datum overleg", _field_global("opp.datum_overleg_ouders")),
                        ("Aanwezig", _field_global("opp.aanwezig_overleg")),
                        ("Inbreng en zienswijze ouders", _field_global("opp.inbreng_ouders")),
                        ("Overeenstemming over het perspectiefdeel",
                         _field_global("opp.overeenstemming_perspectief"))])
    doc.add_heading("15. Evaluatie", 1)
    gegevenstabel(doc, [("Datum evaluatie", _field_global("opp.datum_evaluatie")),
                        ("Aanwezig", _field_global("opp.aanwezig_evaluatie"))])
    lijsttabel(doc, ["Doel", "Resultaat"], [12.0, 5.0], "doel", "doelrijen",
               ["{{ doel.rij }}. {{ doel.omschrijving }}", _field_global("doel.resultaat", "doel")], None)
    gegevenstabel(doc, [("Effect van de ondersteuning", _field_global("opp.effect_ondersteuning")),
                        ("Uitstroombestemming", _field_global("opp.uitstroom_na_evaluatie")),
                        ("Besluit", _field_global("opp.besluit")),
                        ("Volgende evaluatie", _field_global("opp.volgende_evaluatie"))])
    _vorige_doelen(doc)


def _vorige_doelen(doc) -> None:
    """Last year's goals and their results (`--vervolg`), under the evaluation: they are what the
    previous plan achieved, not part of this year's handelingsdeel that the parents agree to. Plain
    text, no controls; left out entirely for a student without them."""
    doc.add_paragraph("{%p if vorige_doelen %}")
    doc.add_heading("Vorige doelen", 2)
    toelichting(doc, "De doelen van het vorige OPP (zie 'Vervangt versie van' in 1) en het resultaat bij de "
                     "evaluatie. Ter informatie: de doelen van dit OPP staan in 12.")
    lijsttabel(doc, ["Domein", "Doel", "Resultaat"], [3.1, 8.9, 5.0], "vorig", "vorige_doelen",
               ["{{ vorig.domein }}", "{{ vorig.omschrijving }}", "{{ vorig.resultaat }}"], None)
    doc.add_paragraph("{%p endif %}")


def _ondertekening(doc) -> None:
    doc.add_heading("16. Ondertekening", 1)
    doc.add_paragraph("{%p if opp.leerling_tekent %}")
    toelichting(doc, "De leerling is op de datum van vaststelling 18 jaar of ouder en stemt zelf in met het "
                     "handelingsdeel (of niet). Over het perspectiefdeel is op overeenstemming gericht "
                     "overleg gevoerd; daarvoor is geen instemming nodig.")
    doc.add_paragraph("{%p else %}")
    toelichting(doc, "Elke ouder of verzorger met gezag stemt in met het handelingsdeel (of niet): één blok "
                     "per ouder of verzorger met gezag. Over het perspectiefdeel voert de school op "
                     "overeenstemming gericht overleg; daarvoor is geen instemming nodig.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for ondertekenaar in instemmers %}")
    tekenblok(doc, "{{ ondertekenaar.rol }}", [
        ("Naam", _field_global("instemming.naam", "ondertekenaar")),
        ("Let op", "{{ ondertekenaar.controleren }}", "ondertekenaar.controleren"),
        ("Instemming handelingsdeel", _field_global("instemming.antwoord", "ondertekenaar")),
        ("Perspectiefdeel", "{{r vinkje('instemming.perspectief_besproken', none, ondertekenaar) }}"
         " Het perspectiefdeel is met mij besproken."),
        ("Datum", _field_global("instemming.datum", "ondertekenaar"))])
    _rood(doc.tables[-1], "{{ ondertekenaar.controleren }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if not opp.leerling_tekent %}")
    gegevenstabel(doc, [("Opmerkingen ouders", _field_global("opp.opmerkingen_ouders"))])
    tekenblok(doc, "Leerling (besproken)", [
        ("Naam", "{{ leerling.naam }}"),
        ("Besproken", _field_global("opp.besproken_met_leerling") + " Het OPP is met mij besproken."),
        ("Datum", _field_global("opp.datum_ondertekening_leerling"))])
    doc.add_paragraph("{%p endif %}")
    tekenblok(doc, "School, namens het bevoegd gezag", [
        ("Naam", _field_global("opp.vastgesteld_door")),
        ("Functie", _field_global("opp.functie_vaststeller")),
        ("Datum vaststelling", _field_global("opp.datum_vaststelling"))])


def _administratie(doc) -> None:
    doc.add_heading("17. Administratie", 1)
    gegevenstabel(doc, [("Startdatum OPP (voor DUO)", _field_global("opp.startdatum")),
                        ("Einddatum OPP (voor DUO)", _field_global("opp.einddatum")),
                        ("Geregistreerd bij DUO",
                         _field_global("opp.geregistreerd_duo") + " begin- en einddatum in ROD"),
                        ("Gedeeld met het SWV", _field_global("opp.gedeeld_met_swv") + " ja"),
                        ("Opslaglocatie", _field_global("opp.opslaglocatie"))])


def _rood(table, text: str) -> None:
    """What the school must check before signing stands out: bold and red."""
    for row in table.rows:
        for run in (r for p in row.cells[-1].paragraphs for r in p.runs if text in r.text):
            run.bold, run.font.color.rgb = True, RGBColor(0xC0, 0x00, 0x00)


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
