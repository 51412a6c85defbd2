"""partyorg settings, read from the environment (django-environ).

Works with no `.env` at all: every variable has a development default, and
`DATABASE_URL` falls back to a local SQLite file.
"""

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    # core.security.DEV_SECRET_KEY: with DEBUG=False the server refuses to start on it (partyorg/wsgi.py).
    SECRET_KEY=(str, "dev-insecure-partyorg-key-change-me"),
    # core.security.DEV_FIELD_ENCRYPTION_KEY: resident ID numbers are encrypted under the first key
    # (core.fieldcrypto); with DEBUG=False the server refuses to start on this development key.
    FIELD_ENCRYPTION_KEYS=(list, ["ZGV2LW9ubHktcGFydHlvcmctaWQta2V5LWNoYW5nZSE="]),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "testserver"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    SQLITE_BUSY_TIMEOUT=(int, 5),
    DB_LOCK_TIMEOUT=(int, 5),
    SECURE_COOKIES=(bool, False),
    SECURE_SSL_REDIRECT=(bool, False),
    SECURE_HSTS_SECONDS=(int, 0),
    SECURE_HSTS_INCLUDE_SUBDOMAINS=(bool, False),
    SECURE_HSTS_PRELOAD=(bool, False),
    SECURE_PROXY_SSL_HEADER=(tuple, ()),
    LOG_LEVEL=(str, "INFO"),
    DEBUG_PAGES=(bool, False),
    TASKS_BACKEND=(str, "django_tasks_db.DatabaseBackend"),
    MEDIA_ROOT=(str, ""),
    SESSION_IDLE_MINUTES=(int, 30),
    SESSION_MAX_HOURS=(int, 12),
    LOGIN_FAILURE_LIMIT=(int, 5),
    LOGIN_LOCK_MINUTES=(int, 30),
    LOGIN_CLIENT_IP_HEADER=(str, ""),
    UPLOAD_MAX_MB=(int, 20),
    IMPORT_MAX_INFLATED_MB=(int, 400),
    IMPORT_MAX_CONCURRENT=(int, 2),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# Django's technical error pages (tracebacks, URL lists) only when asked for:
# under DEBUG alone the demo still shows the project's own 未找到/系统错误 pages.
DEBUG_PAGES = env("DEBUG_PAGES")
SECRET_KEY = env("SECRET_KEY")
# Keys of the resident ID numbers at rest, comma-separated, current first (older ones still decrypt
# during a rotation: manage.py rotate_id_key).  Never derived from SECRET_KEY: rotating one must not
# touch the other, and the ID key is kept apart from the database backups, itself safely
# backed up (README, 备份与恢复: a backup without its key cannot be read back).
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "core.auditlog_app.AuditlogConfig",  # auditlog, named 审计日志 in the admin
    "django_filters",
    "django_tasks",
    "core.tasks_app.TasksDatabaseConfig",  # django_tasks_db, named 后台任务 in the admin
    "core.axes_app.AxesConfig",  # django-axes (log-in lock-out), named 登录安全 in the admin
    "core",
    "partyorg",
    "organizations",
    "members",
    "dues",
    "training",
    "assessments",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 413 for a body past UPLOAD_MAX_BYTES, before anything parses it (file fields escape DATA_UPLOAD_MAX_MEMORY_SIZE).
    "core.uploads.UploadSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on everything a logged-in user gets (personal data); static files keep theirs.
    "core.security.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a log-in after SESSION_IDLE_MINUTES idle or SESSION_MAX_HOURS in all, with a message.
    "core.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Couples every audit row written during a request to its user and IP.
    "auditlog.middleware.AuditlogMiddleware",
    # Turns a locked-out log-in into the log-in page with the lock-out message (core.axes_app).
    "axes.middleware.AxesMiddleware",
    # The project's error pages under DEBUG too (core.errors); last, so it sees a view's exception first.
    "core.errors.ErrorPagesMiddleware",
]
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

ROOT_URLCONF = "partyorg.urls"

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
                "partyorg.context_processors.navigation",
                "core.demo_accounts.demo_banner",  # the 演示数据 banner while demo accounts exist
            ],
        },
    },
]

