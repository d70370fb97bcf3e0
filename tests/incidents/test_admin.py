"""The admin: Legal runs the register, the Auditor reads it, representatives see none of it."""

import datetime
import io

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from privacyops.core import roles
from privacyops.core.dashboard import panels_for
from privacyops.incidents.lifecycle import State
from privacyops.incidents.models import Incident, LetterTemplate
from privacyops.incidents.resources import BreachRegisterResource
from tests.factories import UserFactory
from tests.incidents.factories import MAKERS, confirmed, known_data, legal_user, reported

pytestmark = pytest.mark.django_db
INCIDENT_ADMINS = [
    (model, model_admin)
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label == "incidents"
]


def instance(model):
    existing = model._default_manager.order_by("pk").first()
    return existing or MAKERS[model._meta.label]()


@pytest.mark.parametrize("role", [roles.LEGAL, roles.AUDITOR, roles.ACCOUNT_REPRESENTATIVE])
@pytest.mark.parametrize(
    ("model", "model_admin"), INCIDENT_ADMINS, ids=[m._meta.label for m, _ in INCIDENT_ADMINS]
)
def test_role_matrix_of_the_incident_admins(client, role, model, model_admin):
    obj = instance(model)
    user = UserFactory(username=f"m-{role[:4].lower()}", role=role)
    client.force_login(user)
    name = f"admin:incidents_{model._meta.model_name}"
    pages = {
        "changelist": client.get(reverse(f"{name}_changelist")).status_code,
        "change": client.get(reverse(f"{name}_change", args=[obj.pk])).status_code,
        "add": client.get(reverse(f"{name}_add")).status_code,
    }
    if role == roles.ACCOUNT_REPRESENTATIVE:
        assert set(pages.values()) <= {403, 302}, pages
        return
    assert pages["changelist"] == 200 and pages["change"] == 200, pages
    if role == roles.AUDITOR:
        assert pages["add"] in (403, 302), pages
        return
    request = RequestFactory().get("/")
    request.user = user
    expected_add = model_admin.has_add_permission(request)
    assert (pages["add"] == 200) == expected_add, pages
    # Everything but letter templates (and Incident, recorded by staff) comes from the workflow.
    assert expected_add == (model in (Incident, LetterTemplate))


