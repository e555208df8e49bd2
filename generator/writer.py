"""File names and safe writes: Windows-safe deterministic names, temp file + atomic replace."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from enum import Enum
from pathlib import Path

from .errors import SchrijfError, UitvoerError

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_NAME = 80
TEMP_PREFIX = ".opp-tmp-"


class Uitkomst(str, Enum):
    """What happened to one student's file."""

    NIEUW = "nieuw"
    ONGEWIJZIGD = "ongewijzigd"
    BEWERKT = "bestaand bestand niet overschreven"


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
    """Create an output folder readable by the owner only, where the system allows it."""
    try:
        pad.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise UitvoerError(f"{pad}: de uitvoermap kan niet worden gemaakt ({exc.strerror})") from exc


def schrijf_atomair(doel: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, then move it into place: a crash never leaves a
    half-written file, and an existing file stays intact when writing fails."""
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=doel.suffix, dir=doel.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, doel)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SchrijfError(f"{doel}: schrijven mislukt ({exc.strerror or exc})") from exc


def schrijf_document(doel: Path, data: bytes) -> Uitkomst:
    """Write one OPP unless a different file is already there: a person may have edited it."""
    if doel.exists():
        return Uitkomst.ONGEWIJZIGD if doel.read_bytes() == data else Uitkomst.BEWERKT
    schrijf_atomair(doel, data)
    return Uitkomst.NIEUW
