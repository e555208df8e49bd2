"""One student, one OPP: which file in the school year's folder already is a student's OPP, whatever its
path or name. Identity is the student number as the validator matches it (read.convert.match_key:
leading zeros and case do not count), not the class folder or the file name: a class change, a number
that lost its leading zeros in Excel, a corrected surname in the file name or a file renamed or moved
by hand must not give the student a second, blank OPP while the edited one is left behind.

Where a student's OPP is, in this order: the manifest, for its files that still exist; a file the
manifest knows by its bytes (sha256) under a path that is gone, moved or renamed untouched; any other
.docx in the folder tree, by the leerlingnummer in the document itself (the content control tagged
`leerling.leerlingnummer`), else by its name 'OPP_<nr>...'. The index only reads: `plan` uses it for
`opp controleer` as for `opp genereer`. `adopt_moved` is the one writer here: under the run's lock,
after the folder is opened, it moves a manifest entry to where its file went.
"""

from __future__ import annotations

import logging
import os
import re
import zipfile
import zlib
from collections import ChainMap
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO

from lxml import etree

from ..domain.errors import OutputError
from ..domain.findings import Finding, Location, Severity
from ..domain.records import Opp
from ..read.convert import match_key
from .files import TEMP_PREFIX, is_link, unique_target
from .manifest import Manifest, ManifestEntry, now_iso, sha256_file

NUMBER_TAG = "leerling.leerlingnummer"  # the content control's w:tag (form/controls.py, context.py)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_DOCUMENT_XML = 32 * 2**20  # bytes unpacked; an OPP's body is some 200 kB
# The writer's side copies ('OPP_1 (nieuw).docx', 'OPP_1 (vorige 2).docx') belong to an OPP; no OPPs
# of their own (register.py lists them under their OPP's row by the same rule).
SIDE_COPY = re.compile(r" \((nieuw|vorige)( \d+)?\)$")
_NUMBER_IN_NAME = re.compile(r"OPP_([^_~ ()]+)", re.IGNORECASE)
_UNREADABLE = (OSError, EOFError, KeyError, ValueError, RuntimeError, NotImplementedError, zlib.error,
               zipfile.BadZipFile, etree.Error)  # RuntimeError: encrypted; KeyError: no document.xml


class Source(Enum):
    """How a file was found to be a student's OPP; the order is the order of trust."""

    MANIFEST = "manifest"
    MOVED = "verplaatst"  # the manifest's bytes under another path
    DOCUMENT = "document"
    FILE_NAME = "bestandsnaam"


@dataclass(frozen=True)
class Existing:
    """An OPP already in the folder, and for which number."""

    path: Path
    number: str  # as its source writes it
    source: Source
    entry: ManifestEntry | None = None  # the manifest's entry (MANIFEST; MOVED: the entry of the old path)


def number_in_document(path: Path) -> str | None:
    """The text of the first content control tagged NUMBER_TAG in word/document.xml; None when the file
    is no readable .docx or has no such control with text. Read within limits, no entities, no network."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("word/document.xml")
            if info.file_size > MAX_DOCUMENT_XML:
                return None
            with zf.open(info) as fh:  # unpacks at most the declared size; the control is near the top
                return _first_number(fh)
    except _UNREADABLE:
        return None


def _first_number(stream: IO[bytes]) -> str | None:
    for _, sdt in etree.iterparse(stream, events=("end",), tag=f"{_W}sdt", resolve_entities=False,
                                  no_network=True, load_dtd=False):
        tag = sdt.find(f"{_W}sdtPr/{_W}tag")
        if tag is not None and tag.get(f"{_W}val") == NUMBER_TAG:
            text = "".join(etree.tostring(t, method="text", encoding="unicode", with_tail=False)
                           for t in sdt.iterfind(f"{_W}sdtContent//{_W}t")).strip()
            return text or None
    return None


def number_in_file_name(stem: str) -> str | None:
    """'OPP_020260', 'OPP_020260_El Idrissi_Aisha' (a file name without '.docx') -> '020260'."""
    match = _NUMBER_IN_NAME.match(stem)
    return match.group(1) if match else None


def is_candidate(name: str) -> bool:
    """A .docx that may be an OPP: not Word's owner file '~$...', no temp of ours, no side copy."""
    stem, dot, extension = name.rpartition(".")
    return (bool(dot) and extension.lower() == "docx" and not name.startswith(("~$", TEMP_PREFIX))
            and not SIDE_COPY.search(stem))


