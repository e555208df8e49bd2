"""The domain records, typed and frozen: what one student's OPP is made of. No I/O here.

Attribute names equal the last part of the field names in fields.py (a test keeps them in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .findings import Bevinding


@dataclass(frozen=True)
class Ouder:
    leerlingnummer: str
    naam: str
    relatie: str = ""
    gezag: bool | None = None
    telefoon: str = ""
    email: str = ""


@dataclass(frozen=True)
class Doel:
    leerlingnummer: str
    omschrijving: str
    domein: str = ""
    beginsituatie: str = ""
    evaluatiecriterium: str = ""
    startdatum: date | None = None
    streefdatum: date | None = None


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Document:
    leerlingnummer: str
    soort: str
    titel: str
    datum: date | None = None
    vindplaats: str = ""


@dataclass(frozen=True)
class Betrokkene:
    leerlingnummer: str
    naam: str
    functie: str = ""
    organisatie: str = ""
    rol: str = ""


@dataclass(frozen=True)
class Factor:
    leerlingnummer: str
    domein: str
    bevorderend: str = ""
    belemmerend: str = ""


@dataclass(frozen=True)
class Leerling:
    """One student row with the OPP fields a school may keep on the students sheet."""

    leerlingnummer: str
    roepnaam: str
    achternaam: str
    geboortedatum: date
    klas: str
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
    uitstroomprofiel: str = ""
    uitstroombestemming: str = ""
    onderbouwing: str = ""

    @property
    def naam(self) -> str:
        return " ".join(p for p in (self.roepnaam, self.tussenvoegsel, self.achternaam) if p)


@dataclass(frozen=True)
class Opp:
    """Everything one student's OPP is made of, and the warnings that do not stop it."""

    leerling: Leerling
    ouders: tuple[Ouder, ...] = ()
    doelen: tuple[Doel, ...] = ()
    ondersteuning: tuple[Ondersteuning, ...] = ()
    documenten: tuple[Document, ...] = ()
    betrokkenen: tuple[Betrokkene, ...] = ()
    factoren: tuple[Factor, ...] = ()
    waarschuwingen: tuple[Bevinding, ...] = field(default=())
