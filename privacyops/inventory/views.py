"""The public pages of the record: the sub-processor list, the cookie declaration and the
privacy policy in force."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def sub_processors(request):
    """Only the vendors Legal marked public; no contacts, no agreements."""
    return render(
        request, "inventory/sub_processors.html", {"vendors": selectors.sub_processors_public()}
    )


@require_GET
def cookie_declaration(request):
    return render(
        request, "inventory/cookies.html", {"declaration": selectors.cookie_declaration()}
    )


@require_GET
def cookie_declaration_json(request):
    response = JsonResponse(
        selectors.cookie_declaration(), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    # The Sites embed it from their own origin.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def privacy_policy(request):
    """The policy in force today and the date of its last update (the policy's own promise)."""
    policy = selectors.policy_version_in_force(on=timezone.localdate())
    upcoming = selectors.policy_version_next(after=timezone.localdate())
    return render(request, "inventory/policy.html", {"policy": policy, "upcoming": upcoming})
