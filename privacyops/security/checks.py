"""A deployment that forgets a gate fails `manage.py check` instead of silently opening."""

from django.conf import settings
from django.core import checks

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
