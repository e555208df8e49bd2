"""generate() and check(): read -> validate -> build context -> render -> write. The only module that
imports every stage. check() is generate() without writing: both run the same functions, so `opp
controleer` and `opp genereer` report the same findings."""

from __future__ import annotations

import gc
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from . import __version__, filled_forms, read_back
from .domain.errors import OppError, RenderError
from .domain.findings import Finding, Location, Severity
from .domain.interrupts import ctrl_c_deferred
from .domain.records import Opp, School
from .form import BUILTIN_TEMPLATE
from .form.context import build_context
from .read.mapping import read_column_mapping
from .read.mapping_writer import mapping_text
from .read.reader import read_exports
from .read.school import school_for_run, school_hash_parts
from .read.validator import Validated, validate
from .rules import opp_rules
from .rules.signals import StudentSignals, student_signals
from .workers import Placed, WorkerPool
from .write import files, identity, register
from .write.files import DiskFullError, document_name, make_folder, safe_name, write_atomic
from .write.manifest import JOURNAL, MANIFEST, input_hash, sha256_file
from .write.report import build_report, refuse_report_path, report_name, shown
from .write.writer import DocumentWriter, Outcome, Version, Written, place_new

log = logging.getLogger(__name__)


@dataclass
class Settings:
    inputs: list[Path]
    template: Path
    output: Path
    schooljaar: str
    today: date
    names_in_file_name: bool = False
    overwrite: bool = False  # also replace edited OPPs, after a backup copy
    workers: int = 1  # processes that render; the output is the same for any number
    documenten: Path | None = None  # where relative document paths resolve; None: the first input's folder
    columns: Path | None = None  # the school's own column names (TOML), see mapping.py
    report_path: Path | None = None  # the check report; None: controle-<schooljaar>.xlsx beside the OPPs
    strict: bool = False  # any error in the export: generate nothing
    school_file: Path | None = None  # --school; None: school.toml beside the first input, if there is one
    school: School | None = None  # on every OPP; None: _check_export reads the school file once and sets it
    vervolg: Path | None = None  # --vervolg: last school year's OPPs, for the next version (read_back.py)


@dataclass(frozen=True)
class Task:
    """One student's document to make: the record and where it goes."""

    opp: Opp
    target: Path


@dataclass
class RunResult:
    map: Path
    written: dict[str, Path] = field(default_factory=dict)  # leerlingnummer -> file
    outcomes: Counter = field(default_factory=Counter)
    per_student: dict[str, Outcome] = field(default_factory=dict)
    extra: dict[str, Path] = field(default_factory=dict)  # leerlingnummer -> backup or '(nieuw)' file
    skipped: dict[str, str] = field(default_factory=dict)  # leerlingnummer -> reason
    findings: list[Finding] = field(default_factory=list)
    not_selected: int = 0
    student_rows: int = 0  # data rows on students sheets: OPPs + skipped + not selected
    report_path: Path | None = None  # where the check report was written
    register_path: Path | None = None  # where the register overzicht.xlsx was written
    strict_stopped: bool = False  # --streng and the export had errors: no OPP was made
    write_failure: OppError | None = None  # the disk filled up writing the register or report: 74


@dataclass
class Checked:
    """What `opp controleer` shows and `opp genereer` builds on: the validated export, every student's
    planned file with the rules' signals about it, and all findings in the order they were found."""

    validated: Validated
    base: Path  # the school year's folder
    tasks: list[Task]
    signals: dict[str, StudentSignals]  # leerlingnummer -> what the rules say
    findings: list[Finding]


def check_template(path: Path) -> None:
    """`opp sjabloon`: the template check that check() runs first and generate()'s workers run before
    they compile; raises TemplateError. Imported here, not at the top: with workers, this process never
    needs docxtpl or Jinja."""
    from .form.template_check import ensure_usable

    ensure_usable(path)


def copy_builtin_template(target: Path) -> Path:
    """`opp sjabloon --kopie`: the built-in template, for a school to adapt in Word. Never over an
    existing file: that may be the school's own edited template."""
    return files.write_new(target, BUILTIN_TEMPLATE.read_bytes(),
                           "een bestaand sjabloon wordt nooit overschreven")


def column_mapping(inputs: list[Path], columns: Path | None, today: date, name: str) -> str:
    """`opp kolommen`: the mapping file the tool would use for these exports (read/mapping_writer.py)."""
    exports = read_exports(inputs, read_column_mapping(columns))
    return mapping_text(exports, name, today)


