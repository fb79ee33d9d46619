"""The text item formats: a JSON array, JSON Lines and CSV, each read incrementally.

Each reader yields ``(row, value)`` with rows numbered from 1: the array element, the line
of a JSONL file (blank lines keep their number), or the CSV record after the header.
A JSONL line that is not JSON is a rejected row (the other lines still get checked);
broken JSON arrays and CSV quoting stop the import with the offset or line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from core.errors import ValidationFailed
from labeling.imports import jsonstream
from labeling.imports.problems import ImportMalformed, Problems
from labeling.imports.rows import FIELDS
from labeling.imports.streams import iter_lines

_JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines",
                "application/jsonlines")  # fmt: skip


@dataclass(frozen=True)
class FormatTable:
    """The formats an endpoint reads and how to recognise them."""

    names: tuple[str, ...]
    content_types: dict[str, str]
    extensions: dict[str, str]

    def pick(self, explicit: str | None, content_type: str, filename: str | None) -> str:
        """``?format=`` first, then the file's extension, then the Content-Type."""
        if explicit:
            if explicit not in self.names:
                raise ValidationFailed(f"must be one of: {', '.join(self.names)}", field="format")
            return explicit
        main, _, params = content_type.partition(";")
        charset = params.lower().replace(" ", "").partition("charset=")[2].split(";")[0]
        if charset and charset.strip('"') not in ("utf-8", "utf8"):
            raise ValidationFailed("only UTF-8 is accepted", field="format")
        ext = "." + filename.rsplit(".", 1)[-1].lower() if filename and "." in filename else ""
        found = self.extensions.get(ext) or self.content_types.get(main.strip().lower())
        if found is None:
            raise ValidationFailed(
                f"cannot tell the format from the Content-Type {main!r}"
                f"{f' or the file name {filename!r}' if filename else ''};"
                f" add ?format= ({', '.join(self.names)})",
                field="format",
            )
        return found


ITEM_FORMATS = FormatTable(
    ("json", "jsonl", "csv"),
    {"application/json": "json", "text/csv": "csv"} | dict.fromkeys(_JSONL_TYPES, "jsonl"),
    {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"},
)
PRE_ANNOTATION_FORMATS = FormatTable(
    ("jsonl", "coco"),
    {"application/json": "coco"} | dict.fromkeys(_JSONL_TYPES, "jsonl"),
    {".json": "coco", ".jsonl": "jsonl", ".ndjson": "jsonl"},
)
MAX_LINE_CHARS = jsonstream.MAX_ELEMENT_CHARS
_CSV_COLUMNS = frozenset(FIELDS) - {"meta"}


def iter_rows(chunks: Iterator[str], fmt: str, problems: Problems) -> Iterator[tuple[int, Any]]:
    if fmt == "json":
        return jsonstream.iter_json_array(chunks)
    if fmt == "jsonl":
        return iter_jsonl(chunks, problems)
    if fmt == "csv":
        return iter_csv(chunks, problems)
    raise ValueError(fmt)


def iter_jsonl(chunks: Iterator[str], problems: Problems) -> Iterator[tuple[int, Any]]:
    for row, line in enumerate(iter_lines(chunks, max_chars=MAX_LINE_CHARS), start=1):
        if not line.strip():
            continue
        try:
            yield row, jsonstream.loads(line)
        except json.JSONDecodeError as exc:
            problems.add(row, None, f"malformed JSON at column {exc.colno}: {exc.msg}")
        except RecursionError:
            problems.add(row, None, "malformed JSON: nested too deeply")
        except ValueError as exc:
            problems.add(row, None, f"malformed JSON: {exc}")


def _csv_header(reader: Any) -> list[str]:
    header = next(reader, None)
    if not header:
        raise ImportMalformed("the CSV file is empty; it needs a header row with 'text'")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise ImportMalformed(f"the CSV header names column {name!r} twice")
        seen.add(name)
        meta_key = name.removeprefix("meta.")
        if name not in _CSV_COLUMNS and not (name.startswith("meta.") and meta_key):
            allowed = ", ".join(sorted(_CSV_COLUMNS))
            raise ImportMalformed(
                f"unknown CSV column {name!r} (allowed: {allowed} and meta.<key>)"
            )
    if "text" not in seen:
        raise ImportMalformed("the CSV header has no 'text' column")
    return header


def _csv_item(header: list[str], cells: list[str], row: int, problems: Problems) -> Any:
    item: dict[str, Any] = {}
    meta: dict[str, str] = {}
    for name, cell in zip(header, cells, strict=True):
        if name.startswith("meta."):
            if cell != "":
                meta[name[5:]] = cell
        elif name == "text":
            item["text"] = cell
        elif cell == "":
            continue  # an empty cell is an absent value in CSV
        elif name == "priority":
            try:
                item["priority"] = int(cell.strip())
            except ValueError:
                item["priority"] = cell  # the row validator names the problem
        elif name == "pre_annotation":
            try:
                item["pre_annotation"] = jsonstream.loads(cell)
            except (ValueError, RecursionError):
                problems.add(row, "pre_annotation", "must be JSON (a list of regions)")
                return None
        else:
            item[name] = cell
    if meta:
        item["meta"] = meta
    return item


def iter_csv(chunks: Iterator[str], problems: Problems) -> Iterator[tuple[int, Any]]:
    reader = csv.reader(iter_lines(chunks, max_chars=MAX_LINE_CHARS), strict=True)
    try:
        header = _csv_header(reader)
        row = 0
        for cells in reader:
            if not cells:
                continue  # a blank line
            row += 1
            if len(cells) != len(header):
                problems.add(
                    row, None, f"has {len(cells)} cells; the header has {len(header)} columns"
                )
                continue
            item = _csv_item(header, cells, row, problems)
            if item is not None:
                yield row, item
    except csv.Error as exc:
        raise ImportMalformed(
            f"malformed CSV at line {reader.line_num}: {exc}", details={"line": reader.line_num}
        ) from exc
