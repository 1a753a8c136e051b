"""The one error shape of the API and the failures only the API has.

Every refusal answers ``{"detail": "...", "code": "..."}`` and, when request
fields were wrong, ``"errors": {"field": ["reason", ...]}``::

    401 not_authenticated     no token or session, or an unknown token
    403 permission_denied     the user's role may not take the action
    403 role_forbidden, out_of_scope       refused by the case workflow
    404 not_found             no such object, or one outside the user's scope
    400 invalid               request fields failed validation (see "errors")
    400 precondition_failed   the case workflow's own conditions do not hold
    409 wrong_state           the case or task is not in a state for the step
    429 throttled             too many requests; wait and retry

ApiError                      base: `code`, `status`
├── SubmissionMalformed       a docking submission that is not a list of objects
└── TokenRefused              an account that may not hold a token (api-token)

Case workflow failures (`cases.errors.CaseError`) keep their own code and
status. 4xx answers are logged at INFO, 5xx with a traceback by Django.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from finsentry.cases.errors import CaseError

log = logging.getLogger(__name__)

INVALID_DETAIL = "请求数据有误，请按 errors 中的说明修改后重试。"


class ApiError(exceptions.APIException):
    """Base of the API's own failures; `code` is stable and machine-readable."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "api_error"
    default_detail = "请求无法处理。"


class SubmissionMalformed(ApiError):
    """The body of a docking submission is not a JSON list of row objects."""

    default_code = "submission_malformed"


class TokenRefused(ApiError):
    """The account may not hold an API token: inactive, or no role with the grant."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "token_refused"


def _field_errors(data: Any) -> dict[str, list[str]]:
    """Return DRF's nested validation messages as field → list of strings."""
    if isinstance(data, list):
        return {"non_field_errors": [str(item) for item in data]}
    if not isinstance(data, dict):
        return {"non_field_errors": [str(data)]}
    errors: dict[str, list[str]] = {}
    for field, messages in data.items():
        items = messages if isinstance(messages, list) else [messages]
        errors[str(field)] = [str(m) for m in items]
    return errors


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    """Return the API's error shape for a DRF exception."""
    if isinstance(exc, exceptions.ValidationError):
        return {
            "detail": INVALID_DETAIL,
            "code": "invalid",
            "errors": _field_errors(exc.detail),
        }
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return {"detail": str(exc.detail), "code": str(code)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every API failure in the one error shape (REST_FRAMEWORK setting)."""
    if isinstance(exc, CaseError):
        body = {"detail": exc.message, "code": exc.code}
        log.info("api refused code=%s status=%d", exc.code, exc.status)
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = error_body(exc)
    log.info(
        "api refused code=%s status=%d", response.data["code"], response.status_code
    )
    return response
