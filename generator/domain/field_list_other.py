"""The fields computed by the tool and those of the one-to-many sheets: Ouders, Doelen, Ondersteuning,
Documenten, Betrokkenen, Factoren.

Part of the field registry (registry.py joins the lists); the only place these aliases are written.
"""

from __future__ import annotations

from .field_list_students import STUDENT_NUMBER_ALIASES
from .fields import (
    BEKOSTIGING,
    BETROKKENEN,
    DOCUMENTEN,
    DOELEN,
    DOMEINEN,
    FACTOREN,
    GEZAG,
    INSTEMMING,
    JA_NEE,
    ONDERSTEUNING,
    OUDERS,
    Field,
    FieldType,
    make_field,
)

T, LT, D, JN, K, ID = (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.DATE, FieldType.YES_NO,
                       FieldType.CHOICE, FieldType.ID)
# A parent row may name several children ('Leerlingcodes' "45,46"): these name only a parent's column.
PARENT_ONLY_NUMBER_ALIASES = "Leerlingcodes|Kinderen|Kind|Kinderen leerlingnummers"

OTHER_FIELDS: tuple[Field, ...] = (
    # --- Computed by the tool ---
    make_field("leerling.naam", T, "Volledige naam: roepnaam, tussenvoegsel, achternaam.",
           example="Aisha El Idrissi"),
    make_field("opp.schooljaar", T, "Schooljaar van het OPP.", example="2026-2027"),
    make_field("opp.datum_opgesteld", D, "Datum waarop het document is gemaakt."),
    make_field("opp.uiterste_vaststelling", D, "Uiterste datum van vaststelling: zes weken na de start."),
    make_field("opp.volgende_evaluatie", D,
               "Datum van de volgende evaluatie: uiterlijk een jaar na de start."),
    make_field("opp.start_termijn", D,
               "Begin van de zes weken: definitieve plaatsing, anders de afspraak over "
           "extra ondersteuning, anders de inschrijving."),
    make_field("opp.leerling_tekent", JN, "Ja als de leerling op de datum van vaststelling (of de uiterste "
           "datum) 18 jaar of ouder is en zelf instemt met het handelingsdeel."),
    make_field("opp.achttien_tijdens_plan", JN,
               "Ja als de leerling tijdens de looptijd van het plan 18 wordt: "
           "daarna stemt de leerling zelf in met wijzigingen."),
    make_field("opp.nieuw_plan", JN, "Ja als de zes weken voor de vaststelling dit schooljaar lopen (intake, "
               "of extra ondersteuning dit schooljaar afgesproken); nee voor een bestaand OPP, dat jaarlijks "
               "wordt geëvalueerd."),
    make_field("opp.vorige_vaststelling", D, "Datum waarop het vorige OPP is vastgesteld (een vorig "
               "schooljaar); dit OPP krijgt een eigen datum van vaststelling."),
    make_field("opp.afwijkingen_antwoord", K, "Zijn er afwijkingen van het onderwijsprogramma? Ja als de "
               "export afwijkingen noemt, nee als de export 'geen afwijkingen' zegt, anders open.",
               choices=JA_NEE, placeholder="Kies ja of nee."),
    make_field("opp.samenwerkingsverband", T, "Samenwerkingsverband (uit school.toml).",
               placeholder="Vul het samenwerkingsverband in."),
    make_field("opp.ondertekenaars", T,
               "Wie instemt met het handelingsdeel: de ouders met gezag, of de leerling "
           "vanaf 18 jaar.", example="M. El Idrissi, K. El Idrissi"),
    # --- Ouders ---
    make_field("ouder.leerlingnummer", ID, "Leerlingnummer van het kind.", OUDERS,
           STUDENT_NUMBER_ALIASES + "|" + PARENT_ONLY_NUMBER_ALIASES, required=True),
    make_field("ouder.naam", T, "Naam van de ouder of verzorger.", OUDERS,
               "Naam|Naam ouder|Naam verzorger|Ouder|Verzorger|Volledige naam|Full name|Name",
               example="M. El Idrissi", placeholder="Vul de naam in."),
    make_field("ouder.aanhef", T, "Aanhef (dhr., mw.).", OUDERS, "Aanhef|Titel|Salutation|Title"),
    make_field("ouder.voorletters", T, "Voorletters.", OUDERS, "Voorletters|Initialen|Initials"),
    make_field("ouder.roepnaam", T, "Roepnaam.", OUDERS, "Roepnaam|Voornaam|First name|Given name"),
    make_field("ouder.tussenvoegsel", T, "Tussenvoegsel.", OUDERS,
               "Tussenvoegsel|Tussenvoegsels|Tussenv|Voorvoegsel|Voorvoegsels|Tv|Prefix|Infix",
               optional=True),
    make_field("ouder.achternaam", T, "Achternaam.", OUDERS,
               "Achternaam|Geslachtsnaam|Familienaam|Last name|Surname|Family name"),
    make_field("ouder.relatie", T, "Relatie tot de leerling (moeder, vader, verzorger, voogd).", OUDERS,
           "Relatie|Relatie tot leerling|Soort relatie|Relatiesoort|Rol|Type verzorger|Relation|Relationship",
               example="moeder",
           placeholder="Vul de relatie in."),
    make_field("ouder.gezag", JN, "Heeft ouderlijk gezag (tekent voor instemming).", OUDERS,
           "Gezag|Ouderlijk gezag|Wettelijk vertegenwoordiger|Gezagsdrager|Gezaghebbend|"
               "Custody|Parental authority|Legal guardian", example="ja"),
    make_field("ouder.gezag_antwoord", K, "Gezag zoals het formulier het toont: ja, nee of onbekend (de "
               "export zegt het niet: de school controleert).", choices=GEZAG,
               placeholder="Gezag: ja, nee of onbekend?"),
    make_field("ouder.telefoon", FieldType.PHONE, "Telefoonnummer.", OUDERS,
           "Telefoon|Telefoonnummer|Tel|Mobiel|Mobiel nummer|Telefoon mobiel|Telefoon thuis|Vast nummer|"
           "06 nummer|Phone|Phone number|Telephone|Mobile", example="0612345678",
           optional=True),
    make_field("ouder.email", FieldType.EMAIL, "E-mailadres.", OUDERS,
           "E-mail|Email|E-mailadres|Emailadres|E-mail ouder|Email ouder|Email address|Mail",
           example="ouder@example.nl", optional=True),
    # --- Doelen ---
    make_field("doel.leerlingnummer", ID, "Leerlingnummer.", DOELEN, STUDENT_NUMBER_ALIASES, required=True),
    make_field("doel.domein", K, "Domein van het doel.", DOELEN, "Domein|Ontwikkelingsgebied|Leergebied|Vak",
           choices=DOMEINEN, example="Werkhouding", placeholder="Kies een domein."),
    make_field("doel.omschrijving", LT, "Het doel (SMART).", DOELEN,
           "Doel|Doelen|Omschrijving|Leerdoel|Onderwijsdoel|Tussendoel", required=True,
           example="Plant zijn huiswerk zelfstandig in de agenda.", placeholder="Beschrijf het doel."),
    make_field("doel.beginsituatie", T, "Beginsituatie.", DOELEN, "Beginsituatie|Huidige situatie",
           placeholder="Beschrijf de beginsituatie."),
    make_field("doel.evaluatiecriterium", T, "Wanneer is het doel behaald?", DOELEN,
           "Evaluatiecriterium|Criterium|Wanneer behaald", placeholder="Wanneer is het doel behaald?"),
    make_field("doel.startdatum", D, "Startdatum van het doel.", DOELEN, "Startdatum|Begindatum|Start",
           placeholder="Kies een datum."),
    make_field("doel.streefdatum", D, "Streefdatum of evaluatiedatum.", DOELEN,
           "Streefdatum|Einddatum|Evaluatiedatum|Evaluatie", placeholder="Kies een datum."),
    make_field("doel.resultaat", K, "Resultaat bij de evaluatie.", DOELEN, "Resultaat|Behaald",
           choices=("behaald", "deels behaald", "niet behaald"), placeholder="Kies het resultaat."),
    # --- Ondersteuning ---
    make_field("steun.leerlingnummer", ID, "Leerlingnummer.", ONDERSTEUNING, STUDENT_NUMBER_ALIASES,
           required=True),
    make_field("steun.domein", K, "Domein of gekoppeld doel.", ONDERSTEUNING, "Domein",
           choices=DOMEINEN, placeholder="Kies een domein."),
    make_field("steun.wat", LT, "Wat: aanpak, interventie of training.", ONDERSTEUNING,
           "Wat|Aanpak|Interventie|Aanpak / "
               "interventie|Ondersteuning|Begeleiding|Omschrijving|Handelingsdeel|"
               "Faciliteiten", required=True,
           example="Wekelijks planningsgesprek", placeholder="Wat wordt er gedaan?"),
    make_field("steun.doel", T, "Het doel waar deze ondersteuning bij hoort.", ONDERSTEUNING,
               "Doel|Gekoppeld doel|Bij doel", placeholder="Welk doel?"),
    make_field("steun.wie", T, "Door wie (naam of functie).", ONDERSTEUNING,
           "Wie|Door wie|Uitvoerder|Begeleider|Verantwoordelijke", example="mentor",
           placeholder="Door wie?"),
    make_field("steun.hoe_vaak", T, "Hoe vaak en hoe lang.", ONDERSTEUNING,
           "Hoe vaak|Frequentie|Omvang|Hoeveel", example="1x per week 30 min", placeholder="Hoe vaak?"),
    make_field("steun.waar", T, "Waar: in de klas, buiten de klas, bovenschools, extern.", ONDERSTEUNING,
           "Waar|Locatie|Plaats", example="buiten de klas", placeholder="Waar?"),
    make_field("steun.middelen", T, "Middelen, hulpmiddelen of materialen.", ONDERSTEUNING,
           "Middelen|Hulpmiddelen|Materialen|Middelen en materialen", optional=True),
    make_field("steun.bekostiging", K, "Wie betaalt de ondersteuning.", ONDERSTEUNING,
               "Bekostiging|Financiering|Bekostigd door", choices=BEKOSTIGING,
               placeholder="Kies de bekostiging."),
    make_field("steun.startdatum", D, "Begin van de ondersteuning.", ONDERSTEUNING,
               "Startdatum|Begindatum|Van",
           placeholder="Kies een datum."),
    make_field("steun.einddatum", D, "Einde van de ondersteuning.", ONDERSTEUNING, "Einddatum|Tot|Tot en met",
           placeholder="Kies een datum."),
    # --- Instemming: one block per signer on the form (computed from Ouders and the birth date) ---
    make_field("instemming.rol", T,
               "Wie hier instemt: ouder/verzorger met gezag, voogd of de leerling (18+)."),
    make_field("instemming.naam", T, "Naam van wie instemt.", placeholder="Vul de naam in."),
    make_field("instemming.gezag", T, "Gezag van deze ouder of verzorger: ja, of onbekend (controleren)."),
    make_field("instemming.antwoord", K, "Instemming met het handelingsdeel: één antwoord.",
               choices=INSTEMMING, placeholder="Kies: stemt in, stemt niet in of nog niet besproken."),
    make_field("instemming.perspectief_besproken", JN,
               "Het perspectiefdeel is met deze ondertekenaar besproken."),
    make_field("instemming.datum", D, "Datum van ondertekening.", placeholder="Kies de datum."),
    # --- Documenten ---
    make_field("document.leerlingnummer", ID, "Leerlingnummer.", DOCUMENTEN, STUDENT_NUMBER_ALIASES,
           required=True),
    make_field("document.soort", T, "Soort document (IOP, plan van aanpak, onderwijskundig rapport, ...).",
           DOCUMENTEN, "Soort|Type|Documenttype|Soort document", required=True, example="IOP"),
    make_field("document.titel", T, "Titel van het document.", DOCUMENTEN,
           "Titel|Naam document|Document|Omschrijving",
           required=True, example="IOP rekenen 2026"),
    make_field("document.datum", D, "Datum van het document.", DOCUMENTEN, "Datum|Datum document"),
    make_field("document.vindplaats", FieldType.LINK, "Vindplaats: internetadres of pad naar het bestand.",
           DOCUMENTEN, "Vindplaats|Link|Url|Bestand|Pad|Locatie|Link / bestand",
           example="https://lvs.example.nl/iop/4512"),
    # --- Betrokkenen ---
    make_field("betrokkene.leerlingnummer", ID, "Leerlingnummer.", BETROKKENEN, STUDENT_NUMBER_ALIASES,
           required=True),
    make_field("betrokkene.naam", T, "Naam van de betrokkene.", BETROKKENEN, "Naam", required=True,
           placeholder="Vul de naam in."),
    make_field("betrokkene.functie", T, "Functie.", BETROKKENEN, "Functie", placeholder="Vul de functie in."),
    make_field("betrokkene.organisatie", T, "Organisatie.", BETROKKENEN, "Organisatie|Instelling",
           placeholder="Vul de organisatie in."),
    make_field("betrokkene.rol", T, "Rol bij het OPP.", BETROKKENEN, "Rol|Rol in OPP",
           placeholder="Vul de rol in."),
    # --- Factoren ---
    make_field("factor.leerlingnummer", ID, "Leerlingnummer.", FACTOREN, STUDENT_NUMBER_ALIASES,
               required=True),
    make_field("factor.domein", K, "Domein.", FACTOREN, "Domein", choices=DOMEINEN, required=True),
    make_field("factor.bevorderend", LT, "Bevorderende factoren.", FACTOREN,
           "Bevorderend|Bevorderende factoren|Stimulerende factoren",
           placeholder="Beschrijf de bevorderende factoren."),
    make_field("factor.belemmerend", LT, "Belemmerende factoren.", FACTOREN,
           "Belemmerend|Belemmerende factoren", placeholder="Beschrijf de belemmerende factoren."),
)
