"""CSV for classification and text: one row per item, RFC 4180 through the ``csv`` module.

Columns: ``id, external_id, project, text, media_path``, then one column per class control of
the card's schemas (in source and schema order; a control whose name clashes with a fixed
column is called ``label.<name>``), then ``spans`` when any schema has a span control.

Cells: a class control's labels joined with ``|`` (a multi-choice answer; label names holding
``|`` are not escaped), empty when the item has no label; ``spans`` is canonical JSON, a list
of ``{"control", "label", "start", "end"}`` in code point offsets (``[]`` for a labelled item
without spans, empty for an unlabelled one). ``None`` is an empty cell, so every value reads
back through ``csv.DictReader`` as written.
"""

from __future__ import annotations

import csv
import io
from typing import Any, BinaryIO

from datasets.exporters._common import ItemsFactory, MediaSource, canonical_json, schema_controls

FIXED = ("id", "external_id", "project", "text", "media_path")
SPANS = "spans"
SEPARATOR = "|"
FLUSH_AT = 1 << 16


def columns(card: dict[str, Any]) -> tuple[list[str], dict[str, str], bool]:
    """The header, the column of each class control, and whether there is a spans column."""
    taken = {*FIXED, SPANS}
    class_columns: dict[str, str] = {}
    for control in schema_controls(card, "class"):
        name = control["name"]
        column = f"label.{name}" if name in taken else name
        taken.add(column)
        class_columns[name] = column
    has_spans = bool(schema_controls(card, "span"))
    header = [*FIXED, *class_columns.values()] + ([SPANS] if has_spans else [])
    return header, class_columns, has_spans


def _row(item: dict[str, Any], class_columns: dict[str, str], has_spans: bool) -> list[str]:
    media = item.get("media") or {}
    cells: dict[str, str] = {}
    spans: list[dict[str, Any]] = []
    label = item.get("label")
    for region in label or []:
        kind = region.get("type")
        if kind == "class" and region.get("control") in class_columns:
            cells[region["control"]] = SEPARATOR.join(region.get("labels") or [])
        elif kind == "span":
            spans.append(
                {k: region[k] for k in ("control", "label", "start", "end") if k in region}
            )
    row = [
        str(item["id"]),
        _cell(item.get("external_id")),
        str(item["project"]),
        _cell(item.get("text")),
        _cell(media.get("path")),
    ]
    row.extend(cells.get(control, "") for control in class_columns)
    if has_spans:
        row.append("" if label is None else canonical_json(spans))
    return row


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def write(
    card: dict[str, Any], items: ItemsFactory, out: BinaryIO, *, media: MediaSource | None = None
) -> None:
    header, class_columns, has_spans = columns(card)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for item in items():
        writer.writerow(_row(item, class_columns, has_spans))
        if buffer.tell() >= FLUSH_AT:
            out.write(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode())
