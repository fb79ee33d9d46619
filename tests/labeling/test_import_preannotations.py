"""Pre-annotations from our JSON Lines and from COCO instances, all or nothing."""

from __future__ import annotations

import json

import pytest

from labeling.models import Item
from labeling.services.items import item_create_image
from tests.factories import TextItemFactory
from tests.labeling.images import jpeg_bytes
from tests.labeling.test_import_support import (
    make_image_project,
    make_manager,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_project(db):
    return make_image_project()


@pytest.fixture
def image_lead(image_project):
    return make_manager(image_project)


CLASS_B = [{"control": "label", "type": "class", "labels": ["B"]}]


def url(project) -> str:
    return f"/api/projects/{project.pk}/preannotations"


def jsonl(*lines) -> bytes:
    return "\n".join(json.dumps(line) for line in lines).encode()


def rejected(response) -> list[dict]:
    return response.json()["error"]["details"]["rejected"]


@pytest.fixture
def texts(project):
    return [
        TextItemFactory(project=project, external_id="t1"),
        TextItemFactory(project=project, external_id="t2"),
    ]


def test_jsonl_sets_pre_annotations_by_external_id_or_item_id(api, project, lead, texts):
    body = jsonl(
        {"external_id": "t1", "result": CLASS_B},
        {
            "item_id": texts[1].pk,
            "result": [{"control": "label", "type": "class", "labels": ["C"]}],
        },
    )
    response = api(lead).post(url(project), body, content_type="application/x-ndjson")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 0,
        "skipped_duplicates": 0,
        "rejected": [],
        "pre_annotations": 2,
    }
    texts[0].refresh_from_db()
    texts[1].refresh_from_db()
    assert texts[0].pre_annotation == CLASS_B
    assert texts[1].pre_annotation[0]["labels"] == ["C"]


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ({"external_id": "nope", "result": CLASS_B}, "external_id", "no item"),
        ({"item_id": 10**9, "result": CLASS_B}, "item_id", "no item"),
        ({"external_id": "t1"}, "result", "is required"),
        ({"external_id": "t1", "item_id": 1, "result": []}, "external_id", "exactly one"),
        (
            {"external_id": "t1", "result": [{"control": "nope", "type": "class"}]},
            "result[0].control",
            "unknown control",
        ),
        ({"external_id": "t1", "result": "B"}, "result", "list"),
    ],
)
def test_a_bad_jsonl_line_rejects_all_and_names_line_and_field(
    api, project, lead, texts, line, field, message
):
    body = jsonl({"external_id": "t2", "result": CLASS_B}, line)
    response = api(lead).post(url(project), body, content_type="application/x-ndjson")
    assert response.status_code == 400, response.content
    (problem,) = rejected(response)
    assert problem["row"] == 2 and problem["field"] == field and message in problem["message"]
    assert not Item.objects.filter(project=project, pre_annotation__isnull=False).exists()


def test_the_same_item_twice_is_rejected(api, project, lead, texts):
    body = jsonl({"external_id": "t1", "result": CLASS_B}, {"item_id": texts[0].pk, "result": []})
    response = api(lead).post(url(project), body, content_type="application/x-ndjson")
    assert response.status_code == 400
    assert "same item as row 1" in rejected(response)[0]["message"]


@pytest.fixture
def images(image_project):
    return {
        name: item_create_image(
            project=image_project, data=jpeg_bytes(seed=i, size=(640, 480)), external_id=name
        )
        for i, name in enumerate(["a.jpg", "b.jpg"])
    }


def coco(**changes):
    document = {
        "images": [
            {"id": 1, "file_name": "train/a.jpg", "width": 640, "height": 480},
            {"id": 2, "file_name": "b.jpg", "width": 640, "height": 480},
        ],
        "categories": [
            {"id": 1, "name": "car"},
            {"id": 2, "name": "person"},
            {"id": 3, "name": "road"},
        ],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 20, 100, 50], "score": 0.9},
            {"id": 2, "image_id": 1, "category_id": 2, "bbox": [300.5, 200, 40, 120]},
            {
                "id": 3, "image_id": 2, "category_id": 3, "bbox": [0, 400, 640, 80],
                "segmentation": [[0, 400, 640, 400, 640, 480, 0, 480]],
            },
        ],
    }  # fmt: skip
    document.update(changes)
    return document


