"""`LakeFSEmulator`: start/stop the server, inspect requests, inject faults, reset state."""

from __future__ import annotations

import re
import threading
from types import TracebackType

from .app import App, Settings
from .faults import FaultPlan
from .handlers import build_blob_router, build_router
from .model import Store
from .presign import DEFAULT_EXPIRES, Presigner
from .refs import lookup, resolve
from .server import API_PREFIX, EmulatorHTTPServer, RecordedRequest

DEFAULT_ACCESS_KEY = "AKIAEMULATOR"
DEFAULT_SECRET_KEY = "emulator-secret-key"


class LakeFSEmulator:
    """An in-memory lakeFS REST API on 127.0.0.1, for the real `lakefs_sdk` to talk to.

    Usage::

        with LakeFSEmulator(access_key="AKIAEMULATOR", secret_key="...") as emu:
            cfg = lakefs_sdk.Configuration(
                host=emu.endpoint, username=emu.access_key, password=emu.secret_key
            )
            client = lakefs_sdk.client.LakeFSClient(cfg)
            emu.faults.add("POST", r"/branches/main/commits$", "apply_then_reset")
            emu.reset()  # fresh state between tests, same server

    With `presign=True` the emulator presigns like lakeFS on S3 (presign.py): `/config`
    says `pre_sign_support`, and stat/list/get with `presign=true` hand out URLs on the
    emulator itself that serve the object without credentials for `presign_expires` s.
    """

    def __init__(
        self,
        access_key: str = DEFAULT_ACCESS_KEY,
        secret_key: str = DEFAULT_SECRET_KEY,
        *,
        username: str = "admin",
        host: str = "127.0.0.1",
        port: int = 0,
        contention_status: int = 429,
        version: str = "1.86.0",
        presign: bool = False,
        presign_expires: int = DEFAULT_EXPIRES,
    ) -> None:
        self.settings = Settings(
            access_key, secret_key, username, contention_status, version, presign=presign
        )
        self.faults = FaultPlan()
        self.store = Store(committer=username)
        self.app = App(
            self.settings,
            build_router(),
            self.store,
            blob_router=build_blob_router(),
            presigner=Presigner(expires=presign_expires),
        )
        self._address = (host, port)
        self._requests: list[RecordedRequest] = []
        self._requests_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> LakeFSEmulator:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = EmulatorHTTPServer(
            self._address, self.app, self.faults, self._stopping, self._record
        )
        self.settings.base_url = f"http://{self._address[0]}:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=self._server.thread_name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake stalled ("timeout") requests, close every connection."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> LakeFSEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget all repositories, faults, logged requests and login tokens."""
        with self.store.lock:
            self.store.repositories.clear()
        self.faults.clear()
        self.clear_requests()
        self.app.tokens.clear()
        self.app.internal_errors.clear()

    # -- addresses and credentials ---------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running; use start() or `with`")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Server root, e.g. http://127.0.0.1:PORT (LakeFSClient appends /api/v1)."""
        return f"http://{self._address[0]}:{self.port}"

    @property
    def endpoint(self) -> str:
        """API base for lakefs_sdk.Configuration(host=...)."""
        return self.url + API_PREFIX

    @property
    def access_key(self) -> str:
        return self.settings.access_key

    @property
    def secret_key(self) -> str:
        return self.settings.secret_key

    # -- request log -----------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._requests_lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request seen so far, in arrival order (a copy)."""
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._requests_lock:
            self._requests.clear()

    def count_requests(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        status: int | None = None,
        query_regex: str | None = None,
    ) -> int:
        """How many logged requests match all given filters (regexes use re.search)."""
        return sum(
            1
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (path_regex is None or re.search(path_regex, r.path))
            and (query_regex is None or re.search(query_regex, r.query))
            and (status is None or r.status == status)
        )

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of emulator bugs (answered as 500); tests can assert it is empty."""
        return list(self.app.internal_errors)

    # -- white-box helpers (for assertions; clients should use the API) ---------------

    def branch_head(self, repository: str, branch: str) -> str:
        with self.store.lock:
            return self.store.repo(repository).branch(branch).head

    def presign_url(
        self, repository: str, ref: str, path: str, *, expires: int | None = None
    ) -> str:
        """A presigned URL of the object as the API would sign it, with any lifetime
        (negative: already expired)."""
        with self.store.lock:
            repo = self.store.repo(repository)
            resolved = resolve(repo, ref)
            entry = lookup(repo, resolved, path)
        if entry is None:
            raise KeyError(f"{path} not found at {ref}")
        at = resolved.branch if resolved.staging and resolved.branch else resolved.commit_id
        url, _ = self.app.presigner.sign(
            self.url, repository, at, path, entry.physical_address, expires=expires
        )
        return url

    def read_object(self, repository: str, ref: str, path: str) -> bytes | None:
        with self.store.lock:
            repo = self.store.repo(repository)
            entry = lookup(repo, resolve(repo, ref), path)
        return None if entry is None else entry.data
