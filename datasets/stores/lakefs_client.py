"""lakeFS plumbing: the SDK client, bounded retries, and the mapping to `StoreError`s.

Why our own retry loop: urllib3's default retries re-send idempotent requests silently and
give up on POSTs (uploads, commits) after a reset, with no backoff and no idea which calls
are safe to repeat. So the SDK's urllib3 retries are off, every call has an explicit
timeout, and this module retries what lakeFS documents as transient - 423/429 (branch
update contention), 5xx (e.g. "branch is currently locked"), resets and timeouts - with
capped exponential backoff and jitter. 400/401/403/404/409/412/416 fail at once.
"""

from __future__ import annotations

import functools
import http.client
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote, urlencode

import lakefs_sdk
import pydantic
import urllib3
from lakefs_sdk.client import LakeFSClient
from lakefs_sdk.exceptions import ApiException

from .base import (
    AlreadyExists,
    DirtyBranch,
    Forbidden,
    InvalidRequest,
    NoChanges,
    NotFound,
    PreconditionFailed,
    StoreError,
    StoreUnavailable,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
Timeout = tuple[float, float]  # (connect, read) seconds, as the SDK's _request_timeout takes

TRANSIENT_STATUSES = frozenset({423, 429, 500, 502, 503, 504})
# Everything urllib3 and http.client (lakefs_uploads.py) raise for resets, refused
# connections, garbled answers and timeouts, plus raw OSErrors.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
)
AUTH_SETTINGS = ["basic_auth", "cookie_auth", "oidc_auth", "saml_auth", "jwt_token"]


def api_base(endpoint: str) -> str:
    """The SDK's host is the API root; accept the server's address with or without it."""
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/api/v1") else f"{endpoint}/api/v1"


def make_client(endpoint: str, access_key: str, secret_key: str, *, pool_size: int) -> LakeFSClient:
    config = lakefs_sdk.Configuration(
        host=api_base(endpoint), username=access_key, password=secret_key
    )
    config.retries = False  # type: ignore[assignment]  # retries are ours: see above
    config.connection_pool_maxsize = pool_size
    return LakeFSClient(config)


def api_message(error: ApiException) -> str:
    body = error.body
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body:
        try:
            parsed = json.loads(body)
        except ValueError:
            return body[:500]
        if isinstance(parsed, dict) and parsed.get("message"):
            return str(parsed["message"])
    return str(error.reason or f"HTTP {error.status}")


def to_store_error(error: ApiException, what: str) -> StoreError:
    status = int(error.status or 0)
    message = f"{what}: {api_message(error)}"
    lowered = message.lower()
    kind: type[StoreError] = StoreError
    if status in (400, 416):
        kind = InvalidRequest
        if "no changes" in lowered:
            kind = NoChanges
        elif "dirty branch" in lowered or "uncommitted changes" in lowered:
            kind = DirtyBranch
    elif status in (401, 403):
        kind = Forbidden
    elif status in (404, 410):
        kind = NotFound
    elif status == 409:
        kind = AlreadyExists
    elif status == 412:
        kind = PreconditionFailed
    elif status in TRANSIENT_STATUSES or status >= 500:
        kind = StoreUnavailable
    return kind(message, status=status or None)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.2
    max_delay: float = 5.0
    timeout: float = 30.0  # read timeout of ordinary calls
    long_timeout: float = 300.0  # commits and merges
    connect_timeout: float = 5.0

    def delay(self, attempt: int) -> float:
        """Exponential, capped, with "equal jitter": half fixed, half random."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not crypto

    def timeouts(self, long: bool = False) -> Timeout:
        return (self.connect_timeout, self.long_timeout if long else self.timeout)


def call(
    policy: RetryPolicy,
    what: str,
    fn: Callable[[Timeout], T],
    *,
    long: bool = False,
    recover: Callable[[StoreError], T | None] | None = None,
) -> T:
    """Call `fn(timeouts)`, retrying transient failures; map failures to `StoreError`s.

    `recover` settles a non-transient error seen on a retry, where it may be the echo of
    an earlier attempt that landed but lost its response (e.g. 409 from a create).
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return fn(policy.timeouts(long))
        except ApiException as exc:
            error = to_store_error(exc, what)
            if exc.status not in TRANSIENT_STATUSES:
                recovered = recover(error) if recover is not None and attempt > 1 else None
                if recovered is not None:
                    return recovered
                raise error from exc
            if attempt >= policy.attempts:
                raise error from exc
        except TRANSPORT_ERRORS as exc:
            if attempt >= policy.attempts:
                raise StoreUnavailable(f"{what}: {exc!r}") from exc
            error = StoreUnavailable(f"{what}: {exc!r}")
        except pydantic.ValidationError as exc:
            raise InvalidRequest(f"{what}: {exc}") from exc
        log.warning("lakeFS %s failed (attempt %d/%d): %s", what, attempt, policy.attempts, error)
        time.sleep(policy.delay(attempt))


