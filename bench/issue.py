"""Time the issue step alone (`issue_batch`, one process) for this tree and a baseline, on the same drafts.

    python bench/issue.py --units 5000 --baseline /tmp/base --repeat 5          # SQLite
    python bench/issue.py --units 2000 --baseline /tmp/base --pg                # PostgreSQL (CONGVAN_TEST_PG_URL)
    python bench/issue.py --units 2000 --profile /tmp/issue.prof                # cProfile of this tree's issue

A workspace of `--units` synthetic units (bench/render.py) is built once with this tree's `congvan build`; each
run then issues its draft batch into a fresh output folder and a fresh register, in a child process that imports
congvan from this tree or from `--baseline` (a checkout, e.g. `git worktree add --detach /tmp/base main`), runs
alternating. The clock is frozen in the child, so both trees must write the same register: the child prints a
SHA-256 of every row and event and of every issued file, and the parent says whether they are the same.
Prints wall and CPU (user + system of the process, its writer threads included) a letter, medians.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = "2026-11-25T09:30:00+07:00"
ISSUE_DATE = "2026-11-25"


def child(batch: Path, out: Path, url: str, profile: str | None, workers: int | None) -> None:
    """Issue `batch` with the congvan on sys.path; print timings and digests as JSON."""
    import datetime as dt
    import resource

    from congvan import clock
    from congvan.batch.issue import issue_batch
    from congvan.register import chain

    frozen = dt.datetime.fromisoformat(FROZEN)
    clock.now = chain.now = lambda: frozen  # type: ignore[assignment]  # same stamps in both trees' registers
    date = dt.date.fromisoformat(ISSUE_DATE)
    extra = {"workers": workers} if workers else {}  # a baseline may not have the parameter
    usage = _cpu()
    start = time.perf_counter()
    if profile:
        import cProfile

        cProfile.runctx("issue_batch(batch, register=url, output_dir=out, issued_on=date, **extra)", globals(),
                        {"issue_batch": issue_batch, "batch": batch, "url": url, "out": out, "date": date,
                         "extra": extra}, profile)
    else:
        issue_batch(batch, register=url, output_dir=out, issued_on=date, **extra)
    wall = time.perf_counter() - start
    cpu = _cpu() - usage
    import congvan

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "cpu": cpu, "rss": rss, "module": congvan.__file__,
                      "register": register_digest(url), "files": files_digest(out)}))


def _cpu() -> float:
    """User + system seconds of this process (its threads included) and of its ended children (workers)."""
    import resource

    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def register_digest(url: str) -> str:
    """SHA-256 of every column of every document row and event, in id / seq order."""
    import sqlalchemy as sa

    from congvan.register.engine import make_engine
    from congvan.register.schema import documents, events

    engine = make_engine(url)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table, key in ((documents, documents.c.id), (events, events.c.seq)):
            for row in conn.execute(sa.select(table).order_by(key)):
                digest.update(repr(tuple(row)).encode("utf-8"))
    engine.dispose()
    return digest.hexdigest()


def files_digest(out: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(out.rglob("*.docx")):
        digest.update(path.relative_to(out).as_posix().encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def prepare(folder: Path, units: int) -> Path:
    """Build (once) a workspace of `units` units and its draft batch; return the batch folder."""
    drafts = folder / "output" / "drafts"
    if not drafts.is_dir():
        sys.path.insert(0, str(ROOT / "bench"))
        from render import make_workspace

        folder.mkdir(parents=True, exist_ok=True)
        make_workspace(folder, units)
        subprocess.run([sys.executable, "-m", "congvan", "build", "-w", str(folder)], check=True, cwd=ROOT,
                       capture_output=True)
    return next(p for p in sorted(drafts.iterdir()) if not p.name.startswith("."))


def register_url(scratch: Path, pg: bool) -> tuple[str, str | None]:
    """A fresh register: an SQLite file, or a new schema on CONGVAN_TEST_PG_URL's server (returned to drop)."""
    if not pg:
        return f"sqlite:///{scratch / 'so.db'}", None
    base = os.environ["CONGVAN_TEST_PG_URL"]
    schema = "bench_" + uuid.uuid4().hex[:12]
    _psql(base, f"CREATE SCHEMA {schema}")
    return base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}", schema


def _psql(base: str, statement: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(statement))
    engine.dispose()


def run(tree: Path | None, batch: Path, scratch: Path, pg: bool, profile: str | None = None,
        workers: int | None = None) -> dict:
    """One issue of `batch` by `tree` (None: this tree) into a fresh output folder and register."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    url, schema = register_url(scratch, pg)
    env = {**os.environ, "PYTHONPATH": str(tree or ROOT)}
    command = [sys.executable, __file__, "--child", str(batch), str(scratch / "output"), url, profile or "",
               str(workers or "")]
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=scratch)
        if result.returncode:
            raise SystemExit(f"{tree or ROOT}: issue failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.splitlines()[-1])
    finally:
        if schema:
            _psql(os.environ["CONGVAN_TEST_PG_URL"], f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--folder", type=Path, help="workspace to build in (default: a /tmp folder per size)")
    parser.add_argument("--baseline", type=Path, help="a checkout of the revision to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", action="store_true", help="a PostgreSQL register (CONGVAN_TEST_PG_URL)")
    parser.add_argument("--profile", help="write this tree's cProfile of one issue here, and stop")
    parser.add_argument("--workers", type=int, help="this tree's rendering processes (default: its own choice)")
    args = parser.parse_args()
    batch = prepare(args.folder or Path(tempfile.gettempdir()) / f"bench-issue-{args.units}", args.units)
    scratch = Path(tempfile.mkdtemp(prefix="bench-issue-run-"))
    try:
        if args.profile:
            print(run(None, batch, scratch / "run", args.pg, args.profile, args.workers))
            return
        trees = {"baseline": args.baseline, "change": None} if args.baseline else {"change": None}
        runs: dict[str, list[dict]] = {label: [] for label in trees}
        for _ in range(args.repeat):
            for label, tree in trees.items():
                result = run(tree, batch, scratch / "run", args.pg, workers=None if tree else args.workers)
                runs[label].append(result)
                print(f"{label}: {1000 * result['wall'] / args.units:.2f} ms wall, "
                      f"{1000 * result['cpu'] / args.units:.2f} ms CPU a letter ({result['module']})", flush=True)
        print(f"\n{args.units:,} letters, {'PostgreSQL' if args.pg else 'SQLite'}, medians of {args.repeat}, "
              f"load average {os.getloadavg()[0]:.1f}")
        print("| tree | wall ms a letter | CPU ms a letter | peak RSS MB |\n|---|---|---|---|")
        for label, results in runs.items():
            print(f"| {label} | {1000 * statistics.median(r['wall'] for r in results) / args.units:.2f} | "
                  f"{1000 * statistics.median(r['cpu'] for r in results) / args.units:.2f} | "
                  f"{statistics.median(r['rss'] for r in results):.0f} |")
        digests = {(r["register"], r["files"]) for results in runs.values() for r in results}
        print("same register and files in every run" if len(digests) == 1 else "DIFFERENT registers or files")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], sys.argv[5] or None, int(sys.argv[6] or 0) or None)
    else:
        main()
