"""Validation of annotation results against a parsed schema (re-exported by labeling.schemas).

This runs for every submitted annotation, so the happy path avoids building paths, regexes and
exceptions: error paths such as ``result[3].points[5][1]`` are only formatted when raising.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from core.errors import ValidationFailed

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from labeling.schemas import Control, LabelSchema

MAX_REGIONS = 10_000
MAX_POINTS = 1000
MAX_ID_LENGTH = 64
# Clients round and scale coordinates; half a pixel past the edge is noise, so clamp it.
EDGE_TOLERANCE = 0.5
# Upper bound when the image size is unknown, so IoU maths never overflows a float.
MAX_COORD = 1_000_000

_COMMON_KEYS = frozenset({"control", "type", "id", "score"})
_KEYS = {
    "class": _COMMON_KEYS | {"labels"},
    "bbox": _COMMON_KEYS | {"label", "bbox"},
    "polygon": _COMMON_KEYS | {"label", "points"},
    "keypoint": _COMMON_KEYS | {"label", "point", "visible"},
    "span": _COMMON_KEYS | {"label", "start", "end", "text"},
}
_XY = ("x", "y")
_XYWH = ("x", "y", "w", "h")


class _Ctx:
    __slots__ = ("height", "i", "ids", "text", "width")

    def __init__(self, width: int | None, height: int | None, text: str | None) -> None:
        self.width = width
        self.height = height
        self.text = text
        self.i = 0
        self.ids: dict[str, int] = {}

    def fail(self, suffix: str, message: str) -> ValidationFailed:
        return ValidationFailed(message, field=f"result[{self.i}]{suffix}")


def validate_result(
    schema: LabelSchema,
    result: object,
    *,
    width: int | None = None,
    height: int | None = None,
    text: str | None = None,
) -> list[dict[str, Any]]:
    """Check a result against ``schema`` and return its canonical form.

    ``width``/``height`` are the displayed (EXIF-oriented) image size in pixels, origin top
    left; ``text`` is the item's text. Bounds that depend on an unknown size are skipped.
    Span offsets are Unicode code point offsets (Python ``str`` indices): the frontend must
    convert from JavaScript's UTF-16 offsets, which differ for characters outside the BMP.

    Canonical form: fixed key order, floats rounded to 2 decimals, near-edge geometry clamped
    into the image, class labels deduplicated in schema order, keypoint ``visible`` filled in.
    Validating a canonical result returns it unchanged.
    """
    if not isinstance(result, list):
        raise ValidationFailed("must be a list of regions", field="result")
    if len(result) > MAX_REGIONS:
        raise ValidationFailed(
            f"must have at most {MAX_REGIONS} regions (got {len(result)})", field="result"
        )
    ctx = _Ctx(width, height, text)
    controls = schema.control_map
    seen: dict[str, int] = {}
    out = []
    for i, region in enumerate(result):
        ctx.i = i
        canonical = _region(controls, region, ctx)
        name = canonical["control"]
        if name not in seen:
            seen[name] = i
        elif canonical["type"] == "class":
            raise ctx.fail(
                ".control",
                f"duplicate region for class control {name!r} (also result[{seen[name]}])",
            )
        out.append(canonical)
    for name in schema.required_controls:
        if name not in seen:
            raise ValidationFailed(f"required control {name!r} has no region", field="result")
    return out


def _region(controls: dict[str, Control], region: object, ctx: _Ctx) -> dict[str, Any]:
    if type(region) is not dict:
        raise ctx.fail("", "must be an object")
    name = region.get("control")
    if not isinstance(name, str):
        raise ctx.fail(".control", "is required" if name is None else "must be a string")
    control = controls.get(name)
    if control is None:
        raise ctx.fail(".control", f"unknown control {name!r} (known: {_names(controls)})")
    if region.get("type") != control.type:
        missing = region.get("type") is None
        raise ctx.fail(".type", "is required" if missing else f"must be {control.type!r}")
    allowed = _KEYS[control.type]
    if not region.keys() <= allowed:
        key = next(k for k in region if k not in allowed)
        raise ctx.fail(f".{key}", f"unknown key for a {control.type} region")
    out: dict[str, Any] = {"control": name, "type": control.type}
    if "id" in region:
        out["id"] = _region_id(region["id"], ctx)
    if "score" in region:
        score = _num(region["score"], ctx, ".score")
        if not 0 <= score <= 1:
            raise ctx.fail(".score", f"must be between 0 and 1 (got {score})")
        out["score"] = score
    _CHECKERS[control.type](control, region, ctx, out)
    return out


def _names(names: Iterable[str], limit: int = 20) -> str:
    listed = list(names)
    shown = ", ".join(listed[:limit])
    return shown if len(listed) <= limit else f"{shown}, ... ({len(listed) - limit} more)"


def _region_id(value: object, ctx: _Ctx) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_LENGTH:
        raise ctx.fail(".id", f"must be a string of 1 to {MAX_ID_LENGTH} characters")
    first = ctx.ids.setdefault(value, ctx.i)
    if first != ctx.i:
        raise ctx.fail(".id", f"duplicate id {value!r} (also result[{first}])")
    return value


def _num(value: object, ctx: _Ctx, suffix: str) -> float:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ctx.fail(suffix, "must be a finite number")
        return round(value, 2)
    # bool is an int subclass, but true is not a coordinate.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ctx.fail(suffix, "must be a number")


def _int(value: object, ctx: _Ctx, suffix: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ctx.fail(suffix, "is required" if value is None else "must be an integer")


def _fields(value: object, keys: tuple[str, ...], ctx: _Ctx, suffix: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise ctx.fail(suffix, "is required" if value is None else "must be an object")
    for key in keys:
        if key not in value:
            raise ctx.fail(f"{suffix}.{key}", "is required")
    if len(value) != len(keys):
        key = next(k for k in value if k not in keys)
        raise ctx.fail(f"{suffix}.{key}", "unknown key")
    return value


def _label(control: Control, name: object, ctx: _Ctx, suffix: str = ".label") -> str:
    if not isinstance(name, str):
        raise ctx.fail(suffix, "is required" if name is None else "must be a string")
    if name not in control.label_index:
        raise ctx.fail(
            suffix,
            f"unknown label {name!r} for control {control.name!r}"
            f" (known: {_names(control.label_names)})",
        )
    return name


def _check_class(control: Control, region: dict[str, Any], ctx: _Ctx, out: dict[str, Any]) -> None:
    labels = region.get("labels")
    if type(labels) is not list:
        raise ctx.fail(".labels", "is required" if labels is None else "must be a list")
    index = control.label_index
    picked = {index[_label(control, name, ctx, f".labels[{k}]")] for k, name in enumerate(labels)}
    if control.multiple:
        if not picked:
            raise ctx.fail(".labels", "must have at least one label")
    elif len(picked) != 1:
        raise ctx.fail(
            ".labels",
            f"must have exactly one label (control {control.name!r} is single-choice,"
            f" got {len(picked)})",
        )
    out["labels"] = [control.labels[k].name for k in sorted(picked)]


def _check_bbox(control: Control, region: dict[str, Any], ctx: _Ctx, out: dict[str, Any]) -> None:
    out["label"] = _label(control, region.get("label"), ctx)
    box = _fields(region.get("bbox"), _XYWH, ctx, ".bbox")
    x, y, w, h = (_num(box[key], ctx, f".bbox.{key}") for key in _XYWH)
    for key, size in (("w", w), ("h", h)):
        if size <= 0:
            raise ctx.fail(f".bbox.{key}", "must be > 0")
    x, w = _fit(x, w, ctx.width, ("x", "w", "width"), ctx)
    y, h = _fit(y, h, ctx.height, ("y", "h", "height"), ctx)
    out["bbox"] = {"x": x, "y": y, "w": w, "h": h}


def _fit(
    start: float, size: float, limit: int | None, names: tuple[str, str, str], ctx: _Ctx
) -> tuple[float, float]:
    """Check one axis of a box against the image and clamp it within the tolerance."""
    start_key, size_key, axis = names
    bound = MAX_COORD if limit is None else limit
    if start < -EDGE_TOLERANCE:
        raise ctx.fail(f".bbox.{start_key}", f"must be >= 0 (got {start})")
    end = start + size
    if end > bound + EDGE_TOLERANCE:
        what = f"image {axis} {limit}" if limit is not None else f"maximum coordinate {bound}"
        total = float(round(end, 2))
        raise ctx.fail(
            f".bbox.{size_key}", f"box exceeds {what} ({start_key} + {size_key} = {total})"
        )
    if start < 0 or end > bound:
        start = min(max(start, 0), bound)
        size = round(min(end, bound) - start, 2)
        if size <= 0:
            raise ctx.fail(f".bbox.{size_key}", "must be > 0 once clamped to the image")
    return start, size


def _coord(value: object, limit: int | None, axis: str, ctx: _Ctx, suffix: str) -> float:
    number = _num(value, ctx, suffix)
    bound = MAX_COORD if limit is None else limit
    if number < -EDGE_TOLERANCE:
        raise ctx.fail(suffix, f"must be >= 0 (got {number})")
    if number > bound + EDGE_TOLERANCE:
        what = f"image {axis} {limit}" if limit is not None else f"{bound}"
        raise ctx.fail(suffix, f"must be <= {what} (got {number})")
    return min(max(number, 0), bound) if number < 0 or number > bound else number


def _check_polygon(
    control: Control, region: dict[str, Any], ctx: _Ctx, out: dict[str, Any]
) -> None:
    out["label"] = _label(control, region.get("label"), ctx)
    points = region.get("points")
    if type(points) is not list:
        raise ctx.fail(".points", "is required" if points is None else "must be a list")
    if not 3 <= len(points) <= MAX_POINTS:
        raise ctx.fail(".points", f"must have 3 to {MAX_POINTS} points (got {len(points)})")
    clean = []
    for k, point in enumerate(points):
        if type(point) is not list or len(point) != 2:
            raise ctx.fail(f".points[{k}]", "must be a pair [x, y]")
        x = _coord(point[0], ctx.width, "width", ctx, f".points[{k}][0]")
        y = _coord(point[1], ctx.height, "height", ctx, f".points[{k}][1]")
        clean.append([x, y])
    if _collinear(clean):
        raise ctx.fail(".points", "must not all lie on one line (polygon area must be > 0)")
    out["points"] = clean


def _collinear(points: list[list[float]]) -> bool:
    x0, y0 = points[0]
    far = next(((x - x0, y - y0) for x, y in points if x != x0 or y != y0), None)
    if far is None:
        return True
    dx, dy = far
    # Coordinates are multiples of 0.01, so a real triangle has |cross| >= 1e-4.
    return all(abs(dx * (y - y0) - dy * (x - x0)) < 1e-6 for x, y in points)


def _check_keypoint(
    control: Control, region: dict[str, Any], ctx: _Ctx, out: dict[str, Any]
) -> None:
    out["label"] = _label(control, region.get("label"), ctx)
    point = _fields(region.get("point"), _XY, ctx, ".point")
    out["point"] = {
        "x": _coord(point["x"], ctx.width, "width", ctx, ".point.x"),
        "y": _coord(point["y"], ctx.height, "height", ctx, ".point.y"),
    }
    visible = region.get("visible", True)
    if type(visible) is not bool:
        raise ctx.fail(".visible", "must be true or false")
    out["visible"] = visible


def _check_span(control: Control, region: dict[str, Any], ctx: _Ctx, out: dict[str, Any]) -> None:
    out["label"] = _label(control, region.get("label"), ctx)
    start = _int(region.get("start"), ctx, ".start")
    end = _int(region.get("end"), ctx, ".end")
    if start < 0:
        raise ctx.fail(".start", f"must be >= 0 (got {start})")
    if end <= start:
        raise ctx.fail(".end", f"must be > start ({start})")
    text = ctx.text
    if text is not None and end > len(text):
        raise ctx.fail(".end", f"must be <= text length {len(text)} (got {end})")
    out["start"], out["end"] = start, end
    if "text" in region:
        covered = region["text"]
        if type(covered) is not str:
            raise ctx.fail(".text", "must be a string")
        if text is not None and covered != text[start:end]:
            raise ctx.fail(
                ".text", f"must equal the item text at [{start}:{end}], {text[start:end]!r}"
            )
        out["text"] = covered


_CHECKERS: dict[str, Callable[[Control, dict[str, Any], _Ctx, dict[str, Any]], None]] = {
    "class": _check_class,
    "bbox": _check_bbox,
    "polygon": _check_polygon,
    "keypoint": _check_keypoint,
    "span": _check_span,
}


def result_labels(result: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(control, label) for every label of every region of a validated result."""
    pairs: list[tuple[str, str]] = []
    for region in result:
        if region["type"] == "class":
            pairs.extend((region["control"], name) for name in region["labels"])
        else:
            pairs.append((region["control"], region["label"]))
    return pairs


