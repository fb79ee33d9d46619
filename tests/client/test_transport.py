"""The token goes to the Annolake server only: never to presigned URLs or across redirects."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from annolake_client.transport import Server, Transport, auth_header


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str | None]]

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("?to=", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list]]:
    seen: list[tuple[str, str | None]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_server_relative_urls_carry_the_token_and_absolute_ones_do_not(recorder):
    url, seen = recorder
    other = url.replace("127.0.0.1", "localhost")  # another origin, like an object store
    transport = Transport(Server(url, auth_header("alk_secret")))
    for target in ("/api/files/a", f"{other}/bucket/a?X-Amz-Signature=s", f"{url}/api/x"):
        assert transport.get(target).read() == b"ok"
    assert seen == [
        ("/api/files/a", "Bearer alk_secret"),
        ("/bucket/a?X-Amz-Signature=s", None),
        ("/api/x", None),  # absolute means presigned: sent as given, without the token
    ]


def test_a_redirect_to_another_origin_drops_the_token(recorder):
    url, seen = recorder
    other = url.replace("127.0.0.1", "localhost")
    transport = Transport(Server(url, auth_header("alk_secret")))
    assert transport.get(f"/redirect?to={other}/elsewhere").read() == b"ok"
    assert seen == [(f"/redirect?to={other}/elsewhere", "Bearer alk_secret"), ("/elsewhere", None)]


def test_user_api_tokens_use_drf_token_scheme():
    assert auth_header("alk_abc") == "Bearer alk_abc"
    assert auth_header("9f86d081884c7d65") == "Token 9f86d081884c7d65"
    assert auth_header("9f86d081884c7d65", "Bearer") == "Bearer 9f86d081884c7d65"
