"""Time `plan()` — the read of the results workbook and the assessment that run before any worker — for two git
revisions side by side.

    python bench/plan.py                                   # main against HEAD, 10k and 20k units, 5 rounds
    python bench/plan.py --baseline REV --change REV --sizes 10000 --repeat 3

Three workspaces a size: the bench's own (bench/render.py, written by openpyxl's write-only mode: no
`<dimension>` in the sheets), the same workbook saved again by openpyxl in normal mode (a `<dimension>`, as Excel
writes), and the bench's comparing with last year (`[du_lieu] nam_truoc`, a copy of the same workbook). Each run is
a fresh process of the revision's worktree (bench/speed.py's `Revision`), runs alternate baseline, change, …;
prints medians of the wall time of `plan()`, the CPU time of the planning process, and the CPU time of the
processes it forked (the sheets read at once). Wall time is what a clerk waits for; on a shared machine the
planning process's own CPU time is the steadier measure of the critical path.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import openpyxl  # noqa: E402
from render import make_workspace  # noqa: E402
from speed import Revision, side_by_side  # noqa: E402

_PLAN = ("import resource, sys, time; from pathlib import Path; from congvan.batch.build import BuildOptions, plan; "
         "from congvan.config import load_workspace; workspace = load_workspace(Path(sys.argv[1])); "
         "wall, cpu = time.perf_counter(), time.process_time(); plan(workspace, BuildOptions()); "
         "children = resource.getrusage(resource.RUSAGE_CHILDREN); "
         "print(time.perf_counter() - wall, time.process_time() - cpu, children.ru_utime + children.ru_stime)")


def plan_run(workspace: Path):  # noqa: ANN201 - a closure for side_by_side
    def run(revision: Revision) -> dict[str, float]:
        result = subprocess.run([sys.executable, "-c", _PLAN, str(workspace)], capture_output=True, text=True,
                                env=revision.env(), cwd=revision.root, check=True)
        wall, own, children = map(float, result.stdout.split())
        return {"wall": wall, "own": own, "children": children}
    return run


def with_dimension(source: Path, folder: Path) -> Path:
    """A copy of the workspace `source` whose workbook was saved by openpyxl in normal mode (with <dimension>)."""
    subprocess.run(["cp", "-r", str(source), str(folder)], check=True)
    workbook_path = folder / "data" / "ket_qua_2025.xlsx"
    openpyxl.load_workbook(workbook_path).save(workbook_path)
    return folder


def with_last_year(source: Path, folder: Path) -> Path:
    """A copy of the workspace `source` comparing with last year ([du_lieu] nam_truoc: the same units)."""
    subprocess.run(["cp", "-r", str(source), str(folder)], check=True)
    shutil.copyfile(folder / "data" / "ket_qua_2025.xlsx", folder / "data" / "ket_qua_2024.xlsx")
    config = folder / "congvan.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[du_lieu]\n", '[du_lieu]\nnam_truoc = ["data/ket_qua_2024.xlsx"]\n', 1), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--change", default="HEAD")
    parser.add_argument("--sizes", default="10000,20000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        revisions = [Revision("baseline", args.baseline, folder), Revision("change", args.change, folder)]
        print(f"baseline {args.baseline} ({revisions[0].commit}) vs change {args.change} ({revisions[1].commit}); "
              f"medians of {args.repeat}; load average {os.getloadavg()[0]:.1f}")
        print("| units, workbook | wall s baseline → change | planning CPU s | forked CPU s (change) |")
        print("|---|---|---|---|", flush=True)
        try:
            for units in map(int, args.sizes.split(",")):
                bench = folder / f"ws{units}"
                bench.mkdir()
                make_workspace(bench, units)
                for label, workspace in (("no <dimension>", bench),
                                         ("with <dimension>", with_dimension(bench, folder / f"ws{units}d")),
                                         ("nam_truoc", with_last_year(bench, folder / f"ws{units}y"))):
                    medians = side_by_side(revisions, args.repeat, plan_run(workspace))
                    old, new = medians["baseline"], medians["change"]
                    print(f"| {units:,}, {label} | {old['wall']:.2f} → {new['wall']:.2f} "
                          f"({old['wall'] / new['wall']:.2f}×) | {old['own']:.2f} → {new['own']:.2f} | "
                          f"{new['children']:.2f} |", flush=True)
        finally:
            for revision in revisions:
                revision.close()
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
