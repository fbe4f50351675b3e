"""Load and faults of `congvan web` as an office runs it (loopback only; not a unit test).

    python bench/web_load.py [--users 20] [--seconds 60] [--n 100] [--pg postgresql://…] [--no-faults]

`congvan web --no-worker` and two `congvan web worker` processes on a workspace of N synthetic units (SQLite
register and queue, or a fresh schema of the PostgreSQL server `--pg` for both). USERS simulated people (one
httpx client each, signed in with its own account and role) do the daily mix for SECONDS with a think time of
0.5–1.5 s: grid views (plain and filtered), the texts page and its edits, previews, the batch list and pages, the
journal; two chuyên viên each start one build, a văn thư issues the first batch. Printed: p50/p95 per route,
the error count (any status ≥ 400 or transport error; target 0), the register numbers (gapless?).

Fault runs (unless --no-faults): a consumer killed (SIGKILL) mid-build, then started again → the job's state;
the server stopped (SIGINT) mid-build and started again → the job's state and whether the batch is whole.
"""

from __future__ import annotations

import argparse
import html.parser
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.render import make_workspace  # noqa: E402
from bench.web import rss_mb  # noqa: E402
from congvan.config import load_workspace  # noqa: E402
from congvan.register import accounts  # noqa: E402
from congvan.register.store import Register  # noqa: E402
from congvan.web.auth import ADMIN, CLERK, LEADER, OFFICE, OFFICER, hash_password  # noqa: E402
from tests.web_processes import free_port, office_env, start_server, start_worker, wait_job  # noqa: E402

PASSWORD = "mat-khau-do-tai-1"
RESULTS = "data/ket_qua_2025.xlsx"  # bench.render.make_workspace's
# role of each simulated person, in order (20 users: 8 chuyên viên, 4 văn phòng, 4 văn thư, 2 lãnh đạo, 2 quản trị)
MIX = [OFFICER] * 8 + [OFFICE] * 4 + [CLERK] * 4 + [LEADER] * 2 + [ADMIN] * 2


class FormFields(html.parser.HTMLParser):
    """The fields (input, textarea) of the form posting to `action` on a page."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.textarea = action, False, ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif self.inside and tag == "input" and a.get("name") and a.get("type") != "submit":
            self.fields[str(a["name"])] = a.get("value") or ""
        elif self.inside and tag == "textarea":
            self.textarea = str(a.get("name"))
            self.fields[self.textarea] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = ""
        elif tag == "form":
            self.inside = False


class Person:
    """One simulated user: an httpx client signed in, timing each request by route."""

    def __init__(self, base: str, username: str, role: str, times: dict[str, list[float]], errors: list[str]) -> None:
        self.role, self.times, self.errors = role, times, errors
        self.client = httpx.Client(base_url=base, timeout=120)
        self.client.get("/dang-nhap")
        self.call("POST /dang-nhap", "post", "/dang-nhap", data={"username": username, "password": PASSWORD})

    def call(self, route: str, method: str, url: str, **kw: object) -> httpx.Response | None:
        begin = time.monotonic()
        try:
            headers = {"x-csrftoken": self.client.cookies["csrftoken"], **kw.pop("headers", {})}  # type: ignore[dict-item]
            response = self.client.request(method, url, headers=headers, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError as err:
            self.errors.append(f"{route}: {type(err).__name__} {err}")
            return None
        self.times[route].append(time.monotonic() - begin)
        if response.status_code >= 400:
            self.errors.append(f"{route}: {response.status_code} {response.text[:200]}")
        return response

    def batches(self) -> list[str]:
        response = self.call("GET /lo", "get", "/lo")
        return [] if response is None else sorted(set(_links(response.text, "/lo/")))


def _links(page: str, prefix: str) -> list[str]:
    return [part.split('"', 1)[0] for part in page.split(f'href="{prefix}')[1:]]


def daily_step(person: Person, rng: random.Random) -> None:
    """One action of the daily mix for the person's role."""
    roll = rng.random()
    if person.role == OFFICER and roll < 0.4:
        person.call("GET /ket-qua", "get", "/ket-qua")
    elif person.role == OFFICER and roll < 0.6:
        person.call("GET /ket-qua?yeu=1 (htmx)", "get", "/ket-qua", params={"yeu": "true"},
                    headers={"hx-request": "true"})
    elif person.role == OFFICER and roll < 0.75:
        page = person.call("GET /noi-dung", "get", "/noi-dung")
        if page is not None and roll < 0.65:
            form = FormFields("/noi-dung/luu")
            form.feed(page.text)
            person.call("POST /noi-dung/luu", "post", "/noi-dung/luu", data=form.fields)
    elif person.role == OFFICER and roll < 0.8:
        person.call("GET /noi-dung/xem-truoc", "get", "/noi-dung/xem-truoc")
    elif person.role == ADMIN:
        person.call("GET /nhat-ky", "get", "/nhat-ky") if roll < 0.7 else person.call(
            "GET /nguoi-dung", "get", "/nguoi-dung")
    elif person.role == CLERK and roll < 0.3:
        person.call("GET /nhat-ky", "get", "/nhat-ky")
    else:
        found = person.batches()
        if found:
            person.call("GET /lo/{batch}", "get", f"/lo/{rng.choice(found)}")


