"""Benchmark `congvan build` against the naive docxtpl loop, in the same run, on the same contexts.

    python bench/bench_build.py --n 1000

Makes a temporary copy of the sample workspace whose results workbook holds N synthetic units, then
times (1) congvan's build (read, assess, render, write the draft batch) and (2) the naive loop: for each
letter `DocxTemplate(path).render(context, jinja_env, autoescape=True)` then `.save()`. Both write .docx
files to disk. Prints letters per second and the ratio; checks that both give the same paragraph text.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from docx import Document
from docxtpl import DocxTemplate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from congvan.config import load_workspace  # noqa: E402
from congvan.pipeline import BuildOptions, build, plan  # noqa: E402
from congvan.render import make_environment  # noqa: E402
from congvan.sources import load_catalog  # noqa: E402


def make_workspace(folder: Path, units: int, seed: int = 7) -> Path:
    for part in ("congvan.toml",):
        shutil.copyfile(ROOT / part, folder / part)
    for part in ("recipients", "templates_docx"):
        shutil.copytree(ROOT / part, folder / part)
    (folder / "data").mkdir()
    shutil.copyfile(ROOT / "data" / "tieu_chi.toml", folder / "data" / "tieu_chi.toml")
    (folder / "recipients" / "bo_sung.csv").unlink(missing_ok=True)
    catalog = load_catalog(folder / "data" / "tieu_chi.toml")
    rng = random.Random(seed)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for spec in catalog.tables:
        sheet = workbook.create_sheet(spec.name)
        sheet.append(["STT", spec.unit_headers[0], *[c.headers[0] for c in spec.criteria]])
        for i in range(1, units + 1):
            sheet.append([i, f"Phường Mẫu {i:05d}", *[round(rng.uniform(60, 95), 2) for _ in spec.criteria]])
    workbook.save(folder / "data" / "ket_qua_2025.xlsx")
    return folder


def run(n: int, repeat: int) -> None:
    ours, naive = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            ws_root = make_workspace(Path(tmp), n)
            ws = load_workspace(ws_root)
            start = time.perf_counter()
            report = build(ws, BuildOptions())
            ours.append(time.perf_counter() - start)

            planned = plan(ws, BuildOptions())
            out = Path(tmp) / "naive"
            out.mkdir()
            env = make_environment()
            start = time.perf_counter()
            for letter in planned[1]:
                doc = DocxTemplate(str(ws.letter.template))
                doc.render(letter.context, jinja_env=env, autoescape=True)
                doc.save(out / f"{letter.stem}.docx")
            naive.append(time.perf_counter() - start)

            sample = planned[1][-1].stem
            ours_text = [p.text for p in Document(str(report.folder / f"{sample}.docx")).paragraphs]
            naive_text = [p.text for p in Document(str(out / f"{sample}.docx")).paragraphs]
            assert ours_text == naive_text, "congvan and docxtpl disagree on the text of a letter"
    o, v = statistics.median(ours), statistics.median(naive)
    print(f"N={n} letters, median of {repeat} runs (min–max)")
    print("| method | wall s | letters/s | ms/letter |\n|---|---|---|---|")
    print(f"| congvan build (read+assess+render+write batch) | {o:.3f} ({min(ours):.3f}–{max(ours):.3f}) "
          f"| {n / o:,.0f} | {1000 * o / n:.2f} |")
    print(f"| naive docxtpl loop (render+save only) | {v:.3f} ({min(naive):.3f}–{max(naive):.3f}) "
          f"| {n / v:,.0f} | {1000 * v / n:.2f} |")
    print(f"speed-up: {v / o:.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run(args.n, args.repeat)
