"""Reads a template's zip within limits, and writes a .docx (a zip) from members compressed once: the
template's unchanged parts are copied as ready-made bytes, only the rendered parts are compressed per
student.

A template is read by `read_template` only, by the template check and by the renderer alike, so that
every command holds it to the same limits (MAX_*), judged on the central directory before anything is
unpacked. Each member is unpacked to at most its declared size: `ZipFile.read` would inflate a member
whose header lies about its size up to 2 GB before it stops.

Recompressing every member for every document (styles.xml alone is ~350 kB) cost three quarters of
the time per OPP; `zipfile` cannot copy a member's compressed bytes, so the few zip structures a .docx
needs are written here, to the letter of APPNOTE 6.3 (no zip64: an OPP is far below 4 GiB).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..domain.form_rules import DOCX_MAX_BYTES, DOCX_MAX_MEMBERS, DOCX_MAX_RATIO, DOCX_RATIO_FROM

try:  # ISA-L's deflate: 6x faster than zlib's level 1 on a 130 kB body, and a little smaller
    from isal import isal_zlib as _fast_zlib
except ImportError:  # a platform without its wheel: zlib, same format, slower
    _fast_zlib = zlib

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_VERSION = 20  # 2.0: deflate
_MADE_BY = (3 << 8) | _VERSION  # unix, so that the file mode in external_attr is honoured
_DEFLATED = 8
_UTF8_NAME = 0x800
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00: same input, same bytes
_MODE = 0o600 << 16  # readable by the owner only, like the output folders
PER_STUDENT_LEVEL = 1  # per student: speed first (zlib's default 6 is 3x slower than 1, for ~8% smaller)
TEMPLATE_LEVEL = 9  # once per run: size first
MAX_TEMPLATE, MAX_MEMBERS = DOCX_MAX_BYTES, DOCX_MAX_MEMBERS  # domain/form_rules.py: a template is a form
MAX_PART = 4 * 2**20  # bytes of a part with template code (the built-in body is 67 kB); docxtpl
# patches ~1 MB a second, and the check and every worker patch it
MAX_RATIO, RATIO_FROM = DOCX_MAX_RATIO, DOCX_RATIO_FROM
# the parts the renderer fills in; the template check checks the template code in these
TEMPLATED_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError,
                ValueError)  # RuntimeError: encrypted; NotImplementedError: an unknown compression


@dataclass(frozen=True)
class ZipMember:
    """One zip member, compressed: its local header plus data, and what the central directory needs."""

    name: bytes
    flags: int
    crc: int
    compressed_size: int
    size: int
    block: bytes  # local file header + compressed data, written as is


def compress(naam: str, data: bytes, level: int = PER_STUDENT_LEVEL) -> ZipMember:
    """A member from its uncompressed bytes (raw deflate, as zip wants it). Per-student levels go to
    ISA-L where it is installed; the template's members, compressed once, to zlib's best level."""
    lib = _fast_zlib if level <= PER_STUDENT_LEVEL else zlib
    packer = lib.compressobj(level, lib.DEFLATED, -15)
    compressed = packer.compress(data) + packer.flush()
    encoded = naam.encode("utf-8")
    flags = 0 if naam.isascii() else _UTF8_NAME
    crc = _fast_zlib.crc32(data)
    header = _LOCAL.pack(0x04034B50, _VERSION, flags, _DEFLATED, _DOS_TIME, _DOS_DATE, crc,
                         len(compressed), len(data), len(encoded), 0)
    return ZipMember(encoded, flags, crc, len(compressed), len(data), header + encoded + compressed)


def write_zip(members: list[ZipMember]) -> bytes:
    """The whole zip: every member's block in order, then the central directory."""
    blocks, central, offset = [], [], 0
    for member in members:
        central.append(_CENTRAL.pack(0x02014B50, _MADE_BY, _VERSION, member.flags, _DEFLATED, _DOS_TIME,
                                     _DOS_DATE, member.crc, member.compressed_size, member.size,
                                     len(member.name), 0, 0, 0, 0, _MODE, offset) + member.name)
        blocks.append(member.block)
        offset += len(member.block)
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(blocks) + directory + end


def read_template(path: Path) -> tuple[list[tuple[zipfile.ZipInfo, bytes]], str]:
    """The members of the template at `path`, in order, or ([], what is wrong with it) for a file that
    must not be unpacked or cannot be read. A missing file raises FileNotFoundError."""
    try:
        if path.stat().st_size > MAX_TEMPLATE:
            return [], f"is groter dan {MAX_TEMPLATE // 2**20} MB; dat is geen normaal formulier"
        if _declared_members(path) > MAX_MEMBERS:  # before zipfile builds an object per member
            return [], f"heeft meer dan {MAX_MEMBERS} onderdelen; dat is geen normaal Word-document"
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            wrong = _limits(infos)
            if wrong:
                return [], wrong
            members = []
            for info in infos:
                try:
                    members.append((info, _unpack(zf, info)))
                except _READ_ERRORS:
                    return [], (f"is beschadigd: onderdeel {info.filename} is niet te lezen of pakt "
                                "anders uit dan opgegeven (zipbom?)")
            return members, ""
    except FileNotFoundError:
        raise
    except _READ_ERRORS:
        return [], "is geen leesbaar Word-document (.docx)"


def _declared_members(path: Path) -> int:
    """The number of members the end of central directory record declares (as zipfile, the last one in
    the file's last 64 kB); 0 when there is none, for zipfile to refuse."""
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 65_557))  # the record (22 bytes) plus the longest comment
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    return int.from_bytes(tail[at + 10:at + 12], "little") if at >= 0 and len(tail) >= at + 12 else 0


def _limits(infos: list[zipfile.ZipInfo]) -> str:
    """What is wrong with the declared sizes and names of the central directory, or ''."""
    if len(infos) > MAX_MEMBERS:
        return f"heeft {len(infos)} onderdelen, meer dan {MAX_MEMBERS}; dat is geen normaal Word-document"
    unpacked, packed = sum(i.file_size for i in infos), sum(i.compress_size for i in infos)
    if unpacked > MAX_TEMPLATE:
        return (f"is uitgepakt {unpacked // 2**20} MB, meer dan {MAX_TEMPLATE // 2**20} MB; dat is geen "
                "normaal formulier (zipbom?)")
    if unpacked > RATIO_FROM and unpacked > MAX_RATIO * max(packed, 1):
        return f"pakt meer dan {MAX_RATIO} keer zo groot uit (zipbom?)"
    for i in infos:
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return f"onderdeel {i.filename} pakt meer dan {MAX_RATIO} keer zo groot uit (zipbom?)"
    seen: set[str] = set()
    for i in infos:  # part names are case-insensitive: Word would see one of the two
        if i.filename.lower() in seen:
            return f"bevat onderdeel {i.filename} twee keer"
        seen.add(i.filename.lower())
    return ""


def _unpack(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One member, inflated to at most its declared size (zipfile then checks the CRC: a member that
    holds more, or other data, is a BadZipFile)."""
    with zf.open(info) as fh:
        data = fh.read(info.file_size)
    if len(data) != info.file_size:
        raise zipfile.BadZipFile(f"{info.filename}: korter dan opgegeven")
    return data
