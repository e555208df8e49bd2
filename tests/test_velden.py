"""`opp velden` lists every field a template can use, from the one registry."""

from __future__ import annotations

from click.testing import CliRunner

from generator.cli import main
from generator.domain.fields import FieldType
from generator.domain.registry import FIELDS


def _uitvoer() -> str:
    result = CliRunner().invoke(main, ["velden"], catch_exceptions=False)
    assert result.exit_code == 0
    return result.output


def _blok(output: str, path: str) -> str:
    """The lines of one field: its own line and the indented lines under it."""
    text_lines = output.splitlines()
    start = next(i for i, r in enumerate(text_lines) if r.startswith(f"{path}  ["))
    end = next((i for i in range(start + 1, len(text_lines)) if not text_lines[i].startswith(" ")),
               len(text_lines))
    return "\n".join(text_lines[start:end])


def test_every_usable_field_with_type_description_and_source():
    output = _uitvoer()
    for v in FIELDS:
        if v.type is FieldType.SECRET:
            continue
        block = _blok(output, v.path)
        assert f"[{v.type.value}]" in block and v.description in block, v.path
        if v.sheet:
            assert f"kolommen (blad {v.sheet.name}): {', '.join(v.aliases)}" in block, v.path
        else:
            assert "berekend door opp-generator" in block, v.path
        if v.example:
            assert f"voorbeeld: {v.example}" in block, v.path
        if v.choices:
            assert f"keuzes: {'; '.join(v.choices)}" in block, v.path


def test_the_bsn_is_not_offered_to_templates():
    output = _uitvoer()
    assert "leerling.bsn" not in output and "Burgerservicenummer" not in output


def test_examples_of_form_fields_are_shown():
    block = _blok(_uitvoer(), "opp.besluit")
    assert ("[keuze]" in block and "OPP voortzetten" in block
            and "kolommen (blad Leerlingen): Besluit" in block)
    assert "berekend door opp-generator" in _blok(_uitvoer(), "opp.schooljaar")
