"""Label schemas, schema changes and annotation result validation (pure Python, no database)."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

import pytest

from core.errors import ValidationFailed
from labeling.schemas import (
    DEFAULT_COLORS,
    Control,
    Label,
    LabelSchema,
    check_schema_change,
    parse_schema,
    remap_result,
    removed_labels,
    result_labels,
    schema_hash,
    validate_result,
)

IMAGE_SCHEMA: dict[str, Any] = {
    "controls": [
        {
            "name": "category",
            "type": "class",
            "labels": [
                {"name": "cat", "color": "#E6194B", "hotkey": "1"},
                {"name": "dog", "color": "#3cb44b", "hotkey": "2"},
            ],
        },
        {
            "name": "tags",
            "type": "class",
            "multiple": True,
            "labels": [{"name": "blurry"}, {"name": "dark"}, {"name": "cropped"}],
        },
        {
            "name": "objects",
            "type": "bbox",
            "labels": [{"name": "car", "hotkey": "c"}, {"name": "person"}, {"name": "bike"}],
        },
        {"name": "outline", "type": "polygon", "labels": [{"name": "road"}, {"name": "lane"}]},
        {"name": "joints", "type": "keypoint", "labels": [{"name": "nose"}, {"name": "eye"}]},
    ]
}
TEXT_SCHEMA: dict[str, Any] = {
    "controls": [
        {"name": "sentiment", "type": "class", "required": True, "labels": [{"name": "pos"}]},
        {"name": "entities", "type": "span", "labels": [{"name": "PER"}, {"name": "LOC"}]},
    ]
}
TEXT = "Alice went to Paris."
BOX = {"x": 10, "y": 20, "w": 30.5, "h": 40}
TRIANGLE = [[0, 0], [10, 0], [10, 10]]


def image_schema() -> LabelSchema:
    return parse_schema(copy.deepcopy(IMAGE_SCHEMA), kind="image")


def text_schema() -> LabelSchema:
    return parse_schema(copy.deepcopy(TEXT_SCHEMA), kind="text")


def schema_error(data: Any, kind: str = "image", **kwargs: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        parse_schema(data, kind=kind, **kwargs)
    return info.value


def with_change(path: str, value: Any) -> dict[str, Any]:
    return schema_json((path, value))


def schema_json(*edits: tuple[str, Any]) -> dict[str, Any]:
    """IMAGE_SCHEMA edited at paths like ``controls.2.labels.0.color``; ``...`` deletes."""
    data = copy.deepcopy(IMAGE_SCHEMA)
    for path, value in edits:
        *parents, last = (int(p) if p.isdigit() else p for p in path.split("."))
        target: Any = data
        for part in parents:
            target = target[part]
        if value is ...:
            del target[last]
        else:
            target[last] = value
    return data


# --- schema parsing ---------------------------------------------------------------------------


def test_a_valid_schema_parses_into_frozen_dataclasses() -> None:
    schema = image_schema()
    assert [c.name for c in schema.controls] == ["category", "tags", "objects", "outline", "joints"]
    assert schema.controls[0].labels[0] == Label("cat", "#e6194b", "1")
    assert schema.controls[1] == Control(
        "tags",
        "class",
        (
            Label("blurry", DEFAULT_COLORS[2]),
            Label("dark", DEFAULT_COLORS[3]),
            Label("cropped", DEFAULT_COLORS[4]),
        ),
        multiple=True,
    )
    with pytest.raises(AttributeError):
        schema.controls[0].name = "x"  # type: ignore[misc]


def test_to_json_fills_defaults_and_round_trips() -> None:
    canonical = image_schema().to_json()
    assert canonical["controls"][0] == {
        "name": "category",
        "type": "class",
        "multiple": False,
        "required": False,
        "labels": [
            {"name": "cat", "color": "#e6194b", "hotkey": "1"},
            {"name": "dog", "color": "#3cb44b", "hotkey": "2"},
        ],
    }
    assert "multiple" not in canonical["controls"][2]
    assert canonical["controls"][2]["labels"][1] == {
        "name": "person",
        "color": DEFAULT_COLORS[6],
        "hotkey": None,
    }
    assert parse_schema(canonical, kind="image").to_json() == canonical


def test_default_colours_follow_the_position_in_the_whole_schema() -> None:
    colors = [label.color for c in image_schema().controls for label in c.labels]
    assert colors[2:6] == list(DEFAULT_COLORS[2:6])


def test_text_schema_allows_class_and_span() -> None:
    schema = text_schema()
    assert [c.type for c in schema.controls] == ["class", "span"]
    assert schema.controls[0].required is True


@pytest.mark.parametrize(
    ("kind", "ctype", "message"),
    [
        ("text", "bbox", "must be one of: class, span"),
        ("text", "keypoint", "must be one of: class, span"),
        ("image", "span", "must be one of: class, bbox, polygon, keypoint"),
        ("image", "circle", "must be one of: class, bbox, polygon, keypoint"),
        ("image", 3, "must be one of: class, bbox, polygon, keypoint"),
    ],
)
def test_control_type_must_suit_the_item_kind(kind: str, ctype: Any, message: str) -> None:
    error = schema_error(with_change("controls.2.type", ctype), kind=kind)
    assert (error.field, error.message) == ("label_schema.controls[2].type", message)


def test_unknown_item_kind_is_rejected() -> None:
    error = schema_error(IMAGE_SCHEMA, kind="video")
    assert (error.field, error.message) == ("kind", "must be one of: image, text")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ([], "label_schema", "must be an object"),
        ({}, "label_schema.controls", "is required"),
        ({"controls": {}}, "label_schema.controls", "must be a list"),
        ({"controls": []}, "label_schema.controls", "must have 1 to 64 controls (got 0)"),
        ({"controls": [1]}, "label_schema.controls[0]", "must be an object"),
        ({"controls": [], "x": 1}, "label_schema.x", "unknown key (allowed: controls)"),
    ],
)
def test_schema_shape_errors_name_their_path(data: Any, field: str, message: str) -> None:
    error = schema_error(data)
    assert (error.field, error.message) == (field, message)


def test_more_than_64_controls_are_rejected() -> None:
    controls = [{"name": f"c{i}", "type": "bbox", "labels": [{"name": "a"}]} for i in range(65)]
    error = schema_error({"controls": controls})
    assert error.message == "must have 1 to 64 controls (got 65)"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("controls.0.colour", "#000000", "label_schema.controls[0].colour"),
        ("controls.0.labels.1.shortcut", "x", "label_schema.controls[0].labels[1].shortcut"),
    ],
)
def test_unknown_keys_are_rejected_at_their_path(path: str, value: Any, field: str) -> None:
    error = schema_error(with_change(path, value))
    assert error.field == field
    assert error.message.startswith("unknown key (allowed: ")


@pytest.mark.parametrize("name", ["", "has space", "x" * 65, "é", "a:b", 5, None])
def test_invalid_control_names_are_rejected(name: Any) -> None:
    error = schema_error(with_change("controls.1.name", name))
    assert error.field == "label_schema.controls[1].name"


@pytest.mark.parametrize("name", ["a", "x" * 64, "Objects_2-b"])
def test_control_names_of_1_to_64_safe_characters_are_accepted(name: str) -> None:
    assert parse_schema(with_change("controls.1.name", name), kind="image").controls[1].name == name


def test_duplicate_control_names_are_rejected() -> None:
    error = schema_error(with_change("controls.3.name", "objects"))
    assert error.field == "label_schema.controls[3].name"
    assert error.message == "duplicate control name 'objects' (also used by controls[2])"


def test_multiple_is_only_allowed_for_class_controls() -> None:
    error = schema_error(with_change("controls.2.multiple", True))
    assert (error.field, error.message) == (
        "label_schema.controls[2].multiple",
        "is only allowed for class controls",
    )
    assert parse_schema(with_change("controls.2.multiple", False), kind="image")


@pytest.mark.parametrize("key", ["multiple", "required"])
def test_flags_must_be_booleans(key: str) -> None:
    error = schema_error(with_change(f"controls.0.{key}", 1))
    assert (error.field, error.message) == (
        f"label_schema.controls[0].{key}",
        "must be true or false",
    )


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([], "must have 1 to 200 labels (got 0)"),
        ([{"name": f"l{i}"} for i in range(201)], "must have 1 to 200 labels (got 201)"),
        (None, "is required"),
    ],
)
def test_label_count_is_limited(labels: Any, message: str) -> None:
    error = schema_error(with_change("controls.2.labels", labels))
    assert (error.field, error.message) == ("label_schema.controls[2].labels", message)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("x" * 101, "must be at most 100 characters (got 101)"),
        ("a\nb", "must not contain control characters"),
        ("a\x00", "must not contain control characters"),
        (7, "must be a string"),
        (None, "is required"),
    ],
)
def test_invalid_label_names_are_rejected(name: Any, message: str) -> None:
    error = schema_error(with_change("controls.2.labels.1.name", name))
    assert (error.field, error.message) == ("label_schema.controls[2].labels[1].name", message)


def test_label_names_are_stripped_and_may_be_unicode() -> None:
    schema = parse_schema(
        with_change("controls.2.labels.1.name", "  traffic light 🚦 "), kind="image"
    )
    assert schema.controls[2].labels[1].name == "traffic light 🚦"
    assert parse_schema(with_change("controls.2.labels.1.name", "x" * 100), kind="image")


def test_duplicate_labels_within_a_control_are_rejected() -> None:
    error = schema_error(with_change("controls.2.labels.2.name", " car"))
    assert error.field == "label_schema.controls[2].labels[2].name"
    assert error.message == "duplicate label 'car' (also used by labels[0])"


def test_the_same_label_name_may_appear_in_different_controls() -> None:
    schema = parse_schema(with_change("controls.3.labels.0.name", "car"), kind="image")
    assert schema.controls[3].labels[0].name == "car"


@pytest.mark.parametrize("color", ["red", "#fff", "#gggggg", "e6194b", "#e6194b0", 123])
def test_invalid_colours_are_rejected(color: Any) -> None:
    error = schema_error(with_change("controls.0.labels.0.color", color))
    assert (error.field, error.message) == (
        "label_schema.controls[0].labels[0].color",
        "must be a colour like '#e6194b'",
    )


@pytest.mark.parametrize("hotkey", ["12", "", "\t", "\n", 1, True])
def test_hotkeys_must_be_one_printable_character(hotkey: Any) -> None:
    error = schema_error(with_change("controls.2.labels.1.hotkey", hotkey))
    assert (error.field, error.message) == (
        "label_schema.controls[2].labels[1].hotkey",
        "must be a single printable character or null",
    )


@pytest.mark.parametrize("hotkey", ["?", " "])
def test_reserved_hotkeys_are_rejected(hotkey: str) -> None:
    error = schema_error(with_change("controls.2.labels.1.hotkey", hotkey))
    assert error.field == "label_schema.controls[2].labels[1].hotkey"
    assert error.message == f"{hotkey!r} is reserved by the annotation UI"


@pytest.mark.parametrize(("hotkey", "first"), [("1", "1"), ("C", "c")])
def test_hotkeys_are_unique_across_the_schema_ignoring_case(hotkey: str, first: str) -> None:
    error = schema_error(with_change("controls.3.labels.1.hotkey", hotkey))
    assert error.field == "label_schema.controls[3].labels[1].hotkey"
    used_by = "controls[0].labels[0]" if first == "1" else "controls[2].labels[0]"
    assert error.message == f"duplicate hotkey {hotkey!r} (also used by {used_by})"


def test_hotkeys_may_be_null_or_any_printable_character() -> None:
    schema = parse_schema(with_change("controls.3.labels.1.hotkey", "ä"), kind="image")
    assert schema.controls[3].labels[1].hotkey == "ä"
    assert parse_schema(with_change("controls.0.labels.0.hotkey", None), kind="image")


def test_error_paths_use_the_given_prefix() -> None:
    error = schema_error(with_change("controls.0.labels.0.color", "red"), prefix="schema")
    assert error.field == "schema.controls[0].labels[0].color"
    error = schema_error(with_change("controls.3.labels.1.hotkey", "1"), prefix="schema")
    assert error.message == "duplicate hotkey '1' (also used by controls[0].labels[0])"


def test_schema_hash_is_sha256_of_the_canonical_form() -> None:
    digest = schema_hash(image_schema())
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    explicit = parse_schema(image_schema().to_json(), kind="image")
    assert schema_hash(explicit) == digest
    assert (
        schema_hash(parse_schema(with_change("controls.0.labels.0.color", "#e6194b"), kind="image"))
        == digest
    )
    changed = parse_schema(with_change("controls.0.labels.0.hotkey", "9"), kind="image")
    assert schema_hash(changed) != digest


# --- schema changes ---------------------------------------------------------------------------


def edited(*edits: tuple[str, Any]) -> LabelSchema:
    return parse_schema(schema_json(*edits), kind="image")


def test_removed_labels_lists_dropped_labels_and_all_labels_of_dropped_controls() -> None:
    new = edited(("controls.2.labels.1", ...), ("controls.3", ...))
    assert removed_labels(image_schema(), new) == [
        ("objects", "person"),
        ("outline", "road"),
        ("outline", "lane"),
    ]
    assert removed_labels(image_schema(), image_schema()) == []


def test_schema_change_without_used_removed_labels_passes() -> None:
    new = edited(("controls.2.labels.1", ...))
    check_schema_change(image_schema(), new, used={("objects", "car")}, mapping=None)


def test_schema_change_orphaning_used_labels_is_refused_with_details() -> None:
    new = edited(("controls.2.labels.1", ...), ("controls.3", ...))
    used = {("objects", "person"), ("outline", "lane"), ("objects", "car")}
    with pytest.raises(ValidationFailed) as info:
        check_schema_change(image_schema(), new, used=used, mapping={"outline:lane": None})
    error = info.value
    assert (error.code, error.field) == ("schema_orphans", "label_schema")
    assert error.details == {"orphaned": ["objects:person"]}
    assert "objects:person" in error.message


def test_schema_change_with_a_complete_mapping_passes() -> None:
    new = edited(("controls.2.labels.1", ...), ("controls.3", ...))
    used = {("objects", "person"), ("outline", "lane")}
    mapping = {"objects:person": "objects:bike", "outline:lane": None}
    check_schema_change(image_schema(), new, used=used, mapping=mapping)


def test_renaming_a_control_is_a_mapping_to_the_new_control() -> None:
    new = edited(("controls.2.name", "vehicles"))
    used = {("objects", "car")}
    with pytest.raises(ValidationFailed):
        check_schema_change(image_schema(), new, used=used, mapping=None)
    check_schema_change(image_schema(), new, used=used, mapping={"objects:car": "vehicles:car"})


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            {"objects:person": "objects:truck"},
            "target 'objects:truck' is not a label of the new schema",
        ),
        ({"objects:person": "nothing"}, "target 'nothing' is not a label of the new schema"),
        (
            {"objects:person": "outline:road"},
            "cannot map a bbox label to 'outline:road', a polygon label",
        ),
        ({"objects:car": None}, "'objects:car' is not a label removed by this change"),
        ({"person": None}, "'person' is not a label removed by this change"),
    ],
)
def test_invalid_mappings_are_rejected(mapping: dict[str, str | None], message: str) -> None:
    new = edited(("controls.2.labels.1", ...))
    with pytest.raises(ValidationFailed) as info:
        check_schema_change(image_schema(), new, used={("objects", "person")}, mapping=mapping)
    assert info.value.field == f"mapping.{next(iter(mapping))}"
    assert info.value.message == message


def test_changing_the_type_of_a_used_control_is_refused() -> None:
    new = edited(("controls.3.type", "bbox"))
    with pytest.raises(ValidationFailed) as info:
        check_schema_change(image_schema(), new, used={("outline", "road")}, mapping=None)
    assert info.value.code == "schema_type_change"
    assert info.value.field == "label_schema.controls[3].type"
    check_schema_change(image_schema(), new, used={("objects", "car")}, mapping=None)


def test_remap_result_relabels_moves_and_drops_regions_without_touching_the_input() -> None:
    result: list[dict[str, Any]] = [
        {"control": "objects", "type": "bbox", "id": "a", "label": "person", "bbox": BOX},
        {"control": "objects", "type": "bbox", "label": "car", "bbox": BOX},
        {"control": "outline", "type": "polygon", "label": "lane", "points": TRIANGLE},
    ]
    before = copy.deepcopy(result)
    mapping: dict[str, str | None] = {"objects:person": "objects:bike", "outline:lane": None}
    assert remap_result(result, mapping) == [
        {"control": "objects", "type": "bbox", "id": "a", "label": "bike", "bbox": BOX},
        {"control": "objects", "type": "bbox", "label": "car", "bbox": BOX},
    ]
    assert result == before


def test_remap_result_merges_and_splits_class_regions_keeping_ids_unique() -> None:
    result = [
        {"control": "tags", "type": "class", "id": "t", "labels": ["blurry", "dark"]},
        {"control": "category", "type": "class", "id": "c", "labels": ["cat"]},
    ]
    mapping: dict[str, str | None] = {"tags:dark": "extra:night", "category:cat": "tags:feline"}
    assert remap_result(result, mapping) == [
        {"control": "tags", "type": "class", "id": "t", "labels": ["blurry", "feline"]},
        {"control": "extra", "type": "class", "labels": ["night"]},
    ]
    assert remap_result(result, {"category:cat": None}) == result[:1]


# --- results ----------------------------------------------------------------------------------

FULL_RESULT: list[dict[str, Any]] = [
    {"control": "category", "type": "class", "labels": ["cat"]},
    {"control": "objects", "type": "bbox", "label": "car", "bbox": BOX},
    {"control": "outline", "type": "polygon", "label": "road", "points": TRIANGLE},
    {"control": "joints", "type": "keypoint", "label": "nose", "point": {"x": 5, "y": 6}},
    {"id": "r1", "score": 0.9, "control": "tags", "type": "class", "labels": ["cropped", "blurry"]},
]


def check(result: Any, schema: LabelSchema | None = None, **kwargs: Any) -> list[dict[str, Any]]:
    kwargs.setdefault("width", 640)
    kwargs.setdefault("height", 480)
    return validate_result(schema or image_schema(), result, **kwargs)


def result_error(result: Any, schema: LabelSchema | None = None, **kw: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        check(result, schema, **kw)
    return info.value


def region(index: int, **changes: Any) -> list[dict[str, Any]]:
    """FULL_RESULT with region ``index`` changed; a change to ``...`` removes the key."""
    result = copy.deepcopy(FULL_RESULT)
    for key, value in changes.items():
        if value is ...:
            del result[index][key]
        else:
            result[index][key] = value
    return result


def test_a_valid_result_is_returned_in_canonical_form() -> None:
    assert check(FULL_RESULT) == [
        {"control": "category", "type": "class", "labels": ["cat"]},
        {"control": "objects", "type": "bbox", "label": "car", "bbox": BOX},
        {"control": "outline", "type": "polygon", "label": "road", "points": TRIANGLE},
        {
            "control": "joints",
            "type": "keypoint",
            "label": "nose",
            "point": {"x": 5, "y": 6},
            "visible": True,
        },
        {
            "control": "tags",
            "type": "class",
            "id": "r1",
            "score": 0.9,
            "labels": ["blurry", "cropped"],
        },
    ]
    assert list(check(FULL_RESULT)[4]) == ["control", "type", "id", "score", "labels"]


def test_canonical_form_is_idempotent() -> None:
    messy = region(1, bbox={"x": -0.3, "y": 20.123, "w": 30.456, "h": 459.9})
    once = check(messy)
    assert check(once) == once
    assert check(copy.deepcopy(FULL_RESULT)) == check(check(FULL_RESULT))


def test_validation_does_not_modify_its_input() -> None:
    result = region(4, labels=["dark", "blurry", "dark"])
    before = copy.deepcopy(result)
    check(result)
    assert result == before


def test_floats_are_rounded_to_two_decimals_and_ints_kept() -> None:
    out = check(region(1, bbox={"x": 10.004, "y": 20, "w": 30.556, "h": 1e-3 + 40}))
    assert out[1]["bbox"] == {"x": 10.0, "y": 20, "w": 30.56, "h": 40.0}
    assert type(out[1]["bbox"]["y"]) is int


@pytest.mark.parametrize("bad", [True, False, float("nan"), float("inf"), -float("inf"), "3", None])
def test_non_numbers_bools_and_non_finite_coordinates_are_rejected(bad: Any) -> None:
    error = result_error(region(1, bbox={**BOX, "w": bad}))
    assert error.field == "result[1].bbox.w"
    expected = "must be a finite number" if isinstance(bad, float) else "must be a number"
    assert error.message == expected


def test_missing_box_fields_are_reported_by_key() -> None:
    error = result_error(region(1, bbox={"x": 1, "y": 2, "w": 3}))
    assert (error.field, error.message) == ("result[1].bbox.h", "is required")


@pytest.mark.parametrize(
    ("index", "changes", "field"),
    [
        (1, {"colour": "red"}, "result[1].colour"),
        (0, {"label": "cat"}, "result[0].label"),
        (1, {"labels": ["car"]}, "result[1].labels"),
        (1, {"bbox": {**BOX, "z": 1}}, "result[1].bbox.z"),
        (3, {"point": {"x": 1, "y": 2, "z": 3}}, "result[3].point.z"),
    ],
)
def test_unknown_keys_in_regions_are_rejected(
    index: int, changes: dict[str, Any], field: str
) -> None:
    error = result_error(region(index, **changes))
    assert error.field == field
    assert error.message.startswith("unknown key")


@pytest.mark.parametrize(
    ("result", "field", "message"),
    [
        ({}, "result", "must be a list of regions"),
        ([[]], "result[0]", "must be an object"),
        ([{"type": "bbox"}], "result[0].control", "is required"),
        ([{"control": 1}], "result[0].control", "must be a string"),
        (
            [{"control": "cars", "type": "bbox"}],
            "result[0].control",
            "unknown control 'cars' (known: category, tags, objects, outline, joints)",
        ),
        ([{"control": "objects"}], "result[0].type", "is required"),
        ([{"control": "objects", "type": "polygon"}], "result[0].type", "must be 'bbox'"),
    ],
)
def test_region_shape_errors_name_their_path(result: Any, field: str, message: str) -> None:
    error = result_error(result)
    assert (error.field, error.message) == (field, message)


def test_unknown_labels_list_the_known_ones() -> None:
    error = result_error(region(1, label="dog"))
    assert (error.field, error.message) == (
        "result[1].label",
        "unknown label 'dog' for control 'objects' (known: car, person, bike)",
    )


def test_long_known_label_lists_are_truncated() -> None:
    labels = [{"name": f"l{i}"} for i in range(25)]
    schema = parse_schema(
        {"controls": [{"name": "c", "type": "bbox", "labels": labels}]}, kind="image"
    )
    error = result_error([{"control": "c", "type": "bbox", "label": "x", "bbox": BOX}], schema)
    assert error.message.endswith("l18, l19, ... (5 more))")


@pytest.mark.parametrize(
    ("labels", "field", "message"),
    [
        (
            ["cat", "dog"],
            "result[0].labels",
            "must have exactly one label (control 'category' is single-choice, got 2)",
        ),
        (
            [],
            "result[0].labels",
            "must have exactly one label (control 'category' is single-choice, got 0)",
        ),
        (
            ["cat", "mouse"],
            "result[0].labels[1]",
            "unknown label 'mouse' for control 'category' (known: cat, dog)",
        ),
        (["cat", 3], "result[0].labels[1]", "must be a string"),
        ("cat", "result[0].labels", "must be a list"),
        (None, "result[0].labels", "is required"),
    ],
)
def test_single_choice_class_needs_exactly_one_known_label(
    labels: Any, field: str, message: str
) -> None:
    error = result_error(region(0, labels=labels))
    assert (error.field, error.message) == (field, message)


def test_multi_choice_labels_are_deduplicated_in_schema_order() -> None:
    out = check(region(4, labels=["cropped", "dark", "cropped", "blurry"]))
    assert out[4]["labels"] == ["blurry", "dark", "cropped"]
    assert check(region(0, labels=["cat", "cat"]))[0]["labels"] == ["cat"]
    error = result_error(region(4, labels=[]))
    assert (error.field, error.message) == ("result[4].labels", "must have at least one label")


def test_a_class_control_may_have_only_one_region() -> None:
    result = [*FULL_RESULT, {"control": "category", "type": "class", "labels": ["dog"]}]
    error = result_error(result)
    assert (error.field, error.message) == (
        "result[5].control",
        "duplicate region for class control 'category' (also result[0])",
    )


def test_other_controls_may_have_many_regions() -> None:
    boxes = [{"control": "objects", "type": "bbox", "label": "car", "bbox": BOX}] * 3
    assert len(check(boxes)) == 3


@pytest.mark.parametrize(
    ("bbox", "field", "message"),
    [
        ({**BOX, "w": 0}, "result[1].bbox.w", "must be > 0"),
        ({**BOX, "h": -4}, "result[1].bbox.h", "must be > 0"),
        (
            {**BOX, "x": 600, "w": 100},
            "result[1].bbox.w",
            "box exceeds image width 640 (x + w = 700.0)",
        ),
        (
            {**BOX, "y": 470.5, "h": 10.1},
            "result[1].bbox.h",
            "box exceeds image height 480 (y + h = 480.6)",
        ),
        ({**BOX, "x": 700}, "result[1].bbox.w", "box exceeds image width 640 (x + w = 730.5)"),
        ({**BOX, "x": -1}, "result[1].bbox.x", "must be >= 0 (got -1)"),
        ({**BOX, "y": -0.51}, "result[1].bbox.y", "must be >= 0 (got -0.51)"),
        (
            {**BOX, "x": 640.2, "w": 0.1},
            "result[1].bbox.w",
            "must be > 0 once clamped to the image",
        ),
    ],
)
def test_bbox_outside_image_is_rejected_with_its_path(
    bbox: dict[str, Any], field: str, message: str
) -> None:
    error = result_error(region(1, bbox=bbox))
    assert (error.field, error.message) == (field, message)


def test_bbox_within_half_a_pixel_of_the_edge_is_clamped() -> None:
    out = check(region(1, bbox={"x": -0.5, "y": 440.25, "w": 640.5, "h": 40.2}))
    assert out[1]["bbox"] == {"x": 0, "y": 440.25, "w": 640.0, "h": 39.75}
    exact = check(region(1, bbox={"x": 0, "y": 0, "w": 640, "h": 480}))
    assert exact[1]["bbox"] == {"x": 0, "y": 0, "w": 640, "h": 480}


def test_without_image_size_only_the_lower_bounds_and_a_sanity_cap_apply() -> None:
    far = region(1, bbox={**BOX, "x": 5000})
    assert check(far, width=None, height=None)[1]["bbox"]["x"] == 5000
    error = result_error(region(1, bbox={**BOX, "x": 2e6}), width=None, height=None)
    assert error.message == "box exceeds maximum coordinate 1000000 (x + w = 2000030.5)"
    assert result_error(region(1, bbox={**BOX, "x": -3}), width=None).field == "result[1].bbox.x"


@pytest.mark.parametrize(
    ("points", "field", "message"),
    [
        ([[0, 0], [1, 1]], "result[2].points", "must have 3 to 1000 points (got 2)"),
        ([[0, 0], [1, 1]] * 501, "result[2].points", "must have 3 to 1000 points (got 1002)"),
        ([[0, 0], [1, 0], [1]], "result[2].points[2]", "must be a pair [x, y]"),
        ([[0, 0], [1, 0], {"x": 1}], "result[2].points[2]", "must be a pair [x, y]"),
        (
            [[0, 0], [1, 0], [1, 1], [2, 2], [3, 3], [4, 490]],
            "result[2].points[5][1]",
            "must be <= image height 480 (got 490)",
        ),
        ([[0, 0], [-2, 0], [1, 1]], "result[2].points[1][0]", "must be >= 0 (got -2)"),
        ([[0, 0], [1, 0], [1, True]], "result[2].points[2][1]", "must be a number"),
        (
            [[0, 0], [5, 5], [10, 10], [2.5, 2.5]],
            "result[2].points",
            "must not all lie on one line (polygon area must be > 0)",
        ),
        (
            [[3, 3], [3, 3], [3, 3]],
            "result[2].points",
            "must not all lie on one line (polygon area must be > 0)",
        ),
        ("0,0", "result[2].points", "must be a list"),
    ],
)
def test_invalid_polygons_are_rejected_with_point_paths(
    points: Any, field: str, message: str
) -> None:
    error = result_error(region(2, points=points))
    assert (error.field, error.message) == (field, message)


def test_polygon_points_near_the_edge_are_clamped() -> None:
    out = check(region(2, points=[[-0.4, 0], [640.5, 0], [320, 480.2]]))
    assert out[2]["points"] == [[0, 0], [640, 0], [320, 480]]


def test_a_thin_but_real_triangle_is_accepted() -> None:
    assert check(region(2, points=[[0, 0], [100, 0], [50, 0.01]]))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"point": {"x": 641, "y": 1}},
            "result[3].point.x",
            "must be <= image width 640 (got 641)",
        ),
        ({"point": {"x": 1}}, "result[3].point.y", "is required"),
        ({"point": None}, "result[3].point", "is required"),
        ({"point": [1, 2]}, "result[3].point", "must be an object"),
        ({"visible": "yes"}, "result[3].visible", "must be true or false"),
        ({"label": None}, "result[3].label", "is required"),
        ({"label": 1}, "result[3].label", "must be a string"),
    ],
)
def test_invalid_keypoints_are_rejected(changes: dict[str, Any], field: str, message: str) -> None:
    error = result_error(region(3, **changes))
    assert (error.field, error.message) == (field, message)


def test_keypoint_visibility_is_kept() -> None:
    assert check(region(3, visible=False))[3]["visible"] is False


def span(**changes: Any) -> list[dict[str, Any]]:
    base = {"control": "entities", "type": "span", "label": "PER", "start": 0, "end": 5}
    return [{"control": "sentiment", "type": "class", "labels": ["pos"]}, {**base, **changes}]


def span_error(item_text: str | None = TEXT, **changes: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        validate_result(text_schema(), span(**changes), text=item_text)
    return info.value


def test_a_valid_span_keeps_a_matching_text() -> None:
    out = validate_result(text_schema(), span(text="Alice"), text=TEXT)
    assert out[1] == {
        "control": "entities",
        "type": "span",
        "label": "PER",
        "start": 0,
        "end": 5,
        "text": "Alice",
    }
    assert validate_result(text_schema(), out, text=TEXT) == out


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": 0}, "result[1].end", "must be > start (0)"),
        ({"start": 5, "end": 5}, "result[1].end", "must be > start (5)"),
        ({"start": -1}, "result[1].start", "must be >= 0 (got -1)"),
        ({"end": 21}, "result[1].end", "must be <= text length 20 (got 21)"),
        ({"start": 1.0}, "result[1].start", "must be an integer"),
        ({"end": True}, "result[1].end", "must be an integer"),
        ({"end": None}, "result[1].end", "is required"),
        ({"text": "Alic"}, "result[1].text", "must equal the item text at [0:5], 'Alice'"),
        ({"text": 5}, "result[1].text", "must be a string"),
        (
            {"label": "ORG"},
            "result[1].label",
            "unknown label 'ORG' for control 'entities' (known: PER, LOC)",
        ),
    ],
)
def test_invalid_spans_are_rejected(changes: dict[str, Any], field: str, message: str) -> None:
    error = span_error(**changes)
    assert (error.field, error.message) == (field, message)


def test_span_offsets_are_code_points() -> None:
    text = "😀 Bob"  # the emoji is two UTF-16 units in JavaScript but one str index
    out = validate_result(text_schema(), span(start=2, end=5, text="Bob"), text=text)
    assert (out[1]["start"], out[1]["end"]) == (2, 5)


def test_spans_are_not_bounded_without_the_text() -> None:
    assert validate_result(text_schema(), span(end=500, text="anything"))[1]["end"] == 500


def test_a_required_control_must_have_a_region() -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_result(text_schema(), span()[1:], text=TEXT)
    assert (info.value.field, info.value.message) == (
        "result",
        "required control 'sentiment' has no region",
    )


def test_required_applies_to_any_control_type() -> None:
    required = parse_schema(schema_json(("controls.2.required", True)), kind="image")
    error = result_error(FULL_RESULT[:1], required)
    assert (error.field, error.message) == ("result", "required control 'objects' has no region")
    assert check(FULL_RESULT[:2], required)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id": ""}, "result[1].id", "must be a string of 1 to 64 characters"),
        ({"id": "x" * 65}, "result[1].id", "must be a string of 1 to 64 characters"),
        ({"id": 7}, "result[1].id", "must be a string of 1 to 64 characters"),
        ({"id": "r1"}, "result[4].id", "duplicate id 'r1' (also result[1])"),
        ({"score": 1.5}, "result[1].score", "must be between 0 and 1 (got 1.5)"),
        ({"score": -0.01}, "result[1].score", "must be between 0 and 1 (got -0.01)"),
        ({"score": True}, "result[1].score", "must be a number"),
    ],
)
def test_region_ids_and_scores_are_checked(
    changes: dict[str, Any], field: str, message: str
) -> None:
    error = result_error(region(1, **changes))
    assert (error.field, error.message) == (field, message)


def test_ids_and_scores_are_kept() -> None:
    out = check(region(1, id="x" * 64, score=0.123))
    assert (out[1]["id"], out[1]["score"]) == ("x" * 64, 0.12)
    assert check(region(1, score=1))[1]["score"] == 1


def test_results_are_limited_to_10000_regions() -> None:
    box = {"control": "objects", "type": "bbox", "label": "car", "bbox": BOX}
    assert len(check([box] * 10_000)) == 10_000
    error = result_error([box] * 10_001)
    assert (error.field, error.message) == ("result", "must have at most 10000 regions (got 10001)")


def test_an_empty_result_is_valid_without_required_controls() -> None:
    assert check([]) == []


def test_result_labels_lists_every_control_label_pair() -> None:
    assert result_labels(check(FULL_RESULT)) == [
        ("category", "cat"),
        ("objects", "car"),
        ("outline", "road"),
        ("joints", "nose"),
        ("tags", "blurry"),
        ("tags", "cropped"),
    ]


def test_validating_a_three_box_result_takes_microseconds() -> None:
    schema = image_schema()
    boxes = [
        {"control": "objects", "type": "bbox", "id": str(i), "label": "car", "bbox": BOX}
        for i in range(3)
    ]
    validate_result(schema, boxes, width=640, height=480)
    runs = 2000
    started = time.perf_counter()
    for _ in range(runs):
        validate_result(schema, boxes, width=640, height=480)
    per_call = (time.perf_counter() - started) / runs
    # ~10 us on a laptop; the bound leaves room for slow CI machines.
    assert per_call < 200e-6
