"""Label schemas: what annotators of a project may draw, and what a schema edit does to results.

A project's schema is JSON (see ``parse_schema``). It is parsed once into frozen dataclasses
whose lookup tables are built lazily and then cached on the instance, so validating a result
on the submit hot path (``validate_result``) never re-reads the JSON.

Canonical form: ``LabelSchema.to_json()`` fills every default (``required``, ``hotkey``,
``color``; ``multiple`` only for class controls), lower-cases colours and strips label names;
``schema_hash`` hashes exactly that, so equivalent inputs hash the same.

``required`` works for every control type: each result needs at least one region of it.
``multiple`` (several labels in one class region) is for class controls only.

Hotkeys: one printable character, unique case-insensitively across the schema. ``?`` (shortcut
help) and space (pan the image) are bound by the annotation UI, so schemas may not use them.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from core.errors import ValidationFailed
from labeling._result_checks import remap_result, result_labels, validate_result

__all__ = [
    "Control",
    "Label",
    "LabelSchema",
    "check_schema_change",
    "parse_schema",
    "remap_result",
    "removed_labels",
    "result_labels",
    "schema_hash",
    "validate_result",
]

CONTROL_TYPES_BY_KIND: dict[str, tuple[str, ...]] = {
    "image": ("class", "bbox", "polygon", "keypoint"),
    "text": ("class", "span"),
}
RESERVED_HOTKEYS = frozenset({"?", " "})
MAX_CONTROLS = 64
MAX_LABELS = 200
MAX_LABEL_NAME = 100
# Sasha Trubetskoy's 20 distinct colours. A label without a colour gets one by its position in
# the whole schema, so labels of different controls differ too.
DEFAULT_COLORS = (
    "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0",
    "#f032e6", "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8",
    "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075", "#808080",
)  # fmt: skip

_CONTROL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_SCHEMA_KEYS = ("controls",)
_CONTROL_KEYS = ("name", "type", "labels", "multiple", "required")
_LABEL_KEYS = ("name", "color", "hotkey")


@dataclass(frozen=True)
class Label:
    name: str
    color: str
    hotkey: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "color": self.color, "hotkey": self.hotkey}


@dataclass(frozen=True)
class Control:
    name: str
    type: str
    labels: tuple[Label, ...]
    multiple: bool = False
    required: bool = False

    @cached_property
    def label_index(self) -> dict[str, int]:
        """Label name -> position; the position is also the canonical sort order."""
        return {label.name: i for i, label in enumerate(self.labels)}

    @cached_property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.type == "class":
            data["multiple"] = self.multiple
        data["required"] = self.required
        data["labels"] = [label.to_json() for label in self.labels]
        return data


@dataclass(frozen=True)
class LabelSchema:
    controls: tuple[Control, ...]

    @cached_property
    def control_map(self) -> dict[str, Control]:
        return {control.name: control for control in self.controls}

    @cached_property
    def required_controls(self) -> tuple[str, ...]:
        return tuple(control.name for control in self.controls if control.required)

    def to_json(self) -> dict[str, Any]:
        return {"controls": [control.to_json() for control in self.controls]}


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field=field)


def _object(value: object, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "must be an object")
    for key in value:
        if key not in allowed:
            raise _fail(f"{path}.{key}", f"unknown key (allowed: {', '.join(allowed)})")
    return value


def _required(obj: dict[str, Any], key: str, path: str) -> Any:
    if obj.get(key) is None:
        raise _fail(f"{path}.{key}", "is required")
    return obj[key]


def _bool(obj: dict[str, Any], key: str, path: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise _fail(f"{path}.{key}", "must be true or false")
    return value


def _list(value: object, path: str, low: int, high: int, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, "must be a list")
    if not low <= len(value) <= high:
        raise _fail(path, f"must have {low} to {high} {what} (got {len(value)})")
    return value


def parse_schema(data: object, *, kind: str, prefix: str = "label_schema") -> LabelSchema:
    """Validate a schema for items of ``kind`` ('image' or 'text').

    Raises ``ValidationFailed`` whose ``field`` is a path such as
    ``label_schema.controls[1].labels[0].color`` (``prefix`` replaces ``label_schema``).
    """
    allowed = CONTROL_TYPES_BY_KIND.get(kind)
    if allowed is None:
        raise _fail("kind", f"must be one of: {', '.join(CONTROL_TYPES_BY_KIND)}")
    obj = _object(data, prefix, _SCHEMA_KEYS)
    raw_controls = _list(
        _required(obj, "controls", prefix), f"{prefix}.controls", 1, MAX_CONTROLS, "controls"
    )
    # Hotkeys are unique across controls; remember where each was first used for the message.
    hotkeys: dict[str, str] = {}
    names: dict[str, int] = {}
    controls = []
    colored = 0
    for i, raw in enumerate(raw_controls):
        path = f"{prefix}.controls[{i}]"
        control = _parse_control(raw, path, allowed, hotkeys, len(prefix) + 1, colored)
        colored += len(control.labels)
        if control.name in names:
            first = names[control.name]
            raise _fail(
                f"{path}.name",
                f"duplicate control name {control.name!r} (also used by controls[{first}])",
            )
        names[control.name] = i
        controls.append(control)
    return LabelSchema(tuple(controls))


def _parse_control(
    raw: object,
    path: str,
    allowed: tuple[str, ...],
    hotkeys: dict[str, str],
    cut: int,
    colored: int,
) -> Control:
    obj = _object(raw, path, _CONTROL_KEYS)
    name = _required(obj, "name", path)
    if not isinstance(name, str) or not _CONTROL_NAME.fullmatch(name):
        raise _fail(f"{path}.name", "must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'")
    ctype = _required(obj, "type", path)
    if not isinstance(ctype, str) or ctype not in allowed:
        raise _fail(f"{path}.type", f"must be one of: {', '.join(allowed)}")
    multiple = _bool(obj, "multiple", path)
    if multiple and ctype != "class":
        raise _fail(f"{path}.multiple", "is only allowed for class controls")
    required = _bool(obj, "required", path)
    raw_labels = _list(_required(obj, "labels", path), f"{path}.labels", 1, MAX_LABELS, "labels")
    labels: list[Label] = []
    seen: dict[str, int] = {}
    for j, raw_label in enumerate(raw_labels):
        label_path = f"{path}.labels[{j}]"
        label = _parse_label(raw_label, label_path, colored + j, hotkeys, cut)
        if label.name in seen:
            raise _fail(
                f"{label_path}.name",
                f"duplicate label {label.name!r} (also used by labels[{seen[label.name]}])",
            )
        seen[label.name] = j
        labels.append(label)
    return Control(name, ctype, tuple(labels), multiple, required)


def _parse_label(raw: object, path: str, position: int, hotkeys: dict[str, str], cut: int) -> Label:
    obj = _object(raw, path, _LABEL_KEYS)
    name = _label_name(_required(obj, "name", path), f"{path}.name")
    color = obj.get("color")
    if color is None:
        color = DEFAULT_COLORS[position % len(DEFAULT_COLORS)]
    elif not isinstance(color, str) or not _COLOR.fullmatch(color):
        raise _fail(f"{path}.color", "must be a colour like '#e6194b'")
    hotkey = obj.get("hotkey")
    if hotkey is not None:
        if not isinstance(hotkey, str) or len(hotkey) != 1 or not hotkey.isprintable():
            raise _fail(f"{path}.hotkey", "must be a single printable character or null")
        if hotkey in RESERVED_HOTKEYS:
            raise _fail(f"{path}.hotkey", f"{hotkey!r} is reserved by the annotation UI")
        folded = hotkey.casefold()
        if folded in hotkeys:
            raise _fail(
                f"{path}.hotkey", f"duplicate hotkey {hotkey!r} (also used by {hotkeys[folded]})"
            )
        hotkeys[folded] = path[cut:]
    return Label(name, color.lower(), hotkey)


def _label_name(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")
    name = value.strip()
    if not name:
        raise _fail(path, "must not be empty")
    if len(name) > MAX_LABEL_NAME:
        raise _fail(path, f"must be at most {MAX_LABEL_NAME} characters (got {len(name)})")
    # Cc breaks exports and logs; Cs (lone surrogates) cannot be stored as UTF-8.
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        raise _fail(path, "must not contain control characters")
    return name


def schema_hash(schema: LabelSchema) -> str:
    """sha256 hex of the canonical JSON: stable across key order and omitted defaults."""
    text = json.dumps(schema.to_json(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def removed_labels(old: LabelSchema, new: LabelSchema) -> list[tuple[str, str]]:
    """(control, label) pairs of ``old`` missing from ``new``, in ``old``'s order."""
    removed: list[tuple[str, str]] = []
    for control in old.controls:
        kept = new.control_map.get(control.name)
        index = kept.label_index if kept is not None else {}
        removed.extend((control.name, name) for name in control.label_names if name not in index)
    return removed


