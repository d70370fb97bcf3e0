"""The request statistics page (and its CSV) of the response-times admin.

`RequestStatisticsAdminMixin` adds `statistics/` to the RequestOutcome admin (URL name
admin:dsr_requestoutcome_statistics): who may view response times (Legal, Auditor) sees it.
It shows counts only, never a requester, so it writes no access-log line. The figures come
from privacyops.dsr.statistics; this module only lays them out.
"""

import csv

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core.spreadsheets import row_safe

from .. import statistics
from ..models import REGIME_CHOICES, RequestOutcome, RequestType

Ground = RequestOutcome.RefusalGround

# (heading, how to read it from a StatisticsRow): the page and the CSV show the same columns.
COUNT_COLUMNS = [
    (_("Received"), "received"),
    (_("Complied with in whole"), "complied"),
    (_("Complied with in part"), "complied_in_part"),
    (_("Refused"), "refused"),
    (_("Redirected to the customer"), "redirected"),
    (_("Withdrawn"), "withdrawn"),
    (_("Closed unconfirmed"), "closed_unconfirmed"),
    (_("Answered"), "answered"),
]


def days_text(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".removesuffix(".0")


def share_text(value: float | None) -> str:
    return "" if value is None else f"{round(100 * value)}%"


def period_text(row: statistics.StatisticsRow, by: str) -> str:
    return f"{row.period:%Y}" if by == "year" else f"{row.period:%Y-%m}"


RIGHTS = dict(RequestType.choices)
REGIMES = dict(REGIME_CHOICES)


def table_rows(rows: list[statistics.StatisticsRow], by: str) -> list[list[str]]:
    """Each row as the cells the page and the CSV show, in the order of `headings()`."""
    return [
        [
            period_text(row, by),
            str(RIGHTS.get(row.request_type, row.request_type) or _("All rights")),
            str(REGIMES.get(row.regime, row.regime) or _("All regimes")),
            *(getattr(row, attr) for _heading, attr in COUNT_COLUMNS),
            *(row.refused_by_ground.get(ground, 0) for ground in Ground.values),
            days_text(row.median_days),
            days_text(row.mean_days),
            share_text(row.on_time_share),
        ]
        for row in rows
    ]


def headings() -> list[str]:
    return [
        str(_("Period")),
        str(_("Right exercised")),
        str(_("Legal regime")),
        *(str(heading) for heading, _attr in COUNT_COLUMNS),
        *(str(_("Refused: %(ground)s") % {"ground": label}) for label in Ground.labels),
        str(_("Median days to respond")),
        str(_("Mean days to respond")),
        str(_("Answered within the legal deadline")),
    ]


class StatisticsFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    by = forms.ChoiceField(
        label=_("Per"),
        choices=[("month", _("month")), ("year", _("year"))],
        required=False,
    )
    request_type = forms.ChoiceField(
        label=_("Right exercised"),
        choices=[("", _("All rights")), *RequestType.choices],
        required=False,
    )
    regime = forms.ChoiceField(
        label=_("Legal regime"), choices=[("", _("All regimes")), *REGIME_CHOICES], required=False
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Every year"))] + [(y, str(y)) for y in years]


class RequestStatisticsAdminMixin:
    def get_urls(self):
        return [
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="dsr_requestoutcome_statistics",
            )
        ] + super().get_urls()

    def statistics_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        this_year = timezone.localdate().year
        years = sorted(set(statistics.years_with_requests()) | {this_year}, reverse=True)
        data = request.GET if "by" in request.GET else {"year": this_year, "by": "month"}
        form = StatisticsFilterForm(data, years=years)
        choice = form.cleaned_data if form.is_valid() else {"year": this_year, "by": "month"}
        by = choice.get("by") or ("month" if choice.get("year") else "year")
        query = {
            "year": choice.get("year"),
            "by": by,
            "request_type": choice.get("request_type", ""),
            "regime": choice.get("regime", ""),
        }
        totals = statistics.request_statistics(**query, group_by=())
        detail = statistics.request_statistics(**query)
        csv_params = request.GET.copy()
        csv_params.pop("format", None)
        if "by" not in csv_params:
            csv_params.update({"year": this_year, "by": "month"})
        if request.GET.get("format") == "csv":
            return self.statistics_csv(totals + detail, by, query["year"])
        return TemplateResponse(
            request,
            "admin/dsr/requestoutcome/statistics.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Request statistics"),
                "form": form,
                "headings": headings(),
                "totals": table_rows(totals, by),
                "detail": table_rows(detail, by),
                "csv_query": csv_params.urlencode(),
            },
        )

    def statistics_csv(self, rows, by: str, year: int | None) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"request-statistics-{year or 'all-years'}-per-{by}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(row_safe(headings()))
        for cells in table_rows(rows, by):
            writer.writerow(row_safe(cells))
        return response
