"""Benchmark the batch renderer against the naive docxtpl loop, in one run, on the same template and contexts.

    python bench/render.py --n 1000            # add --naive-n 1000 to time the naive loop on all N letters

Makes a workspace whose results hold N synthetic units (2 tables, 7 criteria), plans the batch once and
saves the N letter contexts, then times, each in a fresh process so that peak RSS is its own:

1. naive: for each letter `DocxTemplate(path).render(ctx, jinja_env, autoescape=True)` and `.save()` to
   bytes (on the first --naive-n letters: it is slow; letters/s is what is compared);
2. congvan renderer, 1 core: `LetterTemplate(path)` once, then `render(ctx)` to bytes; and the same on its
   exact path only (`LetterTemplate(path, exact=True)`: every letter parsed by expat), which must give the
   same bytes;
3. congvan renderer, all cores: the same in one process per CPU, the template compiled once per process;
4. the whole `congvan build` command for the N units (read workbook, assess, contexts, render, write
   .docx + context .json, manifest), as a clerk runs it;
5. the same build with a chart in each section (`[van_ban] bieu_do = true`), runs interleaved with 4 so that
   both see the same machine, and the time of drawing one chart alone (render/charts.py).

Prints letters/s, median ms per letter, peak RSS, and the ratio to the naive loop; checks that the naive
loop and the renderer give the same document XML for a sample of letters.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from lxml import etree  # noqa: E402

from congvan.batch.build import BuildOptions, plan  # noqa: E402
from congvan.config import load_workspace  # noqa: E402
from congvan.render import charts  # noqa: E402
from congvan.render.sandbox import make_environment  # noqa: E402
from congvan.render.template import LetterTemplate  # noqa: E402
from congvan.sources.catalog import load_catalog  # noqa: E402


def own_config(text: str, agency: bool = True) -> str:
    """The sample congvan.toml as a clerk leaves it once it is theirs: no `mau = true`, no "(ví dụ)"; with
    `agency`, another province's agency and signer, as results that are not the sample's units need."""
    text = text.replace("mau = true\n", "").replace(" (ví dụ)", "")
    if agency:
        text = (text.replace('chu_quan = "UBND TỈNH KHÁNH HÒA"', 'chu_quan = "UBND TỈNH LÂM ĐỒNG"')
                .replace('ho_ten = "Nguyễn Thị Minh Hằng"', 'ho_ten = "Trần Văn Bình"'))
    return text


def make_workspace(folder: Path, units: int, seed: int = 7) -> Path:
    """Copy the sample workspace, made another agency's, into `folder` with a results workbook of `units`
    synthetic units."""
    config = own_config((ROOT / "congvan.toml").read_text(encoding="utf-8"))
    if units >= 20_000:  # the header row and N units are more rows than a sheet may have by default
        config = config.replace("[du_lieu]\n", f"[du_lieu]\nso_dong_toi_da = {units + 100}\n")
    (folder / "congvan.toml").write_text(config, encoding="utf-8")
    for part in ("recipients", "templates_docx"):
        shutil.copytree(ROOT / part, folder / part)
    (folder / "data").mkdir()
    shutil.copyfile(ROOT / "data" / "tieu_chi.toml", folder / "data" / "tieu_chi.toml")
    (folder / "recipients" / "bo_sung.csv").unlink(missing_ok=True)
    catalog = load_catalog(folder / "data" / "tieu_chi.toml")
    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    for spec in catalog.tables:
        sheet = workbook.create_sheet(spec.name)
        sheet.append(["STT", spec.unit_headers[0], *[c.headers[0] for c in spec.criteria]])
        for i in range(1, units + 1):
            sheet.append([i, f"Phường Mẫu {i:05d}", *[round(rng.uniform(60, 95), 2) for _ in spec.criteria]])
    workbook.save(folder / "data" / "ket_qua_2025.xlsx")
    return folder


# -- one method, in its own process --

_WORKER: dict = {}
CHECKED = 20  # letters written to disk to compare the methods; the timed work is render to bytes


def _init(template: str, out: str, exact: bool = False) -> None:
    _WORKER.update(template=LetterTemplate(Path(template), exact=exact), out=Path(out))


def _render_chunk(chunk: list[tuple[int, dict]]) -> list[float]:
    times = []
    for index, context in chunk:
        start = time.perf_counter()
        data = _WORKER["template"].render(context)
        times.append(time.perf_counter() - start)
        if index < CHECKED:  # kept for the cross-checks, outside the timing
            (_WORKER["out"] / f"{index:05d}.docx").write_bytes(data)
    return times


def run_method(method: str, template: Path, contexts_file: Path, out: Path, limit: int) -> dict:
    """Render the contexts with `method`; return wall seconds, letters, per-letter times."""
    contexts = [json.loads(line) for line in contexts_file.read_text(encoding="utf-8").splitlines()][:limit]
    out.mkdir(parents=True, exist_ok=True)
    times: list[float] = []
    start = time.perf_counter()
    if method == "naive":
        from docxtpl import DocxTemplate

        env = make_environment()
        for index, context in enumerate(contexts):
            begin = time.perf_counter()
            document = DocxTemplate(str(template))
            document.render(context, jinja_env=env, autoescape=True)
            buffer = io.BytesIO()
            document.save(buffer)
            times.append(time.perf_counter() - begin)
            if index < CHECKED:
                (out / f"{index:05d}.docx").write_bytes(buffer.getvalue())
    elif method in ("ours-1", "exact-1"):
        _init(str(template), str(out), exact=method == "exact-1")
        times = _render_chunk(list(enumerate(contexts)))
    elif method == "ours-all":
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        items = list(enumerate(contexts))
        size = max(8, len(items) // (cpus * 8) or 1)
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        with multiprocessing.get_context("fork").Pool(cpus, _init, (str(template), str(out))) as pool:
            for chunk_times in pool.imap(_render_chunk, chunks):
                times += chunk_times
    wall = time.perf_counter() - start
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"method": method, "letters": len(contexts), "wall": wall, "median": statistics.median(times),
            "rss_mb": peak / 1024}


def run_build(workspace: Path) -> dict:
    """Time `congvan build` in a child process; peak RSS and CPU time (user + system) cover it and its workers.

    CPU time hardly moves when other programs share the machine; wall time does."""
    code = ("import resource, subprocess, sys, time; s = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); w = time.perf_counter() - s; "
            "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "print(r.returncode, w, u.ru_maxrss, u.ru_utime + u.ru_stime); "
            "print(r.stdout + r.stderr, file=sys.stderr)")
    command = [sys.executable, "-c", code, sys.executable, "-m", "congvan", "build", "-w", str(workspace)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    returncode, wall, rss, cpu = result.stdout.split()
    if returncode != "0":
        raise SystemExit(f"congvan build failed: {result.stderr}")
    return {"wall": float(wall), "rss_mb": int(rss) / 1024, "cpu": float(cpu)}


def set_charts(workspace: Path, on: bool) -> None:
    """Turn the letters' charts on or off in the workspace's congvan.toml."""
    config = workspace / "congvan.toml"
    text = config.read_text(encoding="utf-8").replace("[van_ban]\nbieu_do = true\n", "[van_ban]\n")
    config.write_text(text.replace("[van_ban]\n", "[van_ban]\nbieu_do = true\n", 1) if on else text,
                      encoding="utf-8")


def time_charts(contexts_file: Path, count: int = 400) -> float:
    """Median milliseconds to draw one section chart of the first letters (the shared part already drawn)."""
    drawn = []
    with open(contexts_file, encoding="utf-8") as handle:
        for line, _ in zip(handle, range(count), strict=False):
            drawn += [charts.BarChart.from_dict(section["bieu_do"]) for section in json.loads(line)["bang"]
                      if section.get("bieu_do")]
    charts.draw(drawn[0])
    times = []
    for chart in drawn:
        start = time.perf_counter()
        charts.draw(chart)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _median_run(runs: list[dict]) -> dict:
    """Return the run with the median wall time (this machine's timings vary by ±30% run to run)."""
    return sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]


