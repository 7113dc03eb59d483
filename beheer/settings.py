"""Settings for KT Beheer.

One module, configured by environment variables (documented in `.env.example`). The defaults
are safe for a developer's laptop: SQLite, DEBUG off unless asked, mail to the console.
A production deployment sets at least SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and KT_BASE_URL.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from beheer.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

# Without SECRET_KEY we only run in DEBUG (local development and tests). A production
# process refuses to start rather than sign sessions with a missing, known or weak key (the
# rules of Django's own security.W009 check, so `check --deploy` and the start agree).
INSECURE_DEVELOPMENT_KEY = "insecure-local-development-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", "")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY ontbreekt: zet de omgevingsvariabele SECRET_KEY.")
    if (
        SECRET_KEY == INSECURE_DEVELOPMENT_KEY
        or SECRET_KEY.startswith("django-insecure-")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is onveilig: kies een willekeurige sleutel van minstens 50 tekens, "
            "bijvoorbeeld met `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
elif not SECRET_KEY:
    SECRET_KEY = INSECURE_DEVELOPMENT_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Koppeltaal ---------------------------------------------------------------------------
KT_OMGEVINGEN = ("acc21", "acc22", "mgr2", "prd2", "lokaal")
KT_OMGEVING = env_str("KT_OMGEVING", "lokaal")
if KT_OMGEVING not in KT_OMGEVINGEN:
    raise ImproperlyConfigured(
        f"KT_OMGEVING={KT_OMGEVING!r} is onbekend; kies uit {', '.join(KT_OMGEVINGEN)}."
    )
# The public base URL of this portal, used for absolute links in e-mails.
KT_BASE_URL = env_str("KT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- FHIR (the KT2Device on each domain's FHIR server) ------------------------------------
# Read timeout in seconds for calls to a domain's FHIR server and token endpoint.
KT_FHIR_TIMEOUT = env_int("KT_FHIR_TIMEOUT", 10)
# Scope the portal asks for with SMART backend services.
KT_FHIR_TOKEN_SCOPE = env_str("KT_FHIR_TOKEN_SCOPE", "system/Device.cruds")
# Push a Device right after the deciding transaction commits (off: leave it pending for
# `manage.py fhir_sync` / the outbox worker).
KT_FHIR_PUSH_AFTER_COMMIT = env_bool("KT_FHIR_PUSH_AFTER_COMMIT", True)
# The portal's identity as the source of the Devices it writes (Device.meta.source, a URI).
KT_FHIR_META_SOURCE = env_str("KT_FHIR_META_SOURCE", "") or KT_BASE_URL
# The portal's private signing key (PEM), inline or as a file path. Secrets: environment only.
KT_PORTAL_PRIVATE_KEY = env_str("KT_PORTAL_PRIVATE_KEY", "")
KT_PORTAL_PRIVATE_KEY_FILE = env_str("KT_PORTAL_PRIVATE_KEY_FILE", "")

# --- Applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    "beheer.accounts.apps.KTAdminConfig",  # django.contrib.admin with the 2FA-aware site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "beheer",
    "beheer.accounts",
    "beheer.audit",
    "beheer.outbox",
    "applicaties",
    "domeinen",
    "connectieaanvragen",
    "identiteit",
    "teams",
    "aanmeldingen",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "phonenumber_field",
    "rollen",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "portaal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "beheer.audit.middleware.AuditContextMiddleware",  # who and from where, for the audit trail
    "django_otp.middleware.OTPMiddleware",
    "beheer.accounts.middleware.IdleTimeoutMiddleware",
    "beheer.accounts.middleware.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "beheer.headers.NoStoreMiddleware",  # after auth: knows who is logged in
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the Dutch lockout page
]

ROOT_URLCONF = "beheer.urls"
WSGI_APPLICATION = "beheer.wsgi.application"

# One template language: Django templates (templates/) for the portal's pages, the e-mails, the
# admin overrides and the API docs; forms render with Django's default form renderer.
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
                "beheer.context_processors.omgeving",
                "beheer.context_processors.navigatie",
                "beheer.context_processors.support",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# Default: an embedded SQLite file for `make run`; `postgres://...` switches to PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    # Wait for a write lock instead of failing at once when the worker and the web server write.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/inloggen/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/inloggen/"

# Axes first: it refuses a locked username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "beheer.accounts.backends.CaseInsensitiveModelBackend",
]

# Lockout (django-axes): the USERNAME is locked after AXES_FAILURE_LIMIT wrong passwords,
# whatever the IP address, until support lifts it. KT_LOCKOUT_COOLOFF_MINUTES > 0 adds an
# automatic release after that many minutes (default: none, only support unlocks).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Keep each failure (AccessFailureLog): the user page in the admin says since when an account
# is locked; axes keeps at most AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT rows per username.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_USERNAME_CALLABLE = "beheer.accounts.lockout.username_for_axes"
AXES_CLIENT_IP_CALLABLE = "beheer.accounts.lockout.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# Locking by username alone is the requirement (the manual: "wordt je gebruikersnaam
# geblokkeerd"), so axes' hint to add the IP address is deliberately silenced.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
_cooloff_minutes = env_int("KT_LOCKOUT_COOLOFF_MINUTES", 0)
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff_minutes) if _cooloff_minutes > 0 else None
# The request header (as in request.META, e.g. HTTP_X_REAL_IP) that the reverse proxy sets to
# the client address. Empty (default): only REMOTE_ADDR is used; never trust a header that a
# client can send itself.
KT_CLIENT_IP_HEADER = env_str("KT_CLIENT_IP_HEADER", "")

# Two-factor authentication (django-otp). Support/staff always need it; this setting makes it
# required for every user (default on; the local demo switches it off).
KT_2FA_REQUIRED = env_bool("KT_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = f"KT Beheer ({KT_OMGEVING})"
OTP_TOTP_THROTTLE_FACTOR = 1  # each wrong code doubles the wait: 1 s, 2 s, 4 s, ...
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # never show an authenticator's secret in the admin

# A password link (invitation, reset by support, "wachtwoord vergeten") works once and for 24 h.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 24 * 3600)
# "Wachtwoord vergeten": at most this many requests per client address per hour.
KT_PASSWORD_FORGOTTEN_LIMIT = env_int("KT_PASSWORD_FORGOTTEN_LIMIT", 5)
# Accounts are valid this many days after creation or their last review ("Verlengen"); the
# person and their fellow beheerders get reminders 30 and 7 days before (send_validity_reminders).
KT_ACCOUNT_VALIDITY_DAYS = env_int("KT_ACCOUNT_VALIDITY_DAYS", 365)
# Where pages and mails that say "neem contact op met support" send people.
KT_SUPPORT_EMAIL = env_str("KT_SUPPORT_EMAIL", "support@koppeltaal.invalid")
KT_SUPPORT_PHONE = env_str("KT_SUPPORT_PHONE", "")
# Onboarding requests (aanmeldingen) from people without an account: off unless 1; at most
# KT_ONBOARDING_LIMIT requests per client address per hour.
KT_PUBLIC_ONBOARDING = env_bool("KT_PUBLIC_ONBOARDING", False)
KT_ONBOARDING_LIMIT = env_int("KT_ONBOARDING_LIMIT", 5)
# Log out after this many seconds without a request (default 30 minutes).
KT_SESSION_IDLE_TIMEOUT = env_int("KT_SESSION_IDLE_TIMEOUT", 30 * 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "beheer.accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Phone numbers (django-phonenumber-field): without a country code read as Dutch; stored E.164.
PHONENUMBER_DEFAULT_REGION = "NL"
PHONENUMBER_DB_FORMAT = "E164"
# Date-times to the second everywhere (history and logs in the admin too): beheer/formats/nl.
FORMAT_MODULE_PATH = ["beheer.formats"]

# --- Static files -------------------------------------------------------------------------
# Served by the application itself (whitenoise): no CDN, no separate web server needed.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "beheer" / "static"]
if DEBUG:
    STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when the folder is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("KT_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -------------------------------------------------------------------------------
# EMAIL_BACKEND chooses the transport: the console (default), SMTP, or any django-anymail ESP
# (e.g. anymail.backends.postmark.EmailBackend with ANYMAIL_POSTMARK_SERVER_TOKEN).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "KT Beheer <noreply@koppeltaal.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}

# --- Outbox (durable deliveries: e-mail, FHIR pushes) -----------------------------------------
# A failed delivery is retried after base * 2^(attempt-1) seconds (at most OUTBOX_RETRY_MAX_SECONDS)
# until OUTBOX_MAX_ATTEMPTS attempts have failed; then it is marked "mislukt".
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 3600)
# How long a worker holds a claimed row; after that another worker may take it over.
OUTBOX_CLAIM_TIMEOUT_SECONDS = env_int("OUTBOX_CLAIM_TIMEOUT_SECONDS", 300)
OUTBOX_POLL_SECONDS = env_int("OUTBOX_POLL_SECONDS", 5)
# Try each delivery in the committing process right after commit (the worker retries failures).
OUTBOX_SEND_ON_COMMIT = env_bool("OUTBOX_SEND_ON_COMMIT", True)
# `manage.py purge_outbox` removes sent deliveries older than this (waiting/failed ones stay).
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 90)

# --- Security -----------------------------------------------------------------------------
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Database sessions: server-side, so a logout or a password reset ends them at once in every
# worker (not cached_db: the default cache is per process).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Only trust X-Forwarded-Proto when a reverse proxy that sets it is configured.
if env_bool("KT_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): our own scripts, styles, images and fonts only; no
# inline script or style (the portal and the admin need none), no plugins, no framing. The
# API's Redoc page alone needs inline styles (it injects them): see api/urls.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): the portal uses no browser feature.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Cache ----------------------------------------------------------------------------------
# The "wachtwoord vergeten" limit, the API throttles and the SMART token cache count in the
# cache, so every worker process must see the same one. REDIS_URL set: Redis. Otherwise, with
# DEBUG off: the database cache table (made by `migrate`, beheer/migrations). DEBUG (a
# developer's laptop, the tests): the process's own memory.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
elif not DEBUG:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kt_cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes logs every successful login at INFO; failures and lockouts stay visible.
        "axes": {"level": "WARNING"},
    },
}

# --- Audit trail (beheer/audit) ------------------------------------------------------------
# `manage.py purge_audit` (daily) removes audit records older than this many days.
KT_AUDIT_RETENTION_DAYS = env_int("KT_AUDIT_RETENTION_DAYS", 730)

# --- REST API (/api/v1/) --------------------------------------------------------------------
# Rate limits per credential, e.g. "1200/min": an authorization server asks per token request.
KT_API_RATE_DOMEINSLEUTEL = env_str("KT_API_RATE_DOMEINSLEUTEL", "1200/min")
KT_API_RATE_TOKEN = env_str("KT_API_RATE_TOKEN", "300/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsBeheerder"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.DomainKeyThrottle",
        "api.throttling.PersonalTokenThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.problem_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KT Beheer API",
    "DESCRIPTION": (
        "API van de Koppeltaal 2.0 beheerapplicatie: clients per domein voor autorisatieservers "
        "(API-sleutel van het domein) en domeinen, applicaties, instanties en connectieaanvragen "
        "voor beheerders (sessie of persoonlijk token). Fouten zijn RFC 9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "InstantieStatusEnum": "domeinen.models.InstantieStatus",
        "AanvraagStatusEnum": "connectieaanvragen.models.AanvraagStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}

# --- JWKS check (connectieaanvragen/jwks.py) ----------------------------------------------
# Hosts of a JWKS URI may not resolve to private, loopback or link-local addresses, unless
# listed here as networks (CIDR, e.g. "127.0.0.1/32"); only for development and tests.
KT_JWKS_ALLOWED_NETWORKS = env_list("KT_JWKS_ALLOWED_NETWORKS", [])
for _network in KT_JWKS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"KT_JWKS_ALLOWED_NETWORKS: {_network!r} is geen netwerk (CIDR, bv. 127.0.0.1/32)."
        ) from _exc
KT_JWKS_TIMEOUT = env_int("KT_JWKS_TIMEOUT", 5)  # seconds per connect/read
KT_JWKS_MAX_BYTES = env_int("KT_JWKS_MAX_BYTES", 65536)

# --- Secrets at rest (beheer/secrets.py) ----------------------------------------------------
# Fernet keys, comma-separated: the first encrypts, all decrypt (rotation). Only in DEBUG is
# there a development key, so a secret stored in production is never under a key in the repo.
KT_SECRETS_KEY = env_list("KT_SECRETS_KEY", [])
if not KT_SECRETS_KEY and DEBUG:
    KT_SECRETS_KEY = ["a3QtYmVoZWVyLWRldmVsb3BtZW50LWtleS1vbmx5ISE="]
