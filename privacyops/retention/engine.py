"""The purge engine: which rows a rule disposes of, as SQL, and how one key window is done.

Everything here builds QuerySets or runs one set-based statement; no row is loaded into
Python on the hot path (the one exception is a salted-hash erasure, which SQL cannot compute
portably, done for the rows of one window at a time).

A row is disposed of by a rule when
  - its clock date is on or before the rule's cutoff,
  - it is in the rule's scope (kinds of data subject, people without an account),
  - no legal hold covers its data subject or account (a hold beats every rule), and its data
    subject's processing is not restricted (selectors.kept_q: the one definition), and
  - every other active rule covering it has run out too (the longest retention wins).
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone

from privacyops.core import registry
from privacyops.core.erasure import MASK_TEXT, Strategy, erased_value, is_erased
from privacyops.core.registry import Registration
from privacyops.subjects.models import Account, AccountContact

from . import policy, selectors
from .models import RetentionRule

Clock = RetentionRule.Clock
COLLECTION_FIELDS = ("occurred_at", "created_at", "recorded_at")


def _field(model, path: str) -> models.Field | None:
    """The field at the end of an ORM path, or None when the path does not exist."""
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return None
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field


def _prefix(path: str | None) -> str:
    return f"{path}__" if path else ""


def _simple_subject_path(registration: Registration) -> bool:
    """Whether the subject is reached by foreign keys only (not through a many-to-many)."""
    path = registration.subject_path
    if path is None:
        return False
    if path == "":
        return True
    model = registration.model
    for part in path.split("__"):
        field = _field(model, part)
        if field is None or field.many_to_many or field.one_to_many:
            return False
        model = field.related_model
    return True


def _date_q(model, path: str, cutoff) -> Q | None:
    field = _field(model, path)
    if field is None:
        return None
    if isinstance(field, models.DateTimeField):
        return Q(**{f"{path}__lte": cutoff})
    if isinstance(field, models.DateField):
        return Q(**{f"{path}__lte": timezone.localdate(cutoff)})
    return None


def _clock_path(rule: RetentionRule, registration: Registration) -> str | None:
    """The date field a clock read straight off the record runs from (on the record itself, or
    on the record it belongs to); None for clocks of the subject or the account."""
    model = registration.model
    if rule.clock == Clock.COLLECTED_AT:
        name = next((n for n in COLLECTION_FIELDS if _field(model, n)), None)
        return name or registration.retention_clock
    if rule.clock == Clock.REGISTRY_DATE:
        return registration.retention_clock
    if rule.clock == Clock.REQUEST_CLOSED:
        # The record's own closing date, or that of the record it belongs to (a request's
        # history runs from the request's closing).
        if _field(model, "closed_at") and not issubclass(model, Account):
            return "closed_at"
        if _field(model, "request__closed_at"):
            return "request__closed_at"
    return None


DATE_CLOCKS = (Clock.COLLECTED_AT, Clock.REGISTRY_DATE, Clock.REQUEST_CLOSED)


def clock_q(rule: RetentionRule, registration: Registration, cutoff) -> Q | None:
    """Rows whose retention clock has run past `cutoff`; None when the clock does not apply."""
    model = registration.model
    if rule.clock in DATE_CLOCKS:
        path = _clock_path(rule, registration)
        return _date_q(model, path, cutoff) if path else None
    if rule.clock == Clock.LAST_ACTIVITY:
        if not _simple_subject_path(registration):
            return None
        p = _prefix(registration.subject_path)
        # Never active: the clock runs from when the person was first recorded.
        return Q(**{f"{p}last_activity_at__lte": cutoff}) | Q(
            **{f"{p}last_activity_at__isnull": True, f"{p}created_at__lte": cutoff}
        )
    if rule.clock == Clock.OPTED_OUT:
        return _kept_clock_q(rule, registration, cutoff)
    if rule.clock == Clock.ACCOUNT_CLOSED:
        if registration.account_path is None:
            return None
        p = _prefix(registration.account_path)
        return Q(**{f"{p}status": Account.Status.CLOSED}) & Q(
            **{f"{p}closed_at__lte": timezone.localdate(cutoff)}
        )
    return None


def _kept_clock_q(rule: RetentionRule, registration: Registration, cutoff) -> Q | None:
    """A clock another app keeps: the record's own date for it (a subscription's opt-out), else
    the data subject's as a whole (every subscription ended before the cutoff)."""
    path = registration.clocks.get(rule.clock)
    if path:
        return _date_q(registration.model, path, cutoff)
    subjects_past = registry.subject_clock(rule.clock)
    if subjects_past is None or not _simple_subject_path(registration):
        return None
    return Q(**{f"{_subject_key(registration)}__in": subjects_past(cutoff)})


