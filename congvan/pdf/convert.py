"""Turn issued .docx letters into PDF (văn bản điện tử) with LibreOffice, in chunks and in parallel.

Starting soffice costs about 0.9 s, while one soffice given many files costs 0.05–0.11 s per letter
(shared/docs/measurements.md). So the files are split into chunks, each chunk is one soffice call with
its own private profile (concurrent soffice sharing a profile fail silently; the profiles are kept between
runs, see congvan.pdf.profiles), and up to `workers` calls run at once. soffice converts into a temporary
folder, one file after the other: a PDF is handed on as soon as a later one appears (or soffice has
exited), so finishing overlaps the conversion. Every PDF is checked (exists, not empty, starts with `%PDF`,
ends with `%%EOF`) and only then put in place atomically, so no partial PDF is ever left. soffice can exit
0 without writing anything, so success is judged by the files, not the exit code. A call that runs past
its timeout is killed with its whole process group.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from congvan.errors import OutputError, PdfError, PdfToolMissing
from congvan.files import atomic_write
from congvan.pdf.profiles import ProfileSlots

INSTALL_HINT = "hãy cài LibreOffice: sudo apt-get install libreoffice-writer-nogui fonts-liberation2"
_STDERR_TAIL = 800
_NOISE = ("failed to launch javaldx", "java may not function correctly")

# place(docx, converted PDF in the temporary folder, target): put the PDF in place, now or in a worker; a
# failed future (OSError, OutputError) marks the letter as not converted
Place = Callable[[Path, Path, Path], "Future[object]"]


def find_soffice(soffice: str | None = None) -> str:
    """Return the soffice executable to run: `soffice` if given, else `soffice` or `libreoffice` on PATH."""
    if soffice:
        found = shutil.which(soffice)
        if not found:
            raise PdfToolMissing(f"không tìm thấy chương trình LibreOffice '{soffice}'; {INSTALL_HINT}.")
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise PdfToolMissing(f"không tìm thấy LibreOffice (soffice) để tạo PDF; {INSTALL_HINT}.")


NOT_LETTERS = ("template.docx", "tong_hop.docx")  # a draft batch's template copy and summary report (batch/drafts.py)


def collect_docx(paths: Iterable[Path]) -> list[Path]:
    """Expand `paths` (.docx files or folders, not recursive) into the letters to convert, in order.

    A folder gives its .docx files sorted by name, skipping `template.docx` and the batch's summary report
    `tong_hop.docx` (not a letter: convert it by naming it), hidden files and Word's `~$` lock files. A file named
    explicitly must exist and end in .docx.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and _is_letter(p))
        elif not path.exists():
            raise PdfError(f"{path}: không tìm thấy tệp hoặc thư mục.")
        elif path.suffix.lower() != ".docx":
            raise PdfError(f"{path}: chỉ chuyển được tệp .docx.")
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _is_letter(path: Path) -> bool:
    name = path.name
    return (path.suffix.lower() == ".docx" and name.lower() not in NOT_LETTERS
            and not name.startswith((".", "~$")))


def pdf_target(source: Path, out_dir: Path | None = None) -> Path:
    """Return where the PDF of `source` goes: `out_dir/<stem>.pdf`, or beside the .docx."""
    folder = Path(out_dir) if out_dir is not None else Path(source).parent
    return folder / (Path(source).stem + ".pdf")


