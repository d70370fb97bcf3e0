"""Spreadsheet import and export of subjects, contact points and accounts.

Every import is all or nothing: one invalid row (bad e-mail, unknown account or subject, a
key that appears twice, a missing required value) and nothing is written, and the admin lists
each bad row with its field. Rows are matched on a natural key, so importing the same file
again changes nothing:

- accounts by `account_number`;
- subjects by `login_name`, or by their primary e-mail address when they have no login;
- contact points by (subject login name, kind, value).
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from import_export import fields, resources, widgets

from . import services
from .models import Account, AccountContact, ContactPoint, DataSubject

_LICENSE_HOLDER_COLUMNS = ("license_holder_email", "license_holder_phone")


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _email_error(value: str) -> str | None:
    try:
        validate_email(value)
    except ValidationError:
        return f"{value!r} is not a valid e-mail address."
    return None


class AllOrNothingResource(resources.ModelResource):
    """Rejects the whole file on any invalid row; reports duplicates of the natural key."""

    def natural_key(self, row: dict):  # pragma: no cover - overridden
        raise NotImplementedError

    #: the column a duplicate key is reported against
    key_column = ""

    def check_row(self, row: dict) -> dict[str, str]:
        return {}

    def before_import(self, dataset, **kwargs):
        self._first_line_of: dict = {}
        user = kwargs.get("user")
        # Who imports: the services record it beside each change of personal data.
        self.changed_by = user if getattr(user, "is_authenticated", False) else None
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        key = self.natural_key(row)
        number = kwargs.get("row_number")
        if key is not None:
            first = self._first_line_of.setdefault(key, number)
            if first != number:
                message = f"Duplicate: the same key is on row {first} of this file."
                raise ValidationError({self.key_column: message})
        errors = self.check_row(row)
        if errors:
            raise ValidationError(errors)
        super().before_import_row(row, **kwargs)

    def import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        kwargs.setdefault("use_transactions", True)
        return super().import_data(dataset, **kwargs)


class AccountResource(AllOrNothingResource):
    key_column = "account_number"

    class Meta:
        model = Account
        fields = (
            "account_number",
            "company_name",
            "registration_number",
            "vat_number",
            "billing_address",
            "license_holder_email",
            "license_holder_phone",
            "status",
            "opened_at",
            "closed_at",
        )
        import_id_fields = ("account_number",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def natural_key(self, row):
        return _text(row, "account_number") or None

    def check_row(self, row):
        errors = {}
        if not _text(row, "account_number"):
            errors["account_number"] = "Required."
        if not _text(row, "company_name"):
            errors["company_name"] = "Required."
        email = _text(row, "license_holder_email")
        if email and (problem := _email_error(email)):
            errors["license_holder_email"] = problem
        if "account_number" not in errors:
            existing = Account.objects.filter(account_number=_text(row, "account_number")).first()
            for column in _LICENSE_HOLDER_COLUMNS:
                if existing and column in row and _text(row, column) != getattr(existing, column):
                    errors[column] = (
                        "License-holder details of an existing account change only through "
                        "the account's page, where the request is recorded."
                    )
        return errors


# The subject's own columns of the import (the others are links: e-mail, account).
SUBJECT_IMPORT_FIELDS = ("login_name", "kind", "full_name", "title", "birth_date", "age_band")


class DataSubjectResource(AllOrNothingResource):
    """Subjects with their primary e-mail and, optionally, the account they belong to."""

    key_column = "login_name"
    email = fields.Field(attribute=None, column_name="email")
    account = fields.Field(attribute=None, column_name="account")
    account_role = fields.Field(attribute=None, column_name="account_role")

    class Meta:
        model = DataSubject
        fields = (
            "login_name",
            "email",
            "kind",
            "full_name",
            "title",
            "birth_date",
            "age_band",
            "account",
            "account_role",
        )
        export_order = fields
        import_id_fields = ("login_name",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    # --- export --------------------------------------------------------------------------
    def get_queryset(self):
        return super().get_queryset().prefetch_related("contact_points", "account_contacts")

    def dehydrate_email(self, subject):
        emails = [c for c in subject.contact_points.all() if c.kind == ContactPoint.Kind.EMAIL]
        primary = [c.value for c in emails if c.is_primary] or [c.value for c in emails]
        return primary[0] if primary else ""

    def _first_link(self, subject):
        links = sorted(subject.account_contacts.all(), key=lambda link: link.pk)
        return links[0] if links else None

    def dehydrate_account(self, subject):
        link = self._first_link(subject)
        return link.account.account_number if link else ""

    def dehydrate_account_role(self, subject):
        link = self._first_link(subject)
        return link.role if link else ""

    # --- import --------------------------------------------------------------------------
    def natural_key(self, row):
        login = _text(row, "login_name")
        if login:
            return ("login", login)
        email = _text(row, "email").lower()
        return ("email", email) if email else None

    def before_import_row(self, row, **kwargs):
        row["email"] = _text(row, "email").lower()
        row["login_name"] = _text(row, "login_name") or None
        super().before_import_row(row, **kwargs)

    def check_row(self, row):
        errors = {}
        login, email = row.get("login_name"), row.get("email")
        if not login and not email:
            errors["login_name"] = "Give a login name or an e-mail address."
        if not _text(row, "kind"):
            errors["kind"] = "Required."
        if email and (problem := _email_error(email)):
            errors["email"] = problem
        number = _text(row, "account")
        if number and not Account.objects.filter(account_number=number).exists():
            errors["account"] = f"No account with number {number!r}."
        role = _text(row, "account_role")
        if role and role not in AccountContact.Role.values:
            errors["account_role"] = f"Unknown role {role!r}: one of {AccountContact.Role.values}."
        if email and "email" not in errors and login:
            owner = (
                ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, value=email)
                .exclude(subject__login_name=login)
                .values_list("subject__login_name", flat=True)
                .first()
            )
            if owner is not None:
                errors["email"] = f"Already the e-mail of another subject ({owner or 'no login'})."
        return errors

    def get_instance(self, instance_loader, row):
        if row.get("login_name"):
            return DataSubject.objects.filter(login_name=row["login_name"]).first()
        if row.get("email"):
            return DataSubject.objects.filter(
                contact_points__kind=ContactPoint.Kind.EMAIL,
                contact_points__value=row["email"],
                login_name__isnull=True,
            ).first()
        return None

    def _links_missing(self, subject, row) -> bool:
        if subject.pk is None:
            return True
        email = row.get("email")
        if email and not subject.contact_points.filter(kind="email", value=email).exists():
            return True
        number = _text(row, "account")
        role = _text(row, "account_role") or AccountContact.Role.USER
        return bool(
            number
            and not subject.account_contacts.filter(
                account__account_number=number, role=role
            ).exists()
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if self._links_missing(instance, row):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.login_name = instance.login_name or None  # unique when given, else NULL

    def do_instance_save(self, instance, is_create):
        if is_create:
            services.data_subject_record(subject=instance, by=self.changed_by)
            return
        changes = {name: getattr(instance, name) for name in SUBJECT_IMPORT_FIELDS}
        services.data_subject_update(subject=instance, changes=changes, by=self.changed_by)

    def after_save_instance(self, instance, row, **kwargs):
        email = row.get("email")
        if email and not instance.contact_points.filter(kind="email", value=email).exists():
            has_primary = instance.contact_points.filter(kind="email", is_primary=True).exists()
            point = ContactPoint(
                subject=instance,
                kind=ContactPoint.Kind.EMAIL,
                value=email,
                is_primary=not has_primary,
            )
            services.contact_point_add(contact_point=point, by=self.changed_by)
        number = _text(row, "account")
        if number:
            AccountContact.objects.get_or_create(
                account=Account.objects.get(account_number=number),
                subject=instance,
                role=_text(row, "account_role") or AccountContact.Role.USER,
            )


class ContactPointResource(AllOrNothingResource):
    key_column = "value"
    subject = fields.Field(
        attribute="subject",
        column_name="subject",
        widget=widgets.ForeignKeyWidget(DataSubject, field="login_name"),
    )

    class Meta:
        model = ContactPoint
        fields = ("subject", "kind", "value", "is_primary")
        import_id_fields = ("subject", "kind", "value")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("subject")

    def natural_key(self, row):
        return (_text(row, "subject"), _text(row, "kind"), _text(row, "value"))

    def before_import_row(self, row, **kwargs):
        row["subject"] = _text(row, "subject")
        row["kind"] = _text(row, "kind")
        row["value"] = _text(row, "value")
        if row["kind"] == ContactPoint.Kind.EMAIL:
            row["value"] = row["value"].lower()
        super().before_import_row(row, **kwargs)

    def check_row(self, row):
        errors = {}
        login = row["subject"]
        if not login:
            errors["subject"] = "Required: the subject's login name."
        elif not DataSubject.objects.filter(login_name=login).exists():
            errors["subject"] = f"No data subject with login name {login!r}."
        if row["kind"] not in ContactPoint.Kind.values:
            errors["kind"] = f"One of {ContactPoint.Kind.values}."
        if not row["value"]:
            errors["value"] = "Required."
        elif row["kind"] == ContactPoint.Kind.EMAIL and (problem := _email_error(row["value"])):
            errors["value"] = problem
        return errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The (subject, kind, value) key is looked up before; the one-primary rule is kept by
        # demoting the old primary on save, so uniqueness is not re-checked here.
        super().validate_instance(instance, import_validation_errors, validate_unique=False)

    def do_instance_save(self, instance, is_create):
        if is_create:
            services.contact_point_add(contact_point=instance, by=self.changed_by)
            return
        changes = {name: getattr(instance, name) for name in ("kind", "value", "is_primary")}
        services.contact_point_update(contact_point=instance, changes=changes, by=self.changed_by)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.is_primary:
            others = ContactPoint.objects.filter(
                subject=instance.subject, kind=instance.kind, is_primary=True
            ).exclude(pk=instance.pk)
            for other in others:  # the old primary is demoted, and that is recorded too
                services.contact_point_update(
                    contact_point=other, changes={"is_primary": False}, by=self.changed_by
                )
        super().before_save_instance(instance, row, **kwargs)
