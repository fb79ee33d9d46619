from __future__ import annotations

import pytest

from labeling.models import Membership, Project
from tests.factories import TEXT_SCHEMA, TextItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_any_signed_in_user_creates_a_project_and_becomes_its_manager(api, outsider):
    response = api(outsider).post(
        "/api/projects/",
        {
            "name": "Reviews",
            "kind": "text",
            "label_schema": TEXT_SCHEMA,
            "overlap": 2,
            "agreement_threshold": 0.6,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["role"], body["overlap"], body["item_count"]) == ("manager", 2, 0)
    assert body["agreement_threshold"] == 0.6
    assert body["label_schema"]["controls"][0]["labels"][0]["name"] == "A"


def test_a_bad_schema_names_the_field(api, outsider):
    schema = {"controls": [{"name": "box", "type": "bbox", "labels": [{"name": "car"}]}]}
    response = api(outsider).post(
        "/api/projects/", {"name": "x", "kind": "text", "label_schema": schema}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "label_schema.controls[0].type"


def test_removing_a_used_label_needs_a_mapping(api, project, lead, annotator):
    item = TextItemFactory(project=project)
    result = [{"control": "label", "type": "class", "labels": ["E"]}]
    api(annotator).post(f"/api/items/{item.pk}/annotations", {"result": result}, format="json")
    without_e = {
        "controls": [
            {**TEXT_SCHEMA["controls"][0], "labels": TEXT_SCHEMA["controls"][0]["labels"][:4]}
        ]
    }
    refused = api(lead).patch(
        f"/api/projects/{project.pk}/", {"label_schema": without_e}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "schema_orphans"
    assert refused.json()["error"]["details"]["orphaned"] == ["label:E"]

    mapped = api(lead).patch(
        f"/api/projects/{project.pk}/",
        {"label_schema": without_e, "label_mapping": {"label:E": "label:D"}},
        format="json",
    )
    assert mapped.status_code == 200, mapped.content
    assert mapped.json()["schema_version"] == 2
    annotation = item.annotations.get()
    assert annotation.result[0]["labels"] == ["D"]
    assert annotation.revisions.count() == 2


def test_settings_change_by_manager_only(api, project, lead, reviewer):
    assert (
        api(reviewer)
        .patch(f"/api/projects/{project.pk}/", {"name": "x"}, format="json")
        .status_code
        == 403
    )
    response = api(lead).patch(
        f"/api/projects/{project.pk}/", {"name": "Renamed", "lease_seconds": 5}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "lease_seconds"
    ok = api(lead).patch(f"/api/projects/{project.pk}/", {"name": "Renamed"}, format="json")
    assert ok.json()["name"] == "Renamed"


def test_members_are_added_changed_and_removed_but_the_last_manager_stays(api, project, lead):
    newcomer = UserFactory(username="newcomer")
    url = f"/api/projects/{project.pk}/members/"
    added = api(lead).post(url, {"username": "newcomer", "role": "reviewer"}, format="json")
    assert added.status_code == 201
    assert added.json()["role"] == "reviewer"
    unknown = api(lead).post(url, {"username": "ghost", "role": "annotator"}, format="json")
    assert unknown.json()["error"]["field"] == "username"
    listed = api(lead).get(url).json()["results"]
    assert {m["username"] for m in listed} == {lead.username, "newcomer"}
    assert api(lead).delete(f"{url}{newcomer.pk}").status_code == 204
    last = api(lead).delete(f"{url}{lead.pk}")
    assert last.status_code == 409
    assert last.json()["error"]["code"] == "last_manager"
    assert Membership.objects.filter(project=project).count() == 1
    assert Project.objects.count() == 1
