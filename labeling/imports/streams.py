"""Bounded byte streams and strict incremental UTF-8 decoding with byte offsets.

Request bodies, uploaded files and staged files all pass through ``LimitedReader`` so the
byte limit is enforced while reading, whatever the client claimed, and through
``decode_chunks`` so that bad UTF-8 is reported at its byte offset instead of surfacing as a
500 (or, worse, as replacement characters stored in items).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Protocol

from labeling.imports.problems import ImportMalformed, ImportTooLarge

CHUNK = 256 * 1024
_BOM = codecs.BOM_UTF8


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class LimitedReader:
    """Read at most ``limit`` bytes from ``raw``; one byte more is an ``ImportTooLarge``."""

    def __init__(self, raw: Readable, limit: int, *, field: str | None = None) -> None:
        self.raw = raw
        self.limit = limit
        self.field = field
        self.consumed = 0

    def read(self, size: int = CHUNK) -> bytes:
        if size < 0:
            size = CHUNK
        # Ask for one byte past the limit so that an oversize stream is detected, not cut.
        want = min(size, self.limit - self.consumed + 1)
        data = self.raw.read(want) if want > 0 else b""
        self.consumed += len(data)
        if self.consumed > self.limit:
            raise ImportTooLarge(
                f"the import is larger than the limit of {self.limit} bytes", field=self.field
            )
        return data

    # Enough of the file protocol for django.core.files.File and storage backends.
    closed = False

    def seekable(self) -> bool:
        return False

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        while data := self.read(size):
            yield data


def decode_chunks(raw: Readable, *, chunk_size: int = CHUNK) -> Iterator[str]:
    """Yield the text of a UTF-8 byte stream chunk by chunk; a leading BOM is dropped.

    Raises ``ImportMalformed`` naming the byte offset of the first invalid sequence.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = 0  # bytes fed to the decoder so far
    first = True
    while True:
        data = raw.read(chunk_size)
        final = not data
        if first and data:
            # Gather three bytes before deciding about a BOM split across reads.
            while len(data) < len(_BOM) and (more := raw.read(chunk_size)):
                data += more
            if data.startswith(_BOM):
                data = data[len(_BOM) :]
                offset += len(_BOM)
            first = False
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            at = offset - pending + exc.start
            raise ImportMalformed(
                f"not valid UTF-8 at byte {at}: save the file as UTF-8", details={"offset": at}
            ) from exc
        offset += len(data)
        if text:
            yield text
        if final:
            return


def iter_lines(chunks: Iterator[str], *, max_chars: int) -> Iterator[str]:
    """Split text chunks into lines that keep their line ending (as csv wants them).

    A line longer than ``max_chars`` is refused rather than buffered without bound.
    """
    carry = ""
    line_no = 0
    for chunk in chunks:
        buffer = carry + chunk if carry else chunk
        start = 0
        while (end := buffer.find("\n", start)) != -1:
            line_no += 1
            yield buffer[start : end + 1]
            start = end + 1
        carry = buffer[start:]
        if len(carry) > max_chars:
            raise ImportMalformed(
                f"line {line_no + 1} is longer than {max_chars} characters",
                details={"line": line_no + 1},
            )
    if carry:
        yield carry
