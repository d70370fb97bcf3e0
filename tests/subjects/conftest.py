import pytest

from privacyops.core import roles
from privacyops.subjects.models import AccountAssignment, AccountContact
from tests.factories import AccountFactory, ContactPointFactory, DataSubjectFactory, UserFactory


@pytest.fixture
def legal(db):
    return UserFactory(username="lena", role=roles.LEGAL)


@pytest.fixture
def rep(db):
    return UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE)


def _account_with_contact(number, company, contact_login):
    account = AccountFactory(account_number=number, company_name=company)
    contact = DataSubjectFactory(login_name=contact_login, full_name=f"{company} Contact")
    ContactPointFactory(subject=contact, value=f"{contact_login}@example.com")
    AccountContact.objects.create(account=account, subject=contact, role="license_holder")
    account.license_holder = contact
    account.license_holder_email = f"{contact_login}@example.com"
    account.save()
    return account


@pytest.fixture
def my_account(rep):
    account = _account_with_contact("ACC-MINE", "Mine Ltd", "mine-contact")
    AccountAssignment.objects.create(account=account, representative=rep)
    return account


@pytest.fixture
def other_account(db):
    return _account_with_contact("ACC-OTHER", "Other Ltd", "other-contact")
