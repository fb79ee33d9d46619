"""Uploads on plain keep-alive connections (datasets/stores/lakefs_uploads.py), against the
emulator over real HTTP."""

from __future__ import annotations

import logging

import pytest

from datasets.stores.base import NotFound
from datasets.stores.lakefs import LakeFSStore
from datasets.stores.lakefs_uploads import Uploads
from tests.support.lakefs_emulator import LakeFSEmulator

from .conftest import emulator_store

REPO = "uploads"
UPLOADS = r"/branches/main/objects$"


@pytest.fixture
def store(emulator: LakeFSEmulator) -> LakeFSStore:
    store = emulator_store(emulator)
    store.ensure_repository(REPO)
    return store


def test_uploads_reuse_one_connection_per_thread(
    emulator: LakeFSEmulator, store: LakeFSStore
) -> None:
    for i in range(5):
        store.put(REPO, "main", f"items/{i}.json", b'{"i": %d}' % i)
    connection = store.uploads._local.connection
    assert connection.sock is not None  # kept alive
    assert store.read(REPO, "main", "items/3.json") == b'{"i": 3}'
    assert emulator.count_requests("POST", UPLOADS) == 5


def test_a_keep_alive_connection_the_server_closed_is_reopened_at_once(
    emulator: LakeFSEmulator, store: LakeFSStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.put(REPO, "main", "first.json", b"1")
    assert emulator._server is not None
    emulator._server.close_connections()  # as a server's idle timeout would
    with caplog.at_level(logging.WARNING):
        store.put(REPO, "main", "second.json", b"2")
    assert store.read(REPO, "main", "second.json") == b"2"
    assert not [r for r in caplog.records if "failed (attempt" in r.getMessage()]  # no retry


def test_an_upload_to_a_missing_branch_fails_at_once(
    emulator: LakeFSEmulator, store: LakeFSStore
) -> None:
    with pytest.raises(NotFound):
        store.put(REPO, "no-such-branch", "x.json", b"x")
    assert emulator.count_requests("POST", r"/branches/no-such-branch/objects$") == 1


def test_behind_a_proxy_uploads_stay_on_the_sdk_pool(emulator: LakeFSEmulator) -> None:
    store = emulator_store(emulator)
    store.client.objects_api.api_client.configuration.proxy = "http://proxy.invalid:3128"
    assert not Uploads(store.client).available
