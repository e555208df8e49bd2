"""The reader's own sheet XML parser (sheet_xml) against openpyxl's read-only iter_rows
(sheet_xml): the same row numbers and the same cells, value types included, for every workbook
the reader tests build, the example export, generated workbooks, and XML as other programs write it.
Where the parser does not know the XML, openpyxl reads on (sheet_xml) and the result is the
same again."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from generator.read import sheet_xml
from generator.read.tables import Cell

from .conftest import EXAMPLE, ROOT

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@contextmanager
def _werkmap(path: Path) -> Iterator:
    """The workbook as the reader opens it; None when openpyxl cannot open it (the reader stops there)."""
    with warnings.catch_warnings(), path.open("rb") as fh:
        warnings.simplefilter("ignore")
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - the reader reports any of them as one unreadable file
            yield None
            return
        with closing(wb):
            yield wb


def _uitkomst(rows: Callable[[], Iterator]) -> tuple[list, str]:
    """Rows as comparable tuples (the value's type counts: 1, 1.0 and True are equal in Python, not
    here) and the name of the exception that ended them, if any."""
    found = []
    try:
        for number, cells in rows():
            found.append((number, tuple((type(c.value), c.value, c.number_format, c.formula) for c in cells)))
    except Exception as exc:  # noqa: BLE001 - which one is part of the outcome
        return found, type(exc).__name__
    return found, ""


def _verschil(a: tuple[list, str], b: tuple[list, str]) -> str:
    """'' when equal, else where the two outcomes first differ."""
    for i, (x, y) in enumerate(zip(a[0], b[0], strict=False)):
        if x != y:
            return f"rij {i}: {x!r} != {y!r}"
    if len(a[0]) != len(b[0]) or a[1] != b[1]:
        return f"{len(a[0])} rijen, fout {a[1]!r} != {len(b[0])} rijen, fout {b[1]!r}"
    return ""


def _vergelijk(path: Path, snel: bool = True, onleesbaar: bool = False) -> int:
    """Compare both readers on every sheet; `snel`: the parser itself reads every sheet to the end;
    `onleesbaar`: openpyxl may refuse the whole file. Returns the number of rows compared."""
    count = 0
    with _werkmap(path) as wb:
        if wb is None:
            assert onleesbaar, f"{path.name}: openpyxl opent het bestand niet"
            return 0
        for ws in wb.worksheets:
            ws.reset_dimensions()
            xml = sheet_xml.raw_sheet_xml(wb, ws)
            formulas = sheet_xml.formulas_without_value(xml)
            expected = _uitkomst(lambda: sheet_xml._openpyxl_rows(ws, formulas))  # noqa: B023
            inner = sheet_xml._sheet_data_text(xml)
            if snel:
                assert inner is not None, f"{path.name}/{ws.title}: niet in de vorm die de parser kent"
                assert _verschil(_uitkomst(lambda: sheet_xml._xml_rows(inner, wb, ws, formulas)),  # noqa: B023
                                 expected) == "", f"{path.name}/{ws.title}"
            assert _verschil(_uitkomst(lambda: sheet_xml.fast_rows(wb, ws, xml, formulas)),  # noqa: B023
                             expected) == "", f"{path.name}/{ws.title}"
            count += len(expected[0])
    return count


# --- every workbook the other tests build -----------------------------------------------------------

_OPNAME = """
import shutil, sys
from pathlib import Path
import pytest
from generator.read import reader
keep, original, seen = Path(sys.argv[1]), reader._read_xlsx, []
def opname(pad, result, koppeling):
    seen.append(pad)
    shutil.copy(pad, keep / f"{len(seen):04d}-{pad.name}")
    return original(pad, result, koppeling)
