"""Request/response plumbing shared by the router and the handlers.

Everything here mirrors lakeFS' HTTP conventions (pkg/api/controller.go): JSON error
bodies `{"message": ...}`, `amount` clamped to 1..1000 (default 100), and pagination
objects whose `next_offset` is the key of the last returned item when there is more.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import Message
from typing import Any, TypeVar

MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 100

T = TypeVar("T")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """An error lakeFS would report as `status` with `{"message": message}`."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra

    def response(self) -> Response:
        return json_response(self.status, {"message": self.message, **self.extra})


def json_response(status: int, payload: Any) -> Response:
    body = json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json", "X-Content-Type-Options": "nosniff"}
    return Response(status, body, headers)


def no_content() -> Response:
    return Response(204)


@dataclass
class Request:
    method: str
    path: str  # API path after /api/v1, still percent-encoded
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # decoded path parameters
    user: str = ""
    # Set by the "contention" fault: how many branch compare-and-swaps must fail.
    cas_failures: int = 0

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def require_arg(self, name: str) -> str:
        value = self.arg(name)
        if value is None:
            raise ApiError(400, f"query parameter {name} is required")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        # The SDK sends Python's str(bool) ("True"); lakeFS' parser is case-insensitive.
        value = self.arg(name)
        if value is None or value == "":
            return default
        lowered = value.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise ApiError(400, f"invalid boolean for {name}: {value!r}")

    def amount(self) -> int:
        raw = self.arg("amount")
        if raw is None:
            return DEFAULT_PER_PAGE
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(400, f"invalid amount: {raw!r}") from None
        if value <= 0:
            return DEFAULT_PER_PAGE
        return min(value, MAX_PER_PAGE)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def json_body(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            payload = json.loads(self.body)
        except ValueError:
            raise ApiError(400, "request body has an error: invalid JSON") from None
        if not isinstance(payload, dict):
            raise ApiError(400, "request body has an error: expected a JSON object")
        return payload


def pagination(has_more: bool, next_offset: str, results: int) -> dict[str, Any]:
    return {
        "has_more": has_more,
        "next_offset": next_offset if has_more else "",
        "results": results,
        "max_per_page": MAX_PER_PAGE,
    }


def paginate(
    items: Sequence[T], key: Callable[[T], str], after: str, amount: int
) -> tuple[list[T], dict[str, Any]]:
    """Page through `items` (sorted by `key`): items strictly after `after`, at most `amount`."""
    keys = [key(item) for item in items]
    start = bisect_right(keys, after) if after else 0
    page = list(items[start : start + amount])
    has_more = len(items) > start + amount
    last = key(page[-1]) if page else ""
    return page, pagination(has_more, last, len(page))


def page_list(results: list[dict[str, Any]], key: str, after: str, amount: int) -> dict[str, Any]:
    """Build a lakeFS `*List` body from already-serialised, key-sorted results."""
    page, pages = paginate(results, lambda item: str(item[key]), after, amount)
    return {"pagination": pages, "results": page}
