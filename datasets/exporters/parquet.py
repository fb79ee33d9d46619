"""Parquet: one row per item, written in row groups so memory stays flat.

Columns: ``id`` and ``project`` (int64), ``external_id``, ``kind``, ``text``, ``media_path``,
``state`` (string), ``width``, ``height`` (int64), ``agreement`` (float64), and ``label``,
``annotations``, ``meta`` as canonical JSON strings (``label`` null when unlabelled).

Memory: rows are turned into Arrow record batches ``BATCH`` at a time; a row group is written
when it holds ``ROW_GROUP`` rows or ``ROW_GROUP_BYTES`` of Arrow data, whichever comes first,
so memory is bounded by one row group whatever the number of items. zstd-compressed.
"""

from __future__ import annotations

from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from datasets.exporters._common import ItemsFactory, MediaSource, canonical_json

ROW_GROUP = 10_000
# Items with long texts close a row group early, so its buffers stay under this many bytes.
ROW_GROUP_BYTES = 64 << 20
# Rows become Arrow arrays this many at a time: Python objects never pile up for a whole group.
BATCH = 1000

SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("external_id", pa.string()),
        ("project", pa.int64()),
        ("kind", pa.string()),
        ("text", pa.string()),
        ("media_path", pa.string()),
        ("width", pa.int64()),
        ("height", pa.int64()),
        ("state", pa.string()),
        ("agreement", pa.float64()),
        ("label", pa.string()),
        ("annotations", pa.string()),
        ("meta", pa.string()),
    ]
)
COLUMNS = SCHEMA.names


def _row(item: dict[str, Any]) -> tuple[Any, ...]:
    media = item.get("media") or {}
    label = item.get("label")
    return (
        item["id"],
        item.get("external_id"),
        item["project"],
        item.get("kind"),
        item.get("text"),
        media.get("path"),
        media.get("width"),
        media.get("height"),
        item.get("state"),
        item.get("agreement"),
        None if label is None else canonical_json(label),
        canonical_json(item.get("annotations") or []),
        canonical_json(item.get("meta") or {}),
    )


def write(
    card: dict[str, Any], items: ItemsFactory, out: BinaryIO, *, media: MediaSource | None = None
) -> None:
    # ``out`` stays open: pyarrow wraps a Python stream without taking ownership of it.
    with pq.ParquetWriter(out, SCHEMA, compression="zstd") as writer:
        group = _RowGroup(writer)
        rows: list[tuple[Any, ...]] = []
        for item in items():
            rows.append(_row(item))
            if len(rows) >= BATCH:
                group.add(rows)
        group.add(rows)
        group.flush()


class _RowGroup:
    """Arrow batches of up to ``BATCH`` rows, written as one row group when it is full."""

    def __init__(self, writer: pq.ParquetWriter) -> None:
        self.writer = writer
        self.batches: list[pa.RecordBatch] = []
        self.rows = 0
        self.nbytes = 0

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        rows.clear()
        batch = pa.record_batch(
            [pa.array(col, type=field.type) for col, field in zip(columns, SCHEMA, strict=True)],
            schema=SCHEMA,
        )
        self.batches.append(batch)
        self.rows += batch.num_rows
        self.nbytes += batch.nbytes
        if self.rows >= ROW_GROUP or self.nbytes >= ROW_GROUP_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.batches:
            table = pa.Table.from_batches(self.batches, schema=SCHEMA)
            self.writer.write_table(table, row_group_size=self.rows)
        self.batches, self.rows, self.nbytes = [], 0, 0
