"""Manifests and raw objects of a version: what the pull client fetches, resumes and verifies."""

from __future__ import annotations

import hashlib
import json

import pytest
import urllib3
from django.core.files.storage import default_storage

from datasets.models import Dataset
from datasets.services.exports import export_cached, export_request, export_stream
from labeling.models import Project
from labeling.services.annotations import annotation_submit
from labeling.services.items import item_create_image
from tests.datasets.support import create_dataset, run_snapshot
from tests.factories import MembershipFactory
from tests.labeling.images import jpeg_bytes
from tests.support.lakefs_emulator import LakeFSEmulator
from tests.support.snapshots import use_lakefs

pytestmark = pytest.mark.django_db
SCENES = {
    "controls": [
        {"name": "scene", "type": "class", "labels": [{"name": "day", "color": "#ff0000"}]}
    ]
}
DAY = [{"control": "scene", "type": "class", "labels": ["day"]}]


def _manifest(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))


def _fetch(client, url, **headers):
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_the_manifest_lists_every_file_of_the_version_with_a_verifiable_url(api, lead, version):
    slug, project, items = version
    client = api(lead)
    manifest = _manifest(client, f"/api/datasets/{slug}/refs/v1/manifest")
    paths = [f["path"] for f in manifest["files"]]
    # Every item of the project is in a snapshot of completed labels? Only the labelled ones.
    assert paths == ["annolake.json", *sorted(f"items/{project.pk}/{i.pk}.json" for i in items[:3])]
    assert manifest["commit"] != "v1" and manifest["ref"] == "v1"
    for entry in manifest["files"]:
        response, body = _fetch(client, entry["url"])
        assert response.status_code == 200
        assert len(body) == entry["size"]
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    assert f"/refs/{manifest['commit']}/objects/" in manifest["files"][0]["url"]


def test_an_object_download_resumes_with_a_range(api, lead, version):
    slug, _, _ = version
    client = api(lead)
    url = f"/api/datasets/{slug}/refs/v1/objects/annolake.json"
    whole, body = _fetch(client, url)
    assert whole["Accept-Ranges"] == "bytes" and whole["ETag"]
    partial, tail = _fetch(client, url, HTTP_RANGE="bytes=10-")
    assert partial.status_code == 206
    assert partial["Content-Range"] == f"bytes 10-{len(body) - 1}/{len(body)}"
    assert tail == body[10:]
    past, _ = _fetch(client, url, HTTP_RANGE=f"bytes={len(body)}-")
    assert past.status_code == 416
    assert client.get(url, HTTP_IF_NONE_MATCH=whole["ETag"]).status_code == 304
    missing = client.get(f"/api/datasets/{slug}/refs/v1/objects/items/nope.json")
    assert missing.status_code == 404
    assert missing.json()["error"]["field"] == "path"


def test_a_format_manifest_lists_the_built_export_and_the_card(api, lead, version):
    slug, _, _ = version
    client = api(lead)
    manifest = _manifest(client, f"/api/datasets/{slug}/refs/v1/manifest?format=csv&split=train")
    assert manifest["format"] == "csv" and manifest["split"] == "train"
    assert [f["path"] for f in manifest["files"]] == ["annolake.json", "csv-train-labels.csv"]
    export = manifest["files"][1]
    assert "format=csv" in export["url"] and "split=train" in export["url"]
    response, body = _fetch(client, export["url"])
    assert response["Content-Length"] == str(export["size"])
    assert hashlib.sha256(body).hexdigest() == export["sha256"]


def test_the_first_export_streams_while_built_and_later_ones_serve_the_stored_file(
    api, lead, version
):
    slug, _, _ = version
    client = api(lead)
    url = f"/api/datasets/{slug}/refs/round-1/export?format=jsonl"  # not prebuilt: no release
    first, streamed = _fetch(client, url)
    assert streamed.count(b"\n") == 3
    assert first.status_code == 200 and not first.has_header("Content-Length")
    second, stored = _fetch(client, url)
    assert second["Content-Length"] == str(len(streamed)) and stored == streamed
    resumed, tail = _fetch(client, url, HTTP_RANGE="bytes=5-")
    assert resumed.status_code == 206 and tail == streamed[5:]
    assert resumed["ETag"] == first["ETag"]


def test_a_range_request_for_an_unbuilt_export_builds_it_first(api, lead, version):
    slug, _, _ = version
    response, body = _fetch(
        api(lead), f"/api/datasets/{slug}/refs/round-1/export?format=csv", HTTP_RANGE="bytes=0-9"
    )
    assert response.status_code == 206 and len(body) == 10
    assert response["Content-Range"].startswith("bytes 0-9/")


def test_an_abandoned_first_download_stores_nothing(api, lead, version):
    slug, _, _ = version
    dataset = Dataset.objects.get(slug=slug)
    wanted = export_request(dataset=dataset, ref="round-1", fmt="jsonl", split=None, media=False)
    stream = export_stream(dataset=dataset, request=wanted, chunk=16)
    next(stream)
    stream.close()  # the client went away before the end (WSGI closes the iterator)
    assert export_cached(wanted) is None
    assert not default_storage.exists(wanted.key)


