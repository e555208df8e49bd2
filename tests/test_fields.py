"""The field registry is the one source: records, context and aliases agree with it."""

from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import date

from generator.domain import fields, registry
from generator.domain.records import Betrokkene, Document, Doel, Factor, Leerling, Ondersteuning, Opp, Ouder
from generator.form.context import build_context
from generator.read.validator import _RECORD_TYPES

RECORDS = {fields.LEERLINGEN: Leerling, fields.OUDERS: Ouder, fields.DOELEN: Doel,
           fields.ONDERSTEUNING: Ondersteuning, fields.DOCUMENTEN: Document, fields.BETROKKENEN: Betrokkene,
           fields.FACTOREN: Factor}


def test_every_read_field_is_an_attribute_of_its_record():
    for sheet, record in RECORDS.items():
        attrs = {f.name for f in dc_fields(record)}
        for v in registry.fields_of(sheet):
            if v.type is not fields.FieldType.SECRET:
                assert v.name in attrs, f"{v.path} has no attribute on {record.__name__}"
    assert _RECORD_TYPES == RECORDS


def test_no_alias_names_two_fields_of_one_sheet():
    for sheet in fields.SHEET_KINDS:
        seen: dict[str, str] = {}
        for v in registry.fields_of(sheet):
            for alias in v.aliases:
                key = registry.normalize_header(alias)
                assert seen.setdefault(key, v.path) == v.path, f"{alias!r}: {seen[key]} and {v.path}"


def test_header_normalisation_ignores_case_spaces_and_punctuation():
    assert registry.normalize_header(" Stamnr.\xa0") == registry.normalize_header("STAMNR") == "stamnr"
    assert registry.normalize_header("E-mail_adres") == "e mail adres"


def test_context_has_every_field_of_the_student_namespaces_and_nothing_but_plain_values():
    student = Leerling("1", "Aisha", "Bakker", date(2013, 1, 1), "1A", datum_inschrijving=date(2026, 8, 24))
    ctx = build_context(Opp(student, doelen=(Doel("1", "Leest"),)), "2026-2027", date(2026, 9, 1))
    for v in registry.FIELDS:
        owner, name = v.path.split(".")
        if owner in ("leerling", "opp") and v.type is not fields.FieldType.SECRET:
            assert name in ctx[owner], v.path
    assert "bsn" not in ctx["leerling"]

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, (str, int, bool, date))
    assert plain(ctx)
