"""--werkers N: students spread over processes; the output's order and content do not depend on N."""

from __future__ import annotations

import errno
import io
import multiprocessing
import os
import signal
import threading
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import pipeline, workers
from generator.cli import ProgressBar, main
from generator.domain.errors import OppError, RenderError, TemplateError
from generator.form.renderer import CompiledTemplate
from generator.write.manifest import Manifest, sha256
from generator.write.writer import TEMP_PREFIX, Outcome

from .conftest import EXAMPLE, TEMPLATE, docx_text

VANDAAG = date(2026, 11, 30)


def _inst(uit: Path, workers: int) -> pipeline.Settings:
    return pipeline.Settings([EXAMPLE], TEMPLATE, uit, "2026-2027", VANDAAG, workers=workers)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.docx"))}


def _taken(tmp_path: Path) -> list[pipeline.Task]:
    checked = pipeline.check(pipeline.Settings([EXAMPLE], TEMPLATE, Path("output"), "2026-2027", VANDAAG))
    return pipeline.plan(checked.validated.opps, tmp_path, _inst(tmp_path, 1))


def test_output_is_the_same_for_one_two_and_three_workers(tmp_path):
    results = {n: pipeline.generate(_inst(tmp_path / str(n), n)) for n in (1, 2, 3)}
    files = {n: _files(tmp_path / str(n)) for n in (1, 2, 3)}
    assert len(files[1]) >= 40
    assert files[1] == files[2] == files[3]
    assert list(results[1].written) == list(results[2].written) == list(results[3].written)
    number, path = next(iter(results[3].written.items()))
    assert number in path.name and number in docx_text(path)


@pytest.mark.parametrize("method", ["forkserver", "fork", "spawn"])
def test_each_start_method_gives_the_documents_in_task_order(tmp_path, method):
    """forkserver is the default on Linux, spawn what Windows and macOS use: a worker there compiles
    its own template; fork inherits the main process's."""
    tasks = _taken(tmp_path)[:12]
    template = CompiledTemplate(TEMPLATE)
    context_of = partial(pipeline._context, schooljaar="2026-2027", today=VANDAAG)
    alone = list(workers.render_documents(template, tasks, context_of, workers=1))
    spread = list(workers.render_documents(template, tasks, context_of, workers=2, method=method,
                                           batch_size=2))
    assert [t for t, _ in spread] == tasks
    assert [d for _, d in spread] == [d for _, d in alone]
    assert len({d for _, d in spread}) == len(tasks)


def _weigert_tweede(task: pipeline.Task, number: str) -> dict:
    if task.opp.leerling.leerlingnummer == number:
        raise RenderError(f"leerling {number}: document/xml is na het invullen geen geldige XML")
    return pipeline._context(task, "2026-2027", VANDAAG)


def _sjabloonfout(task: pipeline.Task) -> dict:
    raise TemplateError("onbekend veld 'leerling.schoenmaat' in het sjabloon")


def test_a_render_error_in_a_worker_skips_that_student_only(tmp_path):
    tasks = _taken(tmp_path)[:6]
    number = tasks[1].opp.leerling.leerlingnummer
    out = list(workers.render_documents(CompiledTemplate(TEMPLATE), tasks,
                                        partial(_weigert_tweede, number=number), workers=2, batch_size=2))
    assert [t for t, _ in out] == tasks
    assert isinstance(out[1][1], RenderError) and number in str(out[1][1])
    assert all(isinstance(d, bytes) for i, (_, d) in enumerate(out) if i != 1)


def test_a_template_error_in_a_worker_stops_the_run_with_its_message(tmp_path):
    tasks = _taken(tmp_path)[:6]
    with pytest.raises(TemplateError, match="leerling.schoenmaat"):
        list(workers.render_documents(CompiledTemplate(TEMPLATE), tasks, _sjabloonfout, workers=2,
                                      batch_size=2))