def convert_to_pdf(files: Sequence[Path], out_dir: Path | None = None, *, workers: int | None = None,
                   chunk_size: int = 150, timeout_per_file: float = 20, soffice: str | None = None,
                   progress: Callable[[int], object] | None = None, overwrite: bool = False,
                   place: Place | None = None) -> list[Path]:
    """Convert `files` (.docx) to PDF; return the PDF paths in the order of `files`.

    PDFs go to `out_dir` (default: beside each .docx). Only letters whose PDF is missing or older than
    the .docx are converted (an up-to-date PDF is kept as it is), unless `overwrite=True` converts them
    all. `progress(n)` is called from this thread with the number of letters each finished chunk held
    (the kept ones first). `place` is called from this thread for each good PDF as soon as soffice has
    written it (default: copy it into place). Raises `PdfError` naming every file that did not give a
    valid PDF, after writing all the good ones.
    """
    sources = [Path(f) for f in files]
    if not sources:
        return []
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    missing = [s for s in sources if not s.is_file()]
    if missing:
        raise PdfError("không tìm thấy tệp: " + ", ".join(map(str, missing)))
    targets = [pdf_target(s, out_dir) for s in sources]
    _check_clashes(sources, targets)
    jobs = [(s, t) for s, t in zip(sources, targets, strict=True) if overwrite or not is_current(s, t)]
    if progress is not None and len(jobs) < len(sources):
        progress(len(sources) - len(jobs))
    if not jobs:
        return targets
    program = find_soffice(soffice)
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))

    # As many chunks as a multiple of the workers, all about as large: no core idles while the last ones run
    # (300 letters on 2 cores: 2 chunks of 150, one soffice start each; 400: 4 of 100, not 150, 150, 100).
    count = math.ceil(len(jobs) / min(chunk_size, math.ceil(len(jobs) / workers)))
    chunks = _chunks(jobs, math.ceil(len(jobs) / (math.ceil(count / workers) * workers)))
    failed: dict[Path, str] = {}
    stderr_tails: list[str] = []
    written: set[Path] = set()
    events: queue.Queue[tuple[Path, Path, Path] | Future[_ChunkResult]] = queue.Queue()
    with tempfile.TemporaryDirectory(prefix="congvan-pdf-") as tmp, \
            ProfileSlots(min(workers, len(chunks)), Path(tmp)) as profiles:
        runner = _Runner(program, Path(tmp), profiles, timeout_per_file, events.put)
        pool = ThreadPoolExecutor(max_workers=profiles.count, thread_name_prefix="congvan-soffice")
        placed: dict[Path, tuple[Path, Future[object]]] = {}
        try:
            for index, chunk in enumerate(chunks):
                pool.submit(runner.run, index, chunk).add_done_callback(events.put)
            running = len(chunks)
            while running:
                event = events.get()
                if isinstance(event, tuple):  # a good PDF, handed on while its chunk may still run
                    source, target, pdf = event
                    placed[source] = (target, (place or _copy)(source, pdf, target))
                    continue
                running -= 1
                result = event.result()
                failed.update(result.failed)
                if result.failed and result.stderr:
                    stderr_tails.append(result.stderr)
                if progress is not None:
                    progress(result.letters)
            for source, (target, future) in placed.items():  # before the temporary folder goes
                try:
                    future.result()
                    written.add(source)
                except (OSError, OutputError) as err:
                    failed[source] = f"không ghi được {target}: {err}"
        except BaseException:
            runner.cancel()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    if failed:
        converted = [t for s, t in jobs if s in written]
        failed = {s: failed[s] for s, _t in jobs if s in failed}  # in the order given
        lines = [f"- {source}: {reason}" for source, reason in failed.items()]
        message = (f"không tạo được PDF cho {len(failed)}/{len(jobs)} tệp "
                   f"(đã tạo {len(converted)} tệp PDF):\n" + "\n".join(lines))
        tail = "\n".join(stderr_tails)[-_STDERR_TAIL:].strip()
        if tail:
            message += f"\nLibreOffice báo (stderr, phần cuối):\n{tail}"
        raise PdfError(message, failed=failed, converted=converted)
    return targets


def _copy(source: Path, pdf: Path, target: Path) -> Future[object]:
    """Put the converted `pdf` in place as `target` (missing, outdated, or --overwrite), atomically."""
    done: Future[object] = Future()
    try:
        atomic_write(target, pdf.read_bytes())
        done.set_result(None)
    except (OSError, OutputError) as err:
        done.set_exception(err)
    return done


def is_current(source: Path, target: Path) -> bool:
    """Return whether the PDF `target` exists and is not older than its .docx `source`."""
    try:
        return target.stat().st_mtime >= source.stat().st_mtime
    except FileNotFoundError:
        return False


