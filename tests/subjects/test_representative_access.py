"""An account representative reaches their assigned accounts and nothing else."""

import pytest
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.urls import reverse

from privacyops.subjects.models import Account, LicenseHolderChange
from privacyops.subjects.resources import AccountResource
from tests.factories import ActivityEventFactory, DataSubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(client, rep, my_account, other_account):
    client.force_login(rep)
    return client


def changelist(client, **params):
    return client.get(reverse("admin:subjects_account_changelist"), params)


def test_list_shows_only_assigned_accounts(rep_client, my_account, other_account):
    response = changelist(rep_client)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [my_account]
    assert "Other Ltd" not in response.content.decode()


@pytest.mark.parametrize("view", ["change", "history"])
def test_another_account_is_unreachable_by_url(rep_client, other_account, my_account, view):
    mine = rep_client.get(reverse(f"admin:subjects_account_{view}", args=[my_account.pk]))
    assert mine.status_code == 200
    response = rep_client.get(reverse(f"admin:subjects_account_{view}", args=[other_account.pk]))
    assert response.status_code == 302  # "does not exist": the admin sends them home
    assert "Other Ltd" not in rep_client.get(response["Location"]).content.decode()


def test_no_delete_even_of_own_account(rep_client, my_account, other_account):
    for account in (my_account, other_account):
        url = reverse("admin:subjects_account_delete", args=[account.pk])
        assert rep_client.get(url).status_code in (302, 403)
        assert rep_client.post(url, {"post": "yes"}).status_code in (302, 403)
    assert Account.objects.count() == 2


def test_cannot_change_another_account_by_post(rep_client, other_account):
    url = reverse("admin:subjects_account_change", args=[other_account.pk])
    rep_client.post(
        url,
        {
            "license_holder_email": "hijack@example.com",
            "requested_by": other_account.license_holder_id,
            "channel": "email",
        },
    )
    other_account.refresh_from_db()
    assert other_account.license_holder_email == "other-contact@example.com"
    assert not LicenseHolderChange.objects.exists()


def test_search_does_not_find_another_account(rep_client, other_account):
    for term in ("ACC-OTHER", "Other", other_account.registration_number):
        assert list(changelist(rep_client, q=term).context["cl"].result_list) == []


def test_list_filters_do_not_open_other_accounts(rep_client, rep, my_account, other_account):
    assert list(changelist(rep_client, status="open").context["cl"].result_list) == [my_account]
    for params in (
        {"account_number": "ACC-OTHER"},
        {"representatives__id__exact": rep.pk},
        {"status": "open", "q": "Other"},
        {"license_holder__login_name": "other-contact"},
    ):
        try:
            response = changelist(rep_client, **params)
        except DisallowedModelAdminLookup:  # answered 400 Bad Request outside tests
            continue
        if response.status_code in (302, 400):  # a lookup the admin refuses
            continue
        assert other_account not in response.context["cl"].result_list
    filters = [spec.title for spec in changelist(rep_client).context["cl"].filter_specs]
    assert filters == ["status"]


def test_autocomplete_offers_only_assigned_accounts(rep_client, my_account, other_account):
    response = rep_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "subjects",
            "model_name": "customerdataset",
            "field_name": "account",
            "term": "",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(my_account.pk)]
    for term in ("Other", "ACC-OTHER"):
        response = rep_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "subjects",
                "model_name": "customerdataset",
                "field_name": "account",
                "term": term,
            },
        )
        assert response.json()["results"] == []
    # And the subjects' autocomplete is closed to them altogether.
    response = rep_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "subjects", "model_name": "customerdataset", "field_name": "subjects"},
    )
    assert response.status_code == 403


def _export_form(resource=AccountResource, fmt="0"):
    data = {"format": fmt, "resource": "0"}
    for name in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    return data


def test_export_contains_only_assigned_accounts(rep_client, my_account, other_account):
    response = rep_client.post(reverse("admin:subjects_account_export"), _export_form())
    assert response.status_code == 200
    body = response.content.decode()
    assert "ACC-MINE" in body and "ACC-OTHER" not in body