reader._read_xlsx = opname
pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[2:]])
"""
_ANDERE_TESTS = ["tests/test_reader.py", "tests/test_validator.py", "tests/test_messy_export.py",
                 "tests/test_csv.py"]


def test_every_workbook_the_reader_tests_build_reads_alike(tmp_path):
    # their outcome is theirs to report: here only the workbooks they read count
    subprocess.run([sys.executable, "-c", _OPNAME, str(tmp_path), *_ANDERE_TESTS], cwd=ROOT,
                   capture_output=True, check=False, timeout=600)
    books = sorted(tmp_path.iterdir())
    assert len(books) >= 40, [p.name for p in books]
    regular = 0
    for book in books:
        _vergelijk(book, snel=False, onleesbaar=True)
        regular += _snel_leesbaar(book)
    assert regular >= len(books) // 2  # the parser, not the fallback, read most of them


def _snel_leesbaar(path: Path) -> bool:
    with _werkmap(path) as wb:
        return wb is not None and all(sheet_xml._sheet_data_text(sheet_xml.raw_sheet_xml(wb, ws)) is not None
                                      for ws in wb.worksheets)


def test_example_export_reads_alike():
    assert _vergelijk(EXAMPLE) > 300


# --- generated workbooks ------------------------------------------------------------------------------

SNIPPETS = ["_x000D_", "_x0001_", "_x005F_x000D_", " ", "  ", "\n", "\r\n", "\r", "\t", "&", "<", ">", '"',
            "'", "]]>", "&amp;", "é", "€", "\u00a0", "\u2028", "\U0001F600", "=", "1", "0.5", "1E3"]
TEXT = st.lists(st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(SNIPPETS)),
                max_size=12).map("".join).filter(lambda s: not ILLEGAL_CHARACTERS_RE.search(s))
VALUES = st.one_of(
    st.none(), TEXT, st.booleans(), st.integers(-10**18, 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(date(1899, 1, 1), date(9999, 12, 31)), st.datetimes(datetime(1900, 3, 1), datetime(9999, 1, 1)),
    st.times(), st.timedeltas(timedelta(0), timedelta(days=1000)),
    st.sampled_from(["=A1+1", '=UPPER("x")', "=SUM(A1:B2)"]))
FORMATS = st.sampled_from([None, "General", "0", "0.00", "000000", "@", "dd-mm-yyyy", "d-m-yy",
                           "yyyy-mm-dd h:mm", "h:mm:ss", "[h]:mm:ss", "mm:ss.0", "0%", '#,##0.00 "EUR"',
                           "[$-413]d mmmm yyyy"])
CELLS = st.dictionaries(st.tuples(st.integers(1, 25), st.one_of(st.integers(1, 12), st.just(30))),
                        st.tuples(VALUES, FORMATS), max_size=60)


def _bouw(path: Path, sheets: list[dict], hidden: set[int], mac: bool, shared: bool) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    if mac:
        wb.epoch = CALENDAR_MAC_1904
    for n, cells in enumerate(sheets, start=1):
        ws = wb.create_sheet(f"Blad{n}")
        for (row, column), (value, fmt) in sorted(cells.items()):
            cell = ws.cell(row, column)
            cell.value = value
            if fmt:
                cell.number_format = fmt
        for row in hidden:
            ws.row_dimensions[row].hidden = True
    wb.save(path)
    return _gedeeld(path) if shared else path


def _gedeeld(path: Path) -> Path:
    """openpyxl writes inline strings; Excel writes a shared-strings table: rewrite to that."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    index: dict[bytes, int] = {}

    def one(m: re.Match) -> bytes:
        return b'<c%s t="s"><v>%d</v></c>' % (m.group(1), index.setdefault(m.group(2), len(index)))
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = re.sub(rb'<c([^>]*?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', one, parts[name],
                             flags=re.S)
    parts["xl/sharedStrings.xml"] = (b'<sst xmlns="%s">' % MAIN.encode() + b"".join(
        b'<si><t xml:space="preserve">%s</t></si>' % s for s in index) + b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", (
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets=st.lists(CELLS, min_size=1, max_size=2), hidden=st.sets(st.integers(1, 25), max_size=3),
       mac=st.booleans(), shared=st.booleans())
def test_generated_workbooks_read_alike(sheets, hidden, mac, shared):
    with tempfile.TemporaryDirectory() as tmp:
        _vergelijk(_bouw(Path(tmp) / "in.xlsx", sheets, hidden, mac, shared))


def test_the_comparison_sees_a_difference(tmp_path, monkeypatch):
    """The check above is not blind: a value of another type, or a parser that reads one thing wrong,
    is a difference."""
    cells = {(1, 1): ("Stamnummer", None), (2, 1): (1, None), (2, 2): (True, None)}
    book = _bouw(tmp_path / "in.xlsx", [cells], set(), False, False)
    with _werkmap(book) as wb:
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        expected = _uitkomst(lambda: sheet_xml._openpyxl_rows(ws, set()))
    rows, error = expected
    number, cells = rows[1]
    assert cells[0] == (int, 1, "General", False)
    assert Cell(1.0) == Cell(1) == Cell(True)  # why _uitkomst keeps the type
    altered = (rows[:1] + [(number, ((float, 1.0, "General", False),) + cells[1:])], error)
    assert _verschil(altered, expected).startswith("rij 1")
    assert _verschil((rows[:1], error), expected) != ""
    assert _verschil((rows, "ValueError"), expected) != ""
    monkeypatch.setattr(sheet_xml, "_xml_text", lambda text: text.upper())
    with pytest.raises(AssertionError):
        _vergelijk(book)


