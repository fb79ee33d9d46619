from __future__ import annotations

import io
import json
import zipfile

import pytest
from pycocotools import mask
from pycocotools.coco import COCO

from datasets.exporters import get_exporter
from datasets.exporters.coco import shoelace
from tests.datasets.exporters.data import (
    bbox,
    card,
    factory,
    image_item,
    media_source,
    sample_items,
)


def _export(items, *, media=None) -> bytes:
    out = io.BytesIO()
    get_exporter("coco").write(card(), factory(items), out, media=media)
    return out.getvalue()


def _load(raw: bytes, tmp_path) -> COCO:
    path = tmp_path / "instances.json"
    path.write_bytes(raw)
    return COCO(str(path))


def test_coco_output_loads_with_pycocotools_and_box_counts_and_areas_match(tmp_path):
    items = [
        image_item(i, [bbox("cat", i, 2 * i, 10 + i, 5.5), bbox("dog", 0, 0, 3, 4)])
        for i in range(1, 21)
    ]
    coco = _load(_export(items), tmp_path)
    assert len(coco.getImgIds()) == 20
    assert len(coco.getAnnIds()) == 40
    for item in items:
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[item["id"]]))
        assert [a["bbox"] for a in anns] == [[r["bbox"][k] for k in "xywh"] for r in item["label"]]
        assert [a["area"] for a in anns] == pytest.approx(
            [r["bbox"]["w"] * r["bbox"]["h"] for r in item["label"]]
        )


def test_coco_categories_have_stable_ids_in_schema_order_and_clashing_names_are_qualified(
    tmp_path,
):
    coco = _load(_export(sample_items()), tmp_path)
    cats = coco.loadCats(coco.getCatIds())
    assert [(c["id"], c["name"], c["supercategory"]) for c in cats] == [
        (1, "objects/cat", "objects"),
        (2, "dog", "objects"),
        (3, "road", "outline"),
        (4, "outline/cat", "outline"),
        (5, "joints", "joints"),
    ]
    assert cats[4]["keypoints"] == ["nose", "tail"]


def test_coco_polygons_get_shoelace_area_bounds_and_a_flat_segmentation(tmp_path):
    coco = _load(_export(sample_items()), tmp_path)
    anns = coco.loadAnns(coco.getAnnIds(imgIds=[2], catIds=[3, 4]))
    assert [a["segmentation"] for a in anns] == [[[0, 0, 100, 0, 100, 50, 0, 50]],
                                                 [[10, 10, 20, 10, 15, 30]]]  # fmt: skip
    assert [a["area"] for a in anns] == [5000, 100]
    assert [a["bbox"] for a in anns] == [[0, 0, 100, 50], [10, 10, 10, 20]]
    assert mask.area(coco.annToRLE(anns[0])) == pytest.approx(5000, rel=0.05)


def test_coco_keypoints_become_one_annotation_per_item_with_visibility_flags(tmp_path):
    coco = _load(_export(sample_items()), tmp_path)
    (ann,) = coco.loadAnns(coco.getAnnIds(imgIds=[2], catIds=[5]))
    assert ann["keypoints"] == [5, 6, 2, 50.5, 60, 1]
    assert ann["num_keypoints"] == 2
    assert ann["bbox"] == [5, 6, 45.5, 54]


def test_coco_lists_unlabelled_images_skips_text_items_and_names_files_by_media_basename(
    tmp_path,
):
    items = sample_items()
    coco = _load(_export(items), tmp_path)
    assert sorted(coco.getImgIds()) == [1, 2, 3, 4]
    assert coco.getAnnIds(imgIds=[3]) == []
    image = coco.loadImgs([1])[0]
    assert image["file_name"] == items[0]["media"]["path"].rsplit("/", 1)[1]
    assert (image["width"], image["height"]) == (640, 480)


def test_coco_with_media_is_a_zip_of_instances_and_each_distinct_image_once():
    raw = _export(sample_items(), media=media_source)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = archive.namelist()
        instances = json.loads(archive.read("annotations/instances.json"))
        assert names[0] == "annotations/instances.json"
        images = sorted(n for n in names if n.startswith("images/"))
        assert images == sorted({f"images/{i['file_name']}" for i in instances["images"]})
        assert len(images) == 3  # items 1 and 4 share an image
        path = sample_items()[0]["media"]["path"]
        assert archive.read(images[images.index(f"images/{path.rsplit('/', 1)[1]}")]) == (
            media_source(path).read()
        )


def test_coco_of_an_empty_dataset_is_valid_json():
    doc = json.loads(_export([]))
    assert doc["images"] == [] and doc["annotations"] == [] and len(doc["categories"]) == 5


def test_shoelace_area_of_a_triangle_is_half_base_times_height():
    assert shoelace([[0, 0], [4, 0], [0, 3]]) == 6
