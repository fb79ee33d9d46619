"""The HTTP-independent API: routing, authentication and error mapping.

`App.handle` turns one parsed request into a `Response`; the socket layer (server.py)
deals with bytes, connections and faults. Keeping them apart lets the fault kinds
("apply_then_reset", "timeout", ...) wrap any endpoint without knowing about it.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import parse_qs, unquote

from .model import Store
from .presign import Presigner
from .protocol import ApiError, Request, Response

Handler = Callable[["App", Request], Response]

AUTH_ERROR = "error authenticating request"


@dataclass
class Settings:
    access_key: str
    secret_key: str
    username: str = "admin"
    # 429 is what lakeFS >= 1.5x answers when branch-update retries run out; older
    # servers (and RELIABILITY.md, lakeFS #9364) say 423 Locked.
    contention_status: int = 429
    version: str = "1.86.0"
    # Presigned URLs (presign.py): off, like lakeFS' local blockstore, unless asked for.
    presign: bool = False
    base_url: str = ""  # http://127.0.0.1:PORT once serving: presigned URLs point here


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    public: bool


def _compile(template: str) -> re.Pattern[str]:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return re.compile(f"^{regex}$")


class Router:
    def __init__(self) -> None:
        self._routes: list[_Route] = []

    def add(self, method: str, template: str, handler: Handler, *, public: bool = False) -> None:
        self._routes.append(_Route(method, _compile(template), handler, public))

    def match(self, method: str, path: str) -> tuple[_Route, dict[str, str]]:
        path_known = False
        for route in self._routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            path_known = True
            if route.method == method:
                # Path parameters arrive percent-encoded (the SDK quotes with safe="").
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        if path_known:
            raise ApiError(405, "method not allowed")
        raise ApiError(404, "path not found")


@dataclass
class App:
    settings: Settings
    router: Router
    store: Store
    # Routes outside /api/v1 (presigned object URLs), all public.
    blob_router: Router = field(default_factory=Router)
    presigner: Presigner = field(default_factory=Presigner)
    tokens: set[str] = field(default_factory=set)
    # Tracebacks of unexpected exceptions (answered as 500), for test diagnostics.
    internal_errors: list[str] = field(default_factory=list)
    _errors_lock: threading.Lock = field(default_factory=threading.Lock)

    def new_token(self) -> str:
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return token

    def authenticate(self, headers: Message) -> str:
        value = headers.get("Authorization") or ""
        scheme, _, credentials = value.partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise ApiError(401, AUTH_ERROR) from None
            key, _, secret = decoded.partition(":")
            if (key, secret) == (self.settings.access_key, self.settings.secret_key):
                return self.settings.username
        elif scheme.lower() == "bearer" and credentials in self.tokens:
            return self.settings.username
        raise ApiError(401, AUTH_ERROR)

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: Message,
        body: bytes,
        cas_failures: int = 0,
        *,
        blobs: bool = False,
    ) -> Response:
        """Answer one request: an API path (after /api/v1), or with `blobs` a path of the
        blob routes (presigned URLs)."""
        request = Request(method, path, parse_qs(query, keep_blank_values=True), headers, body)
        request.cas_failures = cas_failures
        try:
            route, params = (self.blob_router if blobs else self.router).match(method, path)
            request.params = params
            if not route.public:
                request.user = self.authenticate(headers)
            return route.handler(self, request)
        except ApiError as error:
            return error.response()
        except Exception as exc:  # lakeFS reports unexpected errors as 500 + message
            with self._errors_lock:
                self.internal_errors.append(traceback.format_exc())
            return ApiError(500, str(exc) or type(exc).__name__).response()
