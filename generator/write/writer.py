"""The decision per file on a re-run: the manifest tells our own untouched files from edited ones, and an
edited file is never overwritten (betrouwbaarheid.md §3.8). The file mechanics underneath (names,
folders, atomic writes, the run lock, Windows) are in files.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..domain.errors import FileBusyError, OppError
from ..domain.interrupts import ctrl_c_deferred
from .files import TEMP_PREFIX as TEMP_PREFIX  # re-exported: register.py and tests import it from here
from .files import (
    LinkedPathError,
    PathTooLongError,
    RunLock,
    check_path_length,
    make_folder,
    prepare_folder,
    refuse_unsafe,
    sweep_temp_files,
    unsafe_part,
    write_atomic,
    write_error,
)
from .manifest import Manifest, ManifestEntry, now_iso, sha256

log = logging.getLogger(__name__)

NEW_SUFFIX = " (nieuw)"
PREVIOUS_SUFFIX = " (vorige)"


class Outcome(str, Enum):
    """What happened to one student's file; the value is the Dutch status text of the register."""

    NEW = "nieuw"
    UNCHANGED = "ongewijzigd"
    UPDATED = "bijgewerkt, vorige versie bewaard"
    EDITED = "bewerkt, niet overschreven"
    CONFLICT = "conflict: bewerkt en gegevens gewijzigd, nieuwe versie ernaast"
    OPEN = "open in Word, overgeslagen"
    OVERWRITTEN = "overschreven, bewerkte versie bewaard"
    TOO_LONG = "pad te lang voor Word, niet geschreven"
    LINKED = "snelkoppeling of geen gewoon bestand, overgeslagen"


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


def place_new(target: Path, data: bytes) -> str | None:
    """The first two rows of the decision table (DocumentWriter._beslis), for a worker process: where no
    file is yet and Word holds no owner file, write `data` and return its hash; otherwise None, and
    the main process decides. Writing in the workers spreads write and fsync over all of them. A run
    killed after this write but before the main process noted it leaves a file without a manifest
    entry; the next run recognises it as its own when the bytes are the same, and otherwise keeps it
    and puts the new version beside it."""
    if (unsafe_part(target, target.parent.parent) is not None  # base/<klas>/OPP_...: both below base
            or target.exists() or word_owner_file(target) is not None):
        return None
    make_folder(target.parent)
    try:
        write_atomic(target, data)
    except (FileBusyError, PathTooLongError):
        return None  # the main process meets the same and reports it (open in Word, path too long)
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
    A copy with the same bytes already there is reused: backups grow only with distinct content. A
    copy's name that is a link (or no plain file) raises LinkedPathError: nothing is read through it."""
    data = target.read_bytes()
    n = 1
    while True:
        copy = with_suffix(target, PREVIOUS_SUFFIX if n == 1 else f" (vorige {n})")
        refuse_unsafe(copy, copy.parent)
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
            check_path_length(target)  # also where nothing would be written: Word cannot open the file
            refuse_unsafe(target, self.manifest.map)  # the class folder and the file: no links
            make_folder(target.parent)
            return self._decide(target, new)
        except PathTooLongError as exc:  # the file, or its backup or new version beside it
            log.warning("%s", exc)
            return Written(Outcome.TOO_LONG)
        except LinkedPathError as exc:  # the file, a folder on its way, or a backup or new version
            log.warning("%s", exc)
            return Written(Outcome.LINKED)
        except FileBusyError as exc:
            log.warning("%s", exc)
            return Written(Outcome.OPEN)
        except PermissionError:  # the folder was writable (checked at the start): this file is held
            log.warning("%s kan niet worden gelezen (open in een ander programma?); overgeslagen", target)
            return Written(Outcome.OPEN)
        except OSError as exc:  # reading an existing file or appending to the journal
            raise write_error(target, exc) from exc

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
        input and template, and is untouched (ONGEWIJZIGD) or edited since (BEWERKT). None: render.
        On Windows a path too long for Word is reported as such (PAD TE LANG) without rendering."""
        item = self.manifest.get(target)
        if (item is None or not item.sha256
                or (item.input_hash, item.template_hash) != (input_hash, template_hash)
                or unsafe_part(target, self.manifest.map) is not None):  # write() reports it
            return None
        try:
            check_path_length(target)
        except PathTooLongError as exc:
            log.warning("%s", exc)
            return Outcome.TOO_LONG
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
        refuse_unsafe(beside, beside.parent)
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
            self.manifest.save()
        finally:
            if self.lock is not None:
                self.lock.release()

    def abandon(self, stop: Callable[[], None]) -> None:
        """After Ctrl-C or an error that stops the run, in this order: `stop` the workers (each completes
        the student in hand), sweep the temp files of a worker that had to be killed, save the manifest
        and release the folder; the sweep needs the folder's lock. A second Ctrl-C waits until all is
        done: then nothing of this run writes any more and no temp file is left."""
        with ctrl_c_deferred():
            try:
                stop()
                sweep_temp_files(self.manifest.map)
            except OSError as exc:  # must not hide the error that stopped the run
                log.warning("tijdelijke bestanden niet opgeruimd (%s); de volgende run ruimt ze op", exc)
            finally:
                self._save_after_failure()

    def _save_after_failure(self) -> None:
        """Also after a failure: what was written stays known. A second failure here (the disk is still
        full) must not hide the first; the journal then stays and the next run replays it."""
        try:
            self.save()
        except (OSError, OppError) as exc:
            log.warning("manifest niet bijgewerkt (%s); de volgende run herstelt het", exc)
