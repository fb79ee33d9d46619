"""Inter-annotator agreement and consensus (pure Python, no database)."""

from __future__ import annotations

import random
import time
from itertools import permutations
from typing import Any

import pytest

from labeling.agreement import (
    Box,
    Span,
    box_agreement,
    class_agreement,
    class_item_agreement,
    consensus,
    iou,
    item_agreement,
    match_boxes,
    span_agreement,
)
from labeling.schemas import LabelSchema, parse_schema


def schema(*controls: dict[str, Any], kind: str = "image") -> LabelSchema:
    return parse_schema({"controls": list(controls)}, kind=kind)


def labels(*names: str) -> list[dict[str, str]]:
    return [{"name": name} for name in names]


CATEGORY = {"name": "category", "type": "class", "labels": labels("cat", "dog", "bird")}
TAGS = {"name": "tags", "type": "class", "multiple": True, "labels": labels("a", "b", "c")}
OBJECTS = {"name": "objects", "type": "bbox", "labels": labels("car", "person")}
OUTLINE = {"name": "outline", "type": "polygon", "labels": labels("road")}
JOINTS = {"name": "joints", "type": "keypoint", "labels": labels("nose")}
ENTITIES = {"name": "entities", "type": "span", "labels": labels("PER", "LOC")}
IMAGE = schema(CATEGORY, TAGS, OBJECTS, OUTLINE, JOINTS)
TEXT = schema(CATEGORY, ENTITIES, kind="text")


def cls(control: str, *names: str) -> dict[str, Any]:
    return {"control": control, "type": "class", "labels": list(names)}


def bbox(label: str, x: float, y: float, w: float, h: float) -> dict[str, Any]:
    box = {"x": x, "y": y, "w": w, "h": h}
    return {"control": "objects", "type": "bbox", "label": label, "bbox": box}


def polygon(*points: tuple[float, float]) -> dict[str, Any]:
    corners = [list(point) for point in points]
    return {"control": "outline", "type": "polygon", "label": "road", "points": corners}


def ent(label: str, start: int, end: int) -> dict[str, Any]:
    return {"control": "entities", "type": "span", "label": label, "start": start, "end": end}


# --- Krippendorff's alpha ---------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four coders,
# twelve units, nominal data with missing values; the paper works it through to alpha = 0.743.
KRIPPENDORFF_CODERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_class_agreement_matches_krippendorffs_worked_nominal_example() -> None:
    items = [
        [None if v is None else str(v) for v in unit]
        for unit in zip(*KRIPPENDORFF_CODERS, strict=True)
    ]
    alpha = class_agreement(items)
    assert alpha is not None
    assert round(alpha, 3) == 0.743


def test_class_agreement_is_one_for_perfect_agreement_and_negative_for_systematic_swaps() -> None:
    assert class_agreement([["a", "a"], ["b", "b"], ["a", "a", None]]) == 1.0
    assert class_agreement([["a", "b"], ["b", "a"]]) == pytest.approx(-0.5)


@pytest.mark.parametrize(
    "ratings",
    [
        [],
        [[]],
        [["a"], ["b", None], [None, None]],  # no item has two ratings
        [["a", "a"], ["a", "a", "a"]],  # no variation: expected disagreement is zero
    ],
)
def test_class_agreement_is_none_where_undefined(ratings: list[list[str | None]]) -> None:
    assert class_agreement(ratings) is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a", "a", "a"], 1.0),
        (["a", "a", "b"], 1 / 3),
        (["a", "b", "c"], 0.0),
        (["a", None, "a"], 1.0),
        (["a", "a", "b", "b"], 2 / 6),
        (["a", None], None),
        ([], None),
    ],
)
def test_class_item_agreement_is_the_fraction_of_agreeing_pairs(
    values: list[str | None], expected: float | None
) -> None:
    assert class_item_agreement(values) == (None if expected is None else pytest.approx(expected))


# --- boxes ------------------------------------------------------------------------------------


