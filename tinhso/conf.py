"""Typed reading of the TINHSO_* environment variables.

No Django imports here: the CLI and ``settings.py`` both read configuration through this module,
and it must be importable before Django is set up. Every variable is documented in
``docs/operations/configuration.md`` and ``.env.example``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

MODES = ("dev", "demo", "production")


class ConfigError(RuntimeError):
    """The environment does not describe a configuration tinhso can start with."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {value}")
    return value


@dataclass(frozen=True)
class Config:
    """Everything tinhso reads from its environment, already typed."""

    mode: str
    data_dir: Path
    secret_key: str
    allowed_hosts: list[str]
    database_url: str
    debug: bool
    csrf_trusted_origins: list[str] = field(default_factory=list)
    trusted_proxies: list[str] = field(default_factory=list)
    secure_cookies: bool = True
    ledger_signing_key: str = ""
    login_attempts: int = 5
    login_lockout_minutes: int = 15
    token_ttl_hours: int = 24
    log_level: str = "INFO"
    province_code: str = "24"
    email_backend: str = "django.core.mail.backends.console.EmailBackend"
    upload_max_mb: int = 10
    virus_scan_command: str = ""
    sms_backend: str = "tinhso.core.sms.LoggingSmsBackend"
    cache_url: str = ""
    opendata_upload_max_mb: int = 200
    site_url: str = ""
    ckan_token_header: str = "Authorization"  # noqa: S105 -- a header's name, not a secret
    environment_batch_max_mb: int = 20
    mqtt_url: str = ""
    mqtt_topic: str = "tinhso/stations/+/readings"

    @property
    def is_production(self) -> bool:
        return self.mode == "production"

    @property
    def is_demo(self) -> bool:
        return self.mode == "demo"

    @property
    def uses_postgresql(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "pgsql://"))


def _local_secret(data_dir: Path) -> str:
    """Return a per-installation secret kept in the data directory (dev and demo only)."""
    path = data_dir / "secret_key"
    if not path.exists():
        import secrets

        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _cache_url(value: str) -> str:
    value = value.strip()
    if value not in ("", "locmem://") and not value.startswith(
        ("file://", "redis://", "rediss://")
    ):
        raise ConfigError(
            "TINHSO_CACHE_URL must be empty, locmem://, file:///<directory> or "
            f"redis://<host>:<port>/<db>, not {value!r}"
        )
    return value


def load(environ: Mapping[str, str] | None = None) -> Config:
    """Build the configuration from the environment.

    Raises:
        ConfigError: production mode without a secret key, allowed hosts, PostgreSQL or the
            ledger signing key, or with debug pages on; a malformed number.
    """
    env = os.environ if environ is None else environ
    mode = env.get("TINHSO_MODE", "dev").strip().lower()
    if mode not in MODES:
        raise ConfigError(f"TINHSO_MODE must be one of {', '.join(MODES)}, not {mode!r}")
    base = Path(__file__).resolve().parent.parent
    data_dir = Path(env.get("TINHSO_DATA_DIR") or base / "var").resolve()
    database_url = env.get("DATABASE_URL", "")
    debug = _bool(env.get("TINHSO_DEBUG"), default=mode == "dev")
    secret_key = env.get("TINHSO_SECRET_KEY", "")
    allowed_hosts = _list(env.get("TINHSO_ALLOWED_HOSTS"))
    ledger_signing_key = env.get("TINHSO_LEDGER_SIGNING_KEY", "")
    if mode == "production":
        missing = [
            name
            for name, ok in (
                ("TINHSO_SECRET_KEY", len(secret_key) >= 50),
                ("TINHSO_ALLOWED_HOSTS", bool(allowed_hosts)),
                ("DATABASE_URL (PostgreSQL)", database_url.startswith(("postgres", "pgsql"))),
                ("TINHSO_LEDGER_SIGNING_KEY", bool(ledger_signing_key)),
                ("TINHSO_DEBUG off", not debug),
            )
            if not ok
        ]
        if missing:
            raise ConfigError(
                "production mode refuses to start without: "
                + ", ".join(missing)
                + " (TINHSO_SECRET_KEY must be at least 50 characters)"
            )
    else:
        secret_key = secret_key or _local_secret(data_dir)
        allowed_hosts = allowed_hosts or ["127.0.0.1", "localhost", "testserver"]
    if not database_url:
        database_url = f"sqlite:///{data_dir / 'tinhso.sqlite3'}"
    return Config(
        mode=mode,
        data_dir=data_dir,
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        database_url=database_url,
        debug=debug,
        csrf_trusted_origins=_list(env.get("TINHSO_CSRF_TRUSTED_ORIGINS")),
        trusted_proxies=_list(env.get("TINHSO_TRUSTED_PROXIES")),
        secure_cookies=_bool(env.get("TINHSO_SECURE_COOKIES"), default=mode == "production"),
        ledger_signing_key=ledger_signing_key,
        login_attempts=_int(env, "TINHSO_LOGIN_ATTEMPTS", 5),
        login_lockout_minutes=_int(env, "TINHSO_LOGIN_LOCKOUT_MINUTES", 15),
        token_ttl_hours=_int(env, "TINHSO_TOKEN_TTL_HOURS", 24),
        log_level=env.get("TINHSO_LOG_LEVEL", "INFO").upper(),
        province_code=env.get("TINHSO_PROVINCE_CODE", "24").strip().zfill(2),
        email_backend=env.get(
            "TINHSO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        ),
        upload_max_mb=_int(env, "TINHSO_UPLOAD_MAX_MB", 10),
        virus_scan_command=env.get("TINHSO_VIRUS_SCAN_COMMAND", "").strip(),
        sms_backend=env.get("TINHSO_SMS_BACKEND", "tinhso.core.sms.LoggingSmsBackend"),
        cache_url=_cache_url(env.get("TINHSO_CACHE_URL", "")),
        opendata_upload_max_mb=_int(env, "TINHSO_OPENDATA_UPLOAD_MAX_MB", 200),
        site_url=env.get("TINHSO_SITE_URL", "").strip().rstrip("/"),
        ckan_token_header=env.get("TINHSO_CKAN_TOKEN_HEADER", "").strip() or "Authorization",
        environment_batch_max_mb=_int(env, "TINHSO_ENVIRONMENT_BATCH_MAX_MB", 20),
        mqtt_url=env.get("TINHSO_MQTT_URL", "").strip(),
        mqtt_topic=env.get("TINHSO_MQTT_TOPIC", "").strip() or "tinhso/stations/+/readings",
    )
