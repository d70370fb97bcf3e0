"""POST /api/v1/subjects/ and /api/v1/accounts/: the CRM upserts people and customer accounts
by its own identifiers (scope subjects:write).

- People are found by (source, external_id): the source is the calling client's name, so two
  systems' ids never collide. Contact points are stored as everywhere (encrypted, blind
  index) through the subjects services, which write the personal-data change history.
- Accounts are found by their account number (the CRM's own). License-holder details are
  refused with the reason: they change only through the account representative's service.
- A batch is all or nothing: every row is checked first, and a 400 lists each row, field and
  reason; a replayed batch changes nothing (every row "unchanged").
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from privacyops.subjects import services as subjects
from privacyops.subjects.models import Account, ContactPoint, DataSubject
from privacyops.subjects.selectors import normalise_email

from .authentication import client_of
from .models import Scope
from .services import ApiError
from .views import ERRORS, ApiView

MAX_ROWS_PER_BATCH = 1000
LICENSE_HOLDER_FIELDS = ("license_holder", "license_holder_email", "license_holder_phone")
LICENSE_HOLDER_REASON = (
    "License-holder details change only through the account's representative (a recorded "
    "change, at the customer's request), never through the API."
)
SUBJECT_TEXT = {"full_name": 200, "title": 200}
CONTACTS = {"email": ContactPoint.Kind.EMAIL, "phone": ContactPoint.Kind.PHONE}
ACCOUNT_TEXT = {"company_name": 200, "registration_number": 40, "vat_number": 40}


# --- the shapes, for validation messages and the schema --------------------------------------


class SubjectRowSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100, help_text="Your own id of the person.")
    kind = serializers.ChoiceField(choices=DataSubject.Kind.choices)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(
        max_length=254, required=False, allow_blank=True, help_text="Primary; empty removes it."
    )
    phone = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text="Primary; empty removes it."
    )


class SubjectBatchSerializer(serializers.Serializer):
    subjects = SubjectRowSerializer(many=True, max_length=MAX_ROWS_PER_BATCH)


class AccountRowSerializer(serializers.Serializer):
    account_number = serializers.CharField(max_length=40, help_text="Your own account number.")
    company_name = serializers.CharField(max_length=200, help_text="Required for a new account.")
    registration_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    vat_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    billing_address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Account.Status.choices, required=False)
    closed_at = serializers.DateField(required=False, allow_null=True)


class AccountBatchSerializer(serializers.Serializer):
    accounts = AccountRowSerializer(many=True, max_length=MAX_ROWS_PER_BATCH)


class RowResultSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Your id of the person, or the account number.")
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged"])


class UpsertResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    results = RowResultSerializer(many=True)


# --- checking a batch (every row, every field, before anything is written) ------------------


def _text(row: dict, name: str, limit: int, errors: list, index: int, *, required=False):
    if name not in row:
        if required:
            errors.append({"row": index, "field": name, "reason": "This field is required."})
        return
    value = row[name]
    if not isinstance(value, str):
        errors.append({"row": index, "field": name, "reason": "Expected text."})
    elif required and not value.strip():
        errors.append({"row": index, "field": name, "reason": "This field may not be blank."})
    elif len(value) > limit:
        errors.append({"row": index, "field": name, "reason": f"At most {limit} characters."})


def _rows(rows, name: str) -> list:
    if not isinstance(rows, list):
        raise ApiError(f"`{name}` must be a list of objects.")
    if not rows:
        raise ApiError(f"`{name}` is empty.")
    if len(rows) > MAX_ROWS_PER_BATCH:
        raise ApiError(f"At most {MAX_ROWS_PER_BATCH:,} rows per call.")
    return rows


def _unknown(row: dict, known, errors: list, index: int) -> None:
    for name in sorted(set(row) - set(known)):
        errors.append({"row": index, "field": name, "reason": "Unknown field."})


def _duplicates(keys: list, field: str, errors: list) -> None:
    seen: dict = {}
    for index, key in enumerate(keys):
        if key is not None and key in seen:
            errors.append({"row": index, "field": field, "reason": f"The same as row {seen[key]}."})
        seen.setdefault(key, index)


def subject_rows_check(rows) -> list[dict]:
    rows = _rows(rows, "subjects")
    errors: list[dict] = []
    known = ("external_id", "kind", *SUBJECT_TEXT, *CONTACTS)
    keys = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append({"row": index, "field": None, "reason": "Expected an object."})
            keys.append(None)
            continue
        _unknown(row, known, errors, index)
        _text(row, "external_id", 100, errors, index, required=True)
        keys.append(row.get("external_id") if isinstance(row.get("external_id"), str) else None)
        if row.get("kind") not in DataSubject.Kind.values:
            reason = "This field is required." if "kind" not in row else "Not a kind of person."
            errors.append({"row": index, "field": "kind", "reason": reason})
        for name, limit in SUBJECT_TEXT.items():
            _text(row, name, limit, errors, index)
        _text(row, "phone", 50, errors, index)
        _text(row, "email", 254, errors, index)
        if isinstance(row.get("email"), str) and row["email"].strip():
            try:
                validate_email(row["email"].strip())
            except ValidationError:
                errors.append({"row": index, "field": "email", "reason": "Not an e-mail address."})
    _duplicates(keys, "external_id", errors)
    return errors


def account_rows_check(rows) -> list[dict]:
    rows = _rows(rows, "accounts")
    errors: list[dict] = []
    known = ("account_number", *ACCOUNT_TEXT, "billing_address", "status", "closed_at")
    keys = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append({"row": index, "field": None, "reason": "Expected an object."})
            keys.append(None)
            continue
        for name in LICENSE_HOLDER_FIELDS:
            if name in row:
                errors.append({"row": index, "field": name, "reason": LICENSE_HOLDER_REASON})
        _unknown(row, (*known, *LICENSE_HOLDER_FIELDS), errors, index)
        _text(row, "account_number", 40, errors, index, required=True)
        number = row.get("account_number")
        keys.append(number if isinstance(number, str) else None)
        for name, limit in ACCOUNT_TEXT.items():
            _text(row, name, limit, errors, index)
        _text(row, "billing_address", 1000, errors, index)
        if "status" in row and row["status"] not in Account.Status.values:
            errors.append({"row": index, "field": "status", "reason": "Either open or closed."})
        if row.get("closed_at") not in (None, ""):
            try:
                row["closed_at"] = datetime.date.fromisoformat(str(row["closed_at"]))
            except ValueError:
                errors.append(
                    {"row": index, "field": "closed_at", "reason": "A date (YYYY-MM-DD)."}
                )
    _duplicates(keys, "account_number", errors)
    return errors


def _refuse(errors: list[dict]) -> None:
    if errors:
        errors.sort(key=lambda e: (e["row"], e["field"] or ""))
        raise ApiError("Nothing was stored: fix these rows and send the batch again.", errors)


# --- writing ---------------------------------------------------------------------------------


def _primary(subject: DataSubject, kind: str) -> ContactPoint | None:
    return ContactPoint.objects.filter(subject=subject, kind=kind, is_primary=True).first()


def _contacts_upsert(subject: DataSubject, row: dict) -> bool:
    changed = False
    for name, kind in CONTACTS.items():
        if name not in row:
            continue
        value = row[name].strip()
        if kind == ContactPoint.Kind.EMAIL:
            value = normalise_email(value)
        point = _primary(subject, kind)
        if point is None and value:
            point = ContactPoint(subject=subject, kind=kind, value=value, is_primary=True)
            subjects.contact_point_add(contact_point=point, by=None)
            changed = True
        elif point is not None and not value:
            subjects.contact_point_remove(contact_point=point, by=None)
            changed = True
        elif point is not None and point.value != value:
            changed |= bool(
                subjects.contact_point_update(
                    contact_point=point, changes={"value": value}, by=None
                )
            )
    return changed


@transaction.atomic
def subjects_upsert(*, client, rows) -> list[dict]:
    """Create or update each person by (client, external_id); all or nothing.

    Raises ApiError listing every bad row and field; nothing is written then.
    """
    _refuse(subject_rows_check(rows))
    source = client.name
    ids = [row["external_id"] for row in rows]
    found = {
        s.external_id: s
        for s in DataSubject.objects.select_for_update().filter(
            external_source=source, external_id__in=ids
        )
    }
    results = []
    for row in rows:
        details = {name: row[name].strip() for name in SUBJECT_TEXT if name in row}
        subject = found.get(row["external_id"])
        if subject is None:
            subject = DataSubject(
                kind=row["kind"],
                external_source=source,
                external_id=row["external_id"],
                **details,
            )
            try:
                with transaction.atomic():
                    subjects.data_subject_record(subject=subject, by=None)
            except IntegrityError:
                raise ApiError(
                    f"{row['external_id']} was created by a concurrent call: send again."
                ) from None
            _contacts_upsert(subject, row)
            results.append({"key": row["external_id"], "result": "created"})
            continue
        changed = bool(
            subjects.data_subject_update(
                subject=subject, changes={"kind": row["kind"], **details}, by=None
            )
        )
        changed |= _contacts_upsert(subject, row)
        results.append({"key": row["external_id"], "result": "updated" if changed else "unchanged"})
    return results


@transaction.atomic
def accounts_upsert(*, client, rows) -> list[dict]:
    """Create or update each account by its account number; all or nothing. License-holder
    details are refused (LICENSE_HOLDER_REASON)."""
    _refuse(account_rows_check(rows))
    numbers = [row["account_number"] for row in rows]
    found = {
        a.account_number: a
        for a in Account.objects.select_for_update().filter(account_number__in=numbers)
    }
    errors, results, changed_accounts = [], [], []
    for index, row in enumerate(rows):
        account = found.get(row["account_number"])
        new = account is None
        if new:
            if not str(row.get("company_name") or "").strip():
                errors.append(
                    {"row": index, "field": "company_name", "reason": "Required for a new account."}
                )
                continue
            account = Account(account_number=row["account_number"])
        changes = {}
        for name in (*ACCOUNT_TEXT, "billing_address", "status", "closed_at"):
            if name in row:
                value = row[name].strip() if isinstance(row[name], str) else row[name]
                if name == "closed_at" and value == "":
                    value = None
                if getattr(account, name) != value:
                    changes[name] = value
        for name, value in changes.items():
            setattr(account, name, value)
        try:
            account.full_clean(exclude=["license_holder", "account_number"] if not new else None)
        except ValidationError as error:
            for field, reasons in error.message_dict.items():
                errors += [
                    {"row": index, "field": None if field == "__all__" else field, "reason": r}
                    for r in reasons
                ]
            continue
        if new or changes:
            changed_accounts.append(account)
        results.append(
            {
                "key": row["account_number"],
                "result": "created" if new else ("updated" if changes else "unchanged"),
            }
        )
    _refuse(errors)
    for account in changed_accounts:
        account.save()
    return results


# --- the endpoints ---------------------------------------------------------------------------


def _answer(results: list[dict]) -> Response:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for result in results:
        counts[result["result"]] += 1
    return Response({"received": len(results), **counts, "results": results})


def _batch(request, name: str):
    if not isinstance(request.data, dict):
        raise ApiError("The body must be a JSON object.")
    return request.data.get(name)


class SubjectsView(ApiView):
    required_scope = Scope.SUBJECTS_WRITE
    endpoint = "subjects"

    @extend_schema(
        summary="Create or update data subjects by your own ids",
        description="Up to 1,000 people, found again by `external_id` (per calling system). "
        "All or nothing: a 400 lists each row, field and reason. A replay changes nothing.",
        request=SubjectBatchSerializer,
        responses={200: UpsertResultSerializer, **ERRORS},
    )
    def post(self, request):
        rows = _batch(request, "subjects")
        self.records = len(rows) if isinstance(rows, list) else 0
        return _answer(subjects_upsert(client=client_of(request), rows=rows))


class AccountsView(ApiView):
    required_scope = Scope.SUBJECTS_WRITE
    endpoint = "accounts"

    @extend_schema(
        summary="Create or update customer accounts by account number",
        description="Up to 1,000 accounts. License-holder details are refused with the reason: "
        "they change only through the account's representative. All or nothing; a replay "
        "changes nothing.",
        request=AccountBatchSerializer,
        responses={200: UpsertResultSerializer, **ERRORS},
    )
    def post(self, request):
        rows = _batch(request, "accounts")
        self.records = len(rows) if isinstance(rows, list) else 0
        return _answer(accounts_upsert(client=client_of(request), rows=rows))
