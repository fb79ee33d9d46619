"""The one DRF exception handler: every error leaves as {"error": {code, message, field}}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.errors import ApplicationError

logger = logging.getLogger(__name__)


def _first_field_error(detail: Any, path: str = "") -> tuple[str | None, str, str]:
    """Walk DRF's nested error detail to the first leaf: (field path, message, code)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors":
                return _first_field_error(value, path)
            return _first_field_error(value, f"{path}.{key}" if path else str(key))
    if isinstance(detail, list) and detail:
        for index, value in enumerate(detail):
            if value:  # DRF uses {} / [] placeholders for valid list members
                child = f"{path}[{index}]" if isinstance(value, dict | list) else path
                return _first_field_error(value, child)
    code = getattr(detail, "code", "invalid") or "invalid"
    return (path or None, str(detail), str(code))


def _body(code: str, message: str, field: str | None = None, details: Any = None) -> dict:
    error: dict[str, Any] = {"code": code, "message": message, "field": field}
    if details is not None:
        error["details"] = details
    return {"error": error}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response({"error": exc.as_dict()}, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, OperationalError | InterfaceError):
        # The database went away mid-request: the transaction is gone, so the client may retry.
        logger.warning("database unavailable: %s", exc)
        set_rollback()
        return Response(
            _body("unavailable", "The database is unavailable; retry shortly."),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "2"},
        )
    if isinstance(exc, DatabaseError):
        return None  # let Django report it as a 500 with its own logging
    if not isinstance(exc, exceptions.APIException):
        return None

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    set_rollback()

    if isinstance(exc, exceptions.ValidationError):
        field, message, code = _first_field_error(exc.detail)
        details = exc.detail if isinstance(exc.detail, dict | list) else None
        return Response(
            _body(code, message, field, details), status=exc.status_code, headers=headers
        )
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return Response(_body(str(code), str(exc.detail)), status=exc.status_code, headers=headers)
