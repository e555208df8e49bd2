"""Renders the students' documents on several processes; the results come back in the order of the
tasks, so the output does not depend on the number of workers.

Each process holds one compiled template (`CompiledTemplate`), made once per process, never per student.
`WorkerPool` starts the workers first thing in a run, before the main process has imported the
templating libraries or read the export. Each worker imports them and compiles the template while the
main process reads and validates the export: on two cores that takes the import and the compile
(~0.2 s) off the path to the first document. The main process itself never compiles when workers run.
Start method: `fork` on Linux (the workers get the imported modules for free), `spawn` on Windows and
macOS; tasks and the functions travel pickled, so every method gives the same output.
Forking before the export is read also keeps memory flat: the children never share the students'
records with the main process, which creates them after the fork. At 10,000 students the process tree
peaked at 194 MiB this way (181-183 MiB when the workers still shared the main process's compiled
template), against 295-298 MiB with forkserver and 339-351 MiB with a `fork` after reading (the main
process then copies the shared pages it touches).

A worker can also write the document it made (`place`): for a new file that saves the main process
a write and an fsync per student, which otherwise made it the bottleneck.

Ctrl-C (and any error that stops the run) is the main process's to handle; the workers ignore
SIGINT. A worker that died of it would take the batch in hand with it: a Pool never hands that batch
to another worker, so its result would never come, and a new worker would be started in its place,
after the Ctrl-C. Instead `WorkerPool.stop` raises a flag that the workers check between students:
each completes the student in hand (its file is whole, its temp file gone) and skips the rest, then
the pool is closed and joined. Only a worker that has not finished after STOP_DEADLINE seconds is
killed; its temp file is the caller's to sweep (files.sweep_temp_files). The pool's threads and
processes are started with SIGINT blocked, so the signal always reaches the main thread, whose wait
for a result it interrupts.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .domain.errors import OppError, RenderError
from .domain.interrupts import ctrl_c_blocked, ctrl_c_deferred, ignore_ctrl_c

if TYPE_CHECKING:  # imported where it is used: the main process of a run with workers never needs it
    from .form.renderer import CompiledTemplate

T = TypeVar("T")
PlaceFn = Callable[[T, bytes], "str | None"]  # writes a document where it belongs: its sha256, or None
BATCH = 16  # students per message: large enough to amortise pickling, small enough for a smooth bar
IN_FLIGHT = 3  # batches in flight per worker: keeps every core busy, bounds memory at any batch size
STOP_DEADLINE = 30.0  # seconds the workers get, after a stop, to finish the student in hand; then killed

_template: CompiledTemplate | None = None  # this process's compiled template
_start_error: Exception | None = None  # why this worker could not compile it
_stop_flag = None  # in a worker: the shared flag of WorkerPool.stop (a RawValue), checked per student


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Windows or macOS
        return max(1, os.cpu_count() or 1)


def start_method() -> str:
    return "fork" if sys.platform.startswith("linux") else "spawn"


class WorkerPool:
    """The processes that render. Start it (`with`) first thing in a run: see the module docstring.
    With one worker no process is started and the main process compiles and renders; a template that
    does not compile then stops the run on entry, else at `ready()`."""

    def __init__(self, path: Path, workers: int = 1, method: str | None = None):
        self.path = path
        self.workers = max(1, workers)
        self.method = method or start_method()
        self._pool = None
        self._stop_flag = None  # the flag the workers check between students (see stop)
        self._in_flight: deque = deque()  # (batch, AsyncResult) handed to the pool and not yet collected

    def __enter__(self) -> WorkerPool:
        if self.workers > 1:
            ctx = multiprocessing.get_context(self.method)
            if self.method == "forkserver":  # the server imports the package once; workers fork from it
                ctx.set_forkserver_preload(["generator.form.renderer"])
            self._stop_flag = ctx.RawValue("b", 0)  # no lock: a worker killed while reading it blocks nothing
            try:
                with ctrl_c_blocked():  # the pool's processes and threads inherit the blocked SIGINT
                    self._pool = ctx.Pool(self.workers, initializer=_start_worker,
                                          initargs=(self.path, self._stop_flag))
            except BaseException:  # a Ctrl-C during the start arrives as the block ends
                self.stop()
                raise
        else:
            _compile_once(self.path)
            self.ready()
        return self

    def __exit__(self, *exc) -> None:
        global _template, _start_error
        _template, _start_error = None, None  # one run's: the file may have changed by the next run
        self.stop()

    def stop(self) -> None:
        """Stop the workers and wait until they are gone: after this no process of the run writes.
        Each worker completes the student in hand and skips the rest of its batches; one that has not
        finished within STOP_DEADLINE seconds is killed, and may leave a temp file
        (files.sweep_temp_files). At the end of a run every result has been collected and the workers
        just exit. Safe to call again; a Ctrl-C meanwhile waits until the workers are gone."""
        with ctrl_c_deferred():
            pool, self._pool = self._pool, None
            if pool is None:
                return
            self._stop_flag.value = 1
            pool.close()
            deadline = time.monotonic() + STOP_DEADLINE
            for _, result in self._in_flight:
                result.wait(max(0.0, deadline - time.monotonic()))
            if not all(result.ready() for _, result in self._in_flight):
                pool.terminate()  # SIGTERM: a worker stuck past STOP_DEADLINE
            pool.join()  # with every result in, the workers exit by themselves
            self._in_flight.clear()

    def ready(self) -> None:
        """Wait until the template is compiled; raise the TemplateError of a template that is not.
        Every worker compiles the same file with the same code, so one worker's answer holds for all."""
        if self._pool is None:
            _raise_start_error()
        else:
            self._hand_over([], _raise_start_error, ())
            self._in_flight[-1][1].get()
            self._in_flight.pop()  # not when get() raises: then stop() knows of it

    def render(self, tasks: list[T], context_of: Callable[[T], dict], place: PlaceFn | None = None,
               batch_size: int = BATCH) -> Iterator[tuple[T, bytes | Placed | OppError]]:
        """Each task with its document's bytes, or the RenderError that skips that student, in task
        order; any other OppError in the results stops the run there. With `place` (only where
        workers run), the worker that rendered a document first offers it to `place`, which may
        write it itself (then: Placed). `context_of` and `place` must be picklable (module-level
        functions or partials of them)."""
        batches = [tasks[i:i + batch_size] for i in range(0, len(tasks), batch_size)]
        if self._pool is None:  # one worker: this process renders, and writes each document itself
            for batch in batches:
                yield from zip(batch, _render_batch(batch, context_of), strict=True)
            return
        # with workers, even a single batch goes to them: only they hold the compiled template
        todo = iter(batches)
        self._top_up(todo, (context_of, place), self.workers * IN_FLIGHT)
        while self._in_flight:
            batch, result = self._in_flight[0]
            # .get() re-raises a worker's error here, e.g. a TemplateError that stops the run; a batch
            # that `place` could not finish ends early, with the error in the place where it occurred
            done_batch = result.get()
            self._in_flight.popleft()  # only now: stop() waits for the batches still in the deque
            yield from zip(batch, done_batch, strict=False)
            self._top_up(todo, (context_of, place), 1)

    def _top_up(self, todo: Iterator[list], functions: tuple, n: int) -> None:
        """Hand up to n more batches to the pool."""
        for _, batch in zip(range(n), todo, strict=False):  # at most n
            self._hand_over(batch, _render_batch, (batch, *functions))

    def _hand_over(self, batch: list, function: Callable, args: tuple) -> None:
        """Hand one task to the pool and note it in _in_flight, for stop() to wait for. Ctrl-C waits
        until both are done: apply_async itself registers the task before it queues it, and a task
        registered but never queued, or queued but not noted, would hold up the pool's join."""
        with ctrl_c_deferred():
            self._in_flight.append((batch, self._pool.apply_async(function, args)))


