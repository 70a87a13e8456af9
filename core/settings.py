"""Typed settings, read from the environment (and a `.env` file) exactly once."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv

from core.datafiles import private_dir
from core.proxies import Network, parse_networks

PREFIX = "HONGSHAN_"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - the name of the file under the data directory
PASSWORD_HASHING = ("owasp", "cheapest")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    mail_url: str
    mail_from: str
    secret_key: str
    # Encrypts passport numbers and dates of birth; None: derived from `secret_key` (HKDF).
    passport_key: str | None
    base_url: str
    feed_allow_private: bool
    allowed_hosts: tuple[str, ...]
    # Reverse proxies whose X-Forwarded-For/-Proto are believed; none by default.
    trusted_proxies: tuple[Network, ...]
    log_level: str
    log_format: str  # "text" (readable lines), "json", or "" (text on a terminal, else json)
    demo: bool
    # "owasp" (argon2id, m = 19 MiB, t = 2), or "cheapest" for test suites that sign in
    # thousands of times; never in production.
    password_hashing: str = "owasp"  # noqa: S105 - a parameter set's name, not a password

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    @property
    def is_https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def redis_socket(self) -> Path:
        """Where the embedded Redis-compatible server listens when no Redis is configured."""
        return self.data_dir / "redis" / "redis.sock"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(PREFIX + name)
    return value if value not in (None, "") else default


def _flag(name: str, default: bool = False) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(data_dir: Path) -> str:
    """A configured key wins; otherwise one is generated once and kept in the data directory."""
    configured = _env("SECRET_KEY")
    if configured:
        return configured
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    load_dotenv(override=False)
    data_dir = Path(_env("DATA_DIR", "./var")).resolve()
    private_dir(data_dir)
    base_url = _env("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    hosts = _env("ALLOWED_HOSTS", "*")
    hashing = (_env("PASSWORD_HASHING", "owasp") or "").lower()
    if hashing not in PASSWORD_HASHING:
        raise ValueError(f"{PREFIX}PASSWORD_HASHING must be one of {', '.join(PASSWORD_HASHING)}")
    return Settings(
        data_dir=data_dir,
        database_url=_env("DATABASE_URL", f"sqlite:///{data_dir / 'hongshan.sqlite3'}"),
        redis_url=_env("REDIS_URL"),
        mail_url=_env("MAIL_URL", f"file://{data_dir / 'mail'}"),
        mail_from=_env("MAIL_FROM", "Hongshan <noreply@hongshan.localhost>"),
        secret_key=_secret_key(data_dir),
        passport_key=_env("PASSPORT_KEY"),
        base_url=base_url,
        feed_allow_private=_flag("FEED_ALLOW_PRIVATE"),
        allowed_hosts=tuple(h.strip() for h in hosts.split(",") if h.strip()),
        trusted_proxies=parse_networks(_env("TRUSTED_PROXIES", "")),
        log_level=_env("LOG_LEVEL", "INFO").upper(),
        log_format=_env("LOG_FORMAT", "").lower(),
        demo=_flag("DEMO"),
        password_hashing=hashing,
    )
