"""/repositories/{repository}/branches: create, get, list, delete, reset, revert, diff."""

from __future__ import annotations

from .. import serialize
from ..app import App, Router
from ..graph import diff_trees
from ..model import Branch
from ..protocol import ApiError, Request, Response, json_response, no_content, page_list
from ..refs import BRANCH_ID, commit_of
from ..versioning import revert_planner, update_branch
from .common import diff_list


def create_branch(app: App, req: Request) -> Response:
    body = req.json_body()
    name, source = body.get("name"), body.get("source")
    if not isinstance(name, str) or not BRANCH_ID.match(name):
        raise ApiError(400, "branch id: invalid value: validation error")
    if not isinstance(source, str) or not source:
        raise ApiError(400, "source: required value: validation error")
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        repo.ensure_writable(bool(body.get("force", False)))
        if name in repo.branches:
            raise ApiError(409, "branch already exists: not unique")
        # A branch starts at the source's *committed* state; staging is not copied.
        head = commit_of(repo, source)
        repo.branches[name] = Branch(name, head, hidden=bool(body.get("hidden", False)))
    # lakeFS answers with the bare commit id, not JSON (the SDK return type is `str`).
    return Response(201, head.encode("ascii"), {"Content-Type": "text/html"})


def list_branches(app: App, req: Request) -> Response:
    prefix = req.arg("prefix", "") or ""
    show_hidden = req.flag("show_hidden")
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        rows = [
            serialize.ref(b.name, b.head)
            for b in sorted(repo.branches.values(), key=lambda b: b.name)
            if b.name.startswith(prefix) and (show_hidden or not b.hidden)
        ]
    return json_response(200, page_list(rows, "id", req.arg("after", "") or "", req.amount()))


def get_branch(app: App, req: Request) -> Response:
    with app.store.lock:
        branch = app.store.repo(req.params["repository"]).branch(req.params["branch"])
        return json_response(200, serialize.ref(branch.name, branch.head))


def delete_branch(app: App, req: Request) -> Response:
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        repo.ensure_writable(req.flag("force"))
        branch = repo.branch(req.params["branch"])
        if branch.name == repo.default_branch:
            raise ApiError(403, "cannot delete repository default branch")
        del repo.branches[branch.name]
    return no_content()


def reset_branch(app: App, req: Request) -> Response:
    body = req.json_body()
    kind, path = body.get("type"), body.get("path") or ""
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        repo.ensure_writable(bool(body.get("force", False)))
        branch = repo.branch(req.params["branch"])
        if kind == "reset":
            branch.staging.clear()
        elif kind == "object":
            branch.staging.pop(path, None)
        elif kind == "common_prefix":
            for key in [k for k in branch.staging if k.startswith(path)]:
                del branch.staging[key]
        else:
            raise ApiError(400, f"unknown reset type {kind!r}")
    return no_content()


def revert_branch(app: App, req: Request) -> Response:
    body = req.json_body()
    ref = body.get("ref")
    if not isinstance(ref, str) or not ref:
        raise ApiError(400, "ref: required value: validation error")
    planner = revert_planner(
        ref,
        int(body.get("parent_number") or 0),
        allow_empty=bool(body.get("allow_empty", False)),
        force=bool(body.get("force", False)),
    )
    update_branch(
        app.store,
        req.params["repository"],
        req.params["branch"],
        planner,
        cas_failures=req.cas_failures,
        busy_status=app.settings.contention_status,
    )
    return no_content()


def diff_branch(app: App, req: Request) -> Response:
    """Uncommitted changes: the branch head's tree against what the branch shows."""
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        branch = repo.branch(req.params["branch"])
        changes = diff_trees(repo.commit(branch.head).tree, repo.branch_view(branch))
    return json_response(200, diff_list(changes, req))


def register(router: Router) -> None:
    base = "/repositories/{repository}/branches"
    router.add("POST", base, create_branch)
    router.add("GET", base, list_branches)
    router.add("GET", base + "/{branch}", get_branch)
    router.add("DELETE", base + "/{branch}", delete_branch)
    router.add("PUT", base + "/{branch}", reset_branch)
    router.add("POST", base + "/{branch}/revert", revert_branch)
    router.add("GET", base + "/{branch}/diff", diff_branch)