def _subject_key(registration: Registration) -> str:
    return registration.subject_path or "pk"


def _account_key(registration: Registration) -> str:
    return registration.account_path or "pk"


def scope_q(rule: RetentionRule, registration: Registration) -> Q | None:
    """The rule's scope on this kind of record; None when the rule cannot apply to it."""
    q = Q()
    if rule.kinds or rule.only_without_account:
        if not _simple_subject_path(registration):
            return None
        p = _prefix(registration.subject_path)
        if rule.kinds:
            q &= Q(**{f"{p}kind__in": rule.kinds})
        if rule.only_without_account:
            key = _subject_key(registration)
            contacts = AccountContact.objects.values("subject_id")
            holders = Account.objects.filter(license_holder__isnull=False).values(
                "license_holder_id"
            )
            q &= ~Q(**{f"{key}__in": contacts}) & ~Q(**{f"{key}__in": holders})
            if registration.account_path is not None:
                q &= Q(**{f"{_account_key(registration)}__isnull": True})
    return q


def held_q(registration: Registration, today=None) -> Q:
    """Rows a retention rule must keep as they are: the data of every subject in
    `selectors.kept_q` (legal holds, restricted processing), and a held account's
    records."""
    q = Q(pk__in=[])
    if registration.subject_path is not None:
        q |= selectors.kept_q(_subject_key(registration), today=today)
    if registration.account_path is not None:
        q |= Q(**{f"{_account_key(registration)}__in": selectors.accounts_under_hold(today=today)})
    return q


def covers(rule: RetentionRule, registration: Registration) -> bool:
    if rule.target_model:
        if rule.target_model != registration.label:
            return False
    elif rule.target_category != registration.category or registration.keep_reason:
        # A category rule leaves alone what the registry keeps for a stated reason
        # (billing records, customers' data); a rule naming that record can still reach it.
        return False
    now = timezone.now()
    return clock_q(rule, registration, now) is not None and scope_q(rule, registration) is not None


def targets(rule: RetentionRule) -> list[Registration]:
    """The kinds of record a rule covers; rows hanging off a subject before the subject's own."""
    found = [r for r in registry.registrations() if covers(rule, r)]
    return sorted(found, key=lambda r: (r.subject_path == "", r.label))


def kept_by_other_rules(rule: RetentionRule, registration: Registration, now) -> Q:
    """Rows another active rule still keeps (the longest retention wins)."""
    q = Q()
    others = selectors.rules_active().exclude(pk=rule.pk)
    for other in others:
        if not covers(other, registration):
            continue
        q &= ~(scope_q(other, registration) & ~clock_q(other, registration, other.cutoff(now)))
    return q


@dataclass
class Selection:
    registration: Registration
    expired: models.QuerySet  # past this rule's period and in its scope
    disposable: models.QuerySet  # ... and neither held nor kept by a longer rule


def select(rule: RetentionRule, registration: Registration, *, cutoff, now=None) -> Selection:
    now = now or timezone.now()
    manager = registration.model._base_manager
    expired = manager.filter(clock_q(rule, registration, cutoff)).filter(
        scope_q(rule, registration)
    )
    disposable = expired.exclude(held_q(registration, timezone.localdate(now))).filter(
        kept_by_other_rules(rule, registration, now)
    )
    return Selection(registration, expired.order_by(), disposable.order_by())


def held_keys(today=None) -> tuple[set[int], set[int]]:
    """The data subjects and accounts `held_q` keeps, read into Python (few: legal matters and
    restricted people)."""
    subjects = selectors.subject_ids_kept(today=today)
    accounts = set(selectors.accounts_under_hold(today=today).values_list("account_id", flat=True))
    return subjects, accounts


def held_keys_q(registration: Registration, today=None) -> Q:
    """`held_q` with the held keys read first (few), so the database finds the held rows by
    the (subject, date) index instead of probing every row."""
    subjects, accounts = held_keys(today)
    q = Q(pk__in=[])
    if registration.subject_path is not None and subjects:
        q |= Q(**{f"{_subject_key(registration)}__in": sorted(subjects)})
    if registration.account_path is not None and accounts:
        q |= Q(**{f"{_account_key(registration)}__in": sorted(accounts)})
    return q