@dataclass(frozen=True)
class Placed:
    """A document the worker wrote itself; only its hash travels back."""

    sha256: str


def render_documents(template: CompiledTemplate, tasks: list[T], context_of: Callable[[T], dict],
                     workers: int = 1, method: str | None = None,
                     batch_size: int = BATCH) -> Iterator[tuple[T, bytes | RenderError]]:
    """WorkerPool in one call, for when there is nothing to overlap with the start of the workers.
    This process renders with `template`; workers compile their own from its file (a `fork` worker
    inherits this one)."""
    global _template, _start_error
    _template, _start_error = template, None
    with WorkerPool(template.path, workers, method) as pool:
        yield from pool.render(tasks, context_of, batch_size=batch_size)


def _compile_once(path: Path) -> None:
    """Check and compile the template, unless this process holds it already (a `fork` of a process that
    had it). An error is kept, not raised: a Pool restarts a worker whose start fails, for ever."""
    global _template, _start_error
    if _template is not None and _template.path == path:
        return
    from .form.renderer import CompiledTemplate
    from .form.template_check import ensure_usable
    try:
        ensure_usable(path)  # the rule set of `opp sjabloon`, before this process compiles anything
        _template, _start_error = CompiledTemplate(path), None
    except Exception as exc:  # noqa: BLE001 (reported by _raise_start_error, in the main process)
        _template, _start_error = None, exc


def _start_worker(path: Path, stop_flag) -> None:
    """A worker's start. Ctrl-C reaches every process of the run; a worker ignores it, the main
    process reports it ("Afgebroken") and stops the workers (WorkerPool.stop)."""
    global _stop_flag
    ignore_ctrl_c()
    _stop_flag = stop_flag
    _compile_once(path)


def _raise_start_error() -> None:
    if _start_error is not None:
        raise _start_error


def _render_batch(batch: Iterable[T], context_of: Callable[[T], dict],
                  place: PlaceFn | None = None) -> list[bytes | Placed | OppError]:
    _raise_start_error()
    assert _template is not None, "_compile_once runs before any batch"
    out: list[bytes | Placed | OppError] = []
    for task in batch:
        if _stop_flag is not None and _stop_flag.value:
            break  # the run is stopping (WorkerPool.stop): the main process takes no more results
        try:
            data = _template.render(context_of(task))
        except RenderError as exc:  # this student only; any other error stops the run
            out.append(exc)
            continue
        try:
            sha = place(task, data) if place is not None else None
        except OppError as exc:
            # e.g. a full disk: returned, not raised, so that the documents this batch did place
            # still reach the manifest before the main process stops the run with this error
            out.append(exc)
            break
        out.append(data if sha is None else Placed(sha))
    return out
