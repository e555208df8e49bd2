"""Benchmark: reading filled-in OPPs back (`opp inlezen`, filled_forms.read_back) against making them.

    python bench/bench_inlezen.py              # 300 fictitious students, 5 runs of each
    python bench/bench_inlezen.py --n 1000 --runs 3

Builds an export of N fictitious students (bench_genereer.bouw_export) and generates their OPPs once
(pipeline.generate, one worker, so that both sides use one core). Then measures in this process, each
`--runs` times:
  genereer   pipeline.generate again on the same export: every OPP unchanged (the re-run a school does
             most), which reads no document;
  inlezen    filled_forms.read_back over the folder: every OPP read back and the register rebuilt;
  lezen      read_form + form_opp alone, per document (the median and the slowest of one pass).
Prints medians and the ratio inlezen / genereer measured in this one run: the machine is shared, so the
absolute figures move, the ratio much less.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_genereer  # noqa: E402

from generator import filled_forms, pipeline  # noqa: E402
from generator.read.form_reader import read_form  # noqa: E402
from generator.read.form_records import form_opp  # noqa: E402
from generator.write import register  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def per_document(base: Path) -> list[float]:
    out = []
    for file in register.opp_files(base):
        t = time.perf_counter()
        form_opp(read_form(base / file), "")
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="aantal leerlingen (standaard 300)")
    parser.add_argument("--runs", type=int, default=5, help="herhalingen per meting (standaard 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        export = work / "export.xlsx"
        bench_genereer.bouw_export(args.n, export)
        settings = bench_genereer._inst(export, work / "uit")
        first = pipeline.generate(settings)
        base = first.map
        documents = len(register.opp_files(base))
        again = timed(lambda: pipeline.generate(bench_genereer._inst(export, work / "uit")), args.runs)
        reading = timed(lambda: filled_forms.read_back(base, settings.schooljaar, settings.today), args.runs)
        each = per_document(base)
    g, r = statistics.median(again), statistics.median(reading)
    print(f"{documents} OPP's, {args.runs} runs")
    print(f"genereer (alles ongewijzigd)  mediaan {g:7.2f} s")
    print(f"inlezen (alles teruggelezen)  mediaan {r:7.2f} s   {1000 * r / documents:6.1f} ms per OPP")
    print(f"lezen per document            mediaan {1000 * statistics.median(each):6.1f} ms, "
          f"traagste {1000 * max(each):6.1f} ms")
    print(f"verhouding inlezen / genereer {r / g:5.2f}")


if __name__ == "__main__":
    main()
