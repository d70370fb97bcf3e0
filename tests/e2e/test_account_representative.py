"""Journey: a representative changes a license holder's e-mail at the customer's request."""

import pytest

from privacyops.core import roles
from privacyops.subjects.models import AccountAssignment, AccountContact, LicenseHolderChange
from tests.factories import (
    PASSWORD,
    AccountFactory,
    ContactPointFactory,
    DataSubjectFactory,
    UserFactory,
)


def sign_in(page, base_url, username):
    try:
        from tests.two_factor import browser_sign_in
    except ImportError:  # before the admin's second factor existed
        page.goto(f"{base_url}/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        return
    browser_sign_in(page, base_url, username, PASSWORD)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_representative_changes_license_holder_email_with_requester_and_channel(live_server, page):
    rep = UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE)
    account = AccountFactory(
        account_number="INF-1001",
        company_name="Balkan Logistics EOOD",
        license_holder_email="ivana.petrova@balkanlogistics.example",
    )
    holder = DataSubjectFactory(full_name="Ivana Petrova", login_name="ipetrova")
    ContactPointFactory(subject=holder, value="ivana.petrova@balkanlogistics.example")
    AccountContact.objects.create(account=account, subject=holder, role="license_holder")
    account.license_holder = holder
    account.save()
    AccountAssignment.objects.create(account=account, representative=rep)
    AccountFactory(account_number="INF-2002", company_name="Somebody Else AD")

    sign_in(page, live_server.url, "radka")
    page.goto(f"{live_server.url}/admin/subjects/account/")
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "Somebody Else" not in page.content()
    page.click("text=Balkan Logistics EOOD")

    page.fill("#id_license_holder_email", "licensing@balkanlogistics.example")
    page.click("input[name=_save]")
    # Refused: the customer's request must be recorded with the change.
    page.wait_for_selector(".errornote")
    assert page.locator("#id_license_holder_email").input_value() == (
        "licensing@balkanlogistics.example"
    )
    page.select_option("#id_requested_by", label="Ivana Petrova")
    page.select_option("#id_channel", "email")
    page.fill("#id_change_note", "E-mail of 3 March, ref. BL-031")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.click("text=Balkan Logistics EOOD")
    history = page.locator("#license_changes-group")
    assert "licensing@balkanlogistics.example" in history.inner_text()
    assert "E-mail of 3 March, ref. BL-031" in history.inner_text()
    change = LicenseHolderChange.objects.get()
    assert (change.made_by, change.requested_by, change.channel) == (rep, holder, "email")
