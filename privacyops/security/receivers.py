"""Login history from Django's and django-axes' sign-in signals."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services
from .models import LoginAttempt


@receiver(user_logged_in, dispatch_uid="security.password_accepted")
def _password_accepted(sender, request, user, **kwargs):
    services.login_attempt_record(
        outcome=LoginAttempt.Outcome.PASSWORD_ACCEPTED, request=request, user=user
    )


@receiver(user_login_failed, dispatch_uid="security.password_refused")
def _password_refused(sender, credentials, request=None, **kwargs):
    services.login_attempt_record(
        outcome=LoginAttempt.Outcome.PASSWORD_REFUSED,
        request=request,
        username=str(credentials.get("username", "")),
        detail="refused: account locked out" if getattr(request, "axes_locked_out", False) else "",
    )


@receiver(user_locked_out, dispatch_uid="security.locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    services.login_attempt_record(
        outcome=LoginAttempt.Outcome.LOCKED_OUT,
        request=request,
        username=username or "",
        detail=f"locked out after repeated failures from {ip_address}",
    )


@receiver(user_logged_out, dispatch_uid="security.signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        services.login_attempt_record(
            outcome=LoginAttempt.Outcome.SIGNED_OUT, request=request, user=user
        )
