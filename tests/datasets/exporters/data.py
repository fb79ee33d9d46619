"""Item documents and dataset cards shaped like ``datasets.layout`` produces them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

IMAGE_SCHEMA = {
    "controls": [
        {"name": "objects", "type": "bbox", "required": False,
         "labels": [{"name": "cat"}, {"name": "dog"}]},
        {"name": "outline", "type": "polygon", "required": False,
         "labels": [{"name": "road"}, {"name": "cat"}]},
        {"name": "joints", "type": "keypoint", "required": False,
         "labels": [{"name": "nose"}, {"name": "tail"}]},
        {"name": "scene", "type": "class", "multiple": False, "required": False,
         "labels": [{"name": "indoor"}, {"name": "outdoor"}]},
    ]
}  # fmt: skip
TEXT_SCHEMA = {
    "controls": [
        {"name": "topic", "type": "class", "multiple": True, "required": False,
         "labels": [{"name": "sport"}, {"name": "politics"}, {"name": "tech"}]},
        {"name": "text", "type": "class", "multiple": False, "required": False,
         "labels": [{"name": "long"}, {"name": "short"}]},
        {"name": "entities", "type": "span", "required": False,
         "labels": [{"name": "PER"}, {"name": "ORG"}]},
    ]
}  # fmt: skip


def card(*, image: bool = True, text: bool = True) -> dict[str, Any]:
    sources = []
    if image:
        sources.append({"id": 1, "name": "pics", "kind": "image", "label_schema": IMAGE_SCHEMA})
    if text:
        sources.append({"id": 2, "name": "news", "kind": "text", "label_schema": TEXT_SCHEMA})
    return {"format": 1, "name": "demo", "include": "labelled", "sources": sources}


def _doc(item_id: int, project: int, kind: str, **extra: Any) -> dict[str, Any]:
    doc = {
        "format": 1, "id": item_id, "project": project, "external_id": f"ext-{item_id}",
        "kind": kind, "text": None, "media": None, "meta": {"n": item_id}, "state": "done",
        "agreement": 0.75, "label": None, "annotations": [],
    }  # fmt: skip
    doc.update(extra)
    return doc


def image_item(
    item_id: int,
    label: list[dict[str, Any]] | None,
    *,
    width: int = 640,
    height: int = 480,
    sha: str | None = None,
) -> dict[str, Any]:
    sha = sha or hashlib.sha256(str(item_id).encode()).hexdigest()
    media = {"path": f"media/{sha[:2]}/{sha}.jpg", "sha256": sha, "width": width, "height": height}
    return _doc(item_id, 1, "image", media=media, label=label)


def text_item(item_id: int, text: str, label: list[dict[str, Any]] | None) -> dict[str, Any]:
    return _doc(item_id, 2, "text", text=text, label=label)


def bbox(label: str, x: float, y: float, w: float, h: float) -> dict[str, Any]:
    return {"control": "objects", "type": "bbox", "label": label,
            "bbox": {"x": x, "y": y, "w": w, "h": h}}  # fmt: skip


def polygon(label: str, points: list[list[float]]) -> dict[str, Any]:
    return {"control": "outline", "type": "polygon", "label": label, "points": points}


def keypoint(label: str, x: float, y: float, *, visible: bool = True) -> dict[str, Any]:
    return {"control": "joints", "type": "keypoint", "label": label,
            "point": {"x": x, "y": y}, "visible": visible}  # fmt: skip


def klass(control: str, *labels: str) -> dict[str, Any]:
    return {"control": control, "type": "class", "labels": list(labels)}


def span(label: str, start: int, end: int) -> dict[str, Any]:
    return {"control": "entities", "type": "span", "label": label, "start": start, "end": end}


def sample_items() -> list[dict[str, Any]]:
    """A small mixed dataset touching every region type, odd text and unlabelled items."""
    return [
        image_item(1, [bbox("cat", 10, 20, 100, 50), bbox("dog", 600, 400, 80, 120.5),
                       klass("scene", "indoor")]),
        image_item(2, [polygon("road", [[0, 0], [100, 0], [100, 50], [0, 50]]),
                       polygon("cat", [[10, 10], [20, 10], [15, 30]]),
                       keypoint("nose", 5, 6), keypoint("tail", 50.5, 60, visible=False)]),
        image_item(3, None),
        image_item(4, [bbox("dog", 1.25, 2.5, 3.75, 4)], sha=hashlib.sha256(b"1").hexdigest()),
        text_item(5, 'Ada "Lovelace", met\nBabbage | at IBM 👋', [
            klass("topic", "sport", "tech"), klass("text", "long"),
            span("PER", 0, 3), span("ORG", 33, 36)]),
        text_item(6, "plain", []),
        text_item(7, "", None),
    ]  # fmt: skip


def factory(items: list[dict[str, Any]]) -> Callable[[], Iterator[dict[str, Any]]]:
    return lambda: iter(items)


def media_source(path: str) -> Any:
    import io

    return io.BytesIO(b"\xff\xd8fake-jpeg:" + path.encode())
