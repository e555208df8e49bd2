"""The file mechanics under every write: Windows-safe deterministic names, output folders, the atomic
write (temp file + replace, retried while a virus scanner or OneDrive holds the file for a moment), the
run lock, and sweeping the temp files of a killed run. What is particular to Windows (hidden files, the
path length Word opens, the byte-range lock) goes through `windows.py`.

Nothing under the output folder is written or read through a symbolic link (or a Windows junction): the
tool's own files are opened with O_NOFOLLOW where the system has it and checked with lstat, and each
student's path is checked part by part below the school year's folder (`unsafe_part`)."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
import tempfile
import time
import unicodedata
from pathlib import Path

from ..domain.errors import FileBusyError, OutputError, WriteError
from ..domain.interrupts import ctrl_c_deferred
from . import windows

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}
MAX_NAME = 80
TEMP_PREFIX = ".opp-tmp-"
TEMP_SUFFIX = ".tmp"  # never .docx: a temp left by a killed run is not mistaken for an OPP
TEMP_NAME_LENGTH = len(f"{TEMP_PREFIX}abcd1234{TEMP_SUFFIX}")  # mkstemp puts 8 random characters between
LOCK_FILE = ".opp-run.lock"
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows: there refuse_link's lstat does the work

# A virus scanner or OneDrive opens a fresh file for a moment, and Windows then refuses to replace it.
# So a refused replace is tried again after each of these pauses (1.55 s in all) before the file counts
# as held by another program (open in Word). Both names are here for the tests to replace.
REPLACE_PAUSES = (0.05, 0.1, 0.2, 0.4, 0.8)
pause = time.sleep


class PathTooLongError(WriteError):
    """On Windows: the full path of a file to write is longer than Word can open. Raised before anything
    is written; the writer skips that file and the run goes on."""


class DiskFullError(WriteError):
    """The disk (or the user's quota) is full. Never a mere warning, also not for the register or the
    check report: the run ends with 74."""


class LinkedPathError(WriteError):
    """A student's file, or a folder on its way, is a symbolic link (or junction) or no plain file or
    folder. Nothing is read or written through it; that student waits (75), the run goes on."""

    exit_code = 75


def safe_name(text: str, fallback: str = "_") -> str:
    """A file or folder name that is valid on Windows, macOS and Linux and cannot leave its folder. A
    control, format (bidi overrides such as U+202E, zero-width characters), private-use or unassigned
    character becomes '-', like a character Windows refuses: no name looks other than it is."""
    s = unicodedata.normalize("NFC", text)
    if not s.isascii():
        s = "".join("-" if unicodedata.category(c)[0] == "C" else c for c in s)
    s = _UNSAFE.sub("-", s.replace("\x7f", "-"))
    s = " ".join(s.split()).strip(" .")
    s = s[:MAX_NAME].rstrip(" .")
    if not s or s.casefold().split(".")[0] in _RESERVED:
        s = f"{fallback}{s}" if s else fallback
    return s


def number_part(leerlingnummer: str) -> str:
    """The student number as it goes into a file name: as it is when safe_name keeps it, else the safe
    form with '~' and 8 characters of the number's SHA-256 ('12/345' -> '12-345~5994471a'). So a name
    depends on the student alone, stays the same on every run, and two numbers that safe_name makes
    alike ('12-345' and '12/345') never share a file."""
    safe = safe_name(leerlingnummer)
    if safe == leerlingnummer and "~" not in safe:  # a '~' of its own could look like another's digest
        return safe
    digest = hashlib.sha256(leerlingnummer.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{safe[:MAX_NAME - 9].rstrip(' .')}~{digest}"


def document_name(leerlingnummer: str, achternaam: str = "", roepnaam: str = "") -> str:
    """'OPP_004512.docx', or with names 'OPP_004512_El Idrissi_Aisha.docx'. Never a BSN. The names are
    shortened to fit, never the number."""
    head = f"OPP_{number_part(leerlingnummer)}"
    names = "_".join(safe_name(p) for p in (achternaam, roepnaam) if p)
    if not names:
        return f"{head}.docx"
    return f"{head}_{names}"[:max(MAX_NAME, len(head))].rstrip(" .") + ".docx"


def folder_name(klas: str, own: set[str]) -> str:
    """A class's folder: safe_name, with ' (klas)' after a name the run uses itself at the same level
    (`own`, case-folded: the register, the check report, the manifest)."""
    name = safe_name(klas, "zonder klas")
    return f"{name} (klas)" if name.casefold() in own else name


def unique_target(folder: Path, name: str, taken: dict[str, object], root: Path) -> tuple[Path, object]:
    """`folder/name`, or with '~2', '~3', ... before the extension the first whose path below `root`
    (case-folded: Windows and macOS ignore case) no one in `taken` has; and whom the plain name
    belonged to (None: it was free). Adds nothing to `taken`."""
    target, n, first = folder / name, 1, None
    while (holder := taken.get(target.relative_to(root).as_posix().casefold())) is not None:
        first, n = first or holder, n + 1
        stem, _, extension = name.rpartition(".")
        target = folder / f"{stem}~{n}.{extension}"
    return target, first


def write_new(target: Path, data: bytes, why: str) -> Path:
    """A file the school may edit afterwards (a template, a column mapping), written once: never over an
    existing file, nor through a link that points elsewhere (OutputError, 73, saying `why`)."""
    if target.exists() or is_link(target):
        raise OutputError(f"{target}: bestaat al; kies een andere naam ({why})")
    make_folder(target.parent.resolve())
    write_atomic(target.resolve(), data)
    return target


def refuse_link(path: Path) -> None:
    """Raise OutputError (73) when one of the tool's own files (lock, manifest, journal, register,
    report) or the school year's folder is a symbolic link or junction: the run would write elsewhere."""
    if is_link(path):
        raise OutputError(f"{path}: is een snelkoppeling (symbolische koppeling); opp schrijft en leest zijn "
                          "eigen bestanden nooit via een koppeling. Verwijder de koppeling en draai opnieuw")


