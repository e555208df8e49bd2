"""Findings about the input: where (file, sheet, row, column), what, and how serious."""

from __future__ import annotations

from collections.abc import Mapping
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

    file: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # column letter, as Excel shows it
    header: str = ""  # the header text in that column

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"blad '{self.sheet}'")
        if self.row is not None:
            parts.append(f"rij {self.row}")
        if self.column:
            parts.append(f"kolom {self.column} '{self.header}'" if self.header else f"kolom {self.column}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record's values stand in the export: its file, sheet and row, and the column of each
    field (by its name on the record). Shared per table, so that a record costs one small object."""

    file: str
    sheet: str
    row: int
    columns: Mapping[str, tuple[str, str]]  # field name -> (column letter, header text)

    def location(self, name: str = "") -> Location:
        """The cell of field `name` in the record's row; the row itself when the export has no such
        column (a value the export did not give)."""
        letter, header = self.columns.get(name, ("", ""))
        return Location(self.file, self.sheet, self.row, letter, header)


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
