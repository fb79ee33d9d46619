"""Version stores: `get_version_store()` returns the one the settings name.

`VERSION_STORE` is `local` (embedded, the default), `lakefs`, or the dotted path of a
`VersionStore` subclass; the instance is built once per process from settings.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from .base import VersionStore

STORES = {
    "local": "datasets.stores.local.LocalStore",
    "lakefs": "datasets.stores.lakefs.LakeFSStore",
}


@cache
def get_version_store() -> VersionStore:
    path = STORES.get(settings.VERSION_STORE, settings.VERSION_STORE)
    store_class = import_string(path)
    if not (isinstance(store_class, type) and issubclass(store_class, VersionStore)):
        raise TypeError(f"VERSION_STORE={path!r} is not a VersionStore subclass")
    return store_class.from_settings()


def _forget_store(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(("VERSION_STORE", "LAKEFS_")):
        get_version_store.cache_clear()


setting_changed.connect(_forget_store)
