"""Presigned reads on lakeFS, through an emulator that presigns like an S3 blockstore: URLs on
the emulator itself that serve an object without credentials, with Range, until they expire."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator

import lakefs_sdk
import pytest
import urllib3
from lakefs_sdk.client import LakeFSClient
from lakefs_sdk.exceptions import ApiException

from datasets.stores.lakefs import LakeFSStore
from tests.datasets.stores.conftest import ACCESS_KEY, SECRET_KEY, emulator_store
from tests.datasets.stores.test_contract import commit_files
from tests.datasets.stores.test_contract import (
    test_a_presigned_listing_gives_the_urls_presigned_url_gives as presign_contract,
)
from tests.support.lakefs_emulator import LakeFSEmulator

FILES = {f"m/{i}.bin": bytes(range(256)) * (i + 1) for i in range(5)} | {"n.txt": b"n"}


@pytest.fixture(scope="module")
def presigning() -> Iterator[LakeFSEmulator]:
    with LakeFSEmulator(access_key=ACCESS_KEY, secret_key=SECRET_KEY, presign=True) as emulator:
        yield emulator


@pytest.fixture
def emu(presigning: LakeFSEmulator) -> Iterator[LakeFSEmulator]:
    presigning.reset()
    yield presigning
    assert presigning.internal_errors == []


@pytest.fixture
def store(emu: LakeFSEmulator) -> LakeFSStore:
    return emulator_store(emu)  # pages of 3: the 5 objects under m/ take two pages


@pytest.fixture
def repo(store: LakeFSStore) -> str:
    name = f"presign-{uuid.uuid4().hex[:12]}"
    store.ensure_repository(name)
    return name


@pytest.fixture
def head(store: LakeFSStore, repo: str) -> str:
    return commit_files(store, repo, "main", dict(FILES))


def get(url: str, **headers: str) -> urllib3.BaseHTTPResponse:
    """A plain GET: no credentials, no redirects."""
    return urllib3.request("GET", url, headers=headers, redirect=False, timeout=10)


def signed_urls(store: LakeFSStore, repo: str, ref: str) -> dict[str, str]:
    found = {o.path: o.url for o in store.list_objects(repo, ref, prefix="m/", presign=True)}
    assert all(url is not None for url in found.values())
    return {path: str(url) for path, url in found.items()}


def test_the_presign_contract_holds_with_urls_on_the_emulator(
    store: LakeFSStore, repo: str
) -> None:
    presign_contract(store, repo)


def test_listed_urls_fetch_each_objects_bytes_without_credentials(
    emu: LakeFSEmulator, store: LakeFSStore, repo: str, head: str
) -> None:
    urls = signed_urls(store, repo, head)
    assert sorted(urls) == sorted(p for p in FILES if p.startswith("m/"))
    for path, url in urls.items():
        assert url.startswith(f"{emu.url}/_presigned/")
        response = get(url)
        assert response.status == 200
        assert response.data == FILES[path]
        assert response.headers["Accept-Ranges"] == "bytes"
    single = store.presigned_url(repo, head, "m/0.bin")
    assert single is not None and get(single).data == FILES["m/0.bin"]


def test_presigned_urls_honour_byte_ranges(store: LakeFSStore, repo: str, head: str) -> None:
    url, data = signed_urls(store, repo, head)["m/1.bin"], FILES["m/1.bin"]
    middle = get(url, Range="bytes=10-19")
    assert middle.status == 206 and middle.data == data[10:20]
    assert middle.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    tail = get(url, Range="bytes=-7")
    assert tail.status == 206 and tail.data == data[-7:]
    rest = get(url, Range="bytes=500-")
    assert rest.status == 206 and rest.data == data[500:]
    past = get(url, Range=f"bytes={len(data)}-")
    assert past.status == 416 and past.headers["Content-Range"] == f"bytes */{len(data)}"
    head_only = urllib3.request("HEAD", url, timeout=10)
    assert head_only.status == 200 and head_only.headers["Content-Length"] == str(len(data))


def _with_payload(url: str, **changes: object) -> str:
    """The URL with fields of its token's payload changed, keeping the old signature."""
    prefix, _, token = url.rpartition("/")
    payload, _, signature = token.partition(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(changes)
    raw = json.dumps(body, separators=(",", ":")).encode()
    forged = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return f"{prefix}/{forged}.{signature}"


def test_a_tampered_expired_or_made_up_token_is_refused(
    emu: LakeFSEmulator, store: LakeFSStore, repo: str, head: str
) -> None:
    url = signed_urls(store, repo, head)["m/0.bin"]
    assert get(url).status == 200
    other_path = _with_payload(url, p="m/4.bin")
    later_expiry = _with_payload(url, e=int(time.time()) + 10**6)
    flipped = url[:-1] + ("A" if url[-1] != "A" else "B")
    for forged in (other_path, later_expiry, flipped, f"{emu.url}/_presigned/nonsense"):
        refused = get(forged)
        assert refused.status == 403, forged
        assert b"m/4.bin" not in refused.data and FILES["m/0.bin"] not in refused.data
    expired = emu.presign_url(repo, head, "m/0.bin", expires=-1)
    assert get(expired).status == 403
    assert get(emu.presign_url(repo, head, "m/0.bin")).data == FILES["m/0.bin"]


def test_a_url_keeps_its_object_version(
    emu: LakeFSEmulator, store: LakeFSStore, repo: str, head: str
) -> None:
    by_commit = signed_urls(store, repo, head)["m/2.bin"]
    by_branch = signed_urls(store, repo, "main")["m/2.bin"]
    store.put(repo, "main", "m/2.bin", b"overwritten")
    store.commit(repo, "main", "moved on")
    assert get(by_commit).data == FILES["m/2.bin"]  # the commit still holds it
    assert get(by_branch).status == 404  # never the new bytes under the old URL
    assert get(signed_urls(store, repo, "main")["m/2.bin"]).data == b"overwritten"


def test_a_presigned_listing_asks_the_config_once_and_signs_in_the_listing_pages(
    emu: LakeFSEmulator, store: LakeFSStore, repo: str, head: str
) -> None:
    emu.clear_requests()
    for _ in range(2):
        signed_urls(store, repo, head)
    assert emu.count_requests("GET", r"^/config$") == 1
    assert emu.count_requests("GET", r"/objects/ls$", query_regex="presign=True") == 4
    assert emu.count_requests("GET", r"/objects/stat$") == 0
    list(store.list_objects(repo, head, prefix="m/"))
    assert emu.count_requests("GET", r"/objects/ls$") == 6  # plain listings send no presign


def test_presigned_stats_and_redirects_keep_the_sdks_strict_types(
    emu: LakeFSEmulator, store: LakeFSStore, repo: str, head: str
) -> None:
    api = store.client.objects_api
    stats = api.stat_object(repo, head, "m/3.bin", presign=True)
    assert isinstance(stats, lakefs_sdk.ObjectStats)
    assert isinstance(stats.physical_address_expiry, int)
    assert stats.physical_address_expiry > time.time()
    assert stats.physical_address.startswith(f"{emu.url}/_presigned/")
    page = api.list_objects(repo, head, presign=True, prefix="m/", delimiter="/")
    assert all(isinstance(o.physical_address_expiry, int) for o in page.results)
    # get_object(presign=True): 302 to the URL, which a default SDK client follows (our
    # store turns urllib3's retries, and with them redirects, off), Authorization and all.
    config = lakefs_sdk.Configuration(
        host=emu.endpoint, username=emu.access_key, password=emu.secret_key
    )
    default = LakeFSClient(config).objects_api
    assert bytes(default.get_object(repo, head, "m/3.bin", presign=True)) == FILES["m/3.bin"]
    assert emu.count_requests("GET", r"/objects$", status=302) == 1


def test_without_presign_support_lists_carry_no_url_and_presign_stays_refused(
    emulator: LakeFSEmulator,
) -> None:
    store = emulator_store(emulator)
    repo = f"plain-{uuid.uuid4().hex[:12]}"
    store.ensure_repository(repo)
    head = commit_files(store, repo, "main", {"m/a.bin": b"a"})
    assert [o.url for o in store.list_objects(repo, head, presign=True)] == [None]
    assert store.presigned_url(repo, head, "m/a.bin") is None
    with pytest.raises(ApiException) as refused:
        store.client.objects_api.list_objects(repo, head, presign=True)
    assert refused.value.status == 400
    assert get(f"{emulator.url}/_presigned/anything").status == 404
