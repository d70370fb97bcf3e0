"""The access package is built by a real Celery worker, with its progress in a JobRun."""

import pytest
from django.urls import reverse

from privacyops.core import roles
from privacyops.core.models import JobRun
from privacyops.dsr.models import AccessPackage, RequestType
from tests.dsr.factories import in_progress
from tests.factories import ActivityEventFactory, ContactPointFactory, UserFactory


@pytest.mark.worker
def test_admin_action_builds_the_package_on_a_real_worker(celery_worker, reference_data, client):
    point = ContactPointFactory(value="worker-access@example.com")
    ActivityEventFactory.create_batch(5, subject=point.subject)
    request = in_progress(request_type=RequestType.ACCESS, requester_email=point.value)
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))

    response = client.post(
        reverse("admin:dsr_privacyrequest_fulfilment", args=[request.pk]),
        {"action": "build_package"},
    )
    assert response.status_code == 302
    package = AccessPackage.objects.get(request=request)

    def built():
        package.refresh_from_db()
        return package.status in (AccessPackage.Status.READY, AccessPackage.Status.FAILED)

    celery_worker.wait_for(built, what="the package build")
    assert package.status == AccessPackage.Status.READY, package.error
    run = package.job_run
    assert run.status == JobRun.Status.SUCCEEDED and run.worker.startswith("celery@")
    assert run.progress_done == run.progress_total == 3
    assert package.records["Other Information"] == 5
