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

from ..domain.findings import Finding, Location, Severity
from ..domain.records import Opp
from ..read.convert import date_text

# Characters a URL may keep as they are; the rest (spaces, quotes, non-ASCII) is percent-encoded so
# that strict readers (.NET System.IO.Packaging) do not reject the document as malformed.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_WEB = ("http", "https")
# Browsers ignore these inside a scheme ('java\tscript:'), so they are ignored when judging one.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class LinkDecision:
    """The decision for one vindplaats: the relationship target ("" = text only) and, when the
    target was refused or not found, the Dutch reason (for a finding)."""

    target: str = ""
    problem: str = ""


def link_text(titel: str, datum: date | None) -> str:
    """The visible text of a link: the document's title and date, 'IOP rekenen (15 juni 2026)'."""
    return f"{titel} ({date_text(datum)})" if datum else titel


def judge_link(vindplaats: str, documenten: Path | None, opp_folder: Path | None) -> LinkDecision:
    """Judge one vindplaats. `documenten` is the folder relative paths resolve against; `vanuit`
    the folder of the OPP file, which a relative link must work from."""
    text = vindplaats.strip()
    if not text:
        return LinkDecision()
    scheme = _scheme(text)
    if scheme in _WEB:
        return _web(text)
    if scheme == "mailto":
        return LinkDecision(quote(text, safe=_URL_SAFE))
    if scheme:
        return LinkDecision(problem=f"vindplaats met '{scheme}:' wordt niet als link opgenomen (alleen "
                            "http, https, mailto of een bestand in de documentenmap); alleen de "
                            "titel staat in het OPP")
    if text.casefold().startswith("www."):
        return LinkDecision(problem="internetadres zonder https:// ervoor; schrijf het als https://www...., "
                            "dan wordt het een link; nu staat alleen de titel in het OPP")
    return _file_link(text, documenten, opp_folder)


def _scheme(text: str) -> str:
    """The URL scheme, lower case; '' for a path. A single letter is a Windows drive, not a scheme."""
    match = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", text))
    if not match or len(match.group(1)) == 1:
        return ""
    return match.group(1).casefold()


def _web(text: str) -> LinkDecision:
    if any(c in text for c in "\r\n\t") or not urlsplit(text.replace("\\", "/")).netloc:
        return LinkDecision(problem="vindplaats is geen geldig internetadres (verwacht bijvoorbeeld "
                            "https://lvs.example.nl/iop/4512); alleen de titel staat in het OPP")
    return LinkDecision(quote(text, safe=_URL_SAFE))


def _is_outside(text: str) -> bool:
    """Absolute, UNC ('\\\\server'), drive-letter and '..' paths point outside the documents folder;
    a UNC link would also hand the user's Windows credentials to that server."""
    posix = text.replace("\\", "/")
    return (posix.startswith("/") or re.match(r"^[a-z]:", posix, re.IGNORECASE) is not None
            or ".." in PurePosixPath(posix).parts)


def _file_link(text: str, documenten: Path | None, opp_folder: Path | None) -> LinkDecision:
    if documenten is None or opp_folder is None:
        return LinkDecision(problem="vindplaats is een pad, maar er is geen documentenmap opgegeven; "
                            "alleen de titel staat in het OPP")
    root = documenten.resolve()
    target = (root / text.replace("\\", "/")).resolve()
    if _is_outside(text) or not target.is_relative_to(root):
        return LinkDecision(problem="pad wijst buiten de documentenmap en wordt niet als link opgenomen; "
                            "zet het document in de documentenmap (--documenten) of gebruik een "
                            "internetadres")
    if not root.is_dir():
        return LinkDecision(problem=f"de documentenmap {documenten} bestaat niet (zie --documenten); "
                            "alleen de titel staat in het OPP")
    if not target.is_file():
        return LinkDecision(problem="bestand niet gevonden in de documentenmap; alleen de titel staat in "
                            "het OPP")
    try:
        relative = Path(os.path.relpath(target, opp_folder.resolve())).as_posix()
    except ValueError:  # Windows: documents and OPPs on different drives, no relative path exists
        return LinkDecision(target.as_uri())
    return LinkDecision(quote(relative, safe="/"))


def judge_links(opp: Opp, documenten: Path | None,
                opp_folder: Path | None) -> tuple[list[str], list[Finding]]:
    """The targets of a student's documents that become links, and a warning for each refused or
    missing one, naming the Documenten row and the student number (never the path itself: it may
    hold names)."""
    linked, found = [], []
    for doc in opp.documenten:
        hyperlink = judge_link(doc.vindplaats, documenten, opp_folder)
        if hyperlink.target:
            linked.append(hyperlink.target)
        if hyperlink.problem:
            where = doc.origin.location("vindplaats") if doc.origin else Location("Documenten")
            found.append(Finding(Severity.WARNING, where, hyperlink.problem, doc.leerlingnummer))
    return linked, found
