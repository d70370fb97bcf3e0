"""Fulfilment rules that hold whatever the path: completion blocked until done, the right kind
of request in progress, who may act, the change page's link, the dashboard panel."""

import pytest
from django.urls import reverse

from privacyops.core import roles
from privacyops.dsr import services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import (
    PrivacyRequest,
    RequestType,
)
from privacyops.subjects.models import (
    ContactPoint,
)
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import (
    EMAIL,
    act,
    fulfilment_url,
    mark_all_notices,
    subject_in_every_model,
    to_approval,
)
from tests.factories import (
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def test_completion_is_blocked_through_the_next_step_page_too(client, lena):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.RESTRICTION, requester_email=EMAIL)
    to_approval(request, lena)
    response = client.post(
        reverse("admin:dsr_privacyrequest_next_step", args=[request.pk]),
        {"step": State.COMPLETED, "text": ""},
    )
    assert response.status_code == 200
    assert "cannot be completed yet" in response.content.decode()
    assert PrivacyRequest.objects.get(pk=request.pk).state == State.AWAITING_APPROVAL


def test_steps_need_the_request_in_progress_and_the_right_kind(lena):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)
    with pytest.raises(services.FulfilmentError):
        services.erasure_preview(request=request, by=lena)
    to_approval(request, lena)
    with pytest.raises(services.FulfilmentError):
        services.access_package_request(request=request, by=lena)


def test_auditor_sees_the_fulfilment_page_but_cannot_act(client):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    assert client.get(fulfilment_url(request)).status_code == 200
    assert act(client, request, "erasure_preview").status_code == 403
    assert ContactPoint.objects.filter(subject=request.subject).count() == 2


def test_change_page_links_to_fulfilment(client, lena):
    request = in_progress()
    page = client.get(reverse("admin:dsr_privacyrequest_change", args=[request.pk]))
    assert fulfilment_url(request).encode() in page.content
    next_step = reverse("admin:dsr_privacyrequest_next_step", args=[request.pk])
    assert next_step.encode() in page.content
    assert [t.name for t in page.templates][0] == "admin/dsr/privacyrequest/change_form.html"


def test_one_request_admin_whose_fulfilment_page_is_a_view_of_it():
    from django.contrib import admin

    from privacyops.dsr.admin import FulfilmentAdminMixin, PrivacyRequestAdmin

    model_admin = admin.site.get_model_admin(PrivacyRequest)
    # PrivacyRequestAdmin itself (the site may put its action rules in front), no subclass.
    ours = [c for c in type(model_admin).__mro__ if c.__module__.startswith("privacyops.dsr")]
    assert ours[-2:] == [PrivacyRequestAdmin, FulfilmentAdminMixin]
    assert all(
        c is PrivacyRequestAdmin or c.__bases__[-1] is PrivacyRequestAdmin for c in ours[:-1]
    )
    names = {url.name for url in model_admin.get_urls()}
    assert {
        "dsr_privacyrequest_fulfilment",
        "dsr_privacyrequest_package",
        "dsr_privacyrequest_next_step",
        "dsr_privacyrequest_change",
    } <= names


def test_dashboard_panel_and_response_times(client, lena, django_capture_on_commit_callbacks):
    from privacyops.core.dashboard import panels_for
    from privacyops.dsr import selectors

    subject_in_every_model()
    request = in_progress(request_type=RequestType.RESTRICTION, requester_email=EMAIL)
    act(client, request, "restrict")
    panel = next(p for p in panels_for(lena) if p.title == "Fulfilment of privacy requests")
    pending = request.recipient_notifications.count()
    assert panel.bars[0].value == pending > 0
    assert selectors.response_times()["answered"] == 0

    mark_all_notices(client, request)
    to_approval(request, lena)
    act(client, request, "complete")
    times = selectors.response_times()
    assert times == {"answered": 1, "median_days": 0, "on_time_percent": 100}
    assert client.get("/admin/").status_code == 200
    auditor = UserFactory(username="anton", role=roles.AUDITOR)
    assert any(p.title == "Fulfilment of privacy requests" for p in panels_for(auditor))
    rep = UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE)
    assert not any(p.title == "Fulfilment of privacy requests" for p in panels_for(rep))
