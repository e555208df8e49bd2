"""Ctrl-C at a moment of our choosing.

Ctrl-C raises KeyboardInterrupt in the main thread between any two bytecodes. In a few places that
moment must not fall: between creating a temp file and the code that removes it again, between
handing a task to the worker pool and noting that it was handed, and while the workers are being
stopped. There `ctrl_c_deferred` makes Ctrl-C wait until the block is done. While the pool starts
its processes and threads `ctrl_c_blocked` blocks the signal itself: they inherit the blocked
signal, so a Ctrl-C always reaches the main thread (a wait there is interrupted at once) and never
a worker before it has set itself to ignore it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def ctrl_c_deferred() -> Iterator[None]:
    """Ctrl-C during the block raises KeyboardInterrupt when the block is done, not inside it; a
    Ctrl-C before the block raises it on entry, so the block either runs whole or not at all. Only
    where Python's own handler is in force in the main thread; elsewhere (a worker that ignores
    Ctrl-C, another thread, a nested block) the block just runs."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if received:
            raise KeyboardInterrupt


@contextmanager
def ctrl_c_blocked() -> Iterator[None]:
    """Block SIGINT in this thread during the block; processes and threads started in it inherit the
    block. A Ctrl-C meanwhile is delivered (as KeyboardInterrupt) when the block ends. Where threads
    have no signal mask (Windows) the block just runs."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_ctrl_c() -> None:
    """For a worker process: Ctrl-C is the main process's to handle. A Ctrl-C that arrived while the
    signal was blocked (see ctrl_c_blocked) is discarded, not delivered."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
