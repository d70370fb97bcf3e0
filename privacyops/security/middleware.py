"""Three gates in front of the back office.

- `AdminNetworkAllowListMiddleware`: the admin answers only to the configured networks.
- `SecondFactorRequiredMiddleware`: a staff session that has not passed the second factor
  reaches nothing in the admin but the sign-in, enrolment and verification pages.
- `ContentSecurityPolicyMiddleware`: one CSP header on every response (admin and public).
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse

from . import selectors

logger = logging.getLogger("privacyops.security")


class AdminNetworkAllowListMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if selectors.is_admin_path(request.path):
            address = selectors.request_ip(request)
            if not selectors.admin_reachable_from(address):
                logger.warning(
                    "admin request refused: %s is outside ADMIN_ALLOWED_NETWORKS "
                    "(peer %s, X-Forwarded-For %r, path %s)",
                    address or "unknown address",
                    request.META.get("REMOTE_ADDR"),
                    request.META.get("HTTP_X_FORWARDED_FOR", ""),
                    request.path,
                )
                return HttpResponseForbidden(
                    "The back office is not reachable from this network.",
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


# Admin pages a password-only session may open: signing in and out, and the second step itself.
_OPEN_VIEWS = ("admin:login", "admin:logout", "admin:jsi18n")


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            selectors.is_admin_path(request.path)
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and not self._is_open(request.path)
        ):
            target = "security:verify" if selectors.has_second_factor(user) else "security:enrol"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        open_paths = [reverse(name) for name in _OPEN_VIEWS]
        open_paths.append(reverse("security:verify"))
        open_paths.append(reverse("security:enrol"))
        return path in open_paths


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
