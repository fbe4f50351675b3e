"""Time `congvan --help` (the CLI's start-up: click and the command modules, no heavy library).

    python bench/startup.py            # median of 5 runs, plus the same for `congvan build --help`

Each run is a fresh process, as a clerk starts it. Prints the median and every run in seconds, and the
heavy modules (pandas, openpyxl, docxtpl, SQLAlchemy, lxml, pypdf, pydantic) the help imported (none).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

HEAVY = ("pandas", "openpyxl", "docxtpl", "sqlalchemy", "lxml", "pypdf", "pydantic")


def time_command(command: list[str], runs: int) -> list[float]:
    """Return the wall time of `runs` fresh runs of `command`, after one untimed warm-up run."""
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def heavy_imports() -> list[str]:
    code = ("import sys; from click.testing import CliRunner; import congvan.cli; "
            "CliRunner().invoke(congvan.cli.cli, ['--help']); "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    congvan = shutil.which("congvan")
    base = [congvan] if congvan else [sys.executable, "-m", "congvan"]
    for extra in (["--help"], ["build", "--help"]):
        times = time_command(base + extra, args.runs)
        shown = ", ".join(f"{t:.3f}" for t in times)
        print(f"congvan {' '.join(extra)}: median {statistics.median(times):.3f} s ({shown})")
    print("heavy modules imported by --help:", ", ".join(heavy_imports()) or "none")


if __name__ == "__main__":
    main()
