"""Renders the students' documents on several processes; the results come back in the order of the
tasks, so the output does not depend on the number of workers.

Each process holds one compiled template (`Sjabloon`), made once per process, never per student.
Start method: `forkserver` on Linux. A clean server process imports the package once and each worker
forks from it in milliseconds, then compiles the template once in `_start`. Plain `fork` would copy the
main process, which by then holds every student's record; while it keeps working the main process
copies those shared pages (copy-on-write): at 10,000 students the process tree peaked at 339-351 MiB
with fork against 306 MiB with forkserver. Windows and macOS use `spawn`, the same path with a slower
start. Tasks and the context function travel pickled, so every method gives the same output.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from .errors import RenderError
from .renderer import Sjabloon

T = TypeVar("T")
REEKS = 16  # students per message: large enough to amortise pickling, small enough for a smooth bar
IN_DE_RIJ = 3  # batches in flight per worker: keeps every core busy, bounds memory at any batch size

_sjabloon: Sjabloon | None = None  # this process's compiled template


def standaard_werkers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Windows or macOS
        return max(1, os.cpu_count() or 1)


def startmethode() -> str:
    return "forkserver" if sys.platform.startswith("linux") else "spawn"


def maak_documenten(sjabloon: Sjabloon, taken: list[T], context_van: Callable[[T], dict],
                    werkers: int = 1, methode: str | None = None,
                    reeks: int = REEKS) -> Iterator[tuple[T, bytes | RenderError]]:
    """Each task with its document's bytes, or the RenderError that skips that student, in task order.
    `context_van` must be picklable (a module-level function or a functools.partial of one)."""
    batches = [taken[i:i + reeks] for i in range(0, len(taken), reeks)]
    werkers = max(1, min(werkers, len(batches)))
    if werkers == 1:  # no processes to start: the main process renders with its own template
        global _sjabloon
        _sjabloon = sjabloon
        for batch in batches:
            yield from zip(batch, _maak_reeks(batch, context_van), strict=True)
        return
    yield from _met_processen(sjabloon, batches, context_van, werkers, methode or startmethode())


def _met_processen(sjabloon: Sjabloon, batches: list[list[T]], context_van: Callable[[T], dict],
                   werkers: int, methode: str) -> Iterator[tuple[T, bytes | RenderError]]:
    global _sjabloon
    _sjabloon = sjabloon  # only a `fork` worker inherits it; the others compile their own in _start
    ctx = multiprocessing.get_context(methode)
    if methode == "forkserver":  # the server imports the package once; workers fork from it
        ctx.set_forkserver_preload(["generator.renderer"])
    with ctx.Pool(werkers, initializer=_start, initargs=(sjabloon.pad,)) as pool:
        pending: deque = deque()
        todo = iter(batches)
        _aanvullen(todo, pending, pool, context_van, werkers * IN_DE_RIJ)
        while pending:
            batch, result = pending.popleft()
            # .get() re-raises a worker's error here, e.g. a SjabloonError that stops the run
            yield from zip(batch, result.get(), strict=True)
            _aanvullen(todo, pending, pool, context_van, 1)


def _aanvullen(todo: Iterator[list], pending: deque, pool, context_van: Callable, n: int) -> None:
    """Hand up to n more batches to the pool."""
    for _, batch in zip(range(n), todo, strict=False):  # at most n
        pending.append((batch, pool.apply_async(_maak_reeks, (batch, context_van))))


def _start(pad: Path) -> None:
    """Worker start: compile the template, unless this process inherited it already."""
    global _sjabloon
    if _sjabloon is None or _sjabloon.pad != pad:
        _sjabloon = Sjabloon(pad)


def _maak_reeks(batch: Iterable[T], context_van: Callable[[T], dict]) -> list[bytes | RenderError]:
    assert _sjabloon is not None, "_start runs before any batch"
    out: list[bytes | RenderError] = []
    for taak in batch:
        try:
            out.append(_sjabloon.maak(context_van(taak)))
        except RenderError as exc:  # this student only; any other error stops the run
            out.append(exc)
    return out
