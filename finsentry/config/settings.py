"""Django settings, read from environment variables with embedded defaults.

FINSENTRY_DATABASE_URL selects the database (PostgreSQL for deployments);
without it finsentry runs on SQLite in FINSENTRY_DATA_DIR (default ./var).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("FINSENTRY_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get(
    "FINSENTRY_SECRET_KEY", "insecure-demo-key-set-FINSENTRY_SECRET_KEY-in-production"
)
DEBUG = os.environ.get("FINSENTRY_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("FINSENTRY_ALLOWED_HOSTS", "localhost,127.0.0.1").split(
    ","
)

INSTALLED_APPS = [
    # Django's admin with the site that admits administrators only.
    "finsentry.accounts.admin_app.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "finsentry.accounts",
    "finsentry.rules",
    "finsentry.registry",
    "finsentry.patrol",
    "finsentry.docking",
    "finsentry.risk",
    "finsentry.notices",
    "finsentry.cases",
    "finsentry.alerts",
    "finsentry.stats",
    "finsentry.api",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "finsentry.demo",
    "finsentry.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "finsentry.accounts.middleware.AuditOriginMiddleware",
    "finsentry.accounts.middleware.SessionExpiryMiddleware",
    "finsentry.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "finsentry.config.urls"
WSGI_APPLICATION = "finsentry.config.wsgi.application"

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
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'finsentry.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("FINSENTRY_DATABASE_URL", _default_db), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while an import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 30,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication (docs/roles.md, docs/operations.md): Argon2 hashes, lockout
# after repeated failures, absolute and idle session expiry, optional TOTP.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
_validators = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_validators}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_validators}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_validators}.CommonPasswordValidator"},
    {"NAME": f"{_validators}.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "finsentry.accounts.backends.RoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("FINSENTRY_SESSION_SECONDS", 8 * 3600))
FINSENTRY_SESSION_IDLE_SECONDS = int(
    os.environ.get("FINSENTRY_SESSION_IDLE_SECONDS", 30 * 60)
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Behind HTTPS (FINSENTRY_SECURE_COOKIES=1) cookies travel only encrypted.
_secure = os.environ.get("FINSENTRY_SECURE_COOKIES", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _secure
SECURE_HSTS_SECONDS = 31_536_000 if _secure else 0
# A reverse proxy's X-Forwarded-For is believed only when FINSENTRY_BEHIND_PROXY=1.
FINSENTRY_BEHIND_PROXY = os.environ.get("FINSENTRY_BEHIND_PROXY", "0") == "1"
if FINSENTRY_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
AXES_FAILURE_LIMIT = int(os.environ.get("FINSENTRY_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = float(os.environ.get("FINSENTRY_LOCKOUT_HOURS", 0.5))
# Locked per account: offices reach the intranet through shared NAT addresses,
# so locking by address would lock a whole office out (hence axes.W006 off).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_CLIENT_IP_CALLABLE = "finsentry.accounts.lockout.client_ip"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，账号已暂时锁定，请稍后再试或联系系统管理员。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，账号已锁定，请联系系统管理员解锁。"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "吉林省互联网金融风险监测平台"
FINSENTRY_OTP_REQUIRED_FOR_ADMINS = os.environ.get("FINSENTRY_ADMIN_OTP", "0") == "1"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

EVIDENCE_DIR = Path(os.environ.get("FINSENTRY_EVIDENCE_DIR", DATA_DIR / "evidence"))

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "line"},
    },
    "root": {
        "handlers": ["stderr"],
        "level": os.environ.get("FINSENTRY_LOG_LEVEL", "INFO"),
    },
    # django-axes logs every successful login at INFO; the audit trail has them.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Background work (patrol rounds): Celery workers over Redis when
# FINSENTRY_BROKER_URL is set; without a broker every task runs in-process.
CELERY_BROKER_URL = os.environ.get("FINSENTRY_BROKER_URL", "")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# One task at a time per worker process, acknowledged when done, so a long
# crawl chunk never holds a second one back from an idle worker.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 12 * 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
FINSENTRY_PATROL_DAILY_AT = os.environ.get("FINSENTRY_PATROL_DAILY_AT", "02:00")
# Rectification deadline reminders (`finsentry send-reminders`) run daily here.
FINSENTRY_REMINDERS_DAILY_AT = os.environ.get("FINSENTRY_REMINDERS_DAILY_AT", "08:00")

# In-app notices (finsentry.notices) are copied by e-mail through Django's mail
# backend when FINSENTRY_EMAIL_HOST names the intranet's mail relay.
EMAIL_HOST = os.environ.get("FINSENTRY_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("FINSENTRY_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("FINSENTRY_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("FINSENTRY_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("FINSENTRY_EMAIL_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("FINSENTRY_EMAIL_FROM", "finsentry@localhost")
NOTICE_EMAIL = bool(EMAIL_HOST)
# The address of the staff interface, for links in e-mails (e.g. http://10.1.2.3).
FINSENTRY_SITE_URL = os.environ.get("FINSENTRY_SITE_URL", "").rstrip("/")

# The JSON API (finsentry/api, docs/api.md): tokens for other government
# systems, the staff session for the browser; JSON only outside DEBUG.
_API_RENDERERS = ["rest_framework.renderers.JSONRenderer"]
if DEBUG:
    _API_RENDERERS.append("rest_framework.renderers.BrowsableAPIRenderer")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": _API_RENDERERS,
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "finsentry.api.pagination.KeysetPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "finsentry.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("FINSENTRY_API_RATE", "600/minute"),
    },
}
