"""The school's own column and sheet names (`--kolommen PAD`, TOML), on top of the registry's aliases.

A mapping file looks like this (field names as `opp velden` shows them):

    [kolommen]
    "Lln ID" = "leerling.leerlingnummer"
    "Naam begeleider" = "steun.wie"

    [bladen]
    "Zorgdoelen" = "Doelen"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import InputError
from ..domain.fields import SHEET_KINDS, Field, SheetKind
from ..domain.registry import FIELDS, column_index, get_field, is_known, normalize_header, sheet_index


@dataclass(frozen=True)
class ColumnMapping:
    """Extra header -> field and sheet name -> kind entries; the school's names win over the defaults."""

    columns: dict[SheetKind, dict[str, Field]] = field(default_factory=dict)
    sheets: dict[str, SheetKind] = field(default_factory=dict)
    _cache: dict[SheetKind, dict[str, Field]] = field(default_factory=dict, compare=False, repr=False)

    def column_index(self, sheet: SheetKind) -> dict[str, Field]:
        """Normalised header -> field for one kind of sheet: the registry's aliases plus the school's."""
        if sheet not in self._cache:
            self._cache[sheet] = {**column_index(sheet), **self.columns.get(sheet, {})}
        return self._cache[sheet]

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


def _columns(path: Path, table: dict) -> dict[SheetKind, dict[str, Field]]:
    result: dict[SheetKind, dict[str, Field]] = {}
    for header, field_path in table.items():
        if not isinstance(field_path, str) or not is_known(field_path) or get_field(field_path).sheet is None:
            raise InputError(f"{path}: kolom '{header}' verwijst naar '{field_path}', dat is geen veld "
                             "uit een kolom; `opp velden` toont de veldnamen "
                             "(bijvoorbeeld leerling.roepnaam)")
        v = get_field(field_path)
        # the student number links every sheet: one name for it holds on each kind of sheet
        key = v.name == "leerlingnummer"
        targets = [w for w in FIELDS if w.sheet and w.name == "leerlingnummer"] if key else [v]
        for w in targets:
            result.setdefault(w.sheet, {})[normalize_header(header)] = w
    return result


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