def write_new_file(target: Path, text: str) -> Path:
    """A file the school may edit afterwards: written once, never over an existing one."""
    return files.write_new(target, text.encode("utf-8"), "een bestaand bestand wordt nooit overschreven, "
                           "het kan door iemand zijn aangepast")


def check(settings: Settings) -> Checked:
    """`opp controleer`: everything generate() checks (the template, the export, the per-student rules),
    by the same functions, without writing anything."""
    check_template(settings.template)
    return _check_export(settings)


def _check_export(settings: Settings) -> Checked:
    school_found: list[Finding] = []
    if settings.school is None:  # first, so a broken school file stops the run before 10,000 rows are read
        settings.school, school_found = school_for_run(settings.inputs, settings.school_file)
    exports = read_exports(settings.inputs, read_column_mapping(settings.columns))
    _collect_workbook_garbage()
    validated = validate(exports, settings.today)
    base = settings.output / safe_name(settings.schooljaar)
    named: list[Finding] = []
    tasks = plan(validated.opps, base, settings, named)
    tasks, followed = read_back.follow_up(tasks, settings.vervolg, settings.schooljaar)  # --vervolg
    documents = documents_folder(settings)
    signals = {task.opp.leerling.leerlingnummer: student_signals(task.opp, documents, task.target.parent,
                                                                 settings.schooljaar, settings.today)
               for task in tasks}
    findings = [*validated.findings, _row_count(validated, settings.inputs), *school_found, *named,
                *followed, *(f for signal in signals.values() for f in signal.findings)]
    return Checked(validated, base, tasks, signals, findings)


def _row_count(validated: Validated, inputs: list[Path]) -> Finding:
    """The account of every data row of the students sheets, at the top of the report."""
    return Finding(Severity.INFO, Location(", ".join(Path(p).name for p in inputs)), (
        f"{validated.student_rows} rijen met leerlingen gelezen: {len(validated.opps)} krijgen een OPP, "
        f"{len(validated.withheld)} niet wegens een fout hieronder, {validated.not_selected} zonder "
        "OPP-markering"))


def _collect_workbook_garbage() -> None:
    """openpyxl leaves a workbook it has read as a reference cycle that holds a ZipFile: only the
    garbage collector frees it, during some later allocation, and a Ctrl-C that arrives during that
    (long) collection is raised in ZipFile.__del__, where Python drops it ("Exception ignored"): the
    run would go on to the end. Collected here, with Ctrl-C waiting, the Ctrl-C is raised here. The
    collection costs what it saves later (about 30 ms each way at 10,000 students)."""
    with ctrl_c_deferred():
        gc.collect()


def write_report(path: Path, findings: list[Finding]) -> Path:
    """The findings as a filterable .xlsx, written atomically (only where report.refuse_report_path
    allows it: the caller checked before the run wrote anything)."""
    make_folder(path.parent)
    write_atomic(path, build_report(findings))
    return path


def generate(settings: Settings, progress: Callable[[int, int], None] | None = None,
             phase: Callable[[str], None] | None = None) -> RunResult:
    """Generate one OPP per valid student. One bad student never stops the batch. `progress(done,
    total)` follows the documents; `phase(text)` hears, in Dutch, what the run does before and after
    them (reading 10,000 students takes seconds, so does the register)."""
    # The workers start now. Each runs the template check (`opp sjabloon`'s rule set) and compiles the
    # template while this process reads the export; pool.ready() raises what they found, before any file.
    with WorkerPool(settings.template, settings.workers) as pool:
        return _generate(settings, pool, progress, phase or (lambda text: None))


