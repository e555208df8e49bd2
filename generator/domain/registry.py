"""The field registry: every field a template can use, its type, Dutch description and column aliases.

This is the only place a column alias or a Dutch field description is written. The reader, the
validator, the context, the renderer's form controls, the template check and `opp velden` all read it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from .fields import (
    AANLEIDINGEN,
    AFWIJKINGEN,
    BESLUITEN,
    BETROKKENEN,
    DOCUMENTEN,
    DOELEN,
    DOMEINEN,
    FACTOREN,
    INSTEMMING,
    LEERLINGEN,
    ONDERSTEUNING,
    ONDERWIJSSOORTEN,
    OUDERS,
    SHEET_KINDS,
    VOORZIENINGEN,
    Field,
    FieldType,
    SheetKind,
)


def _field(path: str, type: FieldType, description: str, sheet: SheetKind | None = None, aliases: str = "",
           **kwargs) -> Field:
    names = tuple(a.strip() for a in aliases.split("|") if a.strip())
    return Field(path, type, description, sheet, names, **kwargs)


T, LT, D, JN, K, KS, ID = (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.DATE, FieldType.YES_NO,
                           FieldType.CHOICE, FieldType.CHOICES, FieldType.ID)
_STUDENT_NUMBER_ALIASES = ("Stamnummer|Stamnr|Leerlingnummer|Leerlingnr|Llnr|Lln nr|Deelnemernummer|"
                           "Deelnemersnummer|Studentnummer|Leerling id|Leerlingcode|Leerlingcodes|"
                           "Deelnemer nr|Leerling nr|Nummer")

FIELDS: tuple[Field, ...] = (
    # --- Leerling (sheet Leerlingen) ---
    _field("leerling.leerlingnummer", ID, "Leerlingnummer (stamnummer) van de school; nooit het BSN.",
           LEERLINGEN, _STUDENT_NUMBER_ALIASES, required=True, example="004512"),
    _field("leerling.roepnaam", T, "Roepnaam van de leerling.", LEERLINGEN,
           "Roepnaam|Voornaam|Roep naam|First name", required=True, example="Aisha",
           placeholder="Vul de roepnaam in."),
    _field("leerling.tussenvoegsel", T, "Tussenvoegsel van de achternaam.", LEERLINGEN,
           "Tussenvoegsel|Tussenvoegsels|Tussenv|Voorvoegsel|Voorvoegsels|Tv", example="van der",
           placeholder="Vul het tussenvoegsel in."),
    _field("leerling.achternaam", T, "Achternaam van de leerling.", LEERLINGEN,
           "Achternaam|Geslachtsnaam|Familienaam", required=True, example="El Idrissi",
           placeholder="Vul de achternaam in."),
    _field("leerling.geboortedatum", D, "Geboortedatum.", LEERLINGEN,
           "Geboortedatum|Geb.datum|Geb datum|Geboren|Geb. dat.", required=True, example="14-03-2013"),
    _field("leerling.klas", T, "Klas of stamgroep.", LEERLINGEN,
           "Klas|Stamklas|Stamgroep|Basisgroep|Klas/groep|Groep|Jaargroep", required=True, example="1B",
           placeholder="Vul de klas in."),
    _field("leerling.leerjaar", T, "Leerjaar.", LEERLINGEN, "Leerjaar|Jaarlaag|Jaar", example="1"),
    _field("leerling.onderwijssoort", K, "Huidige onderwijssoort (leerweg, niveau).", LEERLINGEN,
           "Onderwijssoort|Studie|Opleiding|Afdeling|Leerweg|Niveau|Richting", example="vmbo-kb",
           choices=ONDERWIJSSOORTEN, placeholder="Kies de onderwijssoort."),
    _field("leerling.mentor", T, "Mentor of klassenmentor.", LEERLINGEN,
           "Mentor|Klassenmentor|Klassenmentor 1|Coach|Slb|Slb er|Studieloopbaanbegeleider|Groepsleerkracht|"
           "Leerkracht|Mentor(en)",
           example="mw. J. de Boer", placeholder="Vul de mentor in."),
    _field("leerling.datum_inschrijving", D, "Datum van inschrijving op school; start van de zes weken bij "
           "een intake-OPP.", LEERLINGEN,
           "Datum inschrijving|Inschrijfdatum|Instroomdatum|Datum instroom|Startdatum inschrijving|Datum in|"
           "Begindatum",
           example="01-08-2026"),
    _field("leerling.vorige_school", T, "Vorige school (PO, SBO, SO of VO).", LEERLINGEN,
           "Vorige school|School van herkomst|Toeleverende school|Basisschool",
           example="Basisschool De Regenboog",
           placeholder="Vul de vorige school in."),
    _field("leerling.schooladvies", T, "Schooladvies van de basisschool.", LEERLINGEN,
           "Schooladvies|Advies PO|Basisschooladvies|Advies", example="vmbo-k",
           placeholder="Vul het schooladvies in."),
    _field("leerling.lwoo", JN, "Leerweg ondersteunend onderwijs (lwoo).", LEERLINGEN, "Lwoo|Lwoo indicatie",
           example="nee"),
    _field("leerling.bsn", FieldType.SECRET, "Burgerservicenummer: wordt nooit gelezen of gebruikt. "
           "Deze kolom kan uit de export weg.", LEERLINGEN,
           "BSN|Burgerservicenummer|Sofinummer|Sofi nummer|Onderwijsnummer|"
           "Persoonsgebonden nummer|Pgn|Onderwijs nr"),
    # --- OPP, per leerling (optional columns on the Leerlingen sheet) ---
    _field("opp.nodig", JN, "Heeft de leerling een OPP nodig? Zonder deze kolom krijgt elke leerling "
           "een OPP.", LEERLINGEN, "OPP|OPP nodig|Extra ondersteuning|Extra ondersteuningsbehoefte",
           example="ja"),
    _field("opp.aanleiding", KS, "Aanleiding voor het OPP; meerdere keuzes gescheiden door ';'.", LEERLINGEN,
           "Aanleiding OPP|Aanleiding", example=AANLEIDINGEN[0], choices=AANLEIDINGEN),
    _field("opp.soort", K, "Soort OPP.", LEERLINGEN, "Soort OPP|Type OPP", example="Intake-OPP",
           choices=("Intake-OPP", "OPP", "Bijgesteld OPP"), placeholder="Kies de soort OPP."),
    _field("opp.datum_afspraak_extra_ondersteuning", D, "Datum waarop extra ondersteuning is afgesproken "
           "(start van de zes weken tijdens de schoolloopbaan).", LEERLINGEN,
           "Datum afspraak extra ondersteuning|Datum extra ondersteuning|Start extra ondersteuning"),
    _field("opp.datum_definitieve_plaatsing", D, "Datum van definitieve plaatsing na een tijdelijke "
           "plaatsing.", LEERLINGEN, "Datum definitieve plaatsing|Definitieve plaatsing"),
    _field("opp.opgesteld_door", T, "Naam en functie van wie het OPP opstelt.", LEERLINGEN,
           "Opgesteld door|Ondersteuningscoordinator|Zorgcoordinator", placeholder="Vul naam en functie in."),
    _field("opp.startdatum", D, "Startdatum OPP, voor de registratie bij DUO.", LEERLINGEN,
           "Startdatum OPP|Begindatum OPP", placeholder="Kies de startdatum."),
    _field("opp.einddatum", D, "Einddatum OPP, voor de registratie bij DUO.", LEERLINGEN,
           "Einddatum OPP", placeholder="Kies de einddatum."),
    _field("opp.datum_vaststelling", D, "Datum waarop het bevoegd gezag het OPP vaststelt.", LEERLINGEN,
           "Datum vaststelling|Vastgesteld op", placeholder="Kies de datum van vaststelling."),
    _field("opp.uitstroomprofiel", K, "Uitstroomprofiel.", LEERLINGEN, "Uitstroomprofiel",
           choices=("Vervolgonderwijs", "Arbeid", "Dagbesteding"), placeholder="Kies het uitstroomprofiel."),
    _field("opp.uitstroombestemming", K, "Verwachte uitstroombestemming.", LEERLINGEN,
           "Uitstroombestemming|Verwachte uitstroombestemming|Uitstroomniveau",
           choices=("vmbo-bb", "vmbo-kb", "vmbo-gl", "vmbo-tl", "havo", "vwo", "mbo entree (niveau 1)",
                    "mbo niveau 2", "arbeid", "arbeid met ondersteuning", "dagbesteding"),
           placeholder="Kies de verwachte uitstroombestemming."),
    _field("opp.onderbouwing", LT, "Onderbouwing van de uitstroombestemming, met de bevorderende en "
           "belemmerende factoren.", LEERLINGEN, "Onderbouwing|Onderbouwing uitstroom",
           placeholder="Onderbouw de verwachte uitstroombestemming."),
    _field("leerling.ondersteuningsbehoefte", LT, "Onderwijs- en ondersteuningsbehoefte.", LEERLINGEN,
           "Ondersteuningsbehoefte|Ondersteuningsbehoeften|Onderwijsbehoefte|Onderwijsbehoeften|Hulpvraag",
           placeholder="Beschrijf wat de leerling nodig heeft."),
    # --- Form sections filled by the school (optional columns on the Leerlingen sheet) ---
    _field("leerling.voorziening", K, "Voorziening of arrangement.", LEERLINGEN,
           "Voorziening|Arrangement|Voorziening arrangement", choices=VOORZIENINGEN,
           placeholder="Kies de voorziening."),
    _field("leerling.schoolloopbaan", LT, "Schoolloopbaan: scholen, doublures, overstappen.", LEERLINGEN,
           "Schoolloopbaan|Loopbaan|Schoolverloop", placeholder="Beschrijf de schoolloopbaan."),
    _field("leerling.leergegevens", LT, "Didactische en cognitieve gegevens (toetsen, niveaus).", LEERLINGEN,
           "Didactische gegevens|Leergegevens|Toetsgegevens|Leerresultaten",
           placeholder="Vat de leergegevens samen."),
    _field("leerling.verzuim", T, "Verzuim en aanwezigheid (samenvatting).", LEERLINGEN,
           "Verzuim|Aanwezigheid", placeholder="Vat het verzuim samen."),
    _field("opp.school", T, "Naam van de school.", LEERLINGEN, "School|Schoolnaam|Naam school|Naam vestiging",
           example="Voorbeeldcollege Amsterdam", placeholder="Vul de naam van de school in."),
    _field("opp.brin", T, "BRIN-nummer en vestiging.", LEERLINGEN, "BRIN|Brinnummer|Brin nummer|Brin code",
           example="99XX00", placeholder="Vul BRIN en vestiging in."),
    _field("opp.bevoegd_gezag", T, "Bevoegd gezag (schoolbestuur) dat het OPP vaststelt.", LEERLINGEN,
           "Bevoegd gezag|Schoolbestuur|Bestuur", placeholder="Vul het bevoegd gezag in."),
    _field("opp.contactpersoon_school", T, "Ondersteuningscoördinator of contactpersoon van de school "
           "(naam, e-mail, telefoon).", LEERLINGEN, "Contactpersoon school|Contactpersoon ondersteuning",
           placeholder="Vul naam, e-mail en telefoon in."),
    _field("opp.aanleiding_anders", T, "Andere aanleiding voor het OPP.", LEERLINGEN,
           "Aanleiding anders|Andere aanleiding|Toelichting aanleiding",
           placeholder="Beschrijf een andere aanleiding."),
    _field("opp.uitstroommoment", T, "Verwacht moment van uitstroom (schooljaar).", LEERLINGEN,
           "Verwacht moment van uitstroom|Uitstroommoment|Uitstroomjaar", example="2029-2030",
           placeholder="Vul het schooljaar van uitstroom in."),
    _field("opp.afwijking_onderwijssoort", K, "Wijkt de uitstroom af van de huidige onderwijssoort?",
           LEERLINGEN, "Afwijking onderwijssoort|Afstroom opstroom",
           choices=("nee", "afstroom verwacht", "opstroom mogelijk"), placeholder="Kies een antwoord."),
    _field("opp.geen_afwijkingen", JN, "Er zijn geen afwijkingen van het onderwijsprogramma.", LEERLINGEN,
           "Geen afwijkingen"),
    _field("opp.afwijkingen", KS, "Afwijkingen van het onderwijsprogramma; meerdere keuzes gescheiden "
           "door ';'.", LEERLINGEN, "Afwijkingen|Afwijkingen onderwijsprogramma", choices=AFWIJKINGEN,
           example=AFWIJKINGEN[1]),
    _field("opp.afwijkingen_toelichting", LT, "Toelichting op de afwijkingen.", LEERLINGEN,
           "Toelichting afwijkingen", placeholder="Licht de afwijkingen toe."),
    _field("opp.afspraken_ouders", LT, "Afspraken met ouders (thuis).", LEERLINGEN,
           "Afspraken met ouders|Afspraken ouders|Afspraken thuis",
           placeholder="Beschrijf de afspraken met ouders."),
    _field("opp.afspraken_leerling", LT, "Afspraken met de leerling (eigen inzet).", LEERLINGEN,
           "Afspraken met leerling|Afspraken leerling|Eigen inzet leerling",
           placeholder="Beschrijf de afspraken met de leerling."),
    _field("opp.datum_hoorrecht", D, "Datum waarop de leerling is gehoord over het OPP (hoorrecht).",
           LEERLINGEN, "Leerling gehoord op|Datum hoorrecht|Datum gesprek leerling",
           placeholder="Kies de datum."),
    _field("opp.wijze_hoorrecht", K, "Hoe de leerling is gehoord.", LEERLINGEN,
           "Wijze hoorrecht|Wijze gehoord", choices=("gesprek", "schriftelijk", "via mentor", "anders"),
           placeholder="Kies hoe."),
    _field("opp.mening_leerling", LT, "Mening en wensen van de leerling.", LEERLINGEN,
           "Mening leerling|Inbreng leerling|Wensen leerling",
           placeholder="Wat vindt de leerling, wat wil hij of zij?"),
    _field("opp.mening_meegewogen", LT, "Hoe de mening van de leerling is meegewogen.", LEERLINGEN,
           "Mening meegewogen|Hoe meegewogen", placeholder="Hoe is de mening meegewogen?"),
    _field("opp.datum_overleg_ouders", D, "Datum van het overleg met ouders (op overeenstemming gericht).",
           LEERLINGEN, "Datum overleg ouders|Datum OOGO|Overleg ouders", placeholder="Kies de datum."),
    _field("opp.aanwezig_overleg", T, "Aanwezig bij het overleg met ouders.", LEERLINGEN,
           "Aanwezig overleg|Aanwezig bij overleg", placeholder="Wie waren er?"),
    _field("opp.inbreng_ouders", LT, "Inbreng en zienswijze van de ouders.", LEERLINGEN,
           "Inbreng ouders|Zienswijze ouders", placeholder="Wat brachten de ouders in?"),
    _field("opp.overeenstemming_perspectief", K, "Overeenstemming over het perspectiefdeel.", LEERLINGEN,
           "Overeenstemming perspectiefdeel|Overeenstemming", choices=("ja", "nee", "deels"),
           placeholder="Kies een antwoord."),
    _field("opp.datum_evaluatie", D, "Datum van de evaluatie.", LEERLINGEN, "Datum evaluatie|Geëvalueerd op",
           placeholder="Kies de datum."),
    _field("opp.aanwezig_evaluatie", T, "Aanwezig bij de evaluatie.", LEERLINGEN,
           "Aanwezig evaluatie|Aanwezig bij evaluatie", placeholder="Wie waren er?"),
    _field("opp.effect_ondersteuning", LT, "Effect van de ondersteuning.", LEERLINGEN,
           "Effect ondersteuning|Evaluatie ondersteuning",
           placeholder="Wat heeft de ondersteuning opgeleverd?"),
    _field("opp.uitstroom_na_evaluatie", K, "Uitstroombestemming na de evaluatie.", LEERLINGEN,
           "Uitstroombestemming na evaluatie", choices=("gehandhaafd", "bijgesteld"),
           placeholder="Kies een antwoord."),
    _field("opp.besluit", K, "Besluit na de evaluatie.", LEERLINGEN, "Besluit|Besluit evaluatie",
           choices=BESLUITEN, placeholder="Kies het besluit."),
    _field("opp.instemming_ouder1", KS, "Instemming van ouder/verzorger 1 met het handelingsdeel.",
           LEERLINGEN, "Instemming ouder 1|Instemming handelingsdeel", choices=INSTEMMING),
    _field("opp.perspectief_besproken_ouder1", JN, "Het perspectiefdeel is met ouder/verzorger 1 besproken.",
           LEERLINGEN, "Perspectiefdeel besproken ouder 1|Perspectiefdeel besproken"),
    _field("opp.datum_ondertekening_ouder1", D, "Datum van ondertekening door ouder/verzorger 1.", LEERLINGEN,
           "Datum ondertekening ouder 1", placeholder="Kies de datum."),
    _field("opp.instemming_ouder2", KS, "Instemming van ouder/verzorger 2 met het handelingsdeel.",
           LEERLINGEN, "Instemming ouder 2", choices=INSTEMMING),
    _field("opp.perspectief_besproken_ouder2", JN, "Het perspectiefdeel is met ouder/verzorger 2 besproken.",
           LEERLINGEN, "Perspectiefdeel besproken ouder 2"),
    _field("opp.datum_ondertekening_ouder2", D, "Datum van ondertekening door ouder/verzorger 2.", LEERLINGEN,
           "Datum ondertekening ouder 2", placeholder="Kies de datum."),
    _field("opp.opmerkingen_ouders", LT, "Opmerkingen van de ouders bij de ondertekening.", LEERLINGEN,
           "Opmerkingen ouders", placeholder="Ruimte voor opmerkingen van de ouders."),
    _field("opp.besproken_met_leerling", JN, "Het OPP is met de leerling besproken.", LEERLINGEN,
           "Besproken met leerling|OPP besproken met leerling"),
    _field("opp.instemming_leerling", KS,
           "Instemming van de leerling van 18 jaar of ouder met het handelingsdeel.", LEERLINGEN,
           "Instemming leerling", choices=INSTEMMING),
    _field("opp.datum_ondertekening_leerling", D, "Datum van ondertekening door de leerling.", LEERLINGEN,
           "Datum ondertekening leerling", placeholder="Kies de datum."),
    _field("opp.vastgesteld_door", T, "Naam van wie het OPP vaststelt namens het bevoegd gezag.", LEERLINGEN,
           "Vastgesteld door|Namens bevoegd gezag", placeholder="Vul de naam in."),
    _field("opp.functie_vaststeller", T, "Functie van wie het OPP vaststelt.", LEERLINGEN,
           "Functie vaststeller", placeholder="Vul de functie in."),
    _field("opp.geregistreerd_duo", JN, "Begin- en einddatum van het OPP zijn geregistreerd bij DUO (ROD).",
           LEERLINGEN, "Geregistreerd bij DUO|Geregistreerd in ROD|ROD geregistreerd"),
    _field("opp.gedeeld_met_swv", JN, "Het OPP is gedeeld met het samenwerkingsverband.", LEERLINGEN,
           "Gedeeld met SWV|Gedeeld met samenwerkingsverband"),
    _field("opp.opslaglocatie", T, "Opslaglocatie of LVS-dossier van het OPP.", LEERLINGEN,
           "Opslaglocatie|LVS dossier", placeholder="Waar is het OPP opgeslagen?"),
    # --- Computed by the tool ---
    _field("leerling.naam", T, "Volledige naam: roepnaam, tussenvoegsel, achternaam.",
           example="Aisha El Idrissi"),
    _field("opp.schooljaar", T, "Schooljaar van het OPP.", example="2026-2027"),
    _field("opp.datum_opgesteld", D, "Datum waarop het document is gemaakt."),
    _field("opp.uiterste_vaststelling", D, "Uiterste datum van vaststelling: zes weken na de start."),
    _field("opp.volgende_evaluatie", D, "Datum van de volgende evaluatie: uiterlijk een jaar na de start."),
    _field("opp.start_termijn", D, "Begin van de zes weken: definitieve plaatsing, anders de afspraak over "
           "extra ondersteuning, anders de inschrijving."),
    _field("opp.leerling_tekent", JN, "Ja als de leerling op de datum van vaststelling (of de uiterste "
           "datum) 18 jaar of ouder is en zelf instemt met het handelingsdeel."),
    _field("opp.achttien_tijdens_plan", JN, "Ja als de leerling tijdens de looptijd van het plan 18 wordt: "
           "daarna stemt de leerling zelf in met wijzigingen."),
    _field("opp.ondertekenaars", T, "Wie instemt met het handelingsdeel: de ouders met gezag, of de leerling "
           "vanaf 18 jaar.", example="M. El Idrissi, K. El Idrissi"),
    # --- Ouders ---
    _field("ouder.leerlingnummer", ID, "Leerlingnummer van het kind.", OUDERS,
           _STUDENT_NUMBER_ALIASES + "|Kinderen", required=True),
    _field("ouder.naam", T, "Naam van de ouder of verzorger.", OUDERS,
           "Naam|Naam ouder|Naam verzorger|Ouder|Verzorger|Achternaam", required=True,
           example="M. El Idrissi", placeholder="Vul de naam in."),
    _field("ouder.relatie", T, "Relatie tot de leerling (moeder, vader, verzorger, voogd).", OUDERS,
           "Relatie|Relatie tot leerling|Soort relatie|Rol|Type verzorger", example="moeder",
           placeholder="Vul de relatie in."),
    _field("ouder.gezag", JN, "Heeft ouderlijk gezag (tekent voor instemming).", OUDERS,
           "Gezag|Ouderlijk gezag|Wettelijk vertegenwoordiger|Gezagsdrager", example="ja"),
    _field("ouder.telefoon", FieldType.PHONE, "Telefoonnummer.", OUDERS,
           "Telefoon|Telefoonnummer|Tel|Mobiel|Mobiel nummer|Telefoon mobiel|Telefoon thuis|Vast nummer|"
           "06 nummer", example="0612345678",
           placeholder="Vul het telefoonnummer in."),
    _field("ouder.email", FieldType.EMAIL, "E-mailadres.", OUDERS,
           "E-mail|Email|E-mailadres|Emailadres|E-mail ouder|Email ouder",
           example="ouder@example.nl", placeholder="Vul het e-mailadres in."),
    # --- Doelen ---
    _field("doel.leerlingnummer", ID, "Leerlingnummer.", DOELEN, _STUDENT_NUMBER_ALIASES, required=True),
    _field("doel.domein", K, "Domein van het doel.", DOELEN, "Domein|Ontwikkelingsgebied|Leergebied|Vak",
           choices=DOMEINEN, example="Werkhouding", placeholder="Kies een domein."),
    _field("doel.omschrijving", LT, "Het doel (SMART).", DOELEN,
           "Doel|Doelen|Omschrijving|Leerdoel|Onderwijsdoel|Tussendoel", required=True,
           example="Plant zijn huiswerk zelfstandig in de agenda.", placeholder="Beschrijf het doel."),
    _field("doel.beginsituatie", T, "Beginsituatie.", DOELEN, "Beginsituatie|Huidige situatie",
           placeholder="Beschrijf de beginsituatie."),
    _field("doel.evaluatiecriterium", T, "Wanneer is het doel behaald?", DOELEN,
           "Evaluatiecriterium|Criterium|Wanneer behaald", placeholder="Wanneer is het doel behaald?"),
    _field("doel.startdatum", D, "Startdatum van het doel.", DOELEN, "Startdatum|Begindatum|Start",
           placeholder="Kies een datum."),
    _field("doel.streefdatum", D, "Streefdatum of evaluatiedatum.", DOELEN,
           "Streefdatum|Einddatum|Evaluatiedatum|Evaluatie", placeholder="Kies een datum."),
    _field("doel.resultaat", K, "Resultaat bij de evaluatie.", DOELEN, "Resultaat|Behaald",
           choices=("behaald", "deels behaald", "niet behaald"), placeholder="Kies het resultaat."),
    # --- Ondersteuning ---
    _field("steun.leerlingnummer", ID, "Leerlingnummer.", ONDERSTEUNING, _STUDENT_NUMBER_ALIASES,
           required=True),
    _field("steun.domein", K, "Domein of gekoppeld doel.", ONDERSTEUNING, "Domein|Doel|Gekoppeld doel",
           choices=DOMEINEN, placeholder="Kies een domein."),
    _field("steun.wat", LT, "Wat: aanpak, interventie of training.", ONDERSTEUNING,
           "Wat|Aanpak|Interventie|Ondersteuning|Begeleiding|Omschrijving", required=True,
           example="Wekelijks planningsgesprek", placeholder="Wat wordt er gedaan?"),
    _field("steun.wie", T, "Door wie (naam of functie).", ONDERSTEUNING,
           "Wie|Door wie|Uitvoerder|Begeleider|Verantwoordelijke", example="mentor",
           placeholder="Door wie?"),
    _field("steun.hoe_vaak", T, "Hoe vaak en hoe lang.", ONDERSTEUNING,
           "Hoe vaak|Frequentie|Omvang|Hoeveel", example="1x per week 30 min", placeholder="Hoe vaak?"),
    _field("steun.waar", T, "Waar: in de klas, buiten de klas, bovenschools, extern.", ONDERSTEUNING,
           "Waar|Locatie|Plaats", example="buiten de klas", placeholder="Waar?"),
    _field("steun.middelen", T, "Middelen, hulpmiddelen of materialen.", ONDERSTEUNING,
           "Middelen|Hulpmiddelen|Materialen", placeholder="Vul de middelen in."),
    _field("steun.startdatum", D, "Begin van de ondersteuning.", ONDERSTEUNING, "Startdatum|Begindatum|Van",
           placeholder="Kies een datum."),
    _field("steun.einddatum", D, "Einde van de ondersteuning.", ONDERSTEUNING, "Einddatum|Tot|Tot en met",
           placeholder="Kies een datum."),
    # --- Documenten ---
    _field("document.leerlingnummer", ID, "Leerlingnummer.", DOCUMENTEN, _STUDENT_NUMBER_ALIASES,
           required=True),
    _field("document.soort", T, "Soort document (IOP, plan van aanpak, onderwijskundig rapport, ...).",
           DOCUMENTEN, "Soort|Type|Documenttype|Soort document", required=True, example="IOP"),
    _field("document.titel", T, "Titel van het document.", DOCUMENTEN,
           "Titel|Naam document|Document|Omschrijving",
           required=True, example="IOP rekenen 2026"),
    _field("document.datum", D, "Datum van het document.", DOCUMENTEN, "Datum|Datum document"),
    _field("document.vindplaats", FieldType.LINK, "Vindplaats: internetadres of pad naar het bestand.",
           DOCUMENTEN, "Vindplaats|Link|Url|Bestand|Pad|Locatie|Link / bestand",
           example="https://lvs.example.nl/iop/4512"),
    # --- Betrokkenen ---
    _field("betrokkene.leerlingnummer", ID, "Leerlingnummer.", BETROKKENEN, _STUDENT_NUMBER_ALIASES,
           required=True),
    _field("betrokkene.naam", T, "Naam van de betrokkene.", BETROKKENEN, "Naam", required=True,
           placeholder="Vul de naam in."),
    _field("betrokkene.functie", T, "Functie.", BETROKKENEN, "Functie", placeholder="Vul de functie in."),
    _field("betrokkene.organisatie", T, "Organisatie.", BETROKKENEN, "Organisatie|Instelling",
           placeholder="Vul de organisatie in."),
    _field("betrokkene.rol", T, "Rol bij het OPP.", BETROKKENEN, "Rol|Rol in OPP",
           placeholder="Vul de rol in."),
    # --- Factoren ---
    _field("factor.leerlingnummer", ID, "Leerlingnummer.", FACTOREN, _STUDENT_NUMBER_ALIASES, required=True),
    _field("factor.domein", K, "Domein.", FACTOREN, "Domein", choices=DOMEINEN, required=True),
    _field("factor.bevorderend", LT, "Bevorderende factoren.", FACTOREN,
           "Bevorderend|Bevorderende factoren|Stimulerende factoren",
           placeholder="Beschrijf de bevorderende factoren."),
    _field("factor.belemmerend", LT, "Belemmerende factoren.", FACTOREN,
           "Belemmerend|Belemmerende factoren", placeholder="Beschrijf de belemmerende factoren."),
)

_BY_PATH = {v.path: v for v in FIELDS}


def get_field(path: str) -> Field:
    """The field named `pad`; KeyError when no field has that name."""
    return _BY_PATH[path]


def is_known(path: str) -> bool:
    return path in _BY_PATH


def all_field_names() -> tuple[str, ...]:
    return tuple(_BY_PATH)


def fields_of(sheet: SheetKind) -> tuple[Field, ...]:
    """The fields read from columns of this kind of sheet, in registry order."""
    return tuple(v for v in FIELDS if v.sheet is sheet)


_SEPARATORS = re.compile(r"[\s\-_/.:;,()]+")


def normalize_header(text: object) -> str:
    """A header as it is matched: NFKC, NBSP and zero-width characters gone, casefolded, punctuation
    as spaces. 'Stamnr.' and 'STAMNR' and 'Stamnr\xa0' all become 'stamnr'."""
    s = unicodedata.normalize("NFKC", str(text)).replace("\u200b", "").replace("\ufeff", "")
    return _SEPARATORS.sub(" ", s.casefold()).strip()


@cache
def column_index(sheet: SheetKind) -> dict[str, Field]:
    """Normalised alias -> field, for the columns of one kind of sheet."""
    index: dict[str, Field] = {}
    for v in fields_of(sheet):
        for alias in v.aliases:
            index.setdefault(normalize_header(alias), v)
    return index


@cache
def sheet_index() -> dict[str, SheetKind]:
    """Normalised sheet-name alias -> kind of sheet."""
    return {normalize_header(a): b for b in SHEET_KINDS for a in (b.name, *b.aliases)}


# Wide layout: guardians as numbered columns on the students sheet ('Ouder 1 naam', 'Naam
# ouder/verzorger 2', 'E-mail ouder 1', 'Telefoon verzorger 2', 'LPV1'). The number marks the guardian;
# the rest of the header is an Ouders alias, or nothing for the name ('Ouder1').
GUARDIAN_NUMBER = re.compile(r"\b(?:ouders verzorgers|ouder verzorger|ouders?|verzorgers?|lpv)\s*([1-9])\b")


def guardian_column(header: object) -> tuple[int, Field] | None:
    """(guardian number, Ouders field) for a wide guardian column, else None."""
    norm = normalize_header(header)
    m = GUARDIAN_NUMBER.search(norm)
    if not m:
        return None
    rest = " ".join((norm[:m.start()] + " " + norm[m.end():]).split())
    v = column_index(OUDERS).get(rest or "naam")
    if v is None or v.name == "leerlingnummer":
        return None
    return int(m.group(1)), v
