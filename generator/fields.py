"""The field registry: every field a template can use, its type, Dutch description and column aliases.

This is the only place a column alias or a Dutch field description is written. The reader, the
validator, the context, the renderer's form controls, the template checker and `opp velden` all read it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import cache


class Veldtype(str, Enum):
    ID = "id"
    TEKST = "tekst"
    LANGE_TEKST = "lange tekst"
    DATUM = "datum"
    JA_NEE = "ja/nee"
    KEUZE = "keuze"
    KEUZES = "meerkeuze"
    TELEFOON = "telefoon"
    POSTCODE = "postcode"
    EMAIL = "e-mail"
    LINK = "link"
    GEHEIM = "niet gebruikt"  # recognised so that it can be ignored (BSN): never read


@dataclass(frozen=True)
class Blad:
    """A kind of sheet (or CSV file) in an export, and the template names of its rows."""

    naam: str
    aliassen: tuple[str, ...]
    rij: str  # template variable of one row, e.g. 'doel'
    lijst: str  # template variable of all rows of a student, e.g. 'doelen'
    omschrijving: str


LEERLINGEN = Blad("Leerlingen", ("leerlingen", "leerling", "lln", "studenten", "deelnemers"),
                  "leerling", "", "Eén rij per leerling.")
OUDERS = Blad("Ouders", ("ouders", "ouders verzorgers", "verzorgers", "ouder", "gezinsleden",
                         "contactpersonen"),
              "ouder", "ouders", "Eén rij per ouder of verzorger, met het leerlingnummer.")
DOELEN = Blad("Doelen", ("doelen", "doel", "leerdoelen", "ontwikkeldoelen"),
              "doel", "doelen", "Eén rij per doel van het handelingsdeel.")
ONDERSTEUNING = Blad("Ondersteuning", ("ondersteuning", "begeleiding", "aanpak", "interventies",
                                        "ondersteuning en begeleiding"),
                     "steun", "ondersteuning", "Eén rij per vorm van ondersteuning: wie, wat, hoe vaak.")
DOCUMENTEN = Blad("Documenten", ("documenten", "bronnen", "bijlagen", "verwijzingen"),
                  "document", "documenten", "Verwijzingen naar IOP, plan van aanpak, rapporten.")
BETROKKENEN = Blad("Betrokkenen", ("betrokkenen", "netwerk", "hulpverleners"),
                   "betrokkene", "betrokkenen", "Eén rij per betrokkene (netwerk rond de leerling).")
FACTOREN = Blad("Factoren", ("factoren", "beeld van de leerling", "bevorderende en belemmerende factoren"),
                "factor", "factoren", "Bevorderende en belemmerende factoren per domein.")

BLADEN = (LEERLINGEN, OUDERS, DOELEN, ONDERSTEUNING, DOCUMENTEN, BETROKKENEN, FACTOREN)

# The ten domains of the Amsterdamse basisondersteuning (opp-domein.md §3).
DOMEINEN = (
    "Cognitief", "Leervorderingen", "Ontwikkeling", "Werkhouding", "Sociaal-emotioneel",
    "Fysieke behoefte", "Algemene dagelijkse activiteiten", "Medisch", "Thuissituatie",
    "Middelengebruik",
)
ONDERWIJSSOORTEN = (
    "praktijkonderwijs", "vmbo-bb", "vmbo-kb", "vmbo-gl", "vmbo-tl", "vmbo-t/havo", "havo",
    "havo/vwo", "vwo", "vso", "isk",
)
AANLEIDINGEN = (
    "Intake: ondersteuningsbehoefte bekend bij aanmelding",
    "Intake: VO-school stelt extra ondersteuningsbehoefte vast",
    "Ondersteuning overstijgt de basisondersteuning",
    "Doelen niet behaald na planmatig handelen",
    "Dreigende afstroom",
    "Mogelijke opstroom",
    "Schoolwisselaar of zij-instromer",
    "Leerling praktijkonderwijs, VSO of tussenvoorziening",
)
AFWIJKINGEN = (
    "Vrijstelling van vak(ken)",
    "Aangepast rooster of maatwerk onderwijstijd",
    "Aangepaste toetsing of examenfaciliteiten",
    "(Deels) onderwijs op een andere locatie",
    "Eigen leerlijn of ander niveau per vak",
)


@dataclass(frozen=True)
class Veld:
    """One field: where it comes from, what it is, how a template names it."""

    pad: str  # template name, e.g. 'leerling.roepnaam'; the w:tag of its form control
    type: Veldtype
    omschrijving: str
    blad: Blad | None = None  # None: computed by the tool, never read from a column
    aliassen: tuple[str, ...] = ()
    verplicht: bool = False
    voorbeeld: str = ""
    keuzes: tuple[str, ...] = ()
    invultekst: str = ""  # Dutch placeholder shown in an empty form control

    @property
    def naam(self) -> str:
        """The attribute name on its record: the last part of the template name."""
        return self.pad.rsplit(".", 1)[-1]

    @property
    def kolommen(self) -> tuple[str, ...]:
        return self.aliassen


def _v(pad: str, type: Veldtype, omschrijving: str, blad: Blad | None = None, aliassen: str = "",
       **kwargs) -> Veld:
    names = tuple(a.strip() for a in aliassen.split("|") if a.strip())
    return Veld(pad, type, omschrijving, blad, names, **kwargs)


T, LT, D, JN, K, KS, ID = (Veldtype.TEKST, Veldtype.LANGE_TEKST, Veldtype.DATUM, Veldtype.JA_NEE,
                           Veldtype.KEUZE, Veldtype.KEUZES, Veldtype.ID)
_LLNR = "Stamnummer|Stamnr|Leerlingnummer|Leerlingnr|Llnr|Lln nr|Deelnemernummer|Deelnemersnummer|" \
        "Studentnummer|Leerling id|Leerlingcode|Leerlingcodes"

VELDEN: tuple[Veld, ...] = (
    # --- Leerling (sheet Leerlingen) ---
    _v("leerling.leerlingnummer", ID, "Leerlingnummer (stamnummer) van de school; nooit het BSN.",
       LEERLINGEN, _LLNR, verplicht=True, voorbeeld="004512"),
    _v("leerling.roepnaam", T, "Roepnaam van de leerling.", LEERLINGEN,
       "Roepnaam|Voornaam|Roep naam|First name", verplicht=True, voorbeeld="Aisha",
       invultekst="Vul de roepnaam in."),
    _v("leerling.tussenvoegsel", T, "Tussenvoegsel van de achternaam.", LEERLINGEN,
       "Tussenvoegsel|Tussenvoegsels|Tussenv|Voorvoegsel|Voorvoegsels|Tv", voorbeeld="van der",
       invultekst="Vul het tussenvoegsel in."),
    _v("leerling.achternaam", T, "Achternaam van de leerling.", LEERLINGEN,
       "Achternaam|Geslachtsnaam|Familienaam", verplicht=True, voorbeeld="El Idrissi",
       invultekst="Vul de achternaam in."),
    _v("leerling.geboortedatum", D, "Geboortedatum.", LEERLINGEN,
       "Geboortedatum|Geb.datum|Geb datum|Geboren|Geb. dat.", verplicht=True, voorbeeld="14-03-2013"),
    _v("leerling.klas", T, "Klas of stamgroep.", LEERLINGEN,
       "Klas|Stamklas|Stamgroep|Basisgroep|Klas/groep", verplicht=True, voorbeeld="1B",
       invultekst="Vul de klas in."),
    _v("leerling.leerjaar", T, "Leerjaar.", LEERLINGEN, "Leerjaar|Jaarlaag", voorbeeld="1"),
    _v("leerling.onderwijssoort", K, "Huidige onderwijssoort (leerweg, niveau).", LEERLINGEN,
       "Onderwijssoort|Studie|Opleiding|Afdeling|Leerweg|Niveau", voorbeeld="vmbo-kb",
       keuzes=ONDERWIJSSOORTEN, invultekst="Kies de onderwijssoort."),
    _v("leerling.mentor", T, "Mentor of klassenmentor.", LEERLINGEN,
       "Mentor|Klassenmentor|Klassenmentor 1|Coach|Slb|Studieloopbaanbegeleider",
       voorbeeld="mw. J. de Boer", invultekst="Vul de mentor in."),
    _v("leerling.datum_inschrijving", D, "Datum van inschrijving op school; start van de zes weken bij "
       "een intake-OPP.", LEERLINGEN,
       "Datum inschrijving|Inschrijfdatum|Instroomdatum|Datum instroom|Startdatum inschrijving|Datum in",
       voorbeeld="01-08-2026"),
    _v("leerling.vorige_school", T, "Vorige school (PO, SBO, SO of VO).", LEERLINGEN,
       "Vorige school|School van herkomst|Toeleverende school|Basisschool", voorbeeld="Basisschool De Regenboog",
       invultekst="Vul de vorige school in."),
    _v("leerling.schooladvies", T, "Schooladvies van de basisschool.", LEERLINGEN,
       "Schooladvies|Advies PO|Basisschooladvies|Advies", voorbeeld="vmbo-k",
       invultekst="Vul het schooladvies in."),
    _v("leerling.lwoo", JN, "Leerweg ondersteunend onderwijs (lwoo).", LEERLINGEN, "Lwoo|Lwoo indicatie",
       voorbeeld="nee"),
    _v("leerling.bsn", Veldtype.GEHEIM, "Burgerservicenummer: wordt nooit gelezen of gebruikt. Deze kolom "
       "kan uit de export weg.", LEERLINGEN, "BSN|Burgerservicenummer|Sofinummer|Sofi nummer|Onderwijsnummer|"
       "Persoonsgebonden nummer|Pgn"),
    # --- OPP, per leerling (optional columns on the Leerlingen sheet) ---
    _v("opp.nodig", JN, "Heeft de leerling een OPP nodig? Zonder deze kolom krijgt elke leerling een OPP.",
       LEERLINGEN, "OPP|OPP nodig|Extra ondersteuning|Extra ondersteuningsbehoefte", voorbeeld="ja"),
    _v("opp.aanleiding", KS, "Aanleiding voor het OPP; meerdere keuzes gescheiden door ';'.", LEERLINGEN,
       "Aanleiding OPP|Aanleiding", voorbeeld=AANLEIDINGEN[0], keuzes=AANLEIDINGEN),
    _v("opp.soort", K, "Soort OPP.", LEERLINGEN, "Soort OPP|Type OPP", voorbeeld="Intake-OPP",
       keuzes=("Intake-OPP", "OPP", "Bijgesteld OPP"), invultekst="Kies de soort OPP."),
    _v("opp.datum_afspraak_extra_ondersteuning", D, "Datum waarop extra ondersteuning is afgesproken "
       "(start van de zes weken tijdens de schoolloopbaan).", LEERLINGEN,
       "Datum afspraak extra ondersteuning|Datum extra ondersteuning|Start extra ondersteuning"),
    _v("opp.datum_definitieve_plaatsing", D, "Datum van definitieve plaatsing na een tijdelijke plaatsing.",
       LEERLINGEN, "Datum definitieve plaatsing|Definitieve plaatsing"),
    _v("opp.opgesteld_door", T, "Naam en functie van wie het OPP opstelt.", LEERLINGEN,
       "Opgesteld door|Ondersteuningscoordinator|Zorgcoordinator", invultekst="Naam en functie."),
    _v("opp.startdatum", D, "Startdatum OPP, voor de registratie bij DUO.", LEERLINGEN,
       "Startdatum OPP|Begindatum OPP", invultekst="Kies de startdatum."),
    _v("opp.einddatum", D, "Einddatum OPP, voor de registratie bij DUO.", LEERLINGEN,
       "Einddatum OPP", invultekst="Kies de einddatum."),
    _v("opp.datum_vaststelling", D, "Datum waarop het bevoegd gezag het OPP vaststelt.", LEERLINGEN,
       "Datum vaststelling|Vastgesteld op", invultekst="Kies de datum van vaststelling."),
    _v("opp.uitstroomprofiel", K, "Uitstroomprofiel.", LEERLINGEN, "Uitstroomprofiel",
       keuzes=("Vervolgonderwijs", "Arbeid", "Dagbesteding"), invultekst="Kies het uitstroomprofiel."),
    _v("opp.uitstroombestemming", K, "Verwachte uitstroombestemming.", LEERLINGEN,
       "Uitstroombestemming|Verwachte uitstroombestemming|Uitstroomniveau",
       keuzes=("vmbo-bb", "vmbo-kb", "vmbo-gl", "vmbo-tl", "havo", "vwo", "mbo entree (niveau 1)",
               "mbo niveau 2", "arbeid", "arbeid met ondersteuning", "dagbesteding"),
       invultekst="Kies de verwachte uitstroombestemming."),
    _v("opp.onderbouwing", LT, "Onderbouwing van de uitstroombestemming, met de bevorderende en "
       "belemmerende factoren.", LEERLINGEN, "Onderbouwing|Onderbouwing uitstroom",
       invultekst="Onderbouw de verwachte uitstroombestemming."),
    _v("leerling.ondersteuningsbehoefte", LT, "Onderwijs- en ondersteuningsbehoefte.", LEERLINGEN,
       "Ondersteuningsbehoefte|Ondersteuningsbehoeften|Onderwijsbehoefte|Onderwijsbehoeften|Hulpvraag",
       invultekst="Beschrijf wat de leerling nodig heeft."),
    # --- Computed by the tool ---
    _v("leerling.naam", T, "Volledige naam: roepnaam, tussenvoegsel, achternaam.", voorbeeld="Aisha El Idrissi"),
    _v("opp.schooljaar", T, "Schooljaar van het OPP.", voorbeeld="2026-2027"),
    _v("opp.datum_opgesteld", D, "Datum waarop het document is gemaakt."),
    _v("opp.uiterste_vaststelling", D, "Uiterste datum van vaststelling: zes weken na de start."),
    _v("opp.volgende_evaluatie", D, "Datum van de volgende evaluatie: uiterlijk een jaar na de start."),
    # --- Ouders ---
    _v("ouder.leerlingnummer", ID, "Leerlingnummer van het kind.", OUDERS, _LLNR + "|Kinderen",
       verplicht=True),
    _v("ouder.naam", T, "Naam van de ouder of verzorger.", OUDERS,
       "Naam|Naam ouder|Naam verzorger|Ouder|Verzorger|Achternaam", verplicht=True,
       voorbeeld="M. El Idrissi", invultekst="Naam ouder/verzorger."),
    _v("ouder.relatie", T, "Relatie tot de leerling (moeder, vader, verzorger, voogd).", OUDERS,
       "Relatie|Relatie tot leerling|Soort relatie|Rol|Type verzorger", voorbeeld="moeder",
       invultekst="Relatie."),
    _v("ouder.gezag", JN, "Heeft ouderlijk gezag (tekent voor instemming).", OUDERS,
       "Gezag|Ouderlijk gezag|Wettelijk vertegenwoordiger|Gezagsdrager", voorbeeld="ja"),
    _v("ouder.telefoon", Veldtype.TELEFOON, "Telefoonnummer.", OUDERS,
       "Telefoon|Telefoonnummer|Tel|Mobiel|Mobiel nummer|Telefoon mobiel", voorbeeld="0612345678",
       invultekst="Telefoon."),
    _v("ouder.email", Veldtype.EMAIL, "E-mailadres.", OUDERS, "E-mail|Email|E-mailadres|Emailadres",
       voorbeeld="ouder@example.nl", invultekst="E-mail."),
    # --- Doelen ---
    _v("doel.leerlingnummer", ID, "Leerlingnummer.", DOELEN, _LLNR, verplicht=True),
    _v("doel.domein", K, "Domein van het doel.", DOELEN, "Domein|Ontwikkelingsgebied|Leergebied|Vak",
       keuzes=DOMEINEN, voorbeeld="Werkhouding", invultekst="Kies een domein."),
    _v("doel.omschrijving", LT, "Het doel (SMART).", DOELEN,
       "Doel|Doelen|Omschrijving|Leerdoel|Onderwijsdoel|Tussendoel", verplicht=True,
       voorbeeld="Plant zijn huiswerk zelfstandig in de agenda.", invultekst="Beschrijf het doel."),
    _v("doel.beginsituatie", T, "Beginsituatie.", DOELEN, "Beginsituatie|Huidige situatie",
       invultekst="Beginsituatie."),
    _v("doel.evaluatiecriterium", T, "Wanneer is het doel behaald?", DOELEN,
       "Evaluatiecriterium|Criterium|Wanneer behaald", invultekst="Wanneer is het doel behaald?"),
    _v("doel.startdatum", D, "Startdatum van het doel.", DOELEN, "Startdatum|Begindatum|Start",
       invultekst="Kies een datum."),
    _v("doel.streefdatum", D, "Streefdatum of evaluatiedatum.", DOELEN,
       "Streefdatum|Einddatum|Evaluatiedatum|Evaluatie", invultekst="Kies een datum."),
    # --- Ondersteuning ---
    _v("steun.leerlingnummer", ID, "Leerlingnummer.", ONDERSTEUNING, _LLNR, verplicht=True),
    _v("steun.domein", K, "Domein of gekoppeld doel.", ONDERSTEUNING, "Domein|Doel|Gekoppeld doel",
       keuzes=DOMEINEN, invultekst="Kies een domein."),
    _v("steun.wat", LT, "Wat: aanpak, interventie of training.", ONDERSTEUNING,
       "Wat|Aanpak|Interventie|Ondersteuning|Begeleiding|Omschrijving", verplicht=True,
       voorbeeld="Wekelijks planningsgesprek", invultekst="Wat wordt er gedaan?"),
    _v("steun.wie", T, "Door wie (naam of functie).", ONDERSTEUNING,
       "Wie|Door wie|Uitvoerder|Begeleider|Verantwoordelijke", voorbeeld="mentor",
       invultekst="Door wie?"),
    _v("steun.hoe_vaak", T, "Hoe vaak en hoe lang.", ONDERSTEUNING,
       "Hoe vaak|Frequentie|Omvang|Hoeveel", voorbeeld="1x per week 30 min", invultekst="Hoe vaak?"),
    _v("steun.waar", T, "Waar: in de klas, buiten de klas, bovenschools, extern.", ONDERSTEUNING,
       "Waar|Locatie|Plaats", voorbeeld="buiten de klas", invultekst="Waar?"),
    _v("steun.middelen", T, "Middelen, hulpmiddelen of materialen.", ONDERSTEUNING,
       "Middelen|Hulpmiddelen|Materialen", invultekst="Middelen."),
    _v("steun.startdatum", D, "Begin van de ondersteuning.", ONDERSTEUNING, "Startdatum|Begindatum|Van",
       invultekst="Kies een datum."),
    _v("steun.einddatum", D, "Einde van de ondersteuning.", ONDERSTEUNING, "Einddatum|Tot|Tot en met",
       invultekst="Kies een datum."),
    # --- Documenten ---
    _v("document.leerlingnummer", ID, "Leerlingnummer.", DOCUMENTEN, _LLNR, verplicht=True),
    _v("document.soort", T, "Soort document (IOP, plan van aanpak, onderwijskundig rapport, ...).",
       DOCUMENTEN, "Soort|Type|Documenttype|Soort document", verplicht=True, voorbeeld="IOP"),
    _v("document.titel", T, "Titel van het document.", DOCUMENTEN, "Titel|Naam document|Document",
       verplicht=True, voorbeeld="IOP rekenen 2026"),
    _v("document.datum", D, "Datum van het document.", DOCUMENTEN, "Datum|Datum document"),
    _v("document.vindplaats", Veldtype.LINK, "Vindplaats: internetadres of pad naar het bestand.", DOCUMENTEN,
       "Vindplaats|Link|Url|Bestand|Pad|Locatie|Link / bestand", voorbeeld="https://lvs.example.nl/iop/4512"),
    # --- Betrokkenen ---
    _v("betrokkene.leerlingnummer", ID, "Leerlingnummer.", BETROKKENEN, _LLNR, verplicht=True),
    _v("betrokkene.naam", T, "Naam van de betrokkene.", BETROKKENEN, "Naam", verplicht=True,
       invultekst="Naam."),
    _v("betrokkene.functie", T, "Functie.", BETROKKENEN, "Functie", invultekst="Functie."),
    _v("betrokkene.organisatie", T, "Organisatie.", BETROKKENEN, "Organisatie|Instelling",
       invultekst="Organisatie."),
    _v("betrokkene.rol", T, "Rol bij het OPP.", BETROKKENEN, "Rol|Rol in OPP", invultekst="Rol."),
    # --- Factoren ---
    _v("factor.leerlingnummer", ID, "Leerlingnummer.", FACTOREN, _LLNR, verplicht=True),
    _v("factor.domein", K, "Domein.", FACTOREN, "Domein", keuzes=DOMEINEN, verplicht=True),
    _v("factor.bevorderend", LT, "Bevorderende factoren.", FACTOREN,
       "Bevorderend|Bevorderende factoren|Stimulerende factoren", invultekst="Bevorderende factoren."),
    _v("factor.belemmerend", LT, "Belemmerende factoren.", FACTOREN,
       "Belemmerend|Belemmerende factoren", invultekst="Belemmerende factoren."),
)

_BY_PAD = {v.pad: v for v in VELDEN}


def veld(pad: str) -> Veld:
    """The field named `pad`; KeyError when no field has that name."""
    return _BY_PAD[pad]


def bekend(pad: str) -> bool:
    return pad in _BY_PAD


def alle_namen() -> tuple[str, ...]:
    return tuple(_BY_PAD)


def velden_van(blad: Blad) -> tuple[Veld, ...]:
    """The fields read from columns of this kind of sheet, in registry order."""
    return tuple(v for v in VELDEN if v.blad is blad)


_SEPARATORS = re.compile(r"[\s\-_/.:;,()]+")


def normaliseer_kop(text: object) -> str:
    """A header as it is matched: NFKC, NBSP and zero-width characters gone, casefolded, punctuation
    as spaces. 'Stamnr.' and 'STAMNR' and 'Stamnr\xa0' all become 'stamnr'."""
    s = unicodedata.normalize("NFKC", str(text)).replace("\u200b", "").replace("\ufeff", "")
    return _SEPARATORS.sub(" ", s.casefold()).strip()


@cache
def kolom_index(blad: Blad) -> dict[str, Veld]:
    """Normalised alias -> field, for the columns of one kind of sheet."""
    index: dict[str, Veld] = {}
    for v in velden_van(blad):
        for alias in v.aliassen:
            index.setdefault(normaliseer_kop(alias), v)
    return index


@cache
def blad_index() -> dict[str, Blad]:
    """Normalised sheet-name alias -> kind of sheet."""
    return {normaliseer_kop(a): b for b in BLADEN for a in (b.naam, *b.aliassen)}
