"""One settings module for every environment.

Everything that differs between a laptop and production is read from the environment
(django-environ). The defaults are the embedded ones: SQLite and kombu's filesystem broker,
so `make run` needs no server. Production is DEBUG off plus DATABASE_URL, CELERY_BROKER_URL,
SECRET_KEY and ALLOWED_HOSTS; the secure-transport settings follow DEBUG unless overridden.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")
# Embedded database, broker folders and private files live here on a laptop.
VAR_DIR = Path(env.str("PRIVACYOPS_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# The demo secrets only ever serve a laptop (DEBUG on). With DEBUG off, a missing or demo
# SECRET_KEY, FIELD_ENCRYPTION_SALTS or BLIND_INDEX_KEYS is a system-check error that stops
# the web process, the workers and beat (privacyops.security.checks).
DEMO_SECRET_KEY = "embedded-demo-key-not-for-production-use-0123456789"
DEMO_FIELD_ENCRYPTION_SALTS = ["privacyops-contact-details"]
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "privacyops.core.apps.PrivacyOpsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "privacyops.core.apps.CoreConfig",
    "privacyops.security",
    "privacyops.inventory",
    "privacyops.subjects",
    "privacyops.retention",
    "privacyops.marketing",
    "privacyops.disclosures",
    "privacyops.dsr",
    "privacyops.incidents",
    "privacyops.webhooks",
    "rest_framework",
    "drf_spectacular",
    "rest_framework_api_key",  # its AbstractAPIKey; its own APIKey table stays unused
    "privacyops.api",
    "privacyops.accountability",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "privacyops.security.middleware.AdminNetworkAllowListMiddleware",
    "privacyops.security.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common (as Django requires); it never redirects (no i18n_patterns).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "privacyops.security.middleware.SecondFactorRequiredMiddleware",
    "privacyops.security.middleware.ConfidentialityUndertakingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that a real Celery worker process can share the test database
    # (it is handed the file's path); one per test run, so two runs on one checkout never
    # write into each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    # The web process, the worker and beat write to one file. A deferred transaction that reads
    # and then writes fails at once with "database is locked" when another process writes;
    # BEGIN IMMEDIATE takes the write lock first, so the 30 s busy timeout applies instead.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and sessions ----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # inactivity timeout, not a fixed lifetime
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security: two-factor admin, network allow-list, lockouts (privacyops.security) ------
# django-axes checks lockouts first; Django's own backend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Who may reach /admin/ at all (CIDR, IPv4 and IPv6). Default: this machine and private
# networks. Production sets the office / VPN ranges.
ADMIN_ALLOWED_NETWORKS = env.list(
    "ADMIN_ALLOWED_NETWORKS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
)
# X-Forwarded-For is believed only when it comes from one of these (CIDR) reverse proxies.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
ADMIN_URL_PREFIXES = ["/admin/"]  # as routed (path_info), without any script prefix
# Behind a reverse proxy that mounts the product under a path (e.g. /backoffice): that path.
FORCE_SCRIPT_NAME = env.str("FORCE_SCRIPT_NAME", default=None)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="privacyops")
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = None  # a lockout lasts until Legal releases it (and that is logged)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "privacyops.security.selectors.request_ip_text"
AXES_ENABLE_ADMIN = False  # privacyops.security shows lockouts and logs each release
AXES_DISABLE_ACCESS_LOG = True  # the login history is privacyops.security.LoginAttempt
# Content-Security-Policy for every page (admin and public). Styles allow inline
# attributes (the admin and dashboard bars use them); scripts only from this origin.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
# Key rotation: the previous SECRET_KEY stays here for one session lifetime (docs/security.md).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Contact details are encrypted at rest (privacyops.security.encryption). The data key is
# derived from SECRET_KEY (+ fallbacks) and each salt; the first salt encrypts, all decrypt.
# The blind-index keys (HMAC) make e-mail search and uniqueness work on ciphertext.
# Rotate: put the new one first, run `manage.py rotate_field_keys`, then drop the old one.
SALT_KEY = env.list("FIELD_ENCRYPTION_SALTS", default=DEMO_FIELD_ENCRYPTION_SALTS)
BLIND_INDEX_KEYS = env.list("BLIND_INDEX_KEYS", default=[])  # empty: derived from SECRET_KEY

# --- Transport security: on in production (DEBUG off), overridable for a TLS-terminating proxy
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- I18N -----------------------------------------------------------------------------------
# English and Bulgarian: the admin (Django's own Bulgarian plus ours), the public pages and the
# letters. URLs stay unprefixed (the security gates compare path_info): LocaleMiddleware picks
# the language from the django_language cookie (the switch, /i18n/setlang/), then
# Accept-Language, then LANGUAGE_CODE. Our catalog: locale/bg/LC_MESSAGES (`make messages`).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("bg", "Български")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates stay British (31/12/2026, "31 December 2026"), as before there were two languages.
FORMAT_MODULE_PATH = ["privacyops.core.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Sofia")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Access packages and purge proofs are personal data: never under a public URL.
PRIVATE_STORAGE_ROOT = env.str("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private"))

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="legal@infoserv.eu")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport, a real broker without a server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A message a worker took but never acknowledged (acks_late: the whole worker was killed)
    # goes back to its queue after this many seconds. Longer than the longest task, or a task
    # still running is delivered a second time (each job then skips work already done).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task killed mid-run is redelivered, never lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="privacyops")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Retention purges (privacyops.retention) -------------------------------------------------
# Rows (or keys) per purge window (one transaction each) and how long a run holds its rule's lease
# before another worker may take over (a killed worker's run is then marked interrupted).
RETENTION_WINDOW_SIZE = env.int("RETENTION_WINDOW_SIZE", default=100_000)
RETENTION_LEASE_SECONDS = env.int("RETENTION_LEASE_SECONDS", default=600)
# PostgreSQL's effective_io_concurrency in a purge's transactions: how many pages a scan of
# scattered rows (a month's held rows, copied before the month is replaced) asks the disk for
# ahead. 0 leaves the server's own (Debian's: 1); 0 also where the server's platform has no
# posix_fadvise (macOS), which refuses any other value.
RETENTION_IO_CONCURRENCY = env.int("RETENTION_IO_CONCURRENCY", default=200)
# PostgreSQL: connections (threads) a purge swaps whole months on. A month's transaction frees
# the dropped partition's files after its commit; on a second connection the next month goes
# on meanwhile (`retention.partition_swap.months_swap`). 1: every month on the run's own
# connection. 2 was 16% faster with the months in the page cache, and 64% slower with them
# read from a disk whose filesystem discards freed blocks at once (docs/benchmarks.md).
RETENTION_SWAP_CONNECTIONS = env.int("RETENTION_SWAP_CONNECTIONS", default=1)
RETENTION_HOLD_EXPIRY_NOTICE_DAYS = env.int("RETENTION_HOLD_EXPIRY_NOTICE_DAYS", default=14)
# Test hook only: a pause after each committed window, so a kill test can strike mid-run.
RETENTION_WINDOW_PAUSE_SECONDS = env.float("RETENTION_WINDOW_PAUSE_SECONDS", default=0.0)
# PostgreSQL: activity events live in monthly partitions; beat keeps this many months ahead.
ACTIVITY_PARTITION_MONTHS_AHEAD = env.int("ACTIVITY_PARTITION_MONTHS_AHEAD", default=3)

# --- Record of processing (privacyops.inventory) -------------------------------------------
# How many days ahead of a processor agreement's review date Legal is reminded (once per date).
INVENTORY_AGREEMENT_REVIEW_NOTICE_DAYS = env.int(
    "INVENTORY_AGREEMENT_REVIEW_NOTICE_DAYS", default=30
)

# --- django-import-export -------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- The company this back office serves (from the privacy policy) -------------------------
PRIVACYOPS_CONTROLLER = {
    "name": env.str("CONTROLLER_NAME", default="DAN electronic LTD"),
    "address": env.str(
        "CONTROLLER_ADDRESS", default="8 Konstantin Irechek Str., Rousse 7000, Bulgaria"
    ),
    "email": env.str("CONTROLLER_EMAIL", default="legal@infoserv.eu"),
}
# Key for salted hashes of erased values (suppression list); defaults to SECRET_KEY.
PRIVACYOPS_HASH_SALT = env.str("PRIVACYOPS_HASH_SALT", default=SECRET_KEY)
# Country whose public holidays move a deadline's last day (Regulation 1182/71).
PRIVACYOPS_HOLIDAY_COUNTRY = env.str("HOLIDAY_COUNTRY", default="BG")

# --- Privacy requests ---------------------------------------------------------------------
# Public address of this site, for the confirmation links e-mailed to requesters.
PRIVACYOPS_PUBLIC_URL = env.str("PUBLIC_URL", default="http://127.0.0.1:8000")
# A confirmation link is valid this many days; an unconfirmed web request is closed (with a
# final notice) this many days after it was received.
PRIVACYOPS_DSR_CONFIRMATION_LINK_DAYS = env.int("DSR_CONFIRMATION_LINK_DAYS", default=7)
PRIVACYOPS_DSR_UNCONFIRMED_CLOSE_DAYS = env.int("DSR_UNCONFIRMED_CLOSE_DAYS", default=14)
# Public request form submissions allowed per IP address per hour.
PRIVACYOPS_DSR_INTAKE_PER_HOUR = env.int("DSR_INTAKE_PER_HOUR", default=5)
# How long the signed download link of an access package works; the file is then deleted.
PRIVACYOPS_DSR_PACKAGE_LINK_DAYS = env.int("DSR_PACKAGE_LINK_DAYS", default=30)
# A package build that records no step for this long is taken for dead (its worker was lost)
# and marked failed by the every-minute sweep, so Legal can build it again.
PRIVACYOPS_DSR_PACKAGE_BUILD_LEASE_SECONDS = env.int("DSR_PACKAGE_BUILD_LEASE_SECONDS", default=300)
# Where a requester may complain (GDPR Art. 77); stated in every refusal and completion letter.
PRIVACYOPS_SUPERVISORY_AUTHORITY = (
    "Commission for Personal Data Protection (Комисия за защита на личните данни), "
    "2 Prof. Tsvetan Lazarov Blvd., Sofia 1592, Bulgaria, www.cpdp.bg"
)
# The cache counts those submissions. Local memory counts per process; set CACHE_URL
# (e.g. redis://host:6379/1) so that every web process shares one count.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- Marketing communications -----------------------------------------------------------------
# The opt-out address the policy names; it goes into every List-Unsubscribe header.
PRIVACYOPS_UNSUBSCRIBE_EMAIL = env.str("UNSUBSCRIBE_EMAIL", default="unsubscribe@infoserv.eu")
# How long a one-click unsubscribe link keeps working after the message was sent.
PRIVACYOPS_UNSUBSCRIBE_LINK_DAYS = env.int("UNSUBSCRIBE_LINK_DAYS", default=365)

# --- Security incidents and breaches (privacyops.incidents) ----------------------------------
# Reports the public page /security/report/ accepts per client address per hour.
PRIVACYOPS_INCIDENT_REPORTS_PER_HOUR = env.int("INCIDENT_REPORTS_PER_HOUR", default=5)
# Where notifications to the supervisory authority are e-mailed; empty: Legal submits them
# through the authority's own channel and records that in the admin.
PRIVACYOPS_INCIDENTS_AUTHORITY_EMAIL = env.str("INCIDENTS_AUTHORITY_EMAIL", default="")

# --- Integration API (privacyops.api) ---------------------------------------------------------
# Connected systems authenticate with `Authorization: Api-Key <key>`; every answer is JSON.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["privacyops.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["privacyops.api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["privacyops.api.authentication.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["privacyops.api.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "privacyops.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "privacyops integration API",
    "DESCRIPTION": "For the systems the privacy policy covers: the CRM and the Sites push "
    "activity and requests, the mail platform asks before it sends.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Purposes granted and refused in a consent receipt are one set of choices: one name.
    "ENUM_NAME_OVERRIDES": {"ConsentPurposeEnum": "privacyops.api.consents.CONSENT_PURPOSES"},
}
# Calls per minute a client may make unless its own limit says otherwise (429 beyond).
API_DEFAULT_REQUESTS_PER_MINUTE = env.int("API_DEFAULT_REQUESTS_PER_MINUTE", default=120)
# The largest body an endpoint reads (413 beyond): a batch of 10,000 events fits in 16 MiB.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
API_EVENTS_MAX_BODY_BYTES = env.int("API_EVENTS_MAX_BODY_BYTES", default=16 * 1024 * 1024)
# How long a rotated-out key keeps working, so the connected system can switch over.
API_KEY_ROTATION_OVERLAP_HOURS = env.int("API_KEY_ROTATION_OVERLAP_HOURS", default=24)
# Webhooks out (privacyops.webhooks): how long a recipient has to answer one attempt, how many
# due deliveries the every-minute job takes, and whether http://127.0.0.1 is allowed (DEBUG and
# tests only: everywhere else an endpoint must be https://).
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
WEBHOOKS_BATCH_SIZE = env.int("WEBHOOKS_BATCH_SIZE", default=500)
WEBHOOKS_ALLOW_LOCAL_HTTP = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
