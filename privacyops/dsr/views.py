"""The public pages: submit a privacy request, confirm it by the e-mailed link, download the
access package through its signed link. No login."""

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from privacyops.security.selectors import request_ip_text

from . import services
from .forms import PublicWebRequestForm
from .models import Channel

RATE_WINDOW_SECONDS = 3600


def _over_rate_limit(request) -> bool:
    """Count this submission against the sender's IP address; True when over the limit.

    The address is the client's, resolved through TRUSTED_PROXIES as for every gate (behind a
    proxy, REMOTE_ADDR is the proxy: one counter for everyone, and one person could lock all
    out). Django's cache is the counter (per process with the default local-memory cache;
    shared when CACHES points at Redis or a database).
    """
    key = f"dsr:intake:{request_ip_text(request) or 'unknown'}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.PRIVACYOPS_DSR_INTAKE_PER_HOUR


@require_http_methods(["GET", "POST"])
def request_form(request):
    if request.method == "GET":
        # LocaleMiddleware has chosen a language of settings.LANGUAGES (cookie, Accept-Language).
        form = PublicWebRequestForm(initial={"language": request.LANGUAGE_CODE})
        return render(request, "dsr/request_form.html", {"form": form})
    if _over_rate_limit(request):
        return render(
            request,
            "dsr/request_form.html",
            {
                "form": PublicWebRequestForm(request.POST),
                "error": _(
                    "Too many requests from your address. Please try again in an hour, "
                    "or write to us by e-mail."
                ),
            },
            status=429,
        )
    form = PublicWebRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "dsr/request_form.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        privacy_request = services.request_submit(
            request_type=data["request_type"],
            channel=Channel.WEB_FORM,
            requester_name=data["name"],
            requester_email=data["email"],
            details=data["details"],
            base_url=request.build_absolute_uri("/"),
            # As chosen on the form, else the language the page was shown in.
            language=data["language"] or request.LANGUAGE_CODE,
        )
    except services.RequestError as error:
        return render(
            request, "dsr/request_form.html", {"form": form, "error": str(error)}, status=400
        )
    if form.is_child():
        # Recorded as a child's request; a parent or guardian is asked to act for the child.
        services.child_declaration_record(request=privacy_request)
        return render(request, "dsr/request_guardian.html", {"privacy_request": privacy_request})
    return render(request, "dsr/request_submitted.html", {"privacy_request": privacy_request})


@require_http_methods(["GET", "POST"])
def request_confirm(request, token: str):
    # GET only shows a button: link scanners in mail systems must not confirm for the person.
    if request.method == "GET":
        return render(request, "dsr/confirm.html", {"token": token})
    try:
        privacy_request = services.request_confirm(token=token)
    except services.ConfirmationInvalid as error:
        return render(request, "dsr/confirm.html", {"error": str(error)}, status=400)
    return render(request, "dsr/confirmed.html", {"privacy_request": privacy_request})


@never_cache
@require_http_methods(["GET", "POST"])
def package_download(request, token: str):
    # GET only shows a button: link scanners in mail systems must not count as a download.
    try:
        package = services.access_package_for_token(token)
    except services.PackageUnavailable as error:
        return render(request, "dsr/package.html", {"error": str(error)}, status=410)
    if request.method == "GET":
        return render(request, "dsr/package.html", {"package": package})
    try:
        staff = request.user if request.user.is_authenticated and request.user.is_staff else None
        package, path = services.access_package_open(
            token=token, via=request_ip_text(request) or "", by=staff
        )
    except services.PackageUnavailable as error:
        return render(request, "dsr/package.html", {"error": str(error)}, status=410)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=package.filename,
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
