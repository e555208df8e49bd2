"""Benchmark: `opp genereer` against the naive docxtpl loop and a write-only floor, in one run.

    python bench/bench_genereer.py            # 1,000 fictitious students, 3 runs of each
    python bench/bench_genereer.py --n 10000

Builds an export of N fictitious students in the example's format (input/maak_voorbeeld.py), then
measures, each in a fresh child process and as a whole process (start-up and reading included):
  genereer  `opp genereer` on the export, as a user runs it (all cores unless --werkers);
  naief     the usual docxtpl loop on the same template and records: a new DocxTemplate per student,
            render with the same sandboxed env and context, save;
  vloer     no templating: the same number of pre-rendered documents copied to files (temp file,
            fsync, rename: how the tool writes).
Wall time, documents per second and peak memory: the largest process (getrusage RUSAGE_CHILDREN
ru_maxrss, measured in a fresh child per run) and the whole process tree (sum of PSS of the tree,
sampled every 50 ms). Medians of the runs; the runs of the three alternate so that noise from
other work on the machine spreads evenly. The last line is the summary.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "generator" / "form" / "templates" / "opp-swv-amsterdam-diemen.docx"
SCHOOLJAAR = "2026-2027"
KINDS = ("genereer", "naief", "vloer")


def bouw_export(n: int, path: Path) -> None:
    """The example's generator with N students instead of 45: same sheets, columns and kinds of data."""
    spec = importlib.util.spec_from_file_location("maak_voorbeeld", ROOT / "input" / "maak_voorbeeld.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.AANTAL = n
    module.bouw().save(path)


def voorgerenderd(export: Path, path: Path) -> None:
    """One real OPP from the export, for the floor to copy."""
    from generator import pipeline
    from generator.form.renderer import CompiledTemplate

    checked = pipeline.check(pipeline.Settings([export], TEMPLATE, Path("output"), SCHOOLJAAR, _vandaag()))
    task = pipeline.plan(checked.validated.opps, path.parent, _inst(export, path.parent))[0]
    path.write_bytes(CompiledTemplate(TEMPLATE).render(pipeline._context(task, SCHOOLJAAR, _vandaag())))


def _vandaag():
    from datetime import date
    return date(2026, 11, 30)


def _inst(export: Path, uit: Path):
    from generator import pipeline
    return pipeline.Settings([export], TEMPLATE, uit, SCHOOLJAAR, _vandaag())


# --- the measured programs (each runs in its own fresh process) -------------------------------------

def naief(export: Path, uit: Path, n: int) -> None:
    """The usual docxtpl loop: a new DocxTemplate per student (the first n students)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docxtpl import DocxTemplate

    from generator import pipeline
    from generator.form.renderer import make_environment

    checked = pipeline.check(pipeline.Settings([export], TEMPLATE, Path("output"), SCHOOLJAAR, _vandaag()))
    for task in pipeline.plan(checked.validated.opps, uit / SCHOOLJAAR, _inst(export, uit))[:n]:
        ctx = pipeline._context(task, SCHOOLJAAR, _vandaag())
        tpl = DocxTemplate(str(TEMPLATE))
        tpl.render(ctx, jinja_env=make_environment())
        for rel in ctx.get("relaties") or ():
            tpl.docx.part.rels.add_relationship(RT.HYPERLINK, rel["doel"], rel["rid"], is_external=True)
        task.target.parent.mkdir(parents=True, exist_ok=True)
        tpl.save(str(task.target))


def vloer(source_text: Path, uit: Path, n: int) -> None:
    """Write n copies of one document, the way the tool writes a file; nothing else."""
    data = source_text.read_bytes()
    for i in range(n):
        folder = uit / SCHOOLJAAR / f"klas{i % 8}"  # as many folders as the export has classes
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".opp-tmp-", suffix=".docx", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / f"OPP_{i:06d}.docx")


# --- measuring ---------------------------------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    pids, i = [pid], 0
    while i < len(pids):
        try:
            for task in os.listdir(f"/proc/{pids[i]}/task"):
                with open(f"/proc/{pids[i]}/task/{task}/children") as fh:
                    pids += [int(c) for c in fh.read().split()]
        except OSError:
            pass
        i += 1
    return pids


def _pss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total


def meter(cmd: list[str]) -> None:
    """Runs in a fresh child: starts the program, samples its tree's memory, prints the figures.
    RUSAGE_CHILDREN here covers exactly this one program and the processes it started."""
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a chatty program must never block
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, cwd=ROOT)
        piek = 0
        while proc.poll() is None:
            piek = max(piek, _pss_kib(_tree(proc.pid)))
            time.sleep(0.05)
        wall = time.perf_counter() - started
        log.seek(0)
        err = log.read().decode(errors="replace")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"wall": wall, "rss_kib": rss, "pss_kib": piek, "rc": proc.returncode,
                      "err": err[-2000:]}))


def meet(cmd: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, "--meter", json.dumps(cmd)], capture_output=True,
                         text=True, check=True)
    figures = json.loads(out.stdout)
    if figures["rc"] not in (0, 65):
        raise SystemExit(f"{cmd[:3]} faalde (code {figures['rc']}):\n{figures['err']}")
    return figures


def _commands(kind: str, work: Path, uit: Path, args) -> list[str]:
    py = [sys.executable, __file__]
    if kind == "genereer":
        opp = shutil.which("opp") or ""
        base = [opp] if opp else [sys.executable, "-m", "generator"]
        return base + ["genereer", str(work / "export.xlsx"), "--uitvoer", str(uit), "--schooljaar",
                       SCHOOLJAAR, "--werkers", str(args.workers)]
    if kind == "naief":
        return py + ["--naief", str(work / "export.xlsx"), str(uit), str(args.naief_n or args.n)]
    return py + ["--vloer", str(work / "voorgerenderd.docx"), str(uit), str(args.n)]


def run(args) -> None:
    # The package's bytecode, as an installed copy has it (pip compiles on install, an editable install
    # on its first run). Without it, an environment with PYTHONDONTWRITEBYTECODE set (this machine's)
    # would compile generator/ from source in every measured run: ~50 ms that no user pays twice.
    compileall.compile_dir(ROOT / "generator", quiet=1)
    work = Path(tempfile.mkdtemp(prefix="opp-bench-"))
    try:
        print(f"export met {args.n} leerlingen maken in {work} ...", flush=True)
        bouw_export(args.n, work / "export.xlsx")
        voorgerenderd(work / "export.xlsx", work / "voorgerenderd.docx")
        results: dict[str, list[dict]] = {k: [] for k in KINDS}
        for r in range(args.herhalingen):
            for kind in KINDS:
                if kind == "naief" and r >= args.herhalingen_naief:
                    continue
                uit = work / f"uit-{kind}-{r}"
                figures = meet(_commands(kind, work, uit, args))
                figures["docs"] = sum(1 for _ in uit.rglob("*.docx"))
                results[kind].append(figures)
                print(f"  {kind:9} run {r + 1}: {figures['wall']:.2f} s, {figures['docs']} documenten",
                      flush=True)
                shutil.rmtree(uit)
        report(results, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results: dict[str, list[dict]], args) -> None:
    rate = {}
    print(f"\n{args.n} leerlingen, {args.workers} werkers, {os.cpu_count()} kernen; mediaan van "
          f"{args.herhalingen} runs (naief: {min(args.herhalingen, args.herhalingen_naief)} runs"
          + (f", eerste {args.naief_n} leerlingen)" if args.naief_n else ")"))
    print(f"{'':10}{'tijd (s)':>10}{'doc/s':>10}{'piek RSS grootste proces':>27}{'piek PSS procesboom':>22}")
    for kind in KINDS:
        runs = results[kind]
        wall = statistics.median(f["wall"] for f in runs)
        docs = statistics.median(f["docs"] for f in runs)
        rate[kind] = docs / wall
        rss = statistics.median(f["rss_kib"] for f in runs) / 1024
        pss = statistics.median(f["pss_kib"] for f in runs) / 1024
        print(f"{kind:10}{wall:>10.2f}{rate[kind]:>10.0f}{rss:>23.0f} MiB{pss:>18.0f} MiB")
    print(f"genereer is {rate['genereer'] / rate['naief']:.1f}x zo snel als naief docxtpl "
          f"(doel: minstens 15x) en {rate['vloer'] / rate['genereer']:.2f}x de vloer (doel: hooguit 3x)")
    print(f"genereer: {rate['genereer']:.0f} doc/s; naief docxtpl: {rate['naief']:.0f} doc/s; "
          f"verhouding: {rate['genereer'] / rate['naief']:.1f}")


def main() -> None:
    if sys.argv[1:2] == ["--meter"]:
        return meter(json.loads(sys.argv[2]))
    if sys.argv[1:2] == ["--naief"]:
        return naief(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    if sys.argv[1:2] == ["--vloer"]:
        return vloer(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="aantal leerlingen (standaard 1000)")
    parser.add_argument("--herhalingen", type=int, default=3, help="runs per meting (standaard 3)")
    parser.add_argument("--herhalingen-naief", type=int, default=3,
                        help="runs van de trage docxtpl-lus (standaard 3)")
    parser.add_argument("--naief-n", type=int, default=0,
                        help="de docxtpl-lus alleen op de eerste zoveel leerlingen (standaard: alle); "
                             "doc/s blijft vergelijkbaar, de lus duurt bij 10.000 anders uren")
    parser.add_argument("--werkers", dest="workers", type=int, default=len(os.sched_getaffinity(0)),
                        help="--werkers voor opp genereer (standaard: het aantal kernen)")
    run(parser.parse_args())


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
