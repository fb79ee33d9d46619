"""HTTP with the standard library: kept-alive connections per thread, auth, redirects, errors.

``http.client`` rather than ``urllib.request`` because a pull makes thousands of small
requests: one connection per worker thread, reused, is several times faster than a new TCP
(and TLS) handshake per file.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from annolake_client._version import __version__
from annolake_client.errors import AnnolakeError, ServerError

TIMEOUT = 60.0
MAX_REDIRECTS = 5
# Failures of the connection itself: the server restarted, a proxy reset it, it timed out.
NETWORK_ERRORS: tuple[type[Exception], ...] = (
    http.client.HTTPException,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    ssl.SSLError,
)


def auth_header(token: str, scheme: str | None = None) -> str:
    """``Bearer`` for dataset read tokens (``alk_...``), DRF's ``Token`` for user API tokens."""
    if scheme is None:
        scheme = "Bearer" if token.startswith("alk_") else "Token"
    return f"{scheme} {token}"


@dataclass(frozen=True)
class Server:
    """The Annolake server: its base URL and the Authorization header to send it."""

    url: str
    authorization: str | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise AnnolakeError(f"server must be an http(s) URL, got {self.url!r}")

    def resolve(self, url: str) -> tuple[str, bool]:
        """The absolute URL of ``url`` and whether it is the server's own (so send the token).

        Server-relative URLs (``/api/...``) get the token; absolute ones are presigned URLs of
        the object store, which must not see it (and refuse a second auth mechanism).
        """
        if urlsplit(url).scheme:
            return url, False
        return urljoin(self.url.rstrip("/") + "/", url), True


class Transport:
    """Opens GET requests; each thread keeps one connection per host and reuses it."""

    def __init__(self, server: Server, *, timeout: float = TIMEOUT) -> None:
        self.server = server
        self.timeout = timeout
        self._local = threading.local()
        self._ssl = ssl.create_default_context()
        self._opened: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection any thread opened (idle kept-alive ones hold server slots)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        pool: dict[tuple[str, str], http.client.HTTPConnection] = self._local.__dict__.setdefault(
            "pool", {}
        )
        conn = pool.get((scheme, netloc))
        if conn is None:
            if scheme == "https":
                conn = http.client.HTTPSConnection(netloc, timeout=self.timeout, context=self._ssl)
            else:
                conn = http.client.HTTPConnection(netloc, timeout=self.timeout)
            pool[(scheme, netloc)] = conn
            with self._lock:
                self._opened.append(conn)
        return conn

    def discard(self, url: str) -> None:
        """Close this thread's connection to ``url``'s host (after an error mid-response)."""
        parts = urlsplit(self.server.resolve(url)[0])
        pool = self._local.__dict__.get("pool", {})
        conn = pool.pop((parts.scheme, parts.netloc), None)
        if conn is not None:
            conn.close()

    def _send(self, url: str, headers: Mapping[str, str]) -> http.client.HTTPResponse:
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        for attempt in (1, 2):
            conn = self._connection(parts.scheme, parts.netloc)
            try:
                conn.request("GET", target, headers=dict(headers))
                _quick_ack(conn.sock)
                return conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server had already closed: one fresh try.
                self.discard(url)
                if attempt == 2:
                    raise
            except BaseException:
                self.discard(url)  # its state is unknown: never reuse it
                raise
        raise AssertionError("unreachable")

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> http.client.HTTPResponse:
        """GET ``url`` (server-relative or absolute), following redirects.

        Raises ``ServerError`` for any status >= 400 (the response is read and released);
        the caller reads the body of a 2xx and must read it to the end or ``discard``.
        """
        absolute, own = self.server.resolve(url)
        origin = urlsplit(absolute)[:2]
        for _ in range(MAX_REDIRECTS + 1):
            sent = {"User-Agent": f"annolake-client/{__version__}", **(headers or {})}
            # The token goes only to the server it was issued by, never across a redirect.
            if own and self.server.authorization and urlsplit(absolute)[:2] == origin:
                sent["Authorization"] = self.server.authorization
            response = self._send(absolute, sent)
            if response.status in {301, 302, 303, 307, 308}:
                location = response.getheader("Location")
                response.read()
                if not location:
                    raise ServerError(response.status, "redirect without a Location", url=absolute)
                absolute = urljoin(absolute, location)
                continue
            if response.status >= 400:
                raise _error(response, absolute)
            return response
        raise AnnolakeError(f"too many redirects fetching {url}")

    def get_json(self, url: str) -> object:
        response = self.get(url, {"Accept": "application/json"})
        try:
            return json.load(response)
        except ValueError as exc:
            raise AnnolakeError(f"the server sent invalid JSON for {url}: {exc}") from exc


def _quick_ack(sock: socket.socket | None) -> None:
    """Acknowledge the response's first segment at once instead of ~40 ms later (Linux).

    Python servers (wsgiref, Django's runserver, gunicorn without TCP_NODELAY) send the
    headers and the body separately; under Nagle the body waits for the ACK of the headers,
    which a kept-alive client delays: 42 ms per small file, against 0.6 ms with this. The
    kernel leaves quick-ACK mode on its own, so it is set again after each request is sent.
    """
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if sock is not None and quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def _error(response: http.client.HTTPResponse, url: str) -> ServerError:
    """The ``{"error": {code, message, field}}`` body as an exception (or the status line)."""
    raw = response.read(64 * 1024)
    message, code, field = response.reason or "error", "", None
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        message = str(error.get("message") or message)
        code = str(error.get("code") or "")
        field = error.get("field") or None
    elif isinstance(body, dict) and "detail" in body:
        message = str(body["detail"])
    retry_after = response.getheader("Retry-After") or ""
    return ServerError(
        response.status, message, code=code, field=field, url=url,
        retry_after=float(retry_after) if retry_after.isdigit() else None,
    )  # fmt: skip


def env_token() -> str | None:
    return os.environ.get("ANNOLAKE_TOKEN") or None
