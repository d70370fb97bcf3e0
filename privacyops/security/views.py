"""The steps of signing in to the admin: enrol an authenticator or enter its code, then accept
the confidentiality undertaking in force; and each staff member's own undertaking and training."""

import base64

import qrcode
import qrcode.image.svg
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from . import confidentiality, selectors, services
from .forms import CodeForm, UndertakingAcceptanceForm


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _context(request, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,
        "next": _next_url(request),
        **extra,
    }


def _staff_only(request):
    if not (request.user.is_authenticated and request.user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    return None


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@never_cache
@csrf_protect
def enrol(request):
    if (response := _staff_only(request)) is not None:
        return response
    if selectors.has_second_factor(request.user):
        return HttpResponseRedirect(f"{reverse('security:verify')}?next={_next_url(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.authenticator_enrolment_confirm(
            user=request.user, token=form.cleaned_data["token"], request=request
        )
        if codes is not None:
            return render(
                request,
                "security/recovery_codes.html",
                _context(request, title="Your recovery codes", codes=codes),
            )
        form.add_error("token", "That code is not right. Check the app and try the newest code.")
    device = services.authenticator_enrolment_start(user=request.user)
    return render(
        request,
        "security/enrol.html",
        _context(
            request,
            title="Set up two-step verification",
            form=form,
            qr_svg=_qr_svg(device.config_url),
            secret=base64.b32encode(device.bin_key).decode(),
        ),
    )


@never_cache
@csrf_protect
def verify(request):
    if (response := _staff_only(request)) is not None:
        return response
    if not selectors.has_second_factor(request.user):
        return HttpResponseRedirect(f"{reverse('security:enrol')}?next={_next_url(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", "That code is not right (or was already used).")
    return render(
        request,
        "security/verify.html",
        _context(request, title="Two-step verification", form=form),
    )


@never_cache
@csrf_protect
def undertaking(request):
    """The confidentiality undertaking in force: read it and accept it before the admin opens."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    version = confidentiality.must_accept_undertaking(request.user)
    if version is None:
        return HttpResponseRedirect(_next_url(request))
    form = UndertakingAcceptanceForm(request.POST or None, initial={"version": version.version})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["version"] == version.version:
            confidentiality.undertaking_accept(user=request.user, version=version, request=request)
            return HttpResponseRedirect(_next_url(request))
        # Legal published a newer version while this page was open: show that one.
        form = UndertakingAcceptanceForm(initial={"version": version.version})
    return render(
        request,
        "security/undertaking.html",
        _context(request, title=str(version), version=version, form=form),
    )


@never_cache
def my_confidentiality(request):
    """A staff member's own undertakings and training, and nobody else's."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    return render(
        request,
        "security/my_confidentiality.html",
        {
            **admin.site.each_context(request),
            "title": "My confidentiality undertaking and privacy training",
            **confidentiality.own_confidentiality(user=request.user),
        },
    )
