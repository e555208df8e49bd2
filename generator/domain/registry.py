"""The field registry: every field a template can use, its type, Dutch description and column aliases.

The fields are listed in field_list_students.py (the Leerlingen sheet) and field_list_other.py (computed
fields and the other sheets); those are the only places a column alias or a Dutch field description is
written. The reader, the validator, the context, the renderer's form controls, the template check,
`opp velden` and `opp kolommen` all read the registry through this module.
"""

from __future__ import annotations

from functools import cache

from .field_list_other import OTHER_FIELDS
from .field_list_students import STUDENT_FIELDS
from .fields import SHEET_KINDS, Field, SheetKind
from .headers import normalize_header

FIELDS: tuple[Field, ...] = STUDENT_FIELDS + OTHER_FIELDS

_BY_PATH = {v.path: v for v in FIELDS}


def get_field(path: str) -> Field:
    """The field named `path`; KeyError when no field has that name."""
    return _BY_PATH[path]


def is_known(path: str) -> bool:
    return path in _BY_PATH


def all_field_names() -> tuple[str, ...]:
    return tuple(_BY_PATH)


@cache
def fields_of(sheet: SheetKind) -> tuple[Field, ...]:
    """The fields read from columns of this kind of sheet, in registry order."""
    return tuple(v for v in FIELDS if v.sheet is sheet)


@cache
def sheet_index() -> dict[str, SheetKind]:
    """Normalised sheet-name alias -> kind of sheet."""
    return {normalize_header(a): b for b in SHEET_KINDS for a in (b.name, *b.aliases)}
