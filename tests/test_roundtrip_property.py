"""Property: any text an Excel cell can hold comes out of the generated OPP exactly, after the
documented normalisation (README, "Opnieuw draaien en bewerkte OPP's"), or with its control
characters reported for that cell."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from generator import pipeline

from .conftest import LEERLING_KOPPEN, NS, TEMPLATE, W, docx_xml, leerling

SNIPPETS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff", "\r",
            "\n", "\r\n", "\t", "_x0041_", "_x000B_", "_x005F_", "&", "<", ">", "\"", "'", "{{", "}}", "{%",
            "=", "\u2028", "\xa0", " ", "\U0001F600", "\u202e"]
TEXT = st.lists(st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(SNIPPETS)),
                min_size=1, max_size=30).map("".join)


def is_control(c: str) -> bool:
    """Characters XML 1.0 cannot hold, plus DEL and the C1 controls (never meant in a school's text)."""
    o = ord(c)
    return (o < 0x20 and c not in "\t\n\r") or 0x7F <= o <= 0x9F or c in "\ufffe\uffff"


def normalised(text: str) -> str:
    """The documented normalisation of long free text: Excel, Word and Mac line ends (\\r\\n, \\r, and
    Word's \\x0b and \\x0c) become \\n; a tab becomes a space; leading and trailing white space goes;
    any other control character becomes a space (and is reported)."""
    for end in ("\r\n", "\r", "\x0b", "\x0c"):
        text = text.replace(end, "\n")
    text = text.replace("\t", " ").strip()
    return "".join(" " if is_control(c) else c for c in text)


def as_excel_stores_it(text: str) -> str:
    """Excel writes a character XML cannot hold as _xHHHH_, and escapes the '_' that would otherwise
    start such a sequence as _x005F_."""
    text = re.sub(r"_(?=x[0-9A-Fa-f]{4}_)", "_x005F_", text)
    return "".join(f"_x{ord(c):04X}_" if is_xml_illegal(c) else c for c in text)


def is_xml_illegal(c: str) -> bool:
    return (ord(c) < 0x20 and c not in "\t\n\r") or c in "\ufffe\uffff"


def workbook(path: Path, goals: list[str]) -> Path:
    wb = Workbook()
    students = wb.active
    students.title = "Leerlingen"
    students.append(LEERLING_KOPPEN)
    students.append(leerling("7", "Eva", "Eik"))
    sheet = wb.create_sheet("Doelen")
    sheet.append(["Stamnummer", "Doel"])
    for row, goal in enumerate(goals, start=2):
        sheet.cell(row, 1, "7")
        cell = sheet.cell(row, 2, as_excel_stores_it(goal))
        cell.data_type = "s"  # text typed in a cell, even when it starts with '='
    wb.save(path)
    return path


def control_texts(path: Path, tag: str) -> list[str]:
    """The text of every content control whose tag matches `tag` (a regular expression: rows carry their
    key, doel[2].omschrijving), in document order: w:br and paragraph ends are newlines."""
    out = []
    for sdt in docx_xml(path).iterfind(".//w:sdt", NS):
        if not re.fullmatch(tag, sdt.find("w:sdtPr/w:tag", NS).get(f"{W}val")):
            continue
        paragraphs = sdt.findall(".//w:sdtContent//w:p", NS) or [sdt.find("w:sdtContent", NS)]
        texts = []
        for p in paragraphs:
            texts.append("".join(el.text or "" if el.tag == f"{W}t" else "\n" if el.tag == f"{W}br" else "\t"
                                 for el in p.iter(f"{W}t", f"{W}br", f"{W}tab")))
        out.append("\n".join(texts))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(goals=st.lists(TEXT.filter(lambda t: normalised(t).strip()), min_size=1, max_size=4))
def test_any_cell_text_comes_out_exactly_or_is_reported(tmp_path_factory, goals):
    tmp = tmp_path_factory.mktemp("prop")
    book = workbook(tmp / "in.xlsx", goals)
    settings = pipeline.Settings([book], TEMPLATE, tmp / "uit", "2026-2027", date(2026, 10, 1), workers=1)
    result = pipeline.generate(settings)
    assert result.per_student, result.skipped
    path = result.written["7"]
    assert control_texts(path, r"doel\[\d+\]\.omschrijving") == [normalised(g) for g in goals]

    reported = {f.location.row for f in result.findings
                if f.leerlingnummer == "7" and f.location.sheet == "Doelen" and f.location.column == "B"}
    expected = {row for row, g in enumerate(goals, start=2) if any(is_control(c) for c in g)}
    assert reported == expected
    for finding in result.findings:  # the message names the cell, never its content
        for g in goals:
            if len(normalised(g).strip()) > 3:
                assert normalised(g).strip() not in str(finding)
