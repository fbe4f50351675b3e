"""Time the whole job — build, renderer, issue, PDF, start-up — for two git revisions side by side, in one run.

    python bench/speed.py                         # main against HEAD, build at 1k, 10k and 20k units
    python bench/speed.py --baseline REV --change REV --sizes 1000,5000 --repeat 3 --skip pdf

Each revision is checked out into a temporary `git worktree` and run from there (`PYTHONPATH`), on the same
synthetic workspaces (bench/render.py's `make_workspace`: the sample workspace, N units, 2 tables, 7 criteria,
charts off as in the sample); runs alternate baseline, change, baseline, … so that both see the same machine.
Prints a Markdown table: wall-time medians, peak RSS (the largest process), and change ÷ baseline.
Other programs on the machine slow both alike; the load average is printed with the table.
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from render import make_workspace, set_charts  # noqa: E402

# Runs a command, prints its exit code, wall seconds, peak RSS of its largest process (KiB) and CPU seconds.
_TIMER = ("import resource, subprocess, sys, time; s = time.perf_counter(); "
          "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); w = time.perf_counter() - s; "
          "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
          "print(r.returncode, w, u.ru_maxrss, u.ru_utime + u.ru_stime); print(r.stdout + r.stderr, file=sys.stderr)")
ISSUE_DATE = "2026-11-25"


class Revision:
    """A git revision checked out in a temporary worktree, run with this Python."""

    def __init__(self, label: str, rev: str, folder: Path) -> None:
        self.label, self.rev, self.root = label, rev, folder / label
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(self.root), rev],
                       check=True, capture_output=True)
        self.commit = subprocess.run(["git", "-C", str(self.root), "rev-parse", "--short", "HEAD"], check=True,
                                     capture_output=True, text=True).stdout.strip()

    def env(self, **extra: str) -> dict[str, str]:
        # the LibreOffice profiles `congvan pdf` keeps between runs stay in this run's folder
        return {**os.environ, "PYTHONPATH": str(self.root), "CONGVAN_CACHE_DIR": str(self.root.parent / "cache"),
                **extra}

    def timed(self, args: list[str], **extra: str) -> dict[str, float]:
        """Run `python -m congvan ARGS` from this revision; return wall s, peak RSS MB, CPU s."""
        command = [sys.executable, "-c", _TIMER, sys.executable, "-m", "congvan", *args]
        # cwd: `python -m` puts the working directory first on sys.path, before PYTHONPATH; run from a checkout,
        # both revisions would import that checkout's congvan
        result = subprocess.run(command, capture_output=True, text=True, env=self.env(**extra), check=True,
                                cwd=self.root)
        code, wall, rss, cpu = result.stdout.split()
        if code != "0":
            raise SystemExit(f"{self.label}: congvan {' '.join(args)} failed ({code}):\n{result.stderr[-3000:]}")
        return {"wall": float(wall), "rss": int(rss) / 1024, "cpu": float(cpu)}

    def close(self) -> None:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(self.root)], check=False,
                       capture_output=True)


def side_by_side(revisions: list[Revision], repeat: int, run: Callable[[Revision], dict[str, float]]
                 ) -> dict[str, dict[str, float]]:
    """Run `run` for each revision in turn, `repeat` rounds; return each one's medians."""
    runs: dict[str, list[dict[str, float]]] = {r.label: [] for r in revisions}
    for _ in range(repeat):
        for revision in revisions:
            runs[revision.label].append(run(revision))
    return {label: {key: statistics.median(r[key] for r in rs) for key in rs[0]} for label, rs in runs.items()}


def fresh(workspace: Path) -> Path:
    shutil.rmtree(workspace / "output", ignore_errors=True)
    (workspace / "so.db").unlink(missing_ok=True)
    return workspace


def build_run(workspace: Path, *extra: str) -> Callable[[Revision], dict[str, float]]:
    def run(revision: Revision) -> dict[str, float]:
        return revision.timed(["build", "-w", str(fresh(workspace)), *extra],
                              CONGVAN_REGISTER_URL=f"sqlite:///{workspace / 'so.db'}")
    return run


def issue_run(workspace: Path, units: int) -> Callable[[Revision], dict[str, float]]:
    """`build --issue` minus `build`, per letter (ms), both timed in the same round."""
    def run(revision: Revision) -> dict[str, float]:
        plain = build_run(workspace)(revision)
        issued = build_run(workspace, "--issue", "--date", ISSUE_DATE)(revision)
        return {"wall": issued["wall"], "rss": issued["rss"], "ms": 1000 * (issued["wall"] - plain["wall"]) / units}
    return run


def pdf_run(workspace: Path) -> Callable[[Revision], dict[str, float]]:
    def run(revision: Revision) -> dict[str, float]:
        for pdf in (workspace / "output" / "drafts").glob("*/*.pdf"):
            pdf.unlink()
        return revision.timed(["pdf", "-w", str(workspace), "latest"])
    return run