def _generate(settings: Settings, pool: WorkerPool, progress: Callable[[int, int], None] | None,
              phase: Callable[[str], None]) -> RunResult:
    phase("Export lezen en controleren")
    checked = _check_export(settings)
    base = checked.base
    # --rapport over an export, an OPP or the register, a link as the register: 73 before any file
    refuse_report_path(_report_path(settings, base), base, [task.target for task in checked.tasks])
    files.refuse_link(base / register.FILE_NAME)
    pool.ready()  # a template that fails the check or does not compile stops the run here, before any file
    result = RunResult(base, skipped=dict(checked.validated.withheld), findings=checked.findings,
                       not_selected=checked.validated.not_selected,
                       student_rows=checked.validated.student_rows)
    template_hash = sha256_file(settings.template)
    writer = DocumentWriter.open(base, settings.overwrite)  # one run per folder; read-only stops it here
    identity.adopt_moved(writer.manifest, [(t.target, t.opp.leerling.leerlingnummer) for t in checked.tasks])
    try:
        result.strict_stopped = settings.strict and bool(checked.validated.errors())
        tasks = [] if result.strict_stopped else checked.tasks
        inputs = _once_per_student(partial(_input_hash, settings=settings, signals=checked.signals))
        to_render = _settle_unchanged(tasks, inputs, template_hash, writer, result)
        for task, data in _render_all(pool, to_render, settings, result, progress):
            number = task.opp.leerling.leerlingnummer
            # hashed here, while the workers render, not before the first document
            if isinstance(data, Placed):
                version = Version(b"", number, inputs(task), template_hash, __version__)
                _count(result, number, task.target, writer.placed(task.target, version, data.sha256))
            else:
                version = Version(data, number, inputs(task), template_hash, __version__)
                done = writer.write(task.target, version)  # by the manifest's decision table
                result.findings += read_back.conflict_findings(task, done)  # a conflict: what changed
                _count(result, number, task.target, done)
    except BaseException:
        writer.abandon(pool.stop)  # the workers stop first; then temp files swept, manifest saved
        raise
    writer.save()
    phase("Overzicht en controlerapport schrijven")
    filled_forms.write_register(tasks, settings, result, checked.signals)  # edited OPPs read back
    _write_check_report(base, settings, result)
    return result


def _report_path(settings: Settings, base: Path) -> Path:
    return settings.report_path or base / report_name(settings.schooljaar)


def _write_check_report(base: Path, settings: Settings, result: RunResult) -> None:
    """The check report beside the OPPs. Like the register, a report open in Excel costs no OPP; a full
    disk is no warning but the run's failure (74)."""
    path = _report_path(settings, base)
    try:
        result.report_path = write_report(path, result.findings)
    except DiskFullError as exc:
        result.write_failure = result.write_failure or exc
    except OppError as exc:
        result.findings.append(Finding(Severity.WARNING, Location(str(path)),
                                       f"controlerapport niet geschreven: {exc}"))


def plan(opps: list[Opp], base: Path, settings: Settings, found: list[Finding] | None = None) -> list[Task]:
    """Every student's file, in a deterministic order: the student's existing OPP where it is (by number,
    write/identity.py), else a name of the student alone (files.number_part); a warning in `found` for
    each that is not the plain one. A class folder never takes the name of one of the run's own files; two
    students never share a file, also where the file system ignores case ('~2', naming the other one)."""
    found = [] if found is None else found
    own = {n.casefold() for n in (register.FILE_NAME, report_name(settings.schooljaar), MANIFEST, JOURNAL,
                                  files.LOCK_FILE)}
    alike: dict[str, list[Opp]] = {}  # a number as safe_name writes it -> students, the exact one first
    for o in sorted(opps, key=lambda o: "~" in files.number_part(o.leerling.leerlingnummer)):
        alike.setdefault(safe_name(o.leerling.leerlingnummer).casefold(), []).append(o)
    tasks, taken, index = [], {}, identity.OppIndex.read(base)  # a student's existing OPP stays where it is
    for opp in sorted(opps, key=lambda o: (o.leerling.klas, o.leerling.leerlingnummer)):
        lln = opp.leerling
        folder = files.folder_name(lln.klas, own)
        if folder.casefold() != safe_name(lln.klas, "zonder klas").casefold():
            found.append(_naming(opp, "klas", f"de klas heet als een eigen bestand van opp; map '{folder}'"))
        number = lln.leerlingnummer
        names = (lln.achternaam, lln.roepnaam) if settings.names_in_file_name else ()
        target, holder = index.free_target(opp, base / folder, document_name(number, *names), taken, found)
        other = holder or next((o for o in alike[safe_name(number).casefold()] if o is not opp), None)
        if holder or "~" in files.number_part(number):
            like = f", net als dat van leerling {_shown(other)}" if other else ""
            found.append(_naming(opp, "leerlingnummer", "het leerlingnummer geeft niet ongewijzigd een "
                                 f"eigen bestandsnaam{like}; het OPP heet daarom {target.name}"))
        target = index.place(opp, target, taken, found)
        taken[target.relative_to(base).as_posix().casefold()] = opp
        tasks.append(Task(opp, target))
    return tasks


