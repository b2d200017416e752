"""Settings for Omstillingsportalen: one module, configured by environment variables.

Every variable is listed in README.md. With none set the portal refuses to start in
production mode; `make run` and `make test` set DEBUG=1 for the embedded default
(SQLite, Celery tasks in-process).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from omstilling.env import env_bool, env_int, env_list, env_map, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The accessibility statement (tilgængelighedserklæring) is made in the Agency for
# Digitisation's WAS tool; the footer of every page links to it. Set the portal's own
# statement, e.g. https://www.was.digst.dk/<portal-domæne>.
# The municipality publishes its accessibility statement (in the Agency for Digital Government's
# WAS tool) and sets its address here; until then the footer says it is not published yet.
ACCESSIBILITY_STATEMENT_URL = env_str("ACCESSIBILITY_STATEMENT_URL", "")

INSTALLED_APPS = [
    "omstilling",
    "notifications",
    "tracks",
    "investments",
    "supportsystem",
    "visitation",
    "reports",
    "rounds",
    "public",
    "decisions",
    "documents",
    "discussion",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "ninja",  # the open data's schema documentation served from our own static files
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise and CommonMiddleware, so static files and a rejected host's 400 get
    # the headers too (whitenoise answers by itself, CommonMiddleware may refuse a request).
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "omstilling.middleware.LanguageChoiceMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: anonymous visitors reach only the allow-list below.
    "omstilling.middleware.LoginRequiredAllowListMiddleware",
    "omstilling.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Refused access (403, 404 on a protected row) goes to the access log.
    "omstilling.middleware.RefusedAccessLogMiddleware",
]

ROOT_URLCONF = "omstilling.urls"
WSGI_APPLICATION = "omstilling.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "omstilling.context_processors.portal",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "omstilling.User"
LOGIN_URL = "login"
# The only URLs an anonymous visitor reaches (LoginRequiredAllowListMiddleware); everything
# else sends them to log in. By URL name, and by namespace for whole sections.
ANONYMOUS_URL_NAMES = frozenset(
    {
        "login",  # the log-in page itself
        "logout",  # logging out needs no session
        "home",  # sends an anonymous visitor to the log-in page itself (without ?next=/)
        "invitation",  # a new user's link to choose a first password (a token, not a session)
        "invitation_complete",  # "your password is saved: log in"
        "healthz",  # the load balancer's health check
        "favicon",  # the browser's tab icon, also on the log-in page
        "set_language",  # the language choice in the footer, also on the log-in page
        # single sign-on (mozilla-django-oidc), when it is switched on
        "oidc_authentication_init",
        "oidc_authentication_callback",
        "oidc_logout",
    }
)
ANONYMOUS_URL_NAMESPACES = frozenset(
    {
        "admin",  # Django's admin site sends visitors to its own log-in and checks staff
        "public",  # the public progress page (/offentlig/), only for a public plan
        "api-v1",  # the open data (/api/v1/), only for a public plan
    }
)
# Requests per client (IP address) to the open-data API, e.g. "120/m" (ninja's rate syntax).
PUBLIC_API_RATE = env_str("PUBLIC_API_RATE", "120/m")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Argon2id (argon2-cffi); hashes of another kind are rehashed at the user's next log-in.
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

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Danish unless the user chooses English in the footer (a cookie; the browser's
# Accept-Language is not consulted: see omstilling.middleware.LanguageChoiceMiddleware).
LANGUAGE_COOKIE_NAME = "sprog"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
FORMAT_MODULE_PATH = ["omstilling.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
# Off: ids and counts in markup must never read "1.234". Amounts and large figures are
# grouped explicitly (the `kr` filter, number_format(force_grouping=True)).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# Attachments (documents/): stored through the storage "documents" under random names and
# served only by the portal's own view, which checks who may read them (never from MEDIA_URL).
# The file system under MEDIA_ROOT by default; an S3-compatible store when a bucket is named.
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_MB", 20) * 1024 * 1024
DOCUMENT_MAX_UNCOMPRESSED_BYTES = env_int("DOCUMENT_MAX_UNCOMPRESSED_MB", 100) * 1024 * 1024
DOCUMENTS_S3_BUCKET = env_str("DOCUMENTS_S3_BUCKET")
# How long the author of a comment may still correct it (discussion/).
COMMENT_EDIT_MINUTES = env_int("COMMENT_EDIT_MINUTES", 15)
if DOCUMENTS_S3_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            "endpoint_url": env_str("DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("DOCUMENTS_S3_REGION") or None,
            # Empty: boto3's own chain (AWS_* variables, an instance role).
            "access_key": env_str("DOCUMENTS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("DOCUMENTS_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("DOCUMENTS_S3_PREFIX", "dokumenter"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "dokumenter"},
    }

# Security: secure by default whenever DEBUG is off (`manage.py check --deploy` passes).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# __Host- cookies are bound to this host over HTTPS: no subdomain can set or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
# Pages carry the CSRF token (hx-headers on <body>, {% csrf_token %}); no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "omstilling.views.csrf_failure"
# Idle timeout: the session expires this many seconds after the last request (renewed by
# omstilling/middleware.py at most once a minute, not on every request).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
# Absolute lifetime: log in again this many seconds after log-in (omstilling/middleware.py).
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME", 10 * 60 * 60)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer may ask for /healthz/ over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading commits the whole registrable domain (the municipality's, not ours) to HTTPS in
# every browser; that is the domain owner's decision, so the reminder (W021) is silenced
# unless SECURE_HSTS_PRELOAD is on. axes.W006: see the log-in throttling below.
SILENCED_SYSTEM_CHECKS = ["axes.W006"] + ([] if SECURE_HSTS_PRELOAD else ["security.W021"])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) on every response, error pages and static files
# included. Scripts and styles come only from our own static files: no inline <script>, no
# style= attributes, no eval (htmx runs with allowEval false and without its indicator styles,
# see base.html). Django admin's change list has one cosmetic inline <style> (a column width)
# and django-simple-history one style= (a border); both are blocked, harmlessly.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Log-in throttling (django-axes): after LOGIN_FAILURE_LIMIT failed attempts for a user name,
# log-in for that name answers 429 for LOGIN_COOLOFF_MINUTES, counted from the last attempt.
# Locked by user name alone: behind the municipality's proxy and NAT many users share an IP
# address, and an address taken from X-Forwarded-For could be forged (so axes.W006, which
# asks for the IP address among the parameters, is silenced above). Neither a user agent nor
# a cookie is among the parameters, so rotating them does not reset the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "omstilling.views.locked_out"

# Optional single sign-on with the municipality's identity provider (OpenID Connect,
# mozilla-django-oidc), switched on by OIDC_RP_CLIENT_ID. The provider's groups (claim
# OIDC_GROUP_CLAIM) become our roles through OIDC_ROLE_MAP, `role=group` pairs; the first
# role whose group the user is in wins, and a user in none of them is not let in.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_ROLE_MAP = env_map("OIDC_ROLE_MAP")
if OIDC_ENABLED:
    _oidc_required = [
        "OIDC_RP_CLIENT_SECRET",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
        "OIDC_ROLE_MAP",
    ]
    _oidc_missing = [name for name in _oidc_required if not env_str(name)]
    if _oidc_missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID is set, so these must be too: {', '.join(_oidc_missing)}"
        )
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
    OIDC_GROUP_CLAIM = env_str("OIDC_GROUP_CLAIM", "groups")
    OIDC_USE_PKCE = True
    LOGIN_REDIRECT_URL_FAILURE = "/log-ind/"
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("omstilling.auth_oidc.PortalOIDCBackend")

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "omstillingsportalen@localhost")

# Celery: with no broker configured (the embedded default) tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# With no broker a report is compiled in a background thread of the web process, so that the
# request that asked for it answers at once (reports/archive/background.py). Off: in the
# request itself, as the tests do.
REPORT_COMPILE_IN_THREAD = CELERY_TASK_ALWAYS_EAGER and env_bool(
    "REPORT_COMPILE_IN_THREAD", default=True
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The report task's time limits, in seconds (reports/archive/compiler.py): at the soft limit the
# task stops and marks its report failed; at the hard limit the worker kills the process that
# runs it. The sender puts them in the task's message, so web, worker and beat must have the
# same values.
REPORT_SOFT_TIME_LIMIT = env_int("REPORT_SOFT_TIME_LIMIT", 300)
REPORT_TIME_LIMIT = env_int("REPORT_TIME_LIMIT", 360)
if not 0 < REPORT_SOFT_TIME_LIMIT < REPORT_TIME_LIMIT:
    raise ImproperlyConfigured("REPORT_SOFT_TIME_LIMIT must be above 0, below REPORT_TIME_LIMIT.")
# Slack between the hard limit, the broker's redelivery and the stale-report sweep.
REPORT_TIME_MARGIN = env_int("REPORT_TIME_MARGIN", 60)
if REPORT_TIME_MARGIN < 1:
    raise ImproperlyConfigured("REPORT_TIME_MARGIN must be at least 1 second.")
# A task whose worker died unacknowledged (killed, the machine lost) is handed to another worker
# this long after it was delivered: longer than the hard limit, so a task that is still running
# is never run twice, and far shorter than Kombu's default hour. Kombu looks for such tasks
# every 10 seconds (its default scans only every 100).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": REPORT_TIME_LIMIT + REPORT_TIME_MARGIN,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
# A report still "i kø" or "udarbejdes" this long after its attempt began is taken as lost and
# marked failed (reports/archive/failure.py), so that chefgruppen can try again: after the broker
# has had its chance to hand the task on.
REPORT_STALE_AFTER = CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + REPORT_TIME_MARGIN
# A worker process is replaced after a task that left it above this resident memory (KiB), and
# after this many tasks, so that memory a large report took is given back.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50)
CELERY_BEAT_SCHEDULE = {
    # Retention: child-level rows closed more than RETENTION_MONTHS ago (visitation/tasks.py).
    "purge-closed-cases": {
        "task": "visitation.tasks.purge_closed_cases",
        "schedule": crontab(hour=3, minute=15),
    },
    # Reports (reports/tasks.py): every weekday at 06:00 Copenhagen time the job asks for the
    # quarterly report on the first Danish working day after a quarter, and the monthly report
    # on the first working day of a month (reports/archive/schedule.py knows the holidays).
    "scheduled-reports": {
        "task": "reports.tasks.request_scheduled_reports",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon-fri"),
    },
    # Reminders about milestones due or overdue and missing status updates, weekday mornings.
    "milestone-reminders": {
        "task": "reports.tasks.send_reminders",
        "schedule": crontab(hour=6, minute=30, day_of_week="mon-fri"),
    },
    # Notifications (notifications/tasks.py): the daily digest for those who chose one.
    "notification-digests": {
        "task": "notifications.tasks.send_notification_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Update rounds (rounds/services.py): the reminders before and after a round's deadline.
    "round-reminders": {
        "task": "rounds.tasks.send_round_reminders",
        "schedule": crontab(hour=6, minute=45, day_of_week="mon-fri"),
    },
    # Reports left "i kø" or "udarbejdes" longer than REPORT_STALE_AFTER are marked failed.
    "fail-stale-reports": {
        "task": "reports.tasks.fail_stale_reports",
        "schedule": crontab(minute="*/5"),
    },
}

# Data about children (omstilling/privacy.py): the HMAC secret for pseudonymous case keys
# never lives in the database or the repository, and child-level rows are deleted this many
# months after their case is closed.
CASE_KEY_SECRET = env_str("CASE_KEY_SECRET")
if not CASE_KEY_SECRET:
    if not DEBUG:
        raise ImproperlyConfigured("CASE_KEY_SECRET must be set when DEBUG is off.")
    CASE_KEY_SECRET = "dev-only-case-key-secret"  # noqa: S105
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24)

PLAN_FILE = Path(env_str("PLAN_FILE", str(BASE_DIR / "omstilling" / "plans" / "vejle-2025.yaml")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
