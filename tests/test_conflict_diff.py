"""A conflict (an OPP edited in Word and the export changed) says what changed, field by field: in the
run's messages and in the check report. Through the real CLI; the edit is made the way Word stores it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main
from generator.domain.records import Doel, Factor, Leerling, Opp, Ouder
from generator.rules.compare import differences

from .conftest import LEERLING_KOPPEN, leerling, make_workbook
from .word_fill import Filler

YEAR = "2026-2027"
GOALS = [["1001", "Cognitief", "Leest twintig minuten per dag zelfstandig"],
         ["1001", "Werkhouding", "Plant huiswerk in de agenda"]]


def _export(path: Path, mentor: str, goals: list[list]) -> Path:
    return make_workbook(path, {
        "Leerlingen": [LEERLING_KOPPEN, leerling("1001", "Noor", "Visser", mentor=mentor),
                       leerling("1002", "Sem", "Jansen")],
        "Doelen": [["Stamnummer", "Domein", "Doel"], *goals]})


def _run(export: Path, out: Path):
    return CliRunner().invoke(main, ["genereer", str(export), "--uitvoer", str(out), "--schooljaar", YEAR,
                                     "--werkers", "1"], catch_exceptions=False)


def _conflict(tmp_path: Path, edit) -> tuple[object, list[tuple]]:
    out = tmp_path / "uit"
    assert _run(_export(tmp_path / "e1.xlsx", "mw. J. de Boer", GOALS), out).exit_code == 0
    opp = out / YEAR / "1A" / "OPP_1001.docx"
    edit(opp)
    added = [*GOALS, ["1001", "Sociaal-emotioneel", "Vraagt zelf om hulp als hij vastloopt in de les"]]
    result = _run(_export(tmp_path / "e2.xlsx", "dhr. P. Smit", added), out)
    assert result.exit_code == 75, result.output
    assert (out / YEAR / "1A" / "OPP_1001 (nieuw).docx").exists()
    report = load_workbook(out / YEAR / f"controle-{YEAR}.xlsx")["Controle"]
    return result, [r for r in report.iter_rows(min_row=2, values_only=True) if r[0] == "1001"]


def _filled(path: Path) -> None:
    form = Filler(path)
    form.text("doel[1].resultaat", "Behaald")
    form.text("opp.mening_leerling", "Wil naar het mbo")
    form.save(path)


def test_a_conflict_lists_what_the_export_changed(tmp_path):
    result, rows = _conflict(tmp_path, _filled)
    line = next(r[7] for r in rows if "bewerkt in Word" in r[7])
    assert "OPP_1001 (nieuw).docx" in line
    assert "mentor: mw. J. de Boer → dhr. P. Smit" in line
    assert "doel toegevoegd: 'Vraagt zelf om hulp als hij vastloopt …'" in line
    # what staff filled in (a result, the student's view) is their own work, not a difference
    assert "resultaat" not in line and "mening" not in line and "doel 1" not in line
    assert rows[[r[7] for r in rows].index(line)][1] == "waarschuwing"
    assert "mentor: mw. J. de Boer → dhr. P. Smit" in result.output  # in the run's messages too


def test_an_unreadable_edited_opp_says_so(tmp_path):
    _, rows = _conflict(tmp_path, lambda p: p.write_bytes(b"geen docx meer"))
    line = next(r[7] for r in rows if "bewerkt in Word" in r[7])
    assert "kon niet worden teruggelezen" in line and "mentor" not in line


def _opp(leerling: Leerling, **rows) -> Opp:
    return Opp(leerling, **rows)


def test_rows_are_compared_by_content_not_by_place():
    goal = lambda text, **kw: Doel("1", text, **kw)  # noqa: E731
    document = _opp(Leerling("1"), doelen=(goal("Leest", resultaat="Behaald"), goal("Rekent"),
                                           goal("Plant")))
    export = _opp(Leerling("1"), doelen=(goal("Rekent"), goal("Plant", domein="Werkhouding"),
                                         goal("Schrijft")))
    assert differences(document, export) == ["doel 3 gewijzigd (domein)", "doel toegevoegd: 'Schrijft'",
                                             "doel verwijderd: 'Leest'"]


def test_what_the_export_leaves_empty_is_no_difference():
    document = _opp(Leerling("1", mentor="mw. A", onderbouwing="Eigen tekst", lwoo=None),
                    ouders=(Ouder("1", "A. Visser", telefoon="06"),),
                    factoren=(Factor("1", "Cognitief", "x"),))
    export = _opp(Leerling("1", lwoo=False), ouders=(Ouder("1", "A. Visser"),))
    assert differences(document, export) == []


def test_values_are_shown_short_and_dates_the_dutch_way():
    long = "Een heel lange onderbouwing die veel meer dan veertig tekens telt"
    found = differences(_opp(Leerling("1", datum_vaststelling=date(2026, 10, 1))),
                        _opp(Leerling("1", onderbouwing=long, datum_vaststelling=date(2026, 10, 2),
                                      aanleiding=("Dreigende afstroom",))))
    assert found == ["aanleiding: (leeg) → Dreigende afstroom", "datum vaststelling: 01-10-2026 → 02-10-2026",
                     "onderbouwing: (leeg) → Een heel lange onderbouwing die veel …"]
