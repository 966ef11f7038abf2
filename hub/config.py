"""Configuration: safe defaults, overridden by HUB_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The key used when none is configured. Production refuses to start with it.
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - a marker, refused in production
#: Where dates are shown and days counted unless HUB_TIMEZONE says otherwise.
DEFAULT_TIMEZONE = "Asia/Shanghai"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

#: (variable, config key, default, description) — the README table is written from this.
ENV_VARS: list[tuple[str, str, Any, str]] = [
    (
        "HUB_ENV",
        "ENV",
        "development",
        "`development`, `production` or `testing`, exactly (anything else refuses "
        "to start; production: secure cookies, refuses the default secret key)",
    ),
    (
        "HUB_SECRET_KEY",
        "SECRET_KEY",
        DEFAULT_SECRET_KEY,
        "signs sessions and CSRF tokens; required in production",
    ),
    (
        "HUB_DATABASE_URL",
        "SQLALCHEMY_DATABASE_URI",
        None,
        "SQLAlchemy URL; default `sqlite:///instance/hub.sqlite3`; production: `postgresql+psycopg://user@host/db`",
    ),
    (
        "HUB_REDIS_URL",
        "REDIS_URL",
        None,
        "optional; when set, rate-limit counters are shared through Redis (`redis://127.0.0.1:6379/0`)",
    ),
    (
        "HUB_UPLOAD_DIR",
        "UPLOAD_DIR",
        None,
        "where uploaded documents are kept, outside `static/`; "
        "default `instance/uploads`",
    ),
    (
        "HUB_MAX_CONTENT_LENGTH",
        "MAX_CONTENT_LENGTH",
        6 * 1024 * 1024,
        "largest request body in bytes",
    ),
    (
        "HUB_DEFAULT_LOCALE",
        "BABEL_DEFAULT_LOCALE",
        "zh_CN",
        "language for visitors who have not chosen one",
    ),
    (
        "HUB_LOGIN_LIMIT",
        "LOGIN_LIMIT",
        "10 per 15 minutes",
        "login attempts allowed per mobile number and per address",
    ),
    (
        "HUB_LOGIN_LOCKOUT_FAILURES",
        "LOGIN_LOCKOUT_FAILURES",
        5,
        "wrong passwords for one mobile number, within the lockout time, that lock "
        "the number (even with the right password)",
    ),
    (
        "HUB_LOGIN_LOCKOUT_MINUTES",
        "LOGIN_LOCKOUT_MINUTES",
        15,
        "how long a locked number stays locked, and the time in which its failures "
        "are counted; shared by all servers through Redis when HUB_REDIS_URL is set",
    ),
    (
        "HUB_PRIVACY_PASSWORD_LIMIT",
        "PRIVACY_PASSWORD_LIMIT",
        "10 per hour",
        "password confirmations per account for downloading or deleting one's data",
    ),
    (
        "HUB_PHONE_REVEAL_LIMIT",
        "PHONE_REVEAL_LIMIT",
        "100 per hour",
        "full mobile numbers one person may reveal (each reveal is audited)",
    ),
    (
        "HUB_PRIVACY_NOTICE_VERSION",
        "PRIVACY_NOTICE_VERSION",
        "2026-11",
        "the privacy notice users consent to",
    ),
    (
        "HUB_TRUSTED_PROXIES",
        "TRUSTED_PROXIES",
        0,
        "how many reverse proxies set X-Forwarded-For/-Proto in front of the app "
        "(1 behind one nginx); login limits count per client address from it",
    ),
    (
        "HUB_LOG_FORMAT",
        "LOG_FORMAT",
        "text",
        "`text` (development) or `json`: one JSON object a line on stderr with the "
        "request id nginx sent (`X-Request-ID`); numbers, codes and link tokens masked",
    ),
    (
        "HUB_METRICS_ALLOW",
        "METRICS_ALLOW",
        "127.0.0.1/32,::1/128",
        "networks allowed to read Prometheus metrics at `/metrics` (comma-separated; "
        "empty: `/metrics` is off); with PROMETHEUS_MULTIPROC_DIR set, gunicorn's "
        "processes are counted together",
    ),
    (
        "HUB_SENTRY_DSN",
        "SENTRY_DSN",
        "",
        "optional; errors go to this Sentry project, with numbers, codes, tokens, "
        "cookies and form data removed",
    ),
    (
        "HUB_WORKER_STALE_SECONDS",
        "WORKER_STALE_SECONDS",
        60,
        "`/healthz?ready=1` reports the outbox worker dead when its last heartbeat "
        "is older than this",
    ),
    (
        "HUB_SMS_PROVIDER",
        "SMS_PROVIDER",
        "console",
        "how SMS leave: `console` prints them (development and the demo: codes "
        "included, numbers masked), `aliyun` (Alibaba Cloud SMS), `tencent` "
        "(Tencent Cloud SMS), or `package.module:factory` called with the config",
    ),
    (
        "HUB_SMS_SIGN_NAME",
        "SMS_SIGN_NAME",
        "善治Hub",
        "the SMS sign name (签名) registered with the provider",
    ),
    (
        "HUB_SMS_TEMPLATES",
        "SMS_TEMPLATES",
        "",
        "provider template ids: `verification_code=SMS_1,notice=SMS_2,"
        "security_alert=SMS_3` (texts to register: README)",
    ),
    (
        "HUB_SMS_ACCESS_KEY_ID",
        "SMS_ACCESS_KEY_ID",
        "",
        "provider credentials: AccessKey ID (Alibaba) or SecretId (Tencent)",
    ),
    (
        "HUB_SMS_ACCESS_KEY_SECRET",
        "SMS_ACCESS_KEY_SECRET",
        "",
        "provider credentials: AccessKey secret (Alibaba) or SecretKey (Tencent)",
    ),
    (
        "HUB_SMS_APP_ID",
        "SMS_APP_ID",
        "",
        "Tencent Cloud only: the SMS application's SdkAppId",
    ),
    (
        "HUB_SMS_REGION",
        "SMS_REGION",
        "",
        "provider region (default `cn-hangzhou` for Alibaba, `ap-guangzhou` for "
        "Tencent)",
    ),
    (
        "HUB_SMS_ENDPOINT",
        "SMS_ENDPOINT",
        "",
        "provider API host, when not the provider's default (tests point it at a "
        "local stand-in)",
    ),
    (
        "HUB_SMS_LOCALE",
        "SMS_LOCALE",
        "zh_CN",
        "language of the registered templates' parameters",
    ),
    (
        "HUB_SMS_NUMBER_LIMITS",
        "SMS_NUMBER_LIMITS",
        "1 per minute;5 per hour;10 per day",
        "verification codes one mobile number may receive",
    ),
    (
        "HUB_SMS_ADDRESS_LIMIT",
        "SMS_ADDRESS_LIMIT",
        "60 per hour",
        "verification codes requested from one address (a community centre's "
        "Wi-Fi answers challenges past the next setting, it is not blocked)",
    ),
    (
        "HUB_ASSISTED_CODES_LIMIT",
        "ASSISTED_CODES_LIMIT",
        "30 per day",
        "codes one social worker may have sent to residents they register on "
        "their behalf (协助注册); the address limit does not apply to these, the "
        "number's limits do",
    ),
    (
        "HUB_SMS_CHALLENGE_AFTER",
        "SMS_CHALLENGE_AFTER",
        3,
        "codes per hour from one address before a picture challenge is asked "
        "(also asked once half the day's cap is used)",
    ),
    (
        "HUB_SMS_DAILY_CAP",
        "SMS_DAILY_CAP",
        "5000 per day",
        "verification codes per purpose (register, sign-in, reset…) in the whole "
        "deployment, against SMS pumping",
    ),
    (
        "HUB_OUTBOX_DELIVER_INLINE",
        "OUTBOX_DELIVER_INLINE",
        False,
        "development: the web process sends SMS right after the request that wrote "
        "them commits (`make run` sets it, so codes show in its terminal); "
        "production runs `flask outbox work` instead",
    ),
    (
        "HUB_PORT",
        "PORT",
        5000,
        "the port `make run` serves the demo on (or `make run PORT=5001`); a port "
        "already in use is reported before anything is migrated or seeded",
    ),
    (
        "HUB_NEW_ACCOUNT_SIGNUPS",
        "NEW_ACCOUNT_SIGNUPS",
        3,
        "upcoming confirmed sign-ups an account may hold until it has attended a "
        "shift once",
    ),
    (
        "HUB_TIMEZONE",
        "TIMEZONE",
        DEFAULT_TIMEZONE,
        "time zone for dates shown to people",
    ),
    (
        "HUB_OCDS_OCID_PREFIX",
        "OCDS_OCID_PREFIX",
        "ocds-shanzhi",
        "prefix of the open-contracting ids published at "
        "`/open-data/ocds/release-package.json` (register one with the Open "
        "Contracting Partnership for production)",
    ),
    (
        "HUB_OCDS_PUBLISHER",
        "OCDS_PUBLISHER",
        "善治 Hub",
        "publisher named in the OCDS release package",
    ),
    (
        "HUB_MATCHING_WEEKLY_INVITATIONS",
        "MATCHING_WEEKLY_INVITATIONS",
        3,
        "how many shift invitations one person may receive in any 7 days",
    ),
]


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    return value


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the configuration: defaults, then HUB_* variables, then overrides."""
    config: dict[str, Any] = {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 14,
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Off: Flask-Limiter would put its window's Retry-After on every limited
        # answer (even a login lockout's); the 429 answers set their own.
        "RATELIMIT_HEADERS_ENABLED": False,
        "TESTING": False,
    }
    for env_name, key, default, _ in ENV_VARS:
        raw = os.environ.get(env_name)
        config[key] = _coerce(raw, default) if raw is not None else default
    if overrides:
        config.update(overrides)

    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{INSTANCE_DIR / 'hub.sqlite3'}"
    if not config.get("UPLOAD_DIR"):
        config["UPLOAD_DIR"] = str(INSTANCE_DIR / "uploads")
    config["RATELIMIT_STORAGE_URI"] = config.get("RATELIMIT_STORAGE_URI") or (
        config["REDIS_URL"] or "memory://"
    )
    production = config["ENV"] == "production"
    config.setdefault("SESSION_COOKIE_SECURE", production)
    config.setdefault("REMEMBER_COOKIE_SECURE", production)
    return config


class ConfigurationError(RuntimeError):
    """The configuration is unsafe or incomplete."""


#: The only values HUB_ENV may take; anything else ("prod", "Production") would
#: otherwise run as development with the public default secret.
ENVIRONMENTS = ("development", "production", "testing")


def check_config(config: dict[str, Any]) -> None:
    """Refuse to run production with settings that are only safe in development."""
    if config["ENV"] not in ENVIRONMENTS:
        raise ConfigurationError(
            f"HUB_ENV must be one of {', '.join(ENVIRONMENTS)} exactly, "
            f"not {config['ENV']!r}"
        )
    try:
        ZoneInfo(config["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigurationError(
            f"HUB_TIMEZONE must be an IANA time zone such as {DEFAULT_TIMEZONE}, "
            f"not {config['TIMEZONE']!r}"
        ) from error
    if config["ENV"] != "production":
        return
    if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise ConfigurationError(
            "HUB_SECRET_KEY must be set to a long random value in production "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    if len(config["SECRET_KEY"]) < 32:
        raise ConfigurationError("HUB_SECRET_KEY must be at least 32 characters")
