"""License-holder changes: only through the service, always recorded with who asked and how."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from privacyops.subjects import services
from privacyops.subjects.models import AccountContact, LicenseHolderChange
from tests.factories import DataSubjectFactory

pytestmark = pytest.mark.django_db


def test_change_is_written_with_its_record_in_one_go(rep, my_account):
    requester = my_account.license_holder
    change = services.account_license_holder_update(
        account=my_account,
        changes={"license_holder_email": "new@mine.example", "license_holder_phone": "+359 2 1"},
        requested_by=requester,
        channel="email",
        by=rep,
        note="Ticket 42",
    )
    my_account.refresh_from_db()
    assert my_account.license_holder_email == "new@mine.example"
    assert change.made_by == rep and change.requested_by == requester
    assert change.channel == "email" and change.note == "Ticket 42"
    assert change.old_values == {
        "license_holder_email": "mine-contact@example.com",
        "license_holder_phone": "",
    }
    assert change.new_values == {
        "license_holder_email": "new@mine.example",
        "license_holder_phone": "+359 2 1",
    }


def test_new_license_holder_is_recorded_by_name(rep, my_account):
    successor = DataSubjectFactory(full_name="Nova Holder", login_name="nova")
    AccountContact.objects.create(account=my_account, subject=successor, role="administrator")
    change = services.account_license_holder_update(
        account=my_account,
        changes={"license_holder": successor},
        requested_by=my_account.license_holder,
        channel="post",
        by=rep,
    )
    assert change.new_values == {"license_holder": f"Nova Holder (#{successor.pk})"}
    assert change.old_values["license_holder"].startswith("Mine Ltd Contact")


def test_nothing_changed_records_nothing(rep, my_account):
    result = services.account_license_holder_update(
        account=my_account,
        changes={"license_holder_email": my_account.license_holder_email},
        requested_by=my_account.license_holder,
        channel="email",
        by=rep,
    )
    assert result is None and not LicenseHolderChange.objects.exists()


@pytest.mark.parametrize(
    ("changes", "requested_by", "channel", "error"),
    [
        ({"company_name": "Renamed"}, "holder", "email", ValidationError),
        ({"license_holder_email": "a@b.example"}, None, "email", ValidationError),
        ({"license_holder_email": "a@b.example"}, "stranger", "email", ValidationError),
        ({"license_holder_email": "a@b.example"}, "holder", "pigeon", ValidationError),
        ({"license_holder_email": "not an e-mail"}, "holder", "email", ValidationError),
    ],
)
def test_refuses(rep, my_account, changes, requested_by, channel, error):
    people = {"holder": my_account.license_holder, "stranger": DataSubjectFactory(), None: None}
    with pytest.raises(error):
        services.account_license_holder_update(
            account=my_account,
            changes=changes,
            requested_by=people[requested_by],
            channel=channel,
            by=rep,
        )
    my_account.refresh_from_db()
    assert my_account.license_holder_email == "mine-contact@example.com"
    assert not LicenseHolderChange.objects.exists()


def test_a_representative_cannot_change_an_account_not_assigned(rep, other_account):
    with pytest.raises(PermissionDenied):
        services.account_license_holder_update(
            account=other_account,
            changes={"license_holder_email": "x@y.example"},
            requested_by=other_account.license_holder,
            channel="email",
            by=rep,
        )


def _rep_post(account, **data):
    return {
        "license_holder": account.license_holder_id,
        "license_holder_email": account.license_holder_email,
        "license_holder_phone": account.license_holder_phone,
        "requested_by": "",
        "channel": "",
        "change_note": "",
        "license_changes-TOTAL_FORMS": "0",
        "license_changes-INITIAL_FORMS": "0",
        **data,
    }


def test_representative_form_requires_requester_and_channel(client, rep, my_account):
    client.force_login(rep)
    url = reverse("admin:subjects_account_change", args=[my_account.pk])
    response = client.post(url, _rep_post(my_account, license_holder_email="n@mine.example"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "requested_by" in errors and "channel" in errors
    my_account.refresh_from_db()
    assert my_account.license_holder_email == "mine-contact@example.com"


def test_representative_changes_the_email_and_sees_it_in_the_history(client, rep, my_account):
    client.force_login(rep)
    url = reverse("admin:subjects_account_change", args=[my_account.pk])
    response = client.post(
        url,
        _rep_post(
            my_account,
            license_holder_email="n@mine.example",
            requested_by=my_account.license_holder_id,
            channel="phone",
            change_note="Called on Monday",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    my_account.refresh_from_db()
    assert my_account.license_holder_email == "n@mine.example"
    change = LicenseHolderChange.objects.get()
    assert (change.made_by, change.channel, change.note) == (rep, "phone", "Called on Monday")
    page = client.get(url).content.decode()
    assert "n@mine.example" in page and "Called on Monday" in page


def test_legal_form_records_license_changes_too(client, legal, other_account):
    client.force_login(legal)
    url = reverse("admin:subjects_account_change", args=[other_account.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in form.fields
        if name not in ("requested_by", "channel", "change_note")
    }
    data["license_holder"] = other_account.license_holder_id
    data["opened_at"] = other_account.opened_at.isoformat()
    for prefix in ("account_contacts", "assignments", "license_changes"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    # Links to existing inline rows must be resubmitted: keep the contact row.
    contact = AccountContact.objects.get(account=other_account)
    data.update(
        {
            "account_contacts-TOTAL_FORMS": "1",
            "account_contacts-INITIAL_FORMS": "1",
            "account_contacts-0-id": contact.pk,
            "account_contacts-0-account": other_account.pk,
            "account_contacts-0-subject": contact.subject_id,
            "account_contacts-0-role": contact.role,
        }
    )
    data["license_holder_phone"] = "+359 888 000"
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "channel" in refused.context["adminform"].form.errors
    data.update(requested_by=contact.subject_id, channel="meeting")
    accepted = client.post(url, {**data, "company_name": "Other Renamed Ltd"})
    assert accepted.status_code == 302, accepted.context["adminform"].form.errors
    other_account.refresh_from_db()
    assert other_account.company_name == "Other Renamed Ltd"
    assert other_account.license_holder_phone == "+359 888 000"
    change = LicenseHolderChange.objects.get()
    assert change.made_by == legal and change.new_values == {"license_holder_phone": "+359 888 000"}


@pytest.mark.parametrize(
    "bad",
    [
        {"license_holder_email": "not an address"},
        {"license_holder": "999999"},
        {"license_holder": "999999", "license_holder_email": "also bad"},
    ],
)
@pytest.mark.parametrize("who", ["rep", "legal"])
def test_an_invalid_license_holder_is_a_form_error_not_a_500(client, request, who, bad):
    """Change detection must not read a field that failed validation (it is not cleaned)."""
    user = request.getfixturevalue(who)
    account = request.getfixturevalue("my_account")
    client.force_login(user)
    url = reverse("admin:subjects_account_change", args=[account.pk])
    data = _rep_post(account, requested_by=account.license_holder_id, channel="email", **bad)
    if who == "legal":
        data.update(
            {
                f: getattr(account, f) or ""
                for f in ("account_number", "company_name", "registration_number")
            }
            | {"vat_number": account.vat_number or "", "status": account.status}
        )
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(bad) <= set(errors)
    account.refresh_from_db()
    assert account.license_holder_email == "mine-contact@example.com"
    assert not LicenseHolderChange.objects.exists()