def test_iou_of_overlapping_touching_and_identical_boxes() -> None:
    a = Box("car", 0, 0, 10, 10)
    assert iou(a, a) == 1.0
    assert iou(a, Box("car", 5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert iou(a, Box("car", 10, 0, 10, 10)) == 0.0
    assert iou(a, Box("person", 2, 2, 5, 5)) == pytest.approx(25 / 100)


def test_box_agreement_of_empty_lists() -> None:
    assert box_agreement([], []) == 1.0
    assert box_agreement([Box("car", 0, 0, 1, 1)], []) == 0.0


def test_box_agreement_only_matches_boxes_of_the_same_label() -> None:
    assert box_agreement([Box("car", 0, 0, 10, 10)], [Box("person", 0, 0, 10, 10)]) == 0.0


def test_unmatched_boxes_count_as_zero() -> None:
    a = [Box("car", 0, 0, 10, 10), Box("car", 50, 50, 10, 10)]
    b = [Box("car", 0, 0, 10, 10)]
    assert box_agreement(a, b) == 0.5
    assert box_agreement(b, a) == 0.5


def test_box_agreement_uses_the_optimal_not_the_greedy_matching() -> None:
    # Greedy takes the best pair (a0, b0) = 0.6 first and leaves a1-b1 with 0; the optimum
    # pairs a0-b1 and a1-b0.
    a = [Box("car", 0, 0, 10, 10), Box("car", 6, 0, 10, 10)]
    b = [Box("car", 2.5, 0, 10, 10), Box("car", -4, 0, 10, 10)]
    assert iou(a[0], b[0]) > iou(a[0], b[1])
    greedy = (iou(a[0], b[0]) + iou(a[1], b[1])) / 2
    optimal = (iou(a[0], b[1]) + iou(a[1], b[0])) / 2
    assert optimal > greedy
    assert box_agreement(a, b) == pytest.approx(optimal)


def brute_force(a: list[Box], b: list[Box]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    best = 0.0
    for chosen in permutations(range(len(large)), len(small)):
        total = 0.0
        for box, j in zip(small, chosen, strict=True):
            total += iou(box, large[j]) if box.label == large[j].label else 0.0
        best = max(best, total)
    return best / max(len(a), len(b))


def random_boxes(rng: random.Random, n: int) -> list[Box]:
    return [
        Box(rng.choice("ab"), rng.uniform(0, 30), rng.uniform(0, 30), rng.uniform(1, 15), 10)
        for _ in range(n)
    ]


@pytest.mark.parametrize("seed", range(40))
def test_box_agreement_equals_exhaustive_search_on_small_random_cases(seed: int) -> None:
    rng = random.Random(seed)
    a, b = random_boxes(rng, rng.randint(0, 6)), random_boxes(rng, rng.randint(1, 6))
    assert box_agreement(a, b) == pytest.approx(brute_force(a, b))


def test_match_boxes_respects_the_minimum_iou_and_is_one_to_one() -> None:
    a = [Box("car", 0, 0, 10, 10)]
    b = [Box("car", 0, 0, 10, 10), Box("car", 1, 0, 10, 10), Box("car", 5, 0, 10, 10)]
    assert match_boxes(a, b) == [(0, 0, 1.0)]
    assert match_boxes([Box("car", 0, 0, 10, 10)], b[2:], min_iou=0.5) == []


def test_box_agreement_on_a_hundred_boxes_is_fast() -> None:
    rng = random.Random(7)
    a = [Box("car", rng.uniform(0, 900), rng.uniform(0, 900), 60, 60) for _ in range(100)]
    b = [Box("car", x + rng.uniform(-5, 5), y, w, h) for _, x, y, w, h in a]
    rng.shuffle(b)
    clustered = [Box("car", 10 + i, 10, 50, 50) for i in range(100)]
    started = time.perf_counter()
    assert box_agreement(a, b) > 0.7
    assert box_agreement(clustered, clustered[::-1]) == pytest.approx(1.0)
    assert time.perf_counter() - started < 1.5


# --- spans ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([], [], 1.0),
        ([Span(0, 5, "PER")], [], 0.0),
        ([Span(0, 5, "PER")], [Span(0, 5, "PER")], 1.0),
        ([Span(0, 5, "PER")], [Span(0, 5, "LOC")], 0.0),
        ([Span(0, 5, "PER")], [Span(0, 4, "PER")], 0.0),
        ([Span(0, 5, "PER"), Span(6, 9, "LOC")], [Span(0, 5, "PER")], 2 / 3),
        ([Span(0, 5, "PER"), Span(0, 5, "PER")], [Span(0, 5, "PER")], 2 / 3),
    ],
)
def test_span_agreement_is_the_f1_of_exact_matches(
    a: list[Span], b: list[Span], expected: float
) -> None:
    assert span_agreement(a, b) == pytest.approx(expected)


# --- item agreement ---------------------------------------------------------------------------


def test_item_agreement_needs_two_results() -> None:
    assert item_agreement(IMAGE, []) is None
    assert item_agreement(IMAGE, [[cls("category", "cat")]]) is None


def test_item_agreement_for_a_single_choice_class_is_the_fraction_of_agreeing_pairs() -> None:
    results = [[cls("category", "cat")], [cls("category", "cat")], [cls("category", "dog")]]
    assert item_agreement(IMAGE, results) == pytest.approx(1 / 3)


def test_a_missing_class_region_disagrees_with_a_present_one() -> None:
    assert item_agreement(IMAGE, [[cls("category", "cat")], []]) == 0.0


def test_multi_choice_class_pairs_score_their_jaccard_index() -> None:
    results = [[cls("tags", "a", "b")], [cls("tags", "b", "c")]]
    assert item_agreement(IMAGE, results) == pytest.approx(1 / 3)


def test_item_agreement_averages_controls_and_skips_unused_ones() -> None:
    first = [cls("category", "cat"), bbox("car", 0, 0, 10, 10)]
    second = [cls("category", "cat"), bbox("car", 5, 0, 10, 10)]
    assert item_agreement(IMAGE, [first, second]) == pytest.approx((1 + 50 / 150) / 2)


def test_polygons_are_compared_by_their_bounding_boxes() -> None:
    a = [polygon((0, 0), (10, 0), (10, 10))]
    b = [polygon((0, 0), (10, 10), (0, 10))]
    assert item_agreement(IMAGE, [a, b]) == 1.0


def test_spans_are_scored_by_f1() -> None:
    a = [cls("category", "cat"), ent("PER", 0, 5), ent("LOC", 14, 19)]
    b = [cls("category", "cat"), ent("PER", 0, 5)]
    assert item_agreement(TEXT, [a, b]) == pytest.approx((1 + 2 / 3) / 2)


def test_all_empty_results_agree_and_keypoint_only_schemas_are_not_scored() -> None:
    assert item_agreement(IMAGE, [[], [], []]) == 1.0
    keypoints = {
        "control": "joints",
        "type": "keypoint",
        "label": "nose",
        "point": {"x": 1, "y": 1},
    }
    assert item_agreement(schema(JOINTS), [[keypoints], []]) is None
    assert item_agreement(IMAGE, [[keypoints], []]) == 1.0


# --- consensus --------------------------------------------------------------------------------


def test_consensus_of_one_result_is_that_result() -> None:
    result = [cls("category", "dog"), bbox("car", 1, 2, 3, 4)]
    assert consensus(IMAGE, [result]) == result
    assert consensus(IMAGE, []) is None


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        (["cat", "cat", "dog"], [cls("category", "cat")]),
        (["cat", "dog", "bird", "cat"], [cls("category", "cat")]),
        ([None, None, "dog"], []),
        (["cat", "dog"], None),
        (["cat", "dog", "bird"], None),
        (["cat", None], None),
    ],
)
def test_single_choice_class_consensus_is_a_plurality_vote_with_ties_needing_review(
    votes: list[str | None], expected: list[dict[str, Any]] | None
) -> None:
    results = [[cls("category", v)] if v else [] for v in votes]
    assert consensus(IMAGE, results) == expected


