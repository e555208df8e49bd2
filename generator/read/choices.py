"""Choice fields: what an export writes -> the field's own choice, worked out once per field.

Case, accents, spaces and punctuation do not count ('HAVO', 'vmbo kb' -> havo, vmbo-kb); a field's synonyms
('mavo' -> vmbo-tl) and unambiguous short forms of its choices (the text before ':' or without its part in
brackets) are read too, and reported so that the school sees what was read. A value that fits no choice
is never lost: a drop-down keeps it (with a warning), a combo box takes it as typed, and a part of a
multiple-choice cell goes to the field's 'Anders, namelijk' text (OTHER_FIELDS)."""

from __future__ import annotations

import re
import unicodedata

from ..domain.fields import Field, FieldType
from ..domain.findings import Severity

# A multiple-choice field -> its 'Anders, namelijk' text field, where the parts that fit no choice go.
# The one place this pairing is written (it could move to the registry, next to the fields themselves).
OTHER_FIELDS = {"opp.aanleiding": "opp.aanleiding_anders", "opp.afwijkingen": "opp.afwijkingen_anders"}
_LONG_NUMBER = re.compile(r"\d{8,}")  # never repeated in a message: it could be a BSN
_OTHER_PREFIX = re.compile(r"anders\b[\s,:;.-]*(?:namelijk\b[\s,:;.-]*)?(?P<rest>.+)",
                           re.IGNORECASE | re.DOTALL)
_LONGEST_SHOWN = 60  # characters of a value repeated in a message
_LONGEST_LIST = 120  # characters of the choices named in a message


class Noted(str):
    """A value of a choice field with one finding about it: read as another choice (info), or not in
    the list and kept (warning). The validator reports the note at the cell and stores the plain text."""

    note: str
    severity: Severity


class NotedChoices(tuple):
    """The choices of a multiple-choice cell with one finding about them; `other` holds the parts that fit
    no choice, for the field `other_field` (a record attribute, '' when the field has none)."""

    note: str
    severity: Severity
    other: tuple[str, ...]
    other_field: str


