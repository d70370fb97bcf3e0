"""Who gets into which admin view: every registered admin, every role, every kind of view."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from privacyops.core import roles, services
from tests.factories import PASSWORD, ROLE_NAMES, UserFactory
from tests.role_matrix import (
    admin_views,
    grant_object_access,
    granted,
    instance_for,
    page_url,
    registered_admins,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_nav_sidebar(monkeypatch):
    """The matrix asks who gets in, not how the page looks. The sidebar is the same app list on
    every page (the admin home's; every other admin test and the browser tests render it); not
    rendering it here takes about 40% off each case."""
    monkeypatch.setattr(admin.site, "enable_nav_sidebar", False)


def expected_status(role, model, model_admin, view, user, obj) -> set[int]:
    """200 where the role table grants the view and the admin agrees; a refusal otherwise.

    An admin may refuse more than the table (evidence is read-only; a one-row setting has no
    second add), never less.
    """
    app_label, model_name = model._meta.app_label, model._meta.model_name
    can = {a: granted(role, app_label, model_name, a) for a in ("view", "add", "change", "delete")}
    request = RequestFactory().get("/admin/")
    request.user = user
    allowed = {
        "changelist": can["view"] or can["change"],
        "change": can["view"] or can["change"],
        "history": can["view"] or can["change"],
        "add": can["add"] and model_admin.has_add_permission(request),
        "delete": can["delete"] and model_admin.has_delete_permission(request, obj),
        "export": can["view"],
    }[view]
    return {200} if allowed else {403, 302}


def admin_pages():
    """Every view each registered admin has (no export case for an admin without export)."""
    for model, model_admin in registered_admins():
        for view in admin_views(model, model_admin):
            yield pytest.param(model, model_admin, view, id=f"{model._meta.label}-{view}")


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(("model", "model_admin", "view"), list(admin_pages()))
def test_every_admin_page_for_every_role(client, role, model, model_admin, view):
    obj = instance_for(model)
    user = UserFactory(username=f"{role[:5].lower()}-matrix", role=role)
    grant_object_access(user, obj)
    client.force_login(user)
    url = page_url(model, view, obj)
    response = client.get(url)
    assert response.status_code in expected_status(role, model, model_admin, view, user, obj), (
        f"{role} got {response.status_code} on {url}"
    )


def test_anonymous_and_non_staff_are_sent_to_login(client):
    assert client.get(reverse("admin:index")).status_code == 302
    user = UserFactory(username="customer", is_staff=False)
    client.force_login(user)
    response = client.get(reverse("admin:inventory_processingactivity_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_roles_sync_gives_each_group_exactly_its_table():
    legal = Group.objects.get(name=roles.LEGAL)
    legal.permissions.clear()
    auditor = Group.objects.get(name=roles.AUDITOR)
    auditor.permissions.add(*legal.permissions.model.objects.filter(codename="add_user"))

    services.roles_sync()

    codes = set(auditor.permissions.values_list("codename", flat=True))
    assert codes and all(code.startswith("view_") for code in codes)
    assert "add_user" not in codes
    legal_codes = set(legal.permissions.values_list("codename", flat=True))
    assert {"add_processingactivity", "delete_purpose", "change_periodictask"} <= legal_codes
    assert (
        not Group.objects.get(name=roles.ACCOUNT_REPRESENTATIVE)
        .permissions.filter(content_type__app_label="inventory")
        .exists()
    )


def test_login_with_password_works_for_every_role(client):
    for role in ROLE_NAMES:
        user = UserFactory(username=f"pw-{role[:3]}", role=role)
        assert client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("admin:index")).status_code == 200
        client.logout()
