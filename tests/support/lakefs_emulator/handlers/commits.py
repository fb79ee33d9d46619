"""Commits: create on a branch, get by any ref, and the log of a ref."""

from __future__ import annotations

from datetime import datetime

from .. import serialize
from ..app import App, Router
from ..graph import walk_log
from ..model import Commit, Repository
from ..protocol import ApiError, Request, Response, json_response, pagination
from ..refs import commit_of
from ..versioning import commit_planner, update_branch
from .common import string_map


def commit(app: App, req: Request) -> Response:
    body = req.json_body()
    message = body.get("message")
    if not isinstance(message, str):
        raise ApiError(400, "message: required value: validation error")
    if req.arg("source_metarange"):
        raise ApiError(400, "source_metarange is not supported by the emulator")
    date = body.get("date")
    if date is not None and not isinstance(date, int):
        raise ApiError(400, "request body has an error: date must be an integer")
    planner = commit_planner(
        message,
        string_map(body),
        date=date,
        allow_empty=bool(body.get("allow_empty", False)),
        force=bool(body.get("force", False)),
    )
    created = update_branch(
        app.store,
        req.params["repository"],
        req.params["branch"],
        planner,
        cas_failures=req.cas_failures,
        busy_status=app.settings.contention_status,
    )
    return json_response(201, serialize.commit(created))


def get_commit(app: App, req: Request) -> Response:
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        return json_response(200, serialize.commit(repo.commit(commit_of(repo, req.params["id"]))))


def _touches(repo: Repository, commit: Commit, objects: list[str], prefixes: list[str]) -> bool:
    """Did `commit` change one of `objects` or anything under `prefixes` (vs 1st parent)?"""
    before = repo.commits[commit.parents[0]].tree if commit.parents else {}
    after = commit.tree
    for path in set(before) | set(after):
        if path in objects or any(path.startswith(p) for p in prefixes):
            old, new = before.get(path), after.get(path)
            if (old is None) != (new is None) or (old and new and old.identity != new.identity):
                return True
    return False


def _since(req: Request) -> int | None:
    raw = req.arg("since")
    if not raw:
        return None
    for parse in (
        lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%f%z"),
        datetime.fromisoformat,
    ):
        try:
            return int(parse(raw).timestamp())
        except ValueError:
            continue
    raise ApiError(400, f"invalid since: {raw!r}")


def log_commits(app: App, req: Request) -> Response:
    objects, prefixes = req.args("objects"), req.args("prefixes")
    since = _since(req)
    after, amount = req.arg("after", "") or "", req.amount()
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        start = commit_of(repo, req.params["ref"])
        stop_at = commit_of(repo, req.arg("stop_at") or "") if req.arg("stop_at") else None
        log: list[Commit] = []
        for item in walk_log(repo, start, req.flag("first_parent")):
            if since is not None and item.creation_date < since:
                break
            if not (objects or prefixes) or _touches(repo, item, objects, prefixes):
                log.append(item)
            if item.id == stop_at:
                break
    if after:
        ids = [c.id for c in log]
        # `after` is a commit id: continue right after it (empty if it is not in the log).
        log = log[ids.index(after) + 1 :] if after in ids else []
    page = log[:amount]
    has_more = len(log) > amount and not req.flag("limit")
    last = page[-1].id if page else ""
    return json_response(
        200,
        {
            "pagination": pagination(has_more, last, len(page)),
            "results": [serialize.commit(c) for c in page],
        },
    )


def register(router: Router) -> None:
    router.add("POST", "/repositories/{repository}/branches/{branch}/commits", commit)
    router.add("GET", "/repositories/{repository}/commits/{id}", get_commit)
    router.add("GET", "/repositories/{repository}/refs/{ref}/commits", log_commits)
