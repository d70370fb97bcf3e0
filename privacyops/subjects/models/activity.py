"""Other Information (activity events) and Customer-Generated Data (customer datasets)."""

from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import activity_bounds
from .accounts import Account
from .people import DataSubject

# What an update must widen the subjects' bounds for: moving events in time or to a subject.
_BOUND_FIELDS = {"occurred_at", "subject", "subject_id"}


class ActivityEventQuerySet(models.QuerySet):
    """Every ORM write of events keeps their subjects' bounds (models/activity_bounds.py)."""

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            as_time = self.model._meta.get_field("occurred_at").to_python
            activity_bounds.bounds_widen(
                spans=activity_bounds.spans_of(
                    (e.subject_id, as_time(e.occurred_at)) for e in created
                ),
                using=self.db,
            )
        return created

    def update(self, **kwargs):
        if not _BOUND_FIELDS & kwargs.keys():
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            moved = self.model._base_manager.using(self.db).filter(pk__in=pks)
            activity_bounds.bounds_widen(
                spans=activity_bounds.spans_of(moved.values_list("subject_id", "occurred_at")),
                using=self.db,
            )
        return count


class ActivityEvent(models.Model):
    """Other Information: one automatically collected usage event (the high-volume table)."""

    class EventKind(models.TextChoices):
        PAGE_VIEW = "page_view", _("Page view")
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        APP_USE = "app_use", _("Application use")
        API = "api", _("API call")

    occurred_at = models.DateTimeField(_("occurred"))
    event_kind = models.CharField(
        _("event"),
        max_length=20,
        choices=EventKind.choices,
        default=EventKind.PAGE_VIEW,
        db_default=EventKind.PAGE_VIEW,
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(
        _("user agent"), max_length=500, blank=True, default="", db_default=""
    )
    browser = models.CharField(_("browser"), max_length=60, blank=True, default="", db_default="")
    operating_system = models.CharField(
        _("operating system"), max_length=60, blank=True, default="", db_default=""
    )
    page = models.CharField(_("page viewed"), max_length=500, blank=True, default="", db_default="")
    referrer = models.CharField(
        _("referring URL"), max_length=500, blank=True, default="", db_default=""
    )
    login = models.CharField(
        _("login account name"), max_length=150, blank=True, default="", db_default=""
    )
    email = models.CharField(
        _("e-mail given"), max_length=254, blank=True, default="", db_default=""
    )
    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activity_events",
        verbose_name=_("data subject"),
        db_index=False,  # covered by the (subject, occurred_at) index
    )

    objects = ActivityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity event (Other Information)")
        verbose_name_plural = _("activity events (Other Information)")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "occurred_at"], name="subjects_event_subject_time"),
            models.Index(fields=["-occurred_at", "-id"], name="subjects_event_time"),
            models.Index(fields=["login"], name="subjects_event_login"),
            models.Index(fields=["ip"], name="subjects_event_ip"),
            models.Index(fields=["event_kind", "occurred_at"], name="subjects_event_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_kind_display()} {self.page} at {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)
            update_fields = kwargs.get("update_fields")
            moved = update_fields is None or bool(_BOUND_FIELDS & set(update_fields))
            if self.subject_id is not None and moved:
                # Read back as stored: a string or naive time given to the model is the
                # database's value here.
                occurred_at = self._meta.get_field("occurred_at").to_python(self.occurred_at)
                activity_bounds.bounds_widen(
                    spans={self.subject_id: (occurred_at, occurred_at)}, using=using
                )


class CustomerDataset(models.Model):
    """Customer-Generated Data hosted for an account: the customer is the controller."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="datasets", verbose_name=_("account")
    )
    name = models.CharField(_("dataset"), max_length=200)
    contents = models.TextField(_("what it holds"))
    location = models.CharField(_("where it lives"), max_length=300)
    approximate_records = models.PositiveIntegerField(_("approximate records"), default=0)
    subjects = models.ManyToManyField(
        DataSubject,
        related_name="hosted_in_datasets",
        verbose_name=_("known data subjects in it"),
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("customer dataset (Customer-Generated Data)")
        verbose_name_plural = _("customer datasets (Customer-Generated Data)")
        ordering = ["account_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="subjects_dataset_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.account.company_name})"