def test_a_required_class_control_without_a_winning_label_needs_review() -> None:
    required = schema({**CATEGORY, "required": True})
    assert consensus(required, [[], [], [cls("category", "cat")]]) is None


def test_multi_choice_class_consensus_keeps_labels_chosen_by_a_strict_majority() -> None:
    results = [[cls("tags", "a", "c")], [cls("tags", "a", "b")], [cls("tags", "c", "a")]]
    assert consensus(IMAGE, results) == [cls("tags", "a", "c")]
    assert consensus(IMAGE, [[cls("tags", "a")], [cls("tags", "a", "b")]]) is None


def test_box_consensus_averages_majority_clusters_and_drops_the_rest() -> None:
    results = [
        [bbox("car", 0, 0, 10, 10), bbox("person", 100, 100, 20, 40)],
        [bbox("car", 1, 0, 10, 10), bbox("car", 300, 300, 5, 5)],
        [bbox("car", 2, 1, 10, 11), bbox("person", 0, 0, 10, 10)],
    ]
    assert consensus(IMAGE, results) == [bbox("car", 1, 0.33, 10, 10.33)]


def test_boxes_the_first_annotator_missed_still_form_clusters() -> None:
    results = [
        [],
        [bbox("car", 50, 50, 10, 10)],
        [bbox("car", 51, 50, 10, 10)],
    ]
    assert consensus(IMAGE, results) == [bbox("car", 50.5, 50, 10, 10)]


def test_boxes_below_half_iou_do_not_cluster() -> None:
    results = [[bbox("car", 0, 0, 10, 10)], [bbox("car", 6, 0, 10, 10)]]
    assert consensus(IMAGE, results) == []


def test_polygon_consensus_keeps_the_earliest_annotators_polygon() -> None:
    first = polygon((0, 0), (10, 0), (10, 10))
    second = polygon((0, 0), (10, 0), (10, 10), (5, 10))
    assert consensus(IMAGE, [[first], [second], []]) == [first]
    assert consensus(IMAGE, [[first], [], []]) == []


def test_span_consensus_keeps_spans_marked_by_a_strict_majority_in_text_order() -> None:
    results = [
        [cls("category", "cat"), ent("LOC", 14, 19), ent("PER", 0, 5)],
        [cls("category", "cat"), ent("PER", 0, 5), ent("LOC", 14, 19), ent("PER", 6, 8)],
        [cls("category", "cat"), ent("PER", 0, 4)],
    ]
    assert consensus(TEXT, results) == [
        cls("category", "cat"),
        ent("PER", 0, 5),
        ent("LOC", 14, 19),
    ]


def test_keypoints_need_review() -> None:
    point = {"control": "joints", "type": "keypoint", "label": "nose", "point": {"x": 1, "y": 1}}
    assert consensus(IMAGE, [[point], [point]]) is None


def test_consensus_is_deterministic() -> None:
    rng = random.Random(3)
    results = [
        [bbox("car", rng.uniform(0, 50), rng.uniform(0, 50), 20, 20) for _ in range(8)]
        for _ in range(3)
    ]
    first = consensus(IMAGE, results)
    assert first
    assert all(consensus(IMAGE, results) == first for _ in range(5))
