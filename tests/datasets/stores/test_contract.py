"""The version store contract: every test runs on the local store, on `LakeFSStore` against
the lakeFS emulator, and against a real lakeFS when LAKEFS_ENDPOINT is set (conftest.py)."""

from __future__ import annotations

import io
import re

import pytest
import urllib3

from datasets.stores import base
from datasets.stores.base import (
    IDEMPOTENCY_KEY,
    OPERATION_KEY,
    AlreadyExists,
    Change,
    DirtyBranch,
    Forbidden,
    InvalidRequest,
    MergeConflict,
    NoChanges,
    NotFound,
    VersionStore,
    content_checksum,
)

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def commit_files(
    store: VersionStore, repo: str, branch: str, files: dict[str, bytes | None], message: str = "c"
) -> str:
    """Write (bytes) or delete (None) each path, then commit."""
    for path, data in files.items():
        if data is None:
            store.delete(repo, branch, path)
        else:
            store.put(repo, branch, path, data)
    return store.commit(repo, branch, message)


def paths(store: VersionStore, repo: str, ref: str, **kwargs: str) -> list[str]:
    return [o.path for o in store.list_objects(repo, ref, **kwargs)]


def changes(diff: object) -> list[tuple[str, str]]:
    return [(c.kind, c.path) for c in diff]  # type: ignore[attr-defined]


# -- repositories and branches --------------------------------------------------------------


def test_ensure_repository_is_idempotent(store: VersionStore, repo: str) -> None:
    again = store.ensure_repository(repo)
    assert (again.name, again.default_branch) == (repo, "main")
    assert [b.name for b in store.list_branches(repo)] == ["main"]
    head = store.branch_head(repo, "main")
    assert HEX64.match(head)
    assert [c.id for c in store.log(repo, "main")] == [head]


def test_repository_and_branch_names_are_validated(store: VersionStore, repo: str) -> None:
    with pytest.raises(InvalidRequest):
        store.ensure_repository("Not A Repo")
    with pytest.raises(InvalidRequest):
        store.create_branch(repo, "no spaces", source="main")


def test_deleted_repository_is_gone_and_deleting_again_is_fine(store: VersionStore) -> None:
    name = "contract-deleted-repo"
    store.ensure_repository(name)
    store.delete_repository(name)
    with pytest.raises(NotFound):
        store.branch_head(name, "main")
    store.delete_repository(name)


def test_branches_are_created_from_a_ref_listed_and_deleted(store: VersionStore, repo: str) -> None:
    base = commit_files(store, repo, "main", {"a.txt": b"a"})
    for name in ("round-1", "round-2", "round-3", "job-7"):
        assert store.create_branch(repo, name, source="main") == base
    with pytest.raises(AlreadyExists):
        store.create_branch(repo, "round-1", source="main")
    with pytest.raises(NotFound):
        store.create_branch(repo, "orphan", source="no-such-ref")
    listed = list(store.list_branches(repo))  # two pages of three
    assert [b.name for b in listed] == ["job-7", "main", "round-1", "round-2", "round-3"]
    assert {b.commit_id for b in listed} == {base}
    assert [b.name for b in store.list_branches(repo, prefix="round-")] == [
        "round-1",
        "round-2",
        "round-3",
    ]
    store.delete_branch(repo, "round-2")
    store.delete_branch(repo, "round-2")  # idempotent
    with pytest.raises(NotFound):
        store.branch_head(repo, "round-2")
    with pytest.raises(Forbidden):
        store.delete_branch(repo, "main")


def test_a_branch_starts_from_committed_state_only(store: VersionStore, repo: str) -> None:
    store.put(repo, "main", "staged.txt", b"s")
    store.create_branch(repo, "dev", source="main")
    with pytest.raises(NotFound):
        store.stat(repo, "dev", "staged.txt")


# -- objects --------------------------------------------------------------------------------


