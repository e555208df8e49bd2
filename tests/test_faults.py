"""Faults lose nothing: a full disk, a read-only folder, Word holding a file, a killed run, an unsafe
template. CI runs as root, so read-only folders and full disks are injected, not made with chmod."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from generator import pipeline
from generator.cli import main
from generator.write import files
from generator.write.files import TEMP_PREFIX, write_atomic
from generator.write.manifest import JOURNAL, MANIFEST
from generator.write.writer import Outcome

from .conftest import LEERLING_KOPPEN, ROOT, TEMPLATE, docx_text, leerling, make_workbook

JAAR = "2026-2027"


def export(path: Path, n: int = 5, target: str = "Rekent tot 100") -> Path:
    return make_workbook(path, {
        "Leerlingen": [LEERLING_KOPPEN, *(leerling(str(i), f"Naam{i}", "Test") for i in range(1, n + 1))],
        "Doelen": [["Stamnummer", "Doel"], *([str(i), target] for i in range(1, n + 1))],
    })


def cli(book: Path, uit: Path, *extra: str):
    return CliRunner().invoke(main, ["genereer", str(book), "--uitvoer", str(uit), "--schooljaar", JAAR,
                                     "--werkers", "1", *extra], catch_exceptions=False)


def opps(uit: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(uit.rglob("*.docx"))}


def temps(uit: Path) -> list[Path]:
    return list(uit.rglob(f"{TEMP_PREFIX}*"))


def fail_on_call(monkeypatch, target: str, n: int, error: BaseException, once: bool = False) -> None:
    """Patch os.<target> (as the writer sees it) to raise `error` from its n-th call on (a full disk
    stays full), or only at the n-th call (Ctrl-C is pressed once)."""
    original = getattr(os, target)
    calls = {"n": 0}

    def patched(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n or (calls["n"] > n and not once):
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(os, target, patched)


def test_disk_full_mid_run_stops_with_74_keeps_what_was_written_and_the_rerun_completes(tmp_path,
                                                                                        monkeypatch):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    # call 1 is the probe of the output folder, 2 and 3 are the first two OPPs
    fail_on_call(monkeypatch, "fsync", 4, OSError(errno.ENOSPC, "No space left on device"))
    result = cli(book, uit)
    assert result.exit_code == 74
    assert "de schijf is vol" in result.output and "Traceback" not in result.output
    assert sorted(opps(uit)) == ["OPP_1.docx", "OPP_2.docx"]
    assert not temps(uit)
    for path in uit.rglob("*.docx"):
        assert zipfile.ZipFile(path).testzip() is None
    assert (uit / JAAR / JOURNAL).exists()  # the manifest could not be written: the journal remembers
    monkeypatch.undo()

    other_day = pipeline.Settings([book], TEMPLATE, uit, JAAR, date(2027, 1, 5), workers=1)
    rerun = pipeline.generate(other_day)
    assert rerun.per_student == {"1": Outcome.UNCHANGED, "2": Outcome.UNCHANGED,
                                 "3": Outcome.NEW, "4": Outcome.NEW, "5": Outcome.NEW}
    assert not (uit / JAAR / JOURNAL).exists() and (uit / JAAR / MANIFEST).exists()


def test_disk_full_while_updating_leaves_every_existing_file_intact(tmp_path, monkeypatch):
    uit = tmp_path / "uit"
    cli(export(tmp_path / "in.xlsx"), uit)
    before = opps(uit)
    fail_on_call(monkeypatch, "fsync", 2, OSError(errno.ENOSPC, "No space left on device"))
    result = cli(export(tmp_path / "in2.xlsx", target="Rekent tot 1000"), uit)
    assert result.exit_code == 74, result.output
    assert opps(uit) == before and not temps(uit)


def test_read_only_output_folder_gives_73_before_any_student(tmp_path, monkeypatch):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    cli(book, uit)
    before = opps(uit)

    def read_only(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = cli(export(tmp_path / "in2.xlsx", target="Anders"), uit)
    assert result.exit_code == 73
    assert "geen toestemming om in deze map te schrijven" in result.output
    assert "Traceback" not in result.output
    assert opps(uit) == before


@pytest.mark.parametrize("owner", ["~$P_2.docx", "~$OPP_2.docx"])
def test_word_owner_file_skips_that_student_and_the_next_run_picks_it_up(tmp_path, owner):
    uit = tmp_path / "uit"
    cli(export(tmp_path / "in.xlsx"), uit)
    lock = uit / JAAR / "1A" / owner
    lock.write_bytes(b"owner")
    before = (uit / JAAR / "1A" / "OPP_2.docx").read_bytes()
    book2 = export(tmp_path / "in2.xlsx", target="Rekent tot 1000")
    result = cli(book2, uit)
    assert result.exit_code == 75, result.output
    assert "1 open in Word en overgeslagen" in result.output and "4 bijgewerkt" in result.output
    assert (uit / JAAR / "1A" / "OPP_2.docx").read_bytes() == before
    assert lock.read_bytes() == b"owner"  # never delete Word's owner file
    lock.unlink()  # Word closed
    assert cli(book2, uit).exit_code == 0
    assert "Rekent tot 1000" in docx_text(uit / JAAR / "1A" / "OPP_2.docx")


def test_permission_error_on_replace_skips_that_file_only(tmp_path, monkeypatch):
    uit = tmp_path / "uit"
    cli(export(tmp_path / "in.xlsx"), uit)
    before = opps(uit)
    original = os.replace

    def held_by_word(src, dst, *args, **kwargs):
        if Path(dst).name == "OPP_3.docx":
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        return original(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", held_by_word)
    waited: list[float] = []
    monkeypatch.setattr(files, "pause", waited.append)  # Word holds on: retried, then given up
    book2 = export(tmp_path / "in2.xlsx", target="Rekent tot 1000")
    result = pipeline.generate(pipeline.Settings([book2], TEMPLATE, uit, JAAR, date.today(), workers=1))
    assert result.per_student["3"] is Outcome.OPEN
    assert {result.per_student[n] for n in "1245"} == {Outcome.UPDATED}
    assert opps(uit)["OPP_3.docx"] == before["OPP_3.docx"] and not temps(uit)
    assert waited == list(files.REPLACE_PAUSES)
    monkeypatch.undo()
    again = pipeline.generate(pipeline.Settings([book2], TEMPLATE, uit, JAAR, date.today(), workers=1))
    assert again.per_student["3"] is Outcome.UPDATED


def test_stale_temps_of_a_killed_run_are_swept_and_others_files_are_not(tmp_path):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    folder = uit / JAAR / "1A"
    folder.mkdir(parents=True)
    (folder / f"{TEMP_PREFIX}abc123.tmp").write_bytes(b"half")
    (folder / "notities.txt").write_text("van de secretaresse", encoding="utf-8")
    cli(book, uit)
    assert not temps(uit)
    assert (folder / "notities.txt").read_text(encoding="utf-8") == "van de secretaresse"


def big_export(path: Path, n: int) -> Path:
    """A few hundred students, written in openpyxl's fast write-only mode."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Leerlingen")
    ws.append(LEERLING_KOPPEN)
    for i in range(1, n + 1):
        ws.append(leerling(f"{i:05d}", f"Roep{i:05d}", "Test", klas=f"{1 + i % 4}A"))
    goals = wb.create_sheet("Doelen")
    goals.append(["Stamnummer", "Doel"])
    for i in range(1, n + 1):
        goals.append([f"{i:05d}", f"Doel van leerling {i:05d}"])
    wb.save(path)
    return path


