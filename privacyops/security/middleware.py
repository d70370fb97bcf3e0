"""Three gates in front of the back office.

- `AdminNetworkAllowListMiddleware`: the admin answers only to the configured networks.
- `SecondFactorRequiredMiddleware`: a staff session that has not passed the second factor
  reaches nothing in the admin but the sign-in, enrolment and verification pages.
- `ConfidentialityUndertakingMiddleware`: a verified staff session that has not accepted the
  confidentiality undertaking in force is shown it, and reaches nothing else in the admin
  (sign-in, second factor and sign-out stay open) until it accepts.
- `ContentSecurityPolicyMiddleware`: one CSP header on every response (admin and public).

The gates decide on `request.path_info`, the path Django routes on. `request.path` carries the
script prefix too (SCRIPT_NAME, or FORCE_SCRIPT_NAME behind a reverse proxy that mounts the
product under `/backoffice`), so a gate that looked at it would wave through every request
mounted under a prefix while the URL resolver still served the admin.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from . import confidentiality, selectors

logger = logging.getLogger("privacyops.security")


class AdminNetworkAllowListMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if selectors.is_admin_path(request.path_info):
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
OPEN_VIEWS = frozenset(
    {"admin:login", "admin:logout", "admin:jsi18n", "security:verify", "security:enrol"}
)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            selectors.is_admin_path(request.path_info)
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and not self._is_open(request.path_info)
        ):
            target = "security:verify" if selectors.has_second_factor(user) else "security:enrol"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path_info: str) -> bool:
        return _resolves_to(path_info, OPEN_VIEWS)


def _resolves_to(path_info: str, views: frozenset[str]) -> bool:
    # By the view the resolver would route to, so no prefix or spelling of the path
    # (a trailing segment, a doubled slash) can make a closed page look like an open one.
    try:
        return resolve(path_info).view_name in views
    except Resolver404:
        return False


# Admin pages open before the undertaking is accepted: the second factor's, and the page
# that shows the undertaking.
OPEN_BEFORE_UNDERTAKING = OPEN_VIEWS | {"security:undertaking"}


class ConfidentialityUndertakingMiddleware:
    """After both factors, the undertaking in force must be accepted before any admin page.

    Runs after `SecondFactorRequiredMiddleware`: an unverified session is that gate's business.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            selectors.is_admin_path(request.path_info)
            and user.is_authenticated
            and user.is_staff
            and user.is_verified()
            and not _resolves_to(request.path_info, OPEN_BEFORE_UNDERTAKING)
            and confidentiality.must_accept_undertaking(user) is not None
        ):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('security:undertaking')}?{query}")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