def _docx_files(base: Path) -> list[Path]:
    """Every plain candidate file below `base`; no links, not into linked folders (os.walk's default)."""
    out = []
    for root, _, names in os.walk(base):
        out += [p for name in sorted(names) if is_candidate(name) and not is_link(p := Path(root) / name)]
    return out


def _manifest_entries(base: Path) -> list[ManifestEntry]:
    """The manifest's entries of OPPs (no side copies), read only. Quietly: what is wrong with the
    manifest (damaged, unreadable, a link) the run reports when it opens the folder, and `opp
    controleer`, which writes nothing, does not depend on it."""
    manifest_log = logging.getLogger(Manifest.__module__)
    previous, manifest_log.disabled = manifest_log.disabled, True
    try:
        items = Manifest(base)._items.values()  # the manifest has no public listing
    except OutputError:
        return []
    finally:
        manifest_log.disabled = previous
    return [e for e in items if not SIDE_COPY.search(Path(e.file).stem)]


class OppIndex:
    """The OPPs in a school year's folder by the matching key of their student number."""

    def __init__(self, base: Path, found: Iterable[Existing], gone: Iterable[str] = ()):
        self.base = base
        self.by_key: dict[str, list[Existing]] = {}
        self.owner: dict[str, str] = {}  # relative path, case-folded -> key
        for item in found:
            key = match_key(item.number)
            self.by_key.setdefault(key, []).append(item)
            self.owner[self._rel(item.path).casefold()] = key
        self.gone = {g.casefold() for g in gone}  # manifest paths whose file is no longer there

    @classmethod
    def read(cls, base: Path) -> OppIndex:
        if not base.is_dir():
            return cls(base, ())
        entries = _manifest_entries(base)
        present = {p.relative_to(base).as_posix(): p for p in _docx_files(base)}
        found = [Existing(present.pop(e.file), e.leerlingnummer, Source.MANIFEST, e)
                 for e in entries if e.file in present]
        gone = [e for e in entries if e.file not in present and not (base / e.file).is_file()]
        found += _moved(gone, present)  # takes the files it recognises out of `present`
        for path in present.values():
            number = number_in_document(path)
            source = Source.DOCUMENT
            if number is None:
                number, source = number_in_file_name(path.stem), Source.FILE_NAME
            if number:
                found.append(Existing(path, number, source))
        return cls(base, found, (e.file for e in gone))

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.base).as_posix()

    def free_target(self, opp: Opp, folder: Path, name: str, taken: dict[str, object],
                    findings: list[Finding]) -> tuple[Path, object]:
        """files.unique_target, where a file that is another student's OPP (by the manifest, the number in
        the document or its name) counts as taken too: `folder/name` or the next free name, and the
        student in `taken` who had the plain name (None: free, or another student's OPP, with a
        warning in `findings` saying so)."""
        rel = (folder / name).relative_to(self.base).as_posix()
        owner = self.owner.get(rel.casefold())
        if owner is None or owner == match_key(opp.leerling.leerlingnummer) or not (folder / name).exists():
            return unique_target(folder, name, taken, self.base)
        how = _how(next(e for e in self.by_key[owner] if self._rel(e.path) == rel))
        target, _ = unique_target(folder, name, ChainMap({rel.casefold(): opp}, taken), self.base)
        findings.append(_finding(opp, "leerlingnummer", (
            f"{rel} is volgens {how} het OPP van een andere leerling; dit OPP heet daarom {target.name}")))
        return target, None

    def place(self, opp: Opp, planned: Path, taken: dict[str, object], findings: list[Finding]) -> Path:
        """Where the student's OPP goes: its existing OPP where there is one (with a warning in `findings`
        saying why it is not `planned`), else `planned`."""
        existing = self._ranked(match_key(opp.leerling.leerlingnummer), planned)
        if not existing:
            return planned
        (chosen, edited), where = existing[0], self._rel(existing[0][0].path)
        if where.casefold() != self._rel(planned).casefold():
            if taken.get(where.casefold()) not in (None, opp):  # a file is never given to two students
                findings.append(_finding(opp, "leerlingnummer", (
                    f"het bestaande OPP {where} hoort bij deze leerling, maar een andere leerling gebruikt "
                    f"die naam al; er komt een nieuw OPP in {self._rel(planned)}")))
                return planned
            findings.append(self._moved_finding(opp, chosen, planned))
        findings += [self._duplicate(opp, where, edited, other) for other, _ in existing[1:]]
        return chosen.path

    def _ranked(self, key: str, planned: Path) -> list[tuple[Existing, bool]]:
        """The student's existing OPPs, each with whether it may hold someone's work, the one to keep
        first: an edited one before this tool's own untouched output or an exact copy of it (the old
        blank duplicate a previous version made, a backup copy), one the manifest knows before one found
        by its content or name, the planned path before another. Hashed only when there are several."""
        found = self.by_key.get(key, [])
        if len(found) < 2:
            return [(e, True) for e in found]
        ours = {e.entry.sha256 for e in found if e.entry is not None and e.entry.sha256}
        marked = [(e, _edited(e, ours)) for e in found]
        return sorted(marked, key=lambda m: (not m[1], m[0].source is not Source.MANIFEST,
                                             m[0].path != planned, self._rel(m[0].path)))

    def _moved_finding(self, opp: Opp, chosen: Existing, planned: Path) -> Finding:
        """Why the student's OPP is not where this run would have put it, and where it is."""
        lln, where, rel = opp.leerling, self._rel(chosen.path), self._rel(planned)
        nr = lln.leerlingnummer
        tail = f"en wordt daar bijgewerkt; er komt geen tweede OPP in {rel}"
        if chosen.number != nr:
            return _finding(opp, "leerlingnummer", f"leerlingnummer {nr} {_written(nr, chosen.number)}: het "
                            f"bestaande OPP {where} hoort bij deze leerling {tail}")
        if chosen.source is Source.MOVED or rel.casefold() in self.gone:
            was = chosen.entry.file if chosen.source is Source.MOVED and chosen.entry else rel
            return _finding(opp, "leerlingnummer", f"bestand verplaatst of hernoemd (was {was}): het OPP van "
                            f"leerling {nr} staat in {where} {tail}")
        if chosen.path.parent == planned.parent:
            return _finding(opp, "leerlingnummer", f"bestandsnaam gewijzigd: het OPP van leerling {nr} staat "
                            f"in {where} {tail}")
        if chosen.source is Source.MANIFEST:  # opp wrote it there: the class was another
            return _finding(opp, "klas", f"klas gewijzigd (nu {lln.klas}): het OPP staat in {where} {tail}")
        return _finding(opp, "klas", f"het OPP van leerling {nr} staat in een andere map: {where} {tail}")

    def _duplicate(self, opp: Opp, kept: str, edited: bool, other: Existing) -> Finding:
        extra, why = self._rel(other.path), "bewerkt" if edited else "door opp gemaakt"
        return _finding(opp, "leerlingnummer", (
            f"nog een OPP van leerling {opp.leerling.leerlingnummer}: {extra}; opp gebruikt {kept} ({why}) "
            f"en laat {extra} staan. Neem over wat u nodig hebt en verwijder het overbodige bestand"))


