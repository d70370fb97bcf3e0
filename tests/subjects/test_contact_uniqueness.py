"""A duplicate contact point is a form error, even though uniqueness lives on a keyed hash."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from privacyops.core import roles
from privacyops.subjects.models import ContactPoint
from tests.factories import ContactPointFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_full_clean_reports_a_duplicate_address_whatever_its_case():
    existing = ContactPointFactory(value="ana@example.com")
    duplicate = ContactPoint(subject=existing.subject, kind="email", value=" ANA@example.com ")
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()


def test_the_admin_answers_a_duplicate_with_a_form_error(client):
    existing = ContactPointFactory(value="ana@example.com", is_primary=True)
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    response = client.post(
        reverse("admin:subjects_contactpoint_add"),
        {"subject": existing.subject.pk, "kind": "email", "value": "Ana@Example.com"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert ContactPoint.objects.filter(subject=existing.subject).count() == 1