def test_export_action_with_another_accounts_id_exports_nothing_of_it(
    rep_client, my_account, other_account
):
    data = {**_export_form(), "export_items": [str(other_account.pk), str(my_account.pk)]}
    response = rep_client.post(reverse("admin:subjects_account_export"), data)
    body = response.content.decode()
    assert "ACC-OTHER" not in body


def test_bulk_action_cannot_select_another_account(rep_client, my_account, other_account):
    action_form = changelist(rep_client).context["action_form"]
    actions = action_form.fields["action"].choices if action_form else []
    assert "delete_selected" not in [name for name, _ in actions]
    response = rep_client.post(
        reverse("admin:subjects_account_changelist"),
        {"action": "export_admin_action", "_selected_action": [other_account.pk]},
    )
    # The selection is taken from their own accounts only: nothing is selected, nothing runs.
    if response.status_code == 302:
        response = rep_client.get(response["Location"])
    assert "ACC-OTHER" not in response.content.decode()
    assert Account.objects.filter(pk=other_account.pk).exists()


def test_no_import(rep_client):
    assert rep_client.get(reverse("admin:subjects_account_import")).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "subjects_datasubject_changelist",
        "subjects_contactpoint_changelist",
        "subjects_activityevent_changelist",
        "subjects_customerdataset_changelist",
        "inventory_processingactivity_changelist",
        "core_jobrun_changelist",
    ],
)
def test_nothing_but_accounts_and_their_history(rep_client, name):
    assert rep_client.get(reverse(f"admin:{name}")).status_code == 403


def test_no_subject_pages_even_of_own_contacts(rep_client, my_account):
    event = ActivityEventFactory(subject=my_account.license_holder)
    for url in (
        reverse("admin:subjects_datasubject_change", args=[my_account.license_holder_id]),
        reverse("admin:subjects_activityevent_change", args=[event.pk]),
    ):
        assert rep_client.get(url).status_code == 403


def test_history_of_license_changes_is_limited_to_own_accounts(
    rep_client, rep, legal, my_account, other_account
):
    from privacyops.subjects import services

    services.account_license_holder_update(
        account=other_account,
        changes={"license_holder_phone": "+359 2 000"},
        requested_by=other_account.license_holder,
        channel="phone",
        by=legal,
    )
    mine = services.account_license_holder_update(
        account=my_account,
        changes={"license_holder_phone": "+359 2 111"},
        requested_by=my_account.license_holder,
        channel="phone",
        by=rep,
    )
    response = rep_client.get(reverse("admin:subjects_licenseholderchange_changelist"))
    assert list(response.context["cl"].result_list) == [mine]
    other = LicenseHolderChange.objects.exclude(pk=mine.pk).get()
    url = reverse("admin:subjects_licenseholderchange_change", args=[other.pk])
    assert rep_client.get(url).status_code == 302


def test_representative_form_offers_only_license_holder_fields(rep_client, my_account):
    response = rep_client.get(reverse("admin:subjects_account_change", args=[my_account.pk]))
    form = response.context["adminform"].form
    assert set(form.fields) == {
        "license_holder",
        "license_holder_email",
        "license_holder_phone",
        "requested_by",
        "channel",
        "change_note",
    }
    assert form.fields["requested_by"].required and form.fields["channel"].required
    # The requester and new holder are chosen among this account's contacts only.
    stranger = DataSubjectFactory(login_name="stranger")
    assert stranger not in form.fields["license_holder"].queryset
    assert list(form.fields["requested_by"].queryset) == [my_account.license_holder]


def test_legal_sees_every_account(client, legal, my_account, other_account):
    client.force_login(legal)
    response = changelist(client)
    assert set(response.context["cl"].result_list) == {my_account, other_account}
    url = reverse("admin:subjects_account_change", args=[other_account.pk])
    assert client.get(url).status_code == 200


def test_every_other_admin_list_is_closed_to_a_representative(rep_client):
    from django.contrib import admin

    open_to_them = {Account, LicenseHolderChange}
    for model in admin.site._registry:
        if model in open_to_them:
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        assert rep_client.get(reverse(name)).status_code in (302, 403), name
