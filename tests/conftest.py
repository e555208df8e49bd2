"""Shared test helpers: build workbooks inside the test, read produced documents back."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "generator" / "form" / "templates" / "opp-swv-amsterdam-diemen.docx"
EXAMPLE = ROOT / "input" / "voorbeeld-export.xlsx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1], "w14": "http://schemas.microsoft.com/office/word/2010/wordml"}

LEERLING_KOPPEN = ["Stamnummer", "Roepnaam", "Tussenvoegsel", "Achternaam", "Geboortedatum", "Klas",
                   "Mentor", "Datum inschrijving"]


def leerling(nr: str, roepnaam: str, achternaam: str, klas: str = "1A", tv: str = "",
             geboren: date = date(2013, 5, 1), mentor: str = "mw. Test",
             inschrijving: date = date(2026, 8, 24)) -> list:
    return [nr, roepnaam, tv, achternaam, geboren, klas, mentor, inschrijving]


def vereist_programma(*names: str) -> None:
    """Tests that need LibreOffice or Node.js: in CI (CI=true) a missing program fails the test, because
    .ci/run installs it; on a newcomer's machine with only Python and pip the test is skipped, saying so."""
    missing = [n for n in names if shutil.which(n) is None]
    if not missing:
        return
    message = f"programma ontbreekt: {', '.join(missing)} (.ci/run installeert het)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def make_workbook(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> Path:
    """A workbook from {sheet name: rows}; the first row of each sheet is its header."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def docx_xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(part))


def docx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def docx_text(path: Path, part: str = "word/document.xml") -> str:
    """All text of a part in document order, content controls included (python-docx skips those);
    paragraphs end with a newline, w:br is a newline."""
    root = docx_xml(path, part)
    out = []
    for el in root.iter(f"{W}t", f"{W}br", f"{W}p", f"{W}tab"):
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}br":
            out.append("\n")
        elif el.tag == f"{W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return re.sub(r"\n+", "\n", "".join(out))


def controls(path: Path) -> list[etree._Element]:
    return docx_xml(path).findall(".//w:sdt", NS)


@pytest.fixture
def template() -> Path:
    return TEMPLATE


def pytest_addoption(parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="tests/test_golden.py: rewrite the golden files in tests/golden (review git diff)")
