"""The gates hold when the product is mounted under a path, and a verified session is new.

A reverse proxy that serves the back office at `/backoffice/` passes SCRIPT_NAME (or the
deployment sets FORCE_SCRIPT_NAME); Django then routes on `path_info`, so the gates must too.
"""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from privacyops.core import roles
from tests.factories import UserFactory
from tests.two_factor import accept_undertaking, recovery_code_for

pytestmark = pytest.mark.django_db

PREFIX = "/backoffice"
OFFICE = ["192.0.2.0/24"]


@override_settings(ADMIN_ALLOWED_NETWORKS=OFFICE)
@pytest.mark.parametrize("page", ["/admin/", "/admin/login/", "/admin/two-factor/verify/"])
def test_the_allow_list_holds_under_a_script_prefix(raw_client, page):
    outside = raw_client.get(page, SCRIPT_NAME=PREFIX, REMOTE_ADDR="198.51.100.1")
    assert outside.status_code == 403
    inside = raw_client.get(page, SCRIPT_NAME=PREFIX, REMOTE_ADDR="192.0.2.10")
    assert inside.status_code in (200, 302)


@override_settings(FORCE_SCRIPT_NAME=PREFIX, ADMIN_ALLOWED_NETWORKS=OFFICE)
def test_the_allow_list_holds_with_force_script_name(raw_client):
    assert raw_client.get("/admin/login/", REMOTE_ADDR="198.51.100.1").status_code == 403


@pytest.mark.parametrize(
    "page", ["/admin/", "/admin/dsr/privacyrequest/", "/admin/subjects/datasubject/"]
)
def test_a_password_only_session_reads_nothing_under_a_script_prefix(raw_client, page):
    user = UserFactory(username="prefixed", role=roles.LEGAL)
    recovery_code_for(user)
    raw_client.force_login(user)
    response = raw_client.get(page, SCRIPT_NAME=PREFIX)
    assert response.status_code == 302
    assert "/admin/two-factor/verify/" in response["Location"]


def test_the_second_step_stays_open_under_a_script_prefix(raw_client):
    user = UserFactory(username="prefixed-open", role=roles.LEGAL)
    accept_undertaking(user)
    code = recovery_code_for(user)
    raw_client.force_login(user)
    page = raw_client.get("/admin/two-factor/verify/", SCRIPT_NAME=PREFIX)
    assert page.status_code == 200
    done = raw_client.post("/admin/two-factor/verify/", {"token": code}, SCRIPT_NAME=PREFIX)
    assert done.status_code == 302
    assert raw_client.get("/admin/", SCRIPT_NAME=PREFIX).status_code == 200


def test_passing_the_second_factor_issues_a_new_session_id(raw_client):
    user = UserFactory(username="rotated", role=roles.LEGAL)
    accept_undertaking(user)
    code = recovery_code_for(user)
    raw_client.force_login(user)
    before = raw_client.cookies[settings.SESSION_COOKIE_NAME].value
    response = raw_client.post(reverse("security:verify"), {"token": code})
    assert response.status_code == 302
    after = raw_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert raw_client.get(reverse("admin:index")).status_code == 200
    # The id known before the second factor opens nothing any more.
    from django.test import Client

    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get(reverse("admin:index")).status_code == 302
