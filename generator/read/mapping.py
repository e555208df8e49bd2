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
    bladen: dict[str, SheetKind] = field(default_factory=dict)
    _cache: dict[SheetKind, dict[str, Field]] = field(default_factory=dict, compare=False, repr=False)

    def column_index(self, blad: SheetKind) -> dict[str, Field]:
        """Normalised header -> field for one kind of sheet: the registry's aliases plus the school's."""
        if blad not in self._cache:
            self._cache[blad] = {**column_index(blad), **self.columns.get(blad, {})}
        return self._cache[blad]

    def blad(self, naam: str) -> SheetKind | None:
        key = normalize_header(naam)
        return self.bladen.get(key) or sheet_index().get(key)


NO_MAPPING = ColumnMapping()


def read_column_mapping(pad: Path | None) -> ColumnMapping:
    """Read a mapping file; a missing or wrong file raises InputError naming the problem."""
    if pad is None:
        return NO_MAPPING
    try:
        data = tomllib.loads(pad.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InputError(f"{pad}: kolommenbestand niet gevonden") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{pad}: kolommenbestand kan niet worden gelezen") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{pad}: kolommenbestand is geen geldige TOML ({exc}); "
                          'verwacht regels als "Lln ID" = "leerling.leerlingnummer"') from exc
    unknown = set(data) - {"kolommen", "bladen"}
    if unknown:
        raise InputError(f"{pad}: onbekende sectie(s) {', '.join(sorted(unknown))}; "
                          "verwacht [kolommen] en [bladen]")
    return ColumnMapping(_columns(pad, data.get("kolommen", {})), _bladen(pad, data.get("bladen", {})))


def _columns(pad: Path, table: dict) -> dict[SheetKind, dict[str, Field]]:
    result: dict[SheetKind, dict[str, Field]] = {}
    for heading, pad_veld in table.items():
        if not isinstance(pad_veld, str) or not is_known(pad_veld) or get_field(pad_veld).blad is None:
            raise InputError(f"{pad}: kolom '{heading}' verwijst naar '{pad_veld}', dat is geen veld uit een "
                              "kolom; `opp velden` toont de veldnamen (bijvoorbeeld leerling.roepnaam)")
        v = get_field(pad_veld)
        # the student number links every sheet: one name for it holds on each kind of sheet
        key = v.naam == "leerlingnummer"
        targets = [w for w in FIELDS if w.blad and w.naam == "leerlingnummer"] if key else [v]
        for w in targets:
            result.setdefault(w.blad, {})[normalize_header(heading)] = w
    return result


def _bladen(pad: Path, table: dict) -> dict[str, SheetKind]:
    by_name = {normalize_header(b.naam): b for b in SHEET_KINDS}
    result = {}
    for naam, soort in table.items():
        blad = by_name.get(normalize_header(str(soort)))
        if blad is None:
            names = ", ".join(b.naam for b in SHEET_KINDS)
            raise InputError(f"{pad}: blad '{naam}' verwijst naar '{soort}'; verwacht een van: {names}")
        result[normalize_header(naam)] = blad
    return result
