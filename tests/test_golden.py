"""Golden tests: the XML that two students' OPPs are made of, compared with committed golden files.

For two fixed students of the (fictitious) example export, the OPP is generated on a fixed date and
`word/document.xml` plus every header and footer part is compared, normalised, with
`tests/golden/<leerlingnummer>/<part>`. Any change to the generated form shows up here as a readable
diff, so a change you meant to make is reviewed once, in the golden files.

After an intended change to the template or the renderer, rewrite the golden files and review them:

    python -m pytest tests/test_golden.py --update-golden
    git diff tests/golden

With --update-golden the test writes the files (and removes golden parts the OPP no longer has) and
passes; without it a missing golden file is a failure that says this.

Normalisation: parsed with lxml and pretty-printed, one element per line, every attribute and all text
kept. Nothing needs masking: generating twice gives byte-identical parts (test below), content control
ids are numbered from 1000 per part and these parts hold no timestamps; the only date, "Gemaakt op" in
the footer, is the fixed run date.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from .conftest import EXAMPLE, TEMPLATE

GOLDEN = Path(__file__).parent / "golden"
RUN_DATE = date(2026, 9, 15)
SCHOOL_YEAR = "2026-2027"
# The student with the most related rows in the example export (2 parents, 2 goals, 3 support rows,
# 3 documents) and the one with the fewest (1 parent, 1 goal, 2 support rows, no documents); on a tie
# the first in the export. No student in the example has no related rows at all.
FULL, SPARSE = "020351", "020260"
STUDENTS = (FULL, SPARSE)
PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
MAX_DIFF_LINES = 80
UPDATE_HINT = "python -m pytest tests/test_golden.py --update-golden, then review git diff tests/golden"


def generate_opps(output: Path) -> dict[str, Path]:
    """The example export's OPPs on the fixed date: leerlingnummer -> .docx. The one place that calls
    the pipeline, so that a renamed pipeline API is fixed here only."""
    from generator import pipeline

    settings = pipeline.Settings([EXAMPLE], TEMPLATE, output, SCHOOL_YEAR, RUN_DATE, workers=1)
    return dict(pipeline.generate(settings).written)


def compared_parts(docx: Path) -> dict[str, bytes]:
    """word/document.xml and every header and footer part, by file name (document.xml, header1.xml...)."""
    with zipfile.ZipFile(docx) as zf:
        return {n.removeprefix("word/"): zf.read(n) for n in sorted(zf.namelist()) if PARTS.fullmatch(n)}


def normalise(xml: bytes) -> str:
    """One element per line, indented, with every attribute and all text as generated. WordprocessingML
    has no mixed content; if a part ever had text between elements, indenting would change it, so that
    is refused rather than hidden."""
    root = etree.fromstring(xml)
    for el in root.iter():
        if (len(el) and el.text) or el.tail:
            raise ValueError(f"text between elements near <{el.tag}>; normalise() would change it")
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="unicode") + "\n"


def difference(expected: str, actual: str, student: str, part: str) -> str | None:
    """None when equal; otherwise a message naming the student and the part, with the first lines of a
    unified diff from the golden text to the generated one."""
    if expected == actual:
        return None
    labels = f"tests/golden/{student}/{part}", f"generated OPP_{student}.docx, word/{part}"
    lines = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), *labels, lineterm="", n=2))
    shown = lines[:MAX_DIFF_LINES]
    if len(lines) > MAX_DIFF_LINES:
        shown.append(f"... ({len(lines) - MAX_DIFF_LINES} more diff lines)")
    return f"student {student}, {part}: the generated XML differs from the golden file\n" + "\n".join(shown)


@pytest.fixture(scope="module")
def generated_bytes(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """leerlingnummer -> {part: XML as generated}, for the two students, from one run."""
    written = generate_opps(tmp_path_factory.mktemp("golden") / "uit")
    return {nr: compared_parts(written[nr]) for nr in STUDENTS}


@pytest.fixture(scope="module")
def generated(generated_bytes) -> dict[str, dict[str, str]]:
    """leerlingnummer -> {part: normalised XML}."""
    return {nr: {part: normalise(xml) for part, xml in parts.items()}
            for nr, parts in generated_bytes.items()}


@pytest.mark.parametrize("nr", STUDENTS)
def test_generated_xml_matches_the_golden_files(nr, generated, request):
    parts = generated[nr]
    folder = GOLDEN / nr
    assert "document.xml" in parts and any(p.startswith("header") for p in parts) \
        and any(p.startswith("footer") for p in parts), sorted(parts)
    if request.config.getoption("--update-golden"):
        folder.mkdir(parents=True, exist_ok=True)
        for stale in set(p.name for p in folder.glob("*.xml")) - set(parts):
            (folder / stale).unlink()
        for part, text in parts.items():
            (folder / part).write_text(text, encoding="utf-8", newline="\n")
        return
    problems = []
    for part, text in parts.items():
        golden = folder / part
        if not golden.exists():
            problems.append(f"student {nr}, {part}: there is no golden file tests/golden/{nr}/{part}")
            continue
        diff = difference(golden.read_text(encoding="utf-8"), text, nr, part)
        if diff:
            problems.append(diff)
    for extra in sorted(set(p.name for p in folder.glob("*.xml")) - set(parts)):
        problems.append(f"student {nr}: golden file {extra} has no part in the generated OPP")
    if problems:
        pytest.fail("\n\n".join(problems) + f"\n\nTo create the golden files, or accept an intended change: "
                    f"{UPDATE_HINT}", pytrace=False)


def test_generating_again_gives_the_same_bytes(generated_bytes, tmp_path):
    """What lets normalise() keep everything: no ids, dates or orderings that vary between runs (or with
    the output folder)."""
    again = generate_opps(tmp_path / "elders" / "uit")
    for nr in STUDENTS:
        assert compared_parts(again[nr]) == generated_bytes[nr], nr


def test_a_changed_value_is_reported_with_the_part_the_student_and_the_value(generated):
    golden_file = GOLDEN / FULL / "document.xml"
    # the committed golden text; before the golden files exist, the generated text that they would hold
    golden = (golden_file.read_text(encoding="utf-8") if golden_file.exists()
              else generated[FULL]["document.xml"])
    assert golden.count(">Rahimi<") >= 1
    changed = golden.replace(">Rahimi<", ">Rahimy<", 1)
    message = difference(golden, changed, FULL, "document.xml")
    assert message is not None
    assert message.startswith(f"student {FULL}, document.xml:")
    removed = [line for line in message.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in message.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == len(added) == 1
    assert ">Rahimi<" in removed[0] and ">Rahimy<" in added[0]
    assert difference(golden, golden, FULL, "document.xml") is None


def test_a_long_difference_is_cut_to_the_first_diff_lines():
    expected = "".join(f"<a{i}/>\n" for i in range(300))
    actual = "".join(f"<b{i}/>\n" for i in range(300))
    message = difference(expected, actual, "000000", "document.xml")
    lines = message.splitlines()
    assert len(lines) == 1 + MAX_DIFF_LINES + 1 and "more diff lines" in lines[-1]
