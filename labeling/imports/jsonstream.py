"""Strict JSON decoding and an incremental parser for one top-level JSON array.

Python's ``json`` accepts NaN, Infinity and 1e400 (as inf), none of which PostgreSQL's
jsonb or other tools accept. The decoder here turns them into the ``NON_FINITE`` marker so
the row validator can reject the row and name the field, and keeps parsing. Nesting depth is
bounded by the C scanner's recursion guard, which is caught and reported.

``iter_json_array`` walks ``[v1, v2, ...]`` with ``raw_decode`` over a sliding window of the
text, so memory holds one chunk plus the element being parsed, never the whole array.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

from labeling.imports.problems import ImportMalformed


class _NonFinite:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NON_FINITE"


NON_FINITE: Any = _NonFinite()
# An element this many characters long that still does not parse is broken, not incomplete.
MAX_ELEMENT_CHARS = 16 * 1024 * 1024
# Errors this close to the end of the window may be a value cut in two (`tru|e`, `\u12|34`).
_TAIL = 16
_WS = re.compile(r"[ \t\n\r]*")


def _float(text: str) -> Any:
    value = float(text)
    return value if math.isfinite(value) else NON_FINITE


def _constant(_: str) -> Any:
    return NON_FINITE


DECODER = json.JSONDecoder(parse_float=_float, parse_constant=_constant)


def loads(text: str) -> Any:
    """Decode one JSON document strictly; raises ``ValueError`` or ``RecursionError``."""
    value, end = DECODER.raw_decode(text, _WS.match(text).end())  # type: ignore[union-attr]
    if _WS.match(text, end).end() != len(text):  # type: ignore[union-attr]
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def load_document(chunks: Iterable[str]) -> Any:
    """Decode one whole JSON document (a COCO file); errors name the byte offset and line."""
    text = "".join(chunks)
    try:
        return loads(text)
    except json.JSONDecodeError as exc:
        offset = len(text[: exc.pos].encode("utf-8", "surrogatepass"))
        raise ImportMalformed(
            f"malformed JSON at byte {offset} (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            details={"offset": offset, "line": exc.lineno, "column": exc.colno},
        ) from exc
    except RecursionError as exc:
        raise ImportMalformed("malformed JSON: nested too deeply") from exc
    except ValueError as exc:
        raise ImportMalformed(f"malformed JSON: {exc}") from exc


class _Window:
    """The unread text of the stream with the bookkeeping to name byte offsets and lines."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self.chunks = chunks
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.dropped_bytes = 0
        self.dropped_lines = 0

    def more(self) -> bool:
        """Append the next chunk, dropping what was consumed; False at the end of the stream."""
        if self.eof:
            return False
        chunk = next(self.chunks, None)
        if chunk is None:
            self.eof = True
            return False
        gone = self.buf[: self.pos]
        self.dropped_bytes += len(gone.encode("utf-8", "surrogatepass"))
        self.dropped_lines += gone.count("\n")
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def skip_ws(self) -> str:
        """Skip whitespace and return the next character ('' at the end of the stream)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def where(self, pos: int) -> dict[str, int]:
        head = self.buf[:pos]
        line_start = head.rfind("\n") + 1
        return {
            "offset": self.dropped_bytes + len(head.encode("utf-8", "surrogatepass")),
            "line": self.dropped_lines + head.count("\n") + 1,
            "column": pos - line_start + 1,
        }

    def fail(self, pos: int, message: str, row: int | None = None) -> ImportMalformed:
        where = self.where(pos)
        if row is not None:
            where["row"] = row
        return ImportMalformed(
            f"malformed JSON at byte {where['offset']} (line {where['line']}, column"
            f" {where['column']}): {message}",
            details=where,
        )


def _decode_element(win: _Window, row: int) -> Any:
    """Decode the value starting at ``win.pos``, reading more text while it may be cut off."""
    while True:
        start = win.pos
        try:
            value, end = DECODER.raw_decode(win.buf, start)
        except json.JSONDecodeError as exc:
            cut_off = exc.msg.startswith("Unterminated string") or exc.pos >= len(win.buf) - _TAIL
            if cut_off and not win.eof and len(win.buf) - start < MAX_ELEMENT_CHARS:
                _grow(win)
                continue
            raise win.fail(exc.pos, exc.msg, row) from exc
        except RecursionError as exc:
            raise win.fail(start, "nested too deeply", row) from exc
        except ValueError as exc:  # e.g. an integer with more digits than Python converts
            raise win.fail(start, str(exc), row) from exc
        if end == len(win.buf) and not win.eof:
            _grow(win)  # a number at the very end might continue in the next chunk
            continue
        win.pos = end
        return value


def _grow(win: _Window) -> None:
    """Read until the window doubles, so re-parsing a long element costs linear time overall."""
    target = 2 * (len(win.buf) - win.pos) + 1
    while len(win.buf) - win.pos < target and win.more():
        pass


def iter_json_array(chunks: Iterator[str]) -> Iterator[tuple[int, Any]]:
    """Yield ``(row, value)`` for each element of a top-level JSON array (rows from 1)."""
    win = _Window(chunks)
    if win.skip_ws() != "[":
        raise win.fail(win.pos, "expected a JSON array of items ('[' ...)")
    win.pos += 1
    row = 0
    if win.skip_ws() == "]":
        win.pos += 1
    else:
        while True:
            row += 1
            if win.skip_ws() == "":
                raise win.fail(win.pos, "unexpected end of data (the array is not closed)", row)
            yield row, _decode_element(win, row)
            sep = win.skip_ws()
            if sep == ",":
                win.pos += 1
                continue
            if sep == "]":
                win.pos += 1
                break
            if sep == "":
                raise win.fail(win.pos, "unexpected end of data (the array is not closed)", row)
            raise win.fail(win.pos, "expected ',' or ']' after an array element", row)
    if win.skip_ws() != "":
        raise win.fail(win.pos, "extra data after the closing ']'")
