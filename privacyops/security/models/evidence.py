"""Evidence of who got into the back office, and who looked at whose personal data.

The rows here are evidence: the admin shows them read-only, and the access log is append-only
down to the database (a PostgreSQL trigger refuses UPDATE and DELETE, see migration 0002).
Users are referenced without a database constraint where the row must outlive the user, and the
username is copied, so that deleting a staff account never rewrites history.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginAttempt(models.Model):
    """One attempt to sign in to the back office ("Identity Confirmation" in the policy)."""

    class Outcome(models.TextChoices):
        PASSWORD_ACCEPTED = "password_accepted", _("password accepted (second factor pending)")
        PASSWORD_REFUSED = "password_refused", _("wrong username or password")
        SECOND_FACTOR_ACCEPTED = "second_factor_accepted", _("signed in (second factor accepted)")
        SECOND_FACTOR_REFUSED = "second_factor_refused", _("second factor refused")
        LOCKED_OUT = "locked_out", _("locked out after repeated failures")
        SIGNED_OUT = "signed_out", _("signed out")

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, db_index=True)
    username = models.CharField(
        _("username given"), max_length=150, blank=True, db_index=True, help_text=_("As typed.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_attempts",
        verbose_name=_("staff member"),
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True, db_index=True)
    user_agent = models.CharField(_("browser (user agent)"), max_length=500, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("login attempt")
        verbose_name_plural = _("login history")

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{self.username or '?'} {self.get_outcome_display()} at {when}"


class SecurityEvent(models.Model):
    """A change to how someone signs in: enrolment, a recovery code used, a reset, an unlock."""

    class Kind(models.TextChoices):
        DEVICE_ENROLLED = "device_enrolled", _("authenticator app enrolled")
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("recovery codes issued")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")
        SECOND_FACTOR_RESET = "second_factor_reset", _("second factor reset by Legal")
        LOCKOUT_RELEASED = "lockout_released", _("lockout released")
        UNDERTAKING_PUBLISHED = "undertaking_published", _("confidentiality undertaking published")
        UNDERTAKING_PAPER_RECORDED = (
            "undertaking_paper_recorded",
            _("signed paper confidentiality undertaking recorded"),
        )
        TRAINING_RECORDED = "training_recorded", _("privacy training recorded")
        TRAINING_REMINDER_SENT = (
            "training_reminder_sent",
            _("privacy training renewal reminder sent"),
        )

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    actor_username = models.CharField(_("done by (username)"), max_length=150, blank=True)
    target_username = models.CharField(
        _("concerning (username)"), max_length=150, blank=True, db_index=True
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("sign-in security event")
        verbose_name_plural = _("sign-in security events")

    def __str__(self) -> str:
        by = self.actor_username or "system"
        return f"{self.get_kind_display()}: {self.target_username} by {by}"


class StaffMember(get_user_model()):
    """Staff accounts seen from the security side: second factor, lockouts, last sign-in."""

    class Meta:
        proxy = True
        ordering = ["username"]
        verbose_name = _("staff member's sign-in")
        verbose_name_plural = _("staff sign-in (two-factor)")
        permissions = [
            ("reset_second_factor", "Can reset a staff member's second factor"),
            ("release_lockout", "Can release a login lockout"),
        ]


class AccessLogEntry(models.Model):
    """Need-to-know evidence: one look at, or export of, personal data. Append-only."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("viewed")
        EXPORTED = "exported", _("exported")
        PACKAGE_BUILT = "package_built", _("access package built")
        PACKAGE_DOWNLOADED = "package_downloaded", _("access package downloaded")

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # the log outlives accounts; nothing may cascade into it
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    username = models.CharField(_("who (username)"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("from (IP address)"), null=True, blank=True)
    user_agent = models.CharField(_("browser (user agent)"), max_length=500, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("what (kind of record)"), max_length=100, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("what (record)"), max_length=300, blank=True)
    subject_id = models.BigIntegerField(_("data subject id"), null=True, blank=True, db_index=True)
    subject_repr = models.CharField(_("data subject"), max_length=300, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["user", "occurred_at"], name="security_access_user_when"),
            models.Index(fields=["subject_id", "occurred_at"], name="security_access_subj_when"),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{self.username} {self.get_action_display()} {self.object_repr} at {when}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")