def same_document(first: Path, second: Path) -> bool:
    def canonical(path: Path) -> bytes:
        with zipfile.ZipFile(path) as archive:
            root = etree.fromstring(archive.read("word/document.xml"))
        return etree.tostring(root, method="c14n", exclusive=True)
    return canonical(first) == canonical(second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="letters (units)")
    parser.add_argument("--naive-n", type=int, default=300, help="letters timed with the naive loop (slow)")
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method; the median is shown")
    parser.add_argument("--method", help=argparse.SUPPRESS)
    parser.add_argument("--template", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--contexts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.method:  # child process: one method
        limit = args.naive_n if args.method == "naive" else args.n
        print(json.dumps(run_method(args.method, args.template, args.contexts, args.out, limit)))
        return

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        (root / "ws").mkdir()
        workspace = make_workspace(root / "ws", args.n)
        ws = load_workspace(workspace)
        planned = plan(ws, BuildOptions(workers=1))
        contexts_file = root / "contexts.jsonl"
        with open(contexts_file, "w", encoding="utf-8") as handle:
            for letter in planned.letters:
                handle.write(json.dumps(planned.contexts(letter), ensure_ascii=False) + "\n")
        template = planned.template.path
        results = {}
        for method in ("naive", "ours-1", "exact-1", "ours-all"):
            command = [sys.executable, __file__, "--method", method, "--template", str(template), "--contexts",
                       str(contexts_file), "--out", str(root / method), "--n", str(args.n),
                       "--naive-n", str(min(args.naive_n, args.n))]
            runs = [json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
                    for _ in range(args.repeat)]
            results[method] = _median_run(runs)
        builds, charted_builds = [], []
        for _ in range(args.repeat):
            for on, runs in ((False, builds), (True, charted_builds)):
                set_charts(workspace, on)
                shutil.rmtree(workspace / "output", ignore_errors=True)
                runs.append(run_build(workspace))
        build, charted = _median_run(builds), _median_run(charted_builds)
        planned = plan(load_workspace(workspace), BuildOptions(workers=1))  # bieu_do = true now
        with open(contexts_file, "w", encoding="utf-8") as handle:
            for letter in planned.letters[:400]:
                handle.write(json.dumps(planned.contexts(letter), ensure_ascii=False) + "\n")
        chart_ms = time_charts(contexts_file)
        sections = sum(1 for section in planned.contexts(planned.letters[0])["bang"] if section["bieu_do"])

        checked = min(CHECKED, results["naive"]["letters"])
        for index in range(checked):
            name = f"{index:05d}.docx"
            if not same_document(root / "naive" / name, root / "ours-1" / name):
                raise SystemExit(f"naive and congvan disagree on letter {index}")
        for method in ("ours-1", "exact-1", "ours-all"):
            for index in range(min(CHECKED, args.n)):
                name = f"{index:05d}.docx"
                if (root / "ours-1" / name).read_bytes() != (root / method / name).read_bytes():
                    raise SystemExit(f"{method} wrote different bytes for letter {index}")

    naive_rate = results["naive"]["letters"] / results["naive"]["wall"]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"N = {args.n} letters, template {template.name}, {cpus} CPUs, Python {sys.version.split()[0]}, "
          f"median of {args.repeat} runs")
    print("| method | letters | wall s | letters/s | median ms/letter | peak RSS MB | × naive |")
    print("|---|---|---|---|---|---|---|")
    labels = {"naive": "naive docxtpl loop (render + save to bytes)", "ours-1": "congvan renderer, 1 process",
              "exact-1": "congvan renderer, exact path only, 1 process",
              "ours-all": f"congvan renderer, {cpus} processes"}
    for method, result in results.items():
        rate = result["letters"] / result["wall"]
        print(f"| {labels[method]} | {result['letters']} | {result['wall']:.2f} | {rate:,.0f} "
              f"| {1000 * result['median']:.2f} | {result['rss_mb']:.0f} | {rate / naive_rate:.1f} |")
    rate = args.n / build["wall"]
    print(f"| `congvan build` end to end (read, assess, contexts, render, write, manifest) | {args.n} "
          f"| {build['wall']:.2f} | {rate:,.0f} | – | {build['rss_mb']:.0f} | {rate / naive_rate:.1f} |")
    rate = args.n / charted["wall"]
    print(f"| `congvan build` with charts (`bieu_do = true`, {sections} a letter) | {args.n} "
          f"| {charted['wall']:.2f} | {rate:,.0f} | – | {charted['rss_mb']:.0f} | {rate / naive_rate:.1f} |")
    print(f"Same document XML as docxtpl on {checked} letters; same bytes on 1 and {cpus} processes and on the "
          "exact path.")
    extra = 1000 * (charted["cpu"] - build["cpu"]) / args.n
    print(f"Charts: {chart_ms:.2f} ms to draw one (median, 1 process). The build with charts takes "
          f"{charted['wall'] / build['wall']:.2f}× the wall time of the build without and "
          f"{charted['cpu'] / build['cpu']:.2f}× its CPU time ({build['cpu']:.1f} s → {charted['cpu']:.1f} s): "
          f"{extra:.2f} ms of CPU more a letter.")


if __name__ == "__main__":
    main()
