"""Where the web application keeps its own files in the workspace: `.congvan-web/` (job queue, job progress,
page images, the CSRF secret), and safe paths inside the workspace."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congvan.files import atomic_write

STATE_DIR = ".congvan-web"
UPLOADS = "data/tai_len"  # accepted results workbooks, relative to the workspace


@dataclass(frozen=True)
class WebPaths:
    """The web application's folders and files of one workspace."""

    root: Path

    @property
    def state(self) -> Path:
        return self.root / STATE_DIR

    @property
    def queue(self) -> Path:
        return self.state / "huey.sqlite"

    @property
    def jobs(self) -> Path:
        return self.state / "jobs"

    @property
    def images(self) -> Path:
        return self.state / "images"

    @property
    def uploads(self) -> Path:
        return self.root / UPLOADS

    def prepare(self) -> None:
        for folder in (self.jobs, self.images):
            folder.mkdir(parents=True, exist_ok=True)

    def secret(self) -> str:
        """Return the workspace's CSRF secret, made once (readable by its owner only)."""
        path = self.state / "secret"
        if not path.is_file():
            self.state.mkdir(parents=True, exist_ok=True)
            atomic_write(path, secrets.token_urlsafe(48).encode())
            os.chmod(path, 0o600)
        return path.read_text().strip()


def inside(base: Path, *parts: str) -> Path | None:
    """Return `base/parts…` when it stays inside `base` (no `..`, no absolute part, no link out), else None."""
    if any(not part or part.startswith(".") or "/" in part or "\\" in part or "\0" in part for part in parts):
        return None
    target = base.joinpath(*parts).resolve()
    return target if target.is_relative_to(base.resolve()) else None


def write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, json.dumps(data, ensure_ascii=False).encode())


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_bytes()))
    except (OSError, ValueError):
        return None
