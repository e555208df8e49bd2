"""The school's own column and sheet names (`--kolommen PAD`, TOML), on top of the registry's aliases.

A mapping file looks like this (field names as `opp velden` shows them); `opp kolommen` writes one:

    [kolommen]
    "Lln ID" = "leerling.leerlingnummer"
    "Naam begeleider" = "steun.wie"
    "Naam" = ["ouder.naam", "betrokkene.naam"]   # one header, a field on each kind of sheet
    "Nr" = ""                                     # never use this column

    [bladen]
    "Zorgdoelen" = "Doelen"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import InputError
from ..domain.fields import SHEET_KINDS, Field, SheetKind
from ..domain.headers import header_words, normalize_header, squash
from ..domain.registry import FIELDS, get_field, is_known, sheet_index


@dataclass(frozen=True)
class ColumnMapping:
    """The school's header -> field and sheet name -> kind entries; they win over the registry's
    aliases. A header mapped to None is never used."""

    columns: dict[SheetKind, dict[str, Field | None]] = field(default_factory=dict)  # by header_key
    sheets: dict[str, SheetKind] = field(default_factory=dict)

    def sheet(self, naam: str) -> SheetKind | None:
        key = normalize_header(naam)
        return self.sheets.get(key) or sheet_index().get(key)


NO_MAPPING = ColumnMapping()


def read_column_mapping(path: Path | None) -> ColumnMapping:
    """Read a mapping file; a missing or wrong file raises InputError naming the problem."""
    if path is None:
        return NO_MAPPING
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: kolommenbestand niet gevonden") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: kolommenbestand kan niet worden gelezen") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: kolommenbestand is geen geldige TOML ({exc}); "
                         'verwacht regels als "Lln ID" = "leerling.leerlingnummer"') from exc
    unknown = set(data) - {"kolommen", "bladen"}
    if unknown:
        raise InputError(f"{path}: onbekende sectie(s) {', '.join(sorted(unknown))}; "
                         "verwacht [kolommen] en [bladen]")
    return ColumnMapping(_columns(path, data.get("kolommen", {})), _sheets(path, data.get("bladen", {})))


def header_key(header: str) -> str:
    """A header as the mapping file matches it: case, spaces and punctuation do not count."""
    return squash(header_words(header))


def _columns(path: Path, table: dict) -> dict[SheetKind, dict[str, Field | None]]:
    result: dict[SheetKind, dict[str, Field | None]] = {}
    for header, value in table.items():
        paths = value if isinstance(value, list) else [value]
        if paths in ([""], []):  # the school says: never use this column
            for kind in SHEET_KINDS:
                result.setdefault(kind, {})[header_key(header)] = None
            continue
        for field_path in paths:
            for w in _targets(path, header, field_path):
                result.setdefault(w.sheet, {})[header_key(header)] = w
    return result


def _targets(path: Path, header: str, field_path: object) -> list[Field]:
    if not isinstance(field_path, str) or not is_known(field_path) or get_field(field_path).sheet is None:
        raise InputError(f"{path}: kolom '{header}' verwijst naar '{field_path}', dat is geen veld "
                         "uit een kolom; `opp velden` toont de veldnamen (bijvoorbeeld leerling.roepnaam)")
    v = get_field(field_path)
    # the student number links every sheet: one name for it holds on each kind of sheet
    if v.name == "leerlingnummer":
        return [w for w in FIELDS if w.sheet and w.name == "leerlingnummer"]
    return [v]


def _sheets(path: Path, table: dict) -> dict[str, SheetKind]:
    by_name = {normalize_header(b.name): b for b in SHEET_KINDS}
    result = {}
    for naam, soort in table.items():
        sheet = by_name.get(normalize_header(str(soort)))
        if sheet is None:
            names = ", ".join(b.name for b in SHEET_KINDS)
            raise InputError(f"{path}: blad '{naam}' verwijst naar '{soort}'; verwacht een van: {names}")
        result[normalize_header(naam)] = sheet
    return result
