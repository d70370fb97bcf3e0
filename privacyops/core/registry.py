"""The registry of personal data: one declaration per model that holds it.

Each app lists its models in its own `personal_data.py` (imported from `AppConfig.ready`):

    registry.register(
        ContactPoint,
        category=registry.PERSONAL_INFORMATION,
        subject_path="subject",              # ORM path from the model to its DataSubject
        export_fields=("kind", "value", "is_primary", "created_at"),
        erasure=registry.DELETE_ROW,         # or {"field": Strategy.BLANK, ...}
        retention_clock="created_at",        # the date that starts its retention clock
    )

and every model of the project that holds none says so with `registry.not_personal(Model,
reason=...)`, so that a test can walk all models and catch one nobody thought about.
Access exports, erasure, retention purges and the inventory report are functions over this.
"""

import datetime
import decimal
import ipaddress
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from . import journal
from .erasure import Strategy, erased_value, is_erased

PERSONAL_INFORMATION = "personal-information"
OTHER_INFORMATION = "other-information"
CUSTOMER_GENERATED_DATA = "customer-generated-data"
CATEGORY_NAMES = {
    PERSONAL_INFORMATION: "Personal Information",
    OTHER_INFORMATION: "Other Information",
    CUSTOMER_GENERATED_DATA: "Customer-Generated Data",
}
DELETE_ROW = Strategy.DELETE_ROW


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    category: str
    # None: records about no data subject, registered only so retention rules reach them
    # (e.g. the API's received event ids): no access export, no erasure.
    subject_path: str | None
    export_fields: tuple[str, ...]
    erasure: Strategy | dict[str, Strategy]
    retention_clock: str | None
    keep_reason: str = ""
    account_path: str | None = None
    # How retention removes rows that plain deletion cannot (a record with a file of its own
    # that other tables PROTECT): a function of a QuerySet returning how many rows it removed.
    dispose: Callable[[models.QuerySet], int] | None = None
    # The date a named retention clock runs from on this kind of record, where the record has
    # one of its own (a subscription's opt-out date for the "opted_out" clock).
    clocks: dict[str, str] = field(default_factory=dict)
    # Which of the subject's rows the access export shows, where the law lets some be withheld
    # (a disclosure Legal withheld, with its logged reason); erasure still sees every row.
    export_only: models.Q | None = None
    # How the subject's rows are found where a narrower filter than subject_path lets the
    # database read less (activity events: only the months the subject has events in); it must
    # return every row subject_path reaches.
    subject_rows: Callable[[object], models.QuerySet] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def rows_of(self, subject) -> models.QuerySet:
        if self.subject_path is None:
            return self.model._default_manager.none()
        if not self.subject_path:
            return self.model._default_manager.filter(pk=subject.pk)
        if self.subject_rows is not None:
            return self.subject_rows(subject)
        rows = self.model._default_manager.filter(**{self.subject_path: subject})
        # A path through a many-to-many relation can reach the same row twice.
        return rows.distinct() if "__" in self.subject_path or self._is_m2m() else rows

    def _is_m2m(self) -> bool:
        first = self.subject_path.split("__")[0]
        try:
            return self.model._meta.get_field(first).many_to_many
        except Exception:
            return False


_registrations: dict[str, Registration] = {}
_not_personal: dict[str, str] = {}
_hold_checks: list[Callable[[object], list[str]]] = []
_subject_clocks: dict[str, Callable[[datetime.datetime], models.QuerySet]] = {}


