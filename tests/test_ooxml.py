"""Generated OPPs pass the Open XML SDK validator (the nearest thing to "Word accepts it" on Linux)."""

from __future__ import annotations

import json
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

from .conftest import EXAMPLE, LEERLING_KOPPEN, leerling, make_workbook, vereist_programma

VALIDATOR = Path(__file__).parent / "ooxml"


def _validate(files: list[Path]) -> dict[str, list]:
    vereist_programma("node", "npm")
    if not (VALIDATOR / "node_modules").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=VALIDATOR, check=True,
                       capture_output=True, timeout=600)
    out = subprocess.run(["node", "valideer.mjs", *map(str, files)], cwd=VALIDATOR, check=True,
                         capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("ooxml")
    # besides special characters: a student of 18 (her own instemming block), one with no rows at all
    # (empty rows to fill), a parent whose gezag is unknown and a voogd
    book = make_workbook(tmp / "bijzonder.xlsx", {
        "Leerlingen": [LEERLING_KOPPEN, leerling("7", 'Jan "JJ" & <Co>', "O'Brien_x000B_Zn"),
                       leerling("8", "Achttien", "Jaar", geboren=date(2008, 1, 1)),
                       leerling("9", "Zonder", "Rijen", klas="1Z")],
        "Ouders": [["Stamnummer", "Naam", "Relatie", "Gezag"], ["7", "O. Onbekend", "moeder", ""],
                   ["7", "V. Voogd", "voogd", "ja"], ["8", "M. Moeder", "moeder", "ja"]],
        "Doelen": [["Stamnummer", "Doel"], ["7", "Regel 1\nRegel 2 & <3>"]],
        "Documenten": [["Stamnummer", "Soort", "Titel", "Vindplaats"],
                       ["7", "IOP", "IOP & co", "https://lvs.example.nl/a b?x=1&y=<2>"]],
    })
    runner = CliRunner()
    for source in (EXAMPLE, book):
        result = runner.invoke(main, ["genereer", str(source), "--uitvoer", str(tmp / "uit"),
                                      "--schooljaar", "2026-2027"])
        assert result.exit_code == 0, result.output
    files = sorted((tmp / "uit").rglob("OPP_*.docx"))
    # a sample: every class's first document plus the one with special characters
    by_class = {f.parent.name: f for f in reversed(files)}
    return sorted(set(by_class.values()) | {f for f in files if f.name in ("OPP_7.docx", "OPP_8.docx")})


def test_generated_opps_have_no_validator_errors(generated):
    results = _validate(generated)
    assert len(results) == len(generated) >= 5
    assert {name: errors for name, errors in results.items() if errors} == {}


def test_validator_does_catch_a_broken_document(generated, tmp_path):
    broken = tmp_path / "kapot.docx"
    with zipfile.ZipFile(generated[0]) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b'<w:id w:val="1000"/>', b'<w:id w:val="geen-getal"/>', 1)
            dst.writestr(item, data)
    assert _validate([broken])[str(broken)], "the validator must report an invalid w:id"
