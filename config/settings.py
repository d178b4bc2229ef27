"""Shouhou settings: one module, configured by environment variables (README, docs/deploy.md)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def tile_origins(url):
    """The origin of a Leaflet tile URL template for the CSP's img-src ({s} in the host becomes *)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "x-subdomain-x"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    host = parts.netloc
    if "x-subdomain-x" in host:  # CSP allows a wildcard only as the whole first label
        host = "*." + host.split(".", 1)[-1]
    return [f"{parts.scheme}://{host}"]


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-" + "x" * 32)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs page (Swagger UI) from local static files, not a CDN
    "huey.contrib.djhuey",
    "shouhou.core",
    "shouhou.accounts",
    "shouhou.system",
    "shouhou.messaging",
    "shouhou.customers",
    "shouhou.products",
    "shouhou.parts",
    "shouhou.reminders",
    "shouhou.workorders",
    "shouhou.plans",
    "shouhou.reports",
    "shouhou.payments",
    "shouhou.settlement",
    "shouhou.visits",
    "shouhou.mobile",
    "shouhou.demo",  # the demo seeder: imports the apps, nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "shouhou.accounts.sessions.AuthenticationMiddleware",  # the user comes with the session read
    "shouhou.core.files.PendingFilesMiddleware",
    "shouhou.core.middleware.TenantMiddleware",
    "shouhou.core.middleware.LanguageMiddleware",
    "shouhou.core.text_guard.ControlCharacterMiddleware",
    "shouhou.core.middleware.ApiErrorEnvelopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shouhou.core.middleware.SubscriptionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shouhou.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shouhou" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shouhou.core.context_processors.shell",
            ],
        },
    }
]

# Database: SQLite file by default so `make run` needs no server; PostgreSQL via DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'shouhou.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
        "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["shouhou.accounts.backends.PhoneOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Login throttling: this many failures lock the account for LOGIN_LOCK_MINUTES.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "shouhou" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "shouhou" / "static", BASE_DIR / "var" / "vendor"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": os.environ.get("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files are private (served by /files/<key> after a permission check, docs/deploy.md):
# "nginx" hands the sending to the proxy with X-Accel-Redirect (an `internal` location mapping
# PRIVATE_FILES_ACCEL_PREFIX to MEDIA_ROOT), "apache" with X-Sendfile, "off" streams from Django.
PRIVATE_FILES_ACCEL = os.environ.get("PRIVATE_FILES_ACCEL", "off").strip().lower()
PRIVATE_FILES_ACCEL_PREFIX = os.environ.get("PRIVATE_FILES_ACCEL_PREFIX", "/protected-media/")
# Uploads no saved object references after this many hours are deleted by the orphan sweep.
FILE_ORPHAN_HOURS = int(os.environ.get("FILE_ORPHAN_HOURS", "6"))
# django-storages (FILE_STORAGE=storages.backends.s3.S3Storage): private bucket, short-lived signed URLs.
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "300"))
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_ENGINE = "shouhou.accounts.sessions"  # database sessions read with their user (one statement)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
}

# Jobs: RedisHuey when REDIS_URL is set, SqliteHuey otherwise (architecture §10).
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("HUEY_NAME", "shouhou"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "shouhou",
        "filename": os.environ.get("HUEY_SQLITE", str(BASE_DIR / "var" / "huey.sqlite3")),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
    }

# External adapters (architecture §2): local implementations unless configured.
# The address customers reach the public pages at: links sent by SMS or e-mail (the service report /r/<token>,
# the satisfaction survey /s/<token>).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# E-mail (service reports to customers): sent only when EMAIL_HOST is set (Django's MAILERS); otherwise the
# default mailer discards and nothing tries to send.
EMAIL_ENABLED = bool(os.environ.get("EMAIL_HOST"))
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
    "host": os.environ["EMAIL_HOST"], "port": int(os.environ.get("EMAIL_PORT", "25")),
    "username": os.environ.get("EMAIL_HOST_USER", ""), "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", False)}}} if EMAIL_ENABLED else {
    "default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@shouhou.local")

SMS_BACKEND = os.environ.get("SMS_BACKEND", "shouhou.messaging.sms.ConsoleSmsGateway")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "售后")
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")
SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")

