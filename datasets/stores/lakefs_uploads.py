"""Object uploads to lakeFS over plain keep-alive `http.client` connections, one per thread.

Why not the SDK's urllib3 pool: a snapshot uploads one object per item, 100k of them, and
the client's own CPU is what bounds it (the worker's threads share one GIL). Through urllib3
an upload cost ~0.9 ms of CPU here, through `http.client` directly ~0.35 ms: no pool
bookkeeping, URL re-parsing, liveness poll or response wrapper per request. Everything
else (a few calls per snapshot) stays on the SDK.

Same contract as `lakefs_client.raw_request`: a non-2xx answer raises the SDK's
`ApiException`, transport failures raise `OSError`/`http.client.HTTPException`, and the
caller's `call` retries what is transient. An idle keep-alive connection the server has
closed is reopened and the request sent once more at once (an upload is idempotent).
"""

from __future__ import annotations

import http.client
import ssl
import threading

import urllib3
from lakefs_sdk.client import LakeFSClient
from lakefs_sdk.exceptions import ApiException

from .lakefs_client import AUTH_SETTINGS, Timeout

# A reused connection failing like this got no answer: the server had closed it while idle.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Uploads:
    def __init__(self, client: LakeFSClient) -> None:
        api_client = client.objects_api.api_client
        config = api_client.configuration
        url = urllib3.util.parse_url(config.host)
        self._https = url.scheme == "https"
        self._host, self._port = url.host or "", url.port
        self._prefix = url.path or ""
        self._context = self._ssl_context(config) if self._https else None
        auth: dict[str, str] = {}
        api_client.update_params_for_auth(auth, [], AUTH_SETTINGS, self._prefix, "POST", None)
        self._auth = auth
        self._local = threading.local()
        # Through a proxy, uploads stay on the SDK's pool, which knows how to use one.
        self.available = not getattr(config, "proxy", None)

    @staticmethod
    def _ssl_context(config: object) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=getattr(config, "ssl_ca_cert", None))
        if not getattr(config, "verify_ssl", True):
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        cert_file = getattr(config, "cert_file", None)
        if cert_file:
            context.load_cert_chain(cert_file, getattr(config, "key_file", None))
        return context

    def post(self, target: str, body: bytes, headers: dict[str, str], timeout: Timeout) -> bytes:
        """POST ``body`` to ``target`` (``lakefs_client.request_target``); the response body."""
        target = self._prefix + target
        all_headers = {**self._auth, **headers}
        connection = self._connection(timeout)
        reused = connection.sock is not None
        try:
            status, reason, data = self._exchange(connection, target, body, all_headers)
        except _STALE:
            connection.close()
            if not reused:
                raise
            status, reason, data = self._exchange(connection, target, body, all_headers)
        if not 200 <= status <= 299:
            error = ApiException(status=status, reason=reason)
            error.body = data.decode("utf-8", "replace")
            raise error
        return data

    def _exchange(
        self,
        connection: http.client.HTTPConnection,
        target: str,
        body: bytes,
        headers: dict[str, str],
    ) -> tuple[int, str, bytes]:
        try:
            if connection.sock is None:
                connection.connect()  # with the connect timeout; reads get the read timeout
                sock = connection.sock
                assert sock is not None  # connect() set it or raised
                sock.settimeout(self._local.read_timeout)
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except BaseException:
            connection.close()  # half a request or response on it: never reuse
            raise
        if response.will_close:
            connection.close()
        return response.status, response.reason, data

    def _connection(self, timeout: Timeout) -> http.client.HTTPConnection:
        """This thread's connection, with `timeout` (connect, read) applied."""
        local = self._local
        connection: http.client.HTTPConnection | None = getattr(local, "connection", None)
        if connection is None:
            if self._https:
                connection = http.client.HTTPSConnection(
                    self._host, self._port, context=self._context
                )
            else:
                connection = http.client.HTTPConnection(self._host, self._port)
            local.connection = connection
        connection.timeout = timeout[0]  # used by connect()
        local.read_timeout = timeout[1]
        if connection.sock is not None:
            connection.sock.settimeout(timeout[1])
        return connection
