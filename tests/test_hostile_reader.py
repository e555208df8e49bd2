"""Issue 16, the reader's part: files that are damaged, strange or made to hurt. Each input is built here
(a workbook by zipping its XML parts by hand) and goes through the real command: `opp controleer` and
`opp genereer`. Whatever the file holds, the command ends with 0, 65 or 66, in bounded time and memory,
with a Dutch message naming the file, sheet, row and column, and writes nothing it should not."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.domain.errors import InputError
from generator.read import tables
from generator.read.reader import read_exports
from generator.read.tables import ErrorValue

from .conftest import docx_text

try:
    import resource
except ImportError:  # Windows: no getrusage
    resource = None

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_DOC = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADERS = ["Stamnummer", "Roepnaam", "Achternaam", "Geboortedatum", "Klas"]
EXIT_CODES = {0, 65, 66}  # 70 is a bug


# --- building inputs ------------------------------------------------------------------------------------

def _xlsx(path: Path, rows: str, *, main: str = MAIN, doc: str = DOC, sheet: bool = True,
          shared: tuple[str, ...] = (), before: str = "") -> Path:
    """A workbook of one sheet 'Leerlingen' whose <sheetData> holds `rows`; `before` goes before it
    (a <dimension>). sheet=False leaves the sheet's part out while the workbook still names it."""
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{PKG}/content-types"><Default Extension="rels" ContentType='
        f'"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{doc}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{doc}"><sheets>'
        '<sheet name="Leerlingen" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{doc}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        f'Type="{doc}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'<sst xmlns="{main}">' + "".join(f"<si><t>{s}</t></si>" for s in shared)
        + "</sst>",
    }
    if sheet:
        parts["xl/worksheets/sheet1.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                                             f'xmlns="{main}">{before}<sheetData>{rows}</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _text(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, values: list[str], cells_at: int | None = None) -> str:
    """A row of inline strings from column A; cells_at: the row number in the cells' own references."""
    at = number if cells_at is None else cells_at
    cells = "".join(_text(f"{'ABCDEFGH'[i]}{at}", v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


HEAD = _row(1, HEADERS)


def _student(number: int, nr: str, first: str, last: str) -> str:
    return _row(number, [nr, first, last, "14-03-2013", "1A"])


def _run(*args) -> object:
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def _check_and_generate(tmp_path: Path, *inputs: Path) -> tuple[object, object, list[Path]]:
    """`opp controleer` and `opp genereer` on the same input; the documents genereer wrote."""
    checked = _run("controleer", *inputs)
    out = tmp_path / "uit"
    generated = _run("genereer", *inputs, "--werkers", "1", "--schooljaar", "2026-2027", "--uitvoer", out)
    return checked, generated, sorted(out.rglob("*.docx"))


def _refused(tmp_path: Path, path: Path, message: str) -> None:
    """Both commands end with 66 and the message; genereer wrote no document."""
    checked, generated, written = _check_and_generate(tmp_path, path)
    for result in (checked, generated):
        assert result.exit_code == 66, result.output
        assert f"Fout: {path.name}" in result.output and message in result.output, result.output
        assert "Traceback" not in result.output
    assert written == []


# --- 1. absurd row and column numbers, and sheets too large --------------------------------------------

FAR = [  # (name, sheet rows, message)
    ("row_number", HEAD + _student(2, "1", "Aisha", "Amrani") + _student(99999999999, "2", "Bram", "Berg"),
     "blad 'Leerlingen': rij 99999999999 ligt voorbij de laatste rij van Excel (1.048.576)"),
    # openpyxl reads on after a row the fast parser does not know (a comment): it made one empty row per
    # missing row number, 10^11 of them
    ("row_number_read_by_openpyxl", HEAD + '<row r="2"><!-- x -->' + _text("A2", "1") + "</row>"
     + _student(99999999999, "2", "Bram", "Berg"),
     "blad 'Leerlingen': rij 99999999999 ligt voorbij de laatste rij van Excel (1.048.576)"),
    ("cell_reference", HEAD + _row(2, ["2", "Bram", "Berg"], cells_at=99999999999),
     "blad 'Leerlingen': rij 99999999999 ligt voorbij de laatste rij van Excel"),
    ("column_beyond_xfd", HEAD + '<row r="2">' + _text("A2", "1") + _text("XFE2", "x") + "</row>",
     "blad 'Leerlingen': een cel ligt voorbij de laatste kolom van Excel (XFD)"),
    ("column_of_eight_letters", HEAD + '<row r="2">' + _text("A2", "1") + _text("ZZZZZZZZ2", "x") + "</row>",
     "blad 'Leerlingen': een cel ligt voorbij de laatste kolom van Excel (XFD)"),
]


@pytest.mark.parametrize("rows, message", [f[1:] for f in FAR], ids=[f[0] for f in FAR])
def test_row_or_column_beyond_excel_is_refused_at_once(tmp_path, rows, message):
    book = _xlsx(tmp_path / "export.xlsx", rows)
    assert book.stat().st_size < 5000
    started = time.process_time()
    _refused(tmp_path, book, message)
    assert time.process_time() - started < 20  # was: hours


@pytest.mark.parametrize("fallback", [False, True], ids=["fast_parser", "openpyxl"])
def test_row_numbers_jumping_to_excels_last_row_cost_nothing(tmp_path, fallback):
    """A jump to row 1,048,576 is allowed and is not walked row by row; a huge <dimension> is ignored."""
    odd = '<row r="3"><!-- x --></row>' if fallback else ""
    book = _xlsx(tmp_path / "export.xlsx", HEAD + _student(2, "1", "Aisha", "Amrani") + odd
                 + _student(1_048_576, "2", "Bram", "Berg"), before='<dimension ref="A1:XFD1048576"/>')
    started = time.process_time()
    checked, generated, written = _check_and_generate(tmp_path, book)
    assert time.process_time() - started < 20
    assert (checked.exit_code, generated.exit_code) == (0, 0), generated.output
    assert [p.name for p in written] == ["OPP_1.docx", "OPP_2.docx"]


def test_sheet_of_400000_rows_is_refused_as_too_large_in_bounded_time_and_memory(tmp_path):
    """Was: 24 s CPU and 420 MB for `controleer` (openpyxl parsed the whole sheet looking for a <dimension>
    and kept every element; then 400,000 rows were validated one by one)."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 400_002))
    book = _xlsx(tmp_path / "export.xlsx", HEAD + rows)
    started, peak_before = time.process_time(), _peak_kib()
    checked = _run("controleer", book)
    assert time.process_time() - started < 20
    assert _peak_kib() - peak_before < 200 * 1024  # this process's peak grew by less than 200 MB
    assert checked.exit_code == 66
    assert ("Fout: export.xlsx, blad 'Leerlingen': te groot: meer dan 100.000 rijen met gegevens; dat is "
            "geen export van leerlingen") in checked.output


def _peak_kib() -> int:
    """The peak memory of this process so far (KiB on Linux); 0 where getrusage is missing."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if resource else 0


def test_rows_as_wide_as_excel_are_refused_as_too_large(tmp_path):
    """400 rows with a cell in A and in XFD: each row is laid out 16,384 cells wide."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="XFD{r}"><v>1</v></c></row>'
                   for r in range(2, 402))
    book = _xlsx(tmp_path / "export.xlsx", HEAD + rows)
    _refused(tmp_path, book, "blad 'Leerlingen': te groot: meer dan 5.000.000 cellen")


# --- 2. error cells, booleans and shared strings that are not there -------------------------------------

def test_error_cells_are_error_values_and_a_missing_shared_string_never_takes_the_last(tmp_path, monkeypatch):
    shared = ("Stamnummer", "Roepnaam", "Achternaam", "Geheim")  # 'Geheim': what strings[-1] would give
    cells = ('<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
             + _text("D1", "Geboortedatum") + _text("E1", "Klas") + _text("F1", "Mentor"))
    rows = (f'<row r="1">{cells}</row>'
            '<row r="2">' + _text("A2", "1") + '<c r="B2" t="s"><v>-1</v></c>' + _text("C2", "Amrani")
            + _text("D2", "14-03-2013") + _text("E2", "1A") + '<c r="F2" t="b"><v>1</v></c></row>'
            '<row r="3">' + _text("A3", "2") + _text("B3", "Bram") + '<c r="C3" t="e"><v>#N/A</v></c>'
            + _text("D3", "14-03-2013") + '<c r="E3" t="s"><v>99</v></c><c r="F3" t="e"><v>#DEEL/0!</v></c>'
            '</row><row r="4">' + _text("A4", "3") + '<c r="B4" t="s"><v> -1</v></c>' + _text("C4", "Cem")
            + '<c r="D4" t="s"><v>twee</v></c>' + _text("E4", "1A") + "</row>")
    book = _xlsx(tmp_path / "export.xlsx", rows, shared=shared)
    for fallback in (False, True):  # the fast parser and openpyxl itself give the same values
        if fallback:
            monkeypatch.setattr("generator.read.sheet_xml._sheet_data_text", lambda data: None)
        (table,) = read_exports([book]).tables
        values = [[c.value for c in row.cells] for row in table.rows]
        assert values == [["1", "#ONLEESBAAR", "Amrani", "14-03-2013", "1A", True],
                          ["2", "Bram", "#N/A", "14-03-2013", "#ONLEESBAAR", "#DEEL/0!"],
                          ["3", "#ONLEESBAAR", "Cem", "#ONLEESBAAR", "1A"]], fallback
        kinds = [[type(v) for v in row] for row in values]
        assert kinds[0][1] is kinds[1][2] is kinds[1][4] is kinds[1][5] is kinds[2][3] is ErrorValue
        assert kinds[0][5] is bool and kinds[0][0] is str
    monkeypatch.undo()
    checked, generated, written = _check_and_generate(tmp_path, book)
    assert checked.exit_code in (0, 65) and generated.exit_code in (0, 65), generated.output
    for result in (checked, generated):
        assert "Geheim" not in result.output and "Traceback" not in result.output
    assert not any("Geheim" in docx_text(p) for p in written)
    # what the validator says about an ErrorValue (its cell, that it counts as empty) is its own test's part


# --- 3. a sheet the workbook names but the file lacks; strict Open XML ---------------------------------

def test_sheet_named_in_the_workbook_but_missing_from_the_file_is_unreadable_not_no_students(tmp_path):
    book = _xlsx(tmp_path / "export.xlsx", HEAD + _student(2, "1", "Aisha", "Amrani"), sheet=False)
    _refused(tmp_path, book, ": kan het bestand niet lezen als Excel-werkmap: het blad 'Leerlingen' "
                             "staat in de werkmap, maar de inhoud ervan ontbreekt; het bestand is "
                             "beschadigd. Open het in Excel en sla het op als Excel-werkmap (.xlsx).")


@pytest.mark.parametrize("doc", [STRICT_DOC, DOC], ids=["strict_relationships", "transitional_relationships"])
def test_strict_open_xml_is_unreadable_with_the_way_out(tmp_path, doc):
    book = _xlsx(tmp_path / "export.xlsx", HEAD + _student(2, "1", "A", "B"), main=STRICT_MAIN, doc=doc)
    _refused(tmp_path, book, ": de werkmap is opgeslagen als 'Strict Open XML-werkmap'; die indeling kan "
                             "niet worden gelezen. Open het in Excel en sla het op als gewone Excel-werkmap "
                             "(.xlsx).")


# --- 4.-6. CSV: a stray byte, a quote never closed, a first header starting with 'PK' --------------------

CSV_HEAD = "Stamnummer;Roepnaam;Achternaam;Geboortedatum;Klas;Ondersteuningsbehoefte\r\n"


def test_one_stray_byte_in_a_utf8_csv_is_reported_and_the_rest_stays_utf8(tmp_path):
    text = (CSV_HEAD + "1;Zoë;Daniëls;14-03-2013;1A;Rust\r\n2;RenXX;Berg;01-02-2013;1A;\r\n"
            "3;Anaïs;’t Hart;02-02-2013;1B;Structuur\r\n")
    path = tmp_path / "leerlingen.csv"
    path.write_bytes(text.encode("utf-8").replace(b"XX", b"\xe9"))  # one byte from a Windows-1252 program
    checked, generated, written = _check_and_generate(tmp_path, path)
    assert (checked.exit_code, generated.exit_code) == (0, 0), generated.output
    for result in (checked, generated):
        assert ("waarschuwing: leerlingen.csv, rij 3, kolom B 'Roepnaam': een teken in deze cel is geen "
                "UTF-8 (byte 0xE9) en is vervangen door '\ufffd'") in result.output
    assert "Windows-1252" not in checked.output
    texts = {p.name: docx_text(p) for p in written}
    assert "Zoë" in texts["OPP_1.docx"] and "Daniëls" in texts["OPP_1.docx"]
    assert "Ren\ufffd" in texts["OPP_2.docx"]
    assert "Anaïs" in texts["OPP_3.docx"] and "’t Hart" in texts["OPP_3.docx"]
    assert not any("Ã" in t for t in texts.values())


def test_a_real_windows_1252_csv_is_still_read_as_such(tmp_path):
    path = tmp_path / "leerlingen.csv"
    path.write_bytes((CSV_HEAD + "1;Zoë;Daniëls;14-03-2013;1A;\r\n2;René;’t Hart;01-02-2013;1A;\r\n")
                     .encode("cp1252"))
    checked, generated, written = _check_and_generate(tmp_path, path)
    assert (checked.exit_code, generated.exit_code) == (0, 0), generated.output
    assert "info: leerlingen.csv: gelezen als Windows-1252 (ANSI), niet als UTF-8" in checked.output
    assert "geen UTF-8 (byte" not in checked.output
    texts = [docx_text(p) for p in written]
    assert "Zoë" in texts[0] and "René" in texts[1] and "’t Hart" in texts[1]


def test_a_quote_never_closed_is_refused_naming_where_it_opened(tmp_path):
    path = tmp_path / "leerlingen.csv"
    path.write_text(CSV_HEAD + '1;Aisha;Amrani;14-03-2013;1A;"Rust\r\nen structuur"\r\n'  # closed: fine
                    '2;Bram;Berg;01-02-2013;1A;"Heeft hulp nodig\r\n3;Cem;Yilmaz;01-01-2013;1B;\r\n'
                    "4;Dirk;Dekker;01-01-2013;1B;\r\n", encoding="utf-8")
    _refused(tmp_path, path, 'leerlingen.csv: het aanhalingsteken (") dat in rij 4, kolom F een veld '
                             "opent, wordt nergens gesloten: de rest van het bestand zou in die ene cel "
                             "vallen en de rijen erna zouden ontbreken")


def test_a_closed_multi_line_field_at_the_end_is_no_unclosed_quote(tmp_path):
    path = tmp_path / "leerlingen.csv"
    path.write_text(CSV_HEAD + '1;Aisha;Amrani;14-03-2013;1A;"Rust\r\nen ""structuur"""', encoding="utf-8")
    checked, generated, written = _check_and_generate(tmp_path, path)
    assert (checked.exit_code, generated.exit_code) == (0, 0), generated.output
    assert 'Rust\nen "structuur"' in docx_text(written[0])


@pytest.mark.parametrize("first", ["PK", "PK-nummer"])
def test_csv_whose_first_header_starts_with_pk_is_a_csv(tmp_path, first):
    path = tmp_path / "leerlingen.csv"
    path.write_text(f"{first};{CSV_HEAD}9;1;Aisha;Amrani;14-03-2013;1A;\r\n", encoding="utf-8")
    checked, generated, written = _check_and_generate(tmp_path, path)
    assert (checked.exit_code, generated.exit_code) == (0, 0), generated.output
    assert [p.name for p in written] == ["OPP_1.docx"]


def test_pk_text_named_xlsx_is_no_workbook_rather_than_damaged(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_text(f"PK;{CSV_HEAD}", encoding="utf-8")
    _refused(tmp_path, path, "export.xlsx: dit is geen Excel-werkmap (.xlsx) en geen CSV-bestand (.csv)")


# --- any input: the reader returns or raises InputError; the command ends with 0, 65 or 66 --------------

CSV_PIECES = st.sampled_from(['"', '""', ";", ",", "\t", "\n", "\r\n", "\r", "Stamnummer", "Roepnaam",
                              "Achternaam", "Klas", "Zoë", "’t", "1", "007", "14-03-2013", " ", "PK",
                              "\ufdd0", "=1+1", "#N/A", "\x00"])
CSV_TEXT = st.lists(st.one_of(CSV_PIECES, st.characters(exclude_categories=("Cs",))),
                    max_size=80).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])
STRAY = st.lists(st.tuples(st.integers(0, 400), st.integers(0x80, 0xFF)), max_size=3)


@st.composite
def csv_bytes(draw) -> bytes:
    data = bytearray(draw(CSV_TEXT).encode(draw(ENCODINGS), errors="replace"))
    for at, byte in draw(STRAY):
        data[min(at, len(data)):min(at, len(data))] = bytes([byte])
    return bytes(data)


ROW_NUMBERS = st.one_of(st.none(), st.integers(0, 30), st.sampled_from([1_048_576, 1_048_577, 99999999999]))
REFS = st.one_of(st.none(), st.tuples(st.sampled_from(["A", "B", "C", "Z", "AA", "XFD", "XFE", "ZZZZ"]),
                                      st.one_of(st.integers(0, 30), st.just(99999999999))).map(
                                          lambda t: f"{t[0]}{t[1]}"))
TYPES = st.sampled_from([None, "s", "e", "b", "n", "str", "inlineStr", "d", "x"])
ODD = st.sampled_from([""] * 8 + ["<!-- x -->", "\n  "])
VALUES = st.sampled_from(["0", "1", "2", "-1", " 2 ", "99", "abc", "#N/A", "1.5", "1E400", "2026-03-01", "",
                          "45000", "&amp;", "Zoë"])


@st.composite
def sheet_rows(draw) -> str:
    rows = [HEAD] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 6))):
        number = draw(ROW_NUMBERS)
        cells = []
        for _ in range(draw(st.integers(0, 5))):
            ref, kind, value = draw(REFS), draw(TYPES), draw(VALUES)
            attrs = (f' r="{ref}"' if ref else "") + (f' t="{kind}"' if kind else "")
            inner = f"<is><t>{value}</t></is>" if kind == "inlineStr" else f"<v>{value}</v>"
            cells.append(f"<c{attrs}>{inner if draw(st.booleans()) else ''}</c>")
            cells.append(draw(ODD))  # something only openpyxl reads: it reads on from there
        attrs = f' r="{number}"' if number is not None else ""
        rows.append(f'<row{attrs}>{"".join(cells)}</row>')
    return "".join(rows)


