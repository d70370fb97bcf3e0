"""Reads that encode the security rules: where a request comes from, who has a second factor."""

from functools import lru_cache

from django.conf import settings
from django_otp import user_has_device

from . import network


@lru_cache(maxsize=8)
def _networks(ranges: tuple[str, ...]) -> tuple[network.IPNetwork, ...]:
    return network.parse_networks(ranges)


def admin_networks() -> tuple[network.IPNetwork, ...]:
    return _networks(tuple(settings.ADMIN_ALLOWED_NETWORKS))


def trusted_proxies() -> tuple[network.IPNetwork, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def request_ip(request) -> network.IPAddress | None:
    """The client's address, believing X-Forwarded-For only from trusted proxies."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    return network.client_ip(
        meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"), trusted_proxies()
    )


def request_ip_text(request) -> str | None:
    """The same as text: what django-axes and the logs record (AXES_CLIENT_IP_CALLABLE)."""
    address = request_ip(request)
    return str(address) if address is not None else None


def request_user_agent(request) -> str:
    if request is None:
        return ""
    return getattr(request, "META", {}).get("HTTP_USER_AGENT", "")[:500]


def is_admin_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.ADMIN_URL_PREFIXES)


def admin_reachable_from(address: network.IPAddress | None) -> bool:
    return network.in_networks(address, admin_networks())


def has_second_factor(user) -> bool:
    """Whether the user has a confirmed device (authenticator app or recovery codes)."""
    return user_has_device(user, confirmed=True)


def locked_out_attempts():
    """django-axes records that currently block a username from an address."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
