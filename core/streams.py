"""Streams for responses: ``pump`` turns a writer into chunks; ``Slice`` reads a byte range.

``pump`` turns a writer (``write(out, call)``) into an iterator of chunks, so a response can
stream it.

Format writers push bytes into a file object; an HTTP response pulls chunks. ``pump`` runs the
writer on a thread of its own, handing chunks over through a bounded queue: the first bytes
reach the client while the rest is still being written, memory stays at ``depth`` chunks,
and a client that goes away (the iterator is closed) stops the writer at its next write.

Database work must stay on the reader's thread (Django connections are per thread, and a
test's transaction is only visible on its own), so the writer gets ``call(fn)``: it runs
``fn`` on the reader's thread, between two chunks, and returns its result.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TypeVar

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

T = TypeVar("T")
Caller = Callable[[Callable[[], T]], T]

CHUNK = 256 * 1024
DEPTH = 8
_DONE = object()


class WriterCancelled(Exception):
    """Raised inside the writer when the reader stopped reading."""


class _Call:
    __slots__ = ("error", "fn", "ready", "result")

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn, self.ready = fn, threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:  # raised again on the writer thread
            self.error = exc
        self.ready.set()


class _Channel(io.RawIOBase):
    """The writer's side: ``out.write`` buffers into chunks, ``call`` asks the reader."""

    def __init__(self, messages: queue.Queue[Any], cancelled: threading.Event, chunk: int) -> None:
        super().__init__()
        self._messages, self._cancelled, self._size = messages, cancelled, chunk
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._buffer += data
        if len(self._buffer) >= self._size:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            self.send(bytes(self._buffer))
            self._buffer.clear()

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        # Never flushes: closing (also by the garbage collector) must not block on the queue.
        self._buffer.clear()
        super().close()

    def call(self, fn: Callable[[], T]) -> T:
        request = _Call(fn)
        self.send(request)
        while not request.ready.wait(0.5):
            if self._cancelled.is_set():
                raise WriterCancelled
        if request.error is not None:
            raise request.error
        return request.result

    def send(self, item: object) -> None:
        while True:
            if self._cancelled.is_set():
                raise WriterCancelled
            try:
                self._messages.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


def pump(
    write: Callable[[IO[bytes], Caller[Any]], None], *, chunk: int = CHUNK, depth: int = DEPTH
) -> Iterator[bytes]:
    """Chunks of what ``write`` writes, as it writes them; its exception is raised here."""
    messages: queue.Queue[Any] = queue.Queue(maxsize=depth)
    cancelled = threading.Event()
    channel = _Channel(messages, cancelled, chunk)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            write(channel, channel.call)  # type: ignore[arg-type]  # a minimal binary file
            channel.flush()
        except WriterCancelled:
            return
        except BaseException as exc:  # handed to the reader, raised there
            failure.append(exc)
        try:
            channel.send(_DONE)
        except WriterCancelled:
            return

    thread = threading.Thread(target=run, name="pump-writer", daemon=True)
    thread.start()
    try:
        while (item := messages.get()) is not _DONE:
            if isinstance(item, _Call):
                item.run()
            else:
                yield item
        if failure:
            raise failure[0]
    finally:
        cancelled.set()
        thread.join()


class Slice(io.RawIOBase):
    """At most ``remaining`` bytes of ``raw`` from where it stands: a byte range that streams."""

    def __init__(self, raw: BinaryIO, remaining: int) -> None:
        self._raw, self._remaining = raw, remaining

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._remaining <= 0:
            return 0
        data = self._raw.read(min(len(view), self._remaining))
        view[: len(data)] = data
        self._remaining -= len(data)
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()
