"""Byte-level helpers: chunked request bodies, multipart/form-data, Range headers.

http.server does not de-chunk request bodies (LAKEFS.md §6.1: a naive stub received
empty uploads from the SDK wrapper), and the stdlib multipart parser (cgi) is gone in
Python 3.13, so both are done here.
"""

from __future__ import annotations

import email
import io
import re
from dataclasses import dataclass

from .protocol import ApiError

_MAX_CHUNK_LINE = 1024


def read_chunked(stream: io.BufferedIOBase) -> bytes:
    """Read a `Transfer-Encoding: chunked` body (RFC 9112 §7.1), trailers discarded."""
    parts: list[bytes] = []
    while True:
        line = stream.readline(_MAX_CHUNK_LINE)
        if not line:
            raise ValueError("connection closed inside a chunked body")
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ValueError(f"bad chunk size line {line!r}") from None
        if size == 0:
            while stream.readline(_MAX_CHUNK_LINE) not in (b"\r\n", b"\n", b""):
                pass  # trailer fields
            return b"".join(parts)
        chunk = stream.read(size)
        if len(chunk) != size:
            raise ValueError("connection closed inside a chunk")
        parts.append(chunk)
        stream.readline(_MAX_CHUNK_LINE)  # the CRLF after each chunk


@dataclass(frozen=True)
class Part:
    name: str | None
    content_type: str | None
    data: bytes


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """Split a multipart/form-data body into parts (RFC 7578); binary-safe."""
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    # Prefixing CRLF lets the first delimiter match like the others.
    sections = (b"\r\n" + body).split(delimiter)
    parts: list[Part] = []
    for section in sections[1:]:
        if section.startswith(b"--"):
            break  # close delimiter
        section = section.split(b"\r\n", 1)[1] if b"\r\n" in section else b""
        head, sep, data = section.partition(b"\r\n\r\n")
        if not sep:
            head, data = b"", head.removeprefix(b"\r\n")
        headers = email.message_from_bytes(head + b"\r\n\r\n")
        name = headers.get_param("name", header="content-disposition")
        parts.append(
            Part(
                name=name if isinstance(name, str) else None,
                content_type=headers.get("Content-Type"),
                data=data,
            )
        )
    return parts


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int]:
    """Inclusive (start, end) for a single-range `Range` header; 416 when unsatisfiable."""
    match = _RANGE.match(header.strip().split(",", 1)[0].strip())
    unsatisfiable = ApiError(416, "Requested Range Not Satisfiable")
    if match is None or (match.group(1) == "" and match.group(2) == ""):
        raise unsatisfiable
    first, last = match.group(1), match.group(2)
    if first == "":  # suffix range: the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise unsatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise unsatisfiable
    return start, end
