from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq

from datasets.exporters import get_exporter
from datasets.exporters.csv_table import columns
from datasets.exporters.jsonl import BATCH
from datasets.exporters.parquet import COLUMNS
from tests.datasets.exporters.data import card, factory, sample_items, text_item


def _export(name: str, items, the_card=None) -> bytes:
    out = io.BytesIO()
    get_exporter(name).write(the_card or card(), factory(items), out)
    return out.getvalue()


def test_jsonl_writes_one_canonical_item_document_per_line():
    items = sample_items() * (BATCH // 3)
    lines = _export("jsonl", items).decode().split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == items
    assert lines[4] == json.dumps(items[4], sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=False)  # fmt: skip


def test_csv_header_comes_from_the_card_schemas_and_renames_clashing_controls():
    header, class_columns, has_spans = columns(card())
    assert header == [
        "id", "external_id", "project", "text", "media_path",
        "scene", "topic", "label.text", "spans",
    ]  # fmt: skip
    assert class_columns["text"] == "label.text" and has_spans
    assert columns(card(text=False))[0][-1] == "scene"


def test_csv_round_trips_through_dictreader():
    items = sample_items()
    rows = list(csv.DictReader(io.StringIO(_export("csv", items).decode(), newline="")))
    assert len(rows) == len(items)
    by_id = {int(row["id"]): row for row in rows}
    ada = by_id[5]
    assert ada["text"] == items[4]["text"]
    assert ada["topic"].split("|") == ["sport", "tech"]
    assert ada["label.text"] == "long"
    assert json.loads(ada["spans"]) == [
        {"control": "entities", "label": "PER", "start": 0, "end": 3},
        {"control": "entities", "label": "ORG", "start": 33, "end": 36},
    ]
    assert (by_id[6]["topic"], by_id[6]["spans"]) == ("", "[]")
    assert (by_id[7]["text"], by_id[7]["spans"]) == ("", "")
    assert by_id[1]["scene"] == "indoor"
    assert by_id[1]["media_path"] == items[0]["media"]["path"]
    assert by_id[1]["external_id"] == "ext-1" and by_id[1]["project"] == "1"


def test_csv_uses_crlf_records_and_quotes_fields_with_newlines():
    raw = _export("csv", [text_item(1, "a\nb, c", None)], card(image=False))
    assert raw == (
        b"id,external_id,project,text,media_path,topic,label.text,spans\r\n"
        b'1,ext-1,2,"a\nb, c",,,,\r\n'
    )


def test_parquet_loads_with_pyarrow_with_one_row_per_item_and_the_values():
    items = sample_items()
    table = pq.read_table(io.BytesIO(_export("parquet", items)))
    assert table.num_rows == len(items)
    assert table.column_names == COLUMNS
    rows = table.to_pylist()
    for item, row in zip(items, rows, strict=True):
        media = item["media"] or {}
        assert row["id"] == item["id"] and row["project"] == item["project"]
        assert row["external_id"] == item["external_id"] and row["kind"] == item["kind"]
        assert row["text"] == item["text"] and row["media_path"] == media.get("path")
        assert (row["width"], row["height"]) == (media.get("width"), media.get("height"))
        assert row["agreement"] == item["agreement"] and row["state"] == item["state"]
        label = None if row["label"] is None else json.loads(row["label"])
        assert label == item["label"]
        assert json.loads(row["annotations"]) == item["annotations"]
        assert json.loads(row["meta"]) == item["meta"]


def test_parquet_writes_row_groups_of_ten_thousand():
    items = [text_item(i, "x", None) for i in range(25_000)]
    meta = pq.ParquetFile(io.BytesIO(_export("parquet", items))).metadata
    assert meta.num_rows == 25_000
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [
        10_000, 10_000, 5_000,
    ]  # fmt: skip


def test_parquet_of_no_items_is_an_empty_table_with_the_schema():
    table = pq.read_table(io.BytesIO(_export("parquet", [])))
    assert table.num_rows == 0 and table.column_names == COLUMNS


def test_parquet_closes_row_groups_early_for_long_texts(monkeypatch):
    from datasets.exporters import parquet

    monkeypatch.setattr(parquet, "ROW_GROUP_BYTES", 1 << 20)
    monkeypatch.setattr(parquet, "BATCH", 100)
    items = [text_item(i, "x" * 5000, None) for i in range(1000)]
    meta = pq.ParquetFile(io.BytesIO(_export("parquet", items))).metadata
    assert meta.num_rows == 1000
    assert 1 < meta.num_row_groups < 10