def assert_complete_and_valid(path: Path, open_in_python_docx: bool = False) -> None:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
    if open_in_python_docx:
        docx.Document(str(path))
    number, text = path.stem.removeprefix("OPP_"), docx_text(path)
    assert f"Roep{number}" in text and f"Doel van leerling {number}" in text


def wacht_op_opps(proc: subprocess.Popen, uit: Path, n: int) -> None:
    """Until the running `proc` has written n OPPs (so that it can be stopped half-way)."""
    deadline = time.monotonic() + 120
    while sum(1 for _ in uit.rglob("OPP_*.docx")) < n:
        assert proc.poll() is None, "the run ended before it could be stopped half-way"
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_sigkill_half_way_leaves_only_complete_opps_and_the_next_run_completes_the_set(tmp_path):
    n = 400
    book, uit = big_export(tmp_path / "groot.xlsx", n), tmp_path / "uit"
    args = [sys.executable, "-m", "generator", "genereer", str(book), "--uitvoer", str(uit),
            "--schooljaar", JAAR]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # its own process group: workers die with it
    try:
        wacht_op_opps(proc, uit, 40)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    killed = sorted(uit.rglob("*.docx"))
    assert 40 <= len(killed) < n
    for path in killed:
        assert_complete_and_valid(path, open_in_python_docx=True)

    rerun = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{n - len(killed)} OPP's geschreven" in rerun.stdout
    assert f"{len(killed)} ongewijzigd" in rerun.stdout  # the killed run's files are known, not redone
    done = sorted(uit.rglob("*.docx"))
    assert len(done) == n and not temps(uit) and not (uit / JAAR / JOURNAL).exists()
    for path in done:
        assert_complete_and_valid(path)


