"""The lakeFS emulator, driven only through the real `lakefs_sdk` (which parses every
response with its strict pydantic models), so a shape mistake fails here first.

Run: .venv/bin/python -m pytest tests/support/test_lakefs_emulator.py
(with `-p no:django`, add `--confcutdir=tests/support`: tests/conftest.py imports Django.)
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import lakefs_sdk
import pytest
import urllib3
from lakefs_sdk.client import LakeFSClient
from lakefs_sdk.exceptions import ApiException, BadRequestException, NotFoundException

from .lakefs_emulator import LakeFSEmulator

ACCESS_KEY = "AKIAEMULATOR"
SECRET_KEY = "emulator-test-secret"
REPO = "test-repo"
HEX64 = set("0123456789abcdef")


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[LakeFSEmulator]:
    with LakeFSEmulator(access_key=ACCESS_KEY, secret_key=SECRET_KEY) as emu:
        prefix = f"lakefs-emulator:{emu.port}"
        yield emu
    assert [t for t in threading.enumerate() if t.name.startswith(prefix)] == []


@pytest.fixture
def emu(server: LakeFSEmulator) -> Iterator[LakeFSEmulator]:
    server.reset()
    yield server
    assert server.internal_errors == []


def make_config(emu: LakeFSEmulator, password: str = SECRET_KEY) -> lakefs_sdk.Configuration:
    config = lakefs_sdk.Configuration(host=emu.endpoint, username=ACCESS_KEY, password=password)
    config.connection_pool_maxsize = 16
    return config


@pytest.fixture
def client(emu: LakeFSEmulator) -> LakeFSClient:
    return LakeFSClient(make_config(emu))


@pytest.fixture
def repo(client: LakeFSClient) -> str:
    creation = lakefs_sdk.RepositoryCreation(name=REPO, storage_namespace="mem://bucket/repo")
    client.repositories_api.create_repository(creation)
    return REPO


def upload(client: LakeFSClient, branch: str, path: str, data: bytes, **meta: str) -> Any:
    headers = {f"x-lakefs-meta-{k}": v for k, v in meta.items()}
    return client.objects_api.upload_object(REPO, branch, path, content=data, _headers=headers)


def commit(client: LakeFSClient, branch: str, message: str = "c", **meta: str) -> Any:
    creation = lakefs_sdk.CommitCreation(message=message, metadata=meta)
    return client.commits_api.commit(REPO, branch, creation)


def branch_from(client: LakeFSClient, name: str, source: str = "main") -> str:
    creation = lakefs_sdk.BranchCreation(name=name, source=source)
    return client.branches_api.create_branch(REPO, creation)


def head(client: LakeFSClient, branch: str) -> str:
    return client.branches_api.get_branch(REPO, branch).commit_id


def read(client: LakeFSClient, ref: str, path: str, **kwargs: Any) -> bytes:
    return bytes(client.objects_api.get_object(REPO, ref, path, **kwargs))


def merge(client: LakeFSClient, source: str, dest: str, **kwargs: Any) -> str:
    result = client.refs_api.merge_into_branch(REPO, source, dest, merge=lakefs_sdk.Merge(**kwargs))
    return result.reference


def status_of(call: Callable[[], object]) -> int:
    with pytest.raises(ApiException) as info:
        call()
    return info.value.status


# -- server, auth, repositories, branches -------------------------------------------------


@pytest.mark.filterwarnings("ignore:GET /config/:DeprecationWarning")
def test_health_config_and_version(client: LakeFSClient) -> None:
    client.health_check_api.health_check()
    config = client.config_api.get_config()
    assert config.storage_config is not None
    assert config.storage_config.pre_sign_support is False
    assert client.internal_api.get_lake_fs_version().version == "1.86.0"
    assert client.internal_api.get_setup_state().state == "initialized"
    assert client.internal_api.get_storage_config().pre_sign_support is False


def test_client_without_api_path_gets_it_appended(emu: LakeFSEmulator, repo: str) -> None:
    config = lakefs_sdk.Configuration(host=emu.url, username=ACCESS_KEY, password=SECRET_KEY)
    assert LakeFSClient(config).repositories_api.get_repository(repo).id == repo


def test_bad_credentials_get_401_with_lakefs_body(emu: LakeFSEmulator) -> None:
    bad = LakeFSClient(make_config(emu, password="wrong"))
    with pytest.raises(lakefs_sdk.exceptions.UnauthorizedException) as info:
        bad.repositories_api.list_repositories()
    assert info.value.status == 401
    assert "authenticating" in info.value.body
    bad.health_check_api.health_check()  # public, like lakeFS


def test_jwt_login_works_as_bearer(emu: LakeFSEmulator) -> None:
    anonymous = LakeFSClient(lakefs_sdk.Configuration(host=emu.endpoint))
    token = anonymous.auth_api.login(
        lakefs_sdk.LoginInformation(access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY)
    ).token
    with_token = LakeFSClient(lakefs_sdk.Configuration(host=emu.endpoint, access_token=token))
    assert with_token.repositories_api.list_repositories().results == []


def test_repository_lifecycle(client: LakeFSClient) -> None:
    api = client.repositories_api
    for name in ("repo-a", "repo-b", "repo-c"):
        created = api.create_repository(
            lakefs_sdk.RepositoryCreation(name=name, storage_namespace=f"mem://b/{name}")
        )
        assert created.default_branch == "main"
        assert isinstance(created.creation_date, int)
    dup = lakefs_sdk.RepositoryCreation(name="repo-a", storage_namespace="mem://b/x")
    assert status_of(lambda: api.create_repository(dup)) == 409
    first = api.list_repositories(amount=2)
    assert [r.id for r in first.results] == ["repo-a", "repo-b"]
    assert first.pagination.has_more
    assert first.pagination.next_offset == "repo-b"
    assert (first.pagination.results, first.pagination.max_per_page) == (2, 1000)
    second = api.list_repositories(after=first.pagination.next_offset, amount=2)
    assert [r.id for r in second.results] == ["repo-c"]
    assert second.pagination.has_more is False
    assert second.pagination.next_offset == ""
    api.delete_repository("repo-b")
    assert status_of(lambda: api.get_repository("repo-b")) == 404


def test_branches(client: LakeFSClient, repo: str) -> None:
    api = client.branches_api
    created = branch_from(client, "dev")
    assert isinstance(created, str)
    assert len(created) == 64
    assert set(created) <= HEX64
    assert created == head(client, "main")
    assert status_of(lambda: branch_from(client, "dev")) == 409
    assert status_of(lambda: branch_from(client, "nope", source="missing")) == 404
    assert [b.id for b in api.list_branches(repo).results] == ["dev", "main"]
    assert status_of(lambda: api.delete_branch(repo, "main")) == 403
    api.delete_branch(repo, "dev")
    assert status_of(lambda: api.get_branch(repo, "dev")) == 404


# -- objects -------------------------------------------------------------------------------


def test_multipart_upload_stat_and_read(client: LakeFSClient, repo: str) -> None:
    data = b"\x00\x01binary\r\n--not-a-boundary\r\n" * 50
    stats = upload(client, "main", "img/a.bin", data, source="camera", job="j-1")
    assert stats.checksum == hashlib.md5(data).hexdigest()  # noqa: S324 - lakeFS checksum
    assert stats.size_bytes == len(data)
    assert stats.metadata == {"source": "camera", "job": "j-1"}
    stat = client.objects_api.stat_object(repo, "main", "img/a.bin")
    assert (stat.checksum, stat.physical_address) == (stats.checksum, stats.physical_address)
    assert stat.content_type == "application/octet-stream"
    assert read(client, "main", "img/a.bin") == data


def test_raw_and_chunked_uploads(emu: LakeFSEmulator, client: LakeFSClient, repo: str) -> None:
    config = make_config(emu)
    api = lakefs_sdk.ApiClient(config)
    raw = api.call_api(
        "/repositories/{repository}/branches/{branch}/objects",
        "POST",
        {"repository": repo, "branch": "main"},
        [("path", "raw/doc.json")],
        {"Content-Type": "text/csv", "x-lakefs-meta-kind": "raw"},
        body=b'{"a": 1}',
        response_types_map={"201": "ObjectStats"},
        auth_settings=["basic_auth"],
        _return_http_data_only=True,
    )
    assert raw.metadata == {"kind": "raw"}
    assert raw.content_type == "text/csv"
    assert read(client, "main", "raw/doc.json") == b'{"a": 1}'

    # The SDK transport with a streamed body: urllib3 sends Transfer-Encoding: chunked.
    headers = {"Authorization": config.get_basic_auth_token()}
    headers["Content-Type"] = "application/octet-stream"
    url = f"{emu.endpoint}/repositories/{repo}/branches/main/objects?path=raw/chunked.bin"
    parts = [b"abc" * 1000, b"", b"xyz" * 7]
    response = api.rest_client.pool_manager.request(
        "POST", url, body=iter(parts), headers=headers, chunked=True
    )
    assert response.status == 201
    assert read(client, "main", "raw/chunked.bin") == b"".join(parts)


def upload_if_absent(api: Any, repo: str, path: str, data: bytes) -> Any:
    return api.upload_object(repo, "main", path, if_none_match="*", content=data)


def test_if_none_match_refuses_overwrite(client: LakeFSClient, repo: str) -> None:
    api = client.objects_api
    upload_if_absent(api, repo, "once.txt", b"1")
    assert status_of(lambda: upload_if_absent(api, repo, "once.txt", b"2")) == 412
    assert read(client, "main", "once.txt") == b"1"


def test_list_objects_pagination_and_delimiter(client: LakeFSClient, repo: str) -> None:
    for path in ("a.txt", "d/1", "d/2", "d/sub/3", "e/1", "z.txt"):
        upload(client, "main", path, path.encode())
    api = client.objects_api
    seen, after = [], ""
    while True:
        page = api.list_objects(repo, "main", after=after, amount=2)
        seen += [o.path for o in page.results]
        if not page.pagination.has_more:
            break
        after = page.pagination.next_offset
    assert seen == ["a.txt", "d/1", "d/2", "d/sub/3", "e/1", "z.txt"]

    top = api.list_objects(repo, "main", delimiter="/")
    assert [(o.path, o.path_type) for o in top.results] == [
        ("a.txt", "object"),
        ("d/", "common_prefix"),
        ("e/", "common_prefix"),
        ("z.txt", "object"),
    ]
    paged = api.list_objects(repo, "main", delimiter="/", after="d/", amount=1)
    assert [o.path for o in paged.results] == ["e/"]
    inside = api.list_objects(repo, "main", delimiter="/", prefix="d/")
    assert [o.path for o in inside.results] == ["d/1", "d/2", "d/sub/"]


def test_get_with_range_and_head(client: LakeFSClient, repo: str) -> None:
    upload(client, "main", "r.bin", b"0123456789")
    assert read(client, "main", "r.bin", range="bytes=2-5") == b"2345"
    assert read(client, "main", "r.bin", range="bytes=-3") == b"789"
    assert read(client, "main", "r.bin", range="bytes=8-") == b"89"
    assert status_of(lambda: read(client, "main", "r.bin", range="bytes=20-30")) == 416
    client.objects_api.head_object(repo, "main", "r.bin")
    assert status_of(lambda: client.objects_api.head_object(repo, "main", "nope")) == 404


def test_delete_is_idempotent_and_bulk_delete(client: LakeFSClient, repo: str) -> None:
    api = client.objects_api
    for i in range(5):
        upload(client, "main", f"del/{i}", b"x")
    commit(client, "main")
    api.delete_object(repo, "main", "del/0")
    api.delete_object(repo, "main", "never-existed")  # 204 as well
    errors = api.delete_objects(repo, "main", lakefs_sdk.PathList(paths=["del/1", "del/2", "x"]))
    assert errors.errors == []
    assert [o.path for o in api.list_objects(repo, "main").results] == ["del/3", "del/4"]
    too_many = lakefs_sdk.PathList(paths=[f"p{i}" for i in range(1001)])
    assert status_of(lambda: api.delete_objects(repo, "main", too_many)) == 400
    diff = client.branches_api.diff_branch(repo, "main")
    assert [(d.type, d.path) for d in diff.results] == [
        ("removed", "del/0"),
        ("removed", "del/1"),
        ("removed", "del/2"),
    ]


def test_copy_object(client: LakeFSClient, repo: str) -> None:
    source = upload(client, "main", "src.txt", b"payload", origin="upload")
    creation = lakefs_sdk.ObjectCopyCreation(src_path="src.txt", src_ref="main")
    copied = client.objects_api.copy_object(repo, "main", "dst.txt", creation)
    assert copied.checksum == source.checksum
    assert copied.physical_address != source.physical_address
    assert copied.metadata == {"origin": "upload"}
    assert read(client, "main", "dst.txt") == b"payload"


def test_reset_discards_staged_changes(client: LakeFSClient, repo: str) -> None:
    upload(client, "main", "tmp.txt", b"x")
    reset = lakefs_sdk.ResetCreation(type="reset")
    client.branches_api.reset_branch(repo, "main", reset)
    assert client.branches_api.diff_branch(repo, "main").results == []


# -- commits, log, refs ------------------------------------------------------------------


def test_commit_with_metadata_and_no_changes(client: LakeFSClient, repo: str) -> None:
    parent = head(client, "main")
    upload(client, "main", "a.txt", b"a")
    made = commit(client, "main", "first", job_id="job-42", attempt="1")
    assert len(made.id) == 64
    assert set(made.id) <= HEX64
    assert made.parents == [parent]
    assert made.metadata == {"job_id": "job-42", "attempt": "1"}
    assert isinstance(made.creation_date, int)
    assert client.commits_api.get_commit(repo, made.id) == made
    with pytest.raises(BadRequestException) as info:
        commit(client, "main", "again")
    assert "no changes" in info.value.body
    # Re-uploading identical bytes is not a change either (lakeFS entry identity).
    upload(client, "main", "a.txt", b"a")
    assert status_of(lambda: commit(client, "main", "again")) == 400


def test_staged_objects_invisible_at_commit_id(client: LakeFSClient, repo: str) -> None:
    upload(client, "main", "committed.txt", b"c")
    committed = commit(client, "main").id
    upload(client, "main", "staged.txt", b"s")
    stat = client.objects_api.stat_object
    stat(repo, "main", "staged.txt")
    for ref in (committed, "main@"):
        with pytest.raises(NotFoundException):
            stat(repo, ref, "staged.txt")
        stat(repo, ref, "committed.txt")
    listed = client.objects_api.list_objects(repo, committed).results
    assert [o.path for o in listed] == ["committed.txt"]


def test_log_pagination(client: LakeFSClient, repo: str) -> None:
    made = []
    for i in range(5):
        upload(client, "main", f"f{i}", b"x")
        made.append(commit(client, "main", f"c{i}").id)
    expected = [*reversed(made), client.refs_api.log_commits(repo, "main").results[-1].id]
    seen, after = [], ""
    while True:
        page = client.refs_api.log_commits(repo, "main", after=after, amount=2)
        seen += [c.id for c in page.results]
        if not page.pagination.has_more:
            assert page.pagination.next_offset == ""
            break
        after = page.pagination.next_offset
        assert after == seen[-1]
    assert seen == expected
    assert client.refs_api.log_commits(repo, "main").results[-1].message == "Repository created"


def test_ref_resolution_forms(client: LakeFSClient, repo: str) -> None:
    upload(client, "main", "v.txt", b"1")
    first = commit(client, "main").id
    branch_from(client, "dev")
    upload(client, "dev", "dev.txt", b"d")
    dev_commit = commit(client, "dev").id
    upload(client, "main", "v.txt", b"2")
    second = commit(client, "main").id
    merged = merge(client, "dev", "main")
    client.tags_api.create_tag(repo, lakefs_sdk.TagCreation(id="v1", ref=first))

    def commit_id(ref: str) -> str:
        return client.commits_api.get_commit(repo, ref).id

    assert commit_id(first) == first
    assert commit_id(first[:10]) == first
    assert commit_id("main") == merged
    assert commit_id("v1") == first
    assert commit_id("main~1") == second
    assert commit_id("main~2") == first
    assert commit_id("main^1") == second
    assert commit_id("main^2") == dev_commit
    assert commit_id("main^2~1") == first
    assert commit_id("main@") == merged
    assert read(client, "v1", "v.txt") == b"1"
    assert read(client, "main~1", "v.txt") == b"2"
    assert status_of(lambda: commit_id("main@~1")) == 400
    assert status_of(lambda: commit_id("v1@")) == 400
    assert status_of(lambda: commit_id("main^3")) == 400
    assert status_of(lambda: commit_id("no-such-ref")) == 404


# -- diff and merge --------------------------------------------------------------------


def _diverge(client: LakeFSClient) -> None:
    """main and dev share base {same, both, gone}; then each side changes things."""
    for path in ("same", "both", "gone", "dest-only"):
        upload(client, "main", path, b"base")
    commit(client, "main", "base")
    branch_from(client, "dev")
    upload(client, "dev", "new-on-dev", b"n")
    upload(client, "dev", "both", b"dev")
    client.objects_api.delete_object(REPO, "dev", "gone")
    commit(client, "dev", "dev work")
    upload(client, "main", "both", b"main")
    upload(client, "main", "dest-only", b"main")
    commit(client, "main", "main work")


def test_diff_two_and_three_dot(client: LakeFSClient, repo: str) -> None:
    _diverge(client)
    three = client.refs_api.diff_refs(repo, "main", "dev")
    assert [(d.type, d.path) for d in three.results] == [
        ("conflict", "both"),
        ("removed", "gone"),
        ("added", "new-on-dev"),
    ]
    two = client.refs_api.diff_refs(repo, "main", "dev", type="two_dot")
    assert [(d.type, d.path) for d in two.results] == [
        ("changed", "both"),
        ("changed", "dest-only"),
        ("removed", "gone"),
        ("added", "new-on-dev"),
    ]
    paged = client.refs_api.diff_refs(repo, "main", "dev", type="two_dot", amount=3)
    assert paged.pagination.has_more
    assert paged.pagination.next_offset == "gone"
    stats = client.refs_api.diff_refs(repo, "main", "dev", include_right_stats=True)
    assert stats.results[2].right is not None
    upload(client, "dev", "uncommitted", b"u")
    uncommitted = client.branches_api.diff_branch(repo, "dev")
    assert [(d.type, d.path) for d in uncommitted.results] == [("added", "uncommitted")]


def test_clean_merge_creates_commit_with_two_parents(client: LakeFSClient, repo: str) -> None:
    upload(client, "main", "base.txt", b"b")
    commit(client, "main")
    branch_from(client, "dev")
    upload(client, "dev", "feature.txt", b"f")
    dev_head = commit(client, "dev").id
    upload(client, "main", "other.txt", b"o")
    main_head = commit(client, "main").id
    reference = merge(client, "dev", "main", message="merge dev", metadata={"job": "7"})
    merged = client.commits_api.get_commit(repo, reference)
    assert merged.parents == [main_head, dev_head]
    assert merged.metadata == {"job": "7", ".lakefs.merge.strategy": "default"}
    assert head(client, "main") == reference
    assert read(client, "main", "feature.txt") == b"f"
    assert read(client, "main", "other.txt") == b"o"
    # Nothing left to merge: 400 "no changes", like lakeFS.
    assert status_of(lambda: merge(client, "dev", "main")) == 400


def test_fast_forwardable_merge_still_creates_merge_commit(client: LakeFSClient) -> None:
    client.repositories_api.create_repository(
        lakefs_sdk.RepositoryCreation(name=REPO, storage_namespace="mem://b/r")
    )
    base = branch_from(client, "dev")
    upload(client, "dev", "x", b"x")
    dev_head = commit(client, "dev").id
    merged = client.commits_api.get_commit(REPO, merge(client, "dev", "main"))
    assert merged.parents == [base, dev_head]


def test_conflicting_merge_409_then_source_wins(client: LakeFSClient, repo: str) -> None:
    _diverge(client)
    before = head(client, "main")
    with pytest.raises(ApiException) as info:
        merge(client, "dev", "main")
    assert info.value.status == 409
    assert head(client, "main") == before
    assert status_of(lambda: merge(client, "dev", "main", strategy="mine")) == 400
    reference = merge(client, "dev", "main", strategy="source-wins")
    merged = client.commits_api.get_commit(repo, reference)
    assert merged.metadata == {".lakefs.merge.strategy": "source-wins"}
    assert read(client, "main", "both") == b"dev"
    assert read(client, "main", "dest-only") == b"main"
    assert status_of(lambda: read(client, "main", "gone")) == 404


def test_same_change_on_both_sides_is_not_a_conflict(client: LakeFSClient, repo: str) -> None:
    upload(client, "main", "shared.txt", b"v1")
    commit(client, "main")
    branch_from(client, "dev")
    for branch in ("dev", "main"):
        upload(client, branch, "shared.txt", b"v2", origin="same")
        # Distinct messages: identical commits would share one content-addressed id.
        commit(client, branch, f"on {branch}")
    assert client.refs_api.diff_refs(REPO, "main", "dev").results == []
    merge(client, "dev", "main")
    assert read(client, "main", "shared.txt") == b"v2"


def test_merge_into_dirty_branch_is_400(client: LakeFSClient, repo: str) -> None:
    branch_from(client, "dev")
    upload(client, "dev", "x", b"x")
    commit(client, "dev")
    upload(client, "main", "dirty", b"d")
    with pytest.raises(BadRequestException) as info:
        merge(client, "dev", "main")
    assert "dirty" in info.value.body


def test_revert_and_merge_base(client: LakeFSClient, repo: str) -> None:
    upload(client, "main", "keep.txt", b"k")
    base = commit(client, "main").id
    branch_from(client, "dev")
    upload(client, "main", "oops.txt", b"o")
    oops = commit(client, "main").id
    found = client.refs_api.find_merge_base(repo, "dev", "main")
    assert (found.base_commit_id, found.source_commit_id) == (base, base)
    assert found.destination_commit_id == oops
    revert = lakefs_sdk.RevertCreation(ref=oops, parent_number=0)
    client.branches_api.revert_branch(repo, "main", revert)
    reverted = client.commits_api.get_commit(repo, "main")
    assert reverted.parents == [oops]
    assert reverted.message == f"Revert {oops}"
    assert status_of(lambda: read(client, "main", "oops.txt")) == 404
    assert read(client, "main", "keep.txt") == b"k"


def test_tags(client: LakeFSClient, repo: str) -> None:
    upload(client, "main", "t.txt", b"t")
    target = commit(client, "main").id
    api = client.tags_api
    created = api.create_tag(repo, lakefs_sdk.TagCreation(id="release-1", ref="main"))
    assert (created.id, created.commit_id) == ("release-1", target)
    again = lakefs_sdk.TagCreation(id="release-1", ref="main~1")
    assert status_of(lambda: api.create_tag(repo, again)) == 409
    assert api.get_tag(repo, "release-1").commit_id == target
    assert [t.id for t in api.list_tags(repo).results] == ["release-1"]
    api.delete_tag(repo, "release-1")
    assert status_of(lambda: api.get_tag(repo, "release-1")) == 404


# -- concurrency -------------------------------------------------------------------------


def test_concurrent_merges_into_one_branch_lose_nothing(
    emu: LakeFSEmulator, client: LakeFSClient, repo: str
) -> None:
    def snapshot(i: int) -> None:
        own = LakeFSClient(make_config(emu))
        branch_from(own, f"job-{i}")
        upload(own, f"job-{i}", f"out/{i}.json", str(i).encode())
        commit(own, f"job-{i}", job=str(i))
        merge(own, f"job-{i}", "main")

    threads = [threading.Thread(target=snapshot, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    listed = client.objects_api.list_objects(repo, "main", prefix="out/").results
    assert sorted(o.path for o in listed) == sorted(f"out/{i}.json" for i in range(8))
    assert emu.count_requests("POST", r"/merge/main$", status=200) == 8


# -- faults ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503, 423, 429, 412])
def test_status_fault_reaches_sdk_as_api_exception(
    emu: LakeFSEmulator, client: LakeFSClient, repo: str, status: int
) -> None:
    upload(client, "main", "a", b"a")
    emu.faults.add("POST", r"/branches/main/commits$", "status", status=status)
    with pytest.raises(ApiException) as info:
        commit(client, "main")
    assert info.value.status == status
    if status == 412:
        assert "hook" in info.value.body
    commit(client, "main")  # the fault fired once; nothing was applied by it


def test_third_upload_fails_and_uploads_are_counted(
    emu: LakeFSEmulator, client: LakeFSClient, repo: str
) -> None:
    fault = emu.faults.add("POST", r"/branches/main/objects$", "status", status=500, after=2)
    upload(client, "main", "u1", b"1")
    upload(client, "main", "u2", b"2")
    with pytest.raises(lakefs_sdk.exceptions.ServiceException):
        upload(client, "main", "u3", b"3")
    upload(client, "main", "u3", b"3")
    assert (fault.seen, fault.fired) == (3, 1)
    assert emu.count_requests("POST", r"/objects$") == 4
    assert emu.count_requests("POST", r"/objects$", query_regex=r"path=u3") == 2
    assert emu.count_requests("POST", r"/objects$", status=500) == 1


def test_reset_fault_drops_connection(emu: LakeFSEmulator, client: LakeFSClient, repo: str) -> None:
    emu.faults.add("POST", r"/objects$", "reset")
    with pytest.raises(urllib3.exceptions.ProtocolError):
        upload(client, "main", "lost", b"x")
    assert status_of(lambda: read(client, "main", "lost")) == 404  # nothing was applied
    # urllib3 retries idempotent GETs on a dropped connection (3 times by default).
    upload(client, "main", "kept", b"k")
    emu.faults.add("GET", r"/refs/main/objects$", "reset", times=2)
    assert read(client, "main", "kept") == b"k"
    assert emu.count_requests("GET", r"/refs/main/objects$", query_regex="path=kept") == 3


def test_timeout_fault_stalls_then_applies(
    emu: LakeFSEmulator, client: LakeFSClient, repo: str
) -> None:
    emu.faults.add("POST", r"/objects$", "timeout", seconds=0.6)
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        client.objects_api.upload_object(repo, "main", "slow", content=b"s", _request_timeout=0.2)
    deadline = time.monotonic() + 3
    while emu.read_object(repo, "main", "slow") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert read(client, "main", "slow") == b"s"


def test_apply_then_reset_commit_is_really_applied(
    emu: LakeFSEmulator, client: LakeFSClient, repo: str
) -> None:
    upload(client, "main", "data", b"d")
    before = head(client, "main")
    emu.faults.add("POST", r"/branches/main/commits$", "apply_then_reset")
    with pytest.raises(urllib3.exceptions.ProtocolError):
        commit(client, "main", "snapshot", job_id="job-9")
    now = client.commits_api.get_commit(repo, "main")
    assert now.id != before
    assert now.parents == [before]
    assert now.metadata == {"job_id": "job-9"}
    # A blind retry is refused: the first attempt already consumed the staged data.
    with pytest.raises(BadRequestException):
        commit(client, "main", "snapshot", job_id="job-9")
    (logged,) = [r for r in emu.requests if r.fault == "apply_then_reset"]
    assert (logged.status, logged.applied_status) == (0, 201)


def test_contention_fault(emu: LakeFSEmulator, client: LakeFSClient, repo: str) -> None:
    upload(client, "main", "c", b"c")
    emu.faults.add("POST", r"/commits$", "contention")  # all 10 compare-and-swaps lose
    assert status_of(lambda: commit(client, "main")) == 429
    emu.faults.add("POST", r"/commits$", "contention", cas_failures=3)  # retries absorb it
    commit(client, "main")
    upload(client, "main", "d", b"d")
    emu.settings.contention_status = 423  # older lakeFS (RELIABILITY.md, lakeFS #9364)
    try:
        emu.faults.add("POST", r"/commits$", "contention")
        assert status_of(lambda: commit(client, "main")) == 423
    finally:
        emu.settings.contention_status = 429


def test_stop_wakes_stalled_requests_and_leaves_no_threads() -> None:
    emu = LakeFSEmulator(access_key=ACCESS_KEY, secret_key=SECRET_KEY).start()
    prefix = f"lakefs-emulator:{emu.port}"

    def emulator_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name.startswith(prefix)]

    client = LakeFSClient(make_config(emu))
    client.repositories_api.list_repositories()  # leaves an idle keep-alive connection
    fault = emu.faults.add("GET", r"^/repositories$", "timeout", seconds=30)
    caught: list[BaseException] = []

    def stalled() -> None:
        try:
            client.repositories_api.list_repositories(_request_timeout=20)
        except Exception as error:
            caught.append(error)

    waiter = threading.Thread(target=stalled)
    waiter.start()
    try:
        deadline = time.monotonic() + 5
        while fault.fired == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(emulator_threads()) >= 2  # the server loop and the stalled connection
    finally:
        started = time.monotonic()
        emu.stop()
        waiter.join(5)
    assert time.monotonic() - started < 3
    assert not waiter.is_alive()
    # urllib3 retries the dropped GET against the closed port, then gives up.
    assert isinstance(caught[0], urllib3.exceptions.MaxRetryError)
    assert emulator_threads() == []


def test_listing_pages_match_sorting_the_whole_view() -> None:
    """`list_view_page` (bisect + walk) answers as `list_level` over the sorted view would."""
    import random

    from .lakefs_emulator.listing import list_level, list_view_page
    from .lakefs_emulator.model import Entry, Repository, Staging, View
    from .lakefs_emulator.protocol import paginate

    rng = random.Random(7)

    def entry(path: str) -> Entry:
        return Entry.create(path, path.encode(), "local://x/" + path, "text/plain", {})

    def paths(n: int) -> list[str]:
        parts = ["a", "a/b", "b", "c/d/e", "c/", "c/d", "ab", "zz"]
        return [f"{rng.choice(parts)}/{rng.randrange(50)}" for _ in range(n)]

    repo = Repository("r", "local://r", "main", 0)
    for round_ in range(20):
        tree = {p: entry(p) for p in paths(rng.randrange(0, 80))}
        repo.commits[f"c{round_}"] = type("C", (), {"tree": tree})()  # type: ignore[assignment]
        staging = Staging()
        for p in paths(rng.randrange(0, 30)):
            staging[p] = (
                None if rng.random() < 0.4 else entry(p + ("" if rng.random() < 0.5 else "x"))
            )
        view = View(repo, f"c{round_}", staging)
        items = sorted((p, view[p]) for p in view)
        keys = [p for p, _ in items] + ["", "a", "a/", "b/3", "c/", "c/d/", "zz/9", "~"]
        for prefix in ("", "a", "a/", "c/", "c/d/", "q"):
            for delimiter in ("", "/"):
                rows = list_level(items, prefix, delimiter)
                for after in [*rng.sample(keys, min(6, len(keys))), ""]:
                    for amount in (1, 3, 1000):
                        want, pages = paginate(rows, lambda row: row[0], after, amount)
                        got = list_view_page(view, prefix, delimiter, after, amount)
                        assert got == (want, pages["has_more"]), (prefix, delimiter, after)


def test_uploads_and_reads_look_up_one_path(
    client: LakeFSClient, repo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uploads and reads never build the branch's whole view, and a listing page sorts
    nothing more once the committed tree's order is known (no O(n) work per request)."""
    from .lakefs_emulator import model

    objects = client.objects_api
    for i in range(300):
        objects.upload_object(repo, "main", f"items/{i:04d}.json", content=b"x%d" % i)
    client.commits_api.commit(repo, "main", lakefs_sdk.CommitCreation(message="300"))

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("whole-tree work on a per-object request")

    with monkeypatch.context() as patch:
        patch.setattr(model.Repository, "branch_view", refuse)
        objects.upload_object(repo, "main", "items/0001.json", content=b"staged")
        objects.upload_object(repo, "main", "items/9999.json", content=b"y", if_none_match="*")
        assert objects.get_object(repo, "main", "items/0001.json") == b"staged"
    objects.list_objects(repo, "main", prefix="items/", amount=1)  # sorts tree and staging once
    monkeypatch.setattr(model, "sorted", refuse, raising=False)
    page = objects.list_objects(repo, "main", prefix="items/", after="items/0100.json", amount=5)
    assert [o.path for o in page.results] == [f"items/{i:04d}.json" for i in range(101, 106)]
    assert page.pagination.has_more
    page = objects.list_objects(repo, "main", prefix="items/", after="items/0299.json")
    assert [o.path for o in page.results] == ["items/9999.json"]
    assert not page.pagination.has_more
