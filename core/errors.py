"""Domain errors.

Services raise these; the API layer (core/api.py) turns them into
``{"error": {"code", "message", "field"}}`` responses. Domain code never imports DRF.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(ApplicationError):
    status = 400
    code = "invalid"


class PermissionDenied(ApplicationError):
    status = 403
    code = "permission_denied"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class ServiceUnavailable(ApplicationError):
    """A dependency (database, broker, store) is down; the client may retry."""

    status = 503
    code = "unavailable"
