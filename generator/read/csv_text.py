"""CSV bytes -> text and raw records with their line numbers, for the reader: decoding and separator only.

Excel on Dutch Windows writes ';' and, for plain "CSV", Windows-1252; "CSV UTF-8" adds a BOM
(invoer.md §2.5). Decode order: BOM, strict UTF-8, then the reading that damages fewer characters:

- UTF-8 when the file holds at least as many valid multi-byte UTF-8 sequences (ë, é, ’ ...) as bytes that
  are no UTF-8. Each such stray byte becomes U+FFFD and its cell is reported (csv_rows); every other
  character stays intact. A tie goes to UTF-8, because its damage is reported and Windows-1252's is not.
- Windows-1252 otherwise, with a note: a real ANSI file has many bytes that are no UTF-8 and no valid
  multi-byte sequence, and read as UTF-8 every accented letter would be lost (as UTF-8, Windows-1252 would
  turn every ë into 'Ã«').

A record whose quoted field is never closed would swallow the rest of the file into one cell; csv_rows
refuses it (UnreadableSheet), naming the line and column where the quote opened.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from itertools import chain

from .tables import EXCEL_COLUMNS, UnreadableSheet, column_letter, too_large

SEPARATORS = ";,\t"
SNIFF_LINES = 20
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that is no UTF-8, kept by 'surrogateescape'
_MULTI_BYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")  # a character UTF-8 writes in more than one byte
_BREAK = re.compile("\r\n|\r|\n")
ANSI_NOTE = "gelezen als Windows-1252 (ANSI), niet als UTF-8"


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and, when it was not plain UTF-8, a Dutch note saying how it was read. A
    stray byte in a file read as UTF-8 stays in the text as a lone surrogate (U+DC80-U+DCFF): csv_rows
    replaces it and tells which cell held it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", "surrogateescape"), ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ""
        except UnicodeDecodeError:
            return data.decode("utf-16", "replace"), "onleesbare tekens (UTF-16) vervangen door '\ufffd'"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    if len(_MULTI_BYTE.findall(text)) >= len(_ESCAPED.findall(text)):
        return text, ""
    # Windows-1252 leaves five bytes undefined; those become U+FFFD and the validator reports them
    return data.decode("cp1252", errors="replace"), ANSI_NOTE


def separator(text: str) -> str:
    """';', ',' or tab: csv.Sniffer on the first lines, else the one that splits the most lines the
    same way, else ';' (Dutch Excel's list separator)."""
    sample = "\n".join(text.splitlines()[:SNIFF_LINES])
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        lines = sample.splitlines()
        counts = {sep: max((line.count(sep) for line in lines), default=0) for sep in SEPARATORS}
        best = max(counts, key=lambda sep: counts[sep])
        return best if counts[best] else ";"


def csv_rows(text: str, damaged: list[tuple[int, int, int]] | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) per record; a quoted field may span lines, the record's first line counts.
    A stray byte (decode_csv) becomes U+FFFD, and (line, column index, byte) goes into `damaged`."""
    sep = separator(text)
    end = "\ufdd0"  # a line after the last: inside a field only when a quote was never closed
    while end in text:
        end += "\ufdd1"
    reader = csv.reader(chain(_lines(text, sep), (end + "\n",)), delimiter=sep)
    escaped = damaged is not None and _ESCAPED.search(text) is not None
    start = 1
    for record in reader:
        if record == [end]:
            return
        if record and end in record[-1]:
            raise _unclosed(start, record)
        if len(record) > EXCEL_COLUMNS:
            raise too_large(EXCEL_COLUMNS, f"kolommen in rij {start}")
        if escaped:
            record = _replace_stray_bytes(start, record, damaged)
        yield start, record
        start = reader.line_num + 1


def _lines(text: str, sep: str) -> Iterator[str]:
    """The lines of the text; a line of more fields than Excel has columns is refused before csv
    makes a list of them (50 MB of ';' would be 50 million fields)."""
    for line in io.StringIO(text, newline=""):
        if len(line) > EXCEL_COLUMNS and line.count(sep) >= EXCEL_COLUMNS:
            raise too_large(EXCEL_COLUMNS, "kolommen in een rij")
        yield line


def _unclosed(start: int, record: list[str]) -> UnreadableSheet:
    """The quote opened on the record's first line plus the line breaks in the fields before it."""
    line, column = start + sum(len(_BREAK.findall(f)) for f in record[:-1]), column_letter(len(record))
    return UnreadableSheet(
        f"het aanhalingsteken (\") dat in rij {line}, kolom {column} een veld opent, wordt nergens "
        "gesloten: de rest van het bestand zou in die ene cel vallen en de rijen erna zouden "
        "ontbreken. Zet het ontbrekende aanhalingsteken erbij, of sla de lijst in Excel opnieuw op als CSV")


def _replace_stray_bytes(start: int, record: list[str], damaged: list[tuple[int, int, int]]) -> list[str]:
    for i, value in enumerate(record):
        if (m := _ESCAPED.search(value)) is not None:
            damaged.append((start, i, ord(m.group()) - 0xDC00))
            record[i] = _ESCAPED.sub("\ufffd", value)
    return record
