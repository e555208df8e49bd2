"""The manifest: what this tool wrote into an output folder, so that a re-run can tell its own
untouched files from files a person edited.

One JSON file per output folder (`.opp-manifest.json`), replaced atomically at the end of a run. During
the run every change is also appended to a journal (`.opp-manifest.journaal`, one JSON object a line): a
run that is killed half-way leaves the journal, and the next run replays it. The manifest holds no
student data: paths (student numbers only), hashes and times. On Windows both files are hidden, like the
run lock and the temp files (elsewhere the dot before their names hides them).

A manifest that is not exactly what this tool writes (not JSON, nested too deep to read, a key of
another version, a value that is no text) counts as damaged, as README promises: a warning, and every
existing OPP that differs counts as edited, so nothing is overwritten. A journal line that is damaged
is skipped, which is the same safe direction. Neither file is ever read or written through a symbolic
link: one there refuses the run (73).
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

from ..domain.errors import OutputError
from ..domain.findings import Finding, Location
from . import windows
from .files import NO_FOLLOW, refuse_link, write_atomic, write_error

log = logging.getLogger(__name__)

MANIFEST = ".opp-manifest.json"
JOURNAL = ".opp-manifest.journaal"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ManifestEntry:
    """One file this tool wrote: where, for whom, the bytes and the inputs it was made from."""

    file: str  # relative to the output folder, with forward slashes
    leerlingnummer: str
    sha256: str  # of the bytes written; "" when the file was never written by us
    input_hash: str  # of the student's canonical input record
    template_hash: str  # of the template file
    tool_version: str
    written_at: str


# The on-disk keys of an entry: the file format of every manifest already written (format 1).
_DISK_KEYS = {"file": "bestand", "leerlingnummer": "leerlingnummer", "sha256": "sha256",
              "input_hash": "invoer", "template_hash": "sjabloon", "tool_version": "versie",
              "written_at": "tijd"}
_ATTRIBUTE_OF_KEY = {disk: attr for attr, disk in _DISK_KEYS.items()}


def _to_disk(item: ManifestEntry) -> dict:
    return {_DISK_KEYS[k]: v for k, v in dataclasses.asdict(item).items()}


def _from_disk(raw: object) -> ManifestEntry:
    """An entry as stored; an unknown or missing key, or a value that is no text, raises TypeError (the
    manifest counts as damaged)."""
    if not isinstance(raw, dict) or set(raw) != set(_ATTRIBUTE_OF_KEY):
        raise TypeError("entry is not an object with the keys of format 1")
    if not all(isinstance(v, str) for v in raw.values()) or not raw["bestand"]:
        raise TypeError("entry holds a value that is no text")
    return ManifestEntry(**{_ATTRIBUTE_OF_KEY[k]: v for k, v in raw.items()})


# What reading a damaged manifest or journal line raises: not JSON or not UTF-8 (ValueError), a missing
# key (KeyError), a wrong type (TypeError), nested too deep for the parser (RecursionError).
_DAMAGED = (ValueError, KeyError, TypeError, RecursionError)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def input_hash(record: object, *extra: str) -> str:
    """SHA-256 of a record's content, independent of where in the export it stood.

    Findings and locations (row numbers) are left out, and so is every dataclass field declared with
    compare=False: a student whose rows merely moved in Excel has not changed."""
    canon = json.dumps([_canonical(record), list(extra)], sort_keys=True, ensure_ascii=False,
                       separators=(",", ":"))
    return sha256(canon.encode("utf-8"))


_SCALAR = (str, int, float, bool, type(None))


def _canonical(value: object) -> object:
    if isinstance(value, _SCALAR):  # the bulk of a record: first, and without further checks
        return value
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (Finding, Location)):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        defaults = _defaults(type(value))
        return {name: _canonical(v) for name in _compared_fields(type(value))
                if not _is_findings(v := getattr(value, name)) and not _is_default(name, v, defaults)}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


@lru_cache(maxsize=None)
def _compared_fields(cls: type) -> tuple[str, ...]:
    """A record type's fields that count (compare=True), looked up once per type, not per record."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.compare)