def _check_clashes(sources: list[Path], targets: list[Path]) -> None:
    seen: dict[Path, Path] = {}
    clashes = []
    for source, target in zip(sources, targets, strict=True):
        key = target.resolve()
        if key in seen:
            clashes.append(f"{seen[key]} và {source} cùng ra {target}")
        seen[key] = source
    if clashes:
        raise OutputError("hai tệp cùng tên sẽ ghi đè lên nhau: " + "; ".join(clashes))


def _chunks(jobs: list[tuple[Path, Path]], size: int) -> list[list[tuple[Path, Path]]]:
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


@dataclass
class _ChunkResult:
    letters: int  # in the chunk, good or not
    failed: dict[Path, str] = field(default_factory=dict)
    stderr: str = ""


class _Runner:
    """Runs one soffice per chunk on a private profile from `profiles`; hands each good PDF to `hand`."""

    def __init__(self, program: str, tmp: Path, profiles: ProfileSlots, timeout_per_file: float,
                 hand: Callable[[tuple[Path, Path, Path]], object]) -> None:
        self.program = program
        self.tmp = tmp
        self.profiles = profiles
        self.timeout_per_file = timeout_per_file
        self.hand = hand
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[bytes]] = set()
        self._cancelled = False

    def run(self, index: int, chunk: list[tuple[Path, Path]]) -> _ChunkResult:
        """Convert one chunk: link its files under numbered names, run soffice, check every PDF."""
        result = _ChunkResult(len(chunk))
        work = self.tmp / f"chunk-{index:05d}"
        in_dir, out_dir = work / "in", work / "out"
        in_dir.mkdir(parents=True)
        out_dir.mkdir()
        names: list[tuple[Path, Path, Path]] = []
        for i, (source, target) in enumerate(chunk):
            problem = _docx_problem(source)
            if problem:
                result.failed[source] = problem
                continue
            link = in_dir / f"{i:05d}.docx"  # numbered: no name clashes, no name soffice could misread
            try:
                link.symlink_to(source.resolve())
            except OSError:
                shutil.copyfile(source, link)
            names.append((source, target, link))
        if not names:
            return result
        timeout = self.timeout_per_file * (len(names) + 1)  # one extra share for start-up
        handed: set[Path] = set()
        profile = self.profiles.get()
        try:
            trusted = self.profiles.trusted(profile)
            status, stderr = self._soffice(profile, names, out_dir, work, timeout, handed)
            if status not in ("timeout", "cancelled") and trusted and not handed and not any(
                    _pdf_problem(out_dir / (link.stem + ".pdf")) is None for _s, _t, link in names):
                self.profiles.discard(profile)  # a kept profile that made nothing may be damaged: once more, anew
                status, stderr = self._soffice(profile, names, out_dir, work, timeout, handed)
            result.stderr = stderr
            for source, target, link in names:
                pdf = out_dir / (link.stem + ".pdf")
                if pdf in handed:
                    continue
                if status == "timeout":
                    result.failed[source] = (f"LibreOffice chạy quá {timeout:g} giây, đã bị dừng "
                                             f"(cả nhóm {len(names)} tệp cùng lượt)")
                elif status == "cancelled":
                    result.failed[source] = "đã hủy"
                elif problem := _pdf_problem(pdf):
                    result.failed[source] = problem + (f" (soffice trả mã {status})" if status else "")
                else:
                    handed.add(pdf)
                    self.hand((source, target, pdf))
            if status == "timeout":
                self.profiles.discard(profile)  # a killed soffice may leave its profile locked
            elif handed:
                self.profiles.vouch(profile)
        finally:
            self.profiles.put(profile)
        return result

    def _hand_written(self, names: list[tuple[Path, Path, Path]], out_dir: Path, handed: set[Path]) -> None:
        """Hand on every good PDF that a later one follows: soffice converts the files in order, so those are
        whole (the last one is judged after soffice exits)."""
        try:
            present = {name[:-4] for name in os.listdir(out_dir) if name.endswith(".pdf")}
        except OSError:
            return
        last = max((i for i, (_s, _t, link) in enumerate(names) if link.stem in present), default=-1)
        for source, target, link in names[:last]:
            pdf = out_dir / (link.stem + ".pdf")
            if pdf not in handed and link.stem in present and _pdf_problem(pdf) is None:
                handed.add(pdf)
                self.hand((source, target, pdf))

    def _soffice(self, profile: Path, names: list[tuple[Path, Path, Path]], out_dir: Path, work: Path,
                 timeout: float, handed: set[Path]) -> tuple[int | str, str]:
        """Run soffice; return (exit status or "timeout"/"cancelled", cleaned stderr tail)."""
        args = [self.program, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--invisible",
                "--norestore", "--nolockcheck", "--nodefault", "--nofirststartwizard",
                "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir), *(str(n[2]) for n in names)]
        with open(work / "stdout.txt", "wb") as out, open(work / "stderr.txt", "wb") as err:
            with self._lock:
                if self._cancelled:
                    return "cancelled", ""
                proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                        start_new_session=True, cwd=work)
                self._running.add(proc)
            try:
                timed_out = _wait(proc, timeout, lambda: self._hand_written(names, out_dir, handed))
            finally:
                _kill_group(proc)
                with self._lock:
                    self._running.discard(proc)
        text = (work / "stderr.txt").read_bytes().decode("utf-8", "replace")
        lines = [line for line in text.splitlines() if line.strip() and not any(n in line for n in _NOISE)]
        tail = "\n".join(lines)[-_STDERR_TAIL:]
        if timed_out:
            return "timeout", tail
        return proc.returncode, tail

    def cancel(self) -> None:
        """Stop queued chunks from starting and kill the soffice calls that run (Ctrl-C, errors)."""
        with self._lock:
            self._cancelled = True
            running = list(self._running)
        for proc in running:
            _signal_group(proc.pid, signal.SIGKILL)


