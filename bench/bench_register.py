"""Benchmark: the register overzicht.xlsx (`register.schrijf`) on its own, first run and re-run.

    python bench/bench_register.py              # 1,000 fictitious students, 7 runs of each
    python bench/bench_register.py --n 10000 --runs 3

Builds an export of N fictitious students (bench_genereer.bouw_export), reads and checks it once and
makes the register rows as pipeline._schrijf_register does. An empty .docx stands in for each OPP
file, so that the folder scan sees the files of a real run. Then measures in this process:
  eerste    register.schrijf into a folder without an overzicht.xlsx;
  opnieuw   register.schrijf again, every file in this run (the previous register is not needed);
  vertrokken  register.schrijf again without the first student, whose file stays: that row comes
            from the previous register, which is then read (_vorige);
  vorige    _vorige alone (reading the previous register);
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

from generator import links, pipeline, register, report, rules  # noqa: E402


def rijen_en_bevindingen(export: Path, basis: Path):
    inst = bench_genereer._inst(export, basis.parent)
    checked = pipeline.controleer([export], inst.vandaag)
    taken = pipeline.plan(checked.opps, basis, inst)
    bevindingen = list(checked.bevindingen)
    rijen = []
    for taak in taken:
        linked, found = links.beoordeel(taak.opp, export.parent, taak.doel.parent)
        found += rules.signalen(taak.opp, inst.vandaag)
        bevindingen += found
        taak.doel.parent.mkdir(parents=True, exist_ok=True)
        taak.doel.write_bytes(b"")
        bestand = Path(os.path.relpath(taak.doel, basis)).as_posix()
        rijen.append(register.rij(taak.opp, inst.schooljaar, inst.vandaag, bestand, "nieuw", len(linked),
                                  len(taak.opp.waarschuwingen) + len(found)))
    return rijen, bevindingen, inst.vandaag


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
        basis = Path(tmp) / "uit" / bench_genereer.SCHOOLJAAR
        rijen, bevindingen, vandaag = rijen_en_bevindingen(export, basis)
        pad = basis / register.NAAM

        def eerste():
            pad.unlink(missing_ok=True)
            register.schrijf(basis, rijen, vandaag)

        register.schrijf(basis, rijen, vandaag)  # warm-up, and the previous register for the re-run
        uitslagen = {
            "eerste": meet(eerste, args.runs),
            "opnieuw": meet(lambda: register.schrijf(basis, rijen, vandaag), args.runs),
            "vertrokken": meet(lambda: register.schrijf(basis, rijen[1:], vandaag), args.runs),
            "vorige": meet(lambda: register._vorige(pad), args.runs),
            "rapport": meet(lambda: report.maak_rapport(bevindingen), args.runs),
        }
        assert len(register._vorige(pad)) == len(rijen)
    for naam, (mediaan, snelste) in uitslagen.items():
        print(f"{naam:10} mediaan {mediaan * 1000:7.1f} ms   snelste {snelste * 1000:7.1f} ms")
    print(f"{args.n} leerlingen, {len(bevindingen)} bevindingen, {args.runs} runs; piekgeheugen "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