def is_link(path: Path) -> bool:
    try:
        return _is_link_stat(os.lstat(path))
    except (OSError, ValueError):
        return False  # missing (or unreadable: opening it reports that)


def _is_link_stat(st: os.stat_result) -> bool:
    return stat.S_ISLNK(st.st_mode) or windows.is_junction(st)


def unsafe_part(path: Path, root: Path) -> Path | None:
    """The first part of `path` below `root` (a class folder, the file itself) that is a symbolic link
    or junction, a folder part that is no folder, or a file that is no plain file (a folder, a pipe);
    None when every part is plain or does not exist yet. `root` itself was checked when the run
    started (prepare_folder)."""
    current = root
    parts = path.relative_to(root).parts
    for i, part in enumerate(parts, 1):
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return None  # nothing below a missing part exists either
        except (OSError, ValueError):
            return current
        plain = stat.S_ISREG(st.st_mode) if i == len(parts) else stat.S_ISDIR(st.st_mode)
        if _is_link_stat(st) or not plain:
            return current
    return None


def refuse_unsafe(path: Path, root: Path) -> None:
    """Raise LinkedPathError when `unsafe_part` finds a part of `path` that is not plain."""
    part = unsafe_part(path, root)
    if part is None:
        return
    what = ("een snelkoppeling (symbolische koppeling)" if is_link(part)
            else "geen gewoon bestand" if part == path else "geen gewone map")
    raise LinkedPathError(f"{path}: overgeslagen: {part} is {what}; opp schrijft en leest nooit via een "
                          "koppeling. Vervang het door een gewone map of een gewoon bestand en draai opnieuw")


def check_path_length(target: Path) -> None:
    """On Windows: raise PathTooLongError when `target`, or the temp file it is first written to (a temp
    name is longer than a short OPP name), has a full path longer than Word can open. Elsewhere nothing:
    Linux and macOS allow far longer paths."""
    if not windows.IS_WINDOWS:
        return
    length = windows.path_length(target)
    longest = max(length, windows.path_length(target.with_name("x" * TEMP_NAME_LENGTH)))
    if longest <= windows.WORD_MAX_PATH:
        return
    # When only the temp does not fit, both lengths: the user would count the file's own and wonder.
    via_temp = ("" if length > windows.WORD_MAX_PATH
                else f" (tijdens het schrijven, met een tijdelijke naam, {longest})")
    raise PathTooLongError(f"{target}: niet geschreven: het pad is {length} tekens{via_temp}, langer dan de "
                           f"{windows.WORD_MAX_PATH} die Word aankan; kies met --uitvoer een kortere map")


def _holds_no_file(folder: Path) -> bool:
    """On Windows: whether `folder` is too long for any file of ours (the temp name is the shortest)."""
    return windows.too_long(folder / ("x" * TEMP_NAME_LENGTH)) is not None


