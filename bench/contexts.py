"""Time and check each letter's context, its stored form and its manifest entry against another git revision.

    python bench/contexts.py time --baseline /tmp/base --units 3000 --repeat 5   # ms a letter, alternated
    python bench/contexts.py time --profile                                       # cProfile of this tree
    python bench/contexts.py check --baseline /tmp/base                           # same bytes as the baseline

`BASELINE` is a checkout of the revision to compare with (`git worktree add --detach /tmp/base main`); each run
is a fresh process with that checkout first on `PYTHONPATH`. `time` plans a synthetic batch once
(bench/render.py's `make_workspace`), then times `ContextMaker` + `drafts.context_bytes` + `drafts.letter_entry`
for every letter, the way `congvan build` makes them (the first pass, in CPU seconds of the process), runs of
baseline and this tree alternating. `check` builds the same workspaces — the sample, N synthetic units, N units
with charts and last year, N units with recipients sorted "abc", criteria in catalog order and additions — with
both trees and compares every .docx, contexts.jsonl, manifest.csv and manifest entry byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 25)


# -- run in a child process, from the tree on PYTHONPATH --


def _time_child(workspace: Path, profile: bool) -> None:
    import cProfile
    import pstats
    import time

    from congvan.batch import drafts
    from congvan.batch.build import BuildOptions, plan
    from congvan.config import load_workspace

    planned = plan(load_workspace(workspace), BuildOptions(today=TODAY))
    data = b"x" * 20_000  # a .docx's size, for the SHA-256 in the entry

    def one_pass() -> None:
        for letter in planned.letters:
            context = planned.contexts(letter)
            drafts.context_bytes(context)
            drafts.letter_entry(letter.index, letter.unit, letter.stem, data, context, letter.weaknesses,
                                letter.strengths, letter.figures)

    profiler = cProfile.Profile() if profile else None
    start = time.process_time()
    if profiler:
        profiler.runcall(one_pass)
    else:
        one_pass()
    seconds = time.process_time() - start
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    print(json.dumps({"letters": len(planned.letters), "seconds": seconds}))


def _build_child(workspace: Path, out: Path) -> None:
    from unittest import mock

    from congvan.batch.build import BuildOptions, build
    from congvan.config import load_workspace

    with mock.patch("congvan.clock.now", return_value=dt.datetime(2026, 11, 25, 9, 30, 0)):
        report = build(load_workspace(workspace), BuildOptions(today=TODAY, out=out))
    print(json.dumps({"folder": str(report.folder), "warnings": report.warnings}))


# -- the parent --


def _child(code: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    result = subprocess.run([sys.executable, __file__, "child", *args], env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{code}: {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    if result.stderr:
        print(result.stderr, file=sys.stderr)
    return json.loads(result.stdout.splitlines()[-1])


def _bench_workspace(folder: Path, units: int, *, charts: bool = False, last_year: bool = False,
                     variety: bool = False) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from render import make_workspace  # bench/render.py

    folder.mkdir(parents=True)
    make_workspace(folder, units)
    config = folder / "congvan.toml"
    text = config.read_text(encoding="utf-8")
    if charts:
        text = text.replace("[van_ban]\n", "[van_ban]\nbieu_do = true\n", 1)
    if last_year:
        (folder / "last").mkdir()
        make_workspace(folder / "last", units, seed=11)
        shutil.move(folder / "last" / "data" / "ket_qua_2025.xlsx", folder / "data" / "ket_qua_2024.xlsx")
        shutil.rmtree(folder / "last")
        text = text.replace("[du_lieu]\n", '[du_lieu]\nnam_truoc = ["data/ket_qua_2024.xlsx"]\n', 1)
    if variety:
        text = text.replace('sap_xep = "danh_sach"', 'sap_xep = "abc"').replace('thu_tu = "nhom"',
                                                                                 'thu_tu = "danh_muc"')
        (folder / "recipients" / "bo_sung.csv").write_text(
            "Đơn vị,Kính gửi,Nơi nhận\nPhường Mẫu 00003,,Bộ Tư lệnh Vùng 4 Hải quân (p/h)\n"
            "Phường Mẫu 00007,Ban Chỉ huy quân sự {{ don_vi }},Đảng ủy {{ don_vi }} (để biết)\n", encoding="utf-8")
    config.write_text(text, encoding="utf-8")
    return folder


def _sample_workspace(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copyfile(ROOT / "congvan.toml", folder / "congvan.toml")
    for part in ("data", "recipients", "templates_docx"):
        shutil.copytree(ROOT / part, folder / part)
    return folder


def _compare(old: Path, new: Path) -> list[str]:
    """Return the differences between two batch folders (the summaries are another part's and not compared)."""
    problems = []
    names = sorted(p.name for p in old.iterdir() if not p.name.startswith("tong_hop"))
    if names != sorted(p.name for p in new.iterdir() if not p.name.startswith("tong_hop")):
        problems.append(f"files differ: {names[:5]}…")
    for name in names:
        if name != "manifest.json" and (old / name).read_bytes() != (new / name).read_bytes():
            problems.append(f"{name} differs")
    manifests = [json.loads((folder / "manifest.json").read_bytes()) for folder in (old, new)]
    for manifest in manifests:
        del manifest["batch"]  # random
    if manifests[0] != manifests[1]:
        problems.append("manifest.json differs")
    return problems


def check(baseline: Path, units: int) -> int:
    failed = 0
    with tempfile.TemporaryDirectory(prefix="contexts-check-") as temp:
        folder = Path(temp)
        cases = {
            "sample": _sample_workspace(folder / "sample"),
            f"{units} units": _bench_workspace(folder / "plain", units),
            f"{units} units, charts, last year": _bench_workspace(folder / "charts", units, charts=True,
                                                                  last_year=True),
            f"{units} units, abc, catalog order, additions": _bench_workspace(folder / "variety", units,
                                                                              variety=True),
        }
        for label, workspace in cases.items():
            made = {}
            for name, code in (("baseline", baseline), ("change", ROOT)):
                made[name] = _child(code, "build", str(workspace), str(folder / f"{workspace.name}-{name}"))
            problems = _compare(Path(made["baseline"]["folder"]), Path(made["change"]["folder"]))
            if made["baseline"]["warnings"] != made["change"]["warnings"]:
                problems.append("warnings differ")
            letters = len(json.loads((Path(made["change"]["folder"]) / "manifest.json").read_bytes())["letters"])
            print(f"{label}: {letters} letters, " + ("; ".join(problems) if problems else "identical"))
            failed += bool(problems)
    return failed


def time_contexts(baseline: Path | None, units: int, repeat: int, profile: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="contexts-time-") as temp:
        workspace = _bench_workspace(Path(temp) / "ws", units)
        trees = ([("baseline", baseline)] if baseline else []) + [("change", ROOT)]
        runs: dict[str, list[float]] = {name: [] for name, _ in trees}
        for _ in range(repeat):
            for name, code in trees:
                result = _child(code, "time", str(workspace), *(["--profile"] if profile else []))
                runs[name].append(result["seconds"] * 1000 / result["letters"])
        for name, times in runs.items():
            print(f"{name}: {statistics.median(times):.3f} ms a letter (CPU, median of {len(times)}: "
                  + ", ".join(f"{t:.3f}" for t in times) + ")")
        if baseline:
            print(f"baseline ÷ change: {statistics.median(runs['baseline']) / statistics.median(runs['change']):.2f}")


def main() -> None:
    if sys.argv[1:2] == ["child"]:
        kind, workspace, *rest = sys.argv[2:]
        if kind == "time":
            _time_child(Path(workspace), "--profile" in rest)
        else:
            _build_child(Path(workspace), Path(rest[0]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("time", "check"))
    parser.add_argument("--baseline", type=Path, help="a checkout of the revision to compare with")
    parser.add_argument("--units", type=int, default=None, help="units (time: 3000, check: 2000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print each run's cProfile (time)")
    args = parser.parse_args()
    if args.mode == "check":
        if not args.baseline:
            parser.error("check needs --baseline")
        raise SystemExit(1 if check(args.baseline, args.units or 2000) else 0)
    time_contexts(args.baseline, args.units or 3000, args.repeat, args.profile)


if __name__ == "__main__":
    main()
