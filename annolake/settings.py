"""Annolake settings: one module, read from the environment, embedded defaults.

With no environment at all the app runs embedded: SQLite and local files under ``var/``,
the local version store, and a Celery broker on the filesystem. Production sets
DATABASE_URL, CELERY_BROKER_URL, S3_* and LAKEFS_* (see .env.example).
"""

from __future__ import annotations

import json as _json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from annolake.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ANNOLAKE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "annolake-insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or _DEV_SECRET_KEY
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of 50+ characters when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served locally: no CDN needed
    "core",
    "labeling",
    "datasets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "annolake.urls"
WSGI_APPLICATION = "annolake.wsgi.application"

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

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", "sqlite:///var/annolake.sqlite3"), base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- static files and the browser app -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
FRONTEND_DIST = Path(env_str("FRONTEND_DIST", str(BASE_DIR / "frontend" / "dist")))
# WhiteNoise serves the SPA build at the site root; index.html is served by a view.
WHITENOISE_ROOT = FRONTEND_DIST
WHITENOISE_KEEP_ONLY_HASHED_FILES = False

# --- media ------------------------------------------------------------------------------------
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _media_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("S3_REGION", "us-east-1"),
            "file_overwrite": True,  # keys are content hashes: same key, same bytes
            "default_acl": None,
            "querystring_auth": True,
            "addressing_style": "path",
        },
    }
else:
    _media_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Keys are content hashes, so overwriting rewrites the same bytes; without this the
        # storage would invent a new name for a file that is already there.
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL, "allow_overwrite": True},
    }
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 64_000_000)
THUMBNAIL_SIZE = 320
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- import ---------------------------------------------------------------------------------
# Bodies above IMPORT_MAX_BYTES are refused before a byte is read. Above IMPORT_SYNC_MAX_BYTES
# (or IMPORT_SYNC_MAX_FILES images) the upload is staged to storage under imports/ and a job
# imports it (202). 32 MiB keeps W1's 100k items (21.5 MB) in one synchronous request of a
# few seconds while no request gets near gunicorn's 30 s worker timeout.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 1024**3)
IMPORT_SYNC_MAX_BYTES = env_int("IMPORT_SYNC_MAX_BYTES", 32 * 1024**2)
IMPORT_SYNC_MAX_FILES = env_int("IMPORT_SYNC_MAX_FILES", 200)
IMPORT_MAX_FILES = env_int("IMPORT_MAX_FILES", 100_000)  # images per import (zip, bucket)
IMPORT_ZIP_MAX_BYTES = env_int("IMPORT_ZIP_MAX_BYTES", 4 * 1024**3)  # unpacked, per archive
IMPORT_COCO_MAX_BYTES = env_int("IMPORT_COCO_MAX_BYTES", 256 * 1024**2)  # parsed whole
# Multipart uploads of many single images; more than this should come as a zip.
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("IMPORT_MAX_UPLOAD_PARTS", 1000)
# Buckets or folders managers may import from, by name: {"name": {"storage": {"BACKEND":
# ..., "OPTIONS": {...}}, "prefix": "root/"}}. Only these are reachable (RELIABILITY S8).
IMPORT_SOURCES: dict[str, dict] = _json.loads(env_str("IMPORT_SOURCES_JSON") or "{}")
if not isinstance(IMPORT_SOURCES, dict) or not all(
    isinstance(source, dict) and isinstance(source.get("storage"), dict)
    and "BACKEND" in source["storage"]
    for source in IMPORT_SOURCES.values()
):  # fmt: skip
    raise ImproperlyConfigured(
        'IMPORT_SOURCES_JSON must map names to {"storage": {"BACKEND": ...}, "prefix": ...}'
    )

# --- version store ----------------------------------------------------------------------------
# `local`, `lakefs`, or the dotted path of a datasets.stores.base.VersionStore subclass.
VERSION_STORE = env_str("VERSION_STORE", "local")
if VERSION_STORE not in {"local", "lakefs"} and "." not in VERSION_STORE:
    raise ImproperlyConfigured("VERSION_STORE must be 'local', 'lakefs' or a dotted path")
