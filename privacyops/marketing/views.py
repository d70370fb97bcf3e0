"""The public one-click unsubscribe page: no login, the signed link is the only credential."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from privacyops.core.erasure import masked
from privacyops.security.selectors import request_ip_text
from privacyops.subjects.models import DataSubject

from . import services
from .models import Channel, OptOutMethod, Subscription
from .tokens import ExpiredToken, InvalidToken, unsubscribe_token_read

ONE_CLICK_BODY = "One-Click"


def _masked(email: str) -> str:
    return masked(email) if email.partition("@")[2] else "your address"


def _problem(request, *, status: int, reason: str):
    context = {"reason": reason, "controller": settings.PRIVACYOPS_CONTROLLER}
    context["unsubscribe_email"] = settings.PRIVACYOPS_UNSUBSCRIBE_EMAIL
    return render(request, "marketing/unsubscribe_problem.html", context, status=status)


# Exempt from CSRF because RFC 8058 mail clients POST without any token or cookie. Safe: the
# view uses no session or cookie; the signed link alone says whose subscription ends, and all
# a forged request could do is what the link's holder may do anyway (unsubscribe).
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    try:
        target = unsubscribe_token_read(token)
    except ExpiredToken:
        return _problem(request, status=400, reason="expired")
    except InvalidToken:
        return _problem(request, status=400, reason="invalid")
    subject = DataSubject.objects.filter(pk=target.subject_id).first()
    if subject is None:
        return _problem(request, status=404, reason="unknown")

    channel_label = Channel(target.channel).label if target.channel else None
    context = {
        "token": token,
        "channel_label": channel_label,
        "controller": settings.PRIVACYOPS_CONTROLLER,
    }
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == ONE_CLICK_BODY
        services.subscription_unsubscribe(
            subject=subject,
            channel=target.channel,
            method=OptOutMethod.ONE_CLICK if one_click else OptOutMethod.LINK,
            ip=request_ip_text(request),
        )
        return render(request, "marketing/unsubscribe_done.html", context)

    # De-duplicated here: the column holds ciphertext, different for each row.
    emails = sorted(
        set(Subscription.objects.filter(subject=subject).values_list("email", flat=True))
    )
    context["addresses"] = [_masked(e) for e in emails]
    return render(request, "marketing/unsubscribe_confirm.html", context)
