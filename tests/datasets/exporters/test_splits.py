from __future__ import annotations

from collections import Counter

import pytest

from datasets.exporters.splits import split_of, split_point

RATIOS = {"train": 0.8, "val": 0.1, "test": 0.1}


def test_splits_are_stable_when_items_are_added():
    before = {f"1/{i}": split_of(f"1/{i}", RATIOS) for i in range(1000)}
    after = {f"1/{i}": split_of(f"1/{i}", RATIOS) for i in range(5000)}
    assert {k: after[k] for k in before} == before


def test_splits_roughly_follow_the_ratios_on_ten_thousand_ids():
    counts = Counter(split_of(f"item-{i}", RATIOS) for i in range(10_000))
    assert counts["train"] == pytest.approx(8000, abs=200)
    assert counts["val"] == pytest.approx(1000, abs=120)
    assert counts["test"] == pytest.approx(1000, abs=120)


def test_ratios_are_relative_and_missing_or_zero_splits_get_nothing():
    counts = Counter(split_of(str(i), {"train": 3, "test": 1, "val": 0}) for i in range(4000))
    assert set(counts) == {"train", "test"}
    assert counts["train"] == pytest.approx(3000, abs=150)
    assert {split_of(str(i), {"val": 1}) for i in range(100)} == {"val"}


def test_split_points_lie_in_the_unit_interval_and_depend_only_on_the_id():
    points = [split_point(str(i)) for i in range(1000)]
    assert all(0 <= p < 1 for p in points)
    assert split_point("abc") == split_point("abc")


@pytest.mark.parametrize(
    ("ratios", "message"),
    [({"dev": 1}, "unknown splits"), ({"train": -1}, "negative"), ({"train": 0}, "more than 0")],
)
def test_bad_ratios_are_refused(ratios, message):
    with pytest.raises(ValueError, match=message):
        split_of("x", ratios)
