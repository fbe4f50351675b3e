"""Benchmark PDF conversion: one soffice per letter against congvan.pdf.convert's chunked, parallel conversion.

    python bench/bench_pdf.py --n 50

Renders N letters from templates_docx/cong_van_chi_dao.docx (the sample context, one unit name each),
then times, all on the same letters:
  * per file: `soffice --convert-to pdf` started once per letter, with a kept (warm) profile, for the
    first `--each` letters only (default 5), extrapolated to N;
  * `convert_to_pdf(..., workers=1)` and `workers=2` (chunk size 100, so 2 workers get two halves).
Prints a table of wall time and seconds per letter. Checks every PDF starts with %PDF. Writes only to a
temporary folder.

    python bench/bench_pdf.py --floor --n 150

measures instead where the CPU time of `congvan pdf` goes, in CPU seconds (steady under load, unlike wall
time): one soffice start (1 letter), one soffice converting all N (warm kept profile: the slope is the
conversion proper), and the finishing of each PDF (metadata from the letter, fonts, one atomic write), then
prints the fastest `congvan pdf` on 2 cores could be: all that CPU spread over both cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from congvan.pdf.convert import convert_to_pdf, find_soffice  # noqa: E402
from congvan.pdf.finish import finish_pdf  # noqa: E402
from congvan.render.template import LetterTemplate  # noqa: E402

TEMPLATE = ROOT / "templates_docx" / "cong_van_chi_dao.docx"
CONTEXT = ROOT / "tests" / "fixtures" / "context_sample.json"


def rename(value, new: str):
    if isinstance(value, str):
        return value.replace("phường Nha Trang", f"phường {new}").replace("Phường Nha Trang", f"Phường {new}")
    if isinstance(value, list):
        return [rename(v, new) for v in value]
    if isinstance(value, dict):
        return {k: rename(v, new) for k, v in value.items()}
    return value


def render(folder: Path, n: int) -> list[Path]:
    template = LetterTemplate(TEMPLATE)
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))
    folder.mkdir(parents=True)
    paths = []
    for i in range(1, n + 1):
        path = folder / f"{i:03d}-SNV-CCHC_phuong-mau-{i:03d}.docx"
        path.write_bytes(template.render(rename(context, f"Mẫu {i:03d}")))
        paths.append(path)
    return paths


def per_file(soffice: str, letters: list[Path], tmp: Path) -> float:
    """Seconds per letter with one soffice start per letter (kept profile, one warm-up run first)."""
    profile = (tmp / "profile-each").as_uri()
    out = tmp / "each"

    def one(path: Path) -> None:
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                        "pdf:writer_pdf_Export", "--outdir", str(out), str(path)],
                       check=True, capture_output=True, timeout=120)

    one(letters[0])  # warm-up: creates the profile
    start = time.perf_counter()
    for path in letters:
        one(path)
    elapsed = time.perf_counter() - start
    check(out, letters)
    return elapsed / len(letters)


def chunked(letters: list[Path], tmp: Path, workers: int) -> float:
    out = tmp / f"chunked-{workers}"
    start = time.perf_counter()
    convert_to_pdf(letters, out, workers=workers)
    elapsed = time.perf_counter() - start
    check(out, letters)
    return elapsed


def soffice_cpu(soffice: str, letters: list[Path], profile: Path, out: Path) -> float:
    """CPU seconds (user + system, soffice and its children) of one soffice converting `letters`."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
                    "--nolockcheck", "--nodefault", "--nofirststartwizard", "--convert-to", "pdf:writer_pdf_Export",
                    "--outdir", str(out), *map(str, letters)], check=True, capture_output=True, timeout=1200)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def floor(soffice: str, letters: list[Path], tmp: Path) -> None:
    """Print where the CPU of converting `letters` goes and the letters/s it allows on 2 cores."""
    profile, out = tmp / "profile-floor", tmp / "floor"
    soffice_cpu(soffice, letters[:1], profile, out)  # builds the profile, kept as congvan keeps it
    start = statistics.median(soffice_cpu(soffice, letters[:1], profile, out) for _ in range(3))
    whole = soffice_cpu(soffice, letters, profile, out)
    each = (whole - start) / (len(letters) - 1)
    begin = time.process_time()
    for letter in letters:
        finish_pdf(letter, out / (letter.stem + ".pdf"), tmp / "finished" / (letter.stem + ".pdf"))
    finishing = (time.process_time() - begin) / len(letters)
    n, cores = 300, 2
    total = n * (each + finishing) + cores * start
    print(f"soffice start (1 letter, kept profile): {start:.2f} s CPU; conversion proper: {1000 * each:.1f} ms CPU "
          f"a letter (one soffice, {len(letters)} letters: {whole:.2f} s); finishing: {1000 * finishing:.1f} ms "
          f"CPU a letter")
    print(f"{n} letters on {cores} cores: {total:.1f} s CPU, so at best {total / cores:.1f} s wall = "
          f"{n / (total / cores):.1f} letters/s (conversion alone: {n / ((n * each + cores * start) / cores):.1f})")


def check(out: Path, letters: list[Path]) -> None:
    for path in letters:
        pdf = out / (path.stem + ".pdf")
        if not pdf.read_bytes().startswith(b"%PDF"):
            raise SystemExit(f"bad PDF: {pdf}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=50, help="letters (default 50)")
    parser.add_argument("--each", type=int, default=5, help="letters timed one soffice per file (default 5)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each chunked variant; the median is shown")
    parser.add_argument("--floor", action="store_true", help="CPU a letter: soffice start, conversion, finishing")
    args = parser.parse_args()
    soffice = find_soffice()
    if args.floor:
        tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
        try:
            (tmp / "finished").mkdir()
            floor(soffice, render(tmp / "letters", args.n), tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    version = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    try:
        letters = render(tmp / "letters", args.n)
        each = per_file(soffice, letters[: args.each], tmp)
        rows = [(f"one soffice per file ({args.each} timed, x{args.n} extrapolated)", each * args.n, each)]
        for workers in (1, 2):
            runs = []
            for _ in range(args.repeat):
                shutil.rmtree(tmp / f"chunked-{workers}", ignore_errors=True)
                runs.append(chunked(letters, tmp, workers))
            wall = sorted(runs)[len(runs) // 2]
            rows.append((f"convert_to_pdf, chunked, workers={workers}", wall, wall / args.n))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{version}; {os.cpu_count()} CPUs; N={args.n} letters from {TEMPLATE.name}")
    print(f"| {'variant':<58} | {'wall s':>8} | {'s/letter':>8} | {'vs per file':>11} |")
    print(f"| {'-' * 58} | {'-' * 8} | {'-' * 8} | {'-' * 11} |")
    for name, wall, per in rows:
        print(f"| {name:<58} | {wall:8.2f} | {per:8.3f} | {each / per:10.1f}x |")


if __name__ == "__main__":
    main()