def test_put_reports_md5_checksum_size_and_content_type(store: VersionStore, repo: str) -> None:
    data = b'{"id": 1, "label": "A"}'
    info = store.put(repo, "main", "items/p/1.json", data)
    assert (info.path, info.checksum, info.size) == ("items/p/1.json", content_checksum(data), 23)
    assert info.content_type == "application/json"
    assert store.stat(repo, "main", "items/p/1.json") == info
    streamed = store.put(repo, "main", "media/x.bin", io.BytesIO(b"\x00\xff" * 1000))
    assert (streamed.size, streamed.content_type) == (2000, "application/octet-stream")
    typed = store.put(repo, "main", "raw", b"r", content_type="text/csv")
    assert store.stat(repo, "main", "raw").content_type == typed.content_type == "text/csv"


def test_paths_are_validated(store: VersionStore, repo: str) -> None:
    for bad in ("", "nul\x00byte", "x" * 1025):
        with pytest.raises(InvalidRequest):
            store.put(repo, "main", bad, b"x")


def test_staged_objects_are_visible_on_the_branch_only(store: VersionStore, repo: str) -> None:
    first = commit_files(store, repo, "main", {"committed.txt": b"c"})
    store.put(repo, "main", "staged.txt", b"s")
    assert store.read(repo, "main", "staged.txt") == b"s"
    assert paths(store, repo, "main") == ["committed.txt", "staged.txt"]
    assert paths(store, repo, first) == ["committed.txt"]
    with pytest.raises(NotFound):
        store.stat(repo, first, "staged.txt")
    assert store.resolve(repo, "main") == first  # a branch resolves to its committed head
    second = store.commit(repo, "main", "add staged")
    assert paths(store, repo, second) == ["committed.txt", "staged.txt"]
    assert paths(store, repo, first) == ["committed.txt"]


def test_put_many_uploads_everything_and_reports_totals(store: VersionStore, repo: str) -> None:
    items = ((f"items/{i:03d}.json", f'{{"i":{i}}}'.encode()) for i in range(40))
    summary = store.put_many(repo, "main", items, workers=4)
    assert (summary.objects, summary.bytes) == (40, sum(len(f'{{"i":{i}}}') for i in range(40)))
    store.commit(repo, "main", "bulk")
    listed = list(store.list_objects(repo, "main", prefix="items/"))
    assert [o.path for o in listed] == [f"items/{i:03d}.json" for i in range(40)]
    assert all(
        o.checksum == content_checksum(f'{{"i":{int(o.path[6:9])}}}'.encode()) for o in listed
    )


def test_listing_pages_and_filters_by_prefix_and_after(store: VersionStore, repo: str) -> None:
    files = {f"a/{i}": b"a" for i in range(5)} | {f"b/{i}": b"b" for i in range(5)} | {"c": b"c"}
    head = commit_files(store, repo, "main", dict(files))
    assert paths(store, repo, head) == sorted(files)
    assert paths(store, repo, head, prefix="b/") == [f"b/{i}" for i in range(5)]
    assert paths(store, repo, head, after="a/3") == ["a/4", *[f"b/{i}" for i in range(5)], "c"]
    assert paths(store, repo, head, prefix="a/", after="a/2") == ["a/3", "a/4"]
    assert paths(store, repo, head, prefix="zzz") == []


def test_read_objects_yields_every_object_with_its_bytes_in_path_order(
    store: VersionStore, repo: str
) -> None:
    # Larger than the local store's inline limit too, so both kinds of blob are read.
    files = {f"items/{i:03}.json": b"x" * i for i in range(120)} | {"big.bin": b"y" * 40_000}
    head = commit_files(store, repo, "main", dict(files))
    store.put(repo, "main", "items/000.json", b"staged")
    read = [(info.path, info.size, data) for info, data in store.read_objects(repo, head)]
    assert read == [(path, len(files[path]), files[path]) for path in sorted(files)]
    on_branch = dict((info.path, data) for info, data in store.read_objects(repo, "main"))
    assert on_branch["items/000.json"] == b"staged"
    assert [i.path for i, _ in store.read_objects(repo, head, prefix="big")] == ["big.bin"]


