"""Time the summaries (tong_hop.xlsx and tong_hop.docx) of two git revisions side by side: CPU and peak RSS.

    python bench/summary.py                                  # main against this tree, 1k, 10k and 20k units
    python bench/summary.py --baseline REV --sizes 1000 --repeat 5 --last-year --check

As `congvan build` does, a process reads and assesses the synthetic workspace (bench/render.py), then forks a
child that writes both files. The child reports its CPU seconds (user + sys), its resident memory when forked
(inherited from the parent) and its peak (VmHWM, reset at the fork), and the growth between the two. Runs
alternate baseline and change; medians are printed as a Markdown table. --check compares, cell by cell and
part by part, what a reader sees in the two revisions' files. The baseline runs from a temporary
`git worktree` (cwd and PYTHONPATH, so the editable install of this tree is not imported).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

# Run in the revision's tree: argv = workspace, output folder. Prints one JSON line.
_CHILD = r"""
import datetime as dt, json, os, resource, sys, time
from pathlib import Path
from congvan.batch.build import read_assessments
from congvan.config import load_workspace
from congvan.files import atomic_write
from congvan.sources.catalog import workspace_catalog
from congvan.summary.report import summary_report
from congvan.summary.workbook import summary_workbook

def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024

workspace = load_workspace(Path(sys.argv[1]))
out = Path(sys.argv[2])
_tables, assessed = read_assessments(workspace, workspace_catalog(workspace), workspace.results, (), [])
reader, writer = os.pipe()
pid = os.fork()
if pid == 0:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM from here
    start_rss = status("VmRSS:")
    before = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter()
    try:  # since issue 20: both take the summary made once (a revision before takes the assessments)
        from congvan.summary.tables import summarize
        assessed = summarize(assessed)
    except ImportError:
        pass
    atomic_write(out / "tong_hop.xlsx", summary_workbook(assessed, workspace.assessment.very_low_margin, "Lô X."))
    atomic_write(out / "tong_hop.docx", summary_report(workspace, workspace.letter.template, assessed,
                                                       dt.date(2026, 11, 30)))
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    result = {"cpu": cpu, "wall": time.perf_counter() - wall, "start": start_rss, "peak": status("VmHWM:")}
    os.write(writer, json.dumps(result).encode())
    os._exit(0)
os.close(writer)
_, code = os.waitpid(pid, 0)
data = os.read(reader, 4096)
if code:
    raise SystemExit(f"child failed: {code}")
print(data.decode())
"""


def run(tree: Path, workspace: Path, out: Path) -> dict[str, float]:
    out.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([sys.executable, "-c", _CHILD, str(workspace), str(out)], cwd=tree, check=True,
                            capture_output=True, text=True, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["growth"] = figures["peak"] - figures["start"]
    return figures


def _cells(path: Path) -> dict[str, object]:
    """What a reader of the workbook sees, per sheet: every cell's value and look, the conditional formats,
    widths, heights, panes, print set-up; and the charts' and drawings' XML."""
    import zipfile

    import openpyxl

    book = openpyxl.load_workbook(path)
    seen: dict[str, object] = {"sheets": book.sheetnames, "names": sorted(book.defined_names)}
    for sheet in book.worksheets:
        cells = {}
        for row in sheet.iter_rows():
            for cell in row:
                value = None if cell.value == "" else cell.value
                font, fill, align, border = cell.font, cell.fill, cell.alignment, cell.border
                look = (cell.number_format, font.b, font.i, font.sz, font.color and font.color.rgb, fill.fill_type,
                        fill.fgColor.rgb, align.wrap_text, align.horizontal, align.vertical,
                        tuple(getattr(border, side).style for side in ("left", "right", "top", "bottom")))
                if value is not None or look != ("General", False, False, 11.0, None, None, "00000000", None,
                                                 None, None, (None,) * 4):
                    cells[cell.coordinate] = (value, look)
        rules = [(str(cf.sqref), [(r.type, r.operator, r.formula, r.stopIfTrue, r.priority,
                                   r.dxf and r.dxf.fill and r.dxf.fill.fgColor.rgb,
                                   r.dxf and r.dxf.font and r.dxf.font.color.rgb,
                                   r.dataBar and [(v.type, v.val) for v in r.dataBar.cfvo]) for r in cf.rules])
                 for cf in sheet.conditional_formatting]
        setup = sheet.page_setup
        seen[sheet.title] = (cells, sorted(rules), {k: v.width for k, v in sheet.column_dimensions.items()},
                             {k: v.height for k, v in sheet.row_dimensions.items() if v.height},
                             sheet.freeze_panes, sheet.print_area, sheet.print_title_rows,
                             (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
                              sheet.sheet_properties.pageSetUpPr.fitToPage))
    with zipfile.ZipFile(path) as package:
        seen["drawings"] = {name: package.read(name) for name in package.namelist()
                            if name.startswith(("xl/charts/", "xl/drawings/"))}
    return seen


def _parts(path: Path) -> dict[str, bytes]:
    """A .docx's members, but its creation date."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist() if name != "docProps/core.xml"}


