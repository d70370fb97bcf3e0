"""POST /api/v1/consents/: the Sites and the CRM record consent receipts (scope consents:write).

The banner's answer as it was given: purposes granted and refused, the policy version shown,
the Global Privacy Control signal (an opt-out of advertising, whatever else the banner says),
about a known data subject or a pseudonymous cookie identifier (kept only as a keyed hash).
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from privacyops.inventory.models import DigitalProperty, PolicyVersion
from privacyops.marketing import receipts
from privacyops.marketing.models import CONSENT_PURPOSES, ConsentReceipt
from privacyops.subjects.models import DataSubject

from .authentication import client_of
from .models import Scope
from .views import ERRORS, ApiView


class ConsentReceiptSerializer(serializers.Serializer):
    subject_id = serializers.IntegerField(required=False, help_text="Our id of the data subject.")
    identifier = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="A pseudonymous cookie or device identifier; stored only as a keyed hash.",
    )
    granted = serializers.ListField(
        child=serializers.ChoiceField(choices=CONSENT_PURPOSES), required=False, max_length=20
    )
    refused = serializers.ListField(
        child=serializers.ChoiceField(choices=CONSENT_PURPOSES), required=False, max_length=20
    )
    gpc = serializers.BooleanField(
        required=False, default=False, help_text="The browser sent Sec-GPC: 1."
    )
    source = serializers.ChoiceField(choices=ConsentReceipt.Source.choices)
    policy_version = serializers.CharField(
        max_length=40, required=False, help_text="The version shown; else the one in force."
    )
    site = serializers.CharField(
        max_length=60, required=False, help_text="The code of the site or application."
    )
    given_at = serializers.DateTimeField(required=False)

    def validate_subject_id(self, value):
        subject = DataSubject.objects.filter(pk=value, erased_at__isnull=True).first()
        if subject is None:
            raise serializers.ValidationError("No such data subject.")
        return subject

    def validate_policy_version(self, value):
        version = PolicyVersion.objects.filter(version=value).first()
        if version is None:
            raise serializers.ValidationError("No such policy version.")
        return version

    def validate_site(self, value):
        site = DigitalProperty.objects.filter(code=value).first()
        if site is None:
            raise serializers.ValidationError("No such site or application.")
        return site


class ConsentReceiptAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    granted = serializers.ListField(child=serializers.CharField())
    refused = serializers.ListField(child=serializers.CharField())
    gpc = serializers.BooleanField()
    advertising = serializers.BooleanField(
        allow_null=True, help_text="Consent to advertising after this receipt (GPC refuses it)."
    )
    policy_version = serializers.CharField(allow_null=True)


class ConsentsView(ApiView):
    required_scope = Scope.CONSENTS_WRITE
    endpoint = "consents"

    @extend_schema(
        summary="Record a consent receipt",
        description="Append-only: a later decision is a later receipt. A Global Privacy "
        "Control signal (`gpc`) refuses advertising whatever `granted` says.",
        request=ConsentReceiptSerializer,
        responses={201: ConsentReceiptAnswerSerializer, **ERRORS},
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        self.records = 1
        given = ConsentReceiptSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            receipt = receipts.consent_receipt_record(
                source=data["source"],
                recorded_via=f"api:{client_of(request).name}",
                granted=data.get("granted") or [],
                refused=data.get("refused") or [],
                subject=data.get("subject_id"),
                identifier=data.get("identifier") or "",
                gpc=data.get("gpc", False),
                policy_version=data.get("policy_version"),
                digital_property=data.get("site"),
                given_at=data.get("given_at"),
            )
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return Response(
            {
                "id": receipt.pk,
                "granted": receipt.granted,
                "refused": receipt.refused,
                "gpc": receipt.gpc,
                "advertising": receipt.advertising,
                "policy_version": receipt.policy_version.version
                if receipt.policy_version
                else None,
            },
            status=status.HTTP_201_CREATED,
        )