def _sigint_in(status: Path) -> dict[str, bool]:
    """From /proc/<pid>/status: whether SIGINT is blocked (SigBlk), ignored (SigIgn), caught (SigCgt)."""
    fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
    bit = 1 << (signal.SIGINT - 1)
    return {name: bool(int(fields[name], 16) & bit) for name in ("SigBlk", "SigIgn", "SigCgt")}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads signal masks from /proc (Linux)")
def test_ctrl_c_reaches_the_main_thread_only_and_a_stop_lets_the_workers_exit_by_themselves(tmp_path):
    """Ctrl-C reaches every process of the run. A worker that died of it would take its batch with it
    (a pool never hands it to another), so the workers ignore it; the pool's threads block it, so that
    it interrupts the main thread's wait for a result. Then stop() ends the workers without a kill."""
    tasks = _taken(tmp_path)[:24]
    context_of = partial(pipeline._context, schooljaar="2026-2027", today=VANDAAG)
    with workers.WorkerPool(TEMPLATE, 2) as pool:
        children = multiprocessing.active_children()
        threads = [t for t in threading.enumerate() if t.name.endswith(("_handle_workers)", "_handle_tasks)",
                                                                        "_handle_results)"))]
        assert len(children) == 2 and len(threads) == 3
        for thread in threads:
            assert _sigint_in(Path(f"/proc/self/task/{thread.native_id}/status"))["SigBlk"], thread.name
        for child in children:  # not started yet: blocked; started: ignored; never a Python handler
            sigint = _sigint_in(Path(f"/proc/{child.pid}/status"))
            assert sigint["SigIgn"] or sigint["SigBlk"], sigint
            os.kill(child.pid, signal.SIGINT)
        out = list(pool.render(tasks, context_of, batch_size=2))
        assert [t for t, _ in out] == tasks and all(isinstance(d, bytes) for _, d in out)
        assert all(child.is_alive() for child in children)

        half = pool.render(tasks, context_of, batch_size=2)
        next(half)  # the first batch is in, the next ones are with the workers
        pool.stop()
        assert [child.exitcode for child in children] == [0, 0]  # gone, and not by SIGTERM (-15)
    assert not multiprocessing.active_children()


def _manifest(map: Path) -> dict[str, str]:
    return {path: item.sha256 for path, item in Manifest(map)._items.items()}


def test_workers_write_new_files_themselves_and_the_manifest_knows_each_one(tmp_path, monkeypatch):
    def not_in_the_main_process(*args):
        raise AssertionError("a new file is written by the worker that made it")
    # the main process writes a document only through DocumentWriter.write (pipeline._generate); a new
    # file comes from the worker as Placed, which the main process only notes in the manifest
    monkeypatch.setattr(pipeline.DocumentWriter, "write", not_in_the_main_process)
    first = pipeline.generate(_inst(tmp_path, 2))
    monkeypatch.undo()
    assert set(first.outcomes) == {Outcome.NEW} and first.outcomes[Outcome.NEW] >= 40
    files = _files(tmp_path / "2026-2027")
    known = _manifest(tmp_path / "2026-2027")
    assert {k: sha256(v) for k, v in files.items()} == known
    again = pipeline.generate(_inst(tmp_path, 2))
    assert set(again.outcomes) == {Outcome.UNCHANGED}
    assert _files(tmp_path / "2026-2027") == files


def test_with_workers_an_edited_file_is_kept_and_a_deleted_one_comes_back(tmp_path):
    pipeline.generate(_inst(tmp_path, 2))
    paths = sorted((tmp_path / "2026-2027").rglob("*.docx"))
    edited, deleted = paths[3], paths[20]
    edited.write_bytes(edited.read_bytes() + b"bewerkt")
    original = deleted.read_bytes()
    deleted.unlink()
    result = pipeline.generate(_inst(tmp_path, 2))
    assert edited.read_bytes().endswith(b"bewerkt")
    assert deleted.read_bytes() == original
    assert result.outcomes[Outcome.EDITED] == 1 and result.outcomes[Outcome.NEW] == 1


