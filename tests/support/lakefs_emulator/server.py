"""Socket layer: a threaded HTTP/1.1 server that applies faults and calls the App.

Keep-alive matters: the SDK's urllib3 pool reuses connections, so a fault that drops a
connection must really drop it (RST), and stopping the emulator must close idle
keep-alive connections, or their handler threads would outlive the test.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from .app import App
from .bodies import read_chunked
from .faults import FaultPlan, default_message
from .presign import PRESIGNED_PREFIX
from .protocol import ApiError, Response

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # decoded API path, without /api/v1 and without the query string
    query: str  # decoded query string
    status: int  # status sent to the client; 0 when the connection was dropped instead
    fault: str | None = None  # kind of the fault applied to this request, if any
    applied_status: int | None = None  # for apply_then_reset: what the operation returned


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        app: App,
        faults: FaultPlan,
        stopping: threading.Event,
        record: Callable[[RecordedRequest], None],
    ) -> None:
        self.app = app
        self.faults = faults
        self.stopping = stopping
        self.record = record
        self._connections: dict[threading.Thread, socket.socket] = {}
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)
        # Thread names carry the port so tests can tell emulators apart.
        self.thread_name = f"lakefs-emulator:{self.server_address[1]}"

    def process_request(self, request: Any, client_address: Any) -> None:
        # Own thread bookkeeping (instead of ThreadingMixIn's) so stop() can close
        # keep-alive sockets and join every handler thread.
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"{self.thread_name}:connection",
            daemon=True,
        )
        with self._connections_lock:
            self._connections[thread] = request
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.pop(threading.current_thread(), None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients vanishing mid-exchange (timeouts, resets) are expected, not errors."""

    def close_connections(self, timeout: float = 5.0) -> None:
        with self._connections_lock:
            connections = list(self._connections.items())
        for _, sock in connections:
            with contextlib.suppress(OSError):  # already closed by its handler
                sock.shutdown(socket.SHUT_RDWR)
        for thread, _ in connections:
            thread.join(timeout)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like lakeFS behind any proxy
    server: EmulatorHTTPServer
    timeout = 120  # idle keep-alive connections; stop() closes them sooner
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus the
    # client's delayed ACK add ~40 ms to every response.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; `LakeFSEmulator.requests` is the log."""

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return read_chunked(self.rfile)
        length = self.headers.get("Content-Length")
        return self.rfile.read(int(length)) if length else b""

    def _serve(self) -> None:
        server = self.server
        raw_path, _, raw_query = self.path.partition("?")
        query = unquote(raw_query)
        try:
            body = self._read_body()
        except ValueError as error:
            self.close_connection = True
            self._send(ApiError(400, f"bad request body: {error}").response())
            return
        is_api = raw_path.startswith(API_PREFIX)
        is_blob = raw_path.startswith(PRESIGNED_PREFIX)
        api_path = raw_path[len(API_PREFIX) :] if is_api else raw_path
        logged_path = unquote(api_path)
        fault = server.faults.take(self.command, logged_path, query) if is_api else None
        kind = fault.kind if fault is not None else None

        def record(status: int, applied: int | None = None) -> None:
            server.record(RecordedRequest(self.command, logged_path, query, status, kind, applied))

        if fault is not None and (
            fault.kind == "reset"
            or (fault.kind == "timeout" and server.stopping.wait(fault.seconds))
        ):
            record(0)
            self._drop_connection()
            return
        if fault is not None and fault.kind == "status":
            message = fault.message or default_message(fault.status, logged_path)
            response = ApiError(fault.status, message).response()
        elif is_blob:
            response = server.app.handle(
                self.command, raw_path, raw_query, self.headers, body, blobs=True
            )
        elif not is_api:
            response = ApiError(404, "path not found").response()
        else:
            cas_failures = fault.cas_failures if fault and fault.kind == "contention" else 0
            response = server.app.handle(
                self.command, api_path, raw_query, self.headers, body, cas_failures
            )
        if kind == "apply_then_reset":
            record(0, response.status)
            self._drop_connection()
            return
        record(response.status)
        self._send(response)

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            has_body = response.status not in (204, 304)
            if has_body:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if has_body and self.command != "HEAD":
                self.wfile.write(response.body)
        except OSError:
            self.close_connection = True  # the client went away; nothing to report to

    def _drop_connection(self) -> None:
        """Close without a response; SO_LINGER=0 makes it an RST, like a crashed peer."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.connection.close()
