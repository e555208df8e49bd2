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

from .errors import BezetError, SchrijfError, UitvoerError
from .manifest import Manifest, Vermelding, nu, sha256

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}
MAX_NAME = 80
TEMP_PREFIX = ".opp-tmp-"
TEMP_SUFFIX = ".tmp"  # never .docx: a temp left by a killed run is not mistaken for an OPP
NIEUW_ACHTERVOEGSEL = " (nieuw)"
VORIGE_ACHTERVOEGSEL = " (vorige)"
SLOT = ".opp-run.lock"


class Uitkomst(str, Enum):
    """What happened to one student's file; the value is the Dutch status text of the register."""

    NIEUW = "nieuw"
    ONGEWIJZIGD = "ongewijzigd"
    BIJGEWERKT = "bijgewerkt, vorige versie bewaard"
    BEWERKT = "bewerkt, niet overschreven"
    CONFLICT = "conflict: bewerkt en gegevens gewijzigd, nieuwe versie ernaast"
    OPEN = "open in Word, overgeslagen"
    OVERSCHREVEN = "overschreven, bewerkte versie bewaard"


@dataclass(frozen=True)
class Versie:
    """One student's document as this run would write it, with what it was made from."""

    data: bytes
    leerlingnummer: str
    invoer: str  # sha256 of the student's input record
    sjabloon: str  # sha256 of the template file
    versie: str


@dataclass(frozen=True)
class Geschreven:
    """The outcome for one file, and the extra file it produced (a backup or a new version)."""

    uitkomst: Uitkomst
    extra: Path | None = None


def veilige_naam(text: str, fallback: str = "_") -> str:
    """A file or folder name that is valid on Windows, macOS and Linux and cannot leave its folder."""
    s = unicodedata.normalize("NFC", text)
    s = _UNSAFE.sub("-", s)
    s = " ".join(s.split()).strip(" .")
    s = s[:MAX_NAME].rstrip(" .")
    if not s or s.casefold().split(".")[0] in _RESERVED:
        s = f"{fallback}{s}" if s else fallback
    return s


def bestandsnaam(leerlingnummer: str, achternaam: str = "", roepnaam: str = "") -> str:
    """'OPP_004512.docx', or with names 'OPP_004512_El Idrissi_Aisha.docx'. Never a BSN."""
    parts = [veilige_naam(leerlingnummer)] + [veilige_naam(p) for p in (achternaam, roepnaam) if p]
    return veilige_naam("OPP_" + "_".join(parts)) + ".docx"


def maak_map(pad: Path) -> None:
    """Create an output folder, and each missing parent, readable by the owner only where the system
    allows it (mkdir's parents=True would give the parents the default, world-readable mode)."""
    if pad.is_dir():  # the usual case, once per student: one stat instead of one per parent
        return
    missing = [p for p in (pad, *pad.parents) if not p.exists()]
    try:
        for p in reversed(missing):
            p.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise UitvoerError(f"{pad}: de uitvoermap kan niet worden gemaakt ({exc.strerror or exc})") from exc


def bereid_voor(map: Path) -> Slot:
    """Before the first student: the folder exists, no other run uses it, it is writable, and it
    holds no temps of a killed run. The caller releases the returned lock."""
    maak_map(map)
    slot = Slot(map)
    try:
        veeg_op(map)
        proef = map / f"{TEMP_PREFIX}proef{TEMP_SUFFIX}"
        schrijf_atomair(proef, b"")
        proef.unlink(missing_ok=True)
    except BaseException:
        slot.vrij()
        raise
    return slot


