from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

pytestmark = pytest.mark.django_db


def _download(response) -> bytes:
    return b"".join(response.streaming_content)


def test_jsonl_export_of_a_tag_has_one_line_per_labelled_item(api, lead, version):
    slug, _project, items = version
    response = api(lead).get(f"/api/datasets/{slug}/refs/v1/export?format=jsonl")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    lines = [json.loads(line) for line in _download(response).splitlines()]
    assert sorted(doc["id"] for doc in lines) == sorted(i.pk for i in items[:3])
    assert {doc["label"][0]["labels"][0] for doc in lines} == {"A", "B", "C"}


def test_the_same_version_exports_byte_identical_files_and_answers_304(api, lead, version):
    slug, _, _ = version
    url = f"/api/datasets/{slug}/refs/v1/export?format=csv"
    first = api(lead).get(url)
    body = _download(first)
    again = api(lead).get(url.replace("v1", first["ETag"].strip('"').split(".")[0]))
    assert _download(again) == body  # the commit id gives the same bytes as the tag
    cached = api(lead).get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert cached.status_code == 304
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert sorted(row["label"] for row in rows) == ["A", "B", "C"]


def test_parquet_export_loads_with_pyarrow(api, lead, version, tmp_path):
    slug, _, _ = version
    response = api(lead).get(f"/api/datasets/{slug}/refs/main/export?format=parquet")
    path = tmp_path / "v.parquet"
    path.write_bytes(_download(response))
    table = pq.read_table(path)
    assert table.num_rows == 3


def test_splits_partition_the_items(api, lead, version):
    slug, _, _ = version
    counts = 0
    for split in ("train", "val", "test"):
        response = api(lead).get(f"/api/datasets/{slug}/refs/v1/export?format=jsonl&split={split}")
        counts += len(_download(response).splitlines())
    assert counts == 3


def test_bad_export_requests_name_the_problem(api, lead, labelled, version):
    slug, _project, _ = version
    unknown = api(lead).get(f"/api/datasets/{slug}/refs/v1/export?format=xml")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["field"] == "format"
    missing = api(lead).get(f"/api/datasets/{slug}/refs/v9/export")
    assert missing.status_code == 404
    assert missing.json()["error"]["field"] == "ref"
    bad_split = api(lead).get(f"/api/datasets/{slug}/refs/v1/export?split=holdout")
    assert bad_split.json()["error"]["field"] == "split"


def test_jsonl_export_equals_the_writer_output_for_the_parsed_items(api, lead, version):
    # The export copies the stored item objects; it must be what the JSONL writer would write.
    from datasets.exporters import get_exporter
    from datasets.models import Dataset
    from datasets.stores import get_version_store

    slug, _, _ = version
    body = _download(api(lead).get(f"/api/datasets/{slug}/refs/round-1/export?format=jsonl"))
    store, repo = get_version_store(), Dataset.objects.get(slug=slug).repository
    items = [json.loads(data) for _, data in store.read_objects(repo, "round-1", prefix="items/")]
    out = io.BytesIO()
    get_exporter("jsonl").write({}, lambda: items, out)
    assert body == out.getvalue()
