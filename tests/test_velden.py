"""`opp velden` lists every field a template can use, from the one registry."""

from __future__ import annotations

from click.testing import CliRunner

from generator.cli import main
from generator.fields import VELDEN, Veldtype


def _uitvoer() -> str:
    result = CliRunner().invoke(main, ["velden"], catch_exceptions=False)
    assert result.exit_code == 0
    return result.output


def _blok(uitvoer: str, pad: str) -> str:
    """The lines of one field: its own line and the indented lines under it."""
    regels = uitvoer.splitlines()
    start = next(i for i, r in enumerate(regels) if r.startswith(f"{pad}  ["))
    einde = next((i for i in range(start + 1, len(regels)) if not regels[i].startswith(" ")), len(regels))
    return "\n".join(regels[start:einde])


def test_every_usable_field_with_type_description_and_source():
    uitvoer = _uitvoer()
    for v in VELDEN:
        if v.type is Veldtype.GEHEIM:
            continue
        blok = _blok(uitvoer, v.pad)
        assert f"[{v.type.value}]" in blok and v.omschrijving in blok, v.pad
        if v.blad:
            assert f"kolommen (blad {v.blad.naam}): {', '.join(v.aliassen)}" in blok, v.pad
        else:
            assert "berekend door opp-generator" in blok, v.pad
        if v.voorbeeld:
            assert f"voorbeeld: {v.voorbeeld}" in blok, v.pad
        if v.keuzes:
            assert f"keuzes: {'; '.join(v.keuzes)}" in blok, v.pad


def test_the_bsn_is_not_offered_to_templates():
    uitvoer = _uitvoer()
    assert "leerling.bsn" not in uitvoer and "Burgerservicenummer" not in uitvoer


def test_examples_of_form_fields_are_shown():
    blok = _blok(_uitvoer(), "opp.besluit")
    assert "[keuze]" in blok and "OPP voortzetten" in blok and "kolommen (blad Leerlingen): Besluit" in blok
    assert "berekend door opp-generator" in _blok(_uitvoer(), "opp.schooljaar")