# --- XML as other programs write it -----------------------------------------------------------------------

_STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd-mm-yyyy"/>'
           '<numFmt numFmtId="165" formatCode="000000"/></numFmts><fonts count="1"><font><sz val="11"/>'
           '<name val="Calibri"/></font></fonts>'
           '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="6">' + "".join(f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                                           for n in (0, 14, 164, 165, 46, 21)) + "</cellXfs></styleSheet>")
_SHARED = ["Stamnummer", " spatie ", "a_x005F_x000D_b", "regel\neen"]
_SST = (f'<sst xmlns="{MAIN}">' + "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in _SHARED)
        + "<si><r><t>rijk</t></r><r><rPr><b/></rPr><t>e tekst</t></r></si></sst>")
_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{MAIN}" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
         'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
         'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac">'
         '<dimension ref="A1:F9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
         '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>')
_TAIL = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'


def _xlsx(path: Path, sheet: str | bytes, mac: bool = False) -> Path:
    """A workbook of one sheet with the given XML, plus styles and shared strings, as Excel lays it out."""
    pkg = "http://schemas.openxmlformats.org/package/2006"
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{pkg}/content-types"><Default Extension="rels" ContentType='
        f'"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" Type="{doc}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{doc}">'
        + ('<workbookPr date1904="1"/>' if mac else "")
        + '<sheets><sheet name="Leerlingen" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
        f'Type="{doc}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{doc}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{doc}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": _STYLES,
        "xl/sharedStrings.xml": _SST,
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _write_sheet(rows: str) -> str:
    return f"{_HEAD}<sheetData>{rows}</sheetData>{_TAIL}"


_EXCEL = (  # what Excel writes: shared strings, styles, row attributes, formulas with their value
    '<row r="1" spans="1:6" x14ac:dyDescent="0.25">'
    '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
    '<row r="2" spans="1:6" ht="30" customHeight="1" x14ac:dyDescent="0.25">'
    '<c r="A2" s="3"><v>4512</v></c><c r="B2" s="1"><v>45000</v></c><c r="C2" s="2"><v>41335.5</v></c>'
    '<c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#N/A</v></c><c r="F2" s="4"><v>1.25</v></c></row>'
    '<row r="3" spans="1:6" hidden="1">'
    '<c r="A3" t="str"><f>UPPER("x")</f><v>X</v></c><c r="B3"><v>1.5E3</v></c><c r="C3" s="5"><v>0.75</v></c>'
    '<c r="D3" s="2"/><c r="E3"><f t="shared" ref="E3:E4" si="0">A2+1</f><v>4513</v></c>'
    '<c r="F3" t="s"><v>3</v></c></row>'
    '<row r="4"><c r="A4"><v>-7</v></c><c r="E4"><f t="shared" si="0"/><v>4514</v></c></row>')
