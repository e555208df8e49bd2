"""Recognised tables -> the mapping file (`opp kolommen`): every column with the field it was read as
and how sure that is, every unused column commented out with the three fields it looks most like.

Passed back with --kolommen, the file gives the same tables: it pins each sheet's kind under [bladen]
and each recognised header under [kolommen]; what it leaves out is recognised again as before.
"""

from __future__ import annotations

import json
import re
from datetime import date

from ..domain.fields import FieldType
from ..domain.findings import Severity
from .columns import SURE, closest_fields
from .mapping import header_key
from .recognize import Column
from .tables import ReadResult, Table

_HEAD = """\
# Kolommen van de export zoals opp-generator ze leest; geschreven door `opp kolommen` op {today}.
#
# Gebruik dit bestand zo:  opp genereer EXPORT --kolommen {name}
# (en net zo bij opp controleer). Zonder wijzigingen geeft het hetzelfde resultaat als zonder dit bestand.
#
# Aanpassen:
#   - een kolom verkeerd gelezen?  zet rechts de juiste veldnaam (`opp velden` toont ze allemaal);
#   - een kolom gemist?            haal het # weg voor de regel en kies een veld, bijvoorbeeld
#                                  "Lesgroep" = "leerling.klas";
#   - een kolom nooit gebruiken?   zet er "" achter, bijvoorbeeld "Nr" = "";
#   - een blad verkeerd gelezen?   verander de soort onder [bladen].
# Een burgerservicenummer wordt nooit gelezen, ook niet als u het hier aanwijst.
"""


def mapping_text(result: ReadResult, name: str, today: date) -> str:
    """The mapping file for what was read, as TOML text with Dutch comments."""
    fields = _fields_per_header(result)
    lines = [_HEAD.format(today=f"{today:%d-%m-%Y}", name=name), "[bladen]", *_sheet_lines(result), "",
             "[kolommen]"]
    done: set[str] = set()
    for table in result.tables:
        where = f"blad '{table.sheet}'" if table.sheet else "CSV-bestand"
        lines += ["", f"# --- {table.file}, {where}: {table.kind.name}, "
                      f"kolomkoppen in rij {table.header_row} ---"]
        for column in table.columns:
            key = header_key(column.header)
            if _is_entry(column) and key in done:
                lines.append(f"# {_quote(column.header)} ({column.letter}) staat hierboven al")
                continue
            line = _column_line(table, column, fields.get(key, []))
            if line is not None:
                lines.append(line)
            if _is_entry(column):
                done.add(key)
    return _safe("\n".join(lines)) + "\n"


def _is_entry(column: Column) -> bool:
    """A column the file names a field for (unused, BSN and guardian columns are comments)."""
    return bool(column.header) and column.field is not None and not column.bsn and not column.guardian \
        and column.field.type is not FieldType.SECRET


def _fields_per_header(result: ReadResult) -> dict[str, list[str]]:
    """Header key -> the fields it is read as, over all sheets: 'Naam' may be ouder.naam on one sheet and
    betrokkene.naam on another. The student number is one field on every sheet."""
    fields: dict[str, list[str]] = {}
    for table in result.tables:
        for column in table.columns:
            if _is_entry(column):
                key_field = column.field.name == "leerlingnummer"
                path = "leerling.leerlingnummer" if key_field else column.field.path
                paths = fields.setdefault(header_key(column.header), [])
                if path not in paths:
                    paths.append(path)
    return fields


def _sheet_lines(result: ReadResult) -> list[str]:
    """Each recognised sheet (a CSV file by its name) with its kind; a name that two files give to
    sheets of different kinds is left to be recognised again."""
    kinds: dict[str, set[str]] = {}
    for table in result.tables:
        kinds.setdefault(_sheet_name(table), set()).add(table.kind.name)
    lines = []
    for table in result.tables:
        name = _sheet_name(table)
        if len(kinds[name]) > 1:
            lines.append(f"# {_quote(name)} ({table.file}) is in een ander bestand een ander soort blad")
        elif not any(line.startswith(_quote(name) + " =") for line in lines):
            lines.append(f"{_quote(name)} = {_quote(table.kind.name)}  # {table.file}")
    lines += [f"# {f.location.sheet or f.location.file}: {f.message}" for f in result.findings
              if f.severity is Severity.INFO and f.message.startswith("niet herkend")]
    return lines


def _sheet_name(table: Table) -> str:
    return table.sheet or table.file.rsplit(".", 1)[0]


def _column_line(table: Table, column: Column, paths: list[str]) -> str | None:
    if not column.header:
        return None
    if column.bsn or (column.field is not None and column.field.type is FieldType.SECRET):
        return f"# {_quote(column.header)}: burgerservicenummer ({column.letter}), wordt nooit gelezen"
    if column.field is None:
        close = ", ".join(v.path for v in closest_fields(column.header, table.kind))
        hint = f"; lijkt op: {close}" if close else ""
        return f"# {_quote(column.header)} = \"\"  # {column.letter}: niet gebruikt{hint}"
    if column.guardian:  # recognised by its words 'ouder 2'; the mapping file names fields, not guardians
        return (f"# {_quote(column.header)}: {column.field.path} van ouder/verzorger {column.guardian} "
                f"({column.letter}), vanzelf herkend")
    sure = "zeker" if not column.how else "waarschijnlijk" if column.score >= SURE else "onzeker, controleer"
    how = f" ({column.how})" if column.how else ""
    return f"{_entry(column.header, paths)}  # {column.letter}: {sure}{how}"


def _entry(header: str, paths: list[str]) -> str:
    value = _quote(paths[0]) if len(paths) == 1 else "[" + ", ".join(_quote(p) for p in paths) + "]"
    return f"{_quote(header)} = {value}"


def _quote(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but TOML also forbids a raw DEL."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


_FORBIDDEN_IN_COMMENTS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _safe(text: str) -> str:
    """What TOML allows nowhere, not even in a comment: control characters (a header can hold one) are
    shown as '?'. The quoted strings have them escaped already."""
    return _FORBIDDEN_IN_COMMENTS.sub("?", text)