def held_rows(selection: Selection, *, today=None) -> models.QuerySet:
    """Rows past their period that a hold keeps (counted walking the (subject, date) index)."""
    return selection.expired.filter(held_keys_q(selection.registration, today))


def stays_q(rule: RetentionRule, registration: Registration, *, now=None) -> Q:
    """Among rows past the rule's cutoff, those the rule leaves where they are: out of its
    scope, held (`held_q`: its small subqueries, which the database hashes once and probes
    while it reads the month), or kept by a longer rule. The exact complement of `select`'s
    disposable rows within the expired ones (what a month swap copies into the new month)."""
    now = now or timezone.now()
    held = held_q(registration, timezone.localdate(now))
    return ~(scope_q(rule, registration) & ~held & kept_by_other_rules(rule, registration, now))


def deletes_rows(action: str, registration: Registration) -> bool:
    """Delete and anonymise both follow the registry: rows it erases by deletion are deleted,
    rows it keeps as a tombstone (a data subject, an account) lose their personal fields."""
    return registration.erasure == Strategy.DELETE_ROW


def fast_deletable(model) -> bool:
    """No other table points at these rows, so one DELETE statement is all it takes."""
    return not any(
        rel.on_delete is not models.DO_NOTHING
        for rel in model._meta.related_objects
        if rel.on_delete is not None
    )


def delete_window(qs: models.QuerySet, registration: Registration, window: Q) -> int:
    window = qs.filter(window)
    if registration.dispose is not None:
        return registration.dispose(window)
    if fast_deletable(qs.model):
        # Deliberately no pre/post_delete signals: the PurgeRun is the record of disposal.
        return window._raw_delete(window.db)
    # Rows other tables point at: Django's collector handles the cascade, per window.
    label = qs.model._meta.label
    return (
        qs.model._base_manager.filter(pk__in=list(window.values_list("pk", flat=True)))
        .delete()[1]
        .get(label, 0)
    )


def _erased_q(model, name: str, strategy: Strategy) -> Q:
    field = model._meta.get_field(name)
    q = Q(**{f"{name}__isnull": True}) if field.null else Q(pk__in=[])
    if isinstance(field, models.CharField | models.TextField):
        q |= Q(**{name: ""})
        if strategy is Strategy.MASK:
            q |= Q(**{name: MASK_TEXT})
        if strategy is Strategy.HASH:
            q |= Q(**{f"{name}__startswith": "sha256:"})
    return q


def anonymise_window(
    qs: models.QuerySet, registration: Registration, window: Q, *, salt: str
) -> int:
    model = registration.model
    strategies: dict[str, Strategy] = dict(registration.erasure)
    window = qs.filter(window)
    not_erased = Q(pk__in=[])
    for name, strategy in strategies.items():
        not_erased |= ~_erased_q(model, name, strategy)
    window = window.filter(not_erased)
    extra = {"erased_at": timezone.now()} if _field(model, "erased_at") else {}
    sql_fields = {n: s for n, s in strategies.items() if s is not Strategy.HASH}
    hashed = [n for n, s in strategies.items() if s is Strategy.HASH]
    if hashed:
        # A keyed hash cannot be computed in portable SQL: these rows (one window) in Python.
        rows = list(window.only("pk", *strategies))
        for obj in rows:
            for name, strategy in strategies.items():
                value = getattr(obj, name)
                if not is_erased(value, strategy):
                    nullable = model._meta.get_field(name).null
                    setattr(obj, name, erased_value(value, strategy, salt=salt, nullable=nullable))
            for key, value in extra.items():
                setattr(obj, key, value)
        model._base_manager.bulk_update(rows, [*strategies, *extra], batch_size=500)
        return len(rows)
    values = {}
    for name, strategy in sql_fields.items():
        nullable = model._meta.get_field(name).null
        values[name] = erased_value("x", strategy, salt=salt, nullable=nullable)
    return window.update(**values, **extra)


