import itertools

from django.utils import timezone

from privacyops.dsr import services
from privacyops.dsr.models import Channel, RequestType

_numbers = itertools.count(1)


def submit(**overrides):
    """A request received through the service, as staff would record it."""
    fields = {
        "request_type": RequestType.ACCESS,
        "channel": Channel.EMAIL,
        "requester_name": "Ana Petrova",
        "requester_email": f"requester{next(_numbers)}@example.com",
        "details": "Please send me a copy of my data.",
        "received_at": timezone.now(),
    }
    fields.update(overrides)
    return services.request_submit(**fields)


def in_progress(**overrides):
    request = submit(**overrides)
    return services.request_verify_identity(request=request, by=None, note="Known address.")


def child(**overrides):
    """A data subject whose declared birth date makes them 15, with an e-mail address."""
    import datetime

    from tests.factories import ContactPointFactory, DataSubjectFactory

    today = timezone.localdate()
    fields = {"kind": "lead", "birth_date": today.replace(year=today.year - 15)}
    fields.update(overrides)
    subject = DataSubjectFactory(**fields)
    ContactPointFactory(subject=subject, value=f"child{next(_numbers)}@example.com")
    assert subject.is_minor(today - datetime.timedelta(days=1))
    return subject


def _child_rows(label):
    from privacyops.dsr.models import ChildErasure, MinorAlert

    if label == "dsr.ChildDeclaration":
        return services.child_declaration_record(request=submit(requester_name="Kid"))
    subject = child()
    services.minors_alert()
    if label == "dsr.MinorAlert":
        return MinorAlert.objects.get(subject=subject)
    from tests.factories import UserFactory

    legal = UserFactory(username="matrix-child-legal", is_superuser=True)
    _, plan = services.child_erasure_preview(subject=subject)
    services.child_erasure_execute(
        subject=subject, by=legal, reason="Matrix.", plan=plan, previewed_at=timezone.now()
    )
    return ChildErasure.objects.get(subject=subject)


MAKERS = {
    label: (lambda label=label: _child_rows(label))
    for label in ("dsr.ChildDeclaration", "dsr.MinorAlert", "dsr.ChildErasure")
}