def test_branch_listing_overlays_staged_writes_and_deletes(store: VersionStore, repo: str) -> None:
    commit_files(store, repo, "main", {f"k{i}": b"old" for i in range(6)})
    store.put(repo, "main", "k2", b"new")
    store.put(repo, "main", "k25", b"added")
    store.delete(repo, "main", "k4")
    listed = {o.path: o.size for o in store.list_objects(repo, "main")}
    assert listed == {"k0": 3, "k1": 3, "k2": 3, "k25": 5, "k3": 3, "k5": 3}
    assert list(listed) == sorted(listed)
    assert store.read(repo, "main", "k2") == b"new"
    with pytest.raises(NotFound):
        store.stat(repo, "main", "k4")


def test_unicode_paths_round_trip_in_code_point_order(store: VersionStore, repo: str) -> None:
    names = [
        "items/ünï/日本語.json",
        "items/Zebra",
        "items/apple",
        "items/émoji-😀.txt",
        "items/a b",
    ]
    head = commit_files(store, repo, "main", {n: n.encode() for n in names})
    assert paths(store, repo, head) == sorted(names)
    assert paths(store, repo, head, after="items/apple") == sorted(names)[3:]
    for name in names:
        assert store.read(repo, head, name) == name.encode()
    store.put(repo, "main", "items/ünï/日本語.json", b"changed")
    assert changes(store.diff_uncommitted(repo, "main")) == [("changed", "items/ünï/日本語.json")]


def test_reads_by_branch_tag_and_commit_with_byte_ranges(store: VersionStore, repo: str) -> None:
    head = commit_files(store, repo, "main", {"r.bin": b"0123456789"})
    store.create_tag(repo, "v1", head)
    for ref in ("main", "v1", head):
        assert store.read(repo, ref, "r.bin") == b"0123456789"
    assert store.read(repo, head, "r.bin", byte_range=(0, 0)) == b"0"
    assert store.read(repo, head, "r.bin", byte_range=(2, 5)) == b"2345"
    assert store.read(repo, head, "r.bin", byte_range=(7, None)) == b"789"
    assert store.read(repo, head, "r.bin", byte_range=(8, 100)) == b"89"
    with pytest.raises(InvalidRequest):
        store.read(repo, head, "r.bin", byte_range=(10, 20))
    with store.open(repo, "v1", "r.bin") as reader:
        assert [reader.read(4), reader.read(4), reader.read(4), reader.read(4)] == [
            b"0123",
            b"4567",
            b"89",
            b"",
        ]


def test_missing_objects_refs_and_repositories_raise_not_found(
    store: VersionStore, repo: str
) -> None:
    with pytest.raises(NotFound):
        store.stat(repo, "main", "nope")
    with pytest.raises(NotFound):
        store.read(repo, "main", "nope")
    with pytest.raises(NotFound):
        store.stat(repo, "no-such-branch", "x")
    with pytest.raises(NotFound):
        list(store.list_objects("contract-missing-repo", "main"))


def test_deletes_are_staged_idempotent_and_batched(
    store: VersionStore, repo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "DELETE_BATCH", 4)  # lakeFS takes 1000 paths per request
    commit_files(store, repo, "main", {f"d/{i:02d}": b"x" for i in range(12)})
    store.delete(repo, "main", "d/00")
    store.delete(repo, "main", "never-existed")
    store.delete_many(repo, "main", (f"d/{i:02d}" for i in range(1, 11)))
    assert paths(store, repo, "main") == ["d/11"]
    assert changes(store.diff_uncommitted(repo, "main")) == [
        ("removed", f"d/{i:02d}") for i in range(11)
    ]
    store.commit(repo, "main", "deleted")
    assert paths(store, repo, "main") == ["d/11"]


def test_presigned_url_is_a_url_or_none(store: VersionStore, repo: str) -> None:
    head = commit_files(store, repo, "main", {"p.txt": b"p"})
    url = store.presigned_url(repo, head, "p.txt")
    assert url is None or url.startswith("http")


def fetch_without_credentials(url: str) -> bytes:
    response = urllib3.request("GET", url, timeout=10)
    assert response.status == 200, response.data[:200]
    return response.data


