from __future__ import annotations

import io
import zipfile

import yaml

from datasets.exporters import get_exporter
from tests.datasets.exporters.data import (
    bbox,
    card,
    factory,
    image_item,
    media_source,
    polygon,
    sample_items,
)


def _export(items, *, media=None) -> zipfile.ZipFile:
    out = io.BytesIO()
    get_exporter("yolo").write(card(), factory(items), out, media=media)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def _lines(archive: zipfile.ZipFile, item_id: int) -> list[list[float]]:
    text = archive.read(f"labels/{item_id}.txt").decode()
    return [[float(v) for v in line.split()] for line in text.splitlines()]


def test_yolo_data_yaml_names_classes_in_category_order():
    data = yaml.safe_load(_export([]).read("data.yaml"))
    assert data["names"] == ["objects/cat", "dog", "road", "outline/cat"]
    assert data["nc"] == 4
    assert data["train"] == "images"


def test_yolo_lines_parse_and_lie_in_the_unit_interval():
    archive = _export(sample_items())
    assert sorted(archive.namelist()) == [
        "data.yaml", "labels/1.txt", "labels/2.txt", "labels/3.txt", "labels/4.txt",
    ]  # fmt: skip
    for item_id in (1, 2, 4):
        for cls, *coords in _lines(archive, item_id):
            assert cls in (0, 1, 2, 3)
            assert all(0 <= v <= 1 for v in coords)
    assert _lines(archive, 3) == []


def test_yolo_boxes_are_centre_and_size_normalised_with_six_decimals():
    archive = _export([image_item(9, [bbox("dog", 64, 48, 320, 240)])])
    assert archive.read("labels/9.txt") == b"1 0.350000 0.350000 0.500000 0.500000\n"


def test_yolo_clamps_boxes_past_the_edge_and_exports_polygons_as_their_bounds():
    item = image_item(
        9,
        [bbox("cat", 600, 400, 80, 120.5), polygon("road", [[0, 0], [320, 0], [320, 240]])],
    )
    assert _lines(_export([item]), 9) == [
        [0, 0.96875, 0.916667, 0.0625, 0.166667],
        [2, 0.25, 0.25, 0.5, 0.5],
    ]


def test_yolo_with_media_stores_each_items_image_beside_its_labels():
    archive = _export(sample_items(), media=media_source)
    images = sorted(n for n in archive.namelist() if n.startswith("images/"))
    assert images == ["images/1.jpg", "images/2.jpg", "images/3.jpg", "images/4.jpg"]
    assert archive.read("images/4.jpg") == archive.read("images/1.jpg")


def test_yolo_skips_images_of_unknown_size():
    item = image_item(9, [bbox("dog", 1, 1, 2, 2)])
    item["media"]["width"] = None
    assert _export([item]).namelist() == ["data.yaml"]
