"""File names and safe writes: Windows-safe deterministic names, temp file + atomic replace, and the
decision per file on a re-run (the manifest tells our own untouched files from edited ones)."""

from __future__ import annotations

import errno
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..domain.errors import FileBusyError, OutputError, WriteError
from ..domain.interrupts import ctrl_c_deferred
from .manifest import Manifest, ManifestEntry, now_iso, sha256

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}
MAX_NAME = 80
TEMP_PREFIX = ".opp-tmp-"
TEMP_SUFFIX = ".tmp"  # never .docx: a temp left by a killed run is not mistaken for an OPP
NEW_SUFFIX = " (nieuw)"
PREVIOUS_SUFFIX = " (vorige)"
LOCK_FILE = ".opp-run.lock"


class Outcome(str, Enum):
    """What happened to one student's file; the value is the Dutch status text of the register."""

    NEW = "nieuw"
    UNCHANGED = "ongewijzigd"
    UPDATED = "bijgewerkt, vorige versie bewaard"
    EDITED = "bewerkt, niet overschreven"
    CONFLICT = "conflict: bewerkt en gegevens gewijzigd, nieuwe versie ernaast"
    OPEN = "open in Word, overgeslagen"
    OVERWRITTEN = "overschreven, bewerkte versie bewaard"


@dataclass(frozen=True)
class Version:
    """One student's document as this run would write it, with what it was made from."""

    data: bytes
    leerlingnummer: str
    input_hash: str  # sha256 of the student's input record
    template_hash: str  # sha256 of the template file
    tool_version: str


@dataclass(frozen=True)
class Written:
    """The outcome for one file, and the extra file it produced (a backup or a new version)."""

    outcome: Outcome
    extra: Path | None = None


def safe_name(text: str, fallback: str = "_") -> str:
    """A file or folder name that is valid on Windows, macOS and Linux and cannot leave its folder."""
    s = unicodedata.normalize("NFC", text)
    s = _UNSAFE.sub("-", s)
    s = " ".join(s.split()).strip(" .")
    s = s[:MAX_NAME].rstrip(" .")
    if not s or s.casefold().split(".")[0] in _RESERVED:
        s = f"{fallback}{s}" if s else fallback
    return s


def document_name(leerlingnummer: str, achternaam: str = "", roepnaam: str = "") -> str:
    """'OPP_004512.docx', or with names 'OPP_004512_El Idrissi_Aisha.docx'. Never a BSN."""
    parts = [safe_name(leerlingnummer)] + [safe_name(p) for p in (achternaam, roepnaam) if p]
    return safe_name("OPP_" + "_".join(parts)) + ".docx"


def make_folder(path: Path) -> None:
    """Create an output folder, and each missing parent, readable by the owner only where the system
    allows it (mkdir's parents=True would give the parents the default, world-readable mode)."""
    if path.is_dir():  # the usual case, once per student: one stat instead of one per parent
        return
    missing = [p for p in (path, *path.parents) if not p.exists()]
    try:
        for p in reversed(missing):
            p.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: de uitvoermap kan niet worden gemaakt ({exc.strerror or exc})") from exc


def prepare_folder(map: Path) -> RunLock:
    """Before the first student: the folder exists, no other run uses it, it is writable, and it
    holds no temps of a killed run. The caller releases the returned lock."""
    make_folder(map)
    lock = RunLock(map)
    try:
        sweep_temp_files(map)
        probe = map / f"{TEMP_PREFIX}proef{TEMP_SUFFIX}"
        with ctrl_c_deferred():  # not between the write and the unlink: the probe would stay
            write_atomic(probe, b"")
            probe.unlink(missing_ok=True)
    except BaseException:
        lock.release()
        raise
    return lock


class RunLock:
    """One run at a time per output folder: a second run would sweep the first one's temps and both
    would rewrite the manifest. The system releases the lock when the process ends, even on a kill."""

    def __init__(self, map: Path):
        path = map / LOCK_FILE
        try:
            self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise _write_error(path, exc) from exc
        try:
            _lock_fd(self._fd)
        except OSError as exc:
            self.release()
            raise FileBusyError(f"{map}: er loopt al een andere run van opp genereer in deze map; probeer "
                                "het opnieuw als die klaar is") from exc

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock; the file stays (deleting it would race)
            self._fd = None


