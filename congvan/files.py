"""File helpers: atomic writes (a file appears whole or not at all; protected files are never replaced)
hashes, and zip packages too big to open, judged from their directory. The TOML files clerks edit are read by
congvan.config.document."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from congvan.errors import EditConflict, OutputError
from congvan.vn import format_number

RATIO_FLOOR = 10 << 20  # a package decompressing to less than this is never a bomb, whatever its ratio


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of the file at `path`."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def megabytes(size: int) -> str:
    """Return a size as a clerk reads it: 2147483648 -> "2.048 MB"."""
    return f"{format_number(size / (1 << 20), 0 if size >= 10 << 20 else 1)} MB"


def zip_problem(archive: zipfile.ZipFile, max_part: int, max_ratio: int) -> str | None:
    """Say why a zip package (.xlsx, .docx) is too big to open, judged from its directory alone; None if fine.

    Nothing is decompressed: each member's declared size (which zipfile never reads past) is compared
    with `max_part`, and the whole package's decompressed size with `max_ratio` times its compressed size.
    """
    total = packed = 0
    for info in archive.infolist():
        if info.file_size > max_part:
            return (f"phần '{info.filename}' trong tệp giải nén ra {megabytes(info.file_size)}, quá giới hạn "
                    f"{megabytes(max_part)} cho một phần")
        total += info.file_size
        packed += info.compress_size
    if total > RATIO_FLOOR and total > max_ratio * max(packed, 1):
        return (f"tệp nén {megabytes(packed)} nhưng giải nén ra {megabytes(total)} (gấp hơn {max_ratio} lần): "
                "có thể là tệp 'bom nén'")
    return None


def atomic_write(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder, fsync'd, then renamed.

    With `overwrite=False` an existing file is never replaced (the final step is a hard link, which
    fails if the name exists), so an issued document cannot be clobbered even by a racing process.
    """
    try:
        _atomic_write(path, data, overwrite)
    except OSError as err:
        raise OutputError(write_failure(path, err)) from err


class SyncedWriter:
    """Create many new files in background threads, each written and fsynced; `finish` then fsyncs their folders.

    The caller goes on (rendering the next letter) while the disk works, and fsyncs from several threads share
    the file system's journal commits. When `finish` returns, every file is on stable storage. A file that
    exists already is never replaced; a failed write or fsync is raised (by `submit` or `finish`) with the
    message of `write_failure`, and `remove_all` then deletes every file this writer created.
    """

    def __init__(self, threads: int = 8, in_flight: int = 64) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="congvan-write")
        self._slots = threading.BoundedSemaphore(in_flight)  # letters queued at most: memory stays flat
        self._futures: list[Future[None]] = []
        self._failed: Future[None] | None = None
        self.paths: list[Path] = []
        self._folders: list[Path] = []

    def __enter__(self) -> SyncedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, path: Path, data: bytes) -> None:
        """Queue the creation of `path` holding `data`; raise the error of an earlier file that failed."""
        if self._failed is not None:
            self._failed.result()
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.append(path.parent)
        self._slots.acquire()
        future = self._pool.submit(_create_synced, path, data)
        future.add_done_callback(self._done)
        self.paths.append(path)
        self._futures.append(future)

    def _done(self, future: Future[None]) -> None:
        self._slots.release()
        if not future.cancelled() and future.exception() is not None:
            self._failed = self._failed or future

    def wait(self) -> None:
        """Wait until every queued file is written and fsynced; raise the first failure."""
        for future in self._futures:
            future.result()

    def finish(self) -> None:
        """`wait`, then fsync each folder once: afterwards every file and its name survive a power cut."""
        self.wait()
        for folder in self._folders:
            _fsync_dir(folder)

    def remove_all(self) -> None:
        """Stop writing and delete every file this writer created (a failed run leaves none)."""
        for future in self._futures:
            future.cancel()
        for path, future in zip(self.paths, self._futures, strict=True):
            if not future.cancelled() and future.exception() is None:  # a failed one removed its own file
                path.unlink(missing_ok=True)


def _create_synced(path: Path, data: bytes) -> None:
    """Create `path` (never replacing a file) holding `data`, fsynced. A failed write leaves no file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError as err:
        raise OutputError(f"{path}: tệp đã tồn tại, không được ghi đè.") from err
    except OSError as err:
        raise OutputError(write_failure(path, err)) from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as err:
        path.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(write_failure(path, err)) from err
        raise


def write_failure(path: Path, err: OSError) -> str:
    """Return the message for a write that failed: a full disk says so, nothing half-written is left."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"{path}: ổ đĩa đã đầy (hết dung lượng), không ghi được tệp; không để lại tệp ghi dở. "
                "Giải phóng dung lượng rồi chạy lại.")
    if err.errno == errno.EFBIG:
        return f"{path}: tệp vượt quá kích thước cho phép, không ghi được; không để lại tệp ghi dở."
    return f"{path}: không ghi được tệp ({err.strerror or err}); không để lại tệp ghi dở."


def file_version(path: Path) -> str | None:
    """Return the version token of a file an editor reads: the SHA-256 of its bytes, None if it does not exist."""
    try:
        return sha256_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


def replace_if_unchanged(path: Path, expected_sha256: str | None, data: bytes) -> str:
    """Atomically replace `path` with `data` only if it still has the version an editor read; return the new one.

    `expected_sha256` None means the file must still be absent. The check and the rename happen under an
    exclusive lock of the folder (where the platform has one), so two editors saving at once cannot both win.
    """
    with _folder_lock(path.parent):
        if file_version(path) != expected_sha256:
            raise edit_conflict(path)
        atomic_write(path, data)
    return sha256_bytes(data)


def edit_conflict(path: Path) -> EditConflict:
    """Return the refusal of a save over a file someone else changed since the editor read it."""
    return EditConflict(f"{path}: tệp đã bị người khác (hoặc chương trình khác) sửa sau khi bạn mở; không ghi gì. "
                        "Mở lại tệp để xem bản mới rồi sửa lại.")


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: the version check alone still refuses all but a same-instant race
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _atomic_write(path: Path, data: bytes, overwrite: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), _FILE_MODE)  # mkstemp makes 0600; give the usual rw-r--r-- (umask)
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp_name, path)
        else:
            try:
                os.link(tmp_name, path)
            except FileExistsError as err:
                raise OutputError(f"{path}: tệp đã tồn tại, không được ghi đè.") from err
            os.unlink(tmp_name)
        _fsync_dir(path.parent)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
