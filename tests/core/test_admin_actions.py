"""Admin actions, ours and third-party: the permission they exercise, and a log entry per run.

The whole registry × every role is in tests/core/test_role_writes.py; these are the cases that
made the rule (issue 13, point 1) and the parts of the rule itself.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from privacyops.core import roles
from privacyops.core.admin_actions import ActionRulesMixin, implied_permissions
from privacyops.inventory.models import Purpose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERIODIC_TASKS = reverse("admin:django_celery_beat_periodictask_changelist")
PURGE = "Retention purge (every active rule)"


def run_action(client, url, action, *objects, **extra):
    return client.post(
        url,
        {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], "index": 0, **extra},
    )


def test_the_auditor_can_neither_see_nor_run_the_scheduled_jobs_actions(client):
    purge = PeriodicTask.objects.get(name=PURGE)
    auditor = UserFactory(username="audrey", role=roles.AUDITOR)
    client.force_login(auditor)

    page = client.get(PERIODIC_TASKS)
    assert page.status_code == 200
    assert page.context["action_form"] is None  # no action is offered at all

    for action in ("disable_tasks", "toggle_tasks", "enable_tasks", "run_tasks"):
        run_action(client, PERIODIC_TASKS, action, purge)
    purge.refresh_from_db()
    assert purge.enabled
    assert not LogEntry.objects.filter(user=auditor).exists()


def test_legal_switching_a_scheduled_job_off_is_logged(client):
    purge = PeriodicTask.objects.get(name=PURGE)
    legal = UserFactory(username="lena", role=roles.LEGAL)
    client.force_login(legal)

    response = run_action(client, PERIODIC_TASKS, "disable_tasks", purge)

    assert response.status_code == 302
    purge.refresh_from_db()
    assert not purge.enabled
    entry = LogEntry.objects.get(user=legal)
    assert entry.object_id == str(purge.pk)
    assert "Disable selected tasks" in entry.get_change_message()


def test_an_action_that_logs_itself_is_not_logged_twice(client):
    purpose = Purpose.objects.create(name="Matrix purpose")
    legal = UserFactory(username="lena", role=roles.LEGAL)
    client.force_login(legal)
    url = reverse("admin:inventory_purpose_changelist")

    confirmation = run_action(client, url, "delete_selected", purpose)
    assert confirmation.status_code == 200  # "Are you sure?": nothing done, nothing logged
    assert not LogEntry.objects.filter(user=legal).exists()

    run_action(client, url, "delete_selected", purpose, post="yes")
    assert not Purpose.objects.filter(pk=purpose.pk).exists()
    assert list(LogEntry.objects.filter(user=legal).values_list("action_flag", flat=True)) == [
        DELETION
    ]


def test_an_action_naming_no_permission_needs_the_one_its_name_implies(rf):
    def switch_off(modeladmin, request, queryset): ...

    def delete_everything(modeladmin, request, queryset): ...

    class ThirdPartyAdmin(ActionRulesMixin, admin.ModelAdmin):
        actions = [switch_off, delete_everything]

    assert implied_permissions("switch_off") == ("change",)
    assert implied_permissions("delete_everything") == ("delete",)
    model_admin = ThirdPartyAdmin(Purpose, admin.site)
    request = rf.get("/admin/")
    request.user = UserFactory(username="audrey", role=roles.AUDITOR)
    assert model_admin.get_actions(request) == {}
    request.user = UserFactory(username="lena", role=roles.LEGAL)
    assert set(model_admin.get_actions(request)) == {
        "delete_selected",
        "switch_off",
        "delete_everything",
    }


def test_every_registered_admin_has_the_action_rules():
    assert all(isinstance(ma, ActionRulesMixin) for ma in admin.site._registry.values())
