"""A deployment that forgets a gate fails `manage.py check` instead of silently opening."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

REQUIRED_MIDDLEWARE = [
    "privacyops.security.middleware.AdminNetworkAllowListMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "privacyops.security.middleware.SecondFactorRequiredMiddleware",
    "privacyops.security.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]


@checks.register(checks.Tags.security)
def security_gates_installed(app_configs, **kwargs):
    errors = []
    for path in REQUIRED_MIDDLEWARE:
        if path not in settings.MIDDLEWARE:
            errors.append(
                checks.Error(f"{path} is missing from MIDDLEWARE.", id="privacyops.security.E001")
            )
    auth = "django.contrib.auth.middleware.AuthenticationMiddleware"
    otp = "django_otp.middleware.OTPMiddleware"
    gate = "privacyops.security.middleware.SecondFactorRequiredMiddleware"
    if all(p in settings.MIDDLEWARE for p in (auth, otp, gate)):
        order = [settings.MIDDLEWARE.index(p) for p in (auth, otp, gate)]
        if order != sorted(order):
            errors.append(
                checks.Error(
                    "The second-factor gate must come after AuthenticationMiddleware and "
                    "OTPMiddleware.",
                    id="privacyops.security.E002",
                )
            )
    try:
        from . import network

        network.parse_networks(settings.ADMIN_ALLOWED_NETWORKS)
        network.parse_networks(settings.TRUSTED_PROXIES)
    except ValueError as exc:
        errors.append(
            checks.Error(
                f"ADMIN_ALLOWED_NETWORKS / TRUSTED_PROXIES: {exc}", id="privacyops.security.E003"
            )
        )
    return errors


# A deployment check: `check --deploy` reports it, and the web process, workers and beat run it
# before they start (below); migrations and other commands on a developer's machine do not.
@checks.register(checks.Tags.security, deploy=True)
def production_secrets_set(app_configs, **kwargs):
    """With DEBUG off, the repository's demo secrets would decrypt contact details and sign
    valid links for anyone who has read the repository: refuse them, and a missing one."""
    if settings.DEBUG:
        return []
    errors = []
    try:
        secret_key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty one
        secret_key = ""
    if not secret_key or secret_key == settings.DEMO_SECRET_KEY:
        errors.append(
            checks.Error(
                "SECRET_KEY is missing or the repository's demo key.",
                hint="Set SECRET_KEY in the environment (a long random value, kept secret).",
                id="privacyops.security.E010",
            )
        )
    salts = list(settings.SALT_KEY or [])
    if not salts or salts == list(settings.DEMO_FIELD_ENCRYPTION_SALTS):
        errors.append(
            checks.Error(
                "FIELD_ENCRYPTION_SALTS is missing or the repository's demo salt.",
                hint="Set FIELD_ENCRYPTION_SALTS (comma-separated; the first one encrypts).",
                id="privacyops.security.E011",
            )
        )
    if not [key for key in settings.BLIND_INDEX_KEYS or [] if key]:
        errors.append(
            checks.Error(
                "BLIND_INDEX_KEYS is missing: the searchable hash of contact details would be "
                "keyed by a value derived from SECRET_KEY.",
                hint="Set BLIND_INDEX_KEYS (comma-separated; the first one writes).",
                id="privacyops.security.E012",
            )
        )
    return errors


def refuse_to_start_on_security_errors() -> None:
    """What the web process, the Celery workers and beat call before serving anything.

    `manage.py` commands run the system checks themselves; a WSGI server or `celery` does not,
    so without this a production process would start on the demo secrets.
    """
    found = [*checks.run_checks(tags=[checks.Tags.security]), *production_secrets_set(None)]
    serious = [error for error in found if error.is_serious() and not error.is_silenced()]
    if serious:
        raise ImproperlyConfigured(
            "Refusing to start: " + "; ".join(f"{e.id}: {e.msg}" for e in serious)
        )
