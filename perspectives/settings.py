"""Settings, all read from the environment (see README, "Configuration").

Production-safe defaults: DEBUG is off, secure cookies are on unless DEBUG, SECRET_KEY is required
outside DEBUG. `make run` and `make test` set the development values.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets the friendly 403 page saying how to get on, not the check that failed.
CSRF_FAILURE_VIEW = "perspectives.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "perspectives.core",
    "perspectives.accounts",
    "perspectives.tenancy",
    "top.demo",
    "top.dashboards",
    "top.onboarding",
    "entrepreneurs",
    "accounting",
    "payroll",
    "governance",
    "sales",
    "purchases",
    "bank",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "perspectives.tenancy.middleware.CooperativeMiddleware",
    "perspectives.core.views.FriendlyErrorsMiddleware",
]

ROOT_URLCONF = "perspectives.urls"
WSGI_APPLICATION = "perspectives.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "perspectives.tenancy.context_processors.tenancy",
            ],
            # One way to write money, numbers, dates, months and names, in every template.
            "builtins": ["perspectives.core.templatetags.fmt"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL is the application role: not superuser, no BYPASSRLS, owns nothing, so PostgreSQL
# row-level security applies to every query. DATABASE_OWNER_URL is the role that owns the schema;
# `migrate` and the creation of test databases run as that role.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://perspectives_app@/perspectives")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that does not answer fails a request in seconds instead of holding a worker.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=5
)
# Every request runs in a transaction: the cooperative setting for row-level security is
# transaction-local, and a failing view leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
_owner_url = env.str("DATABASE_OWNER_URL", default="") or env.str("DATABASE_URL", default="")
DATABASE_OWNER = env.db_url_config(_owner_url) if _owner_url else None
DATABASE_APP_ROLE: str = DATABASES["default"].get("USER") or ""
# `make backup` / `make restore`: a superuser (row-level security hides every row from the other
# roles), the folder backups go to, and where pg_dump/pg_restore of the server's version live.
DATABASE_BACKUP_URL = env.str("DATABASE_BACKUP_URL", default="")
BACKUP_DIR = env.path("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups"))
PG_BIN_DIR = env.str("PG_BIN_DIR", default="")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


def _redis_db_url(url: str, db: int) -> str:
    """The same Redis server with another logical database (broker and cache stay apart)."""
    if url.startswith("unix://"):
        path = url.split("?", 1)[0]
        return f"{path}?db={db}"
    base = url.rsplit("/", 1)[0] if url.count("/") >= 3 else url
    return f"{base}/{db}"


def _celery_url(url: str, *, broker: bool = False) -> str:
    """Celery's Redis transport names unix sockets `redis+socket://`. Over a socket, the broker
    (kombu) takes the database from `virtual_host` and ignores `db`, which the result backend
    reads: without this, every broker on a socket would share database 0."""
    if url.startswith("unix://"):
        url = "redis+socket://" + url.removeprefix("unix://")
    if broker and url.startswith("redis+socket://") and "?" in url:
        path, query = url.split("?", 1)
        params = [p.split("=", 1) for p in query.split("&") if p]
        if not any(key == "virtual_host" for key, *_ in params):
            params = [
                ["virtual_host", *rest] if key == "db" else [key, *rest] for key, *rest in params
            ]
        url = path + "?" + "&".join("=".join(p) for p in params)
    return url


# Every connection to Redis is bounded: an outage costs a request at most a few seconds once,
# then the cache uses the database table for a while (perspectives.core.cache).
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=2.0)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=5.0)
CACHES = {
    "default": {
        "BACKEND": "perspectives.core.cache.FailoverCache",
        "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database"},
    },
    "redis": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=_redis_db_url(REDIS_URL, 1)),
        "KEY_PREFIX": "perspectives",
        "OPTIONS": {
            "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
        },
    },
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "core_cache",
        "KEY_PREFIX": "perspectives",
    },
}

CELERY_BROKER_URL = _celery_url(env.str("CELERY_BROKER_URL", default=REDIS_URL), broker=True)
CELERY_RESULT_BACKEND = _celery_url(env.str("CELERY_RESULT_BACKEND", default=REDIS_URL))
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than any task's time limit, so that a running late-acked task is not redelivered.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3 * 3600,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
}
# Results (read by tests and tools only): a lost Redis costs a few seconds, not twenty.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
# A request hands its jobs to the broker after its commit: one quick retry, then the job waits
# in PostgreSQL for the sweeper (perspectives.tenancy.jobs) instead of holding the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Every task is idempotent: it is acknowledged once done, and a worker that dies gives its task
# back (reject_on_worker_lost); one message at a time per process, since tasks are long.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The job sweeper: pending jobs not taken by the broker after JOBS_SEND_DELAY_SECONDS are sent
# again, as are those sent JOBS_QUEUE_PATIENCE_SECONDS ago that no worker started, and those
# running past their time limit plus JOBS_RUNNING_GRACE_SECONDS (their worker died).
JOBS_SEND_DELAY_SECONDS = env.int("JOBS_SEND_DELAY_SECONDS", default=10)
JOBS_QUEUE_PATIENCE_SECONDS = env.int("JOBS_QUEUE_PATIENCE_SECONDS", default=3600)
JOBS_RUNNING_GRACE_SECONDS = env.int("JOBS_RUNNING_GRACE_SECONDS", default=60)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=5)
# A job a worker took this long ago that no live worker holds any more died with its worker.
JOBS_ORPHAN_AFTER_SECONDS = env.int("JOBS_ORPHAN_AFTER_SECONDS", default=60)
# Done jobs are kept this long for the jobs page, then deleted by the daily housekeeping.
JOBS_RETENTION_DAYS = env.int("JOBS_RETENTION_DAYS", default=30)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Years after an exit before a person's file is anonymised (the ledger, the payroll and the
# register keep their own rows for the periods the law sets).
PERSONAL_DATA_RETENTION_YEARS = env.int("PERSONAL_DATA_RETENTION_YEARS", default=3)

CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Every night: done jobs and used form tokens past their retention are deleted.
    "tenancy-housekeeping": {
        "task": "perspectives.tenancy.tasks.housekeeping_for_all_cooperatives",
        "schedule": crontab(minute="15", hour="3"),
    },
    # Every minute: jobs the broker did not take, or whose worker died, are handed out again.
    "jobs-sweep": {
        "task": "perspectives.tenancy.tasks.jobs_sweep_for_all_cooperatives",
        "schedule": 60.0,
    },
    # Monday 7:00: each referent and manager receives the files that need attention this week.
    # Every morning; each cooperative sends last month's reports on its own report day.
    "monthly-reports": {
        "task": "top.dashboards.tasks.monthly_reports_for_all_cooperatives",
        "schedule": crontab(minute="0", hour="6"),
    },
    "accompaniment-alerts": {
        "task": "entrepreneurs.tasks.accompaniment_alerts_for_all_cooperatives",
        "schedule": crontab(minute="0", hour="7", day_of_week="1"),
    },
    # The 5th at 5:30: last month's contribution coopérative of every activity (idempotent).
    "ledger-contribution": {
        "task": "accounting.tasks.contribution_for_all_cooperatives",
        "schedule": crontab(minute="30", hour="5", day_of_month="5"),
    },
    # Every night: exited people's files past the retention period are anonymised.
    "personal-data-retention": {
        "task": "top.onboarding.tasks.personal_data_retention_for_all_cooperatives",
        "schedule": crontab(minute="45", hour="3"),
    },
    # Every morning at 8:00: overdue invoices get their reminder at the cooperative's steps.
    "sales-reminders": {
        "task": "sales.tasks.invoices_remind_for_all_cooperatives",
        "schedule": crontab(minute="0", hour="8"),
    },
    # Every quarter of an hour: the lifecycle statuses of the issued invoices (deposited,
    # rejected, refused…) are fetched from each cooperative's accredited platform.
    "sales-lifecycle-statuses": {
        "task": "sales.tasks.lifecycle_statuses_sync_for_all_cooperatives",
        "schedule": crontab(minute="5-59/15"),
    },
    # Every morning at 6:10: the e-reporting (flux 10) of the periods last ended (ten days of
    # B2C transactions, a month of payments) goes to each cooperative's platform (idempotent).
    "sales-ereporting": {
        "task": "sales.tasks.ereports_request_due_for_all_cooperatives",
        "schedule": crontab(minute="10", hour="6"),
    },
    # Every quarter of an hour: written consultations past their deadline are closed.
    "governance-consultations-close": {
        "task": "governance.tasks.consultations_close_due_for_all_cooperatives",
        "schedule": crontab(minute="*/15"),
    },
    # Every quarter of an hour: invoices received by each cooperative's accredited platform
    # (idempotent: the platform's cursor; cooperatives without a platform do nothing).
    "purchases-platform-sync": {
        "task": "purchases.tasks.platform_sync_for_all_cooperatives",
        "schedule": crontab(minute="7,22,37,52"),
    },
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "perspectives.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Perspectives] "
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Failed logins are limited per account and per IP address (allauth keeps counters in the cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Perspectives"
INVITATION_VALIDITY_DAYS = env.int("INVITATION_VALIDITY_DAYS", default=7)
# Public address of the site, for links in e-mails sent outside a request (invitations, reports).
# Required outside development: a default would send production links to 127.0.0.1.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL must be set when DEBUG is off: the public address (https://…) that e-mails "
        "link to."
    )

# Keys that encrypt secrets stored in the database (the accredited platform's access token):
# comma-separated Fernet keys, the first encrypts, all decrypt (rotation: put the new key first,
# keep the old ones until the secrets are saved again). Required outside development; with a
# development SECRET_KEY (DEBUG, `make test`, `make lint`) one is derived from it.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
_DEVELOPMENT_SECRET_KEY = DEBUG or SECRET_KEY.startswith(("devstack-insecure-", "lint-only-"))
if not FIELD_ENCRYPTION_KEYS:
    if not _DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be set when DEBUG is off: comma-separated Fernet keys "
            '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key()'
            '.decode())").'
        )
    from perspectives.core.secrets import key_derive

    FIELD_ENCRYPTION_KEYS = [key_derive(SECRET_KEY)]

# --- E-mail ---------------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Perspectives <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS is sent on HTTPS responses only (Django's SecurityMiddleware): one year when the site is
# served over HTTPS (SITE_URL https://…) unless SECURE_HSTS_SECONDS says otherwise.
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=31_536_000 if SITE_URL.startswith("https://") else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
# Reverse proxies in front of the application that append to X-Forwarded-For: the client's address
# (for the login rate limits) is the one the outermost trusted proxy saw. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Content-Security-Policy (django-csp): scripts, styles, fonts and connections from this site only,
# no inline script or style, no plugin, no framing; images may also be data: URIs (the TOTP QR
# code). CSP_REPORT_ONLY=true reports violations without blocking (to try a change of policy).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY
    CONTENT_SECURITY_POLICY = None  # type: ignore[assignment]
# Oversize bodies are refused with a 400 before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "perspectives.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "perspectives.core.schema.AutoSchema",
    # Lists are pages of 50 by default, 200 at most (`?limit=`); see perspectives.core.pagination.
    "DEFAULT_PAGINATION_CLASS": "perspectives.core.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "perspectives.core.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Perspectives API",
    "DESCRIPTION": "API of the Perspectives cooperative platform. Tenant endpoints live under "
    "/api/v1/c/{cooperative_slug}/ and answer 404 to non-members.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"cooperative": {"()": "perspectives.tenancy.context.CooperativeLogFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [coop=%(cooperative_id)s] %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["cooperative"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools log every layout step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
