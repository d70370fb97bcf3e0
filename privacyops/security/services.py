"""Business operations of the security app: sign-in evidence, second factors, lockouts, access log.

Every function that changes how someone signs in writes a `SecurityEvent`; every sign-in attempt
writes a `LoginAttempt`; every look at personal data writes an `AccessLogEntry`.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import selectors
from .models import AccessLogEntry, LoginAttempt, SecurityEvent

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def _actor_fields(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor": None, "actor_username": ""}
    return {"actor": user, "actor_username": user.get_username()}


def login_attempt_record(
    *, outcome: str, request=None, user=None, username: str = "", detail: str = ""
) -> LoginAttempt:
    """Write one line of the login history, with the address and browser it came from."""
    if user is not None and not username:
        username = user.get_username()
    return LoginAttempt.objects.create(
        outcome=outcome,
        user=user if user is not None and user.pk else None,
        username=(username or "")[:150],
        ip=selectors.request_ip_text(request),
        user_agent=selectors.request_user_agent(request),
        detail=detail[:200],
    )


def security_event_record(*, kind: str, target, by=None, request=None, detail=None):
    return SecurityEvent.objects.create(
        kind=kind,
        target_username=target.get_username() if target is not None else "",
        ip=selectors.request_ip_text(request),
        detail=detail or {},
        **_actor_fields(by),
    )


@transaction.atomic
def authenticator_enrolment_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator device whose QR code the user scans (one per user).

    Refuses a user who already has a confirmed second factor: enrolling another device needs
    the existing one first (or Legal's reset), so a stolen password alone cannot add a device.
    """
    if selectors.has_second_factor(user):
        raise PermissionError("This account already has a second factor.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@transaction.atomic
def authenticator_enrolment_confirm(*, user, token: str, request=None) -> list[str] | None:
    """Confirm the device with a code from the app; returns fresh recovery codes, or None.

    A wrong code is a refused second factor in the login history.
    """
    device = authenticator_enrolment_start(user=user)
    if not device.verify_token(token.strip().replace(" ", "")):
        login_attempt_record(
            outcome=LoginAttempt.Outcome.SECOND_FACTOR_REFUSED,
            request=request,
            user=user,
            detail="wrong code while enrolling",
        )
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    security_event_record(
        kind=SecurityEvent.Kind.DEVICE_ENROLLED, target=user, by=user, request=request
    )
    codes = recovery_codes_issue(user=user, by=user, request=request)
    _second_factor_passed(request=request, user=user, device=device, detail="enrolled")
    return codes


@transaction.atomic
def recovery_codes_issue(*, user, by, request=None, codes: list[str] | None = None) -> list[str]:
    """Replace the user's recovery codes with new one-time codes (shown once, never again)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = codes or [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    security_event_record(
        kind=SecurityEvent.Kind.RECOVERY_CODES_ISSUED,
        target=user,
        by=by,
        request=request,
        detail={"count": len(codes)},
    )
    return codes


def second_factor_verify(*, request, token: str):
    """Check a code from the app or a recovery code; mark the session verified on success.

    Returns the device that accepted the code, or None (recorded as a refused second factor).
    Throttling after failures is django-otp's (each device waits longer after each failure).
    """
    from django_otp import match_token

    user = request.user
    with transaction.atomic():
        device = match_token(user, token.strip().replace(" ", ""))
        if device is None:
            login_attempt_record(
                outcome=LoginAttempt.Outcome.SECOND_FACTOR_REFUSED, request=request, user=user
            )
            return None
        if isinstance(device, StaticDevice):
            security_event_record(
                kind=SecurityEvent.Kind.RECOVERY_CODE_USED,
                target=user,
                by=user,
                request=request,
                detail={"codes_left": device.token_set.count()},
            )
        _second_factor_passed(request=request, user=user, device=device)
    return device


def _second_factor_passed(*, request, user, device, detail: str = "") -> None:
    from django_otp import login as otp_login

    if request is not None:
        otp_login(request, device)
        # A new session id for the fully signed-in session: an id learnt while only the
        # password had been given (a shared machine, a leaked log) must not carry over.
        request.session.cycle_key()
    login_attempt_record(
        outcome=LoginAttempt.Outcome.SECOND_FACTOR_ACCEPTED,
        request=request,
        user=user,
        detail=detail or device.name,
    )


@transaction.atomic
def second_factor_reset(*, user, by, request=None, reason: str = "") -> int:
    """Remove every second-factor device of a staff member (lost phone): they enrol again.

    Returns how many devices were removed. Written as a security event with who did it.
    """
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    security_event_record(
        kind=SecurityEvent.Kind.SECOND_FACTOR_RESET,
        target=user,
        by=by,
        request=request,
        detail={"devices_removed": removed, "reason": reason},
    )
    return removed


@transaction.atomic
def lockout_release(*, attempt, by, request=None) -> int:
    """Release one django-axes lockout (a username from an address) and log who released it."""
    from axes.utils import reset

    username, ip = attempt.username, attempt.ip_address
    failures = attempt.failures_since_start
    attempt.delete()
    reset(ip=ip, username=username)
    target = get_user_model().objects.filter(username=username).first()
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOCKOUT_RELEASED,
        target_username=target.get_username() if target else username,
        ip=selectors.request_ip_text(request),
        detail={"locked_ip": ip, "failures": failures, "username": username},
        **_actor_fields(by),
    )
    return failures


def access_log_record(
    *,
    user,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    subject=None,
    request=None,
    detail: dict | None = None,
) -> AccessLogEntry:
    """Append one line to the access log: who looked at or exported what, when, from where.

    `obj` (any model instance) fills the record fields; `subject` (a data subject instance or
    None) is the person whose data it was, so Legal can ask "who saw this person's data".
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AccessLogEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        ip=selectors.request_ip_text(request),
        user_agent=selectors.request_user_agent(request),
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=object_repr[:300],
        subject_id=subject.pk if subject is not None else None,
        subject_repr=str(subject)[:300] if subject is not None else "",
        detail=detail or {},
    )


def _encrypted_models() -> list[tuple[type, list[str]]]:
    from django.apps import apps
    from encrypted_fields.fields import EncryptedFieldMixin

    from .encryption import BlindIndexField

    found = []
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedFieldMixin | BlindIndexField)
        ]
        if names:
            found.append((model, names))
    return found


def field_keys_rotate(*, batch_size: int = 1000) -> dict[str, int]:
    """Re-encrypt every encrypted field and recompute every blind index under the current keys.

    Run after putting a new key first in SALT_KEY / SECRET_KEY / BLIND_INDEX_KEYS; the old key
    may be removed once this has finished. Idempotent and resumable (it only rewrites rows with
    their own values), one transaction per batch, recorded as a JobRun.
    """
    from privacyops.core import services as core

    targets = _encrypted_models()
    run = core.job_run_start(
        job="rotate field keys", total=sum(m.objects.count() for m, _ in targets)
    )
    done, summary = 0, {}
    for model, names in targets:
        last_pk, rewritten = 0, 0
        while True:
            with transaction.atomic():
                rows = list(model._base_manager.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
                for row in rows:
                    row.save(update_fields=names)
            if not rows:
                break
            last_pk = rows[-1].pk
            rewritten += len(rows)
            done += len(rows)
            core.job_run_progress(run=run, done=done)
        summary[model._meta.label] = rewritten
    core.job_run_finish(run=run, summary=summary)
    return summary
