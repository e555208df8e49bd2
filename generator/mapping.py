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

from .errors import InvoerError
from .fields import BLADEN, VELDEN, Blad, Veld, bekend, blad_index, kolom_index, normaliseer_kop, veld


@dataclass(frozen=True)
class Koppeling:
    """Extra header -> field and sheet name -> kind entries; the school's names win over the defaults."""

    kolommen: dict[Blad, dict[str, Veld]] = field(default_factory=dict)
    bladen: dict[str, Blad] = field(default_factory=dict)
    _cache: dict[Blad, dict[str, Veld]] = field(default_factory=dict, compare=False, repr=False)

    def kolom_index(self, blad: Blad) -> dict[str, Veld]:
        """Normalised header -> field for one kind of sheet: the registry's aliases plus the school's."""
        if blad not in self._cache:
            self._cache[blad] = {**kolom_index(blad), **self.kolommen.get(blad, {})}
        return self._cache[blad]

    def blad(self, naam: str) -> Blad | None:
        key = normaliseer_kop(naam)
        return self.bladen.get(key) or blad_index().get(key)


GEEN = Koppeling()


def lees_koppeling(pad: Path | None) -> Koppeling:
    """Read a mapping file; a missing or wrong file raises InvoerError naming the problem."""
    if pad is None:
        return GEEN
    try:
        data = tomllib.loads(pad.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InvoerError(f"{pad}: kolommenbestand niet gevonden") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvoerError(f"{pad}: kolommenbestand kan niet worden gelezen") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvoerError(f"{pad}: kolommenbestand is geen geldige TOML ({exc}); "
                          'verwacht regels als "Lln ID" = "leerling.leerlingnummer"') from exc
    unknown = set(data) - {"kolommen", "bladen"}
    if unknown:
        raise InvoerError(f"{pad}: onbekende sectie(s) {', '.join(sorted(unknown))}; "
                          "verwacht [kolommen] en [bladen]")
    return Koppeling(_kolommen(pad, data.get("kolommen", {})), _bladen(pad, data.get("bladen", {})))


def _kolommen(pad: Path, table: dict) -> dict[Blad, dict[str, Veld]]:
    result: dict[Blad, dict[str, Veld]] = {}
    for kop, pad_veld in table.items():
        if not isinstance(pad_veld, str) or not bekend(pad_veld) or veld(pad_veld).blad is None:
            raise InvoerError(f"{pad}: kolom '{kop}' verwijst naar '{pad_veld}', dat is geen veld uit een "
                              "kolom; `opp velden` toont de veldnamen (bijvoorbeeld leerling.roepnaam)")
        v = veld(pad_veld)
        # the student number links every sheet: one name for it holds on each kind of sheet
        key = v.naam == "leerlingnummer"
        targets = [w for w in VELDEN if w.blad and w.naam == "leerlingnummer"] if key else [v]
        for w in targets:
            result.setdefault(w.blad, {})[normaliseer_kop(kop)] = w
    return result


def _bladen(pad: Path, table: dict) -> dict[str, Blad]:
    by_name = {normaliseer_kop(b.naam): b for b in BLADEN}
    result = {}
    for naam, soort in table.items():
        blad = by_name.get(normaliseer_kop(str(soort)))
        if blad is None:
            names = ", ".join(b.naam for b in BLADEN)
            raise InvoerError(f"{pad}: blad '{naam}' verwijst naar '{soort}'; verwacht een van: {names}")
        result[normaliseer_kop(naam)] = blad
    return result
