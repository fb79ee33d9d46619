"""``iter_items`` streams the JSONL export as dicts, without touching the disk."""

from __future__ import annotations

import pytest
from annolake_client import ServerError, iter_items


def test_iter_items_yields_every_item_of_the_version(version):
    items = list(iter_items(version.server, version.slug, "v1", token=version.token))
    assert sorted(item["id"] for item in items) == sorted(i.pk for i in version.items)
    assert all(item["label"][0]["labels"] for item in items)


def test_the_splits_of_iter_items_partition_the_version(version):
    seen: list[int] = []
    for split in ("train", "val", "test"):
        seen += [item["id"] for item in iter_items(version.server, version.slug, version.commit,
                                                   token=version.token, split=split)]  # fmt: skip
    assert sorted(seen) == sorted(i.pk for i in version.items)


def test_iter_items_stopped_early_and_errors_are_clean(version):
    stream = iter_items(version.server, version.slug, "v1", token=version.token)
    first = next(stream)
    stream.close()  # leaves the rest unread; the connection is dropped, not reused
    assert first["id"] in {i.pk for i in version.items}
    with pytest.raises(ServerError) as raised:
        next(iter_items(version.server, version.slug, "nope", token=version.token))
    assert (raised.value.status, raised.value.field) == (404, "ref")
