"""The admin of data subjects and their contact points.

Every write of a person's details or contact points goes through subjects/services.py, which
records who changed what (PersonalDataChange, values masked); searches are exact matches
through an index (an e-mail address, a login name) or a name prefix.
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin_mixins import (
    AllOrNothingImportMixin,
    LargeTableAdmin,
    RestrictedSubjectsNotExportedMixin,
)
from privacyops.core.paginators import CappedCountPaginator
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from .. import selectors, services
from ..admin_forms import UnderEighteenFilter
from ..models import (
    Account,
    AccountContact,
    ActivityEvent,
    ContactPoint,
    CustomerDataset,
    DataSubject,
    PersonalDataChange,
    activity_bounds,
)
from ..resources import ContactPointResource, DataSubjectResource
from .rendering import OneEmptyFormFormSet, RowLinksChangeList

RECENT_EVENTS_SHOWN = 10

# Django's own text (translated in Django's catalogue, so not extracted into ours).
_DJANGO_ACTION_LABEL = "Select this object for an action - {}"


def _held_elsewhere() -> dict:
    """Whether the subject has rows in each table its page lists, asked inside the subject's
    own query (an index probe each): a page makes no query for a table where there is none
    (five round trips fewer for most people; the page's time did not measurably change, see
    docs/benchmarks.md, issue 18)."""
    subject = OuterRef("pk")
    return {
        "has_contact_points": Exists(ContactPoint.objects.filter(subject=subject)),
        "has_account_contacts": Exists(AccountContact.objects.filter(subject=subject)),
        "has_personal_data_changes": Exists(PersonalDataChange.objects.filter(subject=subject)),
        "has_held_licenses": Exists(Account.objects.filter(license_holder=subject)),
        "has_datasets": Exists(
            CustomerDataset.subjects.through.objects.filter(datasubject=subject)
        ),
    }


# Which of those tells whether an inline has rows.
_INLINE_ROWS = {
    ContactPoint: "has_contact_points",
    AccountContact: "has_account_contacts",
    PersonalDataChange: "has_personal_data_changes",
}


# --- Data subjects ---------------------------------------------------------------------------


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    formset = OneEmptyFormFormSet
    extra = 0
    fields = ("kind", "value", "is_primary", "created_at")


class AccountContactInline(admin.TabularInline):
    model = AccountContact
    formset = OneEmptyFormFormSet
    extra = 0
    # Named, so that the admin need not build a formset per page only to find them.
    fields = ("account", "role")
    autocomplete_fields = ("account",)
    verbose_name = _("account this person belongs to")
    verbose_name_plural = _("accounts this person belongs to")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account")


class PersonalDataChangeInline(admin.TabularInline):
    """Who changed which of the person's details: evidence, read-only, values masked."""

    model = PersonalDataChange
    formset = OneEmptyFormFormSet
    extra = 0
    fields = ("changed_at", "kind", "contact_kind", "details", "changed_by")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("personal-data change history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    @admin.display(description=_("before → after"))
    def details(self, change: PersonalDataChange) -> str:
        shown = change.masked_values or {}
        return "; ".join(
            f"{name}: {shown[name][0]} → {shown[name][1]}" if name in shown else name
            for name in change.fields
        )


class PersonalDataWrittenByServicesMixin:
    """Every admin write of a subject's details or contact points goes through the services
    that record who changed what (subjects/services.py)."""

    def save_contact_points(self, request, formset) -> None:
        by = request.user
        # Sorts the forms into new, changed and deleted objects without saving any: the
        # services below save each, with its record.
        formset.save(commit=False)
        for point in formset.deleted_objects:
            services.contact_point_remove(contact_point=point, by=by)
        for point, names in formset.changed_objects:
            services.contact_point_update(
                contact_point=point, changes={n: getattr(point, n) for n in names}, by=by
            )
        for point in formset.new_objects:
            services.contact_point_add(contact_point=point, by=by)


class _SubjectChangeList(RowLinksChangeList):
    """The subjects list: each row's primary e-mail address prefetched (the change page of one
    subject does without)."""

    def get_queryset(self, request, exclude_parameters=None):
        primary_emails = ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, is_primary=True)
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .prefetch_related(
                Prefetch("contact_points", queryset=primary_emails, to_attr="primary_emails")
            )
        )


