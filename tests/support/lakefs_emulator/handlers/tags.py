"""/repositories/{repository}/tags: create (201, 409 if it exists), get, list, delete."""

from __future__ import annotations

import re

from .. import serialize
from ..app import App, Router
from ..protocol import ApiError, Request, Response, json_response, no_content, page_list
from ..refs import commit_of

# graveler.ValidateTagID: non-empty, no whitespace, and not usable as a ref modifier.
_TAG_ID = re.compile(r"^[^\s~^@$:]+$")


def create_tag(app: App, req: Request) -> Response:
    body = req.json_body()
    tag_id, ref = body.get("id"), body.get("ref")
    if not isinstance(tag_id, str) or not _TAG_ID.match(tag_id):
        raise ApiError(400, "tag id: invalid value: validation error")
    if not isinstance(ref, str) or not ref:
        raise ApiError(400, "ref: required value: validation error")
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        repo.ensure_writable(bool(body.get("force", False)))
        # Tags are immutable: delete and re-create to move one.
        if tag_id in repo.tags:
            raise ApiError(409, "tag already exists: not unique")
        target = commit_of(repo, ref)
        repo.tags[tag_id] = target
    return json_response(201, serialize.ref(tag_id, target))


def list_tags(app: App, req: Request) -> Response:
    prefix = req.arg("prefix", "") or ""
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        rows = [serialize.ref(t, c) for t, c in sorted(repo.tags.items()) if t.startswith(prefix)]
    return json_response(200, page_list(rows, "id", req.arg("after", "") or "", req.amount()))


def get_tag(app: App, req: Request) -> Response:
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        tag = req.params["tag"]
        if tag not in repo.tags:
            raise ApiError(404, "tag not found")
        return json_response(200, serialize.ref(tag, repo.tags[tag]))


def delete_tag(app: App, req: Request) -> Response:
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        repo.ensure_writable(req.flag("force"))
        if repo.tags.pop(req.params["tag"], None) is None:
            raise ApiError(404, "tag not found")
    return no_content()


def register(router: Router) -> None:
    router.add("POST", "/repositories/{repository}/tags", create_tag)
    router.add("GET", "/repositories/{repository}/tags", list_tags)
    router.add("GET", "/repositories/{repository}/tags/{tag}", get_tag)
    router.add("DELETE", "/repositories/{repository}/tags/{tag}", delete_tag)
