"""Kabinet configuration, read from the environment with safe defaults.

Nothing secret lives here: SECRET_KEY comes from the environment or is generated once
and kept under instance/ (never committed).
"""
import os
import secrets
from pathlib import Path

from app.security.roles import ADMIN

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("KABINET_INSTANCE_DIR", BASE_DIR / "instance"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "да"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def instance_secret(name: str) -> str:
    """A random secret generated on first run and kept in instance/<name>."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    APP_NAME = os.environ.get("KABINET_APP_NAME", "Личный кабинет")
    FAB_LOG_LEVEL = os.environ.get("FAB_LOG_LEVEL", "WARNING")
    SECRET_KEY = os.environ.get("SECRET_KEY") or instance_secret("secret_key")

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kabinet.sqlite3'}"
    )
    # pre-ping: a restarted database costs no failed request; LIFO: requests reuse the most
    # recent connection, whose prepared statements PostgreSQL keeps (app/core/transactions.py)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_use_lifo": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    #: absent = background jobs run in-process right after the request commits
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "kabinet")
    #: without Redis, how often requests re-send pending outbox messages (0 = never)
    OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60)
    #: how long a request waits for Redis (rate limits, handing a job to rq) before going on without it
    REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT") or 0.1)
    #: after Redis failed, requests leave it alone this long: jobs wait in the outbox for the sweep
    REDIS_RETRY_AFTER_SECONDS = env_int("REDIS_RETRY_AFTER_SECONDS", 5)
    #: proxies in front of the portal whose X-Forwarded-For/-Proto are trusted (0: none, the
    #: client is the socket's peer); per-IP limits and the audit log see the real client
    TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)

    # Flask-AppBuilder: schema comes from migrations, permissions from `flask kabinet sync-roles`
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_SECURITY_MANAGER_CLASS = "app.security.manager.KabinetSecurityManager"
    FAB_BASE_TEMPLATE = "base.html"
    FAB_API_SWAGGER_UI = True
    FAB_ADD_SECURITY_API = False
    AUTH_TYPE = 1  # AUTH_DB
    AUTH_ROLE_ADMIN = ADMIN
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    FAB_PASSWORD_HASH_METHOD = "scrypt"

    BABEL_DEFAULT_LOCALE = os.environ.get("KABINET_LOCALE", "ru")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("KABINET_TIMEZONE", "Europe/Moscow")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "ru": {"flag": "ru", "name": "Русский"},
        "en": {"flag": "gb", "name": "English"},
    }

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # bound to the session; a long form is not lost to a timer
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    #: Strict-Transport-Security on every response (app/web/headers.py): browsers keep to
    #: HTTPS for a year, sub-domains included; off in development and tests
    HSTS_ENABLED = env_bool("HSTS_ENABLED", True)
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    #: absolute address used in emailed links when there is no request (jobs, CLI)
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    #: the built-in sandbox payment provider «pays» without money: refused unless turned on
    #: (development and tests turn it on; a production server only for a demonstration)
    PAYMENT_SANDBOX = env_bool("PAYMENT_SANDBOX", False)

    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or (
        REDIS_URL or "memory://"
    )
    RATELIMIT_HEADERS_ENABLED = True
    #: Redis down or slow: count in this process's memory rather than answer 500
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    CODE_RATE_LIMIT = os.environ.get("CODE_RATE_LIMIT", "5 per minute;20 per hour")
    #: «Проверить подпись» (no login): checks per IP
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "20 per minute;200 per hour")

    # One-time codes (A2)
    CODE_TTL_SECONDS = env_int("CODE_TTL_SECONDS", 300)
    CODE_MAX_ATTEMPTS = env_int("CODE_MAX_ATTEMPTS", 5)
    CODE_RESEND_COOLDOWN_SECONDS = env_int("CODE_RESEND_COOLDOWN_SECONDS", 60)
    CODE_HOURLY_CAP = env_int("CODE_HOURLY_CAP", 10)
    #: per account, from any address: this many wrong codes (of one purpose) within the window
    #: refuse further codes until the window has passed; the same for TOTP codes
    CODE_ACCOUNT_MAX_FAILURES = env_int("CODE_ACCOUNT_MAX_FAILURES", 10)
    CODE_ACCOUNT_WINDOW_SECONDS = env_int("CODE_ACCOUNT_WINDOW_SECONDS", 3600)
    TOTP_MAX_FAILURES = env_int("TOTP_MAX_FAILURES", 5)
    TOTP_FAILURE_WINDOW_SECONDS = env_int("TOTP_FAILURE_WINDOW_SECONDS", 900)

    # Outgoing email and SMS
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")  # smtp | console | file
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")  # http | console | file
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    #: webhooks (G2): plain http and internal addresses (127/8, 10/8, 169.254/16, …) are refused in
    #: production; seconds one delivery may take (connect + answer)
    WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
    WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
    WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "kabinet@localhost")
    #: e.g. https://sms.example/send?to={phone}&text={text}; {phone} and {text} are URL-encoded
    SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
    SMS_HTTP_METHOD = os.environ.get("SMS_HTTP_METHOD", "GET")
    SMS_HTTP_AUTH = os.environ.get("SMS_HTTP_AUTH", "")  # "user:password" or "Bearer token"
    SMS_SENDER = os.environ.get("SMS_SENDER", "Kabinet")

    #: uploaded files live here, outside any static folder, under generated names
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH_MB", 110) * 1024 * 1024


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "http"
    HSTS_ENABLED = False
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "file")
    PAYMENT_SANDBOX = env_bool("PAYMENT_SANDBOX", True)
    WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", True)
    WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", True)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "KABINET_TEST_DATABASE_URL", "sqlite:///" + str(INSTANCE_DIR / "test.sqlite3")
    )
    REDIS_URL = None
    OUTBOX_SWEEP_SECONDS = 0  # tests sweep explicitly; test_jobs turns it on
    WTF_CSRF_ENABLED = env_bool("KABINET_TEST_CSRF", False)
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    HSTS_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_BACKEND = "memory"
    SMS_BACKEND = "memory"
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing in tests only
    PAYMENT_SANDBOX = True
    WEBHOOK_ALLOW_HTTP = True
    WEBHOOK_ALLOW_PRIVATE = True  # the tests' receivers listen on 127.0.0.1


CONFIGS = {
    "production": Config,
    "development": DevelopmentConfig,
    "testing": TestConfig,
}


def config_for(name: str | None = None):
    return CONFIGS[name or os.environ.get("KABINET_ENV", "production")]