def template_with(tmp_path: Path, extra: dict[str, bytes], rels_extra: bytes = b"") -> Path:
    out = tmp_path / "sjabloon.docx"
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/_rels/document.xml.rels" and rels_extra:
                data = data.replace(b"</Relationships>", rels_extra + b"</Relationships>")
            dst.writestr(info, data)
        for name, data in extra.items():
            dst.writestr(name, data)
    return out


_REL = ('<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        '{kind}" Target="{target}" TargetMode="External"/>')


@pytest.mark.parametrize("extra, rels, expected", [
    ({"word/media/bom.bin": bytes(8 * 2**20)}, "", "zipbom"),
    ({"word/vbaProject.bin": b"macro"}, "", "macro"),
    ({}, _REL.format(kind="oleObject", target="http://aanvaller.example/x.html"), "externe verwijzing"),
    ({}, _REL.format(kind="attachedTemplate", target="\\\\server\\share\\t.dotm"), "externe verwijzing"),
    ({}, _REL.format(kind="hyperlink", target="javascript:alert(1)"), "geen http(s)- of mailto-link"),
    ({}, _REL.format(kind="hyperlink", target="file:///C:/Windows/System32/calc.exe"),
     "geen http(s)- of mailto-link"),
])
def test_unsafe_template_is_refused_with_78_before_it_is_opened(tmp_path, extra, rels, expected):
    template = template_with(tmp_path, extra, rels.encode())
    result = CliRunner().invoke(main, ["genereer", str(export(tmp_path / "in.xlsx")), "--sjabloon",
                                       str(template), "--uitvoer", str(tmp_path / "uit")],
                                catch_exceptions=False)
    assert result.exit_code == 78, result.output
    assert expected in result.output
    assert not list((tmp_path / "uit").rglob("*.docx"))


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("leerlingen", [5, 0])
def test_a_template_that_does_not_compile_stops_the_run_with_78_and_writes_nothing(tmp_path, workers,
                                                                                   leerlingen):
    """The template check runs before any worker compiles the template: its error stops the run
    before any file, with the check's message, also when no student needs the template."""
    template = tmp_path / "sjabloon.docx"
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><w:r><w:t>{% for x in %}</w:t></w:r></w:p></w:body>")
            dst.writestr(info, data)
    book = export(tmp_path / "in.xlsx", leerlingen)
    result = CliRunner().invoke(main, ["genereer", str(book), "--sjabloon", str(template), "--uitvoer",
                                       str(tmp_path / "uit"), "--schooljaar", JAAR, "--werkers", workers],
                                catch_exceptions=False)
    assert result.exit_code == 78, result.output
    assert "sjabloon.docx: het sjabloon is niet bruikbaar" in result.output
    assert "'{% for x in %}'" in result.output
    assert not list((tmp_path / "uit").rglob("*.docx")) and not list((tmp_path / "uit").rglob("*.xlsx"))


PROC = Path("/proc/self/stat").exists()  # Linux: which processes are left is read from /proc


def alive_in_group(pgid: int) -> list[int]:
    """The processes of process group `pgid` that still run (a zombie has ended: only its exit
    status is left, for its parent to collect)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        state, _ppid, pgrp = text[text.rindex(")") + 2:].split()[:3]  # after "pid (comm) "
        if int(pgrp) == pgid and state not in "ZX":
            pids.append(int(stat.parent.name))
    return pids


def test_ctrl_c_with_workers_ends_in_dutch_without_tracebacks_and_the_rerun_completes(tmp_path):
    """Ctrl-C in a terminal reaches every process of the run. The main process reports it and stops
    the workers: each completes the student in hand. Every file left is whole, no temp file is left,
    no worker outlives the run, and the next run recognises every file and makes the rest."""
    n = 400
    book, uit = big_export(tmp_path / "groot.xlsx", n), tmp_path / "uit"
    args = [sys.executable, "-m", "generator", "genereer", str(book), "--uitvoer", str(uit),
            "--schooljaar", JAAR, "--werkers", "2"]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own process group, as a terminal gives it
    try:
        wacht_op_opps(proc, uit, 40)
        worker_pids = [pid for pid in alive_in_group(proc.pid) if pid != proc.pid] if PROC else []
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground process group
        try:
            _, err = proc.communicate(timeout=60)  # a generous bound; it takes well under a second
        except subprocess.TimeoutExpired:
            pytest.fail(f"no exit within 60 s of Ctrl-C; still running: {alive_in_group(proc.pid)}")
        left = alive_in_group(proc.pid) if PROC else []  # the main process has ended: nothing may run
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group, also after a failure
        except ProcessLookupError:
            pass
        proc.wait()
    assert proc.returncode == 130, err
    assert "Afgebroken" in err and "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert not left, f"processes of the run still running after it ended: {left}"
    assert len(worker_pids) == 2 or not PROC, worker_pids  # so that the line above did look at the workers
    assert not temps(uit)
    interrupted = sorted(uit.rglob("*.docx"))
    assert 40 <= len(interrupted) < n, "the run must be stopped half-way"
    for path in interrupted:
        assert_complete_and_valid(path)
    rerun = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    # every file of the interrupted run is recognised, also one a worker completed after the Ctrl-C,
    # which the manifest could not note: it has the bytes the rerun makes
    k = len(interrupted)
    assert rerun.stdout.startswith(f"{n - k} OPP's geschreven, {k} ongewijzigd,"), rerun.stdout
    done = sorted(uit.rglob("*.docx"))
    assert len(done) == n and not temps(uit)
    for path in done:
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None


def test_ctrl_c_gives_130_keeps_complete_files_and_leaves_no_temp(tmp_path, monkeypatch):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    fail_on_call(monkeypatch, "fsync", 4, KeyboardInterrupt(), once=True)
    result = cli(book, uit)
    assert result.exit_code == 130
    assert "Afgebroken" in result.output
    assert sorted(opps(uit)) == ["OPP_1.docx", "OPP_2.docx"] and not temps(uit)
    monkeypatch.undo()
    assert (uit / JAAR / MANIFEST).exists()  # saved on the way out
    assert "3 OPP's geschreven, 2 ongewijzigd" in cli(book, uit).output


def test_a_real_ctrl_c_during_a_write_waits_until_the_file_is_in_place(tmp_path, monkeypatch):
    """Between mkstemp and the clean-up of a failed write, a KeyboardInterrupt would leave a temp
    file nobody removes: Ctrl-C waits for the one file instead."""
    original = os.fsync

    def fsync_after_ctrl_c(fd):
        os.kill(os.getpid(), signal.SIGINT)  # a real signal, half-way through the write
        return original(fd)

    monkeypatch.setattr(os, "fsync", fsync_after_ctrl_c)
    target = tmp_path / "OPP_1.docx"
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"heel")
    assert target.read_bytes() == b"heel" and not temps(tmp_path)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_unreadable_existing_opp_is_skipped_as_held_and_others_go_on(tmp_path, monkeypatch):
    uit = tmp_path / "uit"
    cli(export(tmp_path / "in.xlsx"), uit)
    held = uit / JAAR / "1A" / "OPP_4.docx"
    before = held.read_bytes()
    original = Path.read_bytes

    def locked(self):
        if self == held:
            raise PermissionError(errno.EACCES, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", locked)
    result = cli(export(tmp_path / "in2.xlsx", target="Rekent tot 1000"), uit)
    monkeypatch.undo()
    assert result.exit_code == 75, result.output
    assert "4 bijgewerkt" in result.output and "1 open in Word" in result.output
    assert held.read_bytes() == before


def test_unreadable_manifest_stops_the_run_with_73_and_writes_nothing(tmp_path, monkeypatch):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    cli(book, uit)
    before = opps(uit)
    manifest = uit / JAAR / MANIFEST
    original = Path.read_text

    def locked(self, *args, **kwargs):
        if self == manifest:
            raise PermissionError(errno.EACCES, "Permission denied")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", locked)
    result = cli(export(tmp_path / "in2.xlsx", target="Anders"), uit)
    assert result.exit_code == 73 and "het manifest kan niet worden gelezen" in result.output
    assert opps(uit) == before


def test_a_second_run_in_the_same_folder_waits_its_turn_and_kills_release_the_lock(tmp_path):
    uit, book = tmp_path / "uit", export(tmp_path / "in.xlsx")
    cli(book, uit)
    before = opps(uit)
    theirs = uit / JAAR / "1A" / f"{TEMP_PREFIX}van-de-andere-run.tmp"
    holder = subprocess.Popen([sys.executable, "-c", f"""
import sys
from pathlib import Path
from generator.write.files import prepare_folder
lock = prepare_folder(Path({str(uit / JAAR)!r}))
print("vast", flush=True)
sys.stdin.read()  # holds the lock until it is killed, however long the run below takes
"""], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "vast"
        theirs.write_bytes(b"bezig")  # the other run is writing
        result = cli(export(tmp_path / "in2.xlsx", target="Anders"), uit)
        assert result.exit_code == 75, result.output
        assert "er loopt al een andere run" in result.output
        assert opps(uit) == before and theirs.read_bytes() == b"bezig"  # its temp was not swept
    finally:
        holder.kill()
        holder.wait()
    assert cli(book, uit).exit_code == 0  # the killed holder's lock is gone