def check_schema_change(
    old: LabelSchema,
    new: LabelSchema,
    *,
    used: set[tuple[str, str]],
    mapping: dict[str, str | None] | None = None,
) -> None:
    """Refuse a schema edit that would strand stored regions.

    ``used`` holds the (control, label) pairs that occur in stored results. Every used pair the
    edit removes needs a ``mapping`` entry ``"control:label"`` -> ``"control:label"`` (a label
    of the new schema in a control of the same type) or ``None`` (delete those regions); apply
    it with ``remap_result``. A control whose labels are in use may not change type.
    """
    used_controls = {control for control, _ in used}
    for i, control in enumerate(new.controls):
        before = old.control_map.get(control.name)
        if before is not None and before.type != control.type and control.name in used_controls:
            raise ValidationFailed(
                f"cannot change control {control.name!r} from {before.type} to {control.type}"
                " while results use it",
                field=f"label_schema.controls[{i}].type",
                code="schema_type_change",
            )
    removed = removed_labels(old, new)
    mapping = mapping or {}
    _check_mapping(old, new, mapping, set(removed))
    orphaned = [f"{c}:{lb}" for c, lb in removed if (c, lb) in used and f"{c}:{lb}" not in mapping]
    if orphaned:
        raise ValidationFailed(
            f"labels in use would be removed: {', '.join(orphaned)}; map each to a label of the"
            " same control type, or to null to delete its regions",
            field="label_schema",
            code="schema_orphans",
            details={"orphaned": orphaned},
        )


def _check_mapping(
    old: LabelSchema,
    new: LabelSchema,
    mapping: dict[str, str | None],
    removed: set[tuple[str, str]],
) -> None:
    for key, target in mapping.items():
        field = f"mapping.{key}"
        source = _split_ref(key)
        if source is None or source not in removed:
            raise _fail(field, f"{key!r} is not a label removed by this change")
        if target is None:
            continue
        ref = _split_ref(target)
        control = new.control_map.get(ref[0]) if ref is not None else None
        if ref is None or control is None or ref[1] not in control.label_index:
            raise _fail(field, f"target {target!r} is not a label of the new schema")
        old_type = old.control_map[source[0]].type
        if control.type != old_type:
            raise _fail(
                field, f"cannot map a {old_type} label to {target!r}, a {control.type} label"
            )


def _split_ref(ref: object) -> tuple[str, str] | None:
    # Control names cannot contain ':', label names can: split at the first one only.
    if not isinstance(ref, str) or ":" not in ref:
        return None
    control, label = ref.split(":", 1)
    return control, label
