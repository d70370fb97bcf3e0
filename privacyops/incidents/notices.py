"""Notifications of a breach: the authority (Art. 33), customers as controllers (Art. 33(2)),
the people affected (Art. 34). Each leaves a record and a timeline entry; e-mail leaves on commit.
"""

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from privacyops.core.models import JobRun
from privacyops.core.services import job_run_finish, job_run_progress, job_run_start
from privacyops.marketing.services import may_send
from privacyops.subjects.models import Account, AccountContact, ContactPoint

from . import letters, scope
from .lifecycle import BREACH_STATES, State
from .models import (
    AuthorityNotification,
    CustomerNotice,
    Incident,
    IncidentEvent,
    Role,
    SubjectCommunication,
    SubjectDelivery,
)
from .services import IncidentError, event_record, incident_transition

NOTICE_ROLES = (AccountContact.Role.LICENSE_HOLDER, AccountContact.Role.ADMINISTRATOR)


def _register_context(incident: Incident, **extra) -> dict:
    return {
        "incident": incident,
        "elements": [element.name for element in incident.data_elements.all()],
        "affected": list(incident.affected.all()),
        **extra,
    }


# --- The supervisory authority (Art. 33) -------------------------------------------------


@transaction.atomic
def authority_notification_draft(
    *, incident: Incident, by, phase: str = ""
) -> AuthorityNotification:
    """Draft the next notification, generated from the register with the Art. 33(3) content.

    The first is the initial notification; later ones are follow-ups (Art. 33(4)). The draft
    is an editable letter: nothing reaches the authority until it is submitted.
    """
    if incident.state not in BREACH_STATES:
        raise IncidentError("Only a confirmed personal-data breach is notified to the authority.")
    notifications = incident.authority_notifications.all()
    if notifications.filter(status=AuthorityNotification.Status.DRAFT).exists():
        raise IncidentError("Submit or delete the draft notification first.")
    previous = notifications.filter(status=AuthorityNotification.Status.SUBMITTED).last()
    phase = phase or (
        AuthorityNotification.Phase.FOLLOW_UP if previous else AuthorityNotification.Phase.INITIAL
    )
    if (phase == AuthorityNotification.Phase.INITIAL) == bool(previous):
        raise IncidentError("The first notification is the initial one; later ones follow up.")
    late = incident.authority_deadline is not None and timezone.now() > incident.authority_deadline
    key = (
        "authority_initial"
        if phase == AuthorityNotification.Phase.INITIAL
        else "authority_follow_up"
    )
    subject, body = letters.render(key, _register_context(incident, late=late, previous=previous))
    notification = AuthorityNotification.objects.create(
        incident=incident, phase=phase, subject=subject, body=body, created_by=by
    )
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.AUTHORITY,
        by=by,
        note=f"{notification.get_phase_display()} drafted.",
        data={"notification": notification.pk, "phase": phase},
    )
    return notification


