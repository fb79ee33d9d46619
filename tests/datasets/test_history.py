"""Diff, merge (with conflicts resolved per item or for all) and versions, end to end."""

from __future__ import annotations

import json
from itertools import islice

import pytest

from datasets.stores import get_version_store
from labeling.models import Annotation
from labeling.services.annotations import annotation_update
from tests.datasets.support import answer as _answer
from tests.datasets.support import create_dataset as _dataset
from tests.datasets.support import run_snapshot as _snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(api, lead, labelled, django_capture_on_commit_callbacks):
    """round-1 snapshotted and merged into main."""
    project, items = labelled
    slug = _dataset(api, lead, project)
    _snapshot(api, lead, slug, django_capture_on_commit_callbacks)
    merged = api(lead).post(f"/api/datasets/{slug}/merges", {"source": "round-1"}, format="json")
    assert merged.status_code == 201, merged.content
    assert merged.json()["status"] == "merged"
    return slug, project, items


def _relabel(item, annotator, label: str) -> None:
    annotation = Annotation.objects.get(item=item)
    annotation_update(annotation_id=annotation.pk, user=annotator, result=_answer(label))


def _item_label(slug: str, ref: str, path: str) -> list[dict]:
    with get_version_store().open(slug, ref, path) as f:
        return json.loads(f.read())["label"]


def test_diff_shows_counts_label_delta_and_both_versions(
    api, lead, annotator, released, django_capture_on_commit_callbacks
):
    slug, _project, items = released
    _relabel(items[0], annotator, "E")
    _snapshot(api, lead, slug, django_capture_on_commit_callbacks, branch="round-2",
              **{"from": "main"})  # fmt: skip
    body = api(lead).get(f"/api/datasets/{slug}/diff?base=main&head=round-2").json()
    assert {k: body["summary"][k] for k in ("added", "removed", "changed")} == {
        "added": 0, "removed": 0, "changed": 1,
    }  # fmt: skip
    assert body["summary"]["histogram_delta"] == {"label:A": -1, "label:E": 1}
    [row] = body["items"]
    assert (row["kind"], row["item"]) == ("changed", items[0].pk)
    assert row["before"]["label"] == _answer("A")
    assert row["after"]["label"] == _answer("E")
    missing = api(lead).get(f"/api/datasets/{slug}/diff?head=nope")
    assert missing.status_code == 400
    assert missing.json()["error"]["field"] == "head"


def test_conflicting_merge_answers_409_and_is_resolved_for_all(
    api, lead, annotator, released, django_capture_on_commit_callbacks
):
    slug, project, items = released
    _relabel(items[0], annotator, "D")
    _snapshot(api, lead, slug, django_capture_on_commit_callbacks, branch="round-a",
              **{"from": "main"})  # fmt: skip
    _relabel(items[0], annotator, "E")
    _snapshot(api, lead, slug, django_capture_on_commit_callbacks, branch="round-b",
              **{"from": "main"})  # fmt: skip
    url = f"/api/datasets/{slug}/merges"
    assert api(lead).post(url, {"source": "round-a"}, format="json").status_code == 201
    conflict = api(lead).post(url, {"source": "round-b"}, format="json")
    assert conflict.status_code == 409
    error = conflict.json()["error"]
    assert error["code"] == "merge_conflict"
    [row] = error["details"]["conflicts"]
    path = f"items/{project.pk}/{items[0].pk}.json"
    assert row["path"] == path
    assert (row["base"]["label"], row["source"]["label"], row["target"]["label"]) == (
        _answer("A"), _answer("E"), _answer("D"),
    )  # fmt: skip
    merge_id = error["details"]["merge"]
    unpicked = api(lead).post(f"{url}/{merge_id}/resolve", {}, format="json")
    assert unpicked.status_code == 400
    assert unpicked.json()["error"]["field"] == f"items.{path}"
    resolved = api(lead).post(f"{url}/{merge_id}/resolve", {"choice": "target"}, format="json")
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "merged"
    assert _item_label(slug, "main", path) == _answer("D")
    # A real merge in the store's history (followed by the card recount commit).
    recent = list(islice(get_version_store().log(slug, "main"), 2))
    assert [len(commit.parents) for commit in recent] == [1, 2]
    assert recent[0].message == "Recount the dataset card after a merge"
    with get_version_store().open(slug, "main", "annolake.json") as f:
        card = json.loads(f.read())
    assert card["label_histogram"] == {"label:B": 1, "label:C": 1, "label:D": 1}


def test_per_item_pick_of_the_source_wins_for_that_item(
    api, lead, annotator, released, django_capture_on_commit_callbacks
):
    slug, project, items = released
    _relabel(items[0], annotator, "D")
    _snapshot(api, lead, slug, django_capture_on_commit_callbacks, branch="round-a",
              **{"from": "main"})  # fmt: skip
    _relabel(items[0], annotator, "E")
    _snapshot(api, lead, slug, django_capture_on_commit_callbacks, branch="round-b",
              **{"from": "main"})  # fmt: skip
    url = f"/api/datasets/{slug}/merges"
    api(lead).post(url, {"source": "round-a"}, format="json")
    merge_id = (
        api(lead)
        .post(url, {"source": "round-b"}, format="json")
        .json()["error"]["details"]["merge"]
    )
    path = f"items/{project.pk}/{items[0].pk}.json"
    response = api(lead).post(
        f"{url}/{merge_id}/resolve", {"items": {path: "source"}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert _item_label(slug, "main", path) == _answer("E")


def test_versions_are_immutable_tags_on_main_with_counts(api, lead, released):
    slug, _, _ = released
    url = f"/api/datasets/{slug}/versions"
    first = api(lead).post(url, {"notes": "First release"}, format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["name"] == "v1"
    assert body["counts"] == {"items": 3, "labelled": 3}
    assert body["label_histogram"] == {"label:A": 1, "label:B": 1, "label:C": 1}
    assert get_version_store().get_tag(slug, "v1") == body["commit"]
    again = api(lead).post(url, {}, format="json")
    assert again.status_code == 409
    off_main = api(lead).post(url, {"ref": "round-1"}, format="json")
    assert off_main.status_code in {201, 400, 409}
    listed = api(lead).get(url).json()["results"]
    assert [v["name"] for v in listed][-1] == "v1"