def same_content(baseline: Path, change: Path) -> str:
    """"same" when the two folders' tong_hop.xlsx read the same and their tong_hop.docx have the same parts."""
    a, b = _cells(baseline / "tong_hop.xlsx"), _cells(change / "tong_hop.xlsx")
    differences = [key for key in a.keys() | b.keys() if a.get(key) != b.get(key)]
    if _parts(baseline / "tong_hop.docx") != _parts(change / "tong_hop.docx"):
        differences.append("tong_hop.docx")
    return "same" if not differences else "DIFFERENT: " + ", ".join(map(str, differences))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git revision to compare with (default main)")
    parser.add_argument("--sizes", default="1000,10000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="compare what a reader sees in both revisions' files")
    parser.add_argument("--last-year", action="store_true", help="with last year's results (the change columns)")
    parser.add_argument("--workspaces", type=Path, help="folder of workspaces N/ to reuse (made when missing)")
    args = parser.parse_args()
    from render import make_workspace

    with tempfile.TemporaryDirectory(prefix="congvan-summary-bench-") as temp:
        folder = Path(temp)
        base = folder / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.baseline],
                       check=True, capture_output=True)
        try:
            print("| units | revision | CPU s | wall s | RSS at fork MB | peak RSS MB | growth MB |")
            print("|---|---|---|---|---|---|---|")
            for units in (int(s) for s in args.sizes.split(",")):
                workspace = (args.workspaces or folder) / str(units)
                if not (workspace / "congvan.toml").exists():
                    workspace.mkdir(parents=True, exist_ok=True)
                    make_workspace(workspace, units)
                    last_year = ""
                    if args.last_year:  # another draw of the same units, as last year's results
                        (folder / "last").mkdir()
                        make_workspace(folder / "last", units, seed=8)
                        data = folder / "last" / "data"
                        (data / "ket_qua_2025.xlsx").rename(workspace / "data" / "ket_qua_2024.xlsx")
                        shutil.rmtree(folder / "last")
                        last_year = 'nam_truoc = ["data/ket_qua_2024.xlsx"]\n'
                    config = workspace / "congvan.toml"  # room for the header row above 20,000 units
                    config.write_text(config.read_text(encoding="utf-8").replace(
                        "[du_lieu]\n", f"[du_lieu]\nso_dong_toi_da = {units + 100}\n{last_year}", 1),
                        encoding="utf-8")
                runs: dict[str, list[dict[str, float]]] = {"baseline": [], "change": []}
                for _ in range(args.repeat):
                    for label, tree in (("baseline", base), ("change", ROOT)):
                        runs[label].append(run(tree, workspace, folder / "out" / label / str(units)))
                for label, results in runs.items():
                    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
                    print(f"| {units:,} | {label} | {median['cpu']:.2f} | {median['wall']:.2f} | "
                          f"{median['start']:.0f} | {median['peak']:.0f} | {median['growth']:.0f} |", flush=True)
                if args.check:
                    out = folder / "out"
                    verdict = same_content(out / "baseline" / str(units), out / "change" / str(units))
                    print(f"\n{units:,} units: {verdict}"
                          "\n", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)


if __name__ == "__main__":
    main()
