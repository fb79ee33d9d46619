from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from labeling.api.serializers import (
    AnnotationOutSerializer,
    ItemOutSerializer,
    LeaseSerializer,
    annotation_payload,
    item_payload,
)
from labeling.models import Annotation, AnnotationRevision, Item, Lease
from labeling.services.review import annotation_review
from tests.factories import TextItemFactory

pytestmark = pytest.mark.django_db

ANSWER = {"result": [{"control": "label", "type": "class", "labels": ["C"]}], "lead_time_ms": 1200}


@pytest.fixture
def items(project):
    return TextItemFactory.create_batch(3, project=project)


def test_annotator_loop_next_submit_until_nothing_is_left(api, project, items, annotator):
    client = api(annotator)
    seen = []
    while (response := client.post(f"/api/projects/{project.pk}/queue/next")).status_code == 200:
        body = response.json()
        assert set(body) == {"item", "lease"}
        assert set(body["lease"]) == {"id", "kind", "expires_at"}
        seen.append(body["item"]["id"])
        submitted = client.post(
            f"/api/items/{body['item']['id']}/annotations", ANSWER, format="json"
        )
        assert submitted.status_code == 201, submitted.content
        assert submitted.json()["result"] == ANSWER["result"]
    assert response.status_code == 204
    assert seen == [item.pk for item in items]
    assert set(Item.objects.values_list("state", flat=True)) == {"done"}


