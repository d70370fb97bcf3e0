"""Evidence of who got into the back office, and who looked at whose personal data.

The rows here are evidence: the admin shows them read-only, and the access log is append-only
down to the database (a PostgreSQL trigger refuses UPDATE and DELETE, see migration 0002).
Users are referenced without a database constraint where the row must outlive the user, and the
username is copied, so that deleting a staff account never rewrites history.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models


class LoginAttempt(models.Model):
    """One attempt to sign in to the back office ("Identity Confirmation" in the policy)."""

    class Outcome(models.TextChoices):
        PASSWORD_ACCEPTED = "password_accepted", "password accepted (second factor pending)"
        PASSWORD_REFUSED = "password_refused", "wrong username or password"
        SECOND_FACTOR_ACCEPTED = "second_factor_accepted", "signed in (second factor accepted)"
        SECOND_FACTOR_REFUSED = "second_factor_refused", "second factor refused"
        LOCKED_OUT = "locked_out", "locked out after repeated failures"
        SIGNED_OUT = "signed_out", "signed out"

    occurred_at = models.DateTimeField("when", auto_now_add=True, db_index=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, db_index=True)
    username = models.CharField(
        "username given", max_length=150, blank=True, db_index=True, help_text="As typed."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_attempts",
        verbose_name="staff member",
    )
    ip = models.GenericIPAddressField("IP address", null=True, blank=True, db_index=True)
    user_agent = models.CharField("browser (user agent)", max_length=500, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = "login attempt"
        verbose_name_plural = "login history"

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{self.username or '?'} {self.get_outcome_display()} at {when}"


class SecurityEvent(models.Model):
    """A change to how someone signs in: enrolment, a recovery code used, a reset, an unlock."""

    class Kind(models.TextChoices):
        DEVICE_ENROLLED = "device_enrolled", "authenticator app enrolled"
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", "recovery codes issued"
        RECOVERY_CODE_USED = "recovery_code_used", "recovery code used"
        SECOND_FACTOR_RESET = "second_factor_reset", "second factor reset by Legal"
        LOCKOUT_RELEASED = "lockout_released", "lockout released"
        UNDERTAKING_PUBLISHED = "undertaking_published", "confidentiality undertaking published"
        UNDERTAKING_PAPER_RECORDED = (
            "undertaking_paper_recorded",
            "signed paper confidentiality undertaking recorded",
        )
        TRAINING_RECORDED = "training_recorded", "privacy training recorded"
        TRAINING_REMINDER_SENT = "training_reminder_sent", "privacy training renewal reminder sent"

    occurred_at = models.DateTimeField("when", auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="done by",
    )
    actor_username = models.CharField("done by (username)", max_length=150, blank=True)
    target_username = models.CharField(
        "concerning (username)", max_length=150, blank=True, db_index=True
    )
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = "sign-in security event"
        verbose_name_plural = "sign-in security events"

    def __str__(self) -> str:
        by = self.actor_username or "system"
        return f"{self.get_kind_display()}: {self.target_username} by {by}"


class StaffMember(get_user_model()):
    """Staff accounts seen from the security side: second factor, lockouts, last sign-in."""

    class Meta:
        proxy = True
        ordering = ["username"]
        verbose_name = "staff member's sign-in"
        verbose_name_plural = "staff sign-in (two-factor)"
        permissions = [
            ("reset_second_factor", "Can reset a staff member's second factor"),
            ("release_lockout", "Can release a login lockout"),
        ]


class AccessLogEntry(models.Model):
    """Need-to-know evidence: one look at, or export of, personal data. Append-only."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "viewed"
        EXPORTED = "exported", "exported"
        PACKAGE_BUILT = "package_built", "access package built"
        PACKAGE_DOWNLOADED = "package_downloaded", "access package downloaded"

    occurred_at = models.DateTimeField("when", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # the log outlives accounts; nothing may cascade into it
        null=True,
        blank=True,
        related_name="+",
        verbose_name="who",
    )
    username = models.CharField("who (username)", max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField("from (IP address)", null=True, blank=True)
    user_agent = models.CharField("browser (user agent)", max_length=500, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField("what (kind of record)", max_length=100, db_index=True)
    object_id = models.CharField("record id", max_length=64, blank=True)
    object_repr = models.CharField("what (record)", max_length=300, blank=True)
    subject_id = models.BigIntegerField("data subject id", null=True, blank=True, db_index=True)
    subject_repr = models.CharField("data subject", max_length=300, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
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