@transaction.atomic
def authority_notification_submit(
    *,
    notification: AuthorityNotification,
    by,
    authority_reference: str = "",
    delay_reasons: str = "",
) -> AuthorityNotification:
    """Record that a notification went to the authority (e-mailed when an address is set).

    After the 72 hours, the initial notification needs the reasons for the delay (Art. 33(1)),
    which go into the letter and the register. The initial one marks the incident notified.
    """
    notification = AuthorityNotification.objects.select_for_update().get(pk=notification.pk)
    incident = Incident.objects.select_for_update().get(pk=notification.incident_id)
    if notification.status != AuthorityNotification.Status.DRAFT:
        raise IncidentError("This notification was already submitted.")
    now = timezone.now()
    initial = notification.phase == AuthorityNotification.Phase.INITIAL
    late = initial and incident.authority_deadline is not None and now > incident.authority_deadline
    if late:
        reasons = delay_reasons.strip() or incident.delay_reasons.strip()
        if not reasons:
            raise IncidentError(
                "The 72 hours have passed: give the reasons for the delay (Art. 33(1))."
            )
        incident.delay_reasons = reasons
        if reasons not in notification.body:
            notification.body += (
                f"\nReasons for notifying after 72 hours (Art. 33(1)):\n{reasons}\n"
            )
    notification.status = AuthorityNotification.Status.SUBMITTED
    notification.submitted_at, notification.submitted_by = now, by
    notification.late, notification.authority_reference = late, authority_reference.strip()
    notification.save()
    address = settings.PRIVACYOPS_INCIDENTS_AUTHORITY_EMAIL
    if address:
        letters.send_on_commit(
            [letters.message(notification.subject, notification.body, [address])]
        )
    if initial:
        incident.authority_notified_at = now
    incident.save(update_fields=["authority_notified_at", "delay_reasons", "updated_at"])
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.AUTHORITY,
        by=by,
        note=f"{notification.get_phase_display()} submitted"
        + (" after the 72 hours" if late else "")
        + (f" to {address}" if address else " (through the authority's channel)")
        + ".",
        data={"notification": notification.pk, "late": late, "subject": notification.subject},
    )
    if initial and incident.state in (State.BREACH_CONFIRMED, State.CONTAINED):
        incident_transition(incident=incident, to=State.NOTIFIED, by=by, by_system=True)
    return notification


# --- Customers, as their processor (Art. 33(2)) -------------------------------------------


def account_contact_addresses(account: Account) -> list[str]:
    """Where a customer is told: its license-holder e-mail and its license holders' and
    administrators' primary e-mail addresses."""
    subjects = AccountContact.objects.filter(account=account, role__in=NOTICE_ROLES).values(
        "subject_id"
    )
    addresses = set(
        ContactPoint.objects.filter(
            subject_id__in=subjects, kind="email", is_primary=True
        ).values_list("value", flat=True)
    )
    if account.license_holder_email:
        addresses.add(account.license_holder_email.strip().lower())
    return sorted(address for address in addresses if may_send(address, "legal"))


def customers_to_notify(incident: Incident) -> list[Account]:
    ids = {
        account
        for accounts in incident.affected.filter(role=Role.PROCESSOR).values_list(
            "accounts", flat=True
        )
        for account in accounts
    }
    done = incident.customer_notices.values("account_id")
    return list(Account.objects.filter(pk__in=ids).exclude(pk__in=done))


@transaction.atomic
def customer_notices_send(*, incident: Incident, by) -> list[CustomerNotice]:
    """Tell each affected customer whose Customer-Generated Data we host, once each."""
    if incident.state not in BREACH_STATES:
        raise IncidentError("Customers are notified of a confirmed breach.")
    notices, messages = [], []
    for account in customers_to_notify(incident):
        affected = [
            row
            for row in incident.affected.filter(role=Role.PROCESSOR)
            if account.pk in row.accounts
        ]
        subject, body = letters.render(
            "customer_notice", {"incident": incident, "account": account, "affected": affected}
        )
        to = account_contact_addresses(account)
        notices.append(
            CustomerNotice.objects.create(
                incident=incident,
                account=account,
                recipients="\n".join(to),
                recipient_count=len(to),
                subject=subject,
                body=body,
                sent_by=by,
            )
        )
        if to:
            messages.append(letters.message(subject, body, to))
        event_record(
            incident=incident,
            kind=IncidentEvent.Kind.CUSTOMER,
            by=by,
            note=f"{account}: notified ({len(to)} address(es))"
            + ("" if to else "; no address on record — notify by post or telephone"),
            data={"account": account.pk, "addresses": len(to)},
        )
    letters.send_on_commit(messages)
    return notices


@transaction.atomic
def customer_notice_acknowledge(
    *, notice: CustomerNotice, by, name: str = "", note: str = ""
) -> CustomerNotice:
    if notice.acknowledged_at is not None:
        raise IncidentError("This customer already acknowledged the notice.")
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by_name, notice.acknowledgement_note = name.strip(), note.strip()
    notice.save(update_fields=["acknowledged_at", "acknowledged_by_name", "acknowledgement_note"])
    event_record(
        incident=notice.incident,
        kind=IncidentEvent.Kind.CUSTOMER_ACK,
        by=by,
        note=f"{notice.account}: acknowledged.",
        data={"account": notice.account_id},
    )
    return notice