def test_a_presigned_listing_gives_the_urls_presigned_url_gives(
    store: VersionStore, repo: str
) -> None:
    # Large objects too: the local store presigns files only, never database-held bytes.
    files = {f"media/{i}.bin": bytes([65 + i]) * (20_000 + i) for i in range(4)}
    files |= {"media/small.txt": b"small", "other.txt": b"not listed"}
    head = commit_files(store, repo, "main", files)
    plain = list(store.list_objects(repo, head, prefix="media/"))
    signed = list(store.list_objects(repo, head, prefix="media/", presign=True))
    assert [(o.path, o.checksum, o.size) for o in signed] == [
        (o.path, o.checksum, o.size) for o in plain
    ]
    assert [o.path for o in signed] == sorted(p for p in files if p.startswith("media/"))
    assert all(o.url is None for o in plain)
    for info in signed:
        single = store.presigned_url(repo, head, info.path)
        assert (info.url is None) == (single is None), info.path
        if info.url is not None:
            assert info.url.startswith(("http://", "https://"))
            assert fetch_without_credentials(info.url) == files[info.path]
    later = list(store.list_objects(repo, head, prefix="media/", after="media/1.bin", presign=True))
    assert [(o.path, o.url is None) for o in later] == [(o.path, o.url is None) for o in signed[2:]]


# -- commits, log, refs ---------------------------------------------------------------------


def test_commit_records_parent_message_and_metadata(store: VersionStore, repo: str) -> None:
    parent = store.branch_head(repo, "main")
    store.put(repo, "main", "a", b"a")
    made = store.commit(repo, "main", "first", metadata={"job": "42", "source": "unit"})
    info = store.get_commit(repo, made)
    assert HEX64.match(made)
    assert (info.id, info.parents, info.message) == (made, (parent,), "first")
    assert info.metadata["job"] == "42"
    assert info.metadata["source"] == "unit"
    assert info.metadata[OPERATION_KEY] == "commit"
    assert info.created_at.tzinfo is not None
    assert store.branch_head(repo, "main") == made


def test_commit_metadata_must_be_strings(store: VersionStore, repo: str) -> None:
    store.put(repo, "main", "a", b"a")
    with pytest.raises(InvalidRequest):
        store.commit(repo, "main", "bad", metadata={"n": 1})  # type: ignore[dict-item]


def test_commit_without_changes_raises_no_changes(store: VersionStore, repo: str) -> None:
    with pytest.raises(NoChanges):
        store.commit(repo, "main", "empty")
    commit_files(store, repo, "main", {"a": b"a"})
    store.put(repo, "main", "a", b"a")  # the same bytes again
    store.delete(repo, "main", "never-committed")
    with pytest.raises(NoChanges):
        store.commit(repo, "main", "still empty")


def test_a_retried_commit_returns_the_first_one(store: VersionStore, repo: str) -> None:
    store.put(repo, "main", "a", b"a")
    first = store.commit(repo, "main", "snapshot", idempotency_key="job-17")
    assert store.commit(repo, "main", "snapshot", idempotency_key="job-17") == first
    keyed = [c for c in store.log(repo, "main") if c.metadata.get(IDEMPOTENCY_KEY) == "job-17"]
    assert [c.id for c in keyed] == [first]
    with pytest.raises(NoChanges):
        store.commit(repo, "main", "snapshot", idempotency_key="job-18")


def test_log_is_newest_first_and_pages(store: VersionStore, repo: str) -> None:
    made = [commit_files(store, repo, "main", {f"f{i}": b"x"}, f"c{i}") for i in range(5)]
    log = list(store.log(repo, "main"))
    assert [c.id for c in log[:5]] == made[::-1]
    assert len(log) == 6  # and the repository's first, empty commit
    assert [c.id for c in store.log(repo, made[2])][:3] == made[2::-1]


def test_resolve_branch_tag_and_commit_id(store: VersionStore, repo: str) -> None:
    head = commit_files(store, repo, "main", {"a": b"a"})
    store.create_tag(repo, "v1", "main")
    assert store.resolve(repo, "main") == head
    assert store.resolve(repo, "v1") == head
    assert store.resolve(repo, head) == head
    assert store.get_commit(repo, "v1").id == head
    with pytest.raises(NotFound):
        store.resolve(repo, "no-such-ref")


