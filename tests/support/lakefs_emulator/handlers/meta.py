"""Server-level endpoints: health, config, version, setup state, login, current user."""

from __future__ import annotations

import time
from typing import Any

from ..app import App, Router
from ..protocol import ApiError, Request, Response, json_response, no_content

# Namespaces the SDK itself accepts (RepositoryCreation.storage_namespace validator).
NAMESPACE_REGEX = r"^(s3|gs|https?|mem|local|transient)://"
_STARTED = int(time.time())


def _storage_config(app: App) -> dict[str, Any]:
    # pre_sign_support is false by default, like lakeFS' local/mem blockstores: clients (and
    # the high-level `lakefs` wrapper) then upload through the API instead of presigned
    # URLs. LakeFSEmulator(presign=True) presigns reads like an S3 blockstore (presign.py).
    presign = app.settings.presign
    return {
        "blockstore_type": "mem",
        "blockstore_namespace_example": "mem://example-bucket/path",
        "blockstore_namespace_ValidityRegex": NAMESPACE_REGEX,
        "pre_sign_support": presign,
        "pre_sign_support_ui": presign,
        "import_support": False,
        "import_validity_regex": NAMESPACE_REGEX,
        "pre_sign_multipart_upload": False,
        "blockstore_id": "",
        "blockstore_description": "lakeFS emulator (in memory)",
    }


def _version_config(app: App) -> dict[str, Any]:
    return {
        "version": app.settings.version,
        "version_context": "lakeFS emulator",
        "upgrade_recommended": False,
    }


def health_check(app: App, req: Request) -> Response:
    return no_content()


def get_config(app: App, req: Request) -> Response:
    storage = _storage_config(app)
    return json_response(
        200,
        {
            "version_config": _version_config(app),
            "storage_config": storage,
            "storage_config_list": [storage],
            "capabilities_config": {"async_ops": False},
        },
    )


def get_version(app: App, req: Request) -> Response:
    return json_response(200, _version_config(app))


def get_storage_config(app: App, req: Request) -> Response:
    return json_response(200, _storage_config(app))


def get_setup_state(app: App, req: Request) -> Response:
    return json_response(200, {"state": "initialized", "comm_prefs_missing": False})


def login(app: App, req: Request) -> Response:
    body = req.json_body()
    credentials = (body.get("access_key_id"), body.get("secret_access_key"))
    if credentials != (app.settings.access_key, app.settings.secret_key):
        raise ApiError(401, "error authenticating request")
    expiry = int(time.time()) + 3600
    return json_response(200, {"token": app.new_token(), "token_expiration": expiry})


def current_user(app: App, req: Request) -> Response:
    user = {"id": req.user, "creation_date": _STARTED, "friendly_name": req.user}
    return json_response(200, {"user": user})


def register(router: Router) -> None:
    router.add("GET", "/healthcheck", health_check, public=True)
    router.add("GET", "/setup_lakefs", get_setup_state, public=True)
    router.add("POST", "/auth/login", login, public=True)
    router.add("GET", "/config", get_config)
    router.add("GET", "/config/version", get_version)
    router.add("GET", "/config/storage", get_storage_config)
    router.add("GET", "/user", current_user)
