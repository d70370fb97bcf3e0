"""Access and portability: the package built in a task, stored privately, offered by a signed
link that expires, every download in the history."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from privacyops.core.models import JobRun
from privacyops.dsr import services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import (
    AccessPackage,
    RequestEvent,
    RequestOutcome,
    RequestType,
)
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import (
    EMAIL,
    act,
    fulfilment_url,
    subject_in_every_model,
    to_approval,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def test_access_package_built_in_a_task_stored_privately_downloaded_by_signed_link(
    client, raw_client, lena, eager_celery, private_storage, django_capture_on_commit_callbacks
):
    subject = subject_in_every_model()
    request = in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)
    assert request.subject == subject

    page = client.get(fulfilment_url(request))
    assert page.status_code == 200 and b"Build the package" in page.content
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = act(client, request, "build_package")
    assert response.status_code == 302
    assert b'http-equiv="refresh"' in client.get(fulfilment_url(request)).content  # progress
    for callback in queued:
        callback()  # the transaction commits: the task runs (eagerly here)
    assert b'http-equiv="refresh"' not in client.get(fulfilment_url(request)).content

    package = AccessPackage.objects.get(request=request)
    assert package.status == AccessPackage.Status.READY
    assert package.records["Other Information"] == 3
    run = package.job_run
    assert run.job == "dsr.access_package" and run.status == JobRun.Status.SUCCEEDED
    assert (run.progress_done, run.progress_total) == (3, 3)
    stored = private_storage / "access-packages" / package.stored_as
    assert stored.exists() and oct(stored.stat().st_mode)[-3:] == "600"
    assert not any(Path(private_storage.parent / "media").rglob("*.zip"))
    archive = zipfile.ZipFile(stored)
    assert {"personal-data.json", "summary.html"} <= set(archive.namelist())

    # The requester: GET shows a button (mail scanners do not count), POST downloads.
    link = services.access_package_link(package=package)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = raw_client.get(f"/{path}")
    assert page.status_code == 200 and b"Download my data" in page.content
    assert (
        RequestEvent.objects.filter(
            request=request, kind=RequestEvent.Kind.PACKAGE_DOWNLOADED
        ).count()
        == 0
    )
    download = raw_client.post(f"/{path}")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("personal-data.json")
    assert "attachment" in download["Content-Disposition"]
    # Staff copy, also recorded.
    staff = client.get(reverse("admin:dsr_privacyrequest_package", args=[request.pk, package.pk]))
    assert staff.status_code == 200
    downloads = RequestEvent.objects.filter(
        request=request, kind=RequestEvent.Kind.PACKAGE_DOWNLOADED
    )
    assert downloads.count() == 2
    assert {e.by for e in downloads} == {None, lena}
    package.refresh_from_db()
    assert package.downloads == 2

    # Staff who follow the link from the letter in the history are named, not taken for
    # the requester.
    client.post(f"/{path}")
    assert (
        RequestEvent.objects.filter(
            request=request, kind=RequestEvent.Kind.PACKAGE_DOWNLOADED, by=lena
        ).count()
        == 2
    )

    # A forged or tampered link gives nothing.
    assert client.get(f"/privacy/package/{path.split('/')[-2]}x/").status_code == 410

    # Completion: approval, then the letter carries the link; response time recorded.
    to_approval(request, lena)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, request, "complete")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == State.COMPLETED
    (letter,) = mail.outbox
    assert letter.to == [EMAIL]
    assert "/privacy/package/" in letter.body and "Download it" in letter.body
    outcome = RequestOutcome.objects.get(request=request)
    assert outcome.response_days == 0 and outcome.on_time
    assert "/privacy/package/" not in outcome.summary  # the link is a secret: letter only


def test_expired_package_link_and_expiry_job(client, lena, eager_celery, private_storage):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.PORTABILITY, requester_email=EMAIL)
    package = services.access_package_request(request=request, by=lena)
    services.access_package_build(package_id=package.pk)
    package.refresh_from_db()
    link = services.access_package_link(package=package)
    AccessPackage.objects.filter(pk=package.pk).update(expires_at=timezone.now())

    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410

    run = services.access_packages_expire()
    assert run.summary == {"expired": 1}
    package.refresh_from_db()
    assert package.status == AccessPackage.Status.EXPIRED
    assert not (private_storage / "access-packages" / package.stored_as).exists()
    assert services.access_packages_expire().summary == {"expired": 0}  # idempotent
    # Completion needs a package on offer.
    to_approval(request, lena)
    assert any("package" in b for b in services.completion_blockers(request))


def test_package_build_failure_is_recorded(lena, monkeypatch):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)
    package = services.access_package_request(request=request, by=lena)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.access.packages, "access_package_build", broken)
    with pytest.raises(RuntimeError):
        services.access_package_build(package_id=package.pk)
    package.refresh_from_db()
    assert package.status == AccessPackage.Status.FAILED and "disk full" in package.error
    assert package.job_run.status == JobRun.Status.FAILED
