"""Who may change what through the admin: every action and every add/change/delete POST of every
registered admin (ours and third-party), by every role.

Where the role table (privacyops/core/roles.py) does not let a role write, the request must
leave every table as it was (reads leave their traces: the session and the access log) and
send no task; the action must not even be offered. Where the table lets it, the admin must not
refuse it: an action that runs leaves an admin log entry, a form that saves leaves its entry.
"""

import pytest
from celery.app.task import Task
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry

from privacyops.core.admin_actions import action_permissions
from tests.admin_forms import form_data
from tests.factories import ROLE_NAMES, UserFactory
from tests.role_matrix import (
    WRITES,
    admin_actions,
    admin_views,
    database_changes,
    database_state,
    grant_object_access,
    instance_for,
    page_url,
    registered_admins,
    table_allows,
)
from tests.two_factor import SecondFactorClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_nav_sidebar(monkeypatch):
    """The matrix asks who gets in, not how the page looks. The sidebar is the same app list on
    every page (the admin home's; every other admin test and the browser tests render it); not
    rendering it here takes about 40% off each case."""
    monkeypatch.setattr(admin.site, "enable_nav_sidebar", False)


@pytest.fixture
def sent_tasks(monkeypatch):
    """Tasks an admin request sends to the broker, recorded instead of sent."""
    sent = []

    def record(task, args=None, kwargs=None, **options):
        sent.append((task.name, args, kwargs))

    monkeypatch.setattr(Task, "apply_async", record)
    return sent


def action_cases():
    for model, model_admin in registered_admins():
        for name in admin_actions(model_admin):
            yield pytest.param(model, model_admin, name, id=f"{model._meta.label}-{name}")


def write_cases():
    for model, model_admin in registered_admins():
        for view in admin_views(model, model_admin, WRITES):
            yield pytest.param(model, model_admin, view, id=f"{model._meta.label}-{view}")


def signed_in(client, role, obj):
    user = UserFactory(username=f"{role[:5].lower()}-writes", role=role)
    grant_object_access(user, obj)
    client.force_login(user)
    return user


def offered_actions(client, url) -> set[str]:
    response = client.get(url)
    if response.status_code != 200 or not response.context.get("action_form"):
        return set()
    return {name for name, _ in response.context["action_form"].fields["action"].choices if name}


def logged(user, obj) -> bool:
    return LogEntry.objects.filter(user_id=user.pk, object_id=str(obj.pk)).exists()


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(("model", "model_admin", "action"), list(action_cases()))
def test_every_admin_action_for_every_role(client, sent_tasks, role, model, model_admin, action):
    obj = instance_for(model)
    user = signed_in(client, role, obj)
    url = page_url(model, "changelist")
    permissions = action_permissions(admin_actions(model_admin)[action], action)
    may = any(table_allows(role, model, p) for p in permissions) and any(
        getattr(model_admin, f"has_{p}_permission")(_request_for(user)) for p in permissions
    )
    offered = action in offered_actions(client, url)
    before = database_state()

    response = client.post(
        url, {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "index": 0, "post": "yes"}
    )

    if not may:
        changes = database_changes(before, database_state())
        assert not offered, f"{role} is offered {action} on {model._meta.label}"
        assert not changes, f"{role} ran {action} on {model._meta.label}: {changes}"
        assert not sent_tasks, f"{role} ran {action} on {model._meta.label}: sent {sent_tasks}"
        return
    assert offered, f"{role} may {action} on {model._meta.label} but is not offered it"
    assert response.status_code != 403
    if response.status_code == 302:  # the action ran (not a confirmation or a form)
        assert logged(user, obj), f"{role} ran {action} on {model._meta.label}: nothing logged"


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(("model", "model_admin", "view"), list(write_cases()))
def test_every_admin_write_for_every_role(client, sent_tasks, role, model, model_admin, view):
    obj = instance_for(model)
    url = page_url(model, view, obj)
    payload = _form_as_superuser(model, view, url)
    user = signed_in(client, role, obj)
    may = table_allows(role, model, view) and _admin_allows(model_admin, user, view, obj)
    before = database_state()

    response = client.post(url, payload)

    if not may:
        changes = database_changes(before, database_state())
        assert response.status_code in {403, 302}, f"{role} got {response.status_code} on {url}"
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"]
        assert not changes, f"{role} wrote through {url}: {changes}"
        assert not sent_tasks, f"{role} sent {sent_tasks} through {url}"
        return
    assert response.status_code != 403, f"{role} may {view} {model._meta.label} but got 403"
    if response.status_code == 302 and view == "delete":
        assert not model._base_manager.filter(pk=obj.pk).exists()
    elif response.status_code == 302:
        assert LogEntry.objects.filter(user_id=user.pk).exists(), f"{url}: saved, not logged"


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _admin_allows(model_admin, user, view, obj) -> bool:
    """The admin's own answer: it may refuse more than the table (evidence is read-only)."""
    request = _request_for(user)
    if view == "add":
        return model_admin.has_add_permission(request)
    return getattr(model_admin, f"has_{view}_permission")(request, obj)


def _form_as_superuser(model, view, url) -> dict:
    """What a browser would post from the form as someone who may do everything."""
    if view == "delete":
        return {"post": "yes"}
    admin_client = SecondFactorClient()
    admin_client.force_login(
        UserFactory(username="matrix-superuser", is_superuser=True, is_staff=True)
    )
    html = admin_client.get(url).content.decode()
    return form_data(html, f"{model._meta.model_name}_form") or form_data(html)
