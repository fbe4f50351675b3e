"""Measure `congvan web` on a workspace of N synthetic units (loopback only).

    python bench/web.py --n 1000

1. time to first page: from starting `congvan web` to the sign-in page answering 200;
2. the *Kết quả* grid page (N units × 7 criteria): median and p95 of 30 requests;
3. a build through the web (queue the job, follow its progress stream to the end) against `congvan build` on
   the same workspace, letters/s of each and the ratio;
4. memory (RSS) of the server and its consumer, with the consumer's worker processes, at idle and at the peak
   of the build.
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.render import make_workspace  # noqa: E402

PASSWORD = "mat-khau-do-hieu-nang"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            children.setdefault(int(fields["PPid"]), []).append(int(fields["Pid"]))
        except (OSError, KeyError, ValueError):
            continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def rss_mb(pid: int) -> float:
    total = 0
    for member in _tree(pid):
        try:
            line = next(x for x in Path(f"/proc/{member}/status").read_text().splitlines() if x.startswith("VmRSS"))
            total += int(line.split()[1])
        except (OSError, StopIteration):
            continue
    return total / 1024


def _csrf(client: httpx.Client) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="congvan-bench-web-") as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        make_workspace(root, args.n)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        server = subprocess.Popen([sys.executable, "-m", "congvan", "web", "--port", str(port)], cwd=root,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert server.stdout is not None
        link = ""
        while not link:
            found = re.search(r"(http://\S+/cai-dat/\S+)", server.stdout.readline())
            link = found.group(1) if found else ""
        with httpx.Client(base_url=base) as client:
            while True:
                try:
                    if client.get("/dang-nhap").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.02)
            first_page = time.monotonic() - started
            time.sleep(2)
            idle = rss_mb(server.pid)
            client.post(link.removeprefix(base), headers=_csrf(client),
                        data={"username": "bench", "full_name": "Bench", "password": PASSWORD, "again": PASSWORD})
            grid = []
            for _ in range(30):
                begin = time.monotonic()
                response = client.get("/ket-qua")
                grid.append(time.monotonic() - begin)
                assert response.status_code == 200 and response.text.count("data-verdict=") >= args.n * 6
            peak = [0.0]
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], rss_mb(server.pid))
                    time.sleep(0.1)

            sampler = threading.Thread(target=sample)
            sampler.start()
            begin = time.monotonic()
            job = client.post("/tao-van-ban/bat-dau", data={"tep": "data/ket_qua_2025.xlsx"}, headers=_csrf(client),
                              follow_redirects=False).headers["location"]
            events = 0
            with client.stream("GET", f"{job}/tien-do", timeout=None) as stream:
                for line in stream.iter_lines():
                    events += line.startswith("data:")
                    if '"status": "done"' in line or '"status": "failed"' in line:
                        assert '"done"' in line, line
                        break
            web_build = time.monotonic() - begin
            done.set()
            sampler.join()
        server.send_signal(signal.SIGINT)
        server.wait(30)
        begin = time.monotonic()
        subprocess.run([sys.executable, "-m", "congvan", "build"], cwd=root, check=True, capture_output=True)
        cli_build = time.monotonic() - begin
    grid.sort()
    print(f"units: {args.n}")
    print(f"time to first page: {first_page:.2f} s")
    p95 = grid[int(len(grid) * 0.95) - 1]
    print(f"grid page: median {statistics.median(grid) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(f"build through the web: {web_build:.1f} s ({args.n / web_build:.0f} letters/s, {events} progress events); "
          f"congvan build: {cli_build:.1f} s ({args.n / cli_build:.0f} letters/s); web/CLI throughput "
          f"{cli_build / web_build:.0%}")
    print(f"memory, server + consumer (+ workers): idle {idle:.0f} MB, peak during the build {peak[0]:.0f} MB")


if __name__ == "__main__":
    main()