@admin.register(DataSubject)
class DataSubjectAdmin(
    PersonalDataWrittenByServicesMixin,
    RestrictedSubjectsNotExportedMixin,
    AccessLoggedAdminMixin,
    AllOrNothingImportMixin,
    LargeTableAdmin,
):
    access_log_subject = ""  # every view and export goes to the access log
    resource_classes = [DataSubjectResource]
    list_display = (
        "__str__",
        "kind",
        "login_name",
        "primary_email",
        "under_18",
        "last_activity_at",  # first recorded is on the page: the list fits 1366 px
    )
    list_filter = ("kind", UnderEighteenFilter)
    search_fields = ("login_name",)  # the real search is get_search_results
    search_help_text = _(
        "An exact e-mail address or login name, a subject number, or the start of a name."
    )
    inlines = [ContactPointInline, AccountContactInline, PersonalDataChangeInline]
    readonly_fields = ("under_18", "activity", "licenses_held", "datasets", "erased_at")
    fieldsets = (
        (None, {"fields": ("kind", "full_name", "title", "login_name")}),
        (
            _("Age (the services are not for children under 18)"),
            {"fields": ("birth_date", "age_band", "under_18")},
        ),
        (_("Dates"), {"fields": ("created_at", "last_activity_at", "erased_at")}),
        (_("What else is held"), {"fields": ("licenses_held", "datasets", "activity")}),
    )

    def get_changelist(self, request, **kwargs):
        return _SubjectChangeList

    def get_object(self, request, object_id, from_field=None):
        # The access log looks the subject up again after the page is rendered: a page view
        # reads the row once. Only for a GET: a POST saves what it read.
        if request.method != "GET":
            return super().get_object(request, object_id, from_field)
        loaded = request.__dict__.setdefault("_subjects_loaded", {})
        key = (object_id, from_field)
        if key not in loaded:
            loaded[key] = self._subject_for_page(request, object_id, from_field)
        return loaded[key]

    def _subject_for_page(self, request, object_id, from_field):
        # Django's get_object, with what else is held asked in the same query.
        opts = DataSubject._meta
        field = opts.pk if from_field is None else opts.get_field(from_field)
        queryset = self.get_queryset(request).annotate(**_held_elsewhere())
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (DataSubject.DoesNotExist, ValidationError, ValueError):
            return None

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # A page (not a save: that reads the rows it changes) skips a table with no rows.
        has_rows = _INLINE_ROWS.get(inline.model)
        if request.method == "GET" and has_rows and getattr(obj, has_rows, None) is False:
            kwargs["queryset"] = kwargs["queryset"].none()
        return kwargs

    def save_model(self, request, obj, form, change):
        if not change:
            services.data_subject_record(subject=obj, by=request.user)
            return
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in {f.name for f in DataSubject._meta.concrete_fields}
        }
        services.data_subject_update(subject=obj, changes=changes, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is ContactPoint:
            self.save_contact_points(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(pk__in=selectors.subject_ids_with_email(term)), False
        matches = Q(login_name=term) | Q(full_name__istartswith=term)
        if term.isdigit():
            matches |= Q(pk=int(term))
        return queryset.filter(matches), False

    def action_checkbox(self, subject: DataSubject) -> str:
        # Django renders this box through a widget template per row, a sixth of the list's
        # time: the same markup, written directly.
        label = gettext(_DJANGO_ACTION_LABEL).format(subject)
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            subject.pk,
            label,
        )

    @admin.display(description=_("primary e-mail"))
    def primary_email(self, subject: DataSubject) -> str:
        emails = getattr(subject, "primary_emails", None)
        if emails is None:
            emails = subject.contact_points.filter(kind="email", is_primary=True)
        return emails[0].value if emails else ""

    @admin.display(description=_("under 18"), boolean=True)
    def under_18(self, subject: DataSubject) -> bool | None:
        if subject.pk is None:
            return None
        return subject.is_minor(timezone.localdate())

    @admin.display(description=_("activity (Other Information)"))
    def activity(self, subject: DataSubject) -> str:
        if subject.pk is None:
            return "—"
        # Only the months the subject has events in (the row was read for this page), and not
        # through the related manager, which would load each event's subject id one by one.
        events = ActivityEvent.objects.filter(
            activity_bounds.bounds_q(subject), subject_id=subject.pk
        ).order_by("-occurred_at", "-id")
        recent = list(
            events.only("occurred_at", "event_kind", "page", "ip")[: RECENT_EVENTS_SHOWN + 1]
        )
        if not recent:
            return gettext("No events recorded.")
        cap = CappedCountPaginator.cap
        # Counted only when there are more than the page shows, and then up to the cap, from
        # the (subject, time) index alone.
        count = (
            len(recent)
            if len(recent) <= RECENT_EVENTS_SHOWN
            else selectors.events_counted_up_to(events, cap=cap)
        )
        recent = recent[:RECENT_EVENTS_SHOWN]
        url = (
            reverse("admin:subjects_activityevent_changelist") + f"?subject__id__exact={subject.pk}"
        )
        shown = f"{cap:,}+" if count >= cap else f"{count:,}"
        link = format_html(gettext('<a href="{}">{} events: see them all</a>'), url, shown)
        rows = format_html_join(
            "",
            "<li>{} — {} {} ({})</li>",
            (
                (f"{e.occurred_at:%Y-%m-%d %H:%M}", e.get_event_kind_display(), e.page, e.ip or "")
                for e in recent
            ),
        )
        return format_html("{}<ul>{}</ul>", link, rows)

    @admin.display(description=_("license holder of"))
    def licenses_held(self, subject: DataSubject) -> str:
        if subject.pk is None or getattr(subject, "has_held_licenses", None) is False:
            return "—"
        return ", ".join(str(a) for a in subject.held_licenses.all()) or "—"

    @admin.display(description=_("named in customer datasets"))
    def datasets(self, subject: DataSubject) -> str:
        if subject.pk is None or getattr(subject, "has_datasets", None) is False:
            return "—"
        names = [str(d) for d in subject.hosted_in_datasets.select_related("account")]
        return ", ".join(names) or "—"


@admin.register(ContactPoint)
class ContactPointAdmin(
    PersonalDataWrittenByServicesMixin,
    RestrictedSubjectsNotExportedMixin,
    AccessLoggedAdminMixin,
    AllOrNothingImportMixin,
    LargeTableAdmin,
):
    restricted_subject_path = "subject"

    access_log_subject = "subject"  # every view and export goes to the access log
    resource_classes = [ContactPointResource]
    list_display = ("value", "kind", "is_primary", "subject", "created_at")
    list_filter = ("kind",)
    list_select_related = ("subject",)
    search_fields = ("value",)
    search_help_text = _("An exact e-mail address, telephone number or postal address.")
    autocomplete_fields = ("subject",)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # kind IN (...) lets PostgreSQL use the (kind, value) index for the exact value.
        kinds = Q(kind__in=ContactPoint.Kind.values)
        return queryset.filter(kinds, Q(value=term) | Q(value=term.lower())), False

    def save_model(self, request, obj, form, change):
        if not change:
            services.contact_point_add(contact_point=obj, by=request.user)
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.contact_point_update(contact_point=obj, changes=changes, by=request.user)

    def delete_model(self, request, obj):
        services.contact_point_remove(contact_point=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for point in queryset:
            services.contact_point_remove(contact_point=point, by=request.user)
