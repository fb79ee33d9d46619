"""What only the local store has to get right: its storage layout, its database rows and
its compare-and-swap."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import InMemoryStorage, storages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datasets.models import LocalBlob, LocalBranch, LocalCommit, LocalRange, LocalStagedObject
from datasets.stores.base import MergeConflict
from datasets.stores.local import LocalStore, history, staging
from datasets.stores.local import graph as local_graph
from datasets.stores.local.blobs import Blob, blob_key
from datasets.stores.local.trees import Chunking

pytestmark = pytest.mark.django_db
REPO = "local-only"


@pytest.fixture
def store() -> LocalStore:
    store = LocalStore(page_size=3, chunking=Chunking(target=4, limit=16))
    store.ensure_repository(REPO)
    return store


def media_root() -> Path:
    return Path(storages["default"].location)  # type: ignore[attr-defined]


def stored_files() -> list[Path]:
    root = media_root() / "versions" / "objects"
    return sorted(p for p in root.rglob("*") if p.is_file() and p.parent.name != "tmp")


def test_large_objects_are_files_at_their_content_address_stored_once(store: LocalStore) -> None:
    data = b"large " * 5000  # over the 16 KiB inline limit
    sha = hashlib.sha256(data).hexdigest()
    store.put(REPO, "main", "one.bin", data)
    store.create_branch(REPO, "dev", source="main")
    store.put(REPO, "main", "two.bin", data)
    store.put(REPO, "dev", "three.bin", io.BytesIO(data))
    assert stored_files() == [media_root() / "versions" / "objects" / sha[:2] / sha]
    assert stored_files()[0].read_bytes() == data
    assert not LocalBlob.objects.exists()
    assert store.read(REPO, "dev", "three.bin", byte_range=(6, 11)) == b"large "


def test_small_objects_are_database_rows_stored_once(store: LocalStore) -> None:
    store.put_many(REPO, "main", [("a.json", b"{}"), ("b.json", b"{}"), ("c.json", b"[]")])
    store.put(REPO, "main", "d.json", io.BytesIO(b"{}"))
    assert sorted(bytes(d) for d in LocalBlob.objects.values_list("data", flat=True)) == [
        b"[]",
        b"{}",
    ]
    assert stored_files() == []
    assert store.read(REPO, "main", "c.json") == b"[]"


def test_every_object_can_be_a_file(store: LocalStore) -> None:
    files_only = LocalStore(inline_max=0)
    files_only.put(REPO, "main", "tiny", b"t")
    assert [p.read_bytes() for p in stored_files()] == [b"t"]
    assert store.read(REPO, "main", "tiny") == b"t"  # reads find either kind


def test_objects_go_to_the_configured_storage_alias(settings, tmp_path: Path) -> None:
    location = tmp_path / "versions-storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "versions": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    store = LocalStore(storage_alias="versions", inline_max=0)
    store.ensure_repository(REPO)
    store.put(REPO, "main", "x", b"elsewhere")
    assert [p.read_bytes() for p in location.rglob("*") if p.is_file()] == [b"elsewhere"]
    assert store.read(REPO, "main", "x") == b"elsewhere"


def test_a_one_object_commit_on_a_large_tree_writes_few_ranges(store: LocalStore) -> None:
    store.put_many(REPO, "main", ((f"items/{i:04d}.json", b"%d" % i) for i in range(2000)))
    store.commit(REPO, "main", "bulk")
    before = LocalRange.objects.count()
    store.put(REPO, "main", "items/1000.json", b"changed")
    store.commit(REPO, "main", "one change")
    assert LocalRange.objects.count() - before <= 2
    assert LocalStagedObject.objects.count() == 0


def test_a_commit_retries_when_the_branch_moves_under_it(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create_branch(REPO, "other", source="main")
    store.put(REPO, "other", "theirs", b"t")
    theirs = store.commit(REPO, "other", "concurrent commit")
    store.put(REPO, "main", "ours", b"o")
    insert = local_graph.insert_commit
    calls: list[str] = []

    def racing_insert(*args: object, **kwargs: object) -> LocalCommit:
        if not calls:  # another process moves main between our build and our swap
            LocalBranch.objects.filter(name="main").update(head=theirs)
        calls.append("insert")
        return insert(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(local_graph, "insert_commit", racing_insert)
    ours = store.commit(REPO, "main", "ours")
    assert len(calls) == 2
    assert store.get_commit(REPO, ours).parents == (theirs,)
    assert [o.path for o in store.list_objects(REPO, ours)] == ["ours", "theirs"]


def test_writes_landing_during_a_commit_stay_staged(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put(REPO, "main", "early", b"e")
    branch_id = LocalBranch.objects.get(name="main").pk
    insert = local_graph.insert_commit

    def write_meanwhile(*args: object, **kwargs: object) -> LocalCommit:
        blob = Blob(hashlib.sha256(b"l").hexdigest(), hashlib.md5(b"l").hexdigest(), 1)  # noqa: S324
        staging.stage(branch_id, [("late", blob, "text/plain")])
        return insert(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(local_graph, "insert_commit", write_meanwhile)
    made = store.commit(REPO, "main", "early only")
    assert [o.path for o in store.list_objects(REPO, made)] == ["early"]
    assert [(c.kind, c.path) for c in store.diff_uncommitted(REPO, "main")] == [("added", "late")]


def test_conflict_lists_are_truncated(store: LocalStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "CONFLICTS_SHOWN", 2)
    store.put_many(REPO, "main", ((f"c{i}", b"base") for i in range(5)))
    store.commit(REPO, "main", "base")
    store.create_branch(REPO, "dev", source="main")
    for branch in ("dev", "main"):
        store.put_many(REPO, branch, ((f"c{i}", branch.encode()) for i in range(5)))
        store.commit(REPO, branch, branch)
    with pytest.raises(MergeConflict) as info:
        store.merge(REPO, "dev", "main")
    assert (info.value.paths, info.value.truncated) == (("c0", "c1"), True)


def test_deleting_a_repository_deletes_its_rows(store: LocalStore) -> None:
    store.put(REPO, "main", "a", b"a")
    store.commit(REPO, "main", "a")
    store.put(REPO, "main", "b", b"b")
    store.delete_repository(REPO)
    assert not LocalCommit.objects.exists()
    assert not LocalRange.objects.exists()
    assert not LocalStagedObject.objects.exists()


class SigningStorage(InMemoryStorage):
    """Stands in for S3 with query-string auth: every URL it gives is "signed"."""

    querystring_auth = True

    def url(self, name: str | None, expire: int | None = None) -> str:
        return f"https://bucket.example/{name}?X-Amz-Expires={expire}&X-Amz-Signature=sig"


def test_a_presigning_storage_gives_listed_files_urls_a_page_at_a_time(settings: Any) -> None:
    backend = f"{__name__}.{SigningStorage.__name__}"
    settings.STORAGES = {**settings.STORAGES, "signing": {"BACKEND": backend}}
    store = LocalStore(storage_alias="signing", page_size=3)
    store.ensure_repository(REPO)
    large = {f"m/{i}.bin": bytes([i]) * 20_000 for i in range(5)}
    store.put_many(REPO, "main", [*large.items(), ("m/small.json", b"{}")])
    head = store.commit(REPO, "main", "media")
    signed = list(store.list_objects(REPO, head, prefix="m/", presign=True))
    for info in signed:
        if info.path in large:
            sha = hashlib.sha256(large[info.path]).hexdigest()
            assert info.url == SigningStorage().url(blob_key(sha), 3600)
        else:  # database-held bytes have no URL to sign
            assert info.url is None
        assert info.url == store.presigned_url(REPO, head, info.path)
    assert [o.url for o in store.list_objects(REPO, head, prefix="m/")] == [None] * 6
    with CaptureQueriesContext(connection) as plain:
        list(store.list_objects(REPO, head))
    with CaptureQueriesContext(connection) as presigned:
        list(store.list_objects(REPO, head, presign=True))
    assert len(presigned) - len(plain) == 2  # one blob query a page of 3, not one an object


def test_a_filesystem_storage_presigns_nothing(store: LocalStore) -> None:
    store.put(REPO, "main", "big.bin", b"x" * 20_000)
    assert [o.url for o in store.list_objects(REPO, "main", presign=True)] == [None]
    assert store.presigned_url(REPO, "main", "big.bin") is None
