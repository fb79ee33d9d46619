"""Commits and refs of the local store: ids, resolution, log order and merge bases."""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.utils import timezone

from datasets.models import LocalBranch, LocalCommit, LocalRepository, LocalTag

from ..base import CommitInfo, NotFound
from ..validation import validate_ref

_HEX = re.compile(r"^[0-9a-f]{4,64}$")


def commit_digest(
    parents: Sequence[str], tree: str, message: str, metadata: Mapping[str, str]
) -> str:
    """64-hex sha256 of the commit's content: equal content, equal id."""
    raw = json.dumps(
        {"parents": list(parents), "tree": tree, "message": message, "metadata": metadata},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def insert_commit(
    repo: LocalRepository,
    parents: Sequence[str],
    tree: str,
    message: str,
    metadata: Mapping[str, str],
) -> LocalCommit:
    digest = commit_digest(parents, tree, message, metadata)
    commit, _ = LocalCommit.objects.get_or_create(
        repository=repo,
        digest=digest,
        defaults={
            "parents": list(parents),
            "tree": tree,
            "message": message,
            "metadata": dict(metadata),
            "created_at": timezone.now(),
        },
    )
    return commit


def commit_info(commit: LocalCommit) -> CommitInfo:
    return CommitInfo(
        id=commit.digest,
        parents=tuple(commit.parents),
        message=commit.message,
        metadata=dict(commit.metadata),
        created_at=commit.created_at,
    )


def get_commit(repo: LocalRepository, digest: str) -> LocalCommit:
    try:
        return LocalCommit.objects.get(repository=repo, digest=digest)
    except LocalCommit.DoesNotExist:
        raise NotFound(f"commit {digest} not found in {repo.name}") from None


def get_branch(repo: LocalRepository, name: str) -> LocalBranch:
    try:
        return LocalBranch.objects.get(repository=repo, name=name)
    except LocalBranch.DoesNotExist:
        raise NotFound(f"branch {name!r} not found in {repo.name}") from None


@dataclass(frozen=True)
class Resolved:
    commit: LocalCommit
    branch: LocalBranch | None  # set when the ref named a branch: reads include its staging


def resolve(repo: LocalRepository, ref: str) -> Resolved:
    """lakeFS' order: full commit id, branch, tag, then a unique commit-id prefix."""
    validate_ref(ref)
    commits = LocalCommit.objects.filter(repository=repo)
    if len(ref) == 64 and _HEX.match(ref):
        found = commits.filter(digest=ref).first()
        if found is not None:
            return Resolved(found, None)
    branch = LocalBranch.objects.filter(repository=repo, name=ref).first()
    if branch is not None:
        return Resolved(get_commit(repo, branch.head), branch)
    tag = LocalTag.objects.filter(repository=repo, name=ref).first()
    if tag is not None:
        return Resolved(get_commit(repo, tag.target), None)
    if _HEX.match(ref):
        matches = list(commits.filter(digest__startswith=ref)[:2])
        if len(matches) == 1:
            return Resolved(matches[0], None)
    raise NotFound(f"ref {ref!r} not found in {repo.name}")


Graph = dict[str, tuple[int, list[str]]]  # commit id -> (creation order, parents)


def load_graph(repo: LocalRepository) -> Graph:
    """The repository's commit graph, ids only: small next to any tree, so loaded whole."""
    rows = LocalCommit.objects.filter(repository=repo).values_list("digest", "pk", "parents")
    return {digest: (order, list(parents)) for digest, order, parents in rows}


def walk(graph: Graph, start: str) -> Iterator[str]:
    """Ancestors of `start` (itself included), newest first, like lakeFS' commit iterator."""
    seen = {start}
    heap = [(-graph[start][0], start)]
    while heap:
        _, digest = heapq.heappop(heap)
        yield digest
        for parent in graph[digest][1]:
            if parent not in seen and parent in graph:
                seen.add(parent)
                heapq.heappush(heap, (-graph[parent][0], parent))


def log(repo: LocalRepository, start: str, page_size: int) -> Iterator[CommitInfo]:
    graph = load_graph(repo)
    if start not in graph:
        raise NotFound(f"commit {start} not found in {repo.name}")
    ids = walk(graph, start)
    while True:
        page = [digest for _, digest in zip(range(page_size), ids, strict=False)]
        if not page:
            return
        rows = {c.digest: c for c in LocalCommit.objects.filter(repository=repo, digest__in=page)}
        for digest in page:
            yield commit_info(rows[digest])


def merge_base(repo: LocalRepository, source: str, dest: str) -> str | None:
    """The newest commit reachable from both sides."""
    graph = load_graph(repo)
    from_source = set(walk(graph, source))
    return next((digest for digest in walk(graph, dest) if digest in from_source), None)