def register(
    model: type[models.Model],
    *,
    category: str,
    subject_path: str | None,
    export_fields: tuple[str, ...] | list[str],
    erasure: Strategy | dict[str, Strategy],
    retention_clock: str | None = None,
    keep_reason: str = "",
    account_path: str | None = None,
    dispose: Callable[[models.QuerySet], int] | None = None,
    clocks: dict[str, str] | None = None,
    export_only: models.Q | None = None,
    subject_rows: Callable[[object], models.QuerySet] | None = None,
) -> Registration:
    if category not in CATEGORY_NAMES:
        raise ValueError(f"Unknown information category {category!r}")
    if isinstance(erasure, dict) and Strategy.DELETE_ROW in erasure.values():
        raise ValueError("DELETE_ROW applies to a whole row, not to a field")
    registration = Registration(
        model=model,
        category=category,
        subject_path=subject_path,
        export_fields=tuple(export_fields),
        erasure=erasure,
        retention_clock=retention_clock,
        keep_reason=keep_reason,
        account_path=account_path,
        dispose=dispose,
        clocks=dict(clocks or {}),
        export_only=export_only,
        subject_rows=subject_rows,
    )
    _registrations[model._meta.label] = registration
    return registration


def not_personal(model: type[models.Model], *, reason: str) -> None:
    _not_personal[model._meta.label] = reason


def register_hold_check(check: Callable[[object], list[str]]) -> None:
    """A function of a subject returning why its data must not be erased now (legal holds)."""
    if check not in _hold_checks:
        _hold_checks.append(check)


def unregister_hold_check(check: Callable[[object], list[str]]) -> None:
    """Take a hold check back (a test's temporary one)."""
    if check in _hold_checks:
        _hold_checks.remove(check)


def register_subject_clock(
    name: str, subjects_past: Callable[[datetime.datetime], models.QuerySet]
) -> None:
    """A retention clock that runs on the data subject as a whole, kept by the app that knows
    when it starts: `subjects_past(cutoff)` answers the ids (a values("pk") QuerySet) of the
    subjects whose clock started on or before the cutoff. Retention imports no app above it."""
    _subject_clocks[name] = subjects_past


def subject_clock(name: str) -> Callable[[datetime.datetime], models.QuerySet] | None:
    return _subject_clocks.get(name)


def registrations() -> list[Registration]:
    return list(_registrations.values())


def subject_registrations() -> list[Registration]:
    """The registrations of records about a data subject (not those about no one)."""
    return [r for r in _registrations.values() if r.subject_path is not None]


def registration_for(model: type[models.Model]) -> Registration | None:
    return _registrations.get(model._meta.label)


def declared_not_personal() -> dict[str, str]:
    return dict(_not_personal)


def holds_on(subject) -> list[str]:
    return [reason for check in _hold_checks for reason in check(subject)]


