"""The access log: who viewed or exported whose data, append-only, filterable and exportable."""

import pytest
from django.contrib import admin
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.urls import reverse

from privacyops.core import roles
from privacyops.security import services
from privacyops.security.admin_mixins import AccessLoggedAdminMixin
from privacyops.security.models import AccessLogEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _entry(**kwargs):
    defaults = {"user": None, "action": AccessLogEntry.Action.VIEWED, "object_type": "x"}
    return services.access_log_record(**{**defaults, **kwargs})


def test_the_log_cannot_be_changed_or_deleted_through_the_model():
    entry = _entry()
    entry.object_repr = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_update_and_delete():
    entry = _entry(object_repr="original")
    for statement in (
        "UPDATE security_accesslogentry SET object_repr = 'rewritten' WHERE id = %s",
        "DELETE FROM security_accesslogentry WHERE id = %s",
    ):
        refused = (InternalError, ProgrammingError, IntegrityError)
        with (
            pytest.raises(refused) as excinfo,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
        assert "append-only" in str(excinfo.value)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).object_repr == "original"


def test_viewing_a_logged_admin_page_and_exporting_write_entries(client):
    """The mixin, on the access log's own admin (itself access-logged)."""
    lena = UserFactory(username="lena", role=roles.LEGAL)
    seen = _entry(object_repr="something")
    client.force_login(lena)
    url = reverse("admin:security_accesslogentry_change", args=[seen.pk])
    assert client.get(url, REMOTE_ADDR="192.168.5.5", HTTP_USER_AGENT="UA").status_code == 200
    view = AccessLogEntry.objects.filter(username="lena", action="viewed").get()
    assert (view.object_id, view.ip, view.user_agent) == (str(seen.pk), "192.168.5.5", "UA")

    export = client.post(
        reverse("admin:security_accesslogentry_export"),
        {"format": "0", "resource": "0", "export_items": [], **_all_export_fields()},
    )
    assert export.status_code == 200, export.content[:500]
    logged = AccessLogEntry.objects.get(username="lena", action="exported")
    assert logged.detail["rows"] == 2 and logged.detail["format"] == "csv"


def _all_export_fields():
    from privacyops.security.admin import AccessLogEntryAdmin

    resource = AccessLogEntryAdmin(AccessLogEntry, admin.site).get_export_resource_classes(None)[0]
    prefix = resource.__name__.lower()
    return {f"{prefix}_{name}": "on" for name in resource().get_export_order()}


def test_legal_filters_by_user_subject_and_date(client):
    lena = UserFactory(username="lena", role=roles.LEGAL)
    anton = UserFactory(username="anton", role=roles.AUDITOR)

    class Person:
        pk = 42

        def __str__(self):
            return "Ivan Ivanov"

    _entry(user=anton, subject=Person(), object_repr="Ivan's contact")
    _entry(user=lena, object_repr="other")
    client.force_login(lena)
    url = reverse("admin:security_accesslogentry_changelist")
    by_subject = client.get(url, {"subject_id": 42}).content.decode()
    assert "Ivan&#x27;s contact" in by_subject and "other" not in by_subject
    by_user = client.get(url, {"user__id__exact": anton.pk}).content.decode()
    assert "Ivan&#x27;s contact" in by_user and ">other<" not in by_user
    assert client.get(url, {"occurred_at__year": 2000}).status_code == 200


def test_nobody_adds_changes_or_deletes_entries_in_the_admin(client):
    entry = _entry()
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    assert client.get(reverse("admin:security_accesslogentry_add")).status_code == 403
    assert (
        client.get(reverse("admin:security_accesslogentry_delete", args=[entry.pk])).status_code
        == 403
    )
    page = client.get(reverse("admin:security_accesslogentry_change", args=[entry.pk]))
    assert b'name="_save"' not in page.content


def test_mixin_finds_the_subject_along_a_path():
    class Owner:
        def __init__(self, subject):
            self.subject = subject

    mixin = AccessLoggedAdminMixin()
    mixin.access_log_subject = "owner__subject"
    row = type("Row", (), {"owner": Owner("S")})()
    assert mixin.access_log_subject_of(row) == "S"
    mixin.access_log_subject = ""
    assert mixin.access_log_subject_of(row) is row
    mixin.access_log_subject = None
    assert mixin.access_log_subject_of(row) is None


