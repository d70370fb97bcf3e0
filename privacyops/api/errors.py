"""Every refusal as JSON: {"error": code, "detail": text, "fields": {...} or "errors": [...]}."""

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .services import ApiError


def exception_handler(exc, context):
    if isinstance(exc, ApiError):
        body = {"error": "invalid", "detail": str(exc)}
        if exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "error": "invalid",
            "detail": "Some fields are invalid.",
            "fields": response.data,
        }
        return response
    detail = getattr(exc, "detail", "")
    code = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    response.data = {"error": code if isinstance(code, str) else "error", "detail": str(detail)}
    return response
