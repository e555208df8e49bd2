"""The domain records, typed and frozen: what one student's OPP is made of. No I/O here.

Attribute names equal the last part of the field names in fields.py (a test keeps them in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .findings import Finding, Origin


@dataclass(frozen=True, slots=True)
class Ouder:
    leerlingnummer: str
    naam: str
    relatie: str = ""
    gezag: bool | None = None
    telefoon: str = ""
    email: str = ""
    # the parts the name was put together from, when the export splits it
    aanhef: str = ""
    voorletters: str = ""
    roepnaam: str = ""
    tussenvoegsel: str = ""
    achternaam: str = ""
    origin: Origin | None = field(default=None, compare=False, repr=False)  # where each value stood


@dataclass(frozen=True, slots=True)
class Doel:
    leerlingnummer: str
    omschrijving: str
    domein: str = ""
    beginsituatie: str = ""
    evaluatiecriterium: str = ""
    startdatum: date | None = None
    streefdatum: date | None = None
    resultaat: str = ""
    origin: Origin | None = field(default=None, compare=False, repr=False)  # where each value stood


@dataclass(frozen=True, slots=True)
class Ondersteuning:
    leerlingnummer: str
    wat: str
    domein: str = ""
    wie: str = ""
    hoe_vaak: str = ""
    waar: str = ""
    middelen: str = ""
    startdatum: date | None = None
    einddatum: date | None = None
    doel: str = ""
    bekostiging: str = ""
    origin: Origin | None = field(default=None, compare=False, repr=False)  # where each value stood


@dataclass(frozen=True, slots=True)
class Document:
    leerlingnummer: str
    soort: str
    titel: str
    datum: date | None = None
    vindplaats: str = ""
    origin: Origin | None = field(default=None, compare=False, repr=False)  # where each value stood


@dataclass(frozen=True, slots=True)
class Betrokkene:
    leerlingnummer: str
    naam: str
    functie: str = ""
    organisatie: str = ""
    rol: str = ""
    origin: Origin | None = field(default=None, compare=False, repr=False)  # where each value stood


@dataclass(frozen=True, slots=True)
class Factor:
    leerlingnummer: str
    domein: str
    bevorderend: str = ""
    belemmerend: str = ""
    origin: Origin | None = field(default=None, compare=False, repr=False)  # where each value stood


@dataclass(frozen=True, slots=True)
class Leerling:
    """One student row with the OPP fields a school may keep on the students sheet."""

    leerlingnummer: str
    # Only the number is certain: what the export lacks is an open field on the form
    roepnaam: str = ""
    achternaam: str = ""
    geboortedatum: date | None = None
    klas: str = ""
    tussenvoegsel: str = ""
    leerjaar: str = ""
    onderwijssoort: str = ""
    mentor: str = ""
    datum_inschrijving: date | None = None
    vorige_school: str = ""
    schooladvies: str = ""
    lwoo: bool | None = None
    ondersteuningsbehoefte: str = ""
    # OPP fields kept per student
    nodig: bool | None = None
    aanleiding: tuple[str, ...] = ()
    soort: str = ""
    datum_afspraak_extra_ondersteuning: date | None = None
    datum_definitieve_plaatsing: date | None = None
    opgesteld_door: str = ""
    startdatum: date | None = None
    einddatum: date | None = None
    datum_vaststelling: date | None = None
    datum_laatste_evaluatie: date | None = None
    plaatsing: str = ""
    tlv: str = ""
    tlv_nummer: str = ""
    tlv_geldig_tot: date | None = None
    versie: str = ""
    vervangt_versie_van: date | None = None
    uitstroomprofiel: str = ""
    uitstroombestemming: str = ""
    onderbouwing: str = ""
    # Form sections the school may fill from the export; empty means an open field on the form
    voorziening: str = ""
    schoolloopbaan: str = ""
    leergegevens: str = ""
    verzuim: str = ""
    school: str = ""
    brin: str = ""
    vestiging: str = ""
    bevoegd_gezag: str = ""
    contactpersoon_school: str = ""
    aanleiding_anders: str = ""
    uitstroommoment: str = ""
    afwijking_onderwijssoort: str = ""
    geen_afwijkingen: bool | None = None
    afwijkingen: tuple[str, ...] = ()
    afwijkingen_anders: str = ""
    afwijkingen_toelichting: str = ""
    afspraken_ouders: str = ""
    afspraken_leerling: str = ""
    datum_hoorrecht: date | None = None
    wijze_hoorrecht: str = ""
    mening_leerling: str = ""
    mening_meegewogen: str = ""
    datum_overleg_ouders: date | None = None
    aanwezig_overleg: str = ""
    inbreng_ouders: str = ""
    overeenstemming_perspectief: str = ""
    datum_evaluatie: date | None = None
    aanwezig_evaluatie: str = ""
    effect_ondersteuning: str = ""
    uitstroom_na_evaluatie: str = ""
    besluit: str = ""
    instemming_ouder1: str = ""
    perspectief_besproken_ouder1: bool | None = None
    datum_ondertekening_ouder1: date | None = None
    instemming_ouder2: str = ""
    perspectief_besproken_ouder2: bool | None = None
    datum_ondertekening_ouder2: date | None = None
    opmerkingen_ouders: str = ""
    besproken_met_leerling: bool | None = None
    instemming_leerling: str = ""
    datum_ondertekening_leerling: date | None = None
    vastgesteld_door: str = ""
    functie_vaststeller: str = ""
    geregistreerd_duo: bool | None = None
    gedeeld_met_swv: bool | None = None
    opslaglocatie: str = ""
    volledige_naam: str = ""  # read only to be split when the export has no separate name columns
    origin: Origin | None = field(default=None, compare=False, repr=False)  # where each value stood

    @property
    def naam(self) -> str:
        return " ".join(p for p in (self.roepnaam, self.tussenvoegsel, self.achternaam) if p)


@dataclass(frozen=True, slots=True)
class School:
    """The school's own data, the same on every OPP: from school.toml (read/school.py), never per student."""

    naam: str = ""
    brin: str = ""
    vestiging: str = ""
    bevoegd_gezag: str = ""
    coordinator_naam: str = ""
    coordinator_email: str = ""
    coordinator_telefoon: str = ""
    samenwerkingsverband: str = ""

    @property
    def coordinator(self) -> str:
        """Naam, e-mail and telefoon of the ondersteuningscoördinator on one line, as the form shows them."""
        return ", ".join(p for p in (self.coordinator_naam, self.coordinator_email, self.coordinator_telefoon)
                         if p)


@dataclass(frozen=True, slots=True)
class Opp:
    """Everything one student's OPP is made of, and the warnings that do not stop it."""

    leerling: Leerling
    ouders: tuple[Ouder, ...] = ()
    doelen: tuple[Doel, ...] = ()
    ondersteuning: tuple[Ondersteuning, ...] = ()
    documenten: tuple[Document, ...] = ()
    betrokkenen: tuple[Betrokkene, ...] = ()
    factoren: tuple[Factor, ...] = ()
    waarschuwingen: tuple[Finding, ...] = field(default=())