def remap_result(
    result: list[dict[str, Any]], mapping: dict[str, str | None]
) -> list[dict[str, Any]]:
    """Apply a ``check_schema_change`` mapping to a validated result; the input is not changed.

    Regions whose label maps to ``None`` are dropped. Class labels moved into another class
    control join that control's region (or start one), so a class region may split or merge;
    ids are kept only where they stay unique. Re-validate against the new schema afterwards:
    that restores the schema order of class labels and rejects a single-choice control that
    ended up with two labels.
    """
    out: list[dict[str, Any]] = []
    class_regions: dict[str, dict[str, Any]] = {}
    for region in result:
        source = region["control"]
        names = region["labels"] if region["type"] == "class" else [region["label"]]
        for name in names:
            key = f"{source}:{name}"
            target = mapping.get(key, key)
            if target is None:
                continue
            control, label = target.split(":", 1)
            if region["type"] != "class":
                out.append({**region, "control": control, "label": label})
                continue
            merged = class_regions.get(control)
            if merged is None:
                merged = class_regions[control] = {**region, "control": control, "labels": []}
                out.append(merged)
            if label not in merged["labels"]:
                merged["labels"].append(label)
    ids: set[str] = set()
    for region in out:
        if "id" in region and region["id"] in ids:
            del region["id"]
        elif "id" in region:
            ids.add(region["id"])
    return out
