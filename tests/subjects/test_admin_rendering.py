"""The subjects admin's cheaper rendering (admin/rendering.py) writes what Django writes.

Each page is rendered twice, with our list or formset and with Django's own, and the markup
compared (the CSRF token, different in every response, left out).
"""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.forms.models import BaseInlineFormSet
from django.urls import reverse

from privacyops.subjects.admin.people import (
    AccountContactInline,
    ContactPointInline,
    PersonalDataChangeInline,
)
from privacyops.subjects.models import AccountContact, ActivityEvent, DataSubject
from privacyops.subjects.services import data_subject_update
from tests.factories import (
    AccountFactory,
    ActivityEventFactory,
    ContactPointFactory,
    DataSubjectFactory,
)

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
# A new contact point's "recorded" starts as the time of the page (a second apart at times).
_NOW = re.compile(r'(name="(?:initial-)?contact_points-__prefix__-created_at_[01]" value=")[^"]*')


@pytest.fixture
def legal_client(client, legal):
    client.force_login(legal)
    return client


def _between(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return _NOW.sub(r"\1", _CSRF.sub("", page[begin : page.index(end, begin)]))


def _results_table(client, url: str) -> str:
    page = client.get(url).content.decode()
    return _between(page, '<table id="result_list">', "</table>")


def _with_djangos_changelist(monkeypatch, model):
    monkeypatch.setattr(
        type(admin.site._registry[model]), "get_changelist", lambda self, request, **kw: ChangeList
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?event_kind__exact=login",
        "?event_kind__exact=login&q=ana",
        "?q=203.0.113.9&o=-1",
    ],
)
def test_event_rows_link_as_djangos_do_filters_kept(legal_client, monkeypatch, query):
    subject = DataSubjectFactory(full_name="Ana Petrova")
    ActivityEventFactory.create_batch(3, subject=subject, login="ana", event_kind="login")
    ActivityEventFactory(login="ana", ip="203.0.113.9", event_kind="page_view")
    url = reverse("admin:subjects_activityevent_changelist") + query
    ours = _results_table(legal_client, url)
    _with_djangos_changelist(monkeypatch, ActivityEvent)
    djangos = _results_table(legal_client, url)
    assert ours == djangos
    assert ours.count("/change/") >= 1
    if query:
        assert "/change/?_changelist_filters=" in ours


@pytest.mark.parametrize("query", ["", "?kind__exact=lead", "?q=Ana%20P&kind__exact=lead"])
def test_subject_rows_link_as_djangos_do_filters_kept(legal_client, monkeypatch, query):
    for n in range(3):
        subject = DataSubjectFactory(full_name=f"Ana Petrova {n}", kind="lead")
        ContactPointFactory(subject=subject, value=f"ana{n}@example.com", is_primary=True)
    url = reverse("admin:subjects_datasubject_changelist") + query
    ours = _results_table(legal_client, url)
    assert "ana0@example.com" in ours
    _with_djangos_changelist(monkeypatch, DataSubject)
    assert ours == _results_table(legal_client, url)


def test_a_subjects_page_is_the_same_with_djangos_formsets(legal_client, legal, monkeypatch):
    subject = DataSubjectFactory(full_name="Ana Petrova")
    ContactPointFactory(subject=subject, value="ana@example.com", is_primary=True)
    AccountContact.objects.create(account=AccountFactory(), subject=subject, role="billing")
    data_subject_update(subject=subject, changes={"full_name": "Ana Georgieva"}, by=legal)
    ActivityEventFactory.create_batch(2, subject=subject)
    url = reverse("admin:subjects_datasubject_change", args=[subject.pk])

    def form_of_page():
        page = legal_client.get(url).content.decode()
        return _between(page, '<form method="post" id="datasubject_form"', "</form>")

    ours = form_of_page()
    for inline in (ContactPointInline, AccountContactInline, PersonalDataChangeInline):
        monkeypatch.setattr(inline, "formset", BaseInlineFormSet)
    monkeypatch.setattr(AccountContactInline, "fields", None)  # Django finds them itself
    assert ours == form_of_page()
    # Every inline is on it: a row each, the rows' templates for "Add another", the history.
    for part in (
        'value="ana@example.com"',
        "contact_points-__prefix__",
        'value="billing" selected',
        "account_contacts-__prefix__",
        "full_name: ",
    ):
        assert part in ours, part