WSGI_APPLICATION = "partyorg.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# How long a web request waits for a lock another transaction holds (a big import's write pass,
# another save) before it gets 503 系统正忙，请稍后重试 (core.errors, core.dblocks) — never a 500.
# Measured (benchmarks/bench_locks.py, docs/benchmarks.md 写锁): a save behind a 1.5 s lock waits
# 1.55 s and succeeds; behind a longer one it gives up after exactly the wait, nothing saved.
# 5 s covers the usual writes (a save: milliseconds; a 10,000-row import's write pass: 2.7 s)
# without tying a gunicorn worker (`make serve` has 3) to one user for long: a 100,000-row import (36 s)
# holds the lock longer, and the user is told to retry instead of a page that seems to hang.
# The task worker waits BACKGROUND_LOCK_WAIT (10 minutes) for its own writes (core.dblocks.patient).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never wait for the writer (measured: a read during a held write lock, 1 ms), and
    # the write lock is taken without blocking them.  IMMEDIATE takes the write lock at BEGIN, so a
    # transaction that reads and then writes (every service: lock_for_update, then save) queues on
    # the busy timeout; with SQLite's default DEFERRED it fails at once with "database is locked"
    # however long the timeout (measured: 10 ms behind a 1.5 s lock, with 5 s to wait).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env("SQLITE_BUSY_TIMEOUT"),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Readers never wait on PostgreSQL; a writer waits for a row or table lock at most
    # DB_LOCK_TIMEOUT seconds, then fails with lock_not_available, answered with the 503 page.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c lock_timeout={env('DB_LOCK_TIMEOUT') * 1000}"
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organizations.User"

# Django's rules with Chinese messages (its zh-Hans catalogue leaves the length rule in English).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "core.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "core.passwords.MinimumLengthValidator"},
    {"NAME": "core.passwords.CommonPasswordValidator"},
    {"NAME": "core.passwords.NumericPasswordValidator"},
]

# Axes first: it refuses a locked-out log-in before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Log-in lock-out (django-axes): LOGIN_FAILURE_LIMIT failures for one user name
# from one address lock that pair for LOGIN_LOCK_MINUTES; an administrator
# unlocks in admin (登录安全 → 登录锁定) or with `manage.py axes_reset_username`.
# Behind a proxy, LOGIN_CLIENT_IP_HEADER names the header it sets to the client's address (README 登录安全).
LOGIN_CLIENT_IP_HEADER = env("LOGIN_CLIENT_IP_HEADER")
AXES_CLIENT_IP_CALLABLE = "core.axes_app.client_ip"
AXES_FAILURE_LIMIT = env("LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = dt.timedelta(minutes=env("LOGIN_LOCK_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock lasts LOGIN_LOCK_MINUTES from the last counted failure; tries while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "core.axes_app.lockout_response"
AXES_ENABLE_ADMIN = False  # core.admin_axes registers Chinese, administrator-only admins instead
AXES_VERBOSE = False

# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS
# after log-in, whatever the activity (core.sessions).
SESSION_IDLE_MINUTES = env("SESSION_IDLE_MINUTES")
SESSION_MAX_HOURS = env("SESSION_MAX_HOURS")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
# django-filter: the empty choice of every list filter reads 全部
FILTERS_EMPTY_CHOICE_LABEL = "全部"
FILTERS_NULL_CHOICE_LABEL = "（空）"
LANGUAGES = [("zh-hans", "简体中文")]
# The project's own catalogue: Django's stiffer messages reworded, Chinese for auditlog and django-tasks.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_SECURE = env("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env("SECURE_COOKIES")
# HTTPS, set per installation (README 配置): off by default so `make run` works on plain http://127.0.0.1.
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD")
# Behind an HTTPS proxy that sets the header (and strips it from clients): "HTTP_X_FORWARDED_PROTO,https".
SECURE_PROXY_SSL_HEADER = env("SECURE_PROXY_SSL_HEADER") or None
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER 应为“请求头,取值”，如 HTTP_X_FORWARDED_PROTO,https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from our own static files: no inline <script>, on…= attributes, eval or
# style="" (templates pass values to static/js/partyorg.js through data- attributes or json_script;
# tests/test_no_inline_script.py keeps it so). Bootstrap's data: SVG icons need img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Uploads waiting for the task worker (imports) live in the default storage:
# local disk here, shared storage (S3 and the like) when workers run elsewhere.
MEDIA_ROOT = env("MEDIA_ROOT") or BASE_DIR / "media"
MEDIA_URL = "media/"

# Long work (imports) runs on Django's task API (the django-tasks backport).
# The ORM backend needs no other service; several servers switch to
# TASKS_BACKEND=django_tasks_rq.RQBackend (see README) with no code change.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND"), "QUEUES": ["default"]}}

# Uploads (imports) stream from disk beyond this size.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Bounds on imports (core.uploads, core.xlsx): the request body, the .xlsx's
# inflated size (judged from its zip directory before it is opened), and how
# many imports run at once in the whole installation (more wait 排队中).
UPLOAD_MAX_BYTES = env("UPLOAD_MAX_MB") * 1024 * 1024
IMPORT_MAX_INFLATED_BYTES = env("IMPORT_MAX_INFLATED_MB") * 1024 * 1024
IMPORT_MAX_CONCURRENT = env("IMPORT_MAX_CONCURRENT")
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

AUDITLOG_MASK_CALLABLE = "core.idcard.mask_id_number"
AUDITLOG_STORE_JSON_CHANGES = True
# Store a related record by its name at the time of the change: the history
# reads as it was then, and showing it costs no query per entry.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

PAGE_SIZE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
}