def choice_key(text: str) -> str:
    """How choices are compared: 'Vmbo KB', 'vmbo-kb' and 'vmbo kb' all give 'vmbokb'; accents do not
    count either ('beeindigen' == 'beëindigen')."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if c.isalnum())


class ChoiceList:
    """The choices of one field and every spelling that stands for one. Built once per field
    (read/convert.py keeps one per field): a cell costs a dict lookup, not a loop over the choices."""

    def __init__(self, v: Field) -> None:
        self.field = v
        self.label = v.aliases[0] if v.aliases else v.name.replace("_", " ").capitalize()
        self.exact = {c: c for c in v.choices}
        # key -> (choice, whether more than case, spaces or punctuation changed: a synonym, a short form)
        self.by_key: dict[str, tuple[str, bool]] = {}
        for c in v.choices:
            self.by_key.setdefault(choice_key(c), (c, False))
        for written, meant in v.synonyms:
            choice = self.exact.get(meant) or self.by_key.get(choice_key(meant), (None,))[0]
            if choice is not None and choice_key(written):
                self.by_key.setdefault(choice_key(written), (choice, True))
        for key, choice in _short_forms(v.choices).items():
            self.by_key.setdefault(key, (choice, True))
        other = OTHER_FIELDS.get(v.path, "")
        self.other_field = other.rsplit(".", 1)[-1] if other else ""

    def lookup(self, text: str) -> tuple[str | None, bool]:
        """The choice `text` stands for (None: none) and whether it was read as more than a spelling."""
        choice = self.exact.get(text)
        if choice is not None:
            return choice, False
        return self.by_key.get(choice_key(text), (None, False))

    def read_one(self, text: str) -> str:
        """A drop-down's or combo box's value: its choice, or the text as written (noted for a drop-down)."""
        choice, read_as = self.lookup(text)
        if choice is None:
            if self.field.type is FieldType.COMBO:
                return text  # free text is allowed in a combo box
            return _noted(text, f"{_shown(text)} staat niet in de keuzelijst van {self.label} "
                                f"({_choice_list(self.field.choices)}); de waarde staat op het formulier, "
                                "controleer haar", Severity.WARNING)
        return _noted(choice, f"{_shown(text)} gelezen als {choice}", Severity.INFO) if read_as else choice

    def read_many(self, parts: tuple[str, ...]) -> tuple[str, ...]:
        """A multiple-choice cell's parts as choices; the parts that fit none go to the 'anders' field
        (or, for a field without one, stay), with one finding for the cell."""
        found: list[str] = []
        read_as: list[str] = []
        unlisted: list[str] = []
        for part in parts:
            choices, changed = self._part(part)
            if choices is None:
                unlisted.append(part)
                continue
            found += choices
            if changed:
                read_as.append(f"{_shown(part)} gelezen als {'; '.join(choices)}")
        chosen = tuple(dict.fromkeys(found))
        if not unlisted and not read_as:
            return chosen
        if self.other_field:
            unlisted = [_other_text(p) for p in unlisted]
        else:
            chosen += tuple(unlisted)
        note = "; ".join(([self._unlisted_note(unlisted)] if unlisted else []) + read_as)
        return _noted_choices(chosen, note, Severity.WARNING if unlisted else Severity.INFO,
                              tuple(unlisted) if self.other_field else (), self.other_field)

    def _part(self, part: str) -> tuple[list[str] | None, bool]:
        """The choices one part stands for: one, or several written with commas ('A, B') when every
        piece is a choice. None when it fits no choice."""
        choice, read_as = self.lookup(part)
        if choice is not None:
            return [choice], read_as
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) > 1:
            looked_up = [self.lookup(p)[0] for p in pieces]
            if None not in looked_up:
                return looked_up, True
        return None, False

    def _unlisted_note(self, unlisted: list[str]) -> str:
        names = " en ".join(_shown(p) for p in unlisted)
        one = len(unlisted) == 1
        fits = "past" if one else "passen"
        if self.other_field:
            return f"{names} {fits} bij geen keuze van {self.label}; {'staat' if one else 'staan'} bij " \
                   "'Anders, namelijk'"
        return f"{names} {fits} bij geen keuze van {self.label} ({_choice_list(self.field.choices)}); " \
               f"{'staat' if one else 'staan'} op het formulier, controleer dit"


def _short_forms(choices: tuple[str, ...]) -> dict[str, str]:
    """Short forms that stand for one choice only: the text before ':' ('Intake: ...') and the text
    without a part in brackets ('Verwijzing (TLV, ...)' -> 'Verwijzing'). A short form two choices share
    stands for neither."""
    owners: dict[str, set[str]] = {}
    for c in choices:
        forms = [c.split(":", 1)[0]] if ":" in c else []
        if "(" in c:
            forms.append(re.sub(r"\([^)]*\)", " ", c))
        for form in forms:
            key = choice_key(form)
            if key:
                owners.setdefault(key, set()).add(c)
    return {key: next(iter(cs)) for key, cs in owners.items() if len(cs) == 1}


def _noted(text: str, note: str, severity: Severity) -> Noted:
    value = Noted(text)
    value.note, value.severity = note, severity
    return value


def _noted_choices(chosen: tuple[str, ...], note: str, severity: Severity, other: tuple[str, ...],
                   other_field: str) -> NotedChoices:
    value = NotedChoices(chosen)
    value.note, value.severity, value.other, value.other_field = note, severity, other, other_field
    return value


def _other_text(part: str) -> str:
    """What goes to 'Anders, namelijk': the part, without the 'Anders, namelijk:' an export wrote first."""
    m = _OTHER_PREFIX.fullmatch(part)
    return m["rest"].strip() if m and m["rest"].strip() else part


def _shown(text: str) -> str:
    """A value as a message repeats it: quoted and short; a long number (perhaps a BSN) not at all."""
    if _LONG_NUMBER.search(text):
        return "de waarde (een lang getal, hier niet herhaald)"
    return f"'{text}'" if len(text) <= _LONGEST_SHOWN else f"'{text[:_LONGEST_SHOWN]}…'"


def _choice_list(choices: tuple[str, ...]) -> str:
    """The choices, as many as fit in a message line; '…' for the rest."""
    shown: list[str] = []
    for c in choices:
        if shown and len(", ".join([*shown, c])) > _LONGEST_LIST:
            return ", ".join([*shown, "…"])
        shown.append(c)
    return ", ".join(shown)
