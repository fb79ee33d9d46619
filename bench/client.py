"""A tiny keep-alive JSON client over ``http.client`` (one connection per client object)."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any

# A keep-alive connection the server closed while idle fails on the next request with one of
# these before the request was read; sending it again on a fresh connection is safe.
_STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class ApiClient:
    """JSON requests to 127.0.0.1:<port> on one persistent connection, with a token."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 600.0) -> None:
        self.port = port
        self.token = token
        self.timeout = timeout
        self.reconnects = 0
        self._conn: http.client.HTTPConnection | None = None
        self._used = False

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self._used = False
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json", "Host": "127.0.0.1"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        headers.update(extra or {})
        return headers

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> Response:
        extra = {"Content-Type": content_type} if content_type else {}
        headers = self.headers(extra)
        for attempt in (1, 2):
            conn = self._connection()
            reused = self._used
            try:
                try:
                    conn.request(method, path, body=body, headers=headers)
                except (BrokenPipeError, ConnectionResetError):
                    # The server may answer early (404, 413) and close before reading a large
                    # body; its answer can still be waiting in our receive buffer.
                    if reused and attempt == 1:
                        raise
                raw = conn.getresponse()
                data = raw.read()
            except _STALE_CONNECTION:
                self.close()
                if reused and attempt == 1:
                    self.reconnects += 1
                    continue
                raise
            except BaseException:
                self.close()  # a half-used connection cannot send the next request
                raise
            self._used = True
            if raw.will_close:
                self.close()
            return Response(raw.status, data)
        raise AssertionError("unreachable")

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_json(self, path: str, payload: Any) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return self.request("POST", path, body, "application/json")

    def post_raw(self, path: str, body: bytes, content_type: str = "application/json") -> Response:
        return self.request("POST", path, body, content_type)
