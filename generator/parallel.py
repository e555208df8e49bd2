"""Renders the students' documents on several processes; the results come back in the order of the
tasks, so the output does not depend on the number of workers.

Each process holds one compiled template (`Sjabloon`), made once per process, never per student.
`Werkplaats` starts the workers first thing in a run, before the main process has imported the
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

A worker can also write the document it made (`plaats`): for a new file that saves the main process
a write and an fsync per student, which otherwise made it the bottleneck.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .errors import OppError, RenderError

if TYPE_CHECKING:  # imported where it is used: the main process of a run with workers never needs it
    from .renderer import Sjabloon

T = TypeVar("T")
Plaats = Callable[[T, bytes], "str | None"]  # writes a document where it belongs: its sha256, or None
REEKS = 16  # students per message: large enough to amortise pickling, small enough for a smooth bar
IN_DE_RIJ = 3  # batches in flight per worker: keeps every core busy, bounds memory at any batch size

_sjabloon: Sjabloon | None = None  # this process's compiled template
_startfout: Exception | None = None  # why this worker could not compile it


def standaard_werkers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Windows or macOS
        return max(1, os.cpu_count() or 1)


def startmethode() -> str:
    return "fork" if sys.platform.startswith("linux") else "spawn"


class Werkplaats:
    """The processes that render. Start it (`with`) first thing in a run: see the module docstring.
    With one worker no process is started and the main process compiles and renders; a template that
    does not compile then stops the run on entry, else at `gereed()`."""

    def __init__(self, pad: Path, werkers: int = 1, methode: str | None = None):
        self.pad = pad
        self.werkers = max(1, werkers)
        self.methode = methode or startmethode()
        self._pool = None

    def __enter__(self) -> Werkplaats:
        if self.werkers > 1:
            ctx = multiprocessing.get_context(self.methode)
            if self.methode == "forkserver":  # the server imports the package once; workers fork from it
                ctx.set_forkserver_preload(["generator.renderer"])
            self._pool = ctx.Pool(self.werkers, initializer=_start_werker, initargs=(self.pad,))
        else:
            _start(self.pad)
            self.gereed()
        return self

    def __exit__(self, *exc) -> None:
        global _sjabloon, _startfout
        _sjabloon, _startfout = None, None  # one run's: the file may have changed by the next run
        if self._pool is not None:
            self._pool.terminate()  # as Pool's own context manager; every result has been collected
            self._pool.join()
            self._pool = None

    def gereed(self) -> None:
        """Wait until the template is compiled; raise the SjabloonError of a template that is not.
        Every worker compiles the same file with the same code, so one worker's answer holds for all."""
        if self._pool is None:
            _meld_startfout()
        else:
            self._pool.apply(_meld_startfout)

    def maak(self, taken: list[T], context_van: Callable[[T], dict], plaats: Plaats | None = None,
             reeks: int = REEKS) -> Iterator[tuple[T, bytes | Geplaatst | OppError]]:
        """Each task with its document's bytes, or the RenderError that skips that student, in task
        order; any other OppError in the results stops the run there. With `plaats` (only where
        workers run), the worker that rendered a document first offers it to `plaats`, which may
        write it itself (then: Geplaatst). `context_van` and `plaats` must be picklable (module-level
        functions or partials of them)."""
        batches = [taken[i:i + reeks] for i in range(0, len(taken), reeks)]
        if self._pool is None:  # one worker: this process renders, and writes each document itself
            for batch in batches:
                yield from zip(batch, _maak_reeks(batch, context_van), strict=True)
            return
        # with workers, even a single batch goes to them: only they hold the compiled template
        pending: deque = deque()
        todo = iter(batches)
        self._aanvullen(todo, pending, (context_van, plaats), self.werkers * IN_DE_RIJ)
        while pending:
            batch, result = pending.popleft()
            # .get() re-raises a worker's error here, e.g. a SjabloonError that stops the run; a batch
            # that `plaats` could not finish ends early, with the error in the place where it occurred
            yield from zip(batch, result.get(), strict=False)
            self._aanvullen(todo, pending, (context_van, plaats), 1)

    def _aanvullen(self, todo: Iterator[list], pending: deque, functies: tuple, n: int) -> None:
        """Hand up to n more batches to the pool."""
        for _, batch in zip(range(n), todo, strict=False):  # at most n
            pending.append((batch, self._pool.apply_async(_maak_reeks, (batch, *functies))))


@dataclass(frozen=True)
class Geplaatst:
    """A document the worker wrote itself; only its hash travels back."""

    sha256: str


def maak_documenten(sjabloon: Sjabloon, taken: list[T], context_van: Callable[[T], dict],
                    werkers: int = 1, methode: str | None = None,
                    reeks: int = REEKS) -> Iterator[tuple[T, bytes | RenderError]]:
    """Werkplaats in one call, for when there is nothing to overlap with the start of the workers.
    This process renders with `sjabloon`; workers compile their own from its file (a `fork` worker
    inherits this one)."""
    global _sjabloon, _startfout
    _sjabloon, _startfout = sjabloon, None
    with Werkplaats(sjabloon.pad, werkers, methode) as werkplaats:
        yield from werkplaats.maak(taken, context_van, reeks=reeks)


def _start(pad: Path) -> None:
    """Compile the template, unless this process holds it already (a `fork` of a process that had it).
    An error is kept, not raised: a Pool restarts a worker whose start fails, for ever."""
    global _sjabloon, _startfout
    if _sjabloon is not None and _sjabloon.pad == pad:
        return
    from .renderer import Sjabloon
    try:
        _sjabloon, _startfout = Sjabloon(pad), None
    except Exception as exc:  # noqa: BLE001 (reported by _meld_startfout, in the main process)
        _sjabloon, _startfout = None, exc


def _start_werker(pad: Path) -> None:
    """A worker's start. Ctrl-C reaches every process of the run: the main process reports it
    ("Afgebroken"), a worker stops quietly. SystemExit still unwinds (a half-written temp file is
    removed), but multiprocessing prints no traceback for it, as it does for KeyboardInterrupt."""
    signal.signal(signal.SIGINT, _stil_stoppen)
    _start(pad)


def _stil_stoppen(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _meld_startfout() -> None:
    if _startfout is not None:
        raise _startfout


def _maak_reeks(batch: Iterable[T], context_van: Callable[[T], dict],
                plaats: Plaats | None = None) -> list[bytes | Geplaatst | OppError]:
    _meld_startfout()
    assert _sjabloon is not None, "_start runs before any batch"
    out: list[bytes | Geplaatst | OppError] = []
    for taak in batch:
        try:
            data = _sjabloon.maak(context_van(taak))
        except RenderError as exc:  # this student only; any other error stops the run
            out.append(exc)
            continue
        try:
            sha = plaats(taak, data) if plaats is not None else None
        except OppError as exc:
            # e.g. a full disk: returned, not raised, so that the documents this batch did place
            # still reach the manifest before the main process stops the run with this error
            out.append(exc)
            break
        out.append(data if sha is None else Geplaatst(sha))
    return out