class Slot:
    """One run at a time per output folder: a second run would sweep the first one's temps and both
    would rewrite the manifest. The system releases the lock when the process ends, even on a kill."""

    def __init__(self, map: Path):
        pad = map / SLOT
        try:
            self._fd: int | None = os.open(pad, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise _fout(pad, exc) from exc
        try:
            _vergrendel(self._fd)
        except OSError as exc:
            self.vrij()
            raise BezetError(f"{map}: er loopt al een andere run van opp genereer in deze map; probeer het "
                             "opnieuw als die klaar is") from exc

    def vrij(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock; the file stays (deleting it would race)
            self._fd = None


def _vergrendel(fd: int) -> None:
    if os.name == "nt":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def veeg_op(map: Path) -> int:
    """Remove the temp files a killed run left behind (only ours: they start with TEMP_PREFIX)."""
    n = 0
    for tmp in map.rglob(f"{TEMP_PREFIX}*"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
            n += 1
    if n:
        log.info("%d tijdelijke bestanden van een afgebroken run opgeruimd", n)
    return n


def _fout(doel: Path, exc: OSError) -> SchrijfError | UitvoerError:
    """The user's message for a failed write: a full disk is named as such."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return SchrijfError(f"{doel.parent}: de schijf is vol; {doel.name} is niet geschreven. Bestaande "
                            "bestanden zijn niet aangetast. Maak ruimte vrij en draai opnieuw: de run gaat "
                            "verder waar hij stopte")
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return UitvoerError(f"{doel.parent}: geen toestemming om in deze map te schrijven; kies met "
                            "--uitvoer een map waarin u mag schrijven")
    return SchrijfError(f"{doel}: schrijven mislukt ({exc.strerror or exc}); bestaande bestanden zijn niet "
                        "aangetast")


def schrijf_atomair(doel: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, then move it into place: a crash never leaves a
    half-written file, and an existing file stays intact when writing fails. The temp (and so the
    file) is readable by the owner only: mkstemp creates it 0600."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=doel.parent)
    except OSError as exc:
        raise _fout(doel, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:  # also Ctrl-C: no temp is left behind
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _fout(doel, exc) from exc
        raise
    try:
        os.replace(tmp, doel)
    except PermissionError as exc:
        # The temp was written, so the folder is writable: the target itself is held (Word on Windows).
        Path(tmp).unlink(missing_ok=True)
        raise BezetError(f"{doel}: het bestand is in gebruik (open in Word?) en is overgeslagen") from exc
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _fout(doel, exc) from exc


def plaats_nieuw(doel: Path, data: bytes) -> str | None:
    """The first two rows of the decision table (Schrijver._beslis), for a worker process: where no
    file is yet and Word holds no owner file, write `data` and return its hash; otherwise None, and
    the main process decides. Writing in the workers spreads write and fsync over all of them. A run
    killed after this write but before the main process noted it leaves a file without a manifest
    entry; the next run recognises it as its own when the bytes are the same, and otherwise keeps it
    and puts the new version beside it."""
    if doel.exists() or eigenaarsbestand(doel) is not None:
        return None
    maak_map(doel.parent)
    try:
        schrijf_atomair(doel, data)
    except BezetError:
        return None  # the main process meets the same and reports it as open in Word
    return sha256(data)


def eigenaarsbestand(doel: Path) -> Path | None:
    """Word's owner file beside an open document: '~$' replaces the first two characters of the
    name, or (for short names, unverified) is put before it. Both are checked."""
    for name in (f"~${doel.name[2:]}", f"~${doel.name}"):
        owner = doel.with_name(name)
        if owner.exists():
            return owner
    return None


def met_achtervoegsel(doel: Path, achtervoegsel: str) -> Path:
    return doel.with_name(f"{doel.stem}{achtervoegsel}{doel.suffix}")


def bewaar_kopie(doel: Path) -> Path:
    """Keep the current bytes of `doel` as 'OPP_1 (vorige).docx', 'OPP_1 (vorige 2).docx', ...
    A copy with the same bytes already there is reused: backups grow only with distinct content."""
    data = doel.read_bytes()
    n = 1
    while True:
        kopie = met_achtervoegsel(doel, VORIGE_ACHTERVOEGSEL if n == 1 else f" (vorige {n})")
        if not kopie.exists():
            schrijf_atomair(kopie, data)
            return kopie
        if kopie.read_bytes() == data:
            return kopie
        n += 1


class Schrijver:
    """Writes each student's document by the decision table of betrouwbaarheid.md §3.8."""

    def __init__(self, manifest: Manifest, overschrijf: bool = False, slot: Slot | None = None):
        self.manifest = manifest
        self.overschrijf = overschrijf
        self.slot = slot

    @classmethod
    def open(cls, map: Path, overschrijf: bool = False) -> Schrijver:
        """Prepare the folder (bereid_voor), take its lock and load its manifest."""
        slot = bereid_voor(map)
        try:
            return cls(Manifest(map), overschrijf, slot)
        except BaseException:
            slot.vrij()
            raise

    def schrijf(self, doel: Path, nieuw: Versie) -> Geschreven:
        try:
            return self._beslis(doel, nieuw)
        except BezetError as exc:
            log.warning("%s", exc)
            return Geschreven(Uitkomst.OPEN)
        except PermissionError:  # the folder was writable (checked at the start): this file is held
            log.warning("%s kan niet worden gelezen (open in een ander programma?); overgeslagen", doel)
            return Geschreven(Uitkomst.OPEN)
        except OSError as exc:  # reading an existing file or appending to the journal
            raise _fout(doel, exc) from exc

    def geplaatst(self, doel: Path, nieuw: Versie, sha: str) -> Geschreven:
        """Note a new file that a worker wrote where there was none (pipeline._plaats_nieuw)."""
        self._noteer(doel, nieuw, sha)
        return Geschreven(Uitkomst.NIEUW)

    def kent(self, doel: Path) -> bool:
        """Whether this tool wrote `doel` before (only then can `zonder_renderen` settle it)."""
        item = self.manifest.get(doel)
        return item is not None and bool(item.sha256)

    def zonder_renderen(self, doel: Path, invoer: str, sjabloon: str) -> Uitkomst | None:
        """The outcome when it is known without making the document: the file was made from this very
        input and template, and is untouched (ONGEWIJZIGD) or edited since (BEWERKT). None: render."""
        item = self.manifest.get(doel)
        if item is None or not item.sha256 or (item.invoer, item.sjabloon) != (invoer, sjabloon):
            return None
        try:
            huidig = sha256(doel.read_bytes())
        except OSError:
            return None  # missing or unreadable: the normal path decides and reports
        if huidig == item.sha256:
            return Uitkomst.ONGEWIJZIGD
        return None if self.overschrijf else Uitkomst.BEWERKT

    def _beslis(self, doel: Path, nieuw: Versie) -> Geschreven:
        owner = eigenaarsbestand(doel)
        if owner is not None:
            log.warning("%s is open in Word (%s bestaat); overgeslagen, de volgende run neemt het mee",
                        doel, owner.name)
            return Geschreven(Uitkomst.OPEN)
        if not doel.exists():
            self._plaats(doel, nieuw)
            return Geschreven(Uitkomst.NIEUW)
        huidig = sha256(doel.read_bytes())
        item = self.manifest.get(doel)
        if huidig == sha256(nieuw.data):
            # Already exactly this (also: a run killed between replace and journal line).
            self._noteer(doel, nieuw, huidig)
            return Geschreven(Uitkomst.ONGEWIJZIGD)
        zelfde_invoer = item is not None and (item.invoer, item.sjabloon) == (nieuw.invoer, nieuw.sjabloon)
        if item is not None and item.sha256 == huidig:
            if zelfde_invoer:
                return Geschreven(Uitkomst.ONGEWIJZIGD)
            kopie = bewaar_kopie(doel)
            self._plaats(doel, nieuw)
            return Geschreven(Uitkomst.BIJGEWERKT, kopie)
        if self.overschrijf:
            kopie = bewaar_kopie(doel)
            self._plaats(doel, nieuw)
            return Geschreven(Uitkomst.OVERSCHREVEN, kopie)
        if zelfde_invoer:
            return Geschreven(Uitkomst.BEWERKT)
        return self._conflict(doel, nieuw, item)

    def _conflict(self, doel: Path, nieuw: Versie, item: Vermelding | None) -> Geschreven:
        """Edited (or of unknown origin) and the input changed: the edited file is never touched; the
        new version goes beside it. Deleting that new version marks the conflict as resolved."""
        naast = met_achtervoegsel(doel, NIEUW_ACHTERVOEGSEL)
        vorig = self.manifest.get(naast)
        zelfde = vorig is not None and (vorig.invoer, vorig.sjabloon) == (nieuw.invoer, nieuw.sjabloon)
        if not naast.exists() and zelfde:
            log.info("%s: de nieuwe versie is verwijderd; het conflict geldt als opgelost", doel)
            self.manifest.weg(naast)
            self.manifest.zet(self._vermelding(doel, nieuw, item.sha256 if item else ""))
            return Geschreven(Uitkomst.BEWERKT)
        if naast.exists() and eigenaarsbestand(naast) is None:
            huidig = sha256(naast.read_bytes())
            if vorig is not None and vorig.sha256 == huidig:
                if not zelfde:
                    self._plaats(naast, nieuw)  # our own earlier proposal, untouched: bring it up to date
            elif huidig == sha256(nieuw.data):
                self._noteer(naast, nieuw, huidig)
            else:
                log.warning("%s is ook bewerkt; niet overschreven", naast)
        elif not naast.exists():
            self._plaats(naast, nieuw)
        log.warning("%s: bewerkt en de gegevens zijn gewijzigd; nieuwe versie in %s", doel, naast.name)
        return Geschreven(Uitkomst.CONFLICT, naast)

    def _plaats(self, doel: Path, nieuw: Versie) -> None:
        schrijf_atomair(doel, nieuw.data)
        self._noteer(doel, nieuw, sha256(nieuw.data))

    def _noteer(self, doel: Path, nieuw: Versie, huidig: str) -> None:
        item = self.manifest.get(doel)
        if item is not None and (item.sha256, item.invoer, item.sjabloon) == (huidig, nieuw.invoer,
                                                                                nieuw.sjabloon):
            return
        self.manifest.zet(self._vermelding(doel, nieuw, huidig))

    def _vermelding(self, doel: Path, nieuw: Versie, sha: str) -> Vermelding:
        return Vermelding(self.manifest.relatief(doel), nieuw.leerlingnummer, sha, nieuw.invoer,
                          nieuw.sjabloon, nieuw.versie, nu())

    def bewaar(self) -> None:
        """Write the manifest and release the folder."""
        try:
            self.manifest.bewaar(schrijf_atomair)
        finally:
            if self.slot is not None:
                self.slot.vrij()
