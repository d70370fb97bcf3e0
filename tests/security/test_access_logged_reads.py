"""Every admin page and export that shows a registered model's personal data writes an access-log
line (issue 13, point 10).

Driven by the personal-data registry: a new registered model with an admin is covered without
touching this file, and one whose admin forgets the mixin fails here.
"""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from import_export.admin import ExportMixin

from privacyops.core import registry, roles
from privacyops.security.admin_mixins import AccessLoggedAdminMixin
from privacyops.security.models import AccessLogEntry
from tests.factories import UserFactory

ADMINS_OF_PERSONAL_DATA = sorted(
    (
        (registration.model, admin.site._registry[registration.model])
        for registration in registry.registrations()
        if registration.model in admin.site._registry
    ),
    key=lambda pair: pair[0]._meta.label,
)


def _label(value):
    return getattr(value, "_meta", None) and value._meta.label


@pytest.mark.parametrize(("model", "model_admin"), ADMINS_OF_PERSONAL_DATA, ids=_label)
def test_every_admin_of_personal_data_is_access_logged(model, model_admin):
    assert isinstance(model_admin, AccessLoggedAdminMixin), model._meta.label


@pytest.mark.django_db
def test_viewing_and_exporting_personal_data_writes_the_access_log(client):
    call_command("seed_demo", verbosity=0)
    client.force_login(UserFactory(username="lena-reads", role=roles.LEGAL))
    viewed = 0
    for model, model_admin in ADMINS_OF_PERSONAL_DATA:
        opts = model._meta
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        if hasattr(model_admin, "reason_view"):  # customer data: the reason comes first
            reason = reverse(f"admin:{opts.app_label}_{opts.model_name}_reason", args=[row.pk])
            client.post(reason, {"reason": "support_ticket", "reference": "T-1"})
        before = AccessLogEntry.objects.count()
        assert client.get(url).status_code == 200, opts.label
        entry = AccessLogEntry.objects.order_by("-pk").first()
        assert AccessLogEntry.objects.count() == before + 1, opts.label
        assert (entry.action, entry.object_type, entry.object_id) == (
            AccessLogEntry.Action.VIEWED,
            opts.label_lower,
            str(row.pk),
        )
        viewed += 1
        if isinstance(model_admin, ExportMixin):
            export = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
            resource = model_admin.get_export_resource_classes(None)[0]
            data = {"format": "0", "resource": "0", "export_items": []}
            prefix = resource.__name__.lower()
            data.update({f"{prefix}_{name}": "on" for name in resource().get_export_order()})
            assert client.post(export, data).status_code == 200, opts.label
            assert AccessLogEntry.objects.filter(
                action=AccessLogEntry.Action.EXPORTED, object_type=opts.label_lower
            ).exists(), opts.label
    assert viewed >= len(ADMINS_OF_PERSONAL_DATA) // 2


@pytest.mark.django_db
def test_the_consent_evidence_csv_is_access_logged(client):
    from tests.factories import DataSubjectFactory

    subject = DataSubjectFactory()
    client.force_login(UserFactory(username="lena-evidence-log", role=roles.LEGAL))
    url = reverse("admin:marketing_subscription_evidence", args=[subject.pk])
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects.get(object_type="marketing.consentevidence")
    assert (entry.action, entry.subject_id) == (AccessLogEntry.Action.EXPORTED, subject.pk)
