"""The scope builder: which records an incident touches, counted from the data.

It walks the personal-data registry (core.registry) and, for every registered kind of record,
counts the rows — and the distinct data subjects and customer accounts behind them — that
match a scope: one account, one data element of the record of processing, a time window (on
the date that starts the record's retention clock). Nothing is guessed: the register's
approximate numbers are these counts.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q, Sum

from privacyops.core import registry
from privacyops.subjects.models import DataSubject

from .models import Role

# Which rows of which kind of record hold a data element; an element not listed here is held
# by every kind of record of its information category.
ELEMENT_ROWS: dict[str, dict[str, Q]] = {
    "email-address": {
        "subjects.ContactPoint": Q(kind="email"),
        "subjects.Account": ~Q(license_holder_email=""),
    },
    "telephone-number": {
        "subjects.ContactPoint": Q(kind="phone"),
        "subjects.Account": ~Q(license_holder_phone=""),
    },
    "postal-address": {"subjects.ContactPoint": Q(kind="postal")},
    "contact-name": {"subjects.DataSubject": ~Q(full_name="")},
    "job-title": {"subjects.DataSubject": ~Q(title="")},
    "company-name": {"subjects.Account": Q()},
    "registration-number": {"subjects.Account": ~Q(registration_number="")},
    "vat-number": {"subjects.Account": ~Q(vat_number="")},
    "billing-details": {"subjects.Account": ~Q(billing_address="")},
    "license-holder-details": {
        "subjects.Account": Q(license_holder__isnull=False),
        "subjects.LicenseHolderChange": Q(),
    },
    "account-names": {
        "subjects.DataSubject": Q(login_name__isnull=False) & ~Q(login_name=""),
        "subjects.ActivityEvent": ~Q(login=""),
    },
    "ip-address": {"subjects.ActivityEvent": Q(ip__isnull=False)},
    "browser-type": {"subjects.ActivityEvent": ~Q(browser="")},
    "operating-system": {"subjects.ActivityEvent": ~Q(operating_system="")},
    "pages-viewed": {"subjects.ActivityEvent": ~Q(page="")},
    "referring-url": {"subjects.ActivityEvent": ~Q(referrer="")},
    "visit-timestamps": {"subjects.ActivityEvent": Q()},
}
ACCOUNTS_LISTED = 1000  # account ids kept per row (the count is always exact)


@dataclass(frozen=True)
class Scope:
    account: object | None = None  # a subjects.Account
    data_element: object | None = None  # an inventory.DataElement
    window_start: datetime.datetime | None = None
    window_end: datetime.datetime | None = None

    @property
    def windowed(self) -> bool:
        return self.window_start is not None or self.window_end is not None


@dataclass
class ScopeRow:
    registration: str
    title: str
    category: str
    role: str
    records: int
    subjects: int
    accounts: list[int] = field(default_factory=list)


@dataclass
class ScopeResult:
    rows: list[ScopeRow]
    skipped: dict[str, str]  # registration -> why it was not counted

    @property
    def records(self) -> int:
        return sum(row.records for row in self.rows)


def _role(category: str) -> str:
    return Role.PROCESSOR if category == registry.CUSTOMER_GENERATED_DATA else Role.CONTROLLER


def _subjects_of_account(account) -> models.QuerySet:
    return DataSubject.objects.filter(
        Q(account_contacts__account=account) | Q(held_licenses=account)
    ).values("pk")


def _in_scope(registration, scope: Scope) -> bool:
    if registration.model._meta.app_label == "incidents":
        return False  # the register itself is not what was breached
    if registration.subject_path is None:
        return False  # records about no person (the API's received event ids)
    element = scope.data_element
    if element is None:
        return True
    rows = ELEMENT_ROWS.get(element.code)
    if rows is not None:
        return registration.label in rows
    return registration.category == element.category.code


def _window(qs, registration, scope: Scope):
    clock_field = registration.model._meta.get_field(registration.retention_clock)
    as_date = not isinstance(clock_field, models.DateTimeField)
    for bound, lookup in ((scope.window_start, "gte"), (scope.window_end, "lt")):
        if bound is not None:
            value = bound.date() if as_date else bound
            qs = qs.filter(**{f"{registration.retention_clock}__{lookup}": value})
    return qs


def rows_in_scope(registration, scope: Scope) -> models.QuerySet:
    """The rows of one registered kind of record that a scope covers."""
    qs = registration.model._default_manager.all()
    if scope.data_element is not None:
        condition = ELEMENT_ROWS.get(scope.data_element.code, {}).get(registration.label, Q())
        qs = qs.filter(condition)
    if scope.account is not None:
        if registration.account_path is not None:
            qs = qs.filter(**{registration.account_path or "pk": scope.account.pk})
        else:
            path = registration.subject_path
            qs = qs.filter(
                **{f"{path}__in" if path else "pk__in": _subjects_of_account(scope.account)}
            )
    if scope.windowed:
        qs = _window(qs, registration, scope)
    return qs


def subject_ids(registration, rows: models.QuerySet) -> models.QuerySet:
    """The distinct data subjects behind some rows, as a subquery of ids."""
    path = registration.subject_path
    if not path:
        return rows.values("pk")
    return DataSubject.objects.filter(
        pk__in=rows.exclude(**{f"{path}__isnull": True}).values(path)
    ).values("pk")


def scope_count(scope: Scope) -> ScopeResult:
    """For each registered kind of record, count what the scope covers (none: left out)."""
    rows, skipped = [], {}
    for registration in registry.registrations():
        if not _in_scope(registration, scope):
            continue
        if scope.windowed and not registration.retention_clock:
            skipped[registration.label] = "has no date to window by"
            continue
        qs = rows_in_scope(registration, scope)
        count = qs.count()
        if not count:
            continue
        records = count
        if registration.label == "subjects.CustomerDataset":
            # The dataset row stands for the records the customer hosts in it.
            records = qs.aggregate(n=Sum("approximate_records"))["n"] or count
        accounts: list[int] = []
        if registration.account_path is not None:
            account_field = registration.account_path or "pk"
            accounts = list(
                qs.order_by().values_list(account_field, flat=True).distinct()[:ACCOUNTS_LISTED]
            )
        elif scope.account is not None:
            accounts = [scope.account.pk]
        rows.append(
            ScopeRow(
                registration=registration.label,
                title=registration.title,
                category=registration.category,
                role=_role(registration.category),
                records=records,
                subjects=subject_ids(registration, qs).count(),
                accounts=sorted(a for a in accounts if a is not None),
            )
        )
    return ScopeResult(rows=rows, skipped=skipped)


def scope_of(affected) -> Scope:
    """The scope an AffectedData row was counted with."""
    return Scope(
        account=affected.account,
        data_element=affected.data_element,
        window_start=affected.window_start,
        window_end=affected.window_end,
    )


def affected_subjects(incident, *, role: str | None = Role.CONTROLLER) -> models.QuerySet:
    """Every data subject behind the incident's affected data of one role (None: any), once."""
    condition = Q(pk__in=[])
    affected_rows = incident.affected.all() if role is None else incident.affected.filter(role=role)
    for affected in affected_rows:
        registration = next(
            (r for r in registry.registrations() if r.label == affected.registration), None
        )
        if registration is None:
            continue
        rows = rows_in_scope(registration, scope_of(affected))
        condition |= Q(pk__in=subject_ids(registration, rows))
    return DataSubject.objects.filter(condition)
