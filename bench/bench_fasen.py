"""Where the time of one `opp genereer` run goes: the phases of the run, and the steps per student.

    python bench/bench_fasen.py                # 1,000 fictitious students, 2 workers
    python bench/bench_fasen.py --werkers 1    # also the steps per student (they run in this process)
    python bench/bench_fasen.py --zonder-controle   # the same run with the strict XML check left out

A diagnostic beside bench_genereer.py (which measures the targets): it runs the library's `generate`
in this process on an export in the example's format and wraps a few of the pipeline's own functions
with timers. The phases are wall-clock times from the start of the run; the steps per student are CPU
time summed inside the run, so they include what the steps do to each other's caches (measured on their
own, the same steps come out 1.5-2 times faster). The machine is shared: compare runs, not single figures.

Issue 7 asks for a whole run within 3 times the write-only floor. So that the budget can be read per
phase, the floor is measured first in the same process (N copies of one real OPP, written as the tool
writes: temp file, fsync, rename), as is the start-up of a fresh `opp` process (Python and the imports);
every phase is then also shown as a multiple of the floor. --zonder-controle replaces the strict XML
check by a no-op (the workers are forked, so they inherit it): what the check costs in a whole run.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_genereer import SCHOOLJAAR, TEMPLATE, bouw_export, vloer, voorgerenderd  # noqa: E402

from generator import pipeline  # noqa: E402
from generator.form import renderer  # noqa: E402
from generator.write import writer  # noqa: E402

PHASES = ("_check_export", "plan", "_settle_unchanged", "_write_register", "_write_check_report")
# (label, module or class, attribute): the steps of one student's document, in the order they run
STEPS = (
    ("context", pipeline, "_context"),
    ("document maken, alles", renderer.CompiledTemplate, "render"),
    ("  Jinja + afwerken + controle", renderer.CompiledTemplate, "render_parts"),
    ("    strikte XML-controle", renderer, "check_xml"),
    ("    afwerken (id's, accolades)", renderer.CompiledTemplate, "_finish"),
    ("  comprimeren (deflate)", renderer, "compress"),
    ("wegschrijven (met fsync)", writer, "write_atomic"),
    ("invoer-hash (hoofdproces)", pipeline, "_input_hash"),
)


def _line_hint(label: str, started: float, start: float, floor: float) -> str:
    end = time.perf_counter()
    return (f"  {label:22} {started - start:6.2f} -> {end - start:6.2f} s"
            f"{(end - started) / floor:8.2f}x de vloer")


def _mediaan_van_3(stap) -> float:
    tijden = []
    for i in range(3):
        started = time.perf_counter()
        stap(i)
        tijden.append(time.perf_counter() - started)
    return statistics.median(tijden)


def _vloer(work: Path, n: int) -> float:
    """Seconds to write n copies of one real OPP the way the tool writes them, in this process; median
    of 3 (the floor is mostly fsync, and the shared disk varies more than the CPU)."""
    source_text = work / "voorgerenderd.docx"
    voorgerenderd(work / "export.xlsx", source_text)
    floor = _mediaan_van_3(lambda i: vloer(source_text, work / f"vloer{i}", n))
    for i in range(3):
        shutil.rmtree(work / f"vloer{i}")
    return floor


def _opstarten() -> float:
    """A fresh process up to the point where `opp genereer` starts reading: Python and the imports of
    the main process (the workers import the renderer in parallel with the reading). Median of 3."""
    return _mediaan_van_3(lambda i: subprocess.run([sys.executable, "-c", "import generator.cli"],
                                                   check=True, cwd=ROOT))


def _meet(owner, name: str, clock, klaar) -> None:
    """Replace owner.name by a version that calls klaar(begin) with the clock's reading at its start."""
    f = getattr(owner, name)

    @functools.wraps(f)
    def timed(*args, **kwargs):
        started = clock()
        try:
            return f(*args, **kwargs)
        finally:
            klaar(started)
    setattr(owner, name, timed)


def _tijdlijn(start: float, text_lines: list[str], floor: float):
    def wrap(owner, name: str) -> None:
        _meet(owner, name, time.perf_counter,
              lambda started: text_lines.append(_line_hint(name, started, start, floor)))
    return wrap


def _cpu(totals: dict[str, float]):
    def wrap(label: str, owner, name: str) -> None:
        def klaar(started: float) -> None:
            totals[label] = totals.get(label, 0.0) + time.process_time() - started
        _meet(owner, name, time.process_time, klaar)
    return wrap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="aantal leerlingen (standaard 1000)")
    parser.add_argument("--werkers", dest="workers", type=int, default=len(os.sched_getaffinity(0)),
                        help="--werkers voor genereer (standaard: het aantal kernen); met 1 ook de "
                             "stappen per leerling")
    parser.add_argument("--zonder-controle", action="store_true",
                        help="laat de strikte XML-controle weg (alleen om haar kosten te meten)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="opp-fasen-"))
    try:
        bouw_export(args.n, work / "export.xlsx")
        floor = _vloer(work, args.n)
        opstarten = _opstarten()
        if args.zonder_controle:
            renderer.check_xml = lambda name, data: None
        text_lines: list[str] = []
        totals: dict[str, float] = {}
        start = time.perf_counter()
        wrap = _tijdlijn(start, text_lines, floor)
        for name in PHASES:
            wrap(pipeline, name)
        if args.workers == 1:  # with workers the steps run in other processes, out of reach of the timers
            cpu = _cpu(totals)
            for label, owner, name in STEPS:
                cpu(label, owner, name)
        render_alle = pipeline._render_all

        def render_met_tijden(*a, **k):
            started = time.perf_counter()
            for i, item in enumerate(render_alle(*a, **k)):
                if i == 0:
                    text_lines.append(_line_hint("eerste document", started, start, floor))
                yield item
            text_lines.append(_line_hint("renderen en schrijven", started, start, floor))
        pipeline._render_all = render_met_tijden

        settings = pipeline.Settings([work / "export.xlsx"], TEMPLATE, work / "uit", SCHOOLJAAR,
                                     date(2026, 11, 30), workers=args.workers)
        pipeline.generate(settings)
        total = time.perf_counter() - start
        _verslag(args, floor, opstarten, text_lines, total, totals)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _verslag(args, floor: float, opstarten: float, text_lines: list[str], total: float,
             totals: dict[str, float]) -> None:
    zonder = ", ZONDER strikte XML-controle" if args.zonder_controle else ""
    print(f"vloer: {args.n} documenten schrijven in {floor:.2f} s; opstarten (Python en imports) "
          f"{opstarten:.2f} s = {opstarten / floor:.2f}x de vloer")
    print(f"{args.n} leerlingen, {args.workers} werker(s){zonder}; fasen van de run (wandklok vanaf de "
          "start, na het opstarten):")
    print("\n".join(text_lines))
    print(f"  {'totaal':22} {total:15.2f} s{total / floor:8.2f}x de vloer")
    heel = total + opstarten
    print(f"  {'met opstarten':22} {heel:15.2f} s{heel / floor:8.2f}x de vloer (doel: hooguit 3x)")
    if totals:
        print("stappen per leerling (CPU-tijd binnen de run, ms per leerling):")
        for label, _, _ in STEPS:
            print(f"  {label:32} {totals.get(label, 0.0) * 1000 / args.n:6.2f}")


if __name__ == "__main__":
    main()