# --- The people affected (Art. 34) --------------------------------------------------------


@transaction.atomic
def subject_communication_start(
    *, incident: Incident, by, subject: str = "", body: str = ""
) -> SubjectCommunication:
    """Start telling the people affected: a Celery task sends it in batches, with progress."""
    if incident.risk != Incident.Risk.HIGH_RISK:
        raise IncidentError("Art. 34 communication is for a breach assessed as high risk.")
    if incident.art34_exception:
        raise IncidentError("An Art. 34(3) exception is recorded: no individual communication.")
    if incident.subject_communications.exclude(status=SubjectCommunication.Status.SENT).exists():
        raise IncidentError("A communication is already being prepared or sent.")
    default_subject, default_body = letters.render("subject_communication", {"incident": incident})
    communication = SubjectCommunication.objects.create(
        incident=incident,
        subject=subject or default_subject,
        body=body or default_body,
        status=SubjectCommunication.Status.SENDING,
        started_by=by,
        started_at=timezone.now(),
    )
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.SUBJECTS,
        by=by,
        note="Communication to the people affected started.",
        data={"communication": communication.pk},
    )
    # By name: the task module calls this one (tasks -> notices), not the other way round.
    transaction.on_commit(
        lambda: current_app.send_task("incidents.communicate_subjects", args=[communication.pk])
    )
    return communication


def subject_communication_send(
    *, communication_id: int, batch_size: int = 500, worker: str = ""
) -> JobRun:
    """Send an Art. 34 communication to every affected person not yet reached (resumable).

    One transaction per batch; a delivery row per person under a unique constraint, so a
    rerun after a kill sends nobody twice. Through the transactional channel only.
    """
    communication = SubjectCommunication.objects.select_related("incident").get(pk=communication_id)
    incident = communication.incident
    people = scope.affected_subjects(incident, role=Role.CONTROLLER)
    run = job_run_start(job="incidents.communicate_subjects", total=people.count(), worker=worker)
    communication.job_run = run
    communication.save(update_fields=["job_run"])
    done = communication.deliveries.count()
    counts = dict.fromkeys(SubjectDelivery.Outcome.values, 0)
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                people.filter(pk__gt=last_pk)
                .exclude(breach_communications__communication=communication)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                break
            last_pk = batch[-1]
            addresses = dict(
                ContactPoint.objects.filter(
                    subject_id__in=batch, kind="email", is_primary=True
                ).values_list("subject_id", "value")
            )
            deliveries, messages = [], []
            for subject_id in batch:
                address = addresses.get(subject_id, "")
                if not address:
                    outcome = SubjectDelivery.Outcome.NO_ADDRESS
                elif not may_send(address, "transactional"):
                    outcome = SubjectDelivery.Outcome.NOT_PERMITTED
                else:
                    outcome = SubjectDelivery.Outcome.SENT
                    messages.append(
                        letters.message(communication.subject, communication.body, [address])
                    )
                counts[outcome] += 1
                deliveries.append(
                    SubjectDelivery(
                        communication=communication, subject_id=subject_id, outcome=outcome
                    )
                )
            SubjectDelivery.objects.bulk_create(deliveries)
            letters.send_on_commit(messages)
            done += len(batch)
            job_run_progress(run=run, done=done)
    with transaction.atomic():
        communication.status = SubjectCommunication.Status.SENT
        communication.finished_at = timezone.now()
        communication.save(update_fields=["status", "finished_at"])
        event_record(
            incident=incident,
            kind=IncidentEvent.Kind.SUBJECTS,
            note=f"Communication sent: {counts['sent']} e-mailed, {counts['no_address']} without "
            f"an address, {counts['not_permitted']} refused by the channel.",
            data={"communication": communication.pk, **counts},
        )
    return job_run_finish(run=run, summary={"communication": communication.pk, **counts})
