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
VOORZIENINGEN = (
    "regulier met extra ondersteuning", "special class", "tussenvoorziening", "bovenschoolse voorziening",
    "onderwijs-zorgarrangement", "vso", "praktijkonderwijs",
)
BESLUITEN = (
    "OPP voortzetten", "OPP bijstellen", "OPP beëindigen",
    "Verwijzing (TLV, tussenvoorziening of andere school)",
)
# Instemming is one answer, but the form shows it as two boxes to tick, as on paper.
INSTEMMING = ("Ik stem in met het handelingsdeel", "Ik stem niet in met het handelingsdeel")


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
        "Studentnummer|Leerling id|Leerlingcode|Leerlingcodes|Deelnemer nr|Leerling nr|Nummer"

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
       "Klas|Stamklas|Stamgroep|Basisgroep|Klas/groep|Groep|Jaargroep", verplicht=True, voorbeeld="1B",
       invultekst="Vul de klas in."),
    _v("leerling.leerjaar", T, "Leerjaar.", LEERLINGEN, "Leerjaar|Jaarlaag|Jaar", voorbeeld="1"),
    _v("leerling.onderwijssoort", K, "Huidige onderwijssoort (leerweg, niveau).", LEERLINGEN,
       "Onderwijssoort|Studie|Opleiding|Afdeling|Leerweg|Niveau|Richting", voorbeeld="vmbo-kb",
       keuzes=ONDERWIJSSOORTEN, invultekst="Kies de onderwijssoort."),
    _v("leerling.mentor", T, "Mentor of klassenmentor.", LEERLINGEN,
       "Mentor|Klassenmentor|Klassenmentor 1|Coach|Slb|Slb er|Studieloopbaanbegeleider|Groepsleerkracht|"
       "Leerkracht|Mentor(en)",
       voorbeeld="mw. J. de Boer", invultekst="Vul de mentor in."),
    _v("leerling.datum_inschrijving", D, "Datum van inschrijving op school; start van de zes weken bij "
       "een intake-OPP.", LEERLINGEN,
       "Datum inschrijving|Inschrijfdatum|Instroomdatum|Datum instroom|Startdatum inschrijving|Datum in|"
       "Begindatum",
       voorbeeld="01-08-2026"),
    _v("leerling.vorige_school", T, "Vorige school (PO, SBO, SO of VO).", LEERLINGEN,
       "Vorige school|School van herkomst|Toeleverende school|Basisschool",
       voorbeeld="Basisschool De Regenboog",
       invultekst="Vul de vorige school in."),
    _v("leerling.schooladvies", T, "Schooladvies van de basisschool.", LEERLINGEN,
       "Schooladvies|Advies PO|Basisschooladvies|Advies", voorbeeld="vmbo-k",
       invultekst="Vul het schooladvies in."),
    _v("leerling.lwoo", JN, "Leerweg ondersteunend onderwijs (lwoo).", LEERLINGEN, "Lwoo|Lwoo indicatie",
       voorbeeld="nee"),
    _v("leerling.bsn", Veldtype.GEHEIM, "Burgerservicenummer: wordt nooit gelezen of gebruikt. Deze kolom "
       "kan uit de export weg.", LEERLINGEN, "BSN|Burgerservicenummer|Sofinummer|Sofi nummer|Onderwijsnummer|"
       "Persoonsgebonden nummer|Pgn|Onderwijs nr"),
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
       "Opgesteld door|Ondersteuningscoordinator|Zorgcoordinator", invultekst="Vul naam en functie in."),
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
    # --- Form sections filled by the school (optional columns on the Leerlingen sheet) ---
    _v("leerling.voorziening", K, "Voorziening of arrangement.", LEERLINGEN,
       "Voorziening|Arrangement|Voorziening arrangement", keuzes=VOORZIENINGEN,
       invultekst="Kies de voorziening."),
    _v("leerling.schoolloopbaan", LT, "Schoolloopbaan: scholen, doublures, overstappen.", LEERLINGEN,
       "Schoolloopbaan|Loopbaan|Schoolverloop", invultekst="Beschrijf de schoolloopbaan."),
    _v("leerling.leergegevens", LT, "Didactische en cognitieve gegevens (toetsen, niveaus).", LEERLINGEN,
       "Didactische gegevens|Leergegevens|Toetsgegevens|Leerresultaten",
       invultekst="Vat de leergegevens samen."),
    _v("leerling.verzuim", T, "Verzuim en aanwezigheid (samenvatting).", LEERLINGEN,
       "Verzuim|Aanwezigheid", invultekst="Vat het verzuim samen."),
    _v("opp.school", T, "Naam van de school.", LEERLINGEN, "School|Schoolnaam|Naam school|Naam vestiging",
       voorbeeld="Voorbeeldcollege Amsterdam", invultekst="Vul de naam van de school in."),
    _v("opp.brin", T, "BRIN-nummer en vestiging.", LEERLINGEN, "BRIN|Brinnummer|Brin nummer|Brin code",
       voorbeeld="99XX00", invultekst="Vul BRIN en vestiging in."),
    _v("opp.bevoegd_gezag", T, "Bevoegd gezag (schoolbestuur) dat het OPP vaststelt.", LEERLINGEN,
       "Bevoegd gezag|Schoolbestuur|Bestuur", invultekst="Vul het bevoegd gezag in."),
    _v("opp.contactpersoon_school", T, "Ondersteuningscoördinator of contactpersoon van de school "
       "(naam, e-mail, telefoon).", LEERLINGEN, "Contactpersoon school|Contactpersoon ondersteuning",
       invultekst="Vul naam, e-mail en telefoon in."),
    _v("opp.aanleiding_anders", T, "Andere aanleiding voor het OPP.", LEERLINGEN,
       "Aanleiding anders|Andere aanleiding|Toelichting aanleiding",
       invultekst="Beschrijf een andere aanleiding."),
    _v("opp.uitstroommoment", T, "Verwacht moment van uitstroom (schooljaar).", LEERLINGEN,
       "Verwacht moment van uitstroom|Uitstroommoment|Uitstroomjaar", voorbeeld="2029-2030",
       invultekst="Vul het schooljaar van uitstroom in."),
    _v("opp.afwijking_onderwijssoort", K, "Wijkt de uitstroom af van de huidige onderwijssoort?", LEERLINGEN,
       "Afwijking onderwijssoort|Afstroom opstroom", keuzes=("nee", "afstroom verwacht", "opstroom mogelijk"),
       invultekst="Kies een antwoord."),
    _v("opp.geen_afwijkingen", JN, "Er zijn geen afwijkingen van het onderwijsprogramma.", LEERLINGEN,
       "Geen afwijkingen"),
    _v("opp.afwijkingen", KS, "Afwijkingen van het onderwijsprogramma; meerdere keuzes gescheiden door ';'.",
       LEERLINGEN, "Afwijkingen|Afwijkingen onderwijsprogramma", keuzes=AFWIJKINGEN,
       voorbeeld=AFWIJKINGEN[1]),
    _v("opp.afwijkingen_toelichting", LT, "Toelichting op de afwijkingen.", LEERLINGEN,
       "Toelichting afwijkingen", invultekst="Licht de afwijkingen toe."),
    _v("opp.afspraken_ouders", LT, "Afspraken met ouders (thuis).", LEERLINGEN,
       "Afspraken met ouders|Afspraken ouders|Afspraken thuis",
       invultekst="Beschrijf de afspraken met ouders."),
    _v("opp.afspraken_leerling", LT, "Afspraken met de leerling (eigen inzet).", LEERLINGEN,
       "Afspraken met leerling|Afspraken leerling|Eigen inzet leerling",
       invultekst="Beschrijf de afspraken met de leerling."),
    _v("opp.datum_hoorrecht", D, "Datum waarop de leerling is gehoord over het OPP (hoorrecht).", LEERLINGEN,
       "Leerling gehoord op|Datum hoorrecht|Datum gesprek leerling", invultekst="Kies de datum."),
    _v("opp.wijze_hoorrecht", K, "Hoe de leerling is gehoord.", LEERLINGEN, "Wijze hoorrecht|Wijze gehoord",
       keuzes=("gesprek", "schriftelijk", "via mentor", "anders"), invultekst="Kies hoe."),
    _v("opp.mening_leerling", LT, "Mening en wensen van de leerling.", LEERLINGEN,
       "Mening leerling|Inbreng leerling|Wensen leerling",
       invultekst="Wat vindt de leerling, wat wil hij of zij?"),
    _v("opp.mening_meegewogen", LT, "Hoe de mening van de leerling is meegewogen.", LEERLINGEN,
       "Mening meegewogen|Hoe meegewogen", invultekst="Hoe is de mening meegewogen?"),
    _v("opp.datum_overleg_ouders", D, "Datum van het overleg met ouders (op overeenstemming gericht).",
       LEERLINGEN, "Datum overleg ouders|Datum OOGO|Overleg ouders", invultekst="Kies de datum."),
    _v("opp.aanwezig_overleg", T, "Aanwezig bij het overleg met ouders.", LEERLINGEN,
       "Aanwezig overleg|Aanwezig bij overleg", invultekst="Wie waren er?"),
    _v("opp.inbreng_ouders", LT, "Inbreng en zienswijze van de ouders.", LEERLINGEN,
       "Inbreng ouders|Zienswijze ouders", invultekst="Wat brachten de ouders in?"),
    _v("opp.overeenstemming_perspectief", K, "Overeenstemming over het perspectiefdeel.", LEERLINGEN,
       "Overeenstemming perspectiefdeel|Overeenstemming", keuzes=("ja", "nee", "deels"),
       invultekst="Kies een antwoord."),
    _v("opp.datum_evaluatie", D, "Datum van de evaluatie.", LEERLINGEN, "Datum evaluatie|Geëvalueerd op",
       invultekst="Kies de datum."),
    _v("opp.aanwezig_evaluatie", T, "Aanwezig bij de evaluatie.", LEERLINGEN,
       "Aanwezig evaluatie|Aanwezig bij evaluatie", invultekst="Wie waren er?"),
    _v("opp.effect_ondersteuning", LT, "Effect van de ondersteuning.", LEERLINGEN,
       "Effect ondersteuning|Evaluatie ondersteuning", invultekst="Wat heeft de ondersteuning opgeleverd?"),
    _v("opp.uitstroom_na_evaluatie", K, "Uitstroombestemming na de evaluatie.", LEERLINGEN,
       "Uitstroombestemming na evaluatie", keuzes=("gehandhaafd", "bijgesteld"),
       invultekst="Kies een antwoord."),
    _v("opp.besluit", K, "Besluit na de evaluatie.", LEERLINGEN, "Besluit|Besluit evaluatie",
       keuzes=BESLUITEN, invultekst="Kies het besluit."),
    _v("opp.instemming_ouder1", KS, "Instemming van ouder/verzorger 1 met het handelingsdeel.", LEERLINGEN,
       "Instemming ouder 1|Instemming handelingsdeel", keuzes=INSTEMMING),
    _v("opp.perspectief_besproken_ouder1", JN, "Het perspectiefdeel is met ouder/verzorger 1 besproken.",
       LEERLINGEN, "Perspectiefdeel besproken ouder 1|Perspectiefdeel besproken"),
    _v("opp.datum_ondertekening_ouder1", D, "Datum van ondertekening door ouder/verzorger 1.", LEERLINGEN,
       "Datum ondertekening ouder 1", invultekst="Kies de datum."),
    _v("opp.instemming_ouder2", KS, "Instemming van ouder/verzorger 2 met het handelingsdeel.", LEERLINGEN,
       "Instemming ouder 2", keuzes=INSTEMMING),
    _v("opp.perspectief_besproken_ouder2", JN, "Het perspectiefdeel is met ouder/verzorger 2 besproken.",
       LEERLINGEN, "Perspectiefdeel besproken ouder 2"),
    _v("opp.datum_ondertekening_ouder2", D, "Datum van ondertekening door ouder/verzorger 2.", LEERLINGEN,
       "Datum ondertekening ouder 2", invultekst="Kies de datum."),
    _v("opp.opmerkingen_ouders", LT, "Opmerkingen van de ouders bij de ondertekening.", LEERLINGEN,
       "Opmerkingen ouders", invultekst="Ruimte voor opmerkingen van de ouders."),
    _v("opp.besproken_met_leerling", JN, "Het OPP is met de leerling besproken.", LEERLINGEN,
       "Besproken met leerling|OPP besproken met leerling"),
    _v("opp.instemming_leerling", KS,
       "Instemming van de leerling van 18 jaar of ouder met het handelingsdeel.", LEERLINGEN,
       "Instemming leerling", keuzes=INSTEMMING),
    _v("opp.datum_ondertekening_leerling", D, "Datum van ondertekening door de leerling.", LEERLINGEN,
       "Datum ondertekening leerling", invultekst="Kies de datum."),
    _v("opp.vastgesteld_door", T, "Naam van wie het OPP vaststelt namens het bevoegd gezag.", LEERLINGEN,
       "Vastgesteld door|Namens bevoegd gezag", invultekst="Vul de naam in."),
    _v("opp.functie_vaststeller", T, "Functie van wie het OPP vaststelt.", LEERLINGEN, "Functie vaststeller",
       invultekst="Vul de functie in."),
    _v("opp.geregistreerd_duo", JN, "Begin- en einddatum van het OPP zijn geregistreerd bij DUO (ROD).",
       LEERLINGEN, "Geregistreerd bij DUO|Geregistreerd in ROD|ROD geregistreerd"),
    _v("opp.gedeeld_met_swv", JN, "Het OPP is gedeeld met het samenwerkingsverband.", LEERLINGEN,
       "Gedeeld met SWV|Gedeeld met samenwerkingsverband"),
    _v("opp.opslaglocatie", T, "Opslaglocatie of LVS-dossier van het OPP.", LEERLINGEN,
       "Opslaglocatie|LVS dossier", invultekst="Waar is het OPP opgeslagen?"),
    # --- Computed by the tool ---
    _v("leerling.naam", T, "Volledige naam: roepnaam, tussenvoegsel, achternaam.",
       voorbeeld="Aisha El Idrissi"),
    _v("opp.schooljaar", T, "Schooljaar van het OPP.", voorbeeld="2026-2027"),
    _v("opp.datum_opgesteld", D, "Datum waarop het document is gemaakt."),
    _v("opp.uiterste_vaststelling", D, "Uiterste datum van vaststelling: zes weken na de start."),
    _v("opp.volgende_evaluatie", D, "Datum van de volgende evaluatie: uiterlijk een jaar na de start."),
    _v("opp.start_termijn", D, "Begin van de zes weken: definitieve plaatsing, anders de afspraak over "
       "extra ondersteuning, anders de inschrijving."),
    _v("opp.leerling_tekent", JN, "Ja als de leerling op de datum van vaststelling (of de uiterste datum) "
       "18 jaar of ouder is en zelf instemt met het handelingsdeel."),
    _v("opp.achttien_tijdens_plan", JN, "Ja als de leerling tijdens de looptijd van het plan 18 wordt: "
       "daarna stemt de leerling zelf in met wijzigingen."),
    _v("opp.ondertekenaars", T, "Wie instemt met het handelingsdeel: de ouders met gezag, of de leerling "
       "vanaf 18 jaar.", voorbeeld="M. El Idrissi, K. El Idrissi"),
    # --- Ouders ---
    _v("ouder.leerlingnummer", ID, "Leerlingnummer van het kind.", OUDERS, _LLNR + "|Kinderen",
       verplicht=True),
    _v("ouder.naam", T, "Naam van de ouder of verzorger.", OUDERS,
       "Naam|Naam ouder|Naam verzorger|Ouder|Verzorger|Achternaam", verplicht=True,
       voorbeeld="M. El Idrissi", invultekst="Vul de naam in."),
    _v("ouder.relatie", T, "Relatie tot de leerling (moeder, vader, verzorger, voogd).", OUDERS,
       "Relatie|Relatie tot leerling|Soort relatie|Rol|Type verzorger", voorbeeld="moeder",
       invultekst="Vul de relatie in."),
    _v("ouder.gezag", JN, "Heeft ouderlijk gezag (tekent voor instemming).", OUDERS,
       "Gezag|Ouderlijk gezag|Wettelijk vertegenwoordiger|Gezagsdrager", voorbeeld="ja"),
    _v("ouder.telefoon", Veldtype.TELEFOON, "Telefoonnummer.", OUDERS,
       "Telefoon|Telefoonnummer|Tel|Mobiel|Mobiel nummer|Telefoon mobiel|Telefoon thuis|Vast nummer|"
       "06 nummer", voorbeeld="0612345678",
       invultekst="Vul het telefoonnummer in."),
    _v("ouder.email", Veldtype.EMAIL, "E-mailadres.", OUDERS,
       "E-mail|Email|E-mailadres|Emailadres|E-mail ouder|Email ouder",
       voorbeeld="ouder@example.nl", invultekst="Vul het e-mailadres in."),
    # --- Doelen ---
    _v("doel.leerlingnummer", ID, "Leerlingnummer.", DOELEN, _LLNR, verplicht=True),
    _v("doel.domein", K, "Domein van het doel.", DOELEN, "Domein|Ontwikkelingsgebied|Leergebied|Vak",
       keuzes=DOMEINEN, voorbeeld="Werkhouding", invultekst="Kies een domein."),
    _v("doel.omschrijving", LT, "Het doel (SMART).", DOELEN,
       "Doel|Doelen|Omschrijving|Leerdoel|Onderwijsdoel|Tussendoel", verplicht=True,
       voorbeeld="Plant zijn huiswerk zelfstandig in de agenda.", invultekst="Beschrijf het doel."),
    _v("doel.beginsituatie", T, "Beginsituatie.", DOELEN, "Beginsituatie|Huidige situatie",
       invultekst="Beschrijf de beginsituatie."),
    _v("doel.evaluatiecriterium", T, "Wanneer is het doel behaald?", DOELEN,
       "Evaluatiecriterium|Criterium|Wanneer behaald", invultekst="Wanneer is het doel behaald?"),
    _v("doel.startdatum", D, "Startdatum van het doel.", DOELEN, "Startdatum|Begindatum|Start",
       invultekst="Kies een datum."),
    _v("doel.streefdatum", D, "Streefdatum of evaluatiedatum.", DOELEN,
       "Streefdatum|Einddatum|Evaluatiedatum|Evaluatie", invultekst="Kies een datum."),
    _v("doel.resultaat", K, "Resultaat bij de evaluatie.", DOELEN, "Resultaat|Behaald",
       keuzes=("behaald", "deels behaald", "niet behaald"), invultekst="Kies het resultaat."),
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
       "Middelen|Hulpmiddelen|Materialen", invultekst="Vul de middelen in."),
    _v("steun.startdatum", D, "Begin van de ondersteuning.", ONDERSTEUNING, "Startdatum|Begindatum|Van",
       invultekst="Kies een datum."),
    _v("steun.einddatum", D, "Einde van de ondersteuning.", ONDERSTEUNING, "Einddatum|Tot|Tot en met",
       invultekst="Kies een datum."),
    # --- Documenten ---
    _v("document.leerlingnummer", ID, "Leerlingnummer.", DOCUMENTEN, _LLNR, verplicht=True),
    _v("document.soort", T, "Soort document (IOP, plan van aanpak, onderwijskundig rapport, ...).",
       DOCUMENTEN, "Soort|Type|Documenttype|Soort document", verplicht=True, voorbeeld="IOP"),
    _v("document.titel", T, "Titel van het document.", DOCUMENTEN,
       "Titel|Naam document|Document|Omschrijving",
       verplicht=True, voorbeeld="IOP rekenen 2026"),
    _v("document.datum", D, "Datum van het document.", DOCUMENTEN, "Datum|Datum document"),
    _v("document.vindplaats", Veldtype.LINK, "Vindplaats: internetadres of pad naar het bestand.", DOCUMENTEN,
       "Vindplaats|Link|Url|Bestand|Pad|Locatie|Link / bestand", voorbeeld="https://lvs.example.nl/iop/4512"),
    # --- Betrokkenen ---
    _v("betrokkene.leerlingnummer", ID, "Leerlingnummer.", BETROKKENEN, _LLNR, verplicht=True),
    _v("betrokkene.naam", T, "Naam van de betrokkene.", BETROKKENEN, "Naam", verplicht=True,
       invultekst="Vul de naam in."),
    _v("betrokkene.functie", T, "Functie.", BETROKKENEN, "Functie", invultekst="Vul de functie in."),
    _v("betrokkene.organisatie", T, "Organisatie.", BETROKKENEN, "Organisatie|Instelling",
       invultekst="Vul de organisatie in."),
    _v("betrokkene.rol", T, "Rol bij het OPP.", BETROKKENEN, "Rol|Rol in OPP", invultekst="Vul de rol in."),
    # --- Factoren ---
    _v("factor.leerlingnummer", ID, "Leerlingnummer.", FACTOREN, _LLNR, verplicht=True),
    _v("factor.domein", K, "Domein.", FACTOREN, "Domein", keuzes=DOMEINEN, verplicht=True),
    _v("factor.bevorderend", LT, "Bevorderende factoren.", FACTOREN,
       "Bevorderend|Bevorderende factoren|Stimulerende factoren",
       invultekst="Beschrijf de bevorderende factoren."),
    _v("factor.belemmerend", LT, "Belemmerende factoren.", FACTOREN,
       "Belemmerend|Belemmerende factoren", invultekst="Beschrijf de belemmerende factoren."),
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


# Wide layout: guardians as numbered columns on the students sheet ('Ouder 1 naam', 'Naam
# ouder/verzorger 2', 'E-mail ouder 1', 'Telefoon verzorger 2', 'LPV1'). The number marks the guardian;
# the rest of the header is an Ouders alias, or nothing for the name ('Ouder1').
OUDER_NUMMER = re.compile(r"\b(?:ouders verzorgers|ouder verzorger|ouders?|verzorgers?|lpv)\s*([1-9])\b")


def ouder_kolom(kop: object) -> tuple[int, Veld] | None:
    """(guardian number, Ouders field) for a wide guardian column, else None."""
    norm = normaliseer_kop(kop)
    m = OUDER_NUMMER.search(norm)
    if not m:
        return None
    rest = " ".join((norm[:m.start()] + " " + norm[m.end():]).split())
    v = kolom_index(OUDERS).get(rest or "naam")
    if v is None or v.naam == "leerlingnummer":
        return None
    return int(m.group(1)), v
