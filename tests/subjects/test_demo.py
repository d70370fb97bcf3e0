import pytest

from privacyops.core import roles
from privacyops.subjects import demo, selectors
from privacyops.subjects.models import (
    Account,
    ActivityEvent,
    CustomerDataset,
    DataSubject,
    LicenseHolderChange,
)

pytestmark = pytest.mark.django_db


def test_demo_covers_every_kind_minors_accounts_and_is_idempotent():
    assert demo.load_demo() != "already loaded"
    counts = (
        DataSubject.objects.count(),
        Account.objects.count(),
        ActivityEvent.objects.count(),
        LicenseHolderChange.objects.count(),
    )
    assert counts[0] >= 40 and counts[1] == 8 and counts[2] == demo.DEMO_EVENTS and counts[3] == 3
    assert set(DataSubject.objects.values_list("kind", flat=True)) == set(DataSubject.Kind.values)
    assert selectors.minors().count() == 2
    assert Account.objects.filter(status="closed").count() == 2
    assert CustomerDataset.objects.count() == 3
    assert ActivityEvent.objects.filter(subject__isnull=False).exists()

    rep = selectors.accounts_visible_to  # the demo representative sees three accounts
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=demo.REP_USERNAME)
    assert user.groups.filter(name=roles.ACCOUNT_REPRESENTATIVE).exists()
    assert rep(user=user).count() == 3

    assert demo.load_demo() == "already loaded"
    assert DataSubject.objects.count() == counts[0]
    assert ActivityEvent.objects.count() == counts[2]
