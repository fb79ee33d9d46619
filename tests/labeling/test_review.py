from __future__ import annotations

import pytest

from labeling.final import final_result
from labeling.models import Annotation, Item
from labeling.services.annotations import project_schema
from tests.factories import TextItemFactory

pytestmark = pytest.mark.django_db


def _class(label: str) -> dict:
    return {"result": [{"control": "label", "type": "class", "labels": [label]}]}


@pytest.fixture
def reviewed_project(project):
    project.review_required = True
    project.save()
    return project


def test_submitted_work_waits_for_review_and_accept_finishes_the_item(
    api, reviewed_project, annotator, reviewer
):
    item = TextItemFactory(project=reviewed_project)
    created = api(annotator).post(f"/api/items/{item.pk}/annotations", _class("A"), format="json")
    item.refresh_from_db()
    assert item.state == Item.State.SUBMITTED
    review = api(reviewer).post(f"/api/projects/{reviewed_project.pk}/review/next").json()
    assert review["item"]["id"] == item.pk
    assert [a["id"] for a in review["annotations"]] == [created.json()["id"]]
    verdict = api(reviewer).post(
        f"/api/annotations/{created.json()['id']}/review", {"verdict": "accept"}, format="json"
    )
    assert verdict.status_code == 200
    assert verdict.json()["status"] == "accepted"
    item.refresh_from_db()
    assert item.state == Item.State.DONE
    assert api(reviewer).post(f"/api/projects/{reviewed_project.pk}/review/next").status_code == 204


def test_reject_reopens_the_item_and_the_annotator_sees_the_comment(
    api, reviewed_project, member, reviewer
):
    first, second = member("annotator"), member("annotator")
    item = TextItemFactory(project=reviewed_project)
    created = (
        api(first).post(f"/api/items/{item.pk}/annotations", _class("A"), format="json").json()
    )
    missing_comment = api(reviewer).post(
        f"/api/annotations/{created['id']}/review", {"verdict": "reject"}, format="json"
    )
    assert missing_comment.status_code == 400
    assert missing_comment.json()["error"]["field"] == "comment"
    api(reviewer).post(
        f"/api/annotations/{created['id']}/review",
        {"verdict": "reject", "comment": "This is a B"},
        format="json",
    )
    item.refresh_from_db()
    assert (item.state, item.annotation_count) == (Item.State.OPEN, 0)
    history = api(first).get(f"/api/projects/{reviewed_project.pk}/annotations").json()["results"]
    assert history[0]["status"] == "rejected"
    assert history[0]["review_comment"] == "This is a B"
    assert (
        api(second).post(f"/api/projects/{reviewed_project.pk}/queue/next").json()["item"]["id"]
        == item.pk
    )


def test_a_rejected_annotation_can_be_fixed_and_resubmitted_while_the_slot_is_free(
    api, reviewed_project, annotator, reviewer
):
    item = TextItemFactory(project=reviewed_project)
    created = api(annotator).post(f"/api/items/{item.pk}/annotations", _class("A"), format="json")
    url = f"/api/annotations/{created.json()['id']}"
    api(reviewer).post(f"{url}/review", {"verdict": "reject", "comment": "no"}, format="json")
    resubmitted = api(annotator).patch(url, _class("B"), format="json")
    assert resubmitted.status_code == 200
    assert resubmitted.json()["status"] == "pending"
    item.refresh_from_db()
    assert (item.state, item.annotation_count) == (Item.State.SUBMITTED, 1)


def test_fix_replaces_the_result_and_accepts_it(api, reviewed_project, annotator, reviewer):
    item = TextItemFactory(project=reviewed_project)
    created = api(annotator).post(f"/api/items/{item.pk}/annotations", _class("A"), format="json")
    url = f"/api/annotations/{created.json()['id']}"
    fixed = api(reviewer).post(f"{url}/review", {"verdict": "fix", **_class("E")}, format="json")
    assert fixed.json()["status"] == "accepted"
    assert fixed.json()["result"][0]["labels"] == ["E"]
    revisions = api(reviewer).get(f"{url}/revisions").json()["results"]
    assert [(r["reason"], r["author"]) for r in revisions] == [
        ("submit", annotator.username),
        ("fix", reviewer.username),
    ]
    accepted_again = api(reviewer).post(f"{url}/review", {"verdict": "accept"}, format="json")
    assert accepted_again.status_code == 409
    assert api(annotator).patch(url, _class("A"), format="json").status_code == 403


def test_reviewers_cannot_review_their_own_work(api, reviewed_project, lead):
    item = TextItemFactory(project=reviewed_project)
    created = api(lead).post(f"/api/items/{item.pk}/annotations", _class("A"), format="json")
    response = api(lead).post(
        f"/api/annotations/{created.json()['id']}/review", {"verdict": "accept"}, format="json"
    )
    assert response.status_code == 403
    assert api(lead).post(f"/api/projects/{reviewed_project.pk}/review/next").status_code == 204


def test_low_agreement_items_are_reviewed_first(api, project, member, reviewer):
    project.overlap = 2
    project.agreement_threshold = 0.8
    project.save()
    a, b = member("annotator"), member("annotator")
    agreed, disputed = TextItemFactory(project=project), TextItemFactory(project=project)
    for user, label in [(a, "A"), (b, "A")]:
        api(user).post(f"/api/items/{agreed.pk}/annotations", _class(label), format="json")
    for user, label in [(a, "A"), (b, "C")]:
        api(user).post(f"/api/items/{disputed.pk}/annotations", _class(label), format="json")
    agreed.refresh_from_db()
    disputed.refresh_from_db()
    assert (agreed.state, agreed.agreement) == (Item.State.DONE, 1.0)
    assert (disputed.state, disputed.agreement) == (Item.State.SUBMITTED, 0.0)
    assert (
        api(reviewer).post(f"/api/projects/{project.pk}/review/next").json()["item"]["id"]
        == disputed.pk
    )


def test_final_label_is_the_accepted_annotation_or_the_consensus(project):
    schema = project_schema(project)
    a, b = _class("A")["result"], _class("B")["result"]
    assert final_result(schema=schema, annotations=[("pending", a)], review_required=False) == a
    assert final_result(schema=schema, annotations=[("pending", a)], review_required=True) is None
    assert (
        final_result(
            schema=schema, annotations=[("accepted", a), ("rejected", b)], review_required=True
        )
        == a
    )
    assert (
        final_result(
            schema=schema,
            annotations=[("pending", a), ("pending", a), ("pending", b)],
            review_required=False,
        )
        == a
    )
    assert (
        final_result(
            schema=schema, annotations=[("pending", a), ("pending", b)], review_required=False
        )
        is None
    )
    assert Annotation.Status.ACCEPTED == "accepted"