def call_once(
    policy: RetryPolicy,
    what: str,
    fn: Callable[[Timeout], str],
    find: Callable[[], str | None],
) -> str:
    """Run a commit or merge so that it takes effect at most once, and return its id.

    Before every retry, and whenever lakeFS answers "no changes", `find` looks for the
    commit an earlier attempt (or an earlier run of the same job) made with our idempotency
    key. A lost response (reset, timeout, 5xx) makes the outcome uncertain: then "no
    changes" without our commit in sight is not trusted, and the caller gets
    `StoreUnavailable` to retry later rather than a false `NoChanges`.
    """
    uncertain = False
    error: StoreError = StoreUnavailable(f"{what}: not attempted")
    for attempt in range(1, policy.attempts + 1):
        if attempt > 1:
            time.sleep(policy.delay(attempt - 1))
            if uncertain and (found := find()) is not None:
                return found
        try:
            return fn(policy.timeouts(long=True))
        except ApiException as exc:
            error = to_store_error(exc, what)
            if isinstance(error, NoChanges):
                if (found := find()) is not None:
                    return found
                if not uncertain:
                    raise error from exc
            elif exc.status not in TRANSIENT_STATUSES:
                raise error from exc
            uncertain = uncertain or int(exc.status or 0) >= 500
        except TRANSPORT_ERRORS as exc:
            error = StoreUnavailable(f"{what}: {exc!r}")
            uncertain = True
        except pydantic.ValidationError as exc:
            raise InvalidRequest(f"{what}: {exc}") from exc
        log.warning("lakeFS %s failed (attempt %d/%d): %s", what, attempt, policy.attempts, error)
    raise StoreUnavailable(f"{what}: gave up after {policy.attempts} attempts: {error}")


@functools.cache
def _split_host(host: str) -> tuple[str, str]:
    """``http://h:p/api/v1`` -> (``http://h:p``, ``/api/v1``)."""
    url = urllib3.util.parse_url(host)
    return f"{url.scheme}://{url.netloc}", url.path or ""


def request_target(resource: str, path_params: dict[str, str], query: dict[str, str]) -> str:
    """``resource`` (an API path template) with its parameters quoted in, and the query."""
    resolved = resource.format(**{k: quote(v, safe="") for k, v in path_params.items()})
    return f"{resolved}?{urlencode(query)}"


def raw_request(
    client: LakeFSClient,
    method: str,
    resource: str,
    path_params: dict[str, str],
    query: dict[str, str],
    headers: dict[str, str],
    timeout: Timeout,
    *,
    body: bytes | None = None,
    stream: bool = False,
) -> urllib3.BaseHTTPResponse:
    """One request on the SDK's connection pool and credentials, without its body handling.

    Needed twice: uploads with a real Content-Type (the generated `upload_object` sends
    multipart with a fixed octet-stream part, or JSON-encodes a raw body whose type mentions
    json), and reads that stream (the generated `get_object` buffers the whole object).
    """
    api_client = client.objects_api.api_client
    target = request_target(resource, path_params, query)
    all_headers = dict(headers)
    api_client.update_params_for_auth(all_headers, [], AUTH_SETTINGS, target, method, None)
    # Straight to the host's connection pool with a path: the pool manager would parse and
    # normalise the whole URL again on every call (uploads make 100k of them).
    origin, prefix = _split_host(api_client.configuration.host)
    pool = api_client.rest_client.pool_manager.connection_from_url(origin)
    response = pool.urlopen(
        method,
        prefix + target,
        body=body,
        headers=all_headers,
        timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]),
        preload_content=not stream,
        retries=False,
        redirect=False,
    )
    if not 200 <= response.status <= 299:
        error = ApiException(status=response.status, reason=response.reason)
        error.body = response.data.decode("utf-8", "replace")
        response.release_conn()
        raise error
    return response