def jsonable(value):
    """A field value as JSON can hold it (dates as ISO 8601, addresses and decimals as text)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | ipaddress.IPv4Address):
        return str(value)
    if isinstance(value, ipaddress.IPv6Address):
        return str(value)
    return value


def personal_data_for(subject) -> dict:
    """Everything held about a DataSubject, grouped by information category.

    One query per registered model, whatever the amount of data; JSON-serialisable.
    """
    result: dict[str, dict[str, list[dict]]] = {name: {} for name in CATEGORY_NAMES.values()}
    for registration in subject_registrations():
        rows = registration.rows_of(subject)
        if registration.export_only is not None:
            rows = rows.filter(registration.export_only)
        rows = rows.values(*registration.export_fields)
        data = [{key: jsonable(value) for key, value in row.items()} for row in rows]
        if data:
            result[CATEGORY_NAMES[registration.category]][registration.title] = data
    return {
        "subject": subject.pk,
        "generated_at": timezone.now().isoformat(),
        "categories": result,
    }


@dataclass
class ErasureEntry:
    model: str
    title: str
    category: str
    action: str  # "delete rows", "update fields", "keep"
    rows: int
    fields: dict[str, str] = field(default_factory=dict)  # field -> strategy (update fields)
    changed: dict[str, int] = field(default_factory=dict)  # field -> rows it changes
    kept_because: str = ""


@dataclass
class ErasureReport:
    subject: int
    dry_run: bool
    held_by: list[str]
    entries: list[ErasureEntry]
    executed_at: str | None = None

    @property
    def erased_anything(self) -> bool:
        """Whether this erasure changes (or changed) any stored value."""
        return any(
            (e.action == "delete rows" and e.rows) or any(e.changed.values()) for e in self.entries
        )

    def as_dict(self) -> dict:
        return asdict(self)


def hash_salt() -> str:
    """The salt of every salted hash: erasure, purges, the suppression list (one setting)."""
    return settings.PRIVACYOPS_HASH_SALT


def _plan(registration: Registration, subject, held_by: list[str]) -> ErasureEntry:
    rows = registration.rows_of(subject)
    entry = ErasureEntry(
        model=registration.label,
        title=registration.title,
        category=CATEGORY_NAMES[registration.category],
        action="keep",
        rows=rows.count(),
    )
    if held_by:
        entry.kept_because = "Legal hold: " + "; ".join(held_by)
    elif registration.keep_reason:
        entry.kept_because = registration.keep_reason
    elif registration.erasure == Strategy.DELETE_ROW:
        entry.action = "delete rows"
    else:
        entry.action = "update fields"
        for name, strategy in registration.erasure.items():
            entry.fields[name] = str(strategy)
            values = rows.values_list(name, flat=True)
            entry.changed[name] = sum(1 for value in values if not is_erased(value, strategy))
    return entry


def _apply(registration: Registration, subject) -> None:
    rows = registration.rows_of(subject)
    if registration.erasure == Strategy.DELETE_ROW:
        if rows.query.distinct:
            rows = registration.model._default_manager.filter(pk__in=rows.values("pk"))
        rows.delete()
        return
    salt = hash_salt()
    changed = []
    names = list(registration.erasure)
    for obj in rows.only("pk", *names):
        dirty = False
        for name, strategy in registration.erasure.items():
            value = getattr(obj, name)
            if is_erased(value, strategy):
                continue
            nullable = registration.model._meta.get_field(name).null
            setattr(obj, name, erased_value(value, strategy, salt=salt, nullable=nullable))
            dirty = True
        if dirty:
            changed.append(obj)
    if changed:
        registration.model._default_manager.bulk_update(changed, names, batch_size=500)


def erase(subject, *, dry_run: bool) -> ErasureReport:
    """Erase (or, with dry_run, only describe erasing) everything registered about a subject.

    Nothing is erased while a legal hold covers the subject; data kept for a stated reason
    (a legal obligation, data we process for a customer) is listed with that reason. The
    report says what each model and field would lose or lost, never the erased values.
    A second run changes nothing more.
    """
    held_by = holds_on(subject)
    entries = [_plan(registration, subject, held_by) for registration in registrations()]
    report = ErasureReport(subject=subject.pk, dry_run=dry_run, held_by=held_by, entries=entries)
    if dry_run or held_by:
        return report
    with transaction.atomic():
        # Rows that hang off the subject first, the subject's own row last.
        for registration in sorted(registrations(), key=lambda r: r.subject_path == ""):
            if registration.keep_reason:
                continue
            _apply(registration, subject)
        subject_model = type(subject)
        if any(f.name == "erased_at" for f in subject_model._meta.fields):
            subject_model._default_manager.filter(pk=subject.pk, erased_at__isnull=True).update(
                erased_at=timezone.now()
            )
        # Outside the database too, after commit: a restored backup cannot bring them back.
        journal.record(journal.ERASURE, subject_model=subject_model._meta.label, subject=subject.pk)
    report.executed_at = timezone.now().isoformat()
    return report


def erase_replayed(line: dict) -> str:
    """An erasure journal line re-applied after a restore (privacyops.core.journal): the
    subject is erased again (idempotent); one no longer in the database has nothing to erase."""
    from django.apps import apps

    model = apps.get_model(line["subject_model"])
    subject = model._base_manager.filter(pk=line["subject"]).first()
    if subject is None:
        return "not in this database"
    report = erase(subject, dry_run=False)
    if report.held_by:
        # The restored database holds a legal hold that stood at backup time: Legal decides.
        return "problem: a legal hold in the restored data stops it: " + "; ".join(report.held_by)
    return "erased again" if report.erased_anything else "already erased"


journal.register_replayer(journal.ERASURE, erase_replayed)
