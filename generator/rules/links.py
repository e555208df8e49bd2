"""Link rules: which `vindplaats` of a document becomes a hyperlink in the OPP, and with what target.

An OPP refers to the IOP, the plan van aanpak and reports instead of copying them. A link is a click
away from running something on a staff laptop, so only web addresses (http, https), e-mail (mailto)
and files inside the documents folder become links; everything else stays plain text and is reported.

- A mailto link keeps only what a coordinator means by it: one or more addresses and at most a
  `subject`. Any other field (`cc`, `bcc`, `body`, `attach`, ...) or a line break or control character
  anywhere in it, also percent-encoded (%0A, %0D), refuses the link: such a link would send mail, or a
  file, to someone the reader does not see.
- A file link points at a document, never at something that runs: only the extensions in
  `DOCUMENT_EXTENSIONS` (pdf; Word, OpenDocument, rtf, txt; Excel without macros, ods, csv; PowerPoint
  without macros, odp; images; saved e-mails) become links. A program or script (.exe, .bat, .cmd, .ps1,
  .vbs, .js, .msi, .lnk, .hta, .jar, ...), a macro-enabled Office file (.docm, .xlsm, .pptm), a web page
  or anything without an extension stays text. The extension of the file the link resolves to counts.
- A path that cannot be resolved (a name longer than the file system allows, a loop of symbolic links,
  a NUL character) is no usable link: text only, with a warning, like a missing file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

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
# Control characters (also C1 and DEL) and Unicode line separators: never inside a mailto link.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAILTO_FIELDS = frozenset({"subject"})  # the only header a mailto link may set
# The files a link may open: documents a reader opens to read, no programs, scripts or macros.
DOCUMENT_EXTENSIONS = frozenset({
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".ods", ".csv", ".ppt", ".pptx",
    ".odp", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".msg", ".eml",
})
_TEXT_ONLY = "alleen de titel staat in het OPP"


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
        return _mail(text)
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


def _mail(text: str) -> LinkDecision:
    """mailto:addresses[?subject=...]; anything more is refused (see the module docstring). Fields are
    split on '&' and on ';' too: some mail programs take either."""
    address, _, query = text.split(":", 1)[1].partition("?")
    if _CONTROL.search(unquote(text)):
        return LinkDecision(problem="e-mailadres met een regeleinde of stuurteken (ook als %0A of %0D) wordt "
                            f"niet als link opgenomen; {_TEXT_ONLY}")
    fields = {unquote(part.split("=", 1)[0]).strip().casefold() for part in re.split(r"[&;]", query) if part}
    extra = sorted(fields - MAILTO_FIELDS)
    if extra or "?" in query:
        shown = ", ".join(f"{f}=" for f in extra) or "een tweede '?'"
        return LinkDecision(problem=f"e-maillink met {shown} wordt niet als link opgenomen (alleen het adres "
                            f"en subject= mogen); {_TEXT_ONLY}")
    if "@" not in unquote(address) or any(c in unquote(address) for c in "?&;"):
        return LinkDecision(problem=f"vindplaats 'mailto:' zonder geldig e-mailadres; {_TEXT_ONLY}")
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
                            f"{_TEXT_ONLY}")
    if _is_outside(text):
        return _OUTSIDE
    try:
        return _resolved_file_link(text, documenten, opp_folder)
    except (OSError, RuntimeError, ValueError):
        # ENAMETOOLONG, ELOOP (RuntimeError from Path.resolve), a NUL character: not a usable link.
        return LinkDecision(problem="pad kan niet worden gevolgd (een naam die te lang is voor het "
                            "bestandssysteem, of een kring van snelkoppelingen); " + _TEXT_ONLY)


_OUTSIDE = LinkDecision(problem="pad wijst buiten de documentenmap en wordt niet als link opgenomen; zet "
                        "het document in de documentenmap (--documenten) of gebruik een internetadres")


def _resolved_file_link(text: str, documenten: Path, opp_folder: Path) -> LinkDecision:
    """The link to a file inside the documents folder; any OSError or RuntimeError of resolving the
    path reaches the caller, which makes it text only."""
    root = documenten.resolve()
    target = (root / text.replace("\\", "/")).resolve()
    if not target.is_relative_to(root):
        return _OUTSIDE
    if not root.is_dir():
        return LinkDecision(problem=f"de documentenmap {documenten} bestaat niet (zie --documenten); "
                            f"{_TEXT_ONLY}")
    if not target.is_file():
        return LinkDecision(problem=f"bestand niet gevonden in de documentenmap; {_TEXT_ONLY}")
    if ":" in target.relative_to(root).as_posix():  # on Windows a hidden data stream of another file
        return LinkDecision(problem=f"pad met ':' wordt niet als link opgenomen; {_TEXT_ONLY}")
    if target.suffix.casefold() not in DOCUMENT_EXTENSIONS:
        kind = f"'{target.suffix}'" if target.suffix else "zonder extensie"
        return LinkDecision(problem=f"bestand van een soort die niet als link wordt opgenomen ({kind}; "
                            "alleen documenten zoals pdf, docx, xlsx, odt of een afbeelding); " + _TEXT_ONLY)
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
