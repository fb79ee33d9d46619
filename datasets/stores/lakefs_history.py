"""Commits, log, diffs, merges and tags of `LakeFSStore` (split off to keep modules small)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Literal, cast

import lakefs_sdk
from lakefs_sdk.client import LakeFSClient

from . import base, validation
from .base import (
    AlreadyExists,
    Change,
    ChangeKind,
    CommitInfo,
    InvalidRequest,
    MergeConflict,
    MergeStrategy,
    NotFound,
    Ref,
    StoreError,
)
from .concurrency import branch_lock
from .lakefs_client import RetryPolicy, Timeout, call, call_once

CONFLICTS_SHOWN = 1000
_STRATEGIES = (None, "source-wins", "dest-wins")


def _commit_info(commit: lakefs_sdk.Commit) -> CommitInfo:
    return CommitInfo(
        id=commit.id,
        parents=tuple(commit.parents),
        message=commit.message,
        metadata=dict(commit.metadata or {}),
        created_at=datetime.fromtimestamp(commit.creation_date, tz=UTC),
    )


def _change(diff: lakefs_sdk.Diff) -> Change:
    return Change(cast(ChangeKind, diff.type), diff.path, diff.size_bytes)


class LakeFSHistory(base.VersionStore):
    endpoint: str
    client: LakeFSClient
    policy: RetryPolicy
    page_size: int

    def _call(self, what: str, fn: Callable[[Timeout], Any], **kwargs: Any) -> Any:
        return call(self.policy, what, fn, **kwargs)

    def _pages(self, what: str, fetch: Callable[[str, Timeout], Any]) -> Iterator[Any]:
        """A lakeFS paginated listing, page by page; the first page is fetched now, so
        a missing repository or ref raises here rather than on the first `next()`."""
        first = self._call(what, lambda t: fetch("", t))

        def rest(page: Any) -> Iterator[Any]:
            while True:
                yield from page.results
                if not page.pagination.has_more:
                    return
                after: str = page.pagination.next_offset

                def next_page(timeout: Timeout, after: str = after) -> Any:
                    return fetch(after, timeout)

                page = self._call(what, next_page)

        return rest(first)

    # -- commits -------------------------------------------------------------------------

    def commit(
        self,
        repo: str,
        branch: str,
        message: str,
        *,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        key = idempotency_key or uuid.uuid4().hex
        creation = lakefs_sdk.CommitCreation.from_dict(
            {"message": message, "metadata": validation.keyed_metadata(metadata, key, "commit")}
        )
        api = self.client.commits_api
        with branch_lock("lakefs", self.endpoint, repo, branch):
            return call_once(
                self.policy,
                f"commit {branch}",
                lambda t: str(api.commit(repo, branch, creation, _request_timeout=t).id),
                lambda: self.find_keyed_commit(repo, branch, key, "commit"),
            )

    def find_keyed_commit(
        self, repo: str, branch: str, key: str, operation: Literal["commit", "merge"]
    ) -> str | None:
        """One short page of the branch's log (see `VersionStore.find_keyed_commit`)."""
        api = self.client.refs_api
        page = self._call(
            "log",
            lambda t: api.log_commits(
                repo, branch, amount=base.KEYED_COMMIT_DEPTH, _request_timeout=t
            ),
        )
        for commit in page.results:
            meta = commit.metadata or {}
            if meta.get(base.IDEMPOTENCY_KEY) == key and meta.get(base.OPERATION_KEY) == operation:
                return str(commit.id)
        return None

    def get_commit(self, repo: str, ref: str) -> CommitInfo:
        validation.validate_ref(ref)
        api = self.client.commits_api
        return _commit_info(
            self._call("get commit", lambda t: api.get_commit(repo, ref, _request_timeout=t))
        )

    def resolve(self, repo: str, ref: str) -> str:
        return self.get_commit(repo, ref).id

    def log(self, repo: str, ref: str) -> Iterator[CommitInfo]:
        api = self.client.refs_api
        pages = self._pages(
            "log",
            lambda after, t: api.log_commits(
                repo, ref, after=after, amount=self.page_size, _request_timeout=t
            ),
        )
        return (_commit_info(c) for c in pages)

    # -- diffs ---------------------------------------------------------------------------

    def diff(
        self, repo: str, left: str, right: str, *, prefix: str = "", three_dot: bool = False
    ) -> Iterator[Change]:
        api = self.client.refs_api
        kind = "three_dot" if three_dot else "two_dot"
        pages = self._pages(
            "diff",
            lambda after, t: api.diff_refs(
                repo,
                left,
                right,
                after=after,
                amount=self.page_size,
                prefix=prefix,
                type=kind,
                _request_timeout=t,
            ),
        )
        return (_change(d) for d in pages if d.path_type == "object")

    def diff_uncommitted(self, repo: str, branch: str, *, prefix: str = "") -> Iterator[Change]:
        api = self.client.branches_api
        pages = self._pages(
            "diff branch",
            lambda after, t: api.diff_branch(
                repo, branch, after=after, amount=self.page_size, prefix=prefix, _request_timeout=t
            ),
        )
        return (_change(d) for d in pages if d.path_type == "object")

    # -- merges --------------------------------------------------------------------------

    def merge_base(self, repo: str, source: str, dest: str) -> str:
        api = self.client.refs_api
        found = self._call(
            "merge base", lambda t: api.find_merge_base(repo, source, dest, _request_timeout=t)
        )
        return str(found.base_commit_id)

    def merge(
        self,
        repo: str,
        source: str,
        dest: str,
        *,
        strategy: MergeStrategy | None = None,
        message: str | None = None,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        if strategy not in _STRATEGIES:
            raise InvalidRequest(f"invalid merge strategy {strategy!r}")
        key = idempotency_key or uuid.uuid4().hex
        body = lakefs_sdk.Merge.from_dict(
            {
                "message": message or f"Merge '{source}' into '{dest}'",
                "metadata": validation.keyed_metadata(metadata, key, "merge"),
                "strategy": strategy,
            }
        )
        api = self.client.refs_api
        with branch_lock("lakefs", self.endpoint, repo, dest):
            try:
                return call_once(
                    self.policy,
                    f"merge {source} into {dest}",
                    lambda t: str(
                        api.merge_into_branch(
                            repo, source, dest, merge=body, _request_timeout=t
                        ).reference
                    ),
                    lambda: self.find_keyed_commit(repo, dest, key, "merge"),
                )
            except AlreadyExists as exc:  # lakeFS answers a conflict with 409
                raise self._conflict(repo, source, dest) from exc

    def _conflict(self, repo: str, source: str, dest: str) -> MergeConflict:
        paths: list[str] = []
        for change in self.diff(repo, dest, source, three_dot=True):
            if change.kind == "conflict":
                if len(paths) == CONFLICTS_SHOWN:
                    return MergeConflict(
                        f"merge {source} into {dest}: conflicts", paths, truncated=True
                    )
                paths.append(change.path)
        return MergeConflict(f"merge {source} into {dest}: {len(paths)} conflicts", paths)

    # -- tags ----------------------------------------------------------------------------

    def create_tag(self, repo: str, tag: str, ref: str) -> str:
        validation.validate_tag(tag)
        target = self.resolve(repo, ref)
        creation = lakefs_sdk.TagCreation(id=tag, ref=target)
        api = self.client.tags_api

        def recover(error: StoreError) -> str | None:
            mine = isinstance(error, AlreadyExists) and self.get_tag(repo, tag) == target
            return target if mine else None

        self._call(
            "create tag",
            lambda t: api.create_tag(repo, creation, _request_timeout=t),
            recover=recover,
        )
        return target

    def get_tag(self, repo: str, tag: str) -> str:
        api = self.client.tags_api
        return str(
            self._call("get tag", lambda t: api.get_tag(repo, tag, _request_timeout=t)).commit_id
        )

    def list_tags(self, repo: str, *, prefix: str = "") -> Iterator[Ref]:
        api = self.client.tags_api
        pages = self._pages(
            "list tags",
            lambda after, t: api.list_tags(
                repo, prefix=prefix, after=after, amount=self.page_size, _request_timeout=t
            ),
        )
        return (Ref(r.id, r.commit_id) for r in pages)

    def delete_tag(self, repo: str, tag: str) -> None:
        api = self.client.tags_api
        with contextlib.suppress(NotFound):
            self._call("delete tag", lambda t: api.delete_tag(repo, tag, _request_timeout=t))
