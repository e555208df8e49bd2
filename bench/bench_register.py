"""Benchmark: the register overzicht.xlsx (`register.schrijf`) on its own, first run and re-run.

    python bench/bench_register.py              # 1,000 fictitious students, 7 runs of each
    python bench/bench_register.py --n 10000 --runs 3

Builds an export of N fictitious students (bench_genereer.bouw_export), reads and checks it once and
makes the register rows as pipeline._schrijf_register does. An empty .docx stands in for each OPP
file, so that the folder scan sees the files of a real run. Then measures in this process:
  eerste    register.schrijf into a folder without an overzicht.xlsx;
  opnieuw   register.schrijf again, every file in this run (the previous register is not needed);
  vertrokken  register.schrijf again without the first student, whose file stays: that row comes
            from the previous register, which is then read (_previous_rows);
  vorige    _previous_rows alone (reading the previous register);
  rapport   report.maak_rapport on the run's findings (the check report).
Prints the median and the fastest of the runs, and the process's peak memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_genereer  # noqa: E402

from generator import pipeline  # noqa: E402
from generator.write import register, report  # noqa: E402


def rijen_en_bevindingen(export: Path, base: Path):
    settings = bench_genereer._inst(export, base.parent)
    checked = pipeline.check(settings)
    rows = []
    for task in checked.tasks:
        signal = checked.signals[task.opp.leerling.leerlingnummer]
        task.target.parent.mkdir(parents=True, exist_ok=True)
        task.target.write_bytes(b"")
        file = Path(os.path.relpath(task.target, checked.base)).as_posix()
        rows.append(register.register_row(task.opp, settings.schooljaar, settings.today, file, "nieuw",
                                          len(signal.link_targets), signal.warning_count(task.opp)))
    return rows, checked.findings, settings.today


def meet(fn, runs: int) -> tuple[float, float]:
    tijden = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        tijden.append(time.perf_counter() - t)
    return statistics.median(tijden), min(tijden)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.xlsx"
        bench_genereer.bouw_export(args.n, export)
        base = Path(tmp) / "uit" / bench_genereer.SCHOOLJAAR
        rows, findings, today = rijen_en_bevindingen(export, base)
        path = base / register.FILE_NAME

        def eerste():
            path.unlink(missing_ok=True)
            register.write(base, rows, today)

        register.write(base, rows, today)  # warm-up, and the previous register for the re-run
        uitslagen = {
            "eerste": meet(eerste, args.runs),
            "opnieuw": meet(lambda: register.write(base, rows, today), args.runs),
            "vertrokken": meet(lambda: register.write(base, rows[1:], today), args.runs),
            "vorige": meet(lambda: register._previous_rows(path), args.runs),
            "rapport": meet(lambda: report.build_report(findings), args.runs),
        }
        assert len(register._previous_rows(path)) == len(rows)
    for naam, (mediaan, snelste) in uitslagen.items():
        print(f"{naam:10} mediaan {mediaan * 1000:7.1f} ms   snelste {snelste * 1000:7.1f} ms")
    print(f"{args.n} leerlingen, {len(findings)} bevindingen, {args.runs} runs; piekgeheugen "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
