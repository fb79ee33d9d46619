"""Reachability of the configured version store."""

from __future__ import annotations

from django.conf import settings


def version_store_check() -> str:
    if settings.VERSION_STORE == "lakefs":
        import lakefs_sdk

        config = lakefs_sdk.Configuration(
            host=settings.LAKEFS_ENDPOINT,
            username=settings.LAKEFS_ACCESS_KEY_ID,
            password=settings.LAKEFS_SECRET_ACCESS_KEY,
        )
        with lakefs_sdk.ApiClient(config) as client:
            lakefs_sdk.HealthCheckApi(client).health_check(_request_timeout=3)
        return f"lakefs at {settings.LAKEFS_ENDPOINT}"
    # The local store keeps its trees in the database and its objects in media storage,
    # both probed separately; here we only confirm which store is in use.
    return "local"
