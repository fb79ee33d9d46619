"""A TCP proxy in front of the live server that can stall or cut the download stream.

The client cannot tell it from the server. It counts the bytes going back to the client;
once ``budget`` is spent it either *stalls* (holds every connection open, sends nothing:
a frozen download, deterministic to kill) or *cuts* (closes the connections once, then
lets new ones through: a connection lost mid-file). It also records how many connections
were open at once, to see the client download in parallel.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit


class FaultProxy:
    def __init__(self, upstream_url: str, *, budget: int | None = None, mode: str = "stall"):
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.budget, self.mode = budget, mode
        self.sent = 0
        self.spent = threading.Event()  # the budget ran out
        self.open_now = self.open_max = self.connections = 0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closing.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                _close(sock)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            with self._lock:
                self._sockets += [client, upstream]
                self.connections += 1
                self.open_now += 1
                self.open_max = max(self.open_max, self.open_now)
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _take(self, wanted: int) -> int:
        """How many of ``wanted`` bytes may go to the client now (0: the budget is spent)."""
        with self._lock:
            if self.budget is None:
                self.sent += wanted
                return wanted
            allowed = max(0, min(wanted, self.budget - self.sent))
            self.sent += allowed
            if self.sent >= self.budget and not self.spent.is_set():
                self.spent.set()
            return allowed

    def _pump(self, src: socket.socket, dst: socket.socket, to_client: bool) -> None:
        try:
            while data := src.recv(65536):
                allowed = self._take(len(data)) if to_client else len(data)
                if allowed:
                    dst.sendall(data[:allowed])
                if allowed < len(data):
                    self._spend()
                    return
        except OSError:
            pass
        finally:
            with self._lock:
                if to_client:
                    self.open_now -= 1
            _close(src)
            _close(dst)

    def _spend(self) -> None:
        if self.mode == "cut":  # close mid-response, as a dying proxy or server would
            with self._lock:
                self.budget = None  # later connections go through untouched
            return
        self._closing.wait()  # stall: hold the connection, send nothing more


def _close(sock: socket.socket) -> None:
    # shutdown first: close() alone neither wakes a recv() blocked in another thread nor
    # sends the FIN while that recv holds the socket.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
