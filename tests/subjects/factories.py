"""Instances of this app's newer models for the role matrix (tests/role_matrix.py)."""

import datetime


def _dataset():
    from privacyops.subjects.models import CustomerDataset
    from tests.factories import AccountFactory

    return CustomerDataset.objects.create(
        account=AccountFactory(account_number="MATRIX-CGD"), name="Matrix CRM", contents="Leads"
    )


def _access():
    from privacyops.subjects.models import CustomerDataAccess
    from tests.factories import UserFactory

    dataset = _dataset()
    return CustomerDataAccess.objects.create(
        dataset=dataset,
        account=dataset.account,
        staff=UserFactory(username="matrix-support"),
        staff_name="Matrix Support",
        action="viewed",
        reason="support_ticket",
        reference="T-1",
    )


def _report():
    from privacyops.subjects.models import CustomerAccessReport

    return CustomerAccessReport.objects.create(
        account=_dataset().account, month=datetime.date(2026, 11, 1), accesses=0
    )


MAKERS = {
    "subjects.CustomerDataAccess": _access,
    "subjects.CustomerAccessReport": _report,
}