def post_coco(client, project, document):
    return client.post(url(project), document, format="json")


def test_coco_boxes_and_polygons_become_pre_annotations(api, image_project, image_lead, images):
    response = post_coco(api(image_lead), image_project, coco())
    assert response.status_code == 200, response.content
    assert response.json()["pre_annotations"] == 2
    a = Item.objects.get(pk=images["a.jpg"].pk).pre_annotation
    assert a == [
        {"control": "objects", "type": "bbox", "score": 0.9, "label": "car",
         "bbox": {"x": 10, "y": 20, "w": 100, "h": 50}},
        {"control": "objects", "type": "bbox", "label": "person",
         "bbox": {"x": 300.5, "y": 200, "w": 40, "h": 120}},
    ]  # fmt: skip
    b = Item.objects.get(pk=images["b.jpg"].pk).pre_annotation
    assert [r["type"] for r in b] == ["polygon"]  # segmented: the outline, not also a box
    assert b[0]["points"] == [[0, 400], [640, 400], [640, 480], [0, 480]]


def test_a_category_that_is_not_a_label_is_rejected(api, image_project, image_lead, images):
    document = coco(
        categories=[{"id": 1, "name": "car"}, {"id": 2, "name": "truck"}, {"id": 3, "name": "road"}]
    )
    response = post_coco(api(image_lead), image_project, document)
    assert response.status_code == 400
    problems = rejected(response)
    assert problems[0]["row"] == "annotations[1]"
    assert problems[0]["field"] == "annotations[1].category_id"
    assert "'truck' is not a label of 'objects'" in problems[0]["message"]
    assert not Item.objects.filter(pre_annotation__isnull=False).exists()


def test_an_unknown_category_id_is_rejected(api, image_project, image_lead, images):
    document = coco()
    document["annotations"][0]["category_id"] = 99
    response = post_coco(api(image_lead), image_project, document)
    assert rejected(response)[0]["field"] == "annotations[0].category_id"


def test_a_box_outside_the_image_names_the_coco_field(api, image_project, image_lead, images):
    document = coco()
    document["annotations"][1]["bbox"] = [600, 200, 100, 10]
    response = post_coco(api(image_lead), image_project, document)
    assert response.status_code == 400
    (problem,) = rejected(response)
    assert problem["field"] == "annotations[1].bbox[2]"
    assert "exceeds image width 640" in problem["message"]


def test_a_negative_box_size_names_the_coco_field(api, image_project, image_lead, images):
    document = coco()
    document["annotations"][0]["bbox"] = [10, 10, 10, -5]
    response = post_coco(api(image_lead), image_project, document)
    assert rejected(response)[0]["field"] == "annotations[0].bbox[3]"


def test_unknown_images_and_duplicate_ids_are_rejected(api, image_project, image_lead, images):
    document = coco()
    document["images"].append({"id": 3, "file_name": "missing.jpg"})
    document["annotations"].append(dict(document["annotations"][0]))
    response = post_coco(api(image_lead), image_project, document)
    assert response.status_code == 400
    fields = {p["field"] for p in rejected(response)}
    assert fields == {"images[2].file_name", "annotations[3].id"}


def test_nan_in_a_coco_box_is_rejected(api, image_project, image_lead, images):
    body = json.dumps(coco()).replace("[10, 20, 100, 50]", "[NaN, 20, 100, 50]")
    response = api(image_lead).post(url(image_project), body, content_type="application/json")
    assert response.status_code == 400
    assert rejected(response)[0]["field"] == "annotations[0].bbox[0]"


def test_truncated_coco_is_malformed(api, image_project, image_lead, images):
    body = json.dumps(coco())[:-20]
    response = api(image_lead).post(url(image_project), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "import_malformed"
    assert "byte" in response.json()["error"]["message"]


def test_coco_is_for_image_projects(api, project, lead):
    response = post_coco(api(lead), project, coco())
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"), [("annotator", 403), ("outsider", 404), (None, 401)]
)
def test_only_managers_may_set_pre_annotations(api, project, request, persona, status, texts):
    user = request.getfixturevalue(persona) if persona else None
    body = jsonl({"external_id": "t1", "result": CLASS_B})
    response = api(user).post(url(project), body, content_type="application/x-ndjson")
    assert response.status_code == status
    assert not Item.objects.filter(pre_annotation__isnull=False).exists()