_REGULAR = {
    "references_and_line_ends": (
        '<row r="1">'
        '<c r="A1" t="inlineStr"><is><t>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#10;&#x41;&#233;</t>'
        '</is></c>'
        '<c r="B1" t="inlineStr"><is><t xml:space="preserve"> een\r\ntwee\rdrie\n_x000D_ </t></is></c>'
        '<c r="C1" t="str"><v>5&amp;6</v></c><c r="D1" t="inlineStr"><is><t>\u20ac\U0001F600</t></is></c>'
        '</row>'),
    "gaps_and_order": (
        '<row r="1"><c r="B1"><v>1</v></c><c r="D1" s="3"><v>2</v></c></row>'  # starts at column B
        '<row r="2"><c r="C2"><v>3</v></c><c r="A2"><v>4</v></c></row>'  # as wide as its last cell
        '<row r="3"><c r="A3"><v>5</v></c><c r="A3"><v>6</v></c></row>'  # the same column twice
        '<row r="5"><c r="A5"><v>7</v></c></row>'
        '<row r="4"><c r="A4"><v>8</v></c></row>'  # a row back: never given
        '<row r="5"><c r="A5"><v>9</v></c></row>'  # a row again: never given
        '<row><c r="A6"><v>10</v></c></row>'  # no number: the next one
        '<row r="8"><c><v>11</v></c><c s="1"><v>12</v></c><c r="E8"><v>13</v></c><c><v>14</v></c></row>'
        '<row r="9"/><row r="10"></row>'
        '<row r="11"><c r="AA11"><v>15</v></c></row>'
        '<row r="12"><c r="A0"><v>16</v></c></row>'),
    "empty_values": (
        '<row r="1">'
        '<c r="A1" t="inlineStr"/><c r="B1" t="inlineStr"><is/></c><c r="C1" t="inlineStr"><is></is></c>'
        '<c r="D1" t="inlineStr"><is><t/></is></c><c r="E1" t="inlineStr"><is><t></t></is></c>'
        '<c r="F1" t="inlineStr"><v>5</v><is><t>x</t></is></c><c r="G1"><v></v></c><c r="H1"><v/></c>'
        '<c r="I1" t="s"/><c r="J1" t="str"><f>A1</f><v></v></c><c r="K1"><f>B1</f></c>'
        '<c r="L1" s="99"><v>1</v></c>'  # a style the workbook does not have
        '<c r="M1" t="d"><v>2026-03-01T10:30:00</v></c><c r="N1" t="d"><v>2026-03-01</v></c>'
        '<c r="O1" s="1"><v>99999999</v></c>'  # no date: '#VALUE!'
        '<c r="P1" t="x"><v>raar</v></c><c r="Q1" t="b"><v>0</v></c><c r="R1" t="s"><v>-1</v></c>'
        '</row>'),
    "excel": _EXCEL,
    # a shared string that is not there (-1, too high, no number): an unreadable cell in both readers
    "shared_string_missing": '<row r="1"><c r="A1" t="s"><v>99</v></c><c r="B1" t="s"><v>-1</v></c>'
                             '<c r="C1" t="s"><v>een</v></c><c r="D1" t="s"><v> 2 </v></c></row>',
    "error_values": '<row r="1"><c r="A1" t="e"><v>#N/A</v></c><c r="B1" t="e"><v>#DEEL/0!</v></c>'
                    '<c r="C1" t="e"/><c r="D1" t="b"><v>1</v></c></row>',
}


@pytest.mark.parametrize("name", sorted(_REGULAR))
@pytest.mark.parametrize("mac", [False, True])
def test_regular_xml_is_read_by_the_parser_alike(tmp_path, name, mac):
    _vergelijk(_xlsx(tmp_path / "in.xlsx", _write_sheet(_REGULAR[name]), mac))


def test_utf8_bom_and_no_declaration_are_read_by_the_parser(tmp_path):
    _vergelijk(_xlsx(tmp_path / "a.xlsx", b"\xef\xbb\xbf" + _write_sheet(_EXCEL).encode()))
    _vergelijk(_xlsx(tmp_path / "b.xlsx", _write_sheet(_EXCEL).split("\r\n", 1)[1]))


_ROW6 = '<row r="6"><c r="A6"><v>6</v></c></row>'
_UNKNOWN = {  # the parser stops at the unknown row and openpyxl reads on from there
    "rich_text": _EXCEL + '<row r="5"><c r="A5" t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr><t>b</t>'
                          '</r></is></c></row>' + _ROW6,
    "comment": _EXCEL + '<row r="5"><!-- x --><c r="A5"><v>1</v></c></row>',
    "pretty_printed": _EXCEL + '\n  <row r="5">\n    <c r="A5"><v>1</v></c>\n  </row>\n',
    "attribute_order": _EXCEL + '<row r="5"><c r="A5" t="n" s="3"><v>1</v></c></row>',
    "cdata": _EXCEL + '<row r="5"><c r="A5" t="str"><v><![CDATA[<b>]]></v></c></row>',
    "phonetic": _EXCEL + '<row r="5"><c r="A5" t="inlineStr"><is><t>x</t><rPh sb="0" eb="1"><t>y</t></rPh>'
                         '</is></c></row>',
    "row_number_not_integer": _EXCEL + '<row r="5.0"><c r="A5"><v>1</v></c></row>',
    "bad_value": _EXCEL + '<row r="5"><c r="A5"><v>twaalf</v></c></row>' + _ROW6,
    "bad_value_in_a_row_not_given": _EXCEL + '<row r="2"><c r="A2"><v>twaalf</v></c></row>' + _ROW6,
    "lower_case_coordinate": _EXCEL + '<row r="5"><c r="a5"><v>1</v></c></row>',
    "extension_in_cell": _EXCEL + '<row r="5"><c r="A5"><v>1</v><extLst/></c></row>',
}
_OUTSIDE = {  # the part as a whole: openpyxl reads it from the start
    "prefixed": _write_sheet(_EXCEL).replace("<sheetData>", f'<x:sheetData xmlns:x="{MAIN}">').replace(
        "</sheetData>", "</x:sheetData>"),
    "strict_namespace": _write_sheet(_EXCEL).replace(MAIN, "http://purl.oclc.org/ooxml/spreadsheetml/main"),
    "row_after_sheet_data": _write_sheet(_EXCEL).replace(
        _TAIL, f'<extLst><row r="9"><c r="A9"><v>1</v></c></row></extLst>{_TAIL}'),
    "broken_after_rows": _write_sheet(_EXCEL).replace(_TAIL, "<pageMargins></worksheet>"),
    "broken_in_rows": _write_sheet(_EXCEL + '<row r="5"><c r="A5"><v>1</v></row>'),
    "undefined_entity": _write_sheet(_EXCEL + '<row r="5"><c r="A5" t="str"><v>&nbsp;</v></c></row>'),
    "doctype": _write_sheet(_EXCEL).replace("\r\n<worksheet", "<!DOCTYPE worksheet>\r\n<worksheet"),
    "latin1": _write_sheet(_EXCEL).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
    "sheet_data_in_comment": _write_sheet(_EXCEL).replace("<dimension", "<!-- <sheetData> --><dimension"),
}


