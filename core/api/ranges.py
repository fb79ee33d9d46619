"""Responses for immutable files with ``Range`` support, so downloads can resume.

One range per request (``bytes=first-last``, ``bytes=first-`` or ``bytes=-suffix``): what
download clients send to resume. A range that cannot be satisfied answers 416 with the
size; a malformed or multi-range header is ignored and the whole file sent (RFC 9110 14.2).
``If-Range`` with another ETag also gets the whole file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import BinaryIO, cast

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase

from core.streams import Slice

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")

# Opens the file, or the inclusive byte range (first, last) of it.
Opener = Callable[[tuple[int, int] | None], BinaryIO]


class Unsatisfiable(Exception):
    """The range starts past the end of the file (answered 416)."""


def seekable_opener(open_file: Callable[[], BinaryIO]) -> Opener:
    """An ``Opener`` for a seekable file: the whole of it, or the range by seek and limit."""

    def opener(byte_range: tuple[int, int] | None) -> BinaryIO:
        raw = open_file()
        if byte_range is None:
            return raw
        first, last = byte_range
        raw.seek(first)
        return cast(BinaryIO, io.BufferedReader(Slice(raw, last - first + 1)))

    return opener


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a single-range header; None for the whole file."""
    match = _RANGE.match((header or "").strip())
    if match is None or match.groups() == ("", ""):
        return None
    first_text, last_text = match.groups()
    if not first_text:  # the last N bytes
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - suffix), size - 1
    first = int(first_text)
    if first >= size:
        raise Unsatisfiable
    last = int(last_text) if last_text else size - 1
    if last < first:
        return None  # an invalid range is ignored, not refused
    return first, min(last, size - 1)


def ranged_response(
    request: HttpRequest,
    opener: Opener,
    *,
    size: int,
    etag: str,
    content_type: str,
    filename: str | None = None,
) -> HttpResponseBase:
    """200 with the file, 206 with the asked range, or 416; ETag and Accept-Ranges set."""
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range != etag:
        header = None
    try:
        wanted = requested_range(header, size)
    except Unsatisfiable:
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        response = FileResponse(
            opener(wanted),
            content_type=content_type,
            as_attachment=filename is not None,
            filename=filename or "",
        )
        if wanted is not None:
            first, last = wanted
            response.status_code = 206
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
            response["Content-Length"] = str(last - first + 1)
        else:
            response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    return response