def test_tags_are_immutable(store: VersionStore, repo: str) -> None:
    first = commit_files(store, repo, "main", {"a": b"1"})
    second = commit_files(store, repo, "main", {"a": b"2"})
    assert store.create_tag(repo, "v1", first) == first
    for ref in (second, first):
        with pytest.raises(AlreadyExists):
            store.create_tag(repo, "v1", ref)
    assert store.get_tag(repo, "v1") == first
    assert store.read(repo, "v1", "a") == b"1"
    for name in ("v2", "v3", "v4"):
        store.create_tag(repo, name, second)
    assert [(t.name, t.commit_id) for t in store.list_tags(repo)] == [
        ("v1", first),
        ("v2", second),
        ("v3", second),
        ("v4", second),
    ]
    assert [t.name for t in store.list_tags(repo, prefix="v1")] == ["v1"]
    store.delete_tag(repo, "v1")
    store.delete_tag(repo, "v1")  # idempotent
    with pytest.raises(NotFound):
        store.get_tag(repo, "v1")
    assert store.create_tag(repo, "v1", second) == second  # delete and recreate to move


# -- diffs ----------------------------------------------------------------------------------


def test_two_dot_diff_reports_added_removed_and_changed(store: VersionStore, repo: str) -> None:
    old = commit_files(store, repo, "main", {f"x/{i}": b"v1" for i in range(8)} | {"y": b"y"})
    new = commit_files(store, repo, "main", {"x/1": b"v2", "x/5": None, "x/9": b"nine", "y": None})
    diff = list(store.diff(repo, old, new))
    assert changes(diff) == [
        ("changed", "x/1"),
        ("removed", "x/5"),
        ("added", "x/9"),
        ("removed", "y"),
    ]
    assert [diff[0], diff[2]] == [Change("changed", "x/1", 2), Change("added", "x/9", 4)]
    assert changes(store.diff(repo, new, old)) == [
        ("changed", "x/1"),
        ("added", "x/5"),
        ("removed", "x/9"),
        ("added", "y"),
    ]
    assert (
        changes(store.diff(repo, old, new, prefix="x/")) == changes(store.diff(repo, old, new))[:3]
    )
    assert list(store.diff(repo, new, new)) == []


def test_uncommitted_diff_lists_only_real_changes(store: VersionStore, repo: str) -> None:
    commit_files(store, repo, "main", {"same": b"s", "edit": b"1", "drop": b"d"})
    store.put(repo, "main", "same", b"s")
    store.put(repo, "main", "edit", b"2")
    store.delete(repo, "main", "drop")
    store.put(repo, "main", "new", b"n")
    store.put(repo, "main", "fleeting", b"f")
    store.delete(repo, "main", "fleeting")
    assert changes(store.diff_uncommitted(repo, "main")) == [
        ("removed", "drop"),
        ("changed", "edit"),
        ("added", "new"),
    ]
    assert changes(store.diff_uncommitted(repo, "main", prefix="e")) == [("changed", "edit")]


def diverge(store: VersionStore, repo: str) -> tuple[str, str]:
    """main and dev share a base, then each side changes things; returns (main, dev) heads."""
    base = {n: b"base" for n in ("same", "both", "gone", "dest-only", "edit-vs-drop", "twin")}
    commit_files(store, repo, "main", base, "base")
    store.create_branch(repo, "dev", source="main")
    dev = {"new-on-dev": b"n", "both": b"dev", "gone": None, "edit-vs-drop": None, "twin": b"t"}
    dev_head = commit_files(store, repo, "dev", dev, "dev work")
    main = {"both": b"main", "dest-only": b"main", "edit-vs-drop": b"main", "twin": b"t"}
    return commit_files(store, repo, "main", main, "main work"), dev_head


