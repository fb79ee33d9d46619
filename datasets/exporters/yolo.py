"""YOLO detection: a zip of ``data.yaml``, ``labels/<stem>.txt`` and (with media) ``images/``.

- Classes are the bbox and polygon categories of ``image_categories`` (the COCO ones, without
  keypoints), class index = position. Polygons are exported as their bounding boxes.
- ``<stem>`` is the item id, so two items sharing one image keep their own labels; the image
  is ``images/<item id>.<ext>``.
- A line is ``class cx cy w h``, normalised by the image size, 6 decimals, clamped to [0, 1].
  Every image item gets a label file (empty when it has no boxes); an item whose image size
  is unknown cannot be normalised and is left out.
- ``data.yaml`` has ``path: .``, ``train``/``val`` pointing at ``images`` (the caller exports
  one split per archive), ``nc`` and ``names``; strings are JSON-quoted, which YAML reads.

One pass over the items; each entry goes into the zip as it is made.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from datasets.exporters._common import (
    DeterministicZip,
    Item,
    ItemsFactory,
    MediaSource,
    basename,
    image_categories,
    image_items,
)


def data_yaml(names: list[str]) -> bytes:
    lines = [
        "path: .",
        "train: images",
        "val: images",
        f"nc: {len(names)}",
        "names:",
        *(f"  - {json.dumps(name)}" for name in names),
    ]
    return ("\n".join(lines) + "\n").encode()


def _clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def label_lines(item: Item, classes: dict[tuple[str, str], int]) -> str:
    media = item["media"]
    width, height = media["width"], media["height"]
    lines = []
    for region in item.get("label") or []:
        kind = region.get("type")
        cls = classes.get((region.get("control", ""), region.get("label", "")))
        if cls is None:
            continue
        if kind == "bbox":
            box = region["bbox"]
            x0, y0, x1, y1 = box["x"], box["y"], box["x"] + box["w"], box["y"] + box["h"]
        elif kind == "polygon":
            xs = [p[0] for p in region["points"]]
            ys = [p[1] for p in region["points"]]
            x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
        else:
            continue
        x0, x1 = _clamp(x0 / width), _clamp(x1 / width)
        y0, y1 = _clamp(y0 / height), _clamp(y1 / height)
        cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
        lines.append(f"{cls} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}\n")
    return "".join(lines)


def write(
    card: dict[str, Any], items: ItemsFactory, out: BinaryIO, *, media: MediaSource | None = None
) -> None:
    categories = image_categories(card, ("bbox", "polygon"))
    classes = {(c.control, c.label): i for i, c in enumerate(categories)}
    with DeterministicZip(out) as archive:
        archive.write_bytes("data.yaml", data_yaml([c.name for c in categories]))
        for item in image_items(items()):
            if not item["media"].get("width") or not item["media"].get("height"):
                continue
            stem = str(item["id"])
            archive.write_bytes(f"labels/{stem}.txt", label_lines(item, classes).encode())
            if media is not None:
                path = item["media"]["path"]
                ext = basename(path).rsplit(".", 1)[-1] if "." in basename(path) else "bin"
                with media(path) as source:
                    archive.copy(f"images/{stem}.{ext}", source)
