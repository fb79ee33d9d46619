"""Version store fixtures: the same tests run on every store.

* `local`: the embedded store on the test database, with tiny ranges (4 entries on
  average) so that a dozen objects already span several ranges;
* `lakefs-emulator`: `LakeFSStore` over real HTTP against the lakeFS emulator;
* `lakefs-live`: `LakeFSStore` against a real lakeFS when LAKEFS_ENDPOINT is set.

Every store lists with a page size of 3, so every listing, log and diff pages.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from datasets.stores.base import VersionStore
from datasets.stores.lakefs import LakeFSStore
from datasets.stores.lakefs_client import RetryPolicy
from datasets.stores.local import LocalStore
from datasets.stores.local.trees import Chunking
from tests.support.lakefs_emulator import LakeFSEmulator

LIVE_SKIP = "set LAKEFS_ENDPOINT to run against a real lakeFS, e.g. docker compose up lakefs"
ACCESS_KEY = "AKIACONTRACTTESTS"
SECRET_KEY = "contract-tests-secret"
# Fast retries keep fault tests quick; the timeouts still bound every call.
FAST_RETRIES = RetryPolicy(
    attempts=4, base_delay=0.01, max_delay=0.05, timeout=5, long_timeout=5, connect_timeout=2
)


@pytest.fixture(scope="session")
def lakefs_emulator() -> Iterator[LakeFSEmulator]:
    with LakeFSEmulator(access_key=ACCESS_KEY, secret_key=SECRET_KEY) as emulator:
        yield emulator


@pytest.fixture
def emulator(lakefs_emulator: LakeFSEmulator) -> Iterator[LakeFSEmulator]:
    lakefs_emulator.reset()
    yield lakefs_emulator
    assert lakefs_emulator.internal_errors == []


def emulator_store(emulator: LakeFSEmulator, **kwargs: object) -> LakeFSStore:
    options: dict[str, object] = {"policy": FAST_RETRIES, "page_size": 3, "workers": 4}
    options.update(kwargs)
    return LakeFSStore(
        emulator.endpoint,
        emulator.access_key,
        emulator.secret_key,
        storage_namespace="mem://contract/",
        **options,  # type: ignore[arg-type]
    )


def live_store() -> LakeFSStore:
    return LakeFSStore(
        os.environ["LAKEFS_ENDPOINT"],
        os.environ.get("LAKEFS_ACCESS_KEY_ID", ""),
        os.environ.get("LAKEFS_SECRET_ACCESS_KEY", ""),
        storage_namespace=os.environ.get("LAKEFS_STORAGE_NAMESPACE", "local://annolake-tests/"),
        page_size=3,
    )


LIVE = pytest.param(
    "lakefs-live", marks=pytest.mark.skipif(not os.environ.get("LAKEFS_ENDPOINT"), reason=LIVE_SKIP)
)


@pytest.fixture(params=["local", "lakefs-emulator", LIVE])
def store(request: pytest.FixtureRequest, db: None) -> VersionStore:
    """`db` is requested statically for every store: pytest-django only creates the test
    database when a collected test visibly needs it (else Django uses the real one)."""
    if request.param == "local":
        return LocalStore(page_size=3, chunking=Chunking(target=4, limit=16))
    if request.param == "lakefs-emulator":
        return emulator_store(request.getfixturevalue("emulator"))
    return live_store()


@pytest.fixture
def repo(store: VersionStore) -> Iterator[str]:
    name = f"contract-{uuid.uuid4().hex[:12]}"
    store.ensure_repository(name)
    yield name
    store.delete_repository(name)