# Payments at completion (shouhou.payments, docs/deploy.md): the sandbox provider stands in for WeChat Pay and
# Alipay unless PAYMENTS_SANDBOX=0 (on by default only with DEBUG; the demo company always uses it). Merchant keys
# come from PAYMENTS_WECHAT_<mchid>_* / PAYMENTS_ALIPAY_<appid>_* (payments/credentials.py), never the database.
PAYMENTS_SANDBOX = env_bool("PAYMENTS_SANDBOX", DEBUG)
# The deployment's public address (https://…): the providers' notify_url and the sandbox's QR codes start with it
# (PUBLIC_BASE_URL when only that is set).
PAYMENTS_PUBLIC_URL = os.environ.get("PAYMENTS_PUBLIC_URL", os.environ.get("PUBLIC_BASE_URL", ""))
# A notification signed longer ago than this (seconds) is refused as a replay.
PAYMENTS_NOTIFY_MAX_AGE = int(os.environ.get("PAYMENTS_NOTIFY_MAX_AGE", "300"))

# Maps/geocoding: AMap web service when a key is set; offline gazetteer otherwise.
MAPS_AMAP_KEY = os.environ.get("MAPS_AMAP_KEY", "")
MAPS_AMAP_ENDPOINT = os.environ.get("MAPS_AMAP_ENDPOINT", "https://restapi.amap.com/v3/geocode/geo")
MAPS_AMAP_DISTANCE_ENDPOINT = os.environ.get("MAPS_AMAP_DISTANCE_ENDPOINT", "https://restapi.amap.com/v3/distance")
# The system the map pages draw in: wgs84, gcj02 (高德, 腾讯) or bd09 (百度); empty: gcj02 with an AMap key, else wgs84.
MAPS_COORDINATES = os.environ.get("MAPS_COORDINATES", "")
# The map pages' tiles (Leaflet's URL template, e.g. https://webrd0{s}.is.autonavi.com/appmaptile?...&x={x}&y={y}&z={z});
# empty: no tile server, the maps draw their points and distances on a plain background.
MAPS_TILE_URL = os.environ.get("MAPS_TILE_URL", "")
MAPS_TILE_SUBDOMAINS = os.environ.get("MAPS_TILE_SUBDOMAINS", "1234")
MAPS_TILE_ATTRIBUTION = os.environ.get("MAPS_TILE_ATTRIBUTION", "")
MAPS_TILE_MAX_ZOOM = int(os.environ.get("MAPS_TILE_MAX_ZOOM", "18"))
SECURE_CSP["img-src"] += tile_origins(MAPS_TILE_URL)  # the tile server may serve the map's images
# A phone's position report counts at most once per this many seconds (POST /api/v1/me/location, /m/location/).
LOCATION_REPORT_MIN_SECONDS = int(os.environ.get("LOCATION_REPORT_MIN_SECONDS", "120"))
# Geocoding an address saved without coordinates (a job after commit): retries on a provider failure.
GEOCODE_RETRIES = int(os.environ.get("GEOCODE_RETRIES", "3"))
GEOCODE_RETRY_DELAY = int(os.environ.get("GEOCODE_RETRY_DELAY", "600"))

# Trial quotas given to a new company (SYS-09).
TRIAL_DAYS = int(os.environ.get("TRIAL_DAYS", "30"))
TRIAL_SEATS = int(os.environ.get("TRIAL_SEATS", "50"))
TRIAL_SMS = int(os.environ.get("TRIAL_SMS", "200"))
TRIAL_STORAGE_MB = int(os.environ.get("TRIAL_STORAGE_MB", "2048"))

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Own handler, no propagation: otherwise run_huey adds a second handler and every line prints twice.
        "huey": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# 忘记密码 (accounts.password_reset): codes by SMS, at most one a minute and five an hour per number and
# per IP address, valid ten minutes, burnt after five wrong tries.
PASSWORD_RESET_CODE_INTERVAL = int(os.environ.get("PASSWORD_RESET_CODE_INTERVAL", "60"))
PASSWORD_RESET_CODES_PER_HOUR = int(os.environ.get("PASSWORD_RESET_CODES_PER_HOUR", "5"))
PASSWORD_RESET_CODE_MINUTES = int(os.environ.get("PASSWORD_RESET_CODE_MINUTES", "10"))
PASSWORD_RESET_MAX_TRIES = int(os.environ.get("PASSWORD_RESET_MAX_TRIES", "5"))
