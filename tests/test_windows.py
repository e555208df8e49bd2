"""Windows behaviour, simulated on any system: a replace refused for a moment (a virus scanner, OneDrive)
is retried, the tool's own files are hidden, a path too long for Word is refused before writing, and the
run lock is unlocked before it is closed.

Windows is switched on only inside our own code (`generator.write.windows.IS_WINDOWS`); the system calls
go to fakes that record them: `kernel32()` (SetFileAttributesW) and `msvcrt()` (locking). Patching
os.name itself would break pathlib. The fake file system keeps each file's attributes and moves them
with a rename, as NTFS does, and refuses to replace a hidden file, as Windows may.
"""

from __future__ import annotations

import errno
import logging
import os
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator import pipeline
from generator.domain.errors import FileBusyError, OutputError
from generator.write import files, windows
from generator.write.files import LOCK_FILE, TEMP_PREFIX, PathTooLongError, RunLock, write_atomic
from generator.write.manifest import JOURNAL, MANIFEST
from generator.write.register import FILE_NAME as REGISTER
from generator.write.writer import Outcome

from .conftest import LEERLING_KOPPEN, TEMPLATE, leerling, make_workbook

JAAR = "2026-2027"
HIDDEN, NORMAL = windows.FILE_ATTRIBUTE_HIDDEN, windows.FILE_ATTRIBUTE_NORMAL
LONG_KLAS = "K" * 80  # safe_name's longest name


class FakeKernel32:
    """SetFileAttributesW as Windows does it, on the attributes this fake keeps per path."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.attributes: dict[str, int] = {}

    def SetFileAttributesW(self, path: str, attribute: int) -> int:  # noqa: N802 (the Win32 name)
        self.calls.append((path, attribute))
        if not os.path.exists(path):
            return 0
        self.attributes[path] = attribute
        return 1

    def hidden(self, path: Path) -> bool:
        return bool(self.attributes.get(str(path), 0) & HIDDEN)

    def ever_hidden(self) -> set[str]:
        return {path for path, attribute in self.calls if attribute & HIDDEN}


class FakeMsvcrt:
    """msvcrt.locking, recording each call in `events` (which the fake os.close shares)."""

    LK_UNLCK, LK_NBLCK = 0, 2

    def __init__(self, events: list) -> None:
        self.events = events
        self.refuse = False

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        self.events.append(("locking", fd, mode, nbytes, os.lseek(fd, 0, os.SEEK_CUR)))
        if self.refuse:
            raise PermissionError(errno.EACCES, "Permission denied")


class Windows:
    """The simulated Windows of one test: its kernel32, its msvcrt, the pauses of the replace retry."""

    def __init__(self, monkeypatch) -> None:
        self.kernel = FakeKernel32()
        self.events: list = []
        self.msvcrt = FakeMsvcrt(self.events)
        self.pauses: list[float] = []
        monkeypatch.setattr(windows, "IS_WINDOWS", True)
        monkeypatch.setattr(windows, "kernel32", lambda: self.kernel)
        monkeypatch.setattr(windows, "msvcrt", lambda: self.msvcrt)
        monkeypatch.setattr(files, "pause", self.pauses.append)
        real_replace = os.replace

        def replace(src, dst, *args, **kwargs):
            """Windows may refuse to replace a hidden file; a rename keeps the file's attributes."""
            if windows.IS_WINDOWS and self.kernel.hidden(Path(dst)) and os.path.exists(dst):
                raise PermissionError(errno.EACCES, "Access is denied")
            real_replace(src, dst, *args, **kwargs)
            attribute = self.kernel.attributes.pop(str(src), None)
            self.kernel.attributes.pop(str(dst), None)
            if attribute is not None:
                self.kernel.attributes[str(dst)] = attribute

        monkeypatch.setattr(os, "replace", replace)


@pytest.fixture
def on_windows(monkeypatch) -> Windows:
    return Windows(monkeypatch)


def export(path: Path, klassen: tuple[str, ...] = ("1A", "1A", "1A"), target: str = "Rekent tot 100") -> Path:
    return make_workbook(path, {
        "Leerlingen": [LEERLING_KOPPEN, *(leerling(str(i), f"Naam{i}", "Test", klas=klas)
                                          for i, klas in enumerate(klassen, 1))],
        "Doelen": [["Stamnummer", "Doel"], *([str(i), target] for i in range(1, len(klassen) + 1))],
    })