def _lock_fd(fd: int) -> None:
    if os.name == "nt":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def sweep_temp_files(map: Path) -> int:
    """Remove the temp files a killed run left behind (only ours: they start with TEMP_PREFIX). Only
    while holding the folder's lock (RunLock): another run's temps are files it is writing."""
    n = 0
    for tmp in map.rglob(f"{TEMP_PREFIX}*"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
            n += 1
    if n:
        log.info("%d tijdelijke bestanden van een afgebroken run opgeruimd", n)
    return n


def _write_error(target: Path, exc: OSError) -> WriteError | OutputError:
    """The user's message for a failed write: a full disk is named as such."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return WriteError(f"{target.parent}: de schijf is vol; {target.name} is niet geschreven. Bestaande "
                          "bestanden zijn niet aangetast. Maak ruimte vrij en draai opnieuw: de run gaat "
                          "verder waar hij stopte")
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return OutputError(f"{target.parent}: geen toestemming om in deze map te schrijven; kies met "
                           "--uitvoer een map waarin u mag schrijven")
    return WriteError(f"{target}: schrijven mislukt ({exc.strerror or exc}); bestaande bestanden zijn niet "
                      "aangetast")


def write_atomic(target: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, then move it into place: a crash never leaves a
    half-written file, and an existing file stays intact when writing fails. The temp (and so the
    file) is readable by the owner only: mkstemp creates it 0600. Ctrl-C waits for this one file:
    arriving between mkstemp and the clean-up below, it would leave a temp that nothing removes."""
    with ctrl_c_deferred():
        _write_atomic(target, data)


def _write_atomic(target: Path, data: bytes) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:  # also Ctrl-C: no temp is left behind
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_error(target, exc) from exc
        raise
    try:
        os.replace(tmp, target)
    except PermissionError as exc:
        # The temp was written, so the folder is writable: the target itself is held (Word on Windows).
        Path(tmp).unlink(missing_ok=True)
        raise FileBusyError(f"{target}: het bestand is in gebruik (open in Word?) en is "
                            "overgeslagen") from exc
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _write_error(target, exc) from exc


def place_new(target: Path, data: bytes) -> str | None:
    """The first two rows of the decision table (DocumentWriter._beslis), for a worker process: where no
    file is yet and Word holds no owner file, write `data` and return its hash; otherwise None, and
    the main process decides. Writing in the workers spreads write and fsync over all of them. A run
    killed after this write but before the main process noted it leaves a file without a manifest
    entry; the next run recognises it as its own when the bytes are the same, and otherwise keeps it
    and puts the new version beside it."""
    if target.exists() or word_owner_file(target) is not None:
        return None
    make_folder(target.parent)
    try:
        write_atomic(target, data)
    except FileBusyError:
        return None  # the main process meets the same and reports it as open in Word
    return sha256(data)


def word_owner_file(target: Path) -> Path | None:
    """Word's owner file beside an open document: '~$' replaces the first two characters of the
    name, or (for short names, unverified) is put before it. Both are checked."""
    for name in (f"~${target.name[2:]}", f"~${target.name}"):
        owner = target.with_name(name)
        if owner.exists():
            return owner
    return None


def with_suffix(target: Path, suffix: str) -> Path:
    return target.with_name(f"{target.stem}{suffix}{target.suffix}")


def keep_copy(target: Path) -> Path:
    """Keep the current bytes of `target` as 'OPP_1 (vorige).docx', 'OPP_1 (vorige 2).docx', ...
    A copy with the same bytes already there is reused: backups grow only with distinct content."""
    data = target.read_bytes()
    n = 1
    while True:
        copy = with_suffix(target, PREVIOUS_SUFFIX if n == 1 else f" (vorige {n})")
        if not copy.exists():
            write_atomic(copy, data)
            return copy
        if copy.read_bytes() == data:
            return copy
        n += 1


class DocumentWriter:
    """Writes each student's document by the decision table of betrouwbaarheid.md §3.8."""

    def __init__(self, manifest: Manifest, overwrite: bool = False, lock: RunLock | None = None):
        self.manifest = manifest
        self.overwrite = overwrite
        self.lock = lock

    @classmethod
    def open(cls, map: Path, overwrite: bool = False) -> DocumentWriter:
        """Prepare the folder (prepare_folder), take its lock and load its manifest."""
        lock = prepare_folder(map)
        try:
            return cls(Manifest(map), overwrite, lock)
        except BaseException:
            lock.release()
            raise

    def write(self, target: Path, new: Version) -> Written:
        try:
            return self._decide(target, new)
        except FileBusyError as exc:
            log.warning("%s", exc)
            return Written(Outcome.OPEN)
        except PermissionError:  # the folder was writable (checked at the start): this file is held
            log.warning("%s kan niet worden gelezen (open in een ander programma?); overgeslagen", target)
            return Written(Outcome.OPEN)
        except OSError as exc:  # reading an existing file or appending to the journal
            raise _write_error(target, exc) from exc

    def placed(self, target: Path, new: Version, sha: str) -> Written:
        """Note a new file that a worker wrote where there was none (pipeline._plaats_nieuw)."""
        self._note(target, new, sha)
        return Written(Outcome.NEW)

    def knows(self, target: Path) -> bool:
        """Whether this tool wrote `target` before (only then can `settled_without_rendering` settle it)."""
        item = self.manifest.get(target)
        return item is not None and bool(item.sha256)

    def settled_without_rendering(self, target: Path, input_hash: str, template_hash: str) -> Outcome | None:
        """The outcome when it is known without making the document: the file was made from this very
        input and template, and is untouched (ONGEWIJZIGD) or edited since (BEWERKT). None: render."""
        item = self.manifest.get(target)
        if (item is None or not item.sha256
                or (item.input_hash, item.template_hash) != (input_hash, template_hash)):
            return None
        try:
            current = sha256(target.read_bytes())
        except OSError:
            return None  # missing or unreadable: the normal path decides and reports
        if current == item.sha256:
            return Outcome.UNCHANGED
        return None if self.overwrite else Outcome.EDITED

    def _decide(self, target: Path, new: Version) -> Written:
        owner = word_owner_file(target)
        if owner is not None:
            log.warning("%s is open in Word (%s bestaat); overgeslagen, de volgende run neemt het mee",
                        target, owner.name)
            return Written(Outcome.OPEN)
        if not target.exists():
            self._place(target, new)
            return Written(Outcome.NEW)
        current = sha256(target.read_bytes())
        item = self.manifest.get(target)
        if current == sha256(new.data):
            # Already exactly this (also: a run killed between replace and journal line).
            self._note(target, new, current)
            return Written(Outcome.UNCHANGED)
        same_input = (item is not None
                      and (item.input_hash, item.template_hash) == (new.input_hash, new.template_hash))
        if item is not None and item.sha256 == current:
            if same_input:
                return Written(Outcome.UNCHANGED)
            copy = keep_copy(target)
            self._place(target, new)
            return Written(Outcome.UPDATED, copy)
        if self.overwrite:
            copy = keep_copy(target)
            self._place(target, new)
            return Written(Outcome.OVERWRITTEN, copy)
        if same_input:
            return Written(Outcome.EDITED)
        return self._conflict(target, new, item)

    def _conflict(self, target: Path, new: Version, item: ManifestEntry | None) -> Written:
        """Edited (or of unknown origin) and the input changed: the edited file is never touched; the
        new version goes beside it. Deleting that new version marks the conflict as resolved."""
        beside = with_suffix(target, NEW_SUFFIX)
        previous = self.manifest.get(beside)
        same = (previous is not None
                and (previous.input_hash, previous.template_hash) == (new.input_hash, new.template_hash))
        if not beside.exists() and same:
            log.info("%s: de nieuwe versie is verwijderd; het conflict geldt als opgelost", target)
            self.manifest.remove(beside)
            self.manifest.put(self._entry(target, new, item.sha256 if item else ""))
            return Written(Outcome.EDITED)
        if beside.exists() and word_owner_file(beside) is None:
            current = sha256(beside.read_bytes())
            if previous is not None and previous.sha256 == current:
                if not same:
                    self._place(beside, new)  # our own earlier proposal, untouched: bring it up to date
            elif current == sha256(new.data):
                self._note(beside, new, current)
            else:
                log.warning("%s is ook bewerkt; niet overschreven", beside)
        elif not beside.exists():
            self._place(beside, new)
        log.warning("%s: bewerkt en de gegevens zijn gewijzigd; nieuwe versie in %s", target, beside.name)
        return Written(Outcome.CONFLICT, beside)

    def _place(self, target: Path, new: Version) -> None:
        write_atomic(target, new.data)
        self._note(target, new, sha256(new.data))

    def _note(self, target: Path, new: Version, current: str) -> None:
        item = self.manifest.get(target)
        if item is not None and ((item.sha256, item.input_hash, item.template_hash)
                                 == (current, new.input_hash, new.template_hash)):
            return
        self.manifest.put(self._entry(target, new, current))

    def _entry(self, target: Path, new: Version, sha: str) -> ManifestEntry:
        return ManifestEntry(self.manifest.relative(target), new.leerlingnummer, sha, new.input_hash,
                             new.template_hash, new.tool_version, now_iso())

    def save(self) -> None:
        """Write the manifest and release the folder."""
        try:
            self.manifest.save(write_atomic)
        finally:
            if self.lock is not None:
                self.lock.release()