@lru_cache(maxsize=None)
def _defaults(cls: type) -> dict[str, object]:
    """A record type's plain default values: a field added later with its default leaves the hash of
    an unchanged student as it was."""
    return {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}


def _is_default(name: str, value: object, defaults: dict[str, object]) -> bool:
    return name in defaults and value == defaults[name]


def _is_findings(value: object) -> bool:
    return isinstance(value, (tuple, list)) and bool(value) and isinstance(value[0], Finding)


def _fsync_folder(map: Path) -> None:
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


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Manifest:
    """The manifest of one output folder, loaded at the start of a run."""

    def __init__(self, map: Path):
        self.map = map
        self.path = map / MANIFEST
        self.journal = map / JOURNAL
        self._items: dict[str, ManifestEntry] = {}
        self._changed = False
        self._fd: int | None = None
        self._load()

    def relative(self, path: Path) -> str:
        return path.relative_to(self.map).as_posix()

    def get(self, path: Path) -> ManifestEntry | None:
        return self._items.get(self.relative(path))

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: ManifestEntry) -> None:
        if self._items.get(item.file) == item:
            return
        self._items[item.file] = item
        self._append_journal({"zet": _to_disk(item)})

    def remove(self, path: Path) -> None:
        rel = self.relative(path)
        if self._items.pop(rel, None) is not None:
            self._append_journal({"weg": rel})

    def entries(self) -> bytes:
        items = [_to_disk(v) for _, v in sorted(self._items.items())]
        return json.dumps({"formaat": FORMAT_VERSION, "bestanden": items}, ensure_ascii=False,
                          indent=1).encode("utf-8")

    def save(self) -> None:
        """Write the manifest (atomically, hidden on Windows) if anything changed, then drop the
        journal: only after the manifest is safely in place."""
        self._close()
        if self._changed:
            write_atomic(self.path, self.entries(), hidden=True)
            _fsync_folder(self.map)
            self._changed = False
        try:
            self.journal.unlink(missing_ok=True)
        except OSError as exc:  # the manifest is in place: the next run replays what it already holds
            log.warning("%s niet verwijderd (%s); de volgende run leest het opnieuw", self.journal, exc)

    def _load(self) -> None:
        refuse_link(self.path)
        refuse_link(self.journal)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data["bestanden"], list):
                raise TypeError("not a manifest object")
            for raw in data["bestanden"]:
                item = _from_disk(raw)
                self._items[item.file] = item
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(f"{self.path}: het manifest kan niet worden gelezen ({exc.strerror or exc}); "
                              "zonder manifest kan de tool bewerkte OPP's niet herkennen") from exc
        except _DAMAGED as exc:
            # Safe direction: without an entry every existing file counts as possibly edited.
            log.warning("%s is onleesbaar (%s); bestaande OPP's worden als bewerkt behandeld",
                        self.path, type(exc).__name__)
            self._items.clear()
            self._changed = True
        self._replay_journal()

    def _replay_journal(self) -> None:
        """Apply what a killed run recorded after its last manifest; a torn last line is ignored."""
        try:
            lines = self.journal.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise OutputError(f"{self.journal}: het journaal kan niet worden gelezen "
                              f"({exc.strerror or exc}); zonder journaal kan de tool bewerkte OPP's niet "
                              "herkennen") from exc
        for line in lines:
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict) or len(entry) != 1:
                    raise TypeError("not a journal line")
                if "zet" in entry:
                    item = _from_disk(entry["zet"])
                    self._items[item.file] = item
                elif isinstance(entry.get("weg"), str):
                    self._items.pop(entry["weg"], None)
            except _DAMAGED:
                continue
        self._changed = True

    def _append_journal(self, entry: dict) -> None:
        """One line. A failure (a full disk) stops the run with the journal named (WriteError, 74): a
        file written but not journaled is recognised by its bytes on the next run."""
        self._changed = True
        data = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        try:
            if self._fd is None:
                self._fd = os.open(self.journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND | NO_FOLLOW, 0o600)
                windows.set_hidden(self.journal)
            # One write call per line: after a kill the file holds whole lines, at worst one torn last line.
            if os.write(self._fd, data) != len(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # a short write: the disk is full
        except OSError as exc:
            raise write_error(self.journal, exc) from exc

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
