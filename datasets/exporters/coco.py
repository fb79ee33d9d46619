"""COCO instances JSON (boxes, polygons, keypoints), optionally zipped with the images.

- ``images``: one per image item: ``id`` = item id, ``file_name`` = media path basename
  (``<sha256>.<ext>``), ``width``, ``height``. Items without an image are left out.
- ``categories``: one per (control, label) of the image sources' bbox and polygon controls
  (see ``image_categories``: ids from 1 in source and schema order), then one per keypoint
  control with the control's label names as ``keypoints``.
- ``annotations``: from each item's final ``label`` (never the individual annotations), ids
  from 1 in item order. Boxes: ``bbox`` [x, y, w, h], area w*h. Polygons: ``segmentation``
  [[x1, y1, ...]], area by the shoelace formula, ``bbox`` their bounds. Keypoints: one
  annotation per item and keypoint control, ``keypoints`` [x, y, v, ...] in label order
  (v = 2 visible, 1 hidden, 0 absent; the first point of a label wins), ``bbox`` the bounds
  of the points, area w*h of that box.

Streaming: the document is written by hand with keys in sorted order (``annotations``,
``categories``, ``images``, ``info``, ``licenses``), walking the items twice (annotations,
then images), so memory does not grow with the number of items. With ``media`` the result
is a zip of ``annotations/instances.json`` and ``images/<file_name>``; each distinct image
is stored once (the seen sha256 digests are kept: 32 bytes an image).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any, BinaryIO

from datasets.exporters._common import (
    Category,
    DeterministicZip,
    Item,
    ItemsFactory,
    MediaSource,
    basename,
    canonical_json,
    image_categories,
    image_items,
    number,
    schema_controls,
)

INSTANCES = "annotations/instances.json"
BATCH = 512
INFO = {"description": "Annolake export", "version": "1.0"}


def categories(card: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[tuple[str, str], int]]:
    """The COCO categories and the category id of each (control, label)."""
    regions: list[Category] = image_categories(card, ("bbox", "polygon"))
    out: list[dict[str, Any]] = [
        {"id": c.id, "name": c.name, "supercategory": c.control} for c in regions
    ]
    ids = {(c.control, c.label): c.id for c in regions}
    image_sources = {
        **card,
        "sources": [s for s in card.get("sources", []) if s.get("kind") == "image"],
    }
    for control in schema_controls(image_sources, "keypoint"):
        cid = len(out) + 1
        names = [label["name"] for label in control.get("labels", [])]
        out.append(
            {"id": cid, "name": control["name"], "supercategory": control["name"],
             "keypoints": names, "skeleton": []}
        )  # fmt: skip
        ids[(control["name"], "")] = cid
    return out, ids


def shoelace(points: list[list[float]]) -> float:
    twice = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        twice += x1 * y2 - x2 * y1
    return abs(twice) / 2


def _bounds(xs: list[float], ys: list[float]) -> list[float | int]:
    x0, y0 = min(xs), min(ys)
    return [number(x0), number(y0), number(max(xs) - x0), number(max(ys) - y0)]


def item_annotations(
    item: Item, ids: dict[tuple[str, str], int], keypoint_names: dict[str, list[str]]
) -> Iterator[dict[str, Any]]:
    """The annotations of one item, without ``id`` (given by the caller in output order)."""
    keypoints: dict[str, dict[str, dict[str, Any]]] = {}
    for region in item.get("label") or []:
        kind, control = region.get("type"), region.get("control", "")
        if kind == "keypoint":
            if control in keypoint_names:
                keypoints.setdefault(control, {}).setdefault(region["label"], region)
            continue
        cid = ids.get((control, region.get("label", "")))
        if cid is None:
            continue
        base = {"image_id": item["id"], "category_id": cid, "iscrowd": 0}
        if kind == "bbox":
            box = region["bbox"]
            bbox = [number(box["x"]), number(box["y"]), number(box["w"]), number(box["h"])]
            yield {**base, "bbox": bbox, "area": number(box["w"] * box["h"]), "segmentation": []}
        elif kind == "polygon":
            points = region["points"]
            flat = [number(v) for point in points for v in point]
            bbox = _bounds([p[0] for p in points], [p[1] for p in points])
            yield {**base, "bbox": bbox, "area": number(shoelace(points)), "segmentation": [flat]}
    for control, names in keypoint_names.items():
        found = keypoints.get(control)
        if not found:
            continue
        values: list[float | int] = []
        for name in names:
            region = found.get(name)
            if region is None:
                values += [0, 0, 0]
            else:
                point = region["point"]
                values += [number(point["x"]), number(point["y"]), 2 if region["visible"] else 1]
        points = [r["point"] for r in found.values() if r["label"] in names]
        bbox = _bounds([p["x"] for p in points], [p["y"] for p in points])
        yield {
            "image_id": item["id"], "category_id": ids[(control, "")], "iscrowd": 0,
            "keypoints": values, "num_keypoints": sum(1 for v in values[2::3] if v > 0),
            "bbox": bbox, "area": number(bbox[2] * bbox[3]), "segmentation": [],
        }  # fmt: skip


def _array(out: IO[bytes], objects: Iterable[dict[str, Any]]) -> None:
    out.write(b"[")
    batch: list[str] = []
    first = True
    for obj in objects:
        batch.append(canonical_json(obj))
        if len(batch) >= BATCH:
            out.write((b"" if first else b",") + ",".join(batch).encode())
            first = False
            batch.clear()
    if batch:
        out.write((b"" if first else b",") + ",".join(batch).encode())
    out.write(b"]")


def write_instances(card: dict[str, Any], items: ItemsFactory, out: IO[bytes]) -> None:
    cats, ids = categories(card)
    keypoint_names = {c["name"]: c["keypoints"] for c in cats if "keypoints" in c}

    def annotations() -> Iterator[dict[str, Any]]:
        next_id = 1
        for item in image_items(items()):
            for annotation in item_annotations(item, ids, keypoint_names):
                annotation["id"] = next_id
                next_id += 1
                yield annotation

    def images() -> Iterator[dict[str, Any]]:
        for item in image_items(items()):
            media = item["media"]
            yield {
                "id": item["id"],
                "file_name": basename(media["path"]),
                "width": media.get("width"),
                "height": media.get("height"),
            }

    out.write(b'{"annotations":')
    _array(out, annotations())
    out.write(b',"categories":' + canonical_json(cats).encode())
    out.write(b',"images":')
    _array(out, images())
    out.write(b',"info":' + canonical_json(INFO).encode() + b',"licenses":[]}')


def write(
    card: dict[str, Any], items: ItemsFactory, out: BinaryIO, *, media: MediaSource | None = None
) -> None:
    if media is None:
        write_instances(card, items, out)
        return
    with DeterministicZip(out) as archive:
        with archive.open(INSTANCES, large=True) as entry:
            write_instances(card, items, entry)
        seen: set[bytes] = set()
        for item in image_items(items()):
            path = item["media"]["path"]
            digest = bytes.fromhex(item["media"]["sha256"])
            if digest in seen:
                continue
            seen.add(digest)
            with media(path) as source:
                archive.copy(f"images/{basename(path)}", source)
