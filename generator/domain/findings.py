"""Findings about the input: where (file, sheet, row, column), what, and how serious."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How serious a finding is: a fout skips the student, a waarschuwing does not."""

    ERROR = "fout"
    WARNING = "waarschuwing"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in an input file as the user sees it in Excel."""

    bestand: str
    blad: str = ""
    row: int | None = None
    kolom: str = ""  # column letter, as Excel shows it
    heading: str = ""  # the header text in that column

    def __str__(self) -> str:
        parts = [self.bestand]
        if self.blad:
            parts.append(f"blad '{self.blad}'")
        if self.row is not None:
            parts.append(f"rij {self.row}")
        if self.kolom:
            parts.append(f"kolom {self.kolom} '{self.heading}'" if self.heading else f"kolom {self.kolom}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding; its text names the place, the problem and what is expected, never cell content
    of free-text fields."""

    severity: Severity
    location: Location
    message: str
    leerlingnummer: str = ""

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"