def _accounts(root: Path) -> list[tuple[str, str]]:
    people = [(f"nguoi{i:02d}", role) for i, role in enumerate(MIX)]
    with Register(load_workspace(root).register_url) as register:
        digest = hash_password(PASSWORD)
        for name, role in people:
            accounts.add_account(register, name, name, (role,), digest)
    return people


def run_load(root: Path, base: str, users: int, seconds: float) -> tuple[dict[str, list[float]], list[str], dict]:
    people = _accounts(root)[:users]
    times: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    story: dict = {}
    end = time.monotonic() + seconds
    officers = [i for i, (_, role) in enumerate(people) if role == OFFICER][:2]
    clerk = next(i for i, (_, role) in enumerate(people) if role == CLERK)

    def special(index: int, person: Person, elapsed: float) -> None:
        """The two builds (at 5 s and 15 s) and the one issue (once the first build is done)."""
        if index in officers and f"build{index}" not in story and elapsed > 5 + 10 * officers.index(index):
            response = person.call("POST /tao-van-ban/bat-dau", "post", "/tao-van-ban/bat-dau",
                                   data={"tep": RESULTS}, follow_redirects=False)
            story[f"build{index}"] = response.headers["location"].rsplit("/", 1)[1] if response else None
            story[f"build{index}_at"] = time.monotonic()
        first = story.get(f"build{officers[0]}")
        if index == clerk and first and "issued" not in story:
            state = _job(root, first)
            if state and state["status"] == "done":
                response = person.call("POST /lo/{batch}/cap-so", "post", f"/lo/{state['batch']}/cap-so",
                                       follow_redirects=False)
                story["issued"] = state["batch"] if response is not None and response.is_redirect else None

    def live(index: int, name: str, role: str) -> None:
        rng = random.Random(index)
        person = Person(base, name, role, times, errors)
        started = time.monotonic()
        while time.monotonic() < end:
            special(index, person, time.monotonic() - started)
            daily_step(person, rng)
            time.sleep(rng.uniform(0.5, 1.5))
        person.client.close()

    threads = [threading.Thread(target=live, args=(i, name, role)) for i, (name, role) in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors, story


def _job(root: Path, job_id: str) -> dict | None:
    from congvan.web.jobs import job_state

    return job_state(root, job_id)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(times: dict[str, list[float]], errors: list[str], seconds: float) -> None:
    print(f"{'route':34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for route, values in sorted(times.items()):
        print(f"{route:34} {len(values):5d} {statistics.median(values) * 1000:8.0f} "
              f"{_percentile(values, 0.95) * 1000:8.0f} {max(values) * 1000:8.0f}")
    total = sum(len(v) for v in times.values())
    print(f"{total} requests in {seconds:.0f} s ({total / seconds:.1f}/s); errors: {len(errors)}")
    for error in errors[:10]:
        print("  ", error)


def fault_runs(root: Path, env: dict[str, str], base: str, workers: list, server, port: int) -> list:
    """Kill a consumer mid-build; stop the server mid-build. Return the processes still to stop."""
    from congvan.batch.batches import summaries

    def build_started(person: Person) -> str:
        response = person.call("POST /tao-van-ban/bat-dau", "post", "/tao-van-ban/bat-dau",
                               data={"tep": RESULTS}, follow_redirects=False)
        assert response is not None and response.is_redirect, response
        return response.headers["location"].rsplit("/", 1)[1]

    times: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    person = Person(base, "nguoi00", OFFICER, times, errors)
    job_id = build_started(person)
    state = wait_job(root, job_id, ("running",))
    victim = next(w for w in workers if state["worker"].endswith(f":{w.pid}"))
    time.sleep(0.5)
    victim.stop(signal.SIGKILL)
    workers = [w for w in workers if w is not victim] + [start_worker(root, env)]
    after = wait_job(root, job_id, timeout=60)
    print(f"fault 1, consumer killed mid-build: job {after['status']}; {after.get('error') or ''}")
    before = {s.batch_id for s in summaries(load_workspace(root).drafts_dir)}
    job_id = build_started(person)
    wait_job(root, job_id, ("running",))
    person.client.close()
    server.stop(signal.SIGINT)
    server = start_server(root, env, port, "--no-worker")
    after = wait_job(root, job_id, timeout=120)
    new = {s.batch_id for s in summaries(load_workspace(root).drafts_dir)} - before
    whole = [len(list((load_workspace(root).drafts_dir / b).glob("*.docx"))) - 1 for b in new]
    print(f"fault 2, server restarted mid-build: job {after['status']} ({after.get('done')}/{after.get('total')}); "
          f"new batches {sorted(new)} with {whole} letters; {after.get('error') or ''}")
    return [*workers, server]


def _pg_schema(base: str) -> tuple[str, Callable[[], None]]:
    schema = "bench_" + uuid.uuid4().hex[:10]
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))

    return base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--n", type=int, default=100, help="synthetic units of the workspace")
    parser.add_argument("--pg", default="", help="a PostgreSQL server URL: register and queue in a fresh schema")
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args()
    url, drop = _pg_schema(args.pg) if args.pg else ("", lambda: None)
    with tempfile.TemporaryDirectory(prefix="congvan-bench-load-") as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        make_workspace(root, args.n)
        env = office_env(url, url)
        if url:
            os.environ["CONGVAN_REGISTER_URL"] = url  # the accounts are added from here
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(root, env, port, "--no-worker")
        workers = [start_worker(root, env), start_worker(root, env)]
        running = [*workers, server]
        try:
            print(f"{args.users} users, {args.seconds:.0f} s, {args.n} units, register and queue: "
                  f"{'PostgreSQL' if url else 'SQLite'}; server + 2 consumers on this machine")
            times, errors, story = run_load(root, base, args.users, args.seconds)
            report(times, errors, args.seconds)
            print("memory: server", f"{rss_mb(server.pid):.0f} MB;", "consumers",
                  ", ".join(f"{rss_mb(w.pid):.0f} MB" for w in workers))
            for key, job_id in sorted(story.items()):
                if key.startswith("build") and not key.endswith("_at") and job_id:
                    state = _job(root, job_id) or {}
                    print(f"{key}: {state.get('status')} {state.get('done')}/{state.get('total')} letters in "
                          f"{(state.get('updated') or 0) - (state.get('started') or 0):.1f} s "
                          f"(queued→done {(state.get('updated') or 0) - (state.get('queued') or 0):.1f} s), "
                          f"consumer {state.get('worker')}")
            with Register(load_workspace(root).register_url) as register:
                numbers = sorted(r.number for r in register.records())
            print(f"issued batch {story.get('issued')}: numbers {numbers[:1]}…{numbers[-1:]}, "
                  f"gapless and unique: {numbers == list(range(1, len(numbers) + 1))}")
            if not args.no_faults:
                running = fault_runs(root, env, base, workers, server, port)
        finally:
            for process in running:
                process.stop()
            drop()


if __name__ == "__main__":
    main()
