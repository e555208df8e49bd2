"""Link rules: which `vindplaats` of a document becomes a hyperlink in the OPP, and with what target.

An OPP refers to the IOP, the plan van aanpak and reports instead of copying them. A link is a click
away from running something on a staff laptop, so only web addresses (http, https), e-mail (mailto)
and files inside the documents folder become links; everything else stays plain text and is reported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from .convert import datum_tekst
from .findings import Bevinding, Ernst, Locatie
from .records import Opp

# Characters a URL may keep as they are; the rest (spaces, quotes, non-ASCII) is percent-encoded so
# that strict readers (.NET System.IO.Packaging) do not reject the document as malformed.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_WEB = ("http", "https")
# Browsers ignore these inside a scheme ('java\tscript:'), so they are ignored when judging one.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class Koppeling:
    """The decision for one vindplaats: the relationship target ("" = text only) and, when the
    target was refused or not found, the Dutch reason (for a finding)."""

    doel: str = ""
    probleem: str = ""


def linktekst(titel: str, datum: date | None) -> str:
    """The visible text of a link: the document's title and date, 'IOP rekenen (15 juni 2026)'."""
    return f"{titel} ({datum_tekst(datum)})" if datum else titel


def koppel(vindplaats: str, documenten: Path | None, vanuit: Path | None) -> Koppeling:
    """Judge one vindplaats. `documenten` is the folder relative paths resolve against; `vanuit`
    the folder of the OPP file, which a relative link must work from."""
    text = vindplaats.strip()
    if not text:
        return Koppeling()
    scheme = _schema(text)
    if scheme in _WEB:
        return _web(text)
    if scheme == "mailto":
        return Koppeling(quote(text, safe=_URL_SAFE))
    if scheme:
        return Koppeling(probleem=f"vindplaats met '{scheme}:' wordt niet als link opgenomen (alleen "
                                  "http, https, mailto of een bestand in de documentenmap); alleen de "
                                  "titel staat in het OPP")
    if text.casefold().startswith("www."):
        return Koppeling(probleem="internetadres zonder https:// ervoor; schrijf het als https://www...., "
                                  "dan wordt het een link; nu staat alleen de titel in het OPP")
    return _bestand(text, documenten, vanuit)


def _schema(text: str) -> str:
    """The URL scheme, lower case; '' for a path. A single letter is a Windows drive, not a scheme."""
    match = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", text))
    if not match or len(match.group(1)) == 1:
        return ""
    return match.group(1).casefold()


def _web(text: str) -> Koppeling:
    if any(c in text for c in "\r\n\t") or not urlsplit(text.replace("\\", "/")).netloc:
        return Koppeling(probleem="vindplaats is geen geldig internetadres (verwacht bijvoorbeeld "
                                  "https://lvs.example.nl/iop/4512); alleen de titel staat in het OPP")
    return Koppeling(quote(text, safe=_URL_SAFE))


def _is_buiten(text: str) -> bool:
    """Absolute, UNC ('\\\\server'), drive-letter and '..' paths point outside the documents folder;
    a UNC link would also hand the user's Windows credentials to that server."""
    posix = text.replace("\\", "/")
    return (posix.startswith("/") or re.match(r"^[a-z]:", posix, re.IGNORECASE) is not None
            or ".." in PurePosixPath(posix).parts)


def _bestand(text: str, documenten: Path | None, vanuit: Path | None) -> Koppeling:
    if documenten is None or vanuit is None:
        return Koppeling(probleem="vindplaats is een pad, maar er is geen documentenmap opgegeven; "
                                  "alleen de titel staat in het OPP")
    root = documenten.resolve()
    target = (root / text.replace("\\", "/")).resolve()
    if _is_buiten(text) or not target.is_relative_to(root):
        return Koppeling(probleem="pad wijst buiten de documentenmap en wordt niet als link opgenomen; "
                                  "zet het document in de documentenmap (--documenten) of gebruik een "
                                  "internetadres")
    if not root.is_dir():
        return Koppeling(probleem=f"de documentenmap {documenten} bestaat niet (zie --documenten); alleen de "
                                  "titel staat in het OPP")
    if not target.is_file():
        return Koppeling(probleem="bestand niet gevonden in de documentenmap; alleen de titel staat in "
                                  "het OPP")
    try:
        relative = Path(os.path.relpath(target, vanuit.resolve())).as_posix()
    except ValueError:  # Windows: documents and OPPs on different drives, no relative path exists
        return Koppeling(target.as_uri())
    return Koppeling(quote(relative, safe="/"))


def beoordeel(opp: Opp, documenten: Path | None, vanuit: Path | None) -> tuple[list[str], list[Bevinding]]:
    """The targets of a student's documents that become links, and a warning for each refused or
    missing one, naming the Documenten row and the student number (never the path itself: it may
    hold names)."""
    linked, found = [], []
    for doc in opp.documenten:
        koppeling = koppel(doc.vindplaats, documenten, vanuit)
        if koppeling.doel:
            linked.append(koppeling.doel)
        if koppeling.probleem:
            where = doc.locatie or Locatie("Documenten")
            found.append(Bevinding(Ernst.WAARSCHUWING, where, koppeling.probleem, doc.leerlingnummer))
    return linked, found
