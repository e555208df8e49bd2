"""What the validator says about a value that was converted but may not be what the school meant: a number
read as a date, a phone number that got its 0 back, cleaned text, a choice read from another spelling or
kept outside its list (read/choices.py). The validator gives each finding its cell."""

from __future__ import annotations

from ..domain.fields import Field, FieldType
from ..domain.findings import Finding, Location, Severity
from . import convert
from .choices import Noted, NotedChoices

# Values there is something to say about, whatever the cell held (besides the raw types of a table plan's
# Conversion.remark_on).
REMARKABLE = frozenset({convert.Cleaned, Noted, NotedChoices})


def remark(where: Location, v: Field, raw: object, value: object, warnings: list[Finding]) -> object:
    """Report what there is to say about a converted value; the value to keep (a noted choice as plain
    text)."""
    if value.__class__ is Noted or value.__class__ is NotedChoices:
        warnings.append(Finding(value.severity, where, value.note))
        return str(value) if value.__class__ is Noted else tuple(value)
    warnings += [Finding(Severity.WARNING, where, message) for message in _remarks(v, raw, value)]
    return value


def add_other(values: dict[str, object], choices: NotedChoices) -> None:
    """The parts of a multiple-choice cell that fit no choice, after what the 'anders' column already says."""
    written = values.get(choices.other_field)
    values[choices.other_field] = "; ".join(([str(written)] if written else []) + list(choices.other))


def _remarks(v: Field, raw: object, value: object) -> list[str]:
    """Warnings about a value that was converted but may not be what the school meant."""
    if isinstance(value, convert.Cleaned):
        return ["onzichtbare stuurtekens (bijvoorbeeld uit geplakte tekst) vervangen door een regeleinde of "
                "spatie; controleer de tekst"]
    numeric = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    if v.type is FieldType.DATE and numeric:
        return [f"datum stond als getal {_whole(raw)} in de cel; gelezen als {value:%d-%m-%Y}, controleer "
                "dit (verwacht een datumcel of dd-mm-jjjj)"]
    if v.type is FieldType.PHONE and str(value) != " ".join(str(_whole(raw)).split()):
        return ["telefoonnummer zonder voorloopnul; de 0 is teruggezet"]
    return []


def _whole(raw: object) -> object:
    return int(raw) if isinstance(raw, float) and raw.is_integer() else raw