@pytest.mark.parametrize("name", sorted(_UNKNOWN))
def test_unknown_xml_in_the_rows_is_read_on_by_openpyxl_alike(tmp_path, name):
    book = _xlsx(tmp_path / "in.xlsx", _write_sheet(_UNKNOWN[name]))
    _vergelijk(book, snel=False)
    with _werkmap(book) as wb:
        ws = wb.worksheets[0]
        inner = sheet_xml._sheet_data_text(sheet_xml.raw_sheet_xml(wb, ws))
        rows, error = _uitkomst(lambda: sheet_xml._xml_rows(inner, wb, ws, set()))
    assert error and len(rows) == 4  # the parser read the regular rows itself


@pytest.mark.parametrize("name", sorted(_OUTSIDE))
def test_unknown_xml_around_the_rows_is_read_by_openpyxl(tmp_path, name):
    book = _xlsx(tmp_path / "in.xlsx", _OUTSIDE[name].encode("latin-1" if name == "latin1" else "utf-8"))
    _vergelijk(book, snel=False)
    with _werkmap(book) as wb:
        assert sheet_xml._sheet_data_text(sheet_xml.raw_sheet_xml(wb, wb.worksheets[0])) is None


def test_parser_hands_over_to_openpyxl_where_it_stopped(tmp_path, monkeypatch):
    """The rows the parser gave are not given again: openpyxl gives the rows from the unknown one on."""
    book = _xlsx(tmp_path / "in.xlsx", _write_sheet(_UNKNOWN["rich_text"]))
    by_openpyxl = set()
    original = sheet_xml._openpyxl_rows

    def marked(ws, formulas):
        for number, cells in original(ws, formulas):
            by_openpyxl.add(id(cells))
            yield number, cells
    monkeypatch.setattr(sheet_xml, "_openpyxl_rows", marked)
    with _werkmap(book) as wb:
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        rows = list(sheet_xml.fast_rows(wb, ws, sheet_xml.raw_sheet_xml(wb, ws), set()))
    assert [n for n, _ in rows] == [1, 2, 3, 4, 5, 6]
    assert [id(cells) in by_openpyxl for _, cells in rows] == [False] * 4 + [True] * 2


def test_cells_are_the_readers_cells(tmp_path):
    book = _xlsx(tmp_path / "in.xlsx", _write_sheet(_EXCEL))
    with _werkmap(book) as wb:
        ws = wb.worksheets[0]
        rows = list(sheet_xml._xml_rows(sheet_xml._sheet_data_text(sheet_xml.raw_sheet_xml(wb, ws)),
                                        wb, ws, set()))
    assert rows[1][1][:3] == (Cell(4512, "000000"), Cell(datetime(2023, 3, 15), "mm-dd-yy"),
                              Cell(datetime(2013, 3, 2, 12), "dd-mm-yyyy"))
    assert rows[2][1][2] == Cell(time(18), "h:mm:ss")
    assert rows[1][1][5] == Cell(timedelta(days=1.25), "[h]:mm:ss")