# The local store keeps objects up to VERSION_STORE_INLINE_MAX_BYTES in the database (a file
# per 500-byte item costs more than the rest of a snapshot) and larger ones in this STORAGES
# alias, under versions/objects/.
VERSION_STORE_STORAGE = env_str("VERSION_STORE_STORAGE", "default")
VERSION_STORE_INLINE_MAX_BYTES = env_int("VERSION_STORE_INLINE_MAX_BYTES", 16 * 1024)
VERSION_STORE_UPLOAD_WORKERS = env_int("VERSION_STORE_UPLOAD_WORKERS", 8)
LAKEFS_ENDPOINT = env_str("LAKEFS_ENDPOINT")
LAKEFS_ACCESS_KEY_ID = env_str("LAKEFS_ACCESS_KEY_ID")
LAKEFS_SECRET_ACCESS_KEY = env_str("LAKEFS_SECRET_ACCESS_KEY")
LAKEFS_STORAGE_NAMESPACE = env_str("LAKEFS_STORAGE_NAMESPACE", "local://annolake/")
# Per-request read timeouts (commits and merges of 100k objects take a while on lakeFS) and
# attempts for transient failures (5xx, 423, 429, resets, timeouts), with capped backoff.
LAKEFS_TIMEOUT_SECONDS = env_int("LAKEFS_TIMEOUT_SECONDS", 30)
LAKEFS_COMMIT_TIMEOUT_SECONDS = env_int("LAKEFS_COMMIT_TIMEOUT_SECONDS", 300)
LAKEFS_MAX_ATTEMPTS = env_int("LAKEFS_MAX_ATTEMPTS", 5)
if VERSION_STORE == "lakefs" and not (LAKEFS_ENDPOINT and LAKEFS_ACCESS_KEY_ID):
    raise ImproperlyConfigured(
        "VERSION_STORE=lakefs needs LAKEFS_ENDPOINT and LAKEFS_ACCESS_KEY_ID"
    )

# --- jobs (Celery) ----------------------------------------------------------------------------
# The longest job (a 100k-item snapshot or export) runs minutes; a Redis visibility timeout
# shorter than that would deliver it twice, so it is generous, and the job row's attempt
# counter is what bounds retries.
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
JOB_STALE_AFTER_SECONDS = env_int("JOB_STALE_AFTER_SECONDS", 15 * 60)
JOB_REPUBLISH_QUEUED_AFTER_SECONDS = env_int("JOB_REPUBLISH_QUEUED_AFTER_SECONDS", 120)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost/")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 6 * 3600)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport expects its folders to exist in producer and worker alike.
    for _sub in ("queue", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout}
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-jobs": {"task": "core.tasks.requeue_stale_jobs", "schedule": 60.0},
}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes anonymous calls 401, not 403.
        "core.api.authentication.TokenAuthentication",
        # Dataset read tokens for training jobs; they leave the request anonymous.
        "datasets.api.auth.ReadTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # ?format= names data formats here (imports, exports), not DRF renderers.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Annolake API",
    "DESCRIPTION": "Labeling projects, queues, annotations and versioned datasets.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProjectKindEnum": "labeling.models.Project.Kind",
        "LeaseKindEnum": "labeling.models.Lease.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- sign-in brute-force limits (RELIABILITY S6) ----------------------------------------------
# Sign-in attempts (session and token) are counted per username and per client IP in the
# database, so a lockout holds across processes and restarts. After the limit within the window,
# attempts answer 429 (even with the right password) for the lockout time. 0 turns a limit off.
LOGIN_LIMIT_PER_USERNAME = env_int("LOGIN_LIMIT_PER_USERNAME", 10)
LOGIN_LIMIT_PER_IP = env_int("LOGIN_LIMIT_PER_IP", 50)
LOGIN_LIMIT_WINDOW_SECONDS = env_int("LOGIN_LIMIT_WINDOW_SECONDS", 15 * 60)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Reverse proxies in front of the app that append the client to X-Forwarded-For. 0: the client
# IP is REMOTE_ADDR (a spoofed header is ignored); behind one proxy set 1, or every client shares
# the proxy's address and its per-IP limit.
LOGIN_LIMIT_TRUSTED_PROXIES = env_int("LOGIN_LIMIT_TRUSTED_PROXIES", 0)

# --- security (production) -------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