def test_workflow_offers_only_the_legal_next_steps_and_runs_them(client):
    lena = legal_user()
    client.force_login(lena)
    incident = reported()
    url = reverse("admin:incidents_incident_workflow", args=[incident.pk])
    page = client.get(url).content.decode()
    assert 'value="triage"' in page and 'value="breach_confirmed"' not in page
    assert client.post(url, {"action": "transition", "step": "closed"}).status_code == 200
    assert Incident.objects.get(pk=incident.pk).state == State.REPORTED
    client.post(url, {"action": "transition", "step": "triage"})
    page = client.get(url).content.decode()
    assert 'value="not_a_breach"' in page and 'value="breach_confirmed"' in page
    aware = timezone.localtime() - datetime.timedelta(hours=50)
    client.post(url, {"action": "awareness", "aware_at": aware.strftime("%Y-%m-%d %H:%M")})
    incident.refresh_from_db()
    assert incident.aware_recorded_by == lena
    assert incident.hours_left() in (21, 22)
    response = client.post(url, {"action": "transition", "step": "breach_confirmed"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "po-days-left alert" in page and "Draft the initial notification" in page
    response = client.post(url, {"action": "authority_draft"})
    assert response.status_code == 302 and "/authoritynotification/" in response["Location"]


def test_refused_step_shows_the_reason(client):
    lena = legal_user()
    client.force_login(lena)
    incident = reported()
    url = reverse("admin:incidents_incident_workflow", args=[incident.pk])
    client.post(url, {"action": "transition", "step": "triage"})
    response = client.post(url, {"action": "transition", "step": "breach_confirmed"})
    assert response.status_code == 200
    assert "Record when the company became aware" in response.content.decode()


def test_the_auditor_reads_the_workflow_but_cannot_act(client):
    incident = reported()
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    url = reverse("admin:incidents_incident_workflow", args=[incident.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"form-transition" not in page.content
    assert client.post(url, {"action": "transition", "step": "triage"}).status_code == 403
    assert Incident.objects.get(pk=incident.pk).state == State.REPORTED


def test_representatives_reach_no_incident_page(client):
    incident = reported()
    client.force_login(UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE))
    url = reverse("admin:incidents_incident_workflow", args=[incident.pk])
    assert client.get(url).status_code in (403, 302)
    assert not any(
        "incident" in panel.title.lower() for panel in panels_for(incident_user("radka"))
    )


def incident_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_register_export_lists_every_breach_with_its_facts(client):
    lena = legal_user()
    breach = confirmed(by=lena, title="Leaked export")
    reported(title="Spam report")
    client.force_login(lena)
    url = reverse("admin:incidents_incident_export") + "?open=breaches"
    fields = {
        f"breachregisterresource_{name}": "on" for name in BreachRegisterResource._meta.fields
    }
    response = client.post(url, {"format": "0", "resource": "0", **fields})  # CSV
    body = response.content.decode()
    assert response.status_code == 200 and "Leaked export" in body
    assert "Spam report" not in body and "ivan.researcher" not in body
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("reference,kind,title,state")
    assert breach.reference in body


def test_admin_home_panel_shows_hours_left_in_red_under_24(client):
    lena = legal_user()
    urgent = confirmed(by=lena, aware_at=timezone.now() - datetime.timedelta(hours=60))
    calm = confirmed(by=lena, aware_at=timezone.now() - datetime.timedelta(hours=2))
    known_data()
    (panel,) = [p for p in panels_for(lena) if p.title.startswith("Security incidents")]
    bars = {bar.label.split(":")[0]: bar for bar in panel.bars}
    assert bars[urgent.reference].tone == "alert" and bars[urgent.reference].value == 11
    assert bars[calm.reference].tone == "" and bars[calm.reference].value == 69
    assert panel.bars[0].label.startswith(urgent.reference)  # nearest deadline first
    client.force_login(lena)
    home = client.get(reverse("admin:index")).content.decode()
    assert f"{urgent.reference}: {urgent.title} — 11 h left" in home


def test_staff_record_an_incident_and_edit_its_facts_through_the_services(client):
    lena = legal_user()
    client.force_login(lena)
    response = client.post(
        reverse("admin:incidents_incident_add"),
        {
            "kind": "incident",
            "source": "staff",
            "title": "Laptop stolen",
            "description": "An unencrypted laptop with a CRM export was stolen.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    assert incident.source == "staff" and incident.events.get().by == lena
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = client.post(
        url,
        {
            "kind": "incident",
            "title": "Laptop stolen in Rousse",
            "description": incident.description,
            "subject_categories": "Customer contacts",
            "likely_consequences": "",
            "measures_taken": "Remote wipe",
            "measures_proposed": "",
            "handler": lena.pk,
            "data_elements": [],
            "started_at_0": "",
            "started_at_1": "",
            "discovered_at_0": "",
            "discovered_at_1": "",
            "affected-TOTAL_FORMS": "0",
            "affected-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    incident.refresh_from_db()
    assert incident.title == "Laptop stolen in Rousse" and incident.measures_taken == "Remote wipe"
    facts = incident.events.get(kind="facts")
    assert set(facts.data["fields"]) >= {"title", "measures_taken", "handler"}


def test_legal_finds_an_incident_by_the_reporters_exact_email(client):
    incident = reported()
    reported(reporter_email="someone.else@example.org", title="Unrelated report")
    client.force_login(legal_user())
    url = reverse("admin:incidents_incident_changelist")
    response = client.get(url, {"q": "IVAN.researcher@example.org"})
    assert list(response.context["cl"].result_list) == [incident]
    assert "ivan.researcher@example.org" not in client.get(url).content.decode()


def test_register_exports_as_xlsx_too(client):
    lena = legal_user()
    breach = confirmed(by=lena, title="Leaked export")
    client.force_login(lena)
    fields = {
        f"breachregisterresource_{name}": "on" for name in BreachRegisterResource._meta.fields
    }
    url = reverse("admin:incidents_incident_export") + "?open=breaches"
    response = client.post(url, {"format": "1", "resource": "0", **fields})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("reference", "kind", "title")
    assert rows[1][0] == breach.reference and rows[1][2] == "Leaked export"