def test_a_result_that_breaks_the_schema_names_the_bad_path(api, project, items, annotator):
    bad = {"result": [{"control": "label", "type": "class", "labels": ["Z"]}]}
    response = api(annotator).post(f"/api/items/{items[0].pk}/annotations", bad, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "result[0].labels[0]"
    assert "unknown label 'Z'" in error["message"]
    assert not Annotation.objects.exists()


def test_a_second_submit_is_a_conflict_unless_it_repeats_the_idempotency_key(
    api, project, items, annotator
):
    client = api(annotator)
    url = f"/api/items/{items[0].pk}/annotations"
    first = client.post(url, {**ANSWER, "idempotency_key": "abc"}, format="json")
    assert first.status_code == 201
    again = client.post(url, {**ANSWER, "idempotency_key": "abc"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    other = client.post(url, ANSWER, format="json")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "already_annotated"


def test_skip_moves_on_and_release_gives_the_item_back(api, project, items, member):
    a, b = api(member("annotator")), api(member("annotator"))
    first = a.post(f"/api/projects/{project.pk}/queue/next").json()
    assert a.post(f"/api/items/{first['item']['id']}/skip").status_code == 204
    second = a.post(f"/api/projects/{project.pk}/queue/next").json()
    assert second["item"]["id"] == items[1].pk
    assert a.post(f"/api/leases/{second['lease']['id']}/heartbeat").status_code == 200
    assert b.delete(f"/api/leases/{second['lease']['id']}").status_code == 404
    assert a.delete(f"/api/leases/{second['lease']['id']}").status_code == 204
    # b never skipped item 0, and item 1 was released
    assert b.post(f"/api/projects/{project.pk}/queue/next").json()["item"]["id"] == items[0].pk


def test_annotators_edit_their_own_work_and_every_version_is_kept(api, project, items, member):
    owner, other = member("annotator"), member("annotator")
    created = api(owner).post(f"/api/items/{items[0].pk}/annotations", ANSWER, format="json").json()
    url = f"/api/annotations/{created['id']}"
    changed = {"result": [{"control": "label", "type": "class", "labels": ["D"]}]}
    assert api(other).patch(url, changed, format="json").status_code == 404
    response = api(owner).patch(url, changed, format="json")
    assert response.status_code == 200
    assert response.json()["result"][0]["labels"] == ["D"]
    revisions = api(owner).get(f"{url}/revisions").json()["results"]
    assert [r["reason"] for r in revisions] == ["submit", "edit"]
    assert [r["result"][0]["labels"] for r in revisions] == [["C"], ["D"]]
    assert AnnotationRevision.objects.filter(annotation_id=created["id"]).count() == 2


def test_annotators_see_only_their_own_history(api, project, items, member, reviewer):
    a, b = member("annotator"), member("annotator")
    api(a).post(f"/api/items/{items[0].pk}/annotations", ANSWER, format="json")
    api(b).post(f"/api/items/{items[1].pk}/annotations", ANSWER, format="json")
    mine = api(a).get(f"/api/projects/{project.pk}/annotations").json()
    assert [row["user"] for row in mine["results"]] == [a.pk]
    everyone = api(reviewer).get(f"/api/projects/{project.pk}/annotations").json()
    assert everyone["count"] == 2
    bad = api(reviewer).get(f"/api/projects/{project.pk}/annotations?user__password=x")
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "user__password"


def test_item_endpoint_hides_ground_truth_from_annotators(api, project, items, annotator, lead):
    truth = {"ground_truth": [{"control": "label", "type": "class", "labels": ["A"]}]}
    assert (
        api(annotator).patch(f"/api/items/{items[0].pk}", truth, format="json").status_code == 403
    )
    assert api(lead).patch(f"/api/items/{items[0].pk}", truth, format="json").status_code == 200
    assert "ground_truth" not in api(annotator).get(f"/api/items/{items[0].pk}").json()
    assert (
        api(lead).get(f"/api/items/{items[0].pk}").json()["ground_truth"] == truth["ground_truth"]
    )


def test_ground_truth_scores_show_in_stats(api, project, items, member, lead):
    good, bad = member("annotator"), member("annotator")
    project.overlap = 2
    project.save()
    truth = [{"control": "label", "type": "class", "labels": ["A"]}]
    api(lead).patch(f"/api/items/{items[0].pk}", {"ground_truth": truth}, format="json")
    api(good).post(f"/api/items/{items[0].pk}/annotations", {"result": truth}, format="json")
    wrong = [{"control": "label", "type": "class", "labels": ["B"]}]
    api(bad).post(f"/api/items/{items[0].pk}/annotations", {"result": wrong}, format="json")
    stats = api(lead).get(f"/api/projects/{project.pk}/stats").json()
    scores = {row["username"]: row["mean_ground_truth_score"] for row in stats["annotators"]}
    assert scores == {good.username: 1.0, bad.username: 0.0}
    assert stats["items"]["ground_truth"] == 1
    assert stats["labels"] == {"label:A": 1, "label:B": 1}
    assert stats["items"]["total"] == 3


def test_the_hot_path_answers_have_the_documented_shapes(api, project, items, member, reviewer):
    """next and submit build plain dicts; they must match the serializers the schema shows."""
    a = member("annotator")
    Item.objects.filter(pk=items[0].pk).update(
        meta={"source": "x"}, priority=3, ground_truth=ANSWER["result"]
    )
    body = api(a).post(f"/api/projects/{project.pk}/queue/next").json()
    item = Item.objects.get(pk=items[0].pk)
    lease = Lease.objects.get(user=a)
    assert body == {"item": ItemOutSerializer(item).data, "lease": LeaseSerializer(lease).data}
    created = api(a).post(f"/api/items/{item.pk}/annotations", ANSWER, format="json").json()
    annotation = Annotation.objects.get(pk=created["id"])
    assert created == AnnotationOutSerializer(annotation).data
    assert created["ground_truth_score"] == 1.0
    reviewed = annotation_review(
        annotation_id=annotation.pk, reviewer=reviewer, verdict="reject", comment="no"
    )
    assert annotation_payload(reviewed) == AnnotationOutSerializer(reviewed).data


def test_image_items_in_the_queue_carry_media_and_thumbnail_urls(project, annotator):
    image = Item.objects.create(
        project=project, media_sha256="ab" * 32, media_ext="png", width=8, height=6
    )
    thumbnailed = Item.objects.create(
        project=project, media_sha256="cd" * 32, media_ext="png", has_thumbnail=True
    )
    for item in (image, thumbnailed):
        assert item_payload(item) == ItemOutSerializer(item).data


def test_a_replayed_submit_answers_200_with_the_stored_annotation(api, project, items, annotator):
    client = api(annotator)
    url = f"/api/items/{items[0].pk}/annotations"
    first = client.post(url, {**ANSWER, "idempotency_key": "k"}, format="json")
    again = client.post(url, {**ANSWER, "idempotency_key": "k"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()


def test_outsiders_and_unknown_items_get_404_from_submit(api, project, items, outsider, annotator):
    response = api(outsider).post(f"/api/items/{items[0].pk}/annotations", ANSWER, format="json")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "Not found.", "field": None}
    missing = api(annotator).post("/api/items/999999/annotations", ANSWER, format="json")
    assert missing.status_code == 404
    assert not Annotation.objects.exists()


def test_submit_without_a_lease_is_refused_while_others_hold_the_slot(api, project, items, member):
    a, b = member("annotator"), member("annotator")
    leased = api(a).post(f"/api/projects/{project.pk}/queue/next").json()["item"]["id"]
    response = api(b).post(f"/api/items/{leased}/annotations", ANSWER, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "item_full"
    assert api(a).post(f"/api/items/{leased}/annotations", ANSWER, format="json").status_code == 201


def test_the_hot_endpoints_refuse_unknown_tokens_and_inactive_users(api, project, items, annotator):
    url = f"/api/projects/{project.pk}/queue/next"
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert stranger.post(url).status_code == 401
    assert APIClient().post(url).status_code == 401
    client = api(annotator)
    assert client.post(url).status_code == 200
    annotator.is_active = False
    annotator.save()
    refused = client.post(f"/api/items/{items[0].pk}/annotations", ANSWER, format="json")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"
