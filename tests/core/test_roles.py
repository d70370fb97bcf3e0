"""Who gets into which admin view: every registered admin, every role, every kind of view."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse

from privacyops.core import roles, services
from privacyops.core.admin import ReadOnlyRecordAdmin
from tests.factories import PASSWORD, ROLE_NAMES, UserFactory
from tests.role_matrix import grant_object_access, instance_for

pytestmark = pytest.mark.django_db


def granted(role: str, app_label: str, model_name: str, action: str) -> bool:
    """What the role table promises, read independently of Django's permission checks."""
    grants = roles.ROLE_PERMISSIONS[role]
    for target in (app_label, f"{app_label}.{model_name}"):
        actions = grants.get(target)
        if actions == roles.ALL or (actions and action in actions):
            return True
    return False


def expected_status(role, model, model_admin, view) -> set[int]:
    app_label, model_name = model._meta.app_label, model._meta.model_name
    can = {a: granted(role, app_label, model_name, a) for a in ("view", "add", "change", "delete")}
    read_only = isinstance(model_admin, ReadOnlyRecordAdmin)
    allowed = {
        "changelist": can["view"] or can["change"],
        "change": can["view"] or can["change"],
        "history": can["view"] or can["change"],
        "add": can["add"] and not read_only,
        "delete": can["delete"] and not read_only,
        "export": can["view"],
    }[view]
    return {200} if allowed else {403, 302}


def admin_pages():
    for model, model_admin in admin.site._registry.items():
        for view in ("changelist", "add", "change", "history", "delete", "export"):
            yield pytest.param(model, model_admin, view, id=f"{model._meta.label}-{view}")


def page_url(model, view, obj):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
    args = [obj.pk] if view in ("change", "history", "delete") else []
    return reverse(name, args=args)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(("model", "model_admin", "view"), list(admin_pages()))
def test_every_admin_page_for_every_role(client, role, model, model_admin, view):
    if view == "export" and not hasattr(model_admin, "export_formats"):
        pytest.skip("this admin has no export")
    obj = instance_for(model)
    user = UserFactory(username=f"{role[:5].lower()}-matrix", role=role)
    grant_object_access(user, obj)
    client.force_login(user)
    try:
        url = page_url(model, view, obj)
    except NoReverseMatch:
        pytest.skip(f"{model._meta.label} has no {view} view")
    response = client.get(url)
    assert response.status_code in expected_status(role, model, model_admin, view), (
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
