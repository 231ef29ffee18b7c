"""Configuration: production refuses unsafe settings; the embedded default needs none."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import formats, translation

from tinhso import conf
from tinhso import settings as tinhso_settings

GOOD_KEY = "k" * 64
PG_URL = "postgres://tinhso@db.example/tinhso"


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "TINHSO_MODE": "production",
        "TINHSO_DATA_DIR": str(tmp_path),
        "TINHSO_SECRET_KEY": GOOD_KEY,
        "TINHSO_ALLOWED_HOSTS": "tinhso.example.gov.vn",
        "DATABASE_URL": PG_URL,
        "TINHSO_LEDGER_SIGNING_KEY": "ab" * 32,
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ({"TINHSO_SECRET_KEY": ""}, "TINHSO_SECRET_KEY"),
        ({"TINHSO_SECRET_KEY": "short"}, "TINHSO_SECRET_KEY"),
        ({"TINHSO_ALLOWED_HOSTS": ""}, "TINHSO_ALLOWED_HOSTS"),
        ({"DATABASE_URL": ""}, "PostgreSQL"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "PostgreSQL"),
        ({"TINHSO_LEDGER_SIGNING_KEY": ""}, "TINHSO_LEDGER_SIGNING_KEY"),
        ({"TINHSO_DEBUG": "1"}, "TINHSO_DEBUG"),
    ],
)
def test_production_refuses_to_start_without_required_setting(
    tmp_path: Path, missing: dict[str, str], named: str
) -> None:
    with pytest.raises(conf.ConfigError, match=named):
        conf.load(production_env(tmp_path, **missing))


def test_production_accepts_complete_configuration(tmp_path: Path) -> None:
    config = conf.load(production_env(tmp_path))
    assert config.is_production
    assert config.uses_postgresql
    assert config.secure_cookies
    assert not config.debug


def test_embedded_default_uses_sqlite_in_data_dir_and_keeps_a_local_secret(tmp_path: Path) -> None:
    config = conf.load({"TINHSO_DATA_DIR": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path / 'tinhso.sqlite3'}"
    assert config.secret_key == conf.load({"TINHSO_DATA_DIR": str(tmp_path)}).secret_key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("value", ["five", "0", "-3"])
def test_malformed_numbers_are_refused_with_the_setting_name(tmp_path: Path, value: str) -> None:
    with pytest.raises(conf.ConfigError, match="TINHSO_LOGIN_ATTEMPTS"):
        conf.load({"TINHSO_DATA_DIR": str(tmp_path), "TINHSO_LOGIN_ATTEMPTS": value})


@pytest.mark.parametrize("value", ["memcached://127.0.0.1:11211", "redis-cluster://x", "cache-dir"])
def test_unknown_cache_urls_are_refused_with_the_setting_name(tmp_path: Path, value: str) -> None:
    with pytest.raises(conf.ConfigError, match="TINHSO_CACHE_URL"):
        conf.load({"TINHSO_DATA_DIR": str(tmp_path), "TINHSO_CACHE_URL": value})


def test_unknown_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(conf.ConfigError, match="TINHSO_MODE"):
        conf.load({"TINHSO_MODE": "staging", "TINHSO_DATA_DIR": str(tmp_path)})


def test_tinhso_command_exits_with_clear_message_in_unsafe_production(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TINHSO_")}
    env.pop("DATABASE_URL", None)
    env.update({"TINHSO_MODE": "production", "TINHSO_DATA_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-m", "tinhso.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "production mode refuses to start" in result.stderr


def test_vietnamese_is_the_default_language_and_dates_are_day_first() -> None:
    assert django_settings.LANGUAGE_CODE == "vi"
    assert django_settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    for language in ("vi", "en"):
        with translation.override(language):
            assert (
                formats.date_format(datetime.date(2025, 7, 1), "SHORT_DATE_FORMAT") == "01/07/2025"
            )


def test_passwords_are_hashed_with_argon2_outside_tests() -> None:
    # The shared test fixture swaps in a fast hasher; the settings module itself must not.
    assert tinhso_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("command", ["demo", "serve", "migrate", "load-units", "verify-audit"])
def test_every_tinhso_command_has_help(command: str) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tinhso.cli", command, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: tinhso" in result.stdout
