"""The public pages: report a vulnerability or incident, and /.well-known/security.txt."""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from privacyops.security.selectors import request_ip_text

from . import services
from .forms import PublicReportForm
from .models import Incident, SecurityTxt

log = logging.getLogger(__name__)
RATE_WINDOW_SECONDS = 3600


def over_rate_limit(request) -> bool:
    """Count this report against the client's address (the proxy-aware one); True when over."""
    key = f"incidents:report:{request_ip_text(request) or 'unknown'}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.PRIVACYOPS_INCIDENT_REPORTS_PER_HOUR


@require_http_methods(["GET", "POST"])
def report(request):
    template = "incidents/report.html"
    if request.method == "GET":
        return render(request, template, {"form": PublicReportForm()})
    if over_rate_limit(request):
        return render(
            request,
            template,
            {
                "form": PublicReportForm(),
                "error": _(
                    "Too many reports from your address. Please try again in an hour, or "
                    "write to %(email)s."
                )
                % {"email": settings.PRIVACYOPS_CONTROLLER["email"]},
            },
            status=429,
        )
    form = PublicReportForm(request.POST)
    if not form.is_valid():
        return render(request, template, {"form": form, "error": _reasons(form)}, status=400)
    data = form.cleaned_data
    try:
        incident = services.incident_report(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            reporter_name=data["name"],
            reporter_email=data["email"],
            source=Incident.Source.PUBLIC_REPORT,
        )
    except services.IncidentError as error:
        return render(request, template, {"form": form, "error": str(error)}, status=400)
    return render(request, "incidents/reported.html", {"incident": incident})


def _reasons(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else _("Form")
        parts.append(f"{label}: {' '.join(errors)}")
    return _("The report was not accepted.") + " " + " ".join(parts)


@require_GET
@cache_control(max_age=3600, public=True)
def security_txt(request):
    txt = SecurityTxt.objects.order_by("pk").first()
    if txt is None:
        raise Http404("No security.txt is published.")
    expires = txt.expires_at.astimezone(datetime.UTC)
    lines = [f"Contact: {contact}" for contact in txt.contacts]
    lines += [
        f"Expires: {expires:%Y-%m-%dT%H:%M:%S}Z",
        f"Policy: {txt.policy_url}",
        f"Preferred-Languages: {txt.preferred_languages}",
        f"Canonical: {txt.canonical_url}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
