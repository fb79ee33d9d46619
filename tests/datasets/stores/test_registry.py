"""`get_version_store()` and the /healthz probe pick the store the settings name."""

from __future__ import annotations

import pytest

from datasets.stores import get_version_store
from datasets.stores.base import Forbidden
from datasets.stores.health import version_store_check
from datasets.stores.lakefs import LakeFSStore
from datasets.stores.local import LocalStore
from tests.support.lakefs_emulator import LakeFSEmulator


class CustomStore(LocalStore):
    """A store named by dotted path."""


def test_the_local_store_is_the_default_and_is_built_once(settings) -> None:
    settings.VERSION_STORE = "local"
    store = get_version_store()
    assert type(store) is LocalStore
    assert get_version_store() is store


def test_a_dotted_path_names_a_custom_store(settings) -> None:
    settings.VERSION_STORE = "tests.datasets.stores.test_registry.CustomStore"
    assert type(get_version_store()) is CustomStore


def test_a_dotted_path_must_name_a_version_store(settings) -> None:
    settings.VERSION_STORE = "datasets.stores.base.NotFound"
    with pytest.raises(TypeError, match="not a VersionStore"):
        get_version_store()


def test_lakefs_settings_build_a_lakefs_store(settings, emulator: LakeFSEmulator) -> None:
    settings.VERSION_STORE = "lakefs"
    settings.LAKEFS_ENDPOINT = emulator.endpoint
    settings.LAKEFS_ACCESS_KEY_ID = emulator.access_key
    settings.LAKEFS_SECRET_ACCESS_KEY = emulator.secret_key
    settings.LAKEFS_MAX_ATTEMPTS = 2
    store = get_version_store()
    assert isinstance(store, LakeFSStore)
    assert store.policy.attempts == 2
    assert version_store_check() == f"lakefs at {emulator.endpoint}"


def test_the_lakefs_probe_fails_on_bad_credentials(settings, emulator: LakeFSEmulator) -> None:
    settings.VERSION_STORE = "lakefs"
    settings.LAKEFS_ENDPOINT = emulator.endpoint
    settings.LAKEFS_ACCESS_KEY_ID = "AKIAWRONG"
    settings.LAKEFS_SECRET_ACCESS_KEY = "wrong"
    with pytest.raises(Forbidden, match="auth"):
        version_store_check()


@pytest.mark.django_db
def test_the_local_probe_reports_local(settings) -> None:
    settings.VERSION_STORE = "local"
    assert version_store_check() == "local"
