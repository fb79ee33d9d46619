"""/repositories: create (201, 409 if it exists), get, list, delete."""

from __future__ import annotations

import re
import time

from .. import serialize
from ..app import App, Router
from ..model import Branch, Repository
from ..protocol import ApiError, Request, Response, json_response, no_content, page_list
from ..refs import BRANCH_ID
from .meta import NAMESPACE_REGEX

REPOSITORY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,62}$")
_NAMESPACE = re.compile(NAMESPACE_REGEX)


def create_repository(app: App, req: Request) -> Response:
    body = req.json_body()
    name = body.get("name")
    namespace = body.get("storage_namespace")
    default_branch = body.get("default_branch") or "main"
    if not isinstance(name, str) or not REPOSITORY_ID.match(name):
        raise ApiError(400, "repository id: invalid value: validation error")
    if not isinstance(namespace, str) or not _NAMESPACE.match(namespace):
        raise ApiError(400, "storage namespace: invalid value: validation error")
    if not isinstance(default_branch, str) or not BRANCH_ID.match(default_branch):
        raise ApiError(400, "branch id: invalid value: validation error")
    bare = req.flag("bare")
    store = app.store
    with store.lock:
        if name in store.repositories:
            raise ApiError(409, "repository already exists: not unique")
        repo = Repository(
            name=name,
            storage_namespace=namespace,
            default_branch=default_branch,
            creation_date=int(time.time()),
            read_only=bool(body.get("read_only", False)),
        )
        if not bare:
            # graveler.CreateRepository: an empty first commit by nobody, on the default branch.
            first = store.add_commit(
                repo,
                parents=(),
                message="Repository created",
                metadata={},
                tree={},
                committer="",
                empty_range=True,
            )
            repo.branches[default_branch] = Branch(default_branch, first.id)
        store.repositories[name] = repo
        return json_response(201, serialize.repository(repo))


def list_repositories(app: App, req: Request) -> Response:
    prefix = req.arg("prefix", "") or ""
    search = req.arg("search", "") or ""
    with app.store.lock:
        repos = sorted(app.store.repositories.values(), key=lambda r: r.name)
        rows = [
            serialize.repository(r) for r in repos if r.name.startswith(prefix) and search in r.name
        ]
    return json_response(200, page_list(rows, "id", req.arg("after", "") or "", req.amount()))


def get_repository(app: App, req: Request) -> Response:
    with app.store.lock:
        return json_response(200, serialize.repository(app.store.repo(req.params["repository"])))


def delete_repository(app: App, req: Request) -> Response:
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        repo.ensure_writable(req.flag("force"))
        del app.store.repositories[repo.name]
    return no_content()


def register(router: Router) -> None:
    router.add("POST", "/repositories", create_repository)
    router.add("GET", "/repositories", list_repositories)
    router.add("GET", "/repositories/{repository}", get_repository)
    router.add("DELETE", "/repositories/{repository}", delete_repository)
