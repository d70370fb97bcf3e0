"""The role × admin matrix: what exists in the live admin registry, what the role table grants,
and one saved instance of any admin-registered model.

Cases are generated from `admin.site._registry`, so a new admin (ours or third-party) is in the
matrix as soon as it is registered. Models with rows from data migrations use those; the others
get a minimal instance made here or by the `MAKERS` of tests/<app>/factories.py. A new
admin-registered model without seeded rows must have a maker, or the matrix fails.
"""

from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from privacyops.core import services
from tests.factories import UserFactory


def _job_run():
    return services.job_run_start(job="matrix")


def _dsr_request():
    from privacyops.dsr.models import PrivacyRequest
    from tests.dsr.factories import submit

    existing = PrivacyRequest.objects.order_by("pk").first()
    return existing or submit(requester_email="matrix@example.com")


def _marketing_rows(label):
    from privacyops.marketing import services as marketing
    from tests.factories import ContactPointFactory

    point = ContactPointFactory(value="matrix-subscriber@example.com")
    subscription, _ = marketing.subscription_opt_in(
        subject=point.subject,
        email=point.value,
        channel="newsletter",
        consented_at=timezone.now(),
        source="web_form",
    )
    opt_out = marketing.subscription_unsubscribe(subject=point.subject, channel="newsletter")
    if label == "marketing.Subscription":
        return subscription
    if label == "marketing.SubscriptionEvent":
        return subscription.events.first()
    if label == "marketing.OptOut":
        return opt_out
    return marketing.suppression_add(email=point.value, reason="opted_out", channel="newsletter")


def _retention_rows(label):
    from privacyops.retention import services as retention
    from privacyops.retention.models import DispositionReview, PurgeRun, RetentionRule
    from tests.factories import DataSubjectFactory

    legal = UserFactory(username="matrix-legal-hold")
    hold = retention.legal_hold_place(
        by=legal, matter="Matrix matter", reason="matrix", subject=DataSubjectFactory()
    )
    if label == "retention.LegalHold":
        return hold
    if label == "retention.RetentionEvent":
        return hold.events.first()
    rule = RetentionRule.objects.order_by("pk").first()
    review = DispositionReview.objects.create(rule=rule, cutoff=timezone.now())
    if label == "retention.DispositionReview":
        return review
    return PurgeRun.objects.create(rule=rule, cutoff=timezone.now(), action=rule.action)


def _subjects_rows(label):
    from privacyops.subjects.models import CustomerDataset, LicenseHolderChange
    from tests.factories import (
        AccountFactory,
        ActivityEventFactory,
        ContactPointFactory,
        DataSubjectFactory,
    )

    if label == "subjects.DataSubject":
        return DataSubjectFactory(login_name="matrix-subject")
    if label == "subjects.ContactPoint":
        return ContactPointFactory(value="matrix@example.com")
    if label == "subjects.Account":
        return AccountFactory(account_number="MATRIX-1")
    if label == "subjects.ActivityEvent":
        return ActivityEventFactory()
    if label == "subjects.CustomerDataset":
        return CustomerDataset.objects.create(
            account=AccountFactory(account_number="MATRIX-2"), name="CRM", contents="Leads"
        )
    return LicenseHolderChange.objects.create(
        account=AccountFactory(account_number="MATRIX-3"),
        channel="email",
        made_by=UserFactory(username="matrix-legal"),
        old_values={},
        new_values={"license_holder_email": "new@example.com"},
    )


def _security_rows(label):
    from axes.models import AccessAttempt

    from privacyops.security import services as security
    from privacyops.security.models import LoginAttempt, StaffMember

    if label == "security.StaffMember":
        return StaffMember.objects.get(pk=UserFactory(username="matrix-staff").pk)
    if label == "security.LoginAttempt":
        return security.login_attempt_record(outcome=LoginAttempt.Outcome.PASSWORD_REFUSED)
    if label == "security.SecurityEvent":
        target = UserFactory(username="matrix-staff")
        return security.security_event_record(kind="second_factor_reset", target=target)
    if label == "security.AccessLogEntry":
        return security.access_log_record(user=None, action="viewed", object_type="matrix")
    return AccessAttempt.objects.create(
        username="matrix",
        ip_address="192.0.2.1",
        user_agent="",
        failures_since_start=9,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/admin/login/",
    )


def _fulfilment_rows(label):
    """One of each fulfilment record, made through the services (issue 5)."""
    from tests.dsr.fulfilment_rows import fulfilment_row

    return fulfilment_row(label)


