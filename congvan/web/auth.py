"""Who may do what: roles, argon2 password hashes, the login rate limit and the route guards.

Every route needs a signed-in user unless its handler says `opt={"public": True}`; a handler that names
`opt={"roles": (...)}` also needs one of those roles. Both are checked on the server by `guard`.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

ADMIN, OFFICER, OFFICE, LEADER, CLERK = "quan_tri", "chuyen_vien", "van_phong", "lanh_dao", "van_thu"
ROLES = {ADMIN: "quản trị", OFFICER: "chuyên viên", OFFICE: "văn phòng", LEADER: "lãnh đạo", CLERK: "văn thư"}
MIN_PASSWORD = 10
IDLE_SECONDS = 30 * 60  # a session unused this long is gone (the store's expiry, renewed on every request)

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Return the argon2id hash of `password` (the only form a password is kept in)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, again: str) -> str | None:
    """Return why a new password is refused, in Vietnamese, or None."""
    if password != again:
        return "Hai lần nhập mật khẩu không giống nhau."
    if len(password) < MIN_PASSWORD:
        return f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
    return None


@dataclass
class LoginLimiter:
    """At most `attempts` failed logins per user name and address in `window` seconds."""

    attempts: int = 5
    window: float = 300.0

    def __post_init__(self) -> None:
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        failures, cutoff = self._failures[key], time.monotonic() - self.window
        while failures and failures[0] < cutoff:
            failures.popleft()
        return failures

    def blocked_for(self, username: str, address: str) -> int:
        """Return the seconds left before this name may try again from this address (0: it may)."""
        failures = self._recent((username, address))
        if len(failures) < self.attempts:
            return 0
        return int(failures[0] + self.window - time.monotonic()) + 1

    def failed(self, username: str, address: str) -> None:
        self._recent((username, address)).append(time.monotonic())

    def succeeded(self, username: str, address: str) -> None:
        self._failures.pop((username, address), None)


@dataclass(frozen=True)
class SessionUser:
    """The signed-in user as the session holds it."""

    username: str
    full_name: str
    roles: tuple[str, ...]

    def has(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.roles))

    @property
    def role_names(self) -> str:
        return ", ".join(ROLES[r] for r in self.roles if r in ROLES)


def session_user(connection: ASGIConnection) -> SessionUser | None:
    data = connection.scope.get("session") or {}
    user = data.get("user") if isinstance(data, dict) else None
    if not isinstance(user, dict):
        return None
    return SessionUser(user["username"], user["full_name"], tuple(user["roles"]))


def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Refuse a request without a signed-in user (401), or whose user lacks the route's roles (403)."""
    if handler.opt.get("public"):
        return
    user = session_user(connection)
    if user is None:
        raise NotAuthorizedException("Phiên làm việc đã hết hoặc chưa đăng nhập.")
    roles = handler.opt.get("roles")
    if roles and not user.has(*roles):
        names = ", ".join(ROLES[r] for r in roles)
        raise PermissionDeniedException(f"Trang này dành cho {names}; tài khoản {user.username} không có vai trò đó.")
