"""Who is calling (a client's hashed key), what it may do (scopes), how often (per client).

401: no key, an unknown, revoked or rotated-out key, an inactive client.
403: a valid key whose client lacks the endpoint's scope.
429: over the client's calls per minute, with Retry-After.
"""

from django.conf import settings
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework_api_key.permissions import KeyParser

from .models import ApiKey

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>`; `request.auth` is the stored key, its client attached."""

    key_parser = KeyParser()

    def authenticate(self, request):
        key = self.key_parser.get(request)
        if not key:
            return None  # refused by HasScope: 401 with WWW-Authenticate
        try:
            stored = ApiKey.objects.get_from_key(key)
        except ApiKey.DoesNotExist:
            raise exceptions.AuthenticationFailed("Unknown or revoked key.") from None
        if stored.has_expired:
            raise exceptions.AuthenticationFailed("This key was rotated out and has expired.")
        if not stored.client.is_active:
            raise exceptions.AuthenticationFailed("This client is not active.")
        return (None, stored)

    def authenticate_header(self, request):
        return KEYWORD


def client_of(request):
    """The calling ApiClient, or None before (or without) authentication."""
    auth = getattr(request, "auth", None)
    return auth.client if isinstance(auth, ApiKey) else None


class HasScope(permissions.BasePermission):
    """The view's `required_scope` must be among the client's scopes."""

    message = "This key's client does not have the scope this endpoint needs."

    def has_permission(self, request, view):
        client = client_of(request)
        if client is None:
            self.message = "Send the key as: Authorization: Api-Key <key>."
            return False
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return False  # an endpoint that names no scope is open to nobody
        if not client.has_scope(scope):
            self.message = f"This client lacks the scope {scope}."
            return False
        return True


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Calls per minute per client: its own limit, else API_DEFAULT_REQUESTS_PER_MINUTE."""

    scope = "api-client"

    def get_rate(self):
        return f"{settings.API_DEFAULT_REQUESTS_PER_MINUTE}/min"

    def allow_request(self, request, view):
        client = client_of(request)
        if client is None:
            return True  # refused by authentication anyway
        per_minute = client.requests_per_minute or settings.API_DEFAULT_REQUESTS_PER_MINUTE
        self.num_requests, self.duration = per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        client = client_of(request)
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