MAKERS = {
    **{
        label: (lambda label=label: _fulfilment_rows(label))
        for label in (
            "dsr.AccessPackage",
            "dsr.ErasureCertificate",
            "dsr.RecipientNotification",
            "dsr.SubjectChange",
            "dsr.CustomerDataForward",
            "dsr.RequestOutcome",
        )
    },
    **{
        label: (lambda label=label: _security_rows(label))
        for label in (
            "security.StaffMember",
            "security.LoginAttempt",
            "security.SecurityEvent",
            "security.AccessLogEntry",
            "axes.AccessAttempt",
        )
    },
    **{
        label: (lambda label=label: _subjects_rows(label))
        for label in (
            "subjects.DataSubject",
            "subjects.ContactPoint",
            "subjects.Account",
            "subjects.ActivityEvent",
            "subjects.CustomerDataset",
            "subjects.LicenseHolderChange",
        )
    },
    **{
        label: (lambda label=label: _retention_rows(label))
        for label in (
            "retention.LegalHold",
            "retention.RetentionEvent",
            "retention.DispositionReview",
            "retention.PurgeRun",
        )
    },
    **{
        label: (lambda label=label: _marketing_rows(label))
        for label in (
            "marketing.Subscription",
            "marketing.SubscriptionEvent",
            "marketing.OptOut",
            "marketing.SuppressionEntry",
        )
    },
    "auth.User": lambda: UserFactory(username="matrix-subject", is_staff=False),
    "core.JobRun": _job_run,
    "dsr.PrivacyRequest": lambda: _dsr_request(),
    "dsr.RequestEvent": lambda: _dsr_request().events.first(),
    "dsr.ReminderSent": lambda: _dsr_request().reminders.create(
        kind="due_7", due_date=_dsr_request().due_date
    ),
    "django_celery_beat.CrontabSchedule": lambda: CrontabSchedule.objects.create(minute="5"),
    "django_celery_beat.SolarSchedule": lambda: SolarSchedule.objects.create(
        event="sunrise", latitude=43.85, longitude=25.97
    ),
    "django_celery_beat.ClockedSchedule": lambda: ClockedSchedule.objects.create(
        clocked_time=timezone.now()
    ),
    "django_celery_beat.IntervalSchedule": lambda: IntervalSchedule.objects.first(),
    "django_celery_beat.PeriodicTask": lambda: PeriodicTask.objects.first(),
}


def app_makers(app_label: str) -> dict:
    """The makers an app's tests offer: `MAKERS` in tests/<app_label>/factories.py, if any."""
    import importlib

    try:
        module = importlib.import_module(f"tests.{app_label}.factories")
    except ModuleNotFoundError:
        return {}
    return getattr(module, "MAKERS", {})


def instance_for(model):
    existing = model._default_manager.order_by("pk").first()
    if existing is not None:
        return existing
    label = model._meta.label
    maker = MAKERS.get(label) or app_makers(model._meta.app_label).get(label)
    assert maker, (
        f"No instance of {label} for the role matrix: add it to MAKERS (here, or in "
        f"tests/{model._meta.app_label}/factories.py)"
    )
    return maker()


def grant_object_access(user, obj) -> None:
    """Give a role the row-level access its permissions are meant for (e.g. an assignment).

    Account representatives see only their assigned accounts: the matrix checks what they
    may do with an account of theirs; tests/subjects prove they reach no other.
    """
    from privacyops.subjects.models import Account, AccountAssignment, LicenseHolderChange

    account = obj if isinstance(obj, Account) else None
    if isinstance(obj, LicenseHolderChange):
        account = obj.account
    if account is not None:
        AccountAssignment.objects.get_or_create(account=account, representative=user)


# --- what exists ---------------------------------------------------------------------------

PAGES = ("changelist", "add", "change", "history", "delete", "export")
WRITES = ("add", "change", "delete")


def registered_admins():
    return list(admin.site._registry.items())


def admin_views(model, model_admin, views=PAGES) -> list[str]:
    """The views of `views` this admin has a URL for (no export view without an export)."""
    names = {pattern.name for pattern in model_admin.get_urls() if pattern.name}
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    return [view for view in views if prefix + view in names]


def admin_actions(model_admin) -> dict:
    """Every action the admin declares or inherits from the site, before any request filters
    them: `{name: function}`. Django keeps this list in `_get_base_actions`."""
    return {name: func for func, name, _ in model_admin._get_base_actions()}


def page_url(model, view, obj=None):
    from django.urls import reverse

    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
    args = [obj.pk] if view in ("change", "history", "delete") else []
    return reverse(name, args=args)


# --- what the role table grants ---------------------------------------------------------------


def granted(role: str, app_label: str, model_name: str, action: str) -> bool:
    """What the role table promises, read independently of Django's permission checks."""
    from privacyops.core import roles

    grants = roles.ROLE_PERMISSIONS[role]
    for target in (app_label, f"{app_label}.{model_name}"):
        actions = grants.get(target)
        if actions == roles.ALL or (actions and action in actions):
            return True
    return False


def table_allows(role: str, model, permission: str) -> bool:
    """Whether the role table gives `role` the admin permission `permission` on `model`.

    "view" is held with view or change (as Django's admin reads it); a custom permission
    (`release_lockout`) is looked up on the model that declares it.
    """
    opts = model._meta
    if permission == "view":
        return any(granted(role, opts.app_label, opts.model_name, a) for a in ("view", "change"))
    if permission in ("add", "change", "delete"):
        return granted(role, opts.app_label, opts.model_name, permission)
    return any(
        granted(role, app_label, model_name, permission)
        for app_label, model_name in Permission.objects.filter(codename=permission).values_list(
            "content_type__app_label", "content_type__model"
        )
    )


# --- the database, to prove a refused write changed nothing -----------------------------------

# Written by reading and signing in, not by writing: the session and the access log of reads.
READ_TRACES = {"django_session", "security_accesslogentry"}


def database_state() -> dict[str, list]:
    """Every row of every table (but READ_TRACES), comparable before and after a request."""
    state = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in READ_TRACES or table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            state[table] = sorted(map(repr, cursor.fetchall()))
    return state


def database_changes(before: dict[str, list], after: dict[str, list]) -> list[str]:
    return [
        f"{table}: {len(before.get(table, []))} -> {len(rows)} rows"
        for table, rows in after.items()
        if before.get(table) != rows
    ]