def test_three_dot_diff_shows_what_a_merge_would_apply(store: VersionStore, repo: str) -> None:
    diverge(store, repo)
    assert changes(store.diff(repo, "main", "dev", three_dot=True)) == [
        ("conflict", "both"),
        ("conflict", "edit-vs-drop"),
        ("removed", "gone"),
        ("added", "new-on-dev"),
    ]


# -- merges ---------------------------------------------------------------------------------


def test_clean_merge_creates_a_commit_with_two_parents(store: VersionStore, repo: str) -> None:
    commit_files(store, repo, "main", {"base.txt": b"b"})
    store.create_branch(repo, "dev", source="main")
    dev_head = commit_files(store, repo, "dev", {"feature.txt": b"f"})
    main_head = commit_files(store, repo, "main", {"other.txt": b"o"})
    merged = store.merge(repo, "dev", "main", message="merge dev", metadata={"job": "7"})
    info = store.get_commit(repo, merged)
    assert info.parents == (main_head, dev_head)
    assert (info.message, info.metadata["job"]) == ("merge dev", "7")
    assert store.branch_head(repo, "main") == merged
    assert paths(store, repo, merged) == ["base.txt", "feature.txt", "other.txt"]
    assert store.merge_base(repo, "dev", "main") == dev_head
    with pytest.raises(NoChanges):
        store.merge(repo, "dev", "main")


def test_merging_into_an_unchanged_branch_still_records_a_merge(
    store: VersionStore, repo: str
) -> None:
    base = store.create_branch(repo, "dev", source="main")
    dev_head = commit_files(store, repo, "dev", {"x": b"x"})
    merged = store.merge(repo, "dev", "main")
    assert store.get_commit(repo, merged).parents == (base, dev_head)
    assert list(store.diff(repo, merged, dev_head)) == []


def test_conflicting_merge_lists_the_paths_and_changes_nothing(
    store: VersionStore, repo: str
) -> None:
    main_head, _ = diverge(store, repo)
    with pytest.raises(MergeConflict) as info:
        store.merge(repo, "dev", "main")
    assert info.value.paths == ("both", "edit-vs-drop")
    assert not info.value.truncated
    assert store.branch_head(repo, "main") == main_head


def test_source_wins_takes_the_source_side_of_every_conflict(
    store: VersionStore, repo: str
) -> None:
    diverge(store, repo)
    merged = store.merge(repo, "dev", "main", strategy="source-wins")
    assert paths(store, repo, merged) == ["both", "dest-only", "new-on-dev", "same", "twin"]
    assert store.read(repo, merged, "both") == b"dev"
    assert store.read(repo, merged, "dest-only") == b"main"


def test_dest_wins_keeps_the_destination_side_of_every_conflict(
    store: VersionStore, repo: str
) -> None:
    diverge(store, repo)
    merged = store.merge(repo, "dev", "main", strategy="dest-wins")
    assert paths(store, repo, merged) == [
        "both",
        "dest-only",
        "edit-vs-drop",
        "new-on-dev",
        "same",
        "twin",
    ]
    assert store.read(repo, merged, "both") == b"main"
    assert store.read(repo, merged, "edit-vs-drop") == b"main"


def test_merge_refuses_a_destination_with_uncommitted_changes(
    store: VersionStore, repo: str
) -> None:
    store.create_branch(repo, "dev", source="main")
    commit_files(store, repo, "dev", {"x": b"x"})
    store.put(repo, "main", "dirty", b"d")
    with pytest.raises(DirtyBranch):
        store.merge(repo, "dev", "main")


def test_merge_strategy_is_validated(store: VersionStore, repo: str) -> None:
    with pytest.raises(InvalidRequest):
        store.merge(repo, "main", "main", strategy="mine")  # type: ignore[arg-type]


def test_a_retried_merge_returns_the_first_merge(store: VersionStore, repo: str) -> None:
    store.create_branch(repo, "job-1", source="main")
    commit_files(store, repo, "job-1", {"out.json": b"{}"})
    merged = store.merge(repo, "job-1", "main", idempotency_key="job-1")
    assert store.merge(repo, "job-1", "main", idempotency_key="job-1") == merged
    assert store.branch_head(repo, "main") == merged