def test_viewing_a_data_subject_and_a_contact_point_is_logged_with_the_subject(client):
    from privacyops.subjects.models import ContactPoint, DataSubject

    person = DataSubject.objects.create(kind=DataSubject.Kind.LEAD, full_name="Ivan Ivanov")
    contact = ContactPoint.objects.create(
        subject=person, kind=ContactPoint.Kind.EMAIL, value="ivan@example.com"
    )
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    for url in (
        reverse("admin:subjects_datasubject_change", args=[person.pk]),
        reverse("admin:subjects_contactpoint_change", args=[contact.pk]),
    ):
        assert client.get(url).status_code == 200
    entries = AccessLogEntry.objects.filter(username="lena", action="viewed", subject_id=person.pk)
    assert set(entries.values_list("object_type", flat=True)) == {
        "subjects.datasubject",
        "subjects.contactpoint",
    }
    # Legal's question "who saw this person's data?" is one filtered list.
    page = client.get(
        reverse("admin:security_accesslogentry_changelist"), {"subject_id": person.pk}
    )
    assert page.status_code == 200 and "i•••@example.com" in page.content.decode()
    assert b"ivan@example.com" not in page.content  # the log names the contact point masked


def test_a_page_that_is_refused_is_not_logged_as_seen(client):
    from privacyops.subjects.models import DataSubject

    person = DataSubject.objects.create(kind=DataSubject.Kind.LEAD, full_name="Ivan Ivanov")
    client.force_login(UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE))
    url = reverse("admin:subjects_datasubject_change", args=[person.pk])
    assert client.get(url).status_code in (302, 403)
    assert not AccessLogEntry.objects.filter(username="radka").exists()


def test_building_and_downloading_an_access_package_is_logged():
    from privacyops.dsr import packages
    from privacyops.dsr import services as dsr
    from privacyops.subjects.models import ContactPoint, DataSubject
    from tests.dsr.factories import submit

    person = DataSubject.objects.create(kind=DataSubject.Kind.LEAD, full_name="Ivan Ivanov")
    ContactPoint.objects.create(subject=person, kind="email", value="ivan@example.com")
    packages.access_package_build(subject=person, reference="R-1")
    built = AccessLogEntry.objects.get(action=AccessLogEntry.Action.PACKAGE_BUILT)
    assert built.subject_id == person.pk and built.detail["reference"] == "R-1"

    lena = UserFactory(username="lena", role=roles.LEGAL)
    request = submit(requester_email="ivan@example.com")
    request.subject = person
    dsr.request_record_download(request=request, by=lena, what="access package")
    downloaded = AccessLogEntry.objects.get(action=AccessLogEntry.Action.PACKAGE_DOWNLOADED)
    assert (downloaded.username, downloaded.subject_id) == ("lena", person.pk)


def test_search_terms_reach_the_log_only_as_keyed_hashes():
    from django.http import QueryDict

    from privacyops.security.admin_mixins import logged_filters
    from privacyops.security.encryption import blind_index

    query = QueryDict("q=Maria.Ivanova@example.com&state__exact=open&o=2&email=x@example.com")
    logged = logged_filters(query)
    assert "example.com" not in logged and "Maria" not in logged
    assert f"hmac%3A{blind_index('maria.ivanova@example.com')[:32]}" in logged
    assert "state__exact=open" in logged and "o=2" in logged


def test_an_export_after_a_search_logs_the_search_hashed(client):
    from privacyops.subjects.models import DataSubject
    from privacyops.subjects.resources import DataSubjectResource

    client.force_login(UserFactory(username="lena-search", role=roles.LEGAL))
    url = reverse("admin:subjects_datasubject_export") + "?q=secret.person%40example.com"
    fields = DataSubjectResource().get_export_order()
    data = {"format": "0", "resource": "0", "export_items": []}
    data.update({f"datasubjectresource_{name}": "on" for name in fields})
    assert client.post(url, data).status_code == 200
    entry = AccessLogEntry.objects.filter(action="exported", object_type="subjects.datasubject")
    logged = entry.get().detail["filters"]
    assert logged.startswith("q=hmac") and "secret.person" not in logged
    assert DataSubject.objects.count() == 0