def _wait(proc: subprocess.Popen[bytes], timeout: float, tick: Callable[[], object]) -> bool:
    """Wait for `proc` to exit without reaping it (its group id stays ours), calling `tick` between looks;
    return True on timeout."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        tick()
        try:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return False
        except ChildProcessError:
            return False
        if time.monotonic() >= deadline:
            return True
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill what is left of `proc`'s process group, then reap `proc`.

    The other members are killed first and the leader gets a moment to reap them itself: this machine's
    PID 1 does not reap orphans, so children orphaned by killing the leader first would stay as zombies.
    """
    members = [pid for pid in _group_members(proc.pid) if pid != proc.pid]
    for pid in members:
        _signal_pid(pid, signal.SIGKILL)
    if members:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=2)
    if proc.returncode is None:
        _signal_group(proc.pid, signal.SIGKILL)  # the leader is not reaped yet: its group id is still ours
    else:
        # Reaped already: only signal processes we saw in the group, never a reused group id.
        for pid in _group_members(proc.pid):
            _signal_pid(pid, signal.SIGKILL)
    proc.wait()


def _group_members(pgid: int) -> list[int]:
    """Return the live processes in process group `pgid` (Linux /proc; empty elsewhere)."""
    members: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return members
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != b"Z":
            members.append(int(entry))
    return members


def _signal_pid(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _docx_problem(path: Path) -> str | None:
    """Return why `path` is not a .docx soffice can convert, or None (a quick zip check, no parse)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in archive.namelist():
                return "tệp không có word/document.xml, không phải văn bản .docx"
    except (OSError, zipfile.BadZipFile) as err:
        return f"không phải tệp .docx hợp lệ ({err})"
    return None


def _pdf_problem(pdf: Path) -> str | None:
    """Return what is wrong with the PDF soffice should have written, or None if it looks whole."""
    try:
        size = pdf.stat().st_size
    except FileNotFoundError:
        return "LibreOffice không tạo ra tệp PDF"
    if size == 0:
        return "tệp PDF rỗng"
    with open(pdf, "rb") as handle:
        head = handle.read(5)
        handle.seek(max(0, size - 1024))
        tail = handle.read()
    if head != b"%PDF-":
        return "tệp tạo ra không phải PDF"
    if b"%%EOF" not in tail:
        return "tệp PDF bị cắt cụt (không có %%EOF)"
    return None
