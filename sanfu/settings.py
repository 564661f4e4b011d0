"""The one settings module. Everything that differs between machines comes from the environment.

See README.md ("Configuration") for every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sanfu.lib.env import (
    env_bool,
    env_daily_span,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    secret_key_check,
)

# Lets ModelAdmin[Model], forms.ModelForm[Model] and the like be subscripted at run time, so
# the type checker knows what each admin and form class is for.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
# The default is the checkout's var/, wherever a command is run from (a relative default made
# stray var/ folders under whichever directory a tool happened to start in).
DATA_DIR = Path(env_str("SANFU_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()

DEBUG = env_bool("SANFU_DEBUG", False)
# pytest sets PYTEST_VERSION before it imports settings; tests then get a throwaway key and
# otherwise exactly the production settings.
TESTING = "PYTEST_VERSION" in os.environ

SECRET_KEY = env_str("SANFU_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "sanfu-development-key-never-use-in-production-0123456789abcdef"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SANFU_SECRET_KEY: is not set (generate one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
elif not DEBUG:
    # A weak key lets anyone forge sessions and password-reset links: refuse to start.
    SECRET_KEY = secret_key_check("SANFU_SECRET_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("SANFU_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("SANFU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "sanfu.directory",
    "sanfu.cases",
    "sanfu.notify",
    "sanfu.routing",
    "sanfu.assistance",
    "sanfu.projects",
    "sanfu.insight",
    "sanfu.frontdoor",
    "sanfu.enterprise",
    "sanfu.grassroots",
    "sanfu.outreach",
    "sanfu.api",
    "sanfu.portal",
    "sanfu.workbench",
    "sanfu.ops",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "sanfu.lib.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sanfu.lib.csp.ContentSecurityPolicyMiddleware",
    "sanfu.lib.head.HeadAsGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sanfu.lib.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sanfu.urls"
WSGI_APPLICATION = "sanfu.wsgi.application"

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
                "sanfu.lib.csp.csp_nonce",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    # The embedded default: a SQLite file in the data folder, which must exist to hold it.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'sanfu.sqlite3'}")
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("SANFU_DB_CONN_MAX_AGE", 60)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite builds the same index
    # without the extra columns, which is right for it: not a problem to warn about.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = ["sanfu.directory.backends.RoleBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing a password properly takes a good part of a second; tests make hundreds.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench:home"
# Administrators and leaders must log in with an SMS code after the password (others may opt in).
SANFU_SECOND_FACTOR_REQUIRED = env_bool("SANFU_SECOND_FACTOR_REQUIRED", False)
# A Server-Timing header on every response (the application's and the database's time), for
# benchmarks; off in service, as it tells anyone how long each request took.
SANFU_SERVER_TIMING = env_bool("SANFU_SERVER_TIMING", False)
LOGOUT_REDIRECT_URL = "portal:home"

# Chinese first; English is the second language. Stored in UTC, shown in Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # htmx and ECharts from node_modules (installed by `npm ci`), only the files the pages use.
    "sanfu.portal.assets.NodeModulesFinder",
]
STATIC_ROOT = Path(env_str("SANFU_STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("SANFU_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Behind a TLS-terminating proxy in production. The demo on a laptop turns this off.
HTTPS = env_bool("SANFU_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe the health check over plain http on the private side.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("SANFU_TRUST_PROXY_HEADERS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"

# The case loop.
CASE_SIGN_DUE_SOON_MINUTES = env_int("SANFU_SIGN_DUE_SOON_MINUTES", 60, minimum=1)
CASE_REPLY_DUE_SOON_HOURS = env_int("SANFU_REPLY_DUE_SOON_HOURS", 24, minimum=1)
CASE_AUTO_CLOSE_DAYS = env_int("SANFU_AUTO_CLOSE_DAYS", 7, minimum=1)
CASE_MAX_REOPENS = env_int("SANFU_MAX_REOPENS", 2)
# Time limits in hours (sign for within N hours) count only these hours of each working day.
CASE_WORKING_HOURS = env_daily_span("SANFU_WORKING_HOURS", "08:30-17:30")
CASE_SWEEP_INTERVAL_SECONDS = env_int("SANFU_SWEEP_INTERVAL", 60, minimum=1)
# The health check fails when the oldest due background task has waited longer than this.
QUEUE_MAX_AGE_SECONDS = env_int("SANFU_QUEUE_MAX_AGE_SECONDS", 300, minimum=1)

# The web server (`sanfu serve`) and the demo.
SERVE_WORKERS = env_int("SANFU_WORKERS", 2, minimum=1)
SERVE_THREADS = env_int("SANFU_THREADS", 4, minimum=1)
DEMO_PASSWORD = env_str("SANFU_DEMO_PASSWORD")

# The interfaces (sanfu.api.conf parses and checks these): POSTs per API key and per client
# address as N/SECONDS, and how long an answer is kept for retries with its Idempotency-Key.
SANFU_API_RATE_PER_KEY = env_str("SANFU_API_RATE_PER_KEY", "120/60")
SANFU_API_RATE_PER_ADDRESS = env_str("SANFU_API_RATE_PER_ADDRESS", "30/60")
SANFU_API_IDEMPOTENCY_HOURS = env_int("SANFU_API_IDEMPOTENCY_HOURS", 24, minimum=1)

# Assistance matching on Spark (`--backend spark`): the master URL of an existing cluster.
ASSISTANCE_SPARK_MASTER = env_str("SANFU_SPARK_MASTER", "local[2]")

# Notifications: any of inbox, email, sms. SMS goes to a backend class; the default logs it.
SANFU_NOTIFY_TRANSPORTS = env_list("SANFU_NOTIFY_TRANSPORTS", ["inbox", "email", "sms"])
# The address residents reach the portal at, for the links in their text messages.
SANFU_PUBLIC_URL = env_str("SANFU_PUBLIC_URL", "http://localhost:8000")
SANFU_SMS_BACKEND = env_str("SANFU_SMS_BACKEND", "sanfu.notify.transports.LogSmsBackend")
EMAIL_BACKEND = env_str("SANFU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("SANFU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SANFU_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("SANFU_EMAIL_FROM", "sanfu@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SANFU_LOG_LEVEL", "INFO").upper()},
}
