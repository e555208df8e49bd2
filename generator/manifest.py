"""The manifest: what this tool wrote into an output folder, so that a re-run can tell its own
untouched files from files a person edited.

One JSON file per output folder (`.opp-manifest.json`), replaced atomically at the end of a run. During
the run every change is also appended to a journal (`.opp-manifest.journaal`, one JSON object a line): a
run that is killed half-way leaves the journal, and the next run replays it. The manifest holds no
student data: paths (student numbers only), hashes and times.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

from .errors import UitvoerError
from .findings import Bevinding, Locatie

log = logging.getLogger(__name__)

MANIFEST = ".opp-manifest.json"
JOURNAAL = ".opp-manifest.journaal"
FORMAAT = 1


@dataclass(frozen=True)
class Vermelding:
    """One file this tool wrote: where, for whom, the bytes and the inputs it was made from."""

    bestand: str  # relative to the output folder, with forward slashes
    leerlingnummer: str
    sha256: str  # of the bytes written; "" when the file was never written by us
    invoer: str  # of the student's canonical input record
    sjabloon: str  # of the template file
    versie: str
    tijd: str


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_bestand(pad: Path) -> str:
    h = hashlib.sha256()
    with open(pad, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def invoer_hash(record: object, *extra: str) -> str:
    """SHA-256 of a record's content, independent of where in the export it stood.

    Findings and locations (row numbers) are left out, and so is every dataclass field declared with
    compare=False: a student whose rows merely moved in Excel has not changed."""
    canon = json.dumps([_canon(record), list(extra)], sort_keys=True, ensure_ascii=False,
                       separators=(",", ":"))
    return sha256(canon.encode("utf-8"))


_SCALAR = (str, int, float, bool, type(None))


def _canon(value: object) -> object:
    if isinstance(value, _SCALAR):  # the bulk of a record: first, and without further checks
        return value
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if isinstance(value, (Bevinding, Locatie)):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _canon(v) for name in _vergeleken(type(value))
                if not _is_findings(v := getattr(value, name))}
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


@lru_cache(maxsize=None)
def _vergeleken(cls: type) -> tuple[str, ...]:
    """A record type's fields that count (compare=True), looked up once per type, not per record."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.compare)


def _is_findings(value: object) -> bool:
    return isinstance(value, (tuple, list)) and bool(value) and isinstance(value[0], Bevinding)


def _fsync_map(map: Path) -> None:
    """Make the manifest's new name durable before the journal goes (POSIX; Windows cannot open a
    folder, and NTFS journals renames itself)."""
    try:
        fd = os.open(map, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is then as durable as they make it
    finally:
        os.close(fd)


def nu() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Manifest:
    """The manifest of one output folder, loaded at the start of a run."""

    def __init__(self, map: Path):
        self.map = map
        self.pad = map / MANIFEST
        self.journaal = map / JOURNAAL
        self._items: dict[str, Vermelding] = {}
        self._gewijzigd = False
        self._fd: int | None = None
        self._laad()

    def relatief(self, pad: Path) -> str:
        return pad.relative_to(self.map).as_posix()

    def get(self, pad: Path) -> Vermelding | None:
        return self._items.get(self.relatief(pad))

    def __len__(self) -> int:
        return len(self._items)

    def zet(self, item: Vermelding) -> None:
        if self._items.get(item.bestand) == item:
            return
        self._items[item.bestand] = item
        self._schrijf_journaal({"zet": dataclasses.asdict(item)})

    def weg(self, pad: Path) -> None:
        rel = self.relatief(pad)
        if self._items.pop(rel, None) is not None:
            self._schrijf_journaal({"weg": rel})

    def inhoud(self) -> bytes:
        items = [dataclasses.asdict(v) for _, v in sorted(self._items.items())]
        return json.dumps({"formaat": FORMAAT, "bestanden": items}, ensure_ascii=False,
                          indent=1).encode("utf-8")

    def bewaar(self, schrijf: Callable[[Path, bytes], None]) -> None:
        """Write the manifest (atomically, through `schrijf`) if anything changed, then drop the
        journal: only after the manifest is safely in place."""
        self._sluit()
        if self._gewijzigd:
            schrijf(self.pad, self.inhoud())
            _fsync_map(self.map)
            self._gewijzigd = False
        self.journaal.unlink(missing_ok=True)

    def _laad(self) -> None:
        try:
            data = json.loads(self.pad.read_text(encoding="utf-8"))
            for raw in data["bestanden"]:
                item = Vermelding(**raw)
                self._items[item.bestand] = item
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise UitvoerError(f"{self.pad}: het manifest kan niet worden gelezen ({exc.strerror or exc}); "
                               "zonder manifest kan de tool bewerkte OPP's niet herkennen") from exc
        except (ValueError, KeyError, TypeError) as exc:
            # Safe direction: without an entry every existing file counts as possibly edited.
            log.warning("%s is onleesbaar (%s); bestaande OPP's worden als bewerkt behandeld",
                        self.pad, type(exc).__name__)
            self._items.clear()
            self._gewijzigd = True
        self._speel_journaal_af()

    def _speel_journaal_af(self) -> None:
        """Apply what a killed run recorded after its last manifest; a torn last line is ignored."""
        try:
            lines = self.journaal.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        for line in lines:
            try:
                entry = json.loads(line)
                if "zet" in entry:
                    item = Vermelding(**entry["zet"])
                    self._items[item.bestand] = item
                elif "weg" in entry:
                    self._items.pop(entry["weg"], None)
            except (ValueError, TypeError):
                continue
        self._gewijzigd = True

    def _schrijf_journaal(self, entry: dict) -> None:
        self._gewijzigd = True
        if self._fd is None:
            self._fd = os.open(self.journaal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        # One write call per line: after a kill the file holds whole lines, at worst one torn last line.
        os.write(self._fd, line.encode("utf-8"))

    def _sluit(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
