"""Findings about the input: where (file, sheet, row, column), what, and how serious."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Ernst(str, Enum):
    """How serious a finding is: a fout skips the student, a waarschuwing does not."""

    FOUT = "fout"
    WAARSCHUWING = "waarschuwing"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Locatie:
    """A place in an input file as the user sees it in Excel."""

    bestand: str
    blad: str = ""
    rij: int | None = None
    kolom: str = ""  # column letter, as Excel shows it
    kop: str = ""  # the header text in that column

    def __str__(self) -> str:
        parts = [self.bestand]
        if self.blad:
            parts.append(f"blad '{self.blad}'")
        if self.rij is not None:
            parts.append(f"rij {self.rij}")
        if self.kolom:
            parts.append(f"kolom {self.kolom} '{self.kop}'" if self.kop else f"kolom {self.kolom}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Bevinding:
    """One finding; its text names the place, the problem and what is expected, never cell content
    of free-text fields."""

    ernst: Ernst
    locatie: Locatie
    melding: str
    leerlingnummer: str = ""

    def __str__(self) -> str:
        return f"{self.locatie}: {self.melding}"