def _naming(opp: Opp, field_name: str, message: str) -> Finding:
    where = opp.leerling.origin.location(field_name) if opp.leerling.origin else Location("Leerlingen")
    return Finding(Severity.WARNING, where, message, opp.leerling.leerlingnummer)


def _shown(opp: Opp) -> str:
    """Another student in a message: the number (report.shown) and the row."""
    row = f" (rij {opp.leerling.origin.row})" if opp.leerling.origin else ""
    return shown(opp.leerling.leerlingnummer) + row


def _render_all(pool: WorkerPool, tasks: list[Task], settings: Settings, result: RunResult,
                progress: Callable[[int, int], None] | None = None
                ) -> Iterator[tuple[Task, bytes | Placed]]:
    """Each student's document bytes in plan order, whatever the number of workers; a student whose
    document cannot be made is skipped. `progress(done, total)` runs after each student is handled."""
    context_of = partial(_context, schooljaar=settings.schooljaar, today=settings.today,
                         documenten=documents_folder(settings), school=settings.school)
    for done, (task, data) in enumerate(pool.render(tasks, context_of, _place_new), 1):
        if isinstance(data, RenderError):
            result.skipped[task.opp.leerling.leerlingnummer] = str(data)
        elif isinstance(data, OppError):
            raise data  # a worker could not write (disk full): what came before is noted
        else:
            yield task, data  # written or noted by the caller, in this process, before we go on
        if progress:
            progress(done, len(tasks))


def _place_new(task: Task, data: bytes) -> str | None:
    """Runs in the worker that rendered the document (see writer.plaats_nieuw)."""
    return place_new(task.target, data)


def _context(task: Task, schooljaar: str, today: date, documenten: Path | None = None,
             school: School | None = None) -> dict:
    """Module level, so that worker processes can receive it pickled (School is a frozen dataclass)."""
    return build_context(task.opp, schooljaar, today, documenten, task.target.parent, school=school)


def _once_per_student(f: Callable[[Task], str]) -> Callable[[Task], str]:
    """f once per student: _settle_unchanged and the write loop may both ask for a student's input hash."""
    seen: dict[str, str] = {}

    def once(task: Task) -> str:
        number = task.opp.leerling.leerlingnummer
        if number not in seen:
            seen[number] = f(task)
        return seen[number]
    return once


def _input_hash(task: Task, settings: Settings, signals: dict[str, StudentSignals]) -> str:
    """What the student's document is made of: the record, the school year, the targets its document
    links resolve to (a document that appears in, or moves within, the documents folder changes the
    OPP) and the school's data (a changed school.toml updates every OPP). Without school data the hash
    is what it was before school.toml existed, so an upgrade does not redo every OPP."""
    return input_hash(task.opp, settings.schooljaar,
                      "\n".join(signals[task.opp.leerling.leerlingnummer].link_targets),
                      *school_hash_parts(settings.school))


def _settle_unchanged(tasks: list[Task], inputs: Callable[[Task], str], template_hash: str,
                      writer: DocumentWriter, result: RunResult) -> list[Task]:
    """Settle the students whose file needs no rendering (made from this very input and template,
    untouched or edited since); return the others. A re-run with nothing changed renders nothing.
    Only a file the manifest knows can be settled: the others are not hashed here."""
    to_render = []
    for task in tasks:
        outcome = (writer.settled_without_rendering(task.target, inputs(task), template_hash)
                   if writer.knows(task.target) else None)
        if outcome is None:
            to_render.append(task)
        else:
            _count(result, task.opp.leerling.leerlingnummer, task.target, Written(outcome))
    return to_render


def _count(result: RunResult, number: str, target: Path, done: Written) -> None:
    result.outcomes[done.outcome] += 1
    result.per_student[number] = done.outcome
    result.written[number] = target
    if done.extra is not None:
        result.extra[number] = done.extra


def documents_folder(settings: Settings) -> Path | None:
    """The folder relative document paths resolve against: as given, else the first input's folder."""
    if settings.documenten is not None:
        return settings.documenten
    return settings.inputs[0].parent if settings.inputs else None


def default_school_year(today: date) -> str:
    return opp_rules.schooljaar(today)