def _hostile_file(folder: Path, kind: str, data) -> Path:
    if kind == "xlsx_xml":
        rows, strict, missing = data
        return _xlsx(folder / "export.xlsx", rows, shared=("Stamnummer", "Roepnaam", "x"),
                     main=STRICT_MAIN if strict else MAIN, sheet=not missing)
    path = folder / ("export.csv" if kind == "csv" else f"export{data[1]}")
    path.write_bytes(data if kind == "csv" else data[0])
    return path


HOSTILE = st.one_of(
    st.tuples(st.just("csv"), csv_bytes()),
    st.tuples(st.just("bytes"), st.tuples(st.one_of(st.binary(max_size=600), st.binary(max_size=600).map(
        lambda b: b"PK\x03\x04" + b), st.binary(max_size=600).map(lambda b: b"PK" + b)),
        st.sampled_from([".csv", ".xlsx", ".txt"]))),
    st.tuples(st.just("xlsx_xml"), st.tuples(sheet_rows(), st.booleans(), st.just(False) | st.booleans())),
)


def _read_or_input_error(path: Path) -> None:
    try:
        read_exports([path])
    except InputError as exc:
        assert str(exc).startswith(path.name), str(exc)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_reader_returns_or_raises_input_error(tmp_path_factory, hostile):
    folder = tmp_path_factory.mktemp("vijandig")
    _read_or_input_error(_hostile_file(folder, *hostile))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_command_ends_with_0_65_or_66(tmp_path_factory, hostile):
    folder = tmp_path_factory.mktemp("vijandig")
    result = _run("controleer", _hostile_file(folder, *hostile))
    assert result.exit_code in EXIT_CODES, result.output
    assert "Traceback" not in result.output and "onverwachte fout" not in result.output.lower()


def test_the_limits_are_far_above_a_school_export():
    assert tables.MAX_DATA_ROWS >= 20 * 5_000 and tables.MAX_CELLS >= 20_000 * 40 * 5
