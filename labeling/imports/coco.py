"""COCO instances JSON as pre-annotations for an image project.

Images are matched by the base name of ``file_name`` to item external ids (the base name
of an uploaded image is its external id). Categories are matched by name to the labels of
the project's first ``bbox`` control. An annotation with a polygon ``segmentation`` becomes a
polygon of the first ``polygon`` control when the project has one (one region per object,
not a box and an outline); otherwise its ``bbox`` ``[x, y, w, h]`` becomes a box
``{"x", "y", "w", "h"}``.
A COCO file is one JSON document whose sections refer to each other, so it is parsed
whole, under ``IMPORT_COCO_MAX_BYTES``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from core.errors import ValidationFailed
from labeling.imports.paths import external_id_from_name
from labeling.imports.preannotations import items_by
from labeling.imports.problems import Problems
from labeling.models import Project
from labeling.schemas import Control, LabelSchema, validate_result

_BBOX = {"x": 0, "y": 1, "w": 2, "h": 3}
_RESULT_FIELD = re.compile(r"result\[(\d+)\](.*)")
_POINT = re.compile(r"\.points\[(\d+)\]\[([01])\](.*)")


def coco_field(field: str | None, origins: list[tuple[int, str, int]]) -> tuple[str, str]:
    """Map a validate_result path back to the COCO input: (row, path)."""
    match = _RESULT_FIELD.fullmatch(field or "")
    if match is None:
        return "annotations", "annotations"
    k, kind, ring = origins[int(match[1])]
    rest = match[2]
    if rest == ".label":
        rest = ".category_id"
    elif kind == "bbox" and rest.startswith(".bbox."):
        rest = f".bbox[{_BBOX.get(rest[6:7], 0)}]"
    elif kind == "polygon" and (point := _POINT.fullmatch(rest)):
        rest = f".segmentation[{ring}][{2 * int(point[1]) + int(point[2])}]"
    elif kind == "polygon" and rest.startswith(".points"):
        rest = f".segmentation[{ring}]"
    return f"annotations[{k}]", f"annotations[{k}]{rest}"


def coco_image_ids(
    images: list[Any], project: Project, problems: Problems
) -> dict[int, dict[str, Any]]:
    """COCO image id -> item, matching ``file_name``'s base name to the item's external id."""
    names: dict[int, str] = {}
    claimed: dict[str, int] = {}
    for i, image in enumerate(images):
        if type(image) is not dict or type(image.get("id")) is not int:
            problems.add(
                f"images[{i}]", f"images[{i}].id", "must be an object with an integer 'id'"
            )
            continue
        name = image.get("file_name")
        ext_id = external_id_from_name(name) if type(name) is str else None
        if ext_id is None:
            problems.add(f"images[{i}]", f"images[{i}].file_name", "must be a file name")
        elif image["id"] in names:
            problems.add(f"images[{i}]", f"images[{i}].id", f"duplicate image id {image['id']}")
        elif ext_id in claimed:
            problems.add(
                f"images[{i}]",
                f"images[{i}].file_name",
                f"the same file as images[{claimed[ext_id]}]",
            )
        else:
            names[image["id"]] = ext_id
            claimed[ext_id] = i
    items = items_by(project, "external_id", set(names.values()))
    matched: dict[int, dict[str, Any]] = {}
    for image_id, ext_id in names.items():
        if ext_id in items:
            matched[image_id] = items[ext_id]
        else:
            i = claimed[ext_id]
            problems.add(
                f"images[{i}]",
                f"images[{i}].file_name",
                f"no item with external_id {ext_id!r} in this project",
            )
    return matched


def _section(data: dict[str, Any], key: str, problems: Problems) -> list[Any]:
    value = data.get(key, [])
    if type(value) is not list:
        problems.add(None, key, "must be a list")
        return []
    return value


def _categories(raw: list[Any], problems: Problems) -> dict[int, str]:
    names: dict[int, str] = {}
    for i, category in enumerate(raw):
        if type(category) is not dict or type(category.get("id")) is not int:
            problems.add(
                f"categories[{i}]", f"categories[{i}].id", "must be an object with an integer 'id'"
            )
        elif type(category.get("name")) is not str:
            problems.add(f"categories[{i}]", f"categories[{i}].name", "must be a string")
        elif category["id"] in names:
            problems.add(
                f"categories[{i}]", f"categories[{i}].id", f"duplicate category id {category['id']}"
            )
        else:
            names[category["id"]] = category["name"].strip()
    return names


class _Converter:
    """Turns COCO annotations into our regions, remembering where each region came from."""

    def __init__(self, schema: LabelSchema, categories: dict[int, str], problems: Problems):
        self.bbox = next((c for c in schema.controls if c.type == "bbox"), None)
        self.polygon = next((c for c in schema.controls if c.type == "polygon"), None)
        self.categories = categories
        self.problems = problems

    def _label(self, k: int, ann: dict[str, Any], control: Control) -> str | None:
        category = ann.get("category_id")
        name = self.categories.get(category) if type(category) is int else None
        field = f"annotations[{k}].category_id"
        if name is None:
            self.problems.add(f"annotations[{k}]", field, f"unknown category id {category!r}")
        elif name not in control.label_index:
            labels = ", ".join(control.label_names)
            self.problems.add(
                f"annotations[{k}]",
                field,
                f"category {name!r} is not a label of {control.name!r} ({labels})",
            )
            return None
        return name

    def regions(self, k: int, ann: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, int]]:
        """(region, kind, polygon ring) for one annotation; problems go to ``problems``."""
        extra = {"score": ann["score"]} if "score" in ann else {}
        polygons = ann.get("segmentation") if self.polygon is not None else None
        if polygons and self.polygon is not None:
            # The outline says more than its bounding box: one region per object, not two.
            yield from self._polygons(k, ann, polygons, self.polygon, extra)
        elif self.bbox is None:
            self.problems.add(
                f"annotations[{k}]", f"annotations[{k}]", "the project has no bbox control"
            )
        elif "bbox" not in ann:
            self.problems.add(f"annotations[{k}]", f"annotations[{k}].bbox", "is required")
        else:
            yield from self._box(k, ann, self.bbox, extra)

    def _box(self, k: int, ann: dict[str, Any], control: Control, extra: dict[str, Any]) -> Any:
        box = ann["bbox"]
        if type(box) is not list or len(box) != 4:
            self.problems.add(
                f"annotations[{k}]", f"annotations[{k}].bbox", "must be [x, y, width, height]"
            )
            return
        label = self._label(k, ann, control)
        if label is not None:
            bbox = dict(zip("xywh", box, strict=True))
            region = {"control": control.name, "type": "bbox", "label": label, "bbox": bbox}
            yield {**region, **extra}, "bbox", 0

    def _polygons(
        self, k: int, ann: dict[str, Any], polygons: Any, control: Control, extra: dict[str, Any]
    ) -> Any:
        if type(polygons) is not list:
            self.problems.add(
                f"annotations[{k}]",
                f"annotations[{k}].segmentation",
                "RLE masks are not supported; use polygons",
            )
            return
        label = self._label(k, ann, control)
        for ring, flat in enumerate(polygons):
            if type(flat) is not list or len(flat) % 2:
                self.problems.add(
                    f"annotations[{k}]",
                    f"annotations[{k}].segmentation[{ring}]",
                    "must be [x1, y1, x2, y2, ...]",
                )
            elif label is not None:
                points = [list(pair) for pair in zip(flat[0::2], flat[1::2], strict=True)]
                region = {"control": control.name, "type": "polygon", "label": label}
                yield {**region, "points": points, **extra}, "polygon", ring


Found = list[tuple[dict[str, Any], str, int, int]]  # (region, kind, annotation index, ring)


def _annotations(
    raw: list[Any], matched: dict[int, Any], converter: _Converter, problems: Problems
) -> dict[int, Found]:
    """Regions per COCO image id, with where each came from."""
    regions: dict[int, Found] = {image_id: [] for image_id in matched}
    seen_ids: dict[Any, int] = {}
    for k, ann in enumerate(raw):
        if type(ann) is not dict:
            problems.add(f"annotations[{k}]", f"annotations[{k}]", "must be an object")
            continue
        if "id" in ann:
            first = seen_ids.setdefault(ann["id"], k)
            if first != k:
                problems.add(
                    f"annotations[{k}]",
                    f"annotations[{k}].id",
                    f"duplicate of annotations[{first}]",
                )
        image_id = ann.get("image_id")
        if type(image_id) is not int or image_id not in matched:
            problems.add(
                f"annotations[{k}]", f"annotations[{k}].image_id", f"unknown image id {image_id!r}"
            )
            continue
        for region, kind, ring in converter.regions(k, ann):
            regions[image_id].append((region, kind, k, ring))
    return regions


def _result_json(
    schema: LabelSchema, item: dict[str, Any], found: Found, problems: Problems
) -> str | None:
    result = [region for region, _, _, _ in found]
    try:
        canonical = validate_result(schema, result, width=item["width"], height=item["height"])
    except ValidationFailed as exc:
        row, field = coco_field(exc.field, [(k, kind, ring) for _, kind, k, ring in found])
        problems.add(row, field, exc.message)
        return None
    return json.dumps(canonical, separators=(",", ":")) if canonical else None


def coco_preannotations(
    data: Any, project: Project, schema: LabelSchema, problems: Problems
) -> list[tuple[int, str | None]]:
    """Check a COCO document against the project; (item id, result JSON) per listed image.

    Every listed image's pre-annotation is replaced, so an image without annotations clears
    an older one.
    """
    if type(data) is not dict:
        problems.add(None, None, "must be a COCO object with images, annotations, categories")
        return []
    matched = coco_image_ids(_section(data, "images", problems), project, problems)
    categories = _categories(_section(data, "categories", problems), problems)
    converter = _Converter(schema, categories, problems)
    regions = _annotations(_section(data, "annotations", problems), matched, converter, problems)
    out = []
    for image_id, found in regions.items():
        before = problems.rows
        result = _result_json(schema, matched[image_id], found, problems)
        if problems.rows == before:
            out.append((matched[image_id]["id"], result))
    return out