def make_folder(path: Path) -> None:
    """Create an output folder, and each missing parent, readable by the owner only where the system
    allows it (mkdir's parents=True would give the parents the default, world-readable mode). On
    Windows a folder too long to hold any file Word can open is not created: writing each file in it
    then reports the path as too long (PathTooLongError), and the run goes on."""
    if path.is_dir():  # the usual case, once per student: one stat instead of one per parent
        return
    if _holds_no_file(path):
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
    if _holds_no_file(map):
        raise OutputError(f"{map}: de map is {windows.path_length(map)} tekens lang; daarin past geen "
                          "bestand dat Word kan openen (hoogstens "
                          f"{windows.WORD_MAX_PATH} tekens met de naam); kies met --uitvoer een kortere map")
    refuse_link(map)
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
        refuse_link(path)
        try:
            self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT | NO_FOLLOW, 0o600)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # made a link between the check and the open
                refuse_link(path)
            raise write_error(path, exc) from exc
        windows.set_hidden(path)
        try:
            _lock_fd(self._fd)
        except OSError as exc:
            os.close(self._fd)  # nothing to unlock: the lock was not ours
            self._fd = None
            raise FileBusyError(f"{map}: er loopt al een andere run van opp genereer in deze map; probeer "
                                "het opnieuw als die klaar is") from exc

    def release(self) -> None:
        """Unlock, then close. The file stays: deleting it would race with the next run's open."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock_fd(fd)
        except OSError as exc:  # the system releases it with the process at the latest
            log.debug("run-slot niet vrijgegeven (%s)", exc)
        finally:
            os.close(fd)


def _lock_fd(fd: int) -> None:
    if windows.IS_WINDOWS:
        windows.lock_byte(fd)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock_fd(fd: int) -> None:
    """On Windows the byte-range lock is released before the file is closed; a POSIX flock goes with
    the close."""
    if windows.IS_WINDOWS:
        windows.unlock_byte(fd)


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


def write_error(target: Path, exc: OSError) -> WriteError | OutputError:
    """The user's message for a failed write: a full disk is named as such."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"{target.parent}: de schijf is vol; {target.name} is niet geschreven. "
                             "Bestaande bestanden zijn niet aangetast. Maak ruimte vrij en draai opnieuw: de "
                             "run gaat verder waar hij stopte")
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return OutputError(f"{target.parent}: geen toestemming om in deze map te schrijven; kies met "
                           "--uitvoer een map waarin u mag schrijven")
    return WriteError(f"{target}: schrijven mislukt ({exc.strerror or exc}); bestaande bestanden zijn niet "
                      "aangetast")


def write_atomic(target: Path, data: bytes, hidden: bool = False) -> None:
    """Write to a temp file in the same folder, then move it into place: a crash never leaves a
    half-written file, and an existing file stays intact when writing fails. The temp (and so the
    file) is readable by the owner only: mkstemp creates it 0600. Ctrl-C waits for this one file:
    arriving between mkstemp and the clean-up below, it would leave a temp that nothing removes.
    `hidden`: one of the tool's own files, hidden on Windows. On Windows a path too long for Word is
    refused before anything is written (PathTooLongError)."""
    check_path_length(target)
    with ctrl_c_deferred():
        _write_atomic(target, data, hidden)


def _write_atomic(target: Path, data: bytes, hidden: bool) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise write_error(target, exc) from exc
    windows.set_hidden(tmp)  # a temp that a kill leaves behind stays out of sight until the next sweep
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:  # also Ctrl-C: no temp is left behind
        _discard(tmp)
        if isinstance(exc, OSError):
            raise write_error(target, exc) from exc
        raise
    # The renamed temp keeps its attributes. Our own file stays hidden, and the old one is shown first,
    # because Windows may refuse to replace a hidden file; any other file must be visible.
    windows.set_hidden(target if hidden else tmp, False)
    try:
        _replace(tmp, target)
    except PermissionError as exc:
        # The temp was written, so the folder is writable: the target itself is held (Word on Windows).
        _discard(tmp)
        raise FileBusyError(f"{target}: het bestand is in gebruik (open in Word?) en is "
                            "overgeslagen") from exc
    except OSError as exc:
        _discard(tmp)
        raise write_error(target, exc) from exc
    if hidden:
        windows.set_hidden(target)


def _replace(tmp: str, target: Path) -> None:
    """os.replace, tried again after each of REPLACE_PAUSES while it raises PermissionError: a virus
    scanner or OneDrive lets go of a fresh file within a moment, Word does not."""
    for wait in (*REPLACE_PAUSES, None):
        try:
            os.replace(tmp, target)
            return
        except PermissionError:
            if wait is None:
                raise
            log.debug("%s: vervangen geweigerd, over %.2f s opnieuw", target, wait)
            pause(wait)


def _discard(tmp: str) -> None:
    """Remove a temp after a failed write. A temp still held (a virus scanner) is left for the next
    run's sweep: the error that brought us here is the one to report."""
    try:
        Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        log.debug("%s: tijdelijk bestand niet verwijderd (%s)", tmp, exc)