def generate(book: Path, uit: Path) -> pipeline.RunResult:
    return pipeline.generate(pipeline.Settings([book], TEMPLATE, uit, JAAR, date(2026, 10, 1), workers=1))


def refuse_replace(monkeypatch, name: str, times: int) -> list[str]:
    """os.replace refuses `times` times to replace a file called `name` (a scanner holds it); returns
    the list of attempts on it."""
    attempts: list[str] = []
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name == name:
            attempts.append(str(dst))
            if len(attempts) <= times:
                raise PermissionError(errno.EACCES, "The process cannot access the file")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return attempts


# --- 1. a replace refused for a moment is retried -----------------------------------------------------

def test_a_replace_refused_for_a_moment_is_retried_and_then_succeeds(tmp_path, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(files, "pause", pauses.append)
    target = tmp_path / "OPP_1.docx"
    target.write_bytes(b"oud")
    attempts = refuse_replace(monkeypatch, "OPP_1.docx", times=3)
    write_atomic(target, b"nieuw")
    assert target.read_bytes() == b"nieuw"
    assert len(attempts) == 4 and pauses == [0.05, 0.1, 0.2]
    assert not list(tmp_path.glob(f"{TEMP_PREFIX}*"))


def test_a_replace_refused_past_the_retries_is_open_in_word_after_a_bounded_wait(tmp_path, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(files, "pause", pauses.append)
    target = tmp_path / "OPP_1.docx"
    target.write_bytes(b"oud")
    attempts = refuse_replace(monkeypatch, "OPP_1.docx", times=99)
    with pytest.raises(FileBusyError, match="in gebruik \\(open in Word\\?\\)"):
        write_atomic(target, b"nieuw")
    assert len(attempts) == 1 + len(files.REPLACE_PAUSES) == 6
    assert pauses == [0.05, 0.1, 0.2, 0.4, 0.8] == list(files.REPLACE_PAUSES) and sum(pauses) <= 2.0
    assert target.read_bytes() == b"oud" and not list(tmp_path.glob(f"{TEMP_PREFIX}*"))


def test_in_a_run_a_file_held_past_the_retries_is_open_in_word_and_the_others_are_written(tmp_path,
                                                                                         monkeypatch):
    uit = tmp_path / "uit"
    generate(export(tmp_path / "in.xlsx"), uit)
    pauses: list[float] = []
    monkeypatch.setattr(files, "pause", pauses.append)
    refuse_replace(monkeypatch, "OPP_2.docx", times=99)
    result = generate(export(tmp_path / "in2.xlsx", target="Rekent tot 1000"), uit)
    assert result.per_student == {"1": Outcome.UPDATED, "2": Outcome.OPEN, "3": Outcome.UPDATED}
    assert pauses == [0.05, 0.1, 0.2, 0.4, 0.8]


def test_a_scanner_that_lets_go_in_time_costs_no_student(tmp_path, monkeypatch):
    uit = tmp_path / "uit"
    pauses: list[float] = []
    monkeypatch.setattr(files, "pause", pauses.append)
    refuse_replace(monkeypatch, "OPP_2.docx", times=2)
    result = generate(export(tmp_path / "in.xlsx"), uit)
    assert set(result.per_student.values()) == {Outcome.NEW}
    assert (uit / JAAR / "1A" / "OPP_2.docx").exists() and pauses == [0.05, 0.1]


# --- 2. the tool's own files are hidden ---------------------------------------------------------------

def test_on_windows_the_tools_own_files_are_hidden_and_the_opps_are_not(tmp_path, monkeypatch):
    asked: list[str] = []

    def no_kernel32():
        asked.append("kernel32")
        raise OSError("no kernel32 off Windows")

    monkeypatch.setattr(windows, "kernel32", no_kernel32)
    book = export(tmp_path / "in.xlsx")
    assert set(generate(book, tmp_path / "elders").per_student.values()) == {Outcome.NEW}
    assert asked == []  # off Windows no attribute is touched

    kernel = Windows(monkeypatch).kernel
    uit = tmp_path / "uit"
    result = generate(book, uit)
    assert set(result.per_student.values()) == {Outcome.NEW}
    folder = uit / JAAR
    assert kernel.hidden(folder / MANIFEST) and kernel.hidden(folder / LOCK_FILE)
    assert str(folder / JOURNAL) in kernel.ever_hidden()  # hidden while it existed, during the run
    temps = {p for p in kernel.ever_hidden() if Path(p).name.startswith(TEMP_PREFIX)}
    created = {p for p, _ in kernel.calls if Path(p).name.startswith(TEMP_PREFIX)}
    assert len(temps) >= 4 and temps == created  # every temp was hidden, from the probe to the manifest
    for opp in folder.rglob("*.docx"):
        assert not kernel.hidden(opp), opp  # a hidden temp becomes a visible OPP
    assert not kernel.hidden(folder / REGISTER)
    assert not list(uit.rglob(f"{TEMP_PREFIX}*"))


def test_on_windows_a_hidden_manifest_is_replaced_and_stays_hidden(tmp_path, on_windows):
    uit = tmp_path / "uit"
    generate(export(tmp_path / "in.xlsx"), uit)
    manifest = uit / JAAR / MANIFEST
    before = manifest.read_bytes()
    assert on_windows.kernel.hidden(manifest)
    result = generate(export(tmp_path / "in2.xlsx", target="Rekent tot 1000"), uit)
    assert set(result.per_student.values()) == {Outcome.UPDATED}
    assert manifest.read_bytes() != before and on_windows.kernel.hidden(manifest)
    assert not (uit / JAAR / JOURNAL).exists()
    assert on_windows.pauses == []  # replaced at the first attempt: shown just before, hidden again after


def test_a_file_that_cannot_be_hidden_costs_nothing(tmp_path, on_windows, monkeypatch, caplog):
    def refuses(path: str, attribute: int) -> int:
        raise OSError("kernel32 weigert")

    monkeypatch.setattr(on_windows.kernel, "SetFileAttributesW", refuses)
    with caplog.at_level(logging.DEBUG, logger="generator.write.windows"):
        result = generate(export(tmp_path / "in.xlsx"), tmp_path / "uit")
    assert set(result.per_student.values()) == {Outcome.NEW}
    assert (tmp_path / "uit" / JAAR / MANIFEST).exists()
    assert any("verbergen/tonen mislukt" in r.message for r in caplog.records)


# --- 3. a path too long for Word ----------------------------------------------------------------------

def deep_output(tmp_path: Path, length: int = 200) -> Path:
    """An output folder whose class folder '1A' and temp names stay well within Windows' limit, while
    a class folder of 80 characters takes a file past it."""
    room = length - windows.path_length(tmp_path / JAAR / "1A" / ("x" * files.TEMP_NAME_LENGTH)) - 2
    return tmp_path / ("u" * room)


def test_on_windows_a_path_too_long_for_word_is_refused_and_the_run_goes_on(tmp_path, on_windows, caplog,
                                                                           monkeypatch):
    uit = deep_output(tmp_path)
    book = export(tmp_path / "in.xlsx", klassen=("1A", LONG_KLAS, "1A"))
    with caplog.at_level(logging.WARNING):
        result = generate(book, uit)
    assert result.per_student == {"1": Outcome.NEW, "2": Outcome.TOO_LONG, "3": Outcome.NEW}
    assert sorted(p.name for p in uit.rglob("*.docx")) == ["OPP_1.docx", "OPP_3.docx"]
    assert not (uit / JAAR / LONG_KLAS).exists()  # not even the folder: Windows could not make it
    target = uit / JAAR / LONG_KLAS / "OPP_2.docx"
    length = windows.path_length(target)
    assert length > 259
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert (f"{target}: niet geschreven: het pad is {length} tekens, langer dan de 259 die Word aankan; "
            "kies met --uitvoer een kortere map") in warnings
    rows = list(load_workbook(uit / JAAR / REGISTER, read_only=True)["OPP's"].iter_rows(values_only=True))
    status = {row[0]: row[rows[0].index("Bestand")] for row in rows[1:]}
    assert status == {"1": "nieuw", "2": "pad te lang voor Word, niet geschreven", "3": "nieuw"}

    monkeypatch.setattr(windows, "IS_WINDOWS", False)  # the same folder off Windows: no limit of Word's
    again = generate(book, uit)
    assert again.per_student == {"1": Outcome.UNCHANGED, "2": Outcome.NEW, "3": Outcome.UNCHANGED}
    assert target.exists()


def test_with_workers_a_path_too_long_is_refused_by_the_main_process_too(tmp_path, on_windows):
    uit = deep_output(tmp_path)
    settings = pipeline.Settings([export(tmp_path / "in.xlsx", klassen=("1A", LONG_KLAS, "1A"))], TEMPLATE,
                                 uit, JAAR, date(2026, 10, 1), workers=2)
    result = pipeline.generate(settings)
    assert result.per_student == {"1": Outcome.NEW, "2": Outcome.TOO_LONG, "3": Outcome.NEW}


def test_a_path_whose_temp_name_is_too_long_is_refused_with_both_lengths(tmp_path, on_windows):
    name = "OPP_1.docx"  # shorter than a temp name: the temp is what does not fit
    folder = tmp_path / ("d" * (windows.WORD_MAX_PATH - windows.path_length(tmp_path / name) - 2))
    folder.mkdir()
    target = folder / name
    assert windows.path_length(target) == windows.WORD_MAX_PATH - 1
    temp = 258 - len(name) + files.TEMP_NAME_LENGTH
    expected = rf"het pad is 258 tekens \(tijdens het schrijven, met een tijdelijke naam, {temp}\), "
    with pytest.raises(PathTooLongError, match=expected + "langer dan de 259 die Word aankan"):
        write_atomic(target, b"x")
    assert not list(folder.iterdir())  # refused before anything was written


def test_a_known_file_on_a_path_too_long_is_reported_on_every_run(tmp_path, monkeypatch):
    uit = deep_output(tmp_path)
    book = export(tmp_path / "in.xlsx", klassen=("1A", LONG_KLAS, "1A"))
    generate(book, uit)  # written where long paths are allowed; then opened on Windows
    Windows(monkeypatch)
    result = generate(book, uit)
    assert result.per_student == {"1": Outcome.UNCHANGED, "2": Outcome.TOO_LONG, "3": Outcome.UNCHANGED}
    (uit / JAAR / MANIFEST).unlink()  # now rendered and compared, and the same: still reported
    result = generate(book, uit)
    assert result.per_student == {"1": Outcome.UNCHANGED, "2": Outcome.TOO_LONG, "3": Outcome.UNCHANGED}


def test_on_windows_an_output_folder_too_long_for_any_file_stops_before_anything(tmp_path, on_windows):
    uit = tmp_path / ("u" * 250)
    with pytest.raises(OutputError, match="daarin past geen bestand dat Word kan openen .* een kortere map"):
        generate(export(tmp_path / "in.xlsx"), uit)
    assert not uit.exists()


# --- 4. the run lock is unlocked before it is closed --------------------------------------------------

def record_closes(monkeypatch, events: list) -> None:
    real_close = os.close

    def close(fd: int) -> None:
        events.append(("close", fd))
        real_close(fd)

    monkeypatch.setattr(os, "close", close)


def test_on_windows_the_run_lock_is_unlocked_before_it_is_closed(tmp_path, on_windows, monkeypatch):
    events, m = on_windows.events, on_windows.msvcrt
    record_closes(monkeypatch, events)
    m.refuse = True  # another run holds it: closed, and not unlocked (the lock is not ours)
    with pytest.raises(FileBusyError, match="er loopt al een andere run"):
        RunLock(tmp_path)
    assert [(e[0], e[2] if e[0] == "locking" else None) for e in events] == [("locking", m.LK_NBLCK),
                                                                              ("close", None)]
    events.clear()
    m.refuse = False
    lock = RunLock(tmp_path)
    fd = lock._fd
    lock.release()
    lock.release()  # a second release does nothing
    assert events == [("locking", fd, m.LK_NBLCK, 1, 0), ("locking", fd, m.LK_UNLCK, 1, 0), ("close", fd)]
    assert on_windows.kernel.hidden(tmp_path / LOCK_FILE)


def test_on_windows_a_whole_run_unlocks_its_folder_before_closing(tmp_path, on_windows, monkeypatch):
    record_closes(monkeypatch, on_windows.events)
    generate(export(tmp_path / "in.xlsx"), tmp_path / "uit")
    locks = [i for i, event in enumerate(on_windows.events) if event[0] == "locking"]
    assert [on_windows.events[i][2] for i in locks] == [FakeMsvcrt.LK_NBLCK, FakeMsvcrt.LK_UNLCK]
    fd = on_windows.events[locks[1]][1]
    assert on_windows.events[locks[1] + 1] == ("close", fd)
