"""CSV bytes -> text and raw records with their line numbers, for the reader: decoding and separator only.

Excel on Dutch Windows writes ';' and, for plain "CSV", Windows-1252; "CSV UTF-8" adds a BOM
(invoer.md §2.5). Decode order: BOM, strict UTF-8, Windows-1252.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

SEPARATORS = ";,\t"
SNIFF_LINES = 20


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and, when it was not plain UTF-8, a Dutch note saying how it was read."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), ""
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined; those become U+FFFD and the validator reports them
        return data.decode("cp1252", errors="replace"), "gelezen als Windows-1252 (ANSI), niet als UTF-8"


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


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) per record; a quoted field may span lines, the record's first line counts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1
