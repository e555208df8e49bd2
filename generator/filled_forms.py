"""The register from what staff filled in: every OPP that someone edited is read back by its tags (read/
form_reader.py), and its register row comes from those values, by the same rules as a row from the
export. `opp inlezen` does only this; `opp genereer` does it for the files it did not just write from the
export (edited, in a conflict, open in Word, or not in this run), so that after any run the register
says what the documents say: the real vaststelling and the deadlines from it, the instemming of each
signer, the hoorrecht and overleg, the evaluation, and what is still open. Nothing here writes into an OPP.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .domain.errors import InputError, OppError
from .domain.findings import Finding, Location, Severity
from .domain.records import Leerling, Opp
from .read.form_reader import read_form
from .read.form_records import form_opp
from .read_back import as_shown
from .write import register
from .write.files import DiskFullError
from .write.identity import number_in_file_name
from .write.register_rows import RegisterRow
from .write.writer import Outcome

if TYPE_CHECKING:
    from .pipeline import RunResult, Settings, Task
    from .rules.signals import StudentSignals

log = logging.getLogger(__name__)

# What a run did with a file that leaves someone's edits in it: the file is the truth, not the export.
_EDITED = {Outcome.EDITED, Outcome.CONFLICT, Outcome.OPEN, Outcome.OVERWRITTEN}
READ_BACK = "ingelezen"
UNREADABLE = "niet leesbaar"


@dataclass
class ReadBack:
    """What `opp inlezen` found: the register written, how many OPPs were read, and every finding."""

    map: Path
    read: int = 0
    unreadable: int = 0
    findings: list[Finding] = field(default_factory=list)
    register_path: Path | None = None
    write_failure: OppError | None = None


def read_back(map: Path, schooljaar: str, today: date, template: Path | None = None) -> ReadBack:
    """`opp inlezen MAP`: read every OPP in the school year's folder and rebuild the register from them.
    A document that cannot be read keeps its row of the previous register, marked 'niet leesbaar'.
    `template`: the form the OPPs were made from (its own texts are no text outside the fields); None is
    the built-in form."""
    if template is not None and not template.is_file():
        raise InputError(f"sjabloon niet gevonden: {template.resolve()}")
    if not map.is_dir():
        raise InputError(f"{map}: deze map bestaat niet; geef de map van een schooljaar, bijvoorbeeld "
                         f"output/{schooljaar}")
    result = ReadBack(map)
    rows, unreadable = [], set()
    for file in register.opp_files(map):
        row, found = document_row(map, file, schooljaar, today, READ_BACK, template=template)
        result.findings += found
        if row is None:
            unreadable.add(file)
        else:
            rows.append(row)
    result.read, result.unreadable = len(rows), len(unreadable)
    _write(result, rows, today, unreadable=unreadable)
    return result


def document_row(map: Path, file: str, schooljaar: str, today: date, bestand: str, export: Opp | None = None,
                 documenten: int = 0, waarschuwingen: int = 0,
                 template: Path | None = None) -> tuple[RegisterRow | None, list[Finding]]:
    """The register row of one OPP from what its document says; None when it cannot be read (the
    finding says why). `export`: the student's records of this run, for what the form does not show
    (the document wins wherever it holds a value)."""
    path = map / file
    read = read_form(path, template)
    if not read.readable:
        return None, [Finding(Severity.WARNING, Location(str(path)),
                              f"{UNREADABLE}: {read.reason}; het overzicht houdt de vorige gegevens van "
                              "dit OPP")]
    number = (_text(read.first("leerling.leerlingnummer"))
              or (export.leerling.leerlingnummer if export else "")
              or number_in_file_name(Path(file).stem) or "")
    document, found = form_opp(read, number)
    opp = as_shown(document).opp  # an earlier year's vaststelling counts, as from the export
    if export is not None:
        opp = overlay(export, opp)
    findings = [*read.findings, *found]
    row = register.register_row(opp, schooljaar, today, file, bestand, documenten,
                                waarschuwingen + len(findings), document.signers)
    return row, findings


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def overlay(export: Opp, document: Opp) -> Opp:
    """The document's values where it has them, the export's elsewhere (a field the form does not show,
    such as the date of the last evaluation). Lists: the document's rows when it has any."""
    values = {f.name: getattr(document.leerling, f.name) or getattr(export.leerling, f.name)
              for f in fields(Leerling) if f.name != "origin"}
    lists = {name: getattr(document, name) or getattr(export, name)
             for name in ("ouders", "doelen", "ondersteuning", "documenten", "betrokkenen", "factoren")}
    return replace(export, leerling=replace(export.leerling, **values), **lists)


def write_register(tasks: list[Task], settings: Settings, result: RunResult,
                   signals: dict[str, StudentSignals]) -> None:
    """`opp genereer`'s register: a row from the export for each file this run wrote or found as it
    would write it, a row read back from the document for each file someone edited, and for every other
    OPP in the folder (not in this run) a row read back from it. A register that cannot be written (open
    in Excel) costs no OPP: it becomes a warning, and the next run writes it again."""
    rows, done = [], set()
    for task in tasks:
        number = task.opp.leerling.leerlingnummer
        outcome = result.per_student.get(number)
        if outcome is None and not task.target.exists():
            continue  # not made this run (render error) and no older file: no OPP to list
        bestand = outcome.value if outcome is not None else register.SKIPPED_STATUS
        file = Path(os.path.relpath(task.target, result.map)).as_posix()
        signal = signals[number]
        counts = (len(signal.link_targets), signal.warning_count(task.opp))
        row = None
        if outcome in _EDITED:
            row, found = document_row(result.map, file, settings.schooljaar, settings.today, bestand,
                                      task.opp, *counts, template=settings.template)
            result.findings += found
        rows.append(row or register.register_row(task.opp, settings.schooljaar, settings.today, file, bestand,
                                                 *counts))
        done.add(file)
    others, unreadable = _others(result, done, settings.schooljaar, settings.today, settings.template)
    _write(result, rows + others, settings.today, set(result.skipped), unreadable)


def _others(result: RunResult, done: set[str], schooljaar: str, today: date,
            template: Path) -> tuple[list[RegisterRow], set[str]]:
    """The OPPs in the folder that this run did not make (their student is not in the export), read back,
    and those that could not be read. A student skipped this run for an error in the export keeps the
    'Bestand' that says so."""
    rows, unreadable = [], set()
    for file in register.opp_files(result.map):
        if file in done:
            continue
        row, found = document_row(result.map, file, schooljaar, today, register.NOT_IN_RUN, template=template)
        result.findings += found
        if row is None:
            unreadable.add(file)
        else:
            skipped = row.leerlingnummer in result.skipped
            rows.append(replace(row, bestand=register.SKIPPED_STATUS) if skipped else row)
    return rows, unreadable


def _write(result: ReadBack | RunResult, rows: list[RegisterRow], today: date,
           skipped: set[str] = frozenset(), unreadable: set[str] = frozenset()) -> None:
    """Write the register: these rows, and the previous rows of the files they leave out (register.py)."""
    try:
        result.register_path = register.write(result.map, rows, today, skipped, unreadable=unreadable)
    except DiskFullError as exc:
        result.write_failure = exc
    except OppError as exc:
        log.info("overzicht: %s", exc)
        result.findings.append(Finding(
            Severity.WARNING, Location(str(result.map / register.FILE_NAME)),
            "het overzicht is niet bijgewerkt (open in Excel? sluit het en draai opnieuw); de OPP's zijn wel "
            f"geschreven ({getattr(exc.__cause__, 'strerror', None) or exc})"))