def _moved(gone: list[ManifestEntry], present: dict[str, Path]) -> list[Existing]:
    """Files the manifest knows by their bytes under a path that is gone: renamed or moved untouched.
    Only hashed when some manifest path is gone."""
    if not gone:
        return []
    wanted = {e.sha256: e for e in gone if e.sha256}
    out = []
    for rel, path in list(present.items()):
        try:
            entry = wanted.pop(sha256_file(path), None)
        except OSError:
            continue
        if entry is not None:
            out.append(Existing(present.pop(rel), entry.leerlingnummer, Source.MOVED, entry))
    return out


def _edited(item: Existing, ours: set[str]) -> bool:
    """Whether a file may hold someone's work: anything but this tool's own untouched output (`ours`:
    the hashes of what it wrote for this student) or an exact copy of it."""
    if item.source is Source.MOVED:
        return False
    try:
        digest = sha256_file(item.path)
    except OSError:
        return True
    if item.source is Source.MANIFEST and item.entry is not None and item.entry.sha256:
        return digest != item.entry.sha256
    return digest not in ours


def _written(number: str, found: str) -> str:
    """How the export writes a number that the existing OPP writes as `found`."""
    if number.lstrip("0") == found.lstrip("0") and len(number) != len(found):
        return "zonder voorloopnul" if len(number) < len(found) else "met voorloopnul"
    return f"anders geschreven dan in het OPP ({found})"


