"""Benchmark: reading and checking an export (`opp controleer`), as a whole process.

    python bench/bench_lezen.py                 # 5,000 students x 40 columns, 5 runs per size
    python bench/bench_lezen.py --n 5000 --runs 7

Builds fictitious exports of 1,000, N and 4N students by 40 columns (student sheet with ids in a
'000000' format, real date cells, text dates, wide guardian columns, free text, plus unknown columns),
and the same N-student data as a ';' CSV. Each measurement runs `python -m generator check` in a
fresh child process (interpreter start, imports, reading, validation): wall clock, CPU time (user +
system; steadier than wall clock on a busy machine) and peak memory, the child's ru_maxrss (getrusage
RUSAGE_CHILDREN, taken in a small wrapper process per run so that runs do not mask each other).
Prints medians and the largest peak per size.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

HEADERS = ["Stamnummer", "Roepnaam", "Tussenvoegsel", "Achternaam", "Geboortedatum", "Klas", "Leerjaar",
           "Studie", "Mentor", "Datum inschrijving", "Vorige school", "Schooladvies", "Lwoo", "OPP",
           "Aanleiding OPP", "Soort OPP", "Ondersteuningsbehoefte", "Onderbouwing", "Startdatum OPP",
           "Einddatum OPP", "Ouder 1 naam", "Relatie ouder 1", "Telefoon ouder 1", "E-mail ouder 1",
           "Ouder 2 naam", "Relatie ouder 2", "Telefoon ouder 2", "E-mail ouder 2", "BSN"]
HEADERS += [f"Extra {i}" for i in range(40 - len(HEADERS))]  # columns a school exports but we do not use

# The wrapper runs one child and reports its wall time and peak RSS (KiB on Linux).
WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"s": time.perf_counter() - t, "cpu": use.ru_utime + use.ru_stime, "rss": use.ru_maxrss,
                  "code": code}))
"""


def row(i: int) -> list:
    born = date(2011, 1, 1) + timedelta(days=i % 1400)
    return [i + 1, f"Roep{i}", "van der" if i % 7 == 0 else None, f"Achternaam{i}", born,
            f"{1 + i % 6}{'ABCD'[i % 4]}", 1 + i % 6, "vmbo-kb", f"mw. Mentor{i % 40}",
            f"{(i % 28) + 1:02d}-08-2026", f"Basisschool {i % 90}",
            "vmbo-k", "nee", "ja" if i % 3 else "nee", "Dreigende afstroom", "OPP",
            f"Heeft structuur nodig.\nRegel twee voor {i}.", "Onderbouwing", date(2026, 9, 1),
            date(2027, 8, 31), f"M. Achternaam{i}", "moeder", 612345678 + i, f"ouder{i}@example.nl",
            f"P. Achternaam{i}", "vader", "0201234567", f"ouder2.{i}@example.nl",
            "123456782"] + [f"x{i}"] * (40 - 29)


def bouw_xlsx(n: int, path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Leerlingen")
    ws.append(HEADERS)
    for i in range(n):
        values = row(i)
        first = WriteOnlyCell(ws, values[0])
        first.number_format = "000000"  # leading zeros only in the format, as Magister writes them
        born = WriteOnlyCell(ws, values[4])
        born.number_format = "dd-mm-yyyy"
        ws.append([first, *values[1:4], born, *values[5:]])
    wb.save(path)
    gedeelde_teksten(path)


_INLINE = re.compile(rb'<c([^>]*?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', re.S)
_SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
_SST_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" '
             b'ContentType="application/vnd.openxmlformats-officedocument.'
             b'spreadsheetml.sharedStrings+xml"/>')
_SST_REL = (b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'sharedStrings" Target="sharedStrings.xml"/>')


def gedeelde_teksten(path: Path) -> None:
    """Rewrite openpyxl's inline strings as Excel writes text: one shared-strings table. Parsing inline
    strings costs openpyxl about ten times more, so a benchmark on them would measure the wrong file.
    Also add the <dimension> Excel always writes and openpyxl's write-only mode leaves out: without it,
    openpyxl's load_workbook reads the whole sheet once just to learn its size."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    index: dict[bytes, int] = {}

    def shared(m: re.Match) -> bytes:
        i = index.setdefault(m.group(2), len(index))
        return b'<c%s t="s"><v>%d</v></c>' % (m.group(1), i)
    sheet = _INLINE.sub(shared, parts["xl/worksheets/sheet1.xml"])
    last_row = re.findall(rb'<row r="([0-9]+)"', sheet)[-1]
    size = b'<dimension ref="A1:%s%s"/>' % (get_column_letter(len(HEADERS)).encode(), last_row)
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"</sheetPr>", b"</sheetPr>" + size, 1)
    parts["xl/sharedStrings.xml"] = _SST + b"".join(
        b'<si><t xml:space="preserve">%s</t></si>' % s for s in index) + b"</sst>"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", _SST_TYPE + b"</Types>")
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", _SST_REL + b"</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def bouw_csv(n: int, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(HEADERS)
        for i in range(n):
            out.writerow(["" if v is None else v.strftime("%d-%m-%Y") if isinstance(v, date) else v
                          for v in row(i)])


def meet(path: Path, runs: int) -> dict:
    cmd = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "generator", "controleer", str(path)]
    subprocess.run(cmd, check=True, capture_output=True)  # warm-up: file cache, .pyc
    results = [json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
               for _ in range(runs)]
    if any(r["code"] not in (0, 65) for r in results):
        raise SystemExit(f"opp controleer faalde op {path}: {results}")
    times = [r["s"] for r in results]
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "cpu_s": statistics.median(r["cpu"] for r in results),
            "peak_rss_mb": max(r["rss"] for r in results) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000, help="aantal leerlingen (standaard 5000)")
    parser.add_argument("--runs", type=int, default=5, help="metingen per grootte (standaard 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lezen-") as tmp:
        cases = []
        for n in sorted({1000, args.n, 4 * args.n}):
            path = Path(tmp) / f"export-{n}.xlsx"
            bouw_xlsx(n, path)
            cases.append((f"xlsx {n:>6} x 40", path))
        path = Path(tmp) / f"leerlingen-{args.n}.csv"
        bouw_csv(args.n, path)
        cases.append((f"csv  {args.n:>6} x 40", path))
        t = time.perf_counter()
        for label, path in cases:
            r = meet(path, args.runs)
            print(f"{label}  {path.stat().st_size / 2**20:6.1f} MB  median {r['median_s']:.2f} s "
                  f"(min {r['min_s']:.2f}, max {r['max_s']:.2f})  cpu {r['cpu_s']:.2f} s  "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
        print(f"python {sys.version.split()[0]}, {args.runs} runs per size, "
              f"total {time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