def test_a_read_token_gets_manifests_of_its_dataset_only(api, lead, version):
    from rest_framework.test import APIClient

    slug, project, _ = version
    secret = api(lead).post(f"/api/datasets/{slug}/tokens", {"name": "t"}, format="json")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret.json()['token']}")
    manifest = _manifest(client, f"/api/datasets/{slug}/refs/v1/manifest")
    assert client.get(manifest["files"][0]["url"]).status_code == 200
    api(lead).post(
        "/api/datasets/", {"slug": "other", "name": "O", "projects": [project.pk]}, format="json"
    )
    assert client.get("/api/datasets/other/refs/main/manifest").status_code == 404
    assert client.get("/api/datasets/other/refs/main/objects/annolake.json").status_code == 404


def test_an_unknown_ref_names_the_field(api, lead, version):
    slug, _, _ = version
    response = api(lead).get(f"/api/datasets/{slug}/refs/v9/manifest")
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "ref"


def test_releasing_a_version_prebuilds_its_exports_and_manifest(api, lead, version):
    from core.models import Job

    slug, _, _ = version  # the fixture released v1 with its on-commit callbacks run
    job = Job.objects.get(kind="datasets.prebuild_exports")
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert sorted(job.result["exports"]) == ["csv", "jsonl", "parquet"]  # a text dataset
    dataset = Dataset.objects.get(slug=slug)
    for fmt in ("jsonl", "csv", "parquet"):
        wanted = export_request(dataset=dataset, ref="v1", fmt=fmt, split=None, media=False)
        assert export_cached(wanted) is not None
    response = api(lead).get(f"/api/datasets/{slug}/refs/v1/export?format=jsonl")
    assert response.has_header("Content-Length")  # served from the prebuilt file


def test_download_clients_may_ask_for_any_media_type(api, lead, version):
    slug, _, _ = version
    response = api(lead).get(
        f"/api/datasets/{slug}/refs/v1/export?format=jsonl", HTTP_ACCEPT="application/x-ndjson"
    )
    assert response.status_code == 200
    missing = api(lead).get(f"/api/datasets/{slug}/refs/v9/manifest", HTTP_ACCEPT="text/csv")
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "ref"


@pytest.fixture(scope="module")
def presigning_lakefs():
    with LakeFSEmulator(presign=True) as emulator:
        yield emulator


def test_on_a_presigning_lakefs_media_urls_come_from_the_listing_and_need_no_credentials(
    api, lead, annotator, settings, presigning_lakefs, django_capture_on_commit_callbacks
):
    emulator = presigning_lakefs
    emulator.reset()
    use_lakefs(settings, emulator)
    project = Project.objects.create(name="imgs", kind="image", label_schema=SCENES)
    MembershipFactory(project=project, user=lead, role="manager")
    for seed in range(2):
        item = item_create_image(project=project, data=jpeg_bytes(seed=seed))
        annotation_submit(item_id=item.pk, user=annotator, result=DAY)
    slug = create_dataset(api, lead, project, slug="scenes")
    run_snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    emulator.clear_requests()
    client = api(lead)
    manifest = _manifest(client, f"/api/datasets/{slug}/refs/round-1/manifest")
    media = [f for f in manifest["files"] if f["path"].startswith("media/")]
    assert len(media) == 2
    for entry in media:
        assert entry["url"].startswith(f"{emulator.url}/_presigned/")
        response = urllib3.request("GET", entry["url"], redirect=False, timeout=10)  # no auth
        assert response.status == 200
        assert len(response.data) == entry["size"]
        assert hashlib.sha256(response.data).hexdigest() == entry["sha256"]
    # One presigned listing page for all media, no stat per object.
    assert emulator.count_requests("GET", r"/objects/ls$", query_regex="presign=True") == 1
    assert emulator.count_requests("GET", r"/objects/stat$") == 0
    others = [f for f in manifest["files"] if f not in media]
    assert [f["path"].split("/")[0] for f in others] == ["annolake.json", "items", "items"]
    for entry in others:  # the card and items keep this API's URLs
        assert entry["url"].startswith(f"/api/datasets/{slug}/refs/{manifest['commit']}/objects/")
        response, body = _fetch(client, entry["url"])
        assert response.status_code == 200
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    assert emulator.internal_errors == []


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("objects/items/../annolake.json", "path"),
        ("export?format=coco&include_media=yes", "include_media"),
        ("manifest?format=coco&include_media=2", "include_media"),
    ],
)
def test_bad_paths_and_flags_answer_400_naming_the_field(api, lead, version, url, field):
    slug, _, _ = version
    response = api(lead).get(f"/api/datasets/{slug}/refs/v1/{url}")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["field"] == field
