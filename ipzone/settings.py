"""Settings, read from the environment with safe development defaults.

Like healthchecks: every knob is an environment variable read by a tiny helper,
so the same code runs on a laptop (SQLite, DEBUG) and on the intranet server
(PostgreSQL, gunicorn, WhiteNoise) without a second settings file.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from ipzone.client_address import axes_address_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name, default):
    return int(os.getenv(name, default))


def envlist(name, default):
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")
# The development key only works with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "ipzone-development-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "indicators",
    "indicators.admin_config.AdminConfig",  # django.contrib.admin with our site: roles let people in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "indicators.admin_config.AxesConfig",  # django-axes, named in Chinese in the admin
    "dbbackup",  # manage.py dbbackup / mediabackup / dbrestore / mediarestore: docs/operations-backup.md
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # GET, HEAD and POST only, everywhere (static files included): before WhiteNoise and every page.
    "ipzone.middleware.AllowedMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ipzone.middleware.ContentSecurityPolicyMiddleware",
    "ipzone.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ipzone.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last: it needs the authenticated user and answers lockouts itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ipzone.urls"
WSGI_APPLICATION = "ipzone.wsgi.application"

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
                "indicators.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets leaders read dashboards while a reporter saves; wait instead of failing on a lock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "indicators.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 12 characters: ASVS level 2 (V2.1.1).
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Leaders and administrators land here after logging in; reporters and reviewers land on
# 我的待办 (indicators.views.season.LoginView); ?next= wins over both.
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a working day; stored in the database so several gunicorn
# processes (or machines) share them.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# django-axes: 5 failed logins for one username from one address lock that username at that
# address for 15 minutes.  Not the username alone: a stranger failing from five addresses would
# freeze a named account.  And 30 failed logins from one address, whatever the usernames, lock
# that address for every account (the same 15 minutes): someone trying four passwords on each of
# many accounts.  Higher than the first, since an office behind one NAT address shares it; a
# person who then logs in takes their failures off the count (ipzone/login_limits.py,
# docs/operations-security.md).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_ADDRESS_FAILURE_LIMIT = envint("AXES_ADDRESS_FAILURE_LIMIT", "30")
if AXES_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise RuntimeError("AXES_ADDRESS_FAILURE_LIMIT cannot be lower than AXES_FAILURE_LIMIT (docs/operations-security.md).")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = "ipzone.login_limits.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address behind AXES_PROXY_COUNT reverse proxies (1 behind the README's nginx; 0, the
# default, trusts no header): ipzone/client_address.py.
_client_address = axes_address_settings(envint("AXES_PROXY_COUNT", "0"))
AXES_IPWARE_META_PRECEDENCE_ORDER = _client_address["AXES_IPWARE_META_PRECEDENCE_ORDER"]
AXES_IPWARE_PROXY_COUNT = _client_address["AXES_IPWARE_PROXY_COUNT"]
IPWARE_STRICT = _client_address["IPWARE_STRICT"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly's basic bundle and its licence, unpacked by `make env`: served locally, never a CDN.
    "ipzone.staticfinders.VendorFinder",
]
VENDOR_STATIC_ROOT = BASE_DIR / "vendor" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG and not envbool("MANIFEST_STATIC", "0")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if not DEBUG else 0

# Evidence files live outside the static root and are only served by a view
# that checks permission. Point it at shared storage when running several servers.
MEDIA_ROOT = Path(os.getenv("EVIDENCE_ROOT", BASE_DIR / "var" / "evidence"))
# No URL route serves MEDIA_ROOT; only Django's test live server would, under this prefix.
MEDIA_URL = "/_evidence-not-served/"
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", str(5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Backups (django-dbbackup, docs/operations-backup.md): `dbbackup` writes the database (SQLite: the
# sqlite3 backup API; PostgreSQL: pg_dump --format=custom) and `mediabackup` a tar of MEDIA_ROOT,
# the evidence files, into BACKUP_DIR as ipzone-db-default-YYYYmmdd-HHMMSS.<ext> and ipzone-media-….tar
# (`dbbackup --clean` picks a database's backups by its alias, "default", in their names).
# Owner-only: the dump holds password hashes and sessions (a folder the storage creates is 0700).
BACKUP_DIR = Path(os.getenv("BACKUP_DIR", BASE_DIR / "backups"))
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(BACKUP_DIR), "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
}
DBBACKUP_DATE_FORMAT = "%Y%m%d-%H%M%S"
DBBACKUP_FILENAME_TEMPLATE = "ipzone-db-{databasename}-{datetime}.{extension}"
DBBACKUP_MEDIA_FILENAME_TEMPLATE = "ipzone-media-{datetime}.{extension}"
# PostgreSQL: pg_restore --clean --if-exists --single-transaction (dbbackup's), plus objects owned by
# the restoring role and no GRANTs, so a dump restores on a new server whose role has another name.
DBBACKUP_CONNECTORS = {"default": {"PG_OPTIONS": "--no-owner --no-privileges"}}

# Transport security: on by default when DEBUG is off, configurable behind a proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("USE_X_FORWARDED_PROTO", "0") else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
# Preloading asks browser makers to hard-code HTTPS for the whole domain: for public domains,
# not an intranet host; a deployment opts in with SECURE_HSTS_PRELOAD=1.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = envlist("SILENCED_SYSTEM_CHECKS", "")
if not SECURE_HSTS_PRELOAD:
    # check --deploy's reminder that the site cannot be preloaded: not preloading is the choice above.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
CONTENT_SECURITY_POLICY = os.getenv(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# Plausibility of typed figures (indicators/plausibility.py): a value above this many times that
# year's target, or this many times above or below last year's, needs the reporter's confirmation.
PLAUSIBILITY_TARGET_FACTOR = os.getenv("PLAUSIBILITY_TARGET_FACTOR", "3")
PLAUSIBILITY_YEAR_FACTOR = os.getenv("PLAUSIBILITY_YEAR_FACTOR", "5")

# Final assessment (indicators/final.py): 基本完成 from this share of the way from baseline to target.
FINAL_MOSTLY_COMPLETED_SHARE = os.getenv("FINAL_MOSTLY_COMPLETED_SHARE", "0.90")

# The office that signs the supervision brief (落款, indicators/brief); empty: the plan's issuer.
BRIEF_ISSUER = os.getenv("BRIEF_ISSUER", "")

# Mail: a returned figure is mailed to whoever submitted it, and `manage.py send_reminders` mails
# reporters and reviewers.  Without EMAIL_HOST mails are printed on the console, not sent.
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")  # seconds: a mail server that hangs must not hold a reviewer's page
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "ipzone <ipzone@localhost>")
# Where people reach the site: the links in mails are built on it.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
    # dbbackup's commands print their own progress; through the root handler every line came twice.
    "loggers": {"dbbackup": {"propagate": False}},
}
SIMPLE_HISTORY_REVERT_DISABLED = True  # history is a record, never an editing tool
