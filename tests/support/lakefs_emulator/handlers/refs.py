"""/refs: diff between refs (two_dot / three_dot), merge, and merge base."""

from __future__ import annotations

from ..app import App, Router
from ..graph import compare_trees, diff_trees, merge_base
from ..protocol import ApiError, Request, Response, json_response
from ..refs import commit_of, resolve, view
from ..versioning import merge_planner, update_branch
from .common import diff_list, string_map


def diff_refs(app: App, req: Request) -> Response:
    kind = req.arg("type", "three_dot") or "three_dot"
    if kind not in ("two_dot", "three_dot"):
        raise ApiError(400, f"invalid diff type {kind!r}")
    left_ref, right_ref = req.params["left"], req.params["right"]
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        left = repo.commit(commit_of(repo, left_ref))
        if kind == "two_dot":
            # graveler.Diff: committed data, except a `branch$` right side adds staging.
            right = resolve(repo, right_ref)
            if right.explicit_staging:
                changes = diff_trees(left.tree, view(repo, right))
            else:
                right_tree = repo.commit(right.commit_id).tree
                changes = repo.cached_diff(
                    ("two_dot", left.id, right.commit_id),
                    lambda: diff_trees(left.tree, right_tree),
                )
        else:
            # graveler.Compare: what merging right into left would change, conflicts marked.
            right_commit = repo.commit(commit_of(repo, right_ref))
            base_id = merge_base(repo, right_commit.id, left.id)
            if base_id is None:
                raise ApiError(400, "no merge base")
            base_tree = repo.commit(base_id).tree
            changes = repo.cached_diff(
                ("three_dot", left.id, right_commit.id, base_id),
                lambda: compare_trees(left.tree, right_commit.tree, base_tree),
            )
    return json_response(200, diff_list(changes, req))


def merge_into_branch(app: App, req: Request) -> Response:
    body = req.json_body()
    strategy = body.get("strategy") or ""
    if not isinstance(strategy, str):
        raise ApiError(400, "invalid merge strategy")
    planner = merge_planner(
        req.params["source"],
        body.get("message") or "",
        string_map(body),
        strategy,
        squash=bool(body.get("squash_merge", False)),
        allow_empty=bool(body.get("allow_empty", False)),
        force=bool(body.get("force", False)),
    )
    merged = update_branch(
        app.store,
        req.params["repository"],
        req.params["destination"],
        planner,
        cas_failures=req.cas_failures,
        busy_status=app.settings.contention_status,
    )
    return json_response(200, {"reference": merged.id})


def find_merge_base(app: App, req: Request) -> Response:
    with app.store.lock:
        repo = app.store.repo(req.params["repository"])
        source = commit_of(repo, req.params["source"])
        destination = commit_of(repo, req.params["destination"])
        base = merge_base(repo, source, destination)
    if base is None:
        raise ApiError(404, "no merge base")
    return json_response(
        200,
        {
            "source_commit_id": source,
            "destination_commit_id": destination,
            "base_commit_id": base,
        },
    )


def register(router: Router) -> None:
    refs = "/repositories/{repository}/refs"
    router.add("GET", refs + "/{left}/diff/{right}", diff_refs)
    router.add("POST", refs + "/{source}/merge/{destination}", merge_into_branch)
    router.add("GET", refs + "/{source}/merge/{destination}", find_merge_base)
