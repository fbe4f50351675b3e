"""LibreOffice profiles kept between runs, one per worker slot, in the user's cache folder.

soffice started on a new profile first builds it (about 0.16 s more a start), so each slot keeps its profile:
`<cache>/libreoffice/profile-N`, beside the lock file `profile-N.lock`. A run holds the lock (flock) of every
slot it uses, so two runs at once never share a profile (soffice calls sharing one fail silently); a run that
dies drops its locks with its process. A profile is trusted only once a run in it made a PDF (a stamp file):
one without the stamp (a first start killed half-way) is deleted before use, and the converter discards a
profile whose run was killed or made nothing, then tries again on a new one. When the cache folder cannot be
used, the profiles live in the run's temporary folder and go with it.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import queue
import shutil
from pathlib import Path
from types import TracebackType

_STAMP = ".congvan-ok"


def cache_folder() -> Path:
    """Return where the kept profiles live: $CONGVAN_CACHE_DIR, else $XDG_CACHE_HOME/congvan, else
    ~/.cache/congvan; then `libreoffice` inside it."""
    base = os.environ.get("CONGVAN_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = str(Path(xdg) / "congvan") if xdg else str(Path.home() / ".cache" / "congvan")
    return Path(base) / "libreoffice"


class ProfileSlots:
    """`count` private profiles for one run: `get` one for a soffice call, `put` it back after."""

    def __init__(self, count: int, fallback: Path, folder: Path | None = None) -> None:
        self.count = max(1, count)
        self.fallback = fallback
        self.folder = folder if folder is not None else cache_folder()
        self._locks: list[int] = []
        self._free: queue.Queue[Path] = queue.Queue()

    def __enter__(self) -> ProfileSlots:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for n in itertools.count():
                if len(self._locks) == self.count:
                    break
                path = self._claim(n)
                if path is not None:
                    self._free.put(path)
        except OSError:  # no usable cache folder: private profiles in the run's temporary folder
            self._release()
            for n in range(self.count):
                self._free.put(self.fallback / f"profile-{n}")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._release()

    def get(self) -> Path:
        """Take a free profile (waits while all are in use)."""
        return self._free.get()

    def put(self, profile: Path) -> None:
        """Give `profile` back."""
        self._free.put(profile)

    @staticmethod
    def trusted(profile: Path) -> bool:
        """Whether a run in `profile` has made a PDF before."""
        return (profile / _STAMP).exists()

    @staticmethod
    def vouch(profile: Path) -> None:
        """Mark `profile` as good after a run in it made a PDF (nothing when soffice did not create it)."""
        if profile.is_dir() and not (profile / _STAMP).exists():
            with contextlib.suppress(OSError):
                (profile / _STAMP).touch()

    @staticmethod
    def discard(profile: Path) -> None:
        """Delete `profile` (killed, locked or damaged): the next soffice call builds a new one."""
        shutil.rmtree(profile, ignore_errors=True)

    def _claim(self, n: int) -> Path | None:
        fd = os.open(self.folder / f"profile-{n}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another run holds this slot
            os.close(fd)
            return None
        except OSError:
            os.close(fd)
            raise
        self._locks.append(fd)
        profile = self.folder / f"profile-{n}"
        if profile.exists() and not self.trusted(profile):
            self.discard(profile)
        return profile

    def _release(self) -> None:
        while self._locks:
            os.close(self._locks.pop())  # closing the descriptor drops its flock
