"""JSON bodies with a size limit: over it the call is refused (413) before anything is read."""

import json

from django.conf import settings
from rest_framework import exceptions, parsers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


def body_limit(view) -> int:
    return getattr(view, "max_body_bytes", None) or settings.API_MAX_BODY_BYTES


class LimitedJSONParser(parsers.BaseParser):
    """JSON, at most the view's `max_body_bytes` (default API_MAX_BODY_BYTES).

    Not a subclass of DRF's JSONParser on purpose: DRF hands that one `request.body`, which
    Django caps at DATA_UPLOAD_MAX_MEMORY_SIZE (a 400 page, not JSON); this one reads the
    stream itself, up to its own limit.
    """

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        limit = body_limit(context.get("view"))
        request = context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge(f"The body is larger than {limit:,} bytes.")
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(f"The body is larger than {limit:,} bytes.")
        try:
            return json.loads(body.decode(settings.DEFAULT_CHARSET))
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            # ValueError covers malformed JSON and over-long integers; the reason, not the body.
            reason = getattr(error, "msg", None) or type(error).__name__
            raise exceptions.ParseError(f"The body is not valid JSON: {reason}.") from None
