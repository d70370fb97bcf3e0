"""The endpoints under /api/v1/: each checks its body, calls one service, answers JSON.

Every call, refused or not, leaves one ApiCall row (client, endpoint, count, status).
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from privacyops.dsr import services as dsr_services
from privacyops.dsr.forms import PublicRequestForm
from privacyops.dsr.models import Channel as RequestChannel
from privacyops.marketing import selectors as marketing_selectors
from privacyops.security.selectors import request_ip_text

from . import serializers, services
from .authentication import client_of
from .models import Scope

ERRORS = {
    400: serializers.ErrorSerializer,
    401: serializers.ErrorSerializer,
    403: serializers.ErrorSerializer,
    413: serializers.ErrorSerializer,
    429: serializers.ErrorSerializer,
}


class ApiView(APIView):
    """An endpoint that needs `required_scope` and logs every call under `endpoint`."""

    required_scope: str = ""
    endpoint: str = ""

    def initial(self, request, *args, **kwargs):
        self.records = 0
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        header = request.META.get("HTTP_AUTHORIZATION", "")
        services.api_call_record(
            client=client_of(request),
            key_prefix=header.partition(" ")[2].partition(".")[0],
            method=request.method,
            endpoint=self.endpoint,
            status_code=response.status_code,
            records=getattr(self, "records", 0),
            ip=request_ip_text(request),
        )
        return response


def _object(data) -> dict:
    if not isinstance(data, dict):
        raise services.ApiError("The body must be a JSON object.")
    return data


class EventsView(ApiView):
    required_scope = Scope.EVENTS_WRITE
    endpoint = "events"

    @property
    def max_body_bytes(self) -> int:
        return settings.API_EVENTS_MAX_BODY_BYTES

    @extend_schema(
        summary="Push a batch of activity events (Other Information)",
        description="Up to 10,000 events, with the fields and checks of `load_activity`, each "
        "with your own `event_id`. All or nothing: one bad event refuses the batch (400 lists "
        "each row, field and reason). Events whose id you sent before are skipped.",
        request=serializers.EventBatchSerializer,
        responses={200: serializers.EventBatchResultSerializer, **ERRORS},
    )
    def post(self, request):
        events = _object(request.data).get("events")
        self.records = len(events) if isinstance(events, list) else 0
        result = services.activity_events_receive(client=client_of(request), events=events)
        return Response(
            {
                "received": result.received,
                "loaded": result.loaded,
                "already_received": result.already_received,
            }
        )


class MaySendView(ApiView):
    required_scope = Scope.MAY_SEND_READ
    endpoint = "may-send"

    @extend_schema(
        summary="May a message of this kind go to these addresses now?",
        description="One address (`email`) or up to 1,000 (`emails`), answered with a constant "
        "number of queries.",
        request=serializers.MaySendSerializer,
        responses={200: serializers.MaySendResultSerializer, **ERRORS},
    )
    def post(self, request):
        question = serializers.MaySendSerializer(data=_object(request.data))
        question.is_valid(raise_exception=True)
        kind = question.validated_data["kind"]
        emails = question.validated_data.get("emails") or [question.validated_data["email"]]
        self.records = len(emails)
        answers = marketing_selectors.may_send_many(emails, kind)
        return Response(
            {
                "kind": kind,
                "results": [{"email": email, "may_send": answers[email]} for email in emails],
            }
        )


class RequestsView(ApiView):
    required_scope = Scope.REQUESTS_WRITE
    endpoint = "requests"

    @extend_schema(
        summary="Submit a privacy request from a Site's own form",
        description="The same checks, confirmation e-mail and deadlines as /privacy/request/: "
        "the request waits for the requester to open the confirmation link.",
        request=serializers.PrivacyRequestSerializer,
        responses={201: serializers.PrivacyRequestAnswerSerializer, **ERRORS},
    )
    def post(self, request):
        data = _object(request.data)
        self.records = 1
        not_text = {
            name: ["Expected text."]
            for name in PublicRequestForm.base_fields
            if name in data and not isinstance(data[name], str)
        }
        if not_text:
            return _invalid(not_text)
        form = PublicRequestForm(
            {name: data[name] for name in PublicRequestForm.base_fields if name in data}
        )
        if not form.is_valid():
            return _invalid(
                {
                    name: [error["message"] for error in errors]
                    for name, errors in form.errors.get_json_data().items()
                }
            )
        cleaned = form.cleaned_data
        try:
            privacy_request = dsr_services.request_submit(
                request_type=cleaned["request_type"],
                channel=RequestChannel.WEB_FORM,
                requester_name=cleaned["name"],
                requester_email=cleaned["email"],
                details=cleaned["details"],
                # As the connected system states it, else its Accept-Language header.
                language=cleaned["language"] or request.LANGUAGE_CODE,
            )
        except dsr_services.RequestError as error:
            raise services.ApiError(str(error)) from None
        return Response(
            {
                "reference": privacy_request.reference,
                "state": privacy_request.state,
                "due_date": privacy_request.due_date,
            },
            status=status.HTTP_201_CREATED,
        )


def _invalid(fields: dict) -> Response:
    return Response(
        {"error": "invalid", "detail": "Some fields are invalid.", "fields": fields},
        status=status.HTTP_400_BAD_REQUEST,
    )