def renderer_run(workspace: Path, folder: Path, units: int) -> Callable[[Revision], dict[str, float]]:
    """Each revision's bench/render.py child mode: its renderer, 1 process, on the same stored contexts."""
    contexts = folder / "contexts.jsonl"
    if not contexts.exists():
        sys.path.insert(0, str(ROOT))
        from congvan.batch.build import BuildOptions, plan
        from congvan.config import load_workspace

        planned = plan(load_workspace(workspace), BuildOptions(workers=1))
        with open(contexts, "w", encoding="utf-8") as handle:
            for letter in planned.letters[:units]:
                handle.write(json.dumps(planned.contexts(letter), ensure_ascii=False) + "\n")

    def run(revision: Revision) -> dict[str, float]:
        out = folder / f"render-{revision.label}"
        shutil.rmtree(out, ignore_errors=True)
        command = [sys.executable, str(revision.root / "bench" / "render.py"), "--method", "ours-1", "--template",
                   str(workspace / "templates_docx" / "cong_van_chi_dao.docx"), "--contexts", str(contexts),
                   "--out", str(out), "--n", str(units)]
        result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True,
                                           env=revision.env()).stdout)
        return {"wall": result["wall"], "rss": result["rss_mb"], "ms": 1000 * result["median"]}
    return run


def help_run(*args: str) -> Callable[[Revision], dict[str, float]]:
    def run(revision: Revision) -> dict[str, float]:
        return revision.timed([*args, "--help"])
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git revision to compare against (default: main)")
    parser.add_argument("--change", default="HEAD", help="git revision measured (default: HEAD)")
    parser.add_argument("--sizes", default="1000,10000,20000", help="units of the build rows")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--issue-n", type=int, default=5000)
    parser.add_argument("--pdf-n", type=int, default=300)
    parser.add_argument("--skip", default="", help="comma-separated: build, render, issue, pdf, help, charts")
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        revisions = [Revision("baseline", args.baseline, folder), Revision("change", args.change, folder)]
        rows = Rows(revisions, args.repeat)  # printed as each is measured
        try:
            def workspace(units: int) -> Path:
                path = folder / f"ws{units}"
                if not path.exists():
                    path.mkdir()
                    make_workspace(path, units)
                return path

            if "help" not in skip:
                for command in ((), ("web",)):
                    rows.append((f"`congvan {' '.join(command) + ' ' if command else ''}--help`",
                                 side_by_side(revisions, 5, help_run(*command)), "wall"))
            for units in [int(n) for n in args.sizes.split(",")] if "build" not in skip else []:
                rows.append((f"build {units:,} letters", side_by_side(revisions, args.repeat,
                                                                      build_run(workspace(units))), "rate"))
            if "charts" not in skip:
                charted = workspace(1000)
                set_charts(charted, True)
                rows.append(("build 1,000 letters, bieu_do = true",
                             side_by_side(revisions, args.repeat, build_run(charted)), "rate"))
                set_charts(charted, False)
            if "render" not in skip:
                rows.append(("renderer 1 core, 1,000 letters (median ms/letter)",
                             side_by_side(revisions, args.repeat, renderer_run(workspace(1000), folder, 1000)), "ms"))
            if "issue" not in skip:
                rows.append((f"build --issue {args.issue_n:,}: overhead ms/letter",
                             side_by_side(revisions, args.repeat, issue_run(workspace(args.issue_n), args.issue_n)),
                             "ms"))
            if "pdf" not in skip:
                small = workspace(args.pdf_n)
                build_run(small)(revisions[1])
                rows.append((f"pdf {args.pdf_n} letters", side_by_side(revisions, min(args.repeat, 2),
                                                                       pdf_run(small)), "rate"))
        finally:
            for revision in revisions:
                revision.close()
    print(f"load average at the end {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}")


class Rows:
    """The table, printed a row at a time (a long run shows what it has measured so far)."""

    def __init__(self, revisions: list[Revision], repeat: int) -> None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        base, change = revisions
        print(f"baseline {base.rev} ({base.commit}) vs change {change.rev} ({change.commit}); {cpus} CPUs, "
              f"Python {sys.version.split()[0]}, medians of {repeat} alternating runs, load average at the start "
              f"{os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}")
        print("| measure | baseline | change | change ÷ baseline | peak RSS MB baseline → change |")
        print("|---|---|---|---|---|", flush=True)

    def append(self, row: tuple[str, dict[str, dict[str, float]], str]) -> None:
        label, medians, shown = row
        old, new = medians["baseline"], medians["change"]
        units = int(label.split()[1].replace(",", "")) if shown == "rate" else 0
        if shown == "rate":
            cpu = (f"; CPU {old['cpu']:.1f} → {new['cpu']:.1f} s ({old['cpu'] / new['cpu']:.2f}×)"
                   if "cpu" in old else "")  # CPU time hardly moves when other programs share the machine
            values = (f"{units / old['wall']:,.0f}/s ({old['wall']:.2f} s)", f"{units / new['wall']:,.0f}/s "
                      f"({new['wall']:.2f} s)", f"{old['wall'] / new['wall']:.2f}× faster{cpu}")
        elif shown == "ms":
            values = (f"{old['ms']:.2f} ms", f"{new['ms']:.2f} ms", f"{old['ms'] / new['ms']:.2f}× faster")
        else:
            values = (f"{old['wall']:.3f} s", f"{new['wall']:.3f} s", f"{old['wall'] / new['wall']:.2f}× faster")
        print(f"| {label} | {' | '.join(values)} | {old['rss']:.0f} → {new['rss']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