def _vol_na(n: int):
    """os.fsync that fails from its n-th call on in each process (the counter is copied at fork)."""
    original, calls = os.fsync, {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] >= n:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(fd)
    return fsync


def test_disk_full_in_a_worker_stops_the_run_and_the_rerun_recognises_what_was_written(tmp_path,
                                                                                       monkeypatch):
    monkeypatch.setattr(os, "fsync", _vol_na(6))  # before the run: the forked workers inherit it
    with pytest.raises(OppError, match="schijf is vol"):
        pipeline.generate(_inst(tmp_path, 2))
    written = _files(tmp_path / "2026-2027")
    assert written and len(written) < 40
    monkeypatch.undo()
    # Files a worker wrote after the last one the main process noted are not in the manifest, but are
    # byte for byte what this run makes: recognised as this tool's own, never taken for edited.
    result = pipeline.generate(_inst(tmp_path, 2))
    assert not result.outcomes[Outcome.EDITED] and not result.outcomes[Outcome.CONFLICT]
    assert {k: v for k, v in _files(tmp_path / "2026-2027").items() if k in written} == written
    assert not list((tmp_path / "2026-2027").rglob(f"{TEMP_PREFIX}*"))


def test_progress_is_reported_for_every_student_up_to_the_total(tmp_path):
    seen = []
    result = pipeline.generate(_inst(tmp_path, 2), lambda done, total: seen.append((done, total)))
    total = len(result.written)
    assert seen == [(n, total) for n in range(1, total + 1)]


def test_werkers_option_and_no_progress_bar_when_not_a_terminal(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(main, ["genereer", str(EXAMPLE), "--werkers", "0"])
    assert bad.exit_code == 2 and "--werkers" in bad.output
    assert "het aantal kernen" in " ".join(runner.invoke(main, ["genereer", "--help"]).output.split())
    ok = runner.invoke(main, ["genereer", str(EXAMPLE), "--uitvoer", str(tmp_path), "--schooljaar",
                              "2026-2027", "--werkers", "2"])
    assert ok.exit_code == 0, ok.output
    assert "OPP's geschreven" in ok.output
    assert "OPP's maken" not in ok.output and "per seconde" not in ok.output
    assert "Export lezen" not in ok.output and "Overzicht en controlerapport" not in ok.output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_shows_done_rate_and_time_left():
    screen, now = _Terminal(), iter(range(0, 1000))
    bar = ProgressBar(screen, clock=lambda: next(now) / 10)  # a clock that ticks 0.1 s per reading
    for done in range(1, 101):
        bar(done, 100)
    bar.close()
    lines = screen.getvalue().split("\r")
    assert any("50/100  10 per seconde, nog 0:05" in line for line in lines)
    early = [line for line in lines if "  5/100" in line]  # 0.4 s after the first: no rate yet
    assert early and not any("per seconde" in line for line in early)
    assert "OPP's maken" in lines[-1] and "100/100" in lines[-1] and "####]" in lines[-1]


def test_a_terminal_also_hears_the_phases_without_a_bar_before_and_after_the_documents(tmp_path):
    fasen: list[str] = []
    pipeline.generate(_inst(tmp_path, 1), phase=fasen.append)
    assert fasen == ["Export lezen en controleren", "Overzicht en controlerapport schrijven"]

    screen, now = _Terminal(), iter(range(0, 1000))
    bar = ProgressBar(screen, clock=lambda: next(now) / 10)
    bar.phase(fasen[0])
    for done in range(1, 11):
        bar(done, 10)
    bar.phase(fasen[1])
    bar.close()
    text = screen.getvalue()
    assert text.startswith("Export lezen en controleren ...\n")
    bar_end = text.rindex("10/10")
    assert text.index("Overzicht en controlerapport schrijven ...") > bar_end
    assert text.endswith("Overzicht en controlerapport schrijven ...\n")  # the bar was finished first
