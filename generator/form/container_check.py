"""The Word template's container, checked before anything opens it: no zip bomb, no macros, no
external relationship other than an ordinary web or mail link (Follina used an external oleObject)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from ..domain.errors import TemplateError

MAX_FILE = 50 * 1024 * 1024  # bytes on disk
MAX_UNPACKED = 200 * 1024 * 1024  # declared total, unpacked
MAX_MEMBERS = 2000
MAX_RATIO = 100  # per member bigger than RATIO_FROM; Apache POI refuses beyond 1:100 as well
RATIO_FROM = 1024 * 1024  # small XML parts legitimately compress better than 1:100
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_MACRO = re.compile(r"vbaProject|vbaData|activeX", re.IGNORECASE)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def check_container(pad: Path) -> None:
    """Raise TemplateError when the template is not a sane, self-contained .docx container."""
    naam = pad.name
    try:
        if pad.stat().st_size > MAX_FILE:
            raise TemplateError(f"{naam}: het sjabloon is groter dan {MAX_FILE // 2**20} MB")
        with zipfile.ZipFile(pad) as zf:
            infos = zf.infolist()
            _check_sizes(naam, infos)
            for info in infos:
                if _MACRO.search(info.filename):
                    raise TemplateError(f"{naam}: het sjabloon bevat macro's of ActiveX ({info.filename}); "
                                        "sla het op als gewoon Word-document (.docx)")
                if info.filename.endswith(".rels"):
                    _check_relationships(naam, info.filename, zf.read(info))
    except (OSError, zipfile.BadZipFile) as exc:
        raise TemplateError(f"{naam}: het sjabloon is geen leesbaar Word-document (.docx)") from exc


def _check_sizes(naam: str, infos: list[zipfile.ZipInfo]) -> None:
    """Declared sizes from the central directory: nothing is unpacked to find out."""
    if len(infos) > MAX_MEMBERS:
        raise TemplateError(f"{naam}: het sjabloon heeft {len(infos)} onderdelen; dat is geen normaal "
                            "Word-document (zipbom?)")
    totaal = sum(i.file_size for i in infos)
    if totaal > MAX_UNPACKED:
        raise TemplateError(f"{naam}: het sjabloon is uitgepakt {totaal // 2**20} MB, meer dan "
                            f"{MAX_UNPACKED // 2**20} MB (zipbom?)")
    for i in infos:
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise TemplateError(f"{naam}: onderdeel {i.filename} pakt meer dan {MAX_RATIO} keer zo groot "
                                "uit (zipbom?)")


def _check_relationships(naam: str, part: str, data: bytes) -> None:
    """Only hyperlinks to http(s) or mailto may point outside the document."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"{naam}: {part} is geen geldige XML") from exc
    for rel in root:
        if not isinstance(rel.tag, str) or rel.get("TargetMode", "") != "External":
            continue
        target, soort = rel.get("Target", ""), rel.get("Type", "")
        if soort != _HYPERLINK:
            soort = soort.rsplit("/", 1)[-1]
            raise TemplateError(f"{naam}: {part} verwijst naar een extern bestand ({soort}); een sjabloon "
                                "mag niets van buiten laden")
        if not _SAFE_LINK.match(target):
            raise TemplateError(f"{naam}: {part} bevat een link die geen http(s)- of mailto-link is "
                                f"({target[:40]!r}); verwijder die link uit het sjabloon")