# --- Windows ------------------------------------------------------------------------------
#
# A run works through a kind of record in windows of about RETENTION_WINDOW_SIZE rows, one
# transaction each, and checkpoints where it got to. Where the rule's clock is a column of the
# record that an index leads with (an activity event's `occurred_at`), windows walk that index
# from the oldest row up to the cutoff: rows still within their period are never visited, and
# no window rescans the index entries of rows an earlier window deleted. Otherwise windows are
# ranges of the primary key over the whole table.


def window_column(rule: RetentionRule, registration: Registration) -> str | None:
    """The record's own clock column when an index leads with it, else None."""
    if rule.clock not in DATE_CLOCKS:
        return None
    path = _clock_path(rule, registration)
    if not path or "__" in path:
        return None
    model = registration.model
    field = _field(model, path)
    if not isinstance(field, models.DateField):  # DateTimeField is a DateField too
        return None
    if field.db_index or field.unique:
        return path
    leading = {index.fields[0].lstrip("-") for index in model._meta.indexes if index.fields}
    return path if path in leading else None


def window_start(rule: RetentionRule, registration: Registration) -> dict:
    """The checkpoint of a run that has done nothing yet on this kind of record."""
    column = window_column(rule, registration)
    if column:
        return {"column": column, "after": None, "done": False, "held": None}
    lo, hi = key_range(registration.model)
    return {"next": lo or 0, "last": hi if hi is not None else -1, "held": None}


def _after(column: str, key) -> Q:
    """Strictly after (clock, pk) in clock order; the bare range lets the index find it."""
    at, pk = key
    return Q(**{f"{column}__gte": at}) & (
        Q(**{f"{column}__gt": at}) | Q(**{column: at, "pk__gt": pk})
    )


def _up_to(column: str, key) -> Q:
    at, pk = key
    return Q(**{f"{column}__lte": at}) & (
        Q(**{f"{column}__lt": at}) | Q(**{column: at, "pk__lte": pk})
    )


def _key_to_json(key) -> list:
    at, pk = key
    return [at.isoformat(), pk]


def _key_from_json(model, column: str, value) -> tuple | None:
    if value is None:
        return None
    at, pk = value
    return model._meta.get_field(column).to_python(at), pk


def not_swapped_q(model, column: str, swapped: list) -> Q:
    """Rows outside the [lower, upper) ranges of `swapped` (a checkpoint's swapped months,
    adjacent ones merged so the database prunes partitions with one range each)."""
    field = model._meta.get_field(column)
    merged: list[list] = []
    for lower, upper in sorted(swapped):
        if merged and merged[-1][1] == lower:
            merged[-1][1] = upper
        else:
            merged.append([lower, upper])
    q = Q()
    for lower, upper in merged:
        q &= ~Q(
            **{f"{column}__gte": field.to_python(lower), f"{column}__lt": field.to_python(upper)}
        )
    return q


def windows(selection: Selection, state: dict, size: int, *, cutoff):
    """The windows still to do from `state`: (filter of the window's rows, checkpoint after it).

    Each next window is found only once the one before it has committed, so a resumed run
    starts exactly where the checkpoint says.
    """
    if size <= 0:
        raise ValueError("A window must hold at least one row")
    if "column" not in state:
        for lo, hi in policy.windows(state["next"], state["last"], size):
            yield Q(pk__gte=lo, pk__lt=hi), {"next": hi}
        return
    model, column = selection.registration.model, state["column"]
    # Months a swap already replaced hold only rows this rule keeps: never walked again.
    skip = not_swapped_q(model, column, state.get("swapped") or [])
    ordered = (
        model._base_manager.filter(_date_q(model, column, cutoff))
        .filter(skip)
        .order_by(column, "pk")
        .values_list(column, "pk")
    )
    done = state.get("done", False)
    after = _key_from_json(model, column, state.get("after"))
    while not done:
        rest = ordered.filter(_after(column, after)) if after else ordered
        # The last row of this window: `size` rows on along the clock index (index only).
        end = next(iter(rest[size - 1 : size]), None)
        window = (_after(column, after) if after else Q()) & skip
        if end is None:
            window &= _date_q(model, column, cutoff)
            done = True
        else:
            window &= _up_to(column, end)
            after = end
        yield window, {"after": _key_to_json(after) if after else None, "done": done}


def key_range(model) -> tuple[int | None, int | None]:
    agg = model._base_manager.aggregate(lo=models.Min("pk"), hi=models.Max("pk"))
    return agg["lo"], agg["hi"]
