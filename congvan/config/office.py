"""Where an office keeps its shared things: the register URL (never with a password in congvan.toml) and
the archive folder of issued letters ([luu_tru] thu_muc, an SMB/NFS mount; default `<workspace>/output`).

The URL is, in order: the environment variable CONGVAN_REGISTER_URL; the variable named by
`[register] url_env`; `[register] url` (a password, if needed, comes from ~/.pgpass through libpq);
an SQLite file in the workspace.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from congvan.errors import ConfigError, EnvironmentMissing

REGISTER_URL_ENV = "CONGVAN_REGISTER_URL"
ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
OFFICE_DOC = "docs/office.md"


@dataclass(frozen=True)
class RegisterSetting:
    """What congvan.toml says about the register, with the place of each key for messages."""

    url: str = ""
    url_where: str = ""
    url_env: str = ""
    url_env_where: str = ""
    default_url: str = ""


def check_register_setting(setting: RegisterSetting) -> None:
    """Refuse a password in `[register] url` and an `url_env` that is not a variable name."""
    if setting.url and _has_password(setting.url):
        raise ConfigError(
            f"{setting.url_where}, [register] url: địa chỉ sổ văn bản có mật khẩu. Không ghi mật khẩu vào "
            "congvan.toml (tệp này được chép và sao lưu cùng thư mục làm việc). Xóa mật khẩu khỏi url "
            "(ví dụ postgresql://vanthu@may-chu:5432/congvan) và ghi mật khẩu vào tệp ~/.pgpass của máy này, "
            f"hoặc đặt cả địa chỉ vào biến môi trường {REGISTER_URL_ENV} (xem {OFFICE_DOC}).")
    if setting.url_env and not ENV_NAME_RE.fullmatch(setting.url_env):
        raise ConfigError(
            f"{setting.url_env_where}, [register] url_env: '{setting.url_env}' không phải tên biến môi trường. "
            "Ghi TÊN biến (ví dụ url_env = \"SO_VAN_BAN_URL\"), còn địa chỉ sổ đặt trong biến đó trên máy này.")


def _has_password(url: str) -> bool:
    try:
        return bool(urlsplit(url).password)
    except ValueError:
        return False


def resolve_register_url(setting: RegisterSetting) -> str:
    """Return the register URL: CONGVAN_REGISTER_URL, the `url_env` variable, `[register] url`, else SQLite."""
    if url := os.environ.get(REGISTER_URL_ENV, "").strip():
        return url
    if setting.url_env:
        url = os.environ.get(setting.url_env, "").strip()
        if not url:
            raise EnvironmentMissing(
                f"{setting.url_env_where}, [register] url_env: biến môi trường {setting.url_env} chưa được đặt "
                "trên máy này, nên không biết sổ văn bản đi chung ở đâu. Đặt biến đó bằng địa chỉ sổ "
                f"(postgresql://...; xem {OFFICE_DOC}) rồi chạy lại.")
        return url
    return setting.url or setting.default_url


def archive_folder(root: Path, configured: str, where: str) -> Path:
    """Return the folder of issued letters: `[luu_tru] thu_muc` (must exist: a mounted share), else root/output."""
    if not configured:
        return root / "output"
    folder = (root / Path(configured).expanduser()).resolve()
    if not folder.is_dir():
        raise EnvironmentMissing(
            f"{where}, [luu_tru] thu_muc: không thấy thư mục lưu trữ chung {folder}. Kiểm tra ổ mạng đã được "
            "kết nối (mount) chưa; không cấp số vào một thư mục khác, vì các máy khác sẽ không thấy văn bản.")
    return folder
