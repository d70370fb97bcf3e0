"""Request and answer shapes of the endpoints (validation and the OpenAPI schema).

Activity events are checked by subjects.activity_lines, as `load_activity` checks a line (no
serializer object per event: a batch holds up to 10,000); `ActivityEventSerializer` only
describes them for the schema. Privacy requests are checked by the public form itself.
"""

from django.conf import settings
from rest_framework import serializers

from privacyops.dsr.models import RequestType
from privacyops.marketing.models import NON_MARKETING_KINDS, Channel
from privacyops.subjects import activity_lines

from .services import MAX_EVENT_ID_LENGTH, MAX_EVENTS_PER_BATCH

MAX_ADDRESSES_PER_CALL = 1000


class ActivityEventSerializer(serializers.Serializer):
    event_id = serializers.CharField(
        max_length=MAX_EVENT_ID_LENGTH,
        help_text="Your own id of the event; an id sent before is skipped (replays add nothing).",
    )
    occurred_at = serializers.DateTimeField(help_text="ISO 8601; UTC unless it says otherwise.")
    event_kind = serializers.ChoiceField(choices=sorted(activity_lines.EVENT_KINDS), required=False)
    ip = serializers.IPAddressField(required=False, allow_blank=True)
    user_agent = serializers.CharField(max_length=500, required=False, allow_blank=True)
    page = serializers.CharField(max_length=500, required=False, allow_blank=True)
    referrer = serializers.CharField(max_length=500, required=False, allow_blank=True)
    login = serializers.CharField(
        max_length=150, required=False, allow_blank=True, help_text="The account name."
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class EventBatchSerializer(serializers.Serializer):
    events = ActivityEventSerializer(many=True, max_length=MAX_EVENTS_PER_BATCH)


class EventBatchResultSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="Events in the batch.")
    loaded = serializers.IntegerField(help_text="Events stored now.")
    already_received = serializers.IntegerField(help_text="Events whose id was sent before.")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Position in the batch, from 0.")
    field = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(required=False, help_text="Per field: its reasons.")
    errors = RowErrorSerializer(many=True, required=False)


class MaySendSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[*Channel.values, *sorted(NON_MARKETING_KINDS)],
        help_text="A marketing channel, or transactional, relationship, legal.",
    )
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    emails = serializers.ListField(
        child=serializers.CharField(max_length=254, allow_blank=True),
        required=False,
        max_length=MAX_ADDRESSES_PER_CALL,
        min_length=1,
    )

    def validate(self, attrs):
        if ("email" in attrs) == ("emails" in attrs):
            raise serializers.ValidationError("Give either email or emails (up to 1,000).")
        return attrs


class MaySendAnswerSerializer(serializers.Serializer):
    email = serializers.CharField()
    may_send = serializers.BooleanField()


class MaySendResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    results = MaySendAnswerSerializer(many=True)


class PrivacyRequestSerializer(serializers.Serializer):
    """The fields of the public request form (/privacy/request/), checked by that form."""

    request_type = serializers.ChoiceField(choices=RequestType.choices)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254, help_text="The confirmation link goes here.")
    details = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        allow_blank=True,
        help_text="The language of the letters to the requester; default: Accept-Language.",
    )


class PrivacyRequestAnswerSerializer(serializers.Serializer):
    reference = serializers.CharField()
    state = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
