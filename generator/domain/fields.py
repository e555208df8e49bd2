"""The vocabulary of the field registry: field types, the kinds of sheet, the closed lists of choices
and the `Field` record. The fields themselves are listed in registry.py."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FieldType(str, Enum):
    ID = "id"
    TEXT = "tekst"
    LONG_TEXT = "lange tekst"
    DATE = "datum"
    YES_NO = "ja/nee"
    CHOICE = "keuze"
    COMBO = "keuze of tekst"  # a list to choose from, or free text (Word's combo box)
    CHOICES = "meerkeuze"
    PHONE = "telefoon"
    POSTCODE = "postcode"
    EMAIL = "e-mail"
    LINK = "link"
    SECRET = "niet gebruikt"  # recognised so that it can be ignored (BSN): never read


@dataclass(frozen=True)
class SheetKind:
    """A kind of sheet (or CSV file) in an export, and the template names of its rows."""

    name: str
    aliases: tuple[str, ...]
    row: str  # template variable of one row, e.g. 'doel'
    list_name: str  # template variable of all rows of a student, e.g. 'doelen'
    description: str
    marks: tuple[str, ...] = ()  # fields whose column marks a sheet of this kind (read/columns.py)
    needs: tuple[str, ...] = ()  # ...together with a column of one of these fields


LEERLINGEN = SheetKind("Leerlingen", ("leerlingen", "leerling", "lln", "studenten", "deelnemers"),
                       "leerling", "", "Eén rij per leerling.",
                       ("klas", "geboortedatum", "leerjaar", "onderwijssoort", "mentor",
                        "datum_inschrijving"),
                       ("roepnaam", "achternaam", "volledige_naam"))
OUDERS = SheetKind("Ouders", ("ouders", "ouders verzorgers", "verzorgers", "ouder", "gezinsleden",
                              "contactpersonen"),
                   "ouder", "ouders", "Eén rij per ouder of verzorger, met het leerlingnummer.",
                   ("relatie", "gezag"))
DOELEN = SheetKind("Doelen", ("doelen", "doel", "leerdoelen", "ontwikkeldoelen"),
                   "doel", "doelen", "Eén rij per doel van het handelingsdeel.", ("omschrijving",))
ONDERSTEUNING = SheetKind("Ondersteuning", ("ondersteuning", "begeleiding", "aanpak", "interventies",
                                            "ondersteuning en begeleiding"),
                          "steun", "ondersteuning", "Eén rij per vorm van ondersteuning: wie, wat, hoe vaak.",
                          ("wat", "hoe_vaak"))
DOCUMENTEN = SheetKind("Documenten", ("documenten", "bronnen", "bijlagen", "verwijzingen"),
                       "document", "documenten", "Verwijzingen naar IOP, plan van aanpak, rapporten.",
                       ("vindplaats",), ("soort", "titel"))
BETROKKENEN = SheetKind("Betrokkenen", ("betrokkenen", "netwerk", "hulpverleners"),
                        "betrokkene", "betrokkenen", "Eén rij per betrokkene (netwerk rond de leerling).",
                        ("functie", "organisatie"))
FACTOREN = SheetKind("Factoren", ("factoren", "beeld van de leerling",
                                  "bevorderende en belemmerende factoren"),
                     "factor", "factoren", "Bevorderende en belemmerende factoren per domein.",
                     ("bevorderend", "belemmerend"))

SHEET_KINDS = (LEERLINGEN, OUDERS, DOELEN, ONDERSTEUNING, DOCUMENTEN, BETROKKENEN, FACTOREN)

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
# Instemming is one answer per signer: one drop-down, never two boxes that can both be ticked. Unanswered
# is the drop-down's prompt, not one of these.
INSTEMMING = ("Stemt in met het handelingsdeel", "Stemt niet in met het handelingsdeel", "Nog niet besproken")
# What exports and the form of 2026 wrote for an instemming answer (compared case-insensitively).
INSTEMMING_SYNONIEMEN = tuple((said, INSTEMMING[answer]) for answer, words in enumerate((
    ("Ik stem in met het handelingsdeel", "stemt in", "ik stem in", "ingestemd", "ja", "j", "akkoord", "wel",
     "wel akkoord"),
    ("Ik stem niet in met het handelingsdeel", "stemt niet in", "ik stem niet in", "niet ingestemd", "nee",
     "n", "niet akkoord", "geen akkoord", "niet"),
    ("nog niet", "niet besproken", "nog te bespreken"))) for said in words)
GEZAG = ("ja", "nee", "onbekend")
JA_NEE = ("ja", "nee")
# The expected uitstroombestemming (opp-domein.md §4 K): regulier VO with the combined levels, mbo by level,
# higher education, work and day care. A combo box: a school may type another destination.
UITSTROOMBESTEMMINGEN = (
    "praktijkonderwijs", "vmbo-bb", "vmbo-kb", "vmbo-gl", "vmbo-tl", "vmbo-gl/tl", "vmbo-t/havo", "havo",
    "havo/vwo", "vwo", "mbo entree (niveau 1)", "mbo niveau 2", "mbo niveau 3", "mbo niveau 4", "hbo", "wo",
    "arbeid", "arbeid met ondersteuning", "beschut werk", "dagbesteding",
)
BEKOSTIGING = ("school (basisondersteuning of SOP)", "SWV-arrangement", "gemeente (jeugdhulp)", "anders")
TLV_SOORTEN = ("geen", "praktijkonderwijs", "vso categorie laag", "vso categorie midden",
               "vso categorie hoog")
PLAATSING = ("definitief", "tijdelijk")
# What exports write for an onderwijssoort, normalised to the form's list (compared case-insensitively,
# after ONDERWIJSSOORTEN themselves). 'mavo' is the old name of vmbo-tl; atheneum and gymnasium are vwo.
ONDERWIJSSOORT_SYNONIEMEN = {
    "mavo": "vmbo-tl", "vmbo-t": "vmbo-tl", "vmbo t": "vmbo-tl", "vmbo tl": "vmbo-tl", "tl": "vmbo-tl",
    "vmbo-mavo": "vmbo-tl", "vmbo gl": "vmbo-gl", "gl": "vmbo-gl", "vmbo-g": "vmbo-gl",
    "vmbo-gt": "vmbo-gl", "vmbo kb": "vmbo-kb", "vmbo-k": "vmbo-kb", "kb": "vmbo-kb", "kader": "vmbo-kb",
    "vmbo kader": "vmbo-kb", "vmbo bb": "vmbo-bb", "vmbo-b": "vmbo-bb", "bb": "vmbo-bb", "basis": "vmbo-bb",
    "vmbo basis": "vmbo-bb", "pro": "praktijkonderwijs", "mavo/havo": "vmbo-t/havo",
    "vmbo-tl/havo": "vmbo-t/havo", "tl/havo": "vmbo-t/havo", "atheneum": "vwo", "gymnasium": "vwo",
    "tto vwo": "vwo", "havo vwo": "havo/vwo", "h/v": "havo/vwo", "m/h": "vmbo-t/havo",
    "voortgezet speciaal onderwijs": "vso", "internationale schakelklas": "isk",
}


@dataclass(frozen=True)
class Field:
    """One field: where it comes from, what it is, how a template names it."""

    path: str  # template name, e.g. 'leerling.roepnaam'; the w:tag of its form control
    type: FieldType
    description: str
    sheet: SheetKind | None = None  # None: computed by the tool, never read from a column
    aliases: tuple[str, ...] = ()
    required: bool = False  # expected: a missing column or value is reported; only the student number
    # and a name withhold a student (read/validator.py)
    example: str = ""
    choices: tuple[str, ...] = ()
    placeholder: str = ""  # Dutch placeholder shown in an empty form control
    optional: bool = False  # empty is a complete answer (no tussenvoegsel, no e-mail): no prompt on the form
    synonyms: tuple[tuple[str, str], ...] = ()  # (what an export writes, the choice it means)

    @property
    def name(self) -> str:
        """The attribute name on its record: the last part of the template name."""
        return self.path.rsplit(".", 1)[-1]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.aliases


def make_field(path: str, type: FieldType, description: str, sheet: SheetKind | None = None,
               aliases: str = "", **kwargs) -> Field:
    """A field with its aliases written as one '|'-separated string, as the registry lists them."""
    names = tuple(a.strip() for a in aliases.split("|") if a.strip())
    return Field(path, type, description, sheet, names, **kwargs)