def _how(item: Existing) -> str:
    return {Source.MANIFEST: "het manifest", Source.MOVED: "het manifest",
            Source.DOCUMENT: "het leerlingnummer in het document",
            Source.FILE_NAME: "de bestandsnaam"}[item.source]


def _finding(opp: Opp, field_name: str, message: str) -> Finding:
    lln = opp.leerling
    where = lln.origin.location(field_name) if lln.origin else Location("Leerlingen")
    return Finding(Severity.WARNING, where, message, lln.leerlingnummer)


def adopt_moved(manifest: Manifest, targets: Iterable[tuple[Path, str]]) -> int:
    """Under the run's lock, before the writer decides, for each (target, leerlingnummer) of the plan: a
    target the manifest does not know is the file of a manifest entry whose file is gone, renamed or
    moved by hand, when it has that entry's bytes (untouched) or else when that entry is the one gone
    entry of the student (edited). The entry moves to the target, with the hash of what this tool
    wrote, so the decision table treats the file as its own: untouched, it is updated with a backup;
    edited, it is kept (and with changed data the new version goes beside it), never overwritten.
    Returns how many entries moved."""
    unknown = [(t, n) for t, n in targets if manifest.get(t) is None and t.is_file()]
    if not unknown:
        return 0
    gone = [e for e in manifest._items.values()  # the manifest has no public listing
            if not SIDE_COPY.search(Path(e.file).stem) and not (manifest.map / e.file).is_file()]
    moved = 0
    for target, number in unknown:
        entry = _gone_entry(target, number, gone)
        if entry is None:
            continue
        gone.remove(entry)
        manifest.remove(manifest.map / entry.file)
        manifest.put(ManifestEntry(manifest.relative(target), number, entry.sha256, entry.input_hash,
                                   entry.template_hash, entry.tool_version, now_iso()))
        moved += 1
    return moved


def _gone_entry(target: Path, number: str, gone: list[ManifestEntry]) -> ManifestEntry | None:
    """The entry whose bytes `target` has, else the student's one gone entry."""
    if not gone:
        return None
    try:
        digest = sha256_file(target)
    except OSError:
        return None
    same = next((e for e in gone if e.sha256 and e.sha256 == digest), None)
    if same is not None:
        return same
    key = match_key(number)
    mine = [e for e in gone if match_key(e.leerlingnummer) == key]
    return mine[0] if len(mine) == 1 else None
