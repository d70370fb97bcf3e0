"""Navigation by task (core/navigation.py, admin_site.get_app_list): per role, every model
placed once, Settings last and collapsed, the sidebar and the home built from it."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from privacyops.core import navigation, roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def app_list_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return admin.site.get_app_list(request)


def groups(app_list) -> list[str]:
    return [app["app_label"] for app in app_list]


def models_in(app_list, key) -> list[str]:
    for app in app_list:
        if app["app_label"] == key:
            return [entry["model"]._meta.label_lower for entry in app["models"]]
    return []


def all_models(app_list) -> list[str]:
    return [entry["model"]._meta.label_lower for app in app_list for entry in app["models"]]


def test_every_registered_model_is_placed_on_purpose_in_exactly_one_group():
    registered = [model._meta.label_lower for model in admin.site._registry]
    unplaced = [label for label in registered if not navigation.is_placed(label)]
    assert unplaced == [], "place these models in privacyops/core/navigation.py"
    named = [name for group in navigation.GROUPS for name in group.models]
    assert len(named) == len(set(named)), "a model is named in two groups"
    assert set(named) - set(registered) == set(), "the table names a model that has no admin"


def test_superuser_sees_every_model_once_grouped_by_task_with_settings_last_and_collapsed():
    superuser = get_user_model().objects.create_superuser("root", "root@infoserv.eu", "x")
    app_list = app_list_for(superuser)
    assert groups(app_list) == [group.key for group in navigation.GROUPS]
    listed = all_models(app_list)
    assert sorted(listed) == sorted(model._meta.label_lower for model in admin.site._registry)
    assert len(listed) == len(set(listed))
    assert app_list[-1]["app_label"] == navigation.SETTINGS and app_list[-1]["collapsed"]
    assert not any(app["collapsed"] for app in app_list[:-1])
    # The technical tables are in Settings, under names a lawyer reads.
    settings_models = models_in(app_list, navigation.SETTINGS)
    for label in ("django_celery_beat.periodictask", "axes.accessattempt", "security.staffmember"):
        assert label in settings_models
    names = {str(entry["name"]) for entry in app_list[-1]["models"]}
    assert {"Scheduled jobs", "Sign-in lockouts"} <= names
    assert "Clocked" not in names and "Crontabs" not in names
    # Within a group, the table's order: the request list first.
    assert models_in(app_list, navigation.REQUESTS)[0] == "dsr.privacyrequest"


def test_legal_sees_every_group():
    legal = UserFactory(role=roles.LEGAL)
    assert groups(app_list_for(legal)) == [group.key for group in navigation.GROUPS]
    assert "dsr.privacyrequest" in models_in(app_list_for(legal), navigation.REQUESTS)


def test_auditor_sees_the_evidence_and_the_records():
    auditor = UserFactory(role=roles.AUDITOR)
    app_list = app_list_for(auditor)
    assert navigation.EVIDENCE in groups(app_list)
    assert "security.accesslogentry" in models_in(app_list, navigation.EVIDENCE)
    assert "retention.purgerun" in models_in(app_list, navigation.RETENTION)
    # Read-only: no add links anywhere.
    assert not [e for app in app_list for e in app["models"] if e.get("add_url")]


def test_representative_sees_only_their_accounts_and_license_holder_changes():
    rep = UserFactory(role=roles.ACCOUNT_REPRESENTATIVE)
    app_list = app_list_for(rep)
    assert groups(app_list) == [navigation.PEOPLE]
    assert models_in(app_list, navigation.PEOPLE) == [
        "subjects.account",
        "subjects.licenseholderchange",
    ]


def test_the_home_and_the_sidebar_show_the_groups(client):
    legal = UserFactory(role=roles.LEGAL)
    client.force_login(legal)
    home = client.get(reverse("admin:index"))
    assert home.status_code == 200
    text = home.content.decode()
    assert text.index("Requests") < text.index("People and accounts") < text.index("Settings")
    assert '<details class="po-collapsed"><summary class="section">Settings' in text
    # Another page: the sidebar is the same list.
    page = client.get(reverse("admin:dsr_privacyrequest_changelist"))
    sidebar = page.content.decode().split('id="nav-sidebar"', 1)[1]
    assert "Record of processing" in sidebar and "app-requests" in sidebar


def test_an_apps_own_page_keeps_djangos_list_of_that_app(client):
    client.force_login(UserFactory(role=roles.LEGAL))
    page = client.get(reverse("admin:app_list", args=["retention"]))
    assert page.status_code == 200
    assert "Legal holds" in page.content.decode()


def test_a_model_no_table_names_falls_into_its_apps_group_or_settings():
    assert navigation.group_of("dsr.somethingnew") == navigation.REQUESTS
    assert navigation.group_of("incidents.somethingnew") == navigation.INCIDENTS
    assert navigation.group_of("newapp.thing") == navigation.SETTINGS
    assert not navigation.is_placed("newapp.thing")
