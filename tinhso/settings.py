"""The one settings module of tinhso.

Every value comes from ``tinhso.conf`` (TINHSO_* environment variables); nothing here is
edited per deployment. See ``docs/operations/configuration.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from tinhso import conf

CONFIG = conf.load()
BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = CONFIG.data_dir
DATA_DIR.mkdir(parents=True, exist_ok=True)

TINHSO_MODE = CONFIG.mode
SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "tinhso.core",
    "tinhso.directory",
    "tinhso.accounts",
    "tinhso.indicators",
    "tinhso.opendata",
    "tinhso.services",
    "tinhso.alerts",
    "tinhso.environment",
    "tinhso.ioc",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tinhso.core.middleware.RejectNulMiddleware",
    "tinhso.core.middleware.ApiProblemMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tinhso.core.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tinhso.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tinhso.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tinhso.urls"
WSGI_APPLICATION = "tinhso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tinhso" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tinhso.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60)}

# Shared by every worker process (the public page cache relies on that): Redis in production,
# files under the data directory in the embedded default; locmem:// only for one process.
CACHES: dict[str, dict[str, Any]]
if CONFIG.cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CONFIG.cache_url,
        }
    }
elif CONFIG.cache_url == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "tinhso.core.filecache.FileCache",
            "LOCATION": CONFIG.cache_url.removeprefix("file://") or str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; IMMEDIATE avoids
    # "database is locked" upgrades inside write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tinhso.accounts.backends.AccountBackend",  # ModelBackend that refuses demo users outside demo
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"

AXES_FAILURE_LIMIT = CONFIG.login_attempts
AXES_COOLOFF_TIME = CONFIG.login_lockout_minutes / 60
# Lock the pair (username, address): five bad passwords for one account from one address. Locking
# by address alone would let one mistyping office, behind one NAT, lock out everyone there.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tinhso.core.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
# Each language in its own name, as language menus should show them (not translated).
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tinhso" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["tinhso.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "tinhso" / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from finders, but expects the folder
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "ledger"],
    }
}

# Security headers. Cookies are Secure outside dev/demo over plain HTTP on loopback.
SESSION_COOKIE_SECURE = CONFIG.secure_cookies
CSRF_COOKIE_SECURE = CONFIG.secure_cookies
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if CONFIG.is_production:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

EMAIL_BACKEND = CONFIG.email_backend

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

TINHSO_LEDGER_SIGNING_KEY = CONFIG.ledger_signing_key
TINHSO_TOKEN_TTL_HOURS = CONFIG.token_ttl_hours
TINHSO_DEMO = CONFIG.is_demo
# Addresses of reverse proxies whose X-Forwarded-For we believe (e.g. 127.0.0.1 behind nginx).
TINHSO_TRUSTED_PROXIES = CONFIG.trusted_proxies
# The province this installation serves (current GSO code; 24 = Bắc Ninh since 01/07/2025).
TINHSO_PROVINCE_CODE = CONFIG.province_code
TINHSO_UPLOAD_MAX_MB = CONFIG.upload_max_mb
TINHSO_VIRUS_SCAN_COMMAND = CONFIG.virus_scan_command
TINHSO_SMS_BACKEND = CONFIG.sms_backend
TINHSO_OPENDATA_UPLOAD_MAX_MB = CONFIG.opendata_upload_max_mb
# The public address of the site (e.g. https://dulieu.bacninh.gov.vn): the root of DCAT URIs
# and of links in messages; empty means the address each request came in on.
TINHSO_SITE_URL = CONFIG.site_url
TINHSO_ENVIRONMENT_BATCH_MAX_MB = CONFIG.environment_batch_max_mb
TINHSO_MQTT_URL = CONFIG.mqtt_url
TINHSO_MQTT_TOPIC = CONFIG.mqtt_topic
# The header CKAN clients send their API token in (CKAN's apitoken_header_name).
TINHSO_CKAN_TOKEN_HEADER = CONFIG.ckan_token_header
