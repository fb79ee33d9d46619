"""Ref expressions, resolved the way pkg/graveler/ref/resolve_ref.go does it.

Base ref: a 1..64-hex string that is a full commit id wins; a unique commit-id prefix
loses to a branch or tag of the same name; otherwise branch, then tag. Modifiers:
`~N` (first parent N times), `^N` (N-th parent, ^0 = itself), and `@` / `$` which are
only valid alone on a branch (committed state only / staging included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Entry, Repository, View
from .protocol import ApiError

_HASH = re.compile(r"^[a-fA-F0-9]{1,64}$")
_MODIFIER = re.compile(r"([~^])(\d*)|([@$])")
_NO_SPACE = re.compile(r"^\S+$")
BRANCH_ID = re.compile(r"^\w[-\w]*$")

INVALID_REF = "ref: invalid value: validation error"


@dataclass(frozen=True)
class ResolvedRef:
    commit_id: str
    branch: str | None = None  # set when the ref named a branch without commit modifiers
    staging: bool = False  # reads should include the branch's uncommitted changes
    explicit_staging: bool = False  # the `$` modifier was used


def _split(ref: str) -> tuple[str, list[tuple[str, int]]]:
    cut = len(ref)
    for marker in "~^@$":
        pos = ref.find(marker)
        if pos != -1:
            cut = min(cut, pos)
    base, rest = ref[:cut], ref[cut:]
    modifiers: list[tuple[str, int]] = []
    while rest:
        match = _MODIFIER.match(rest)
        if match is None:
            raise ApiError(400, INVALID_REF)
        if match.group(3):
            modifiers.append((match.group(3), 0))
        else:
            modifiers.append((match.group(1), int(match.group(2) or "1")))
        rest = rest[match.end() :]
    return base, modifiers


def _by_prefix(repo: Repository, prefix: str) -> str | None:
    if prefix in repo.commits:
        return prefix
    matches = [cid for cid in repo.commits if cid.startswith(prefix)]
    # An ambiguous prefix is "not found" in lakeFS (ErrRefAmbiguous wraps ErrNotFound).
    return matches[0] if len(matches) == 1 else None


def _resolve_base(repo: Repository, base: str) -> ResolvedRef | None:
    by_hash = _by_prefix(repo, base) if _HASH.match(base) else None
    if by_hash is not None and by_hash == base:
        return ResolvedRef(by_hash)
    if base in repo.branches:
        return ResolvedRef(repo.branches[base].head, branch=base, staging=True)
    if base in repo.tags:
        return ResolvedRef(repo.tags[base])
    if by_hash is not None:
        return ResolvedRef(by_hash)
    return None


def resolve(repo: Repository, ref: str) -> ResolvedRef:
    """Resolve `ref` in `repo`; 404 if it names nothing, 400 if it is malformed."""
    if not ref or not _NO_SPACE.match(ref):
        raise ApiError(400, INVALID_REF)
    base, modifiers = _split(ref)
    resolved = _resolve_base(repo, base)
    if resolved is None:
        raise ApiError(404, f"{ref}: not found")
    if not modifiers:
        return resolved
    current = resolved.commit_id
    for kind, value in modifiers:
        if kind in "@$":
            if resolved.branch is None or len(modifiers) != 1:
                raise ApiError(400, INVALID_REF)
            if kind == "@":
                return ResolvedRef(current, branch=resolved.branch)
            return ResolvedRef(current, resolved.branch, staging=True, explicit_staging=True)
        if kind == "~":
            for _ in range(value):
                parents = repo.commit(current).parents
                if not parents:
                    raise ApiError(404, f"{ref}: not found")
                current = parents[0]
        elif value:  # "^N"; ^0 is the commit itself
            parents = repo.commit(current).parents
            if value > len(parents):
                raise ApiError(400, INVALID_REF)
            current = parents[value - 1]
    return ResolvedRef(current)


def commit_of(repo: Repository, ref: str) -> str:
    """The commit a ref denotes, refusing `$` like graveler's dereferenceCommit."""
    resolved = resolve(repo, ref)
    if resolved.explicit_staging:
        raise ApiError(400, f"reference '{ref}': reference to staging area with $ is not a commit")
    return resolved.commit_id


def view(repo: Repository, resolved: ResolvedRef) -> View:
    """Objects visible through a resolved ref (staging only for plain branch names).
    A view, not a copy: read it under the store lock."""
    if resolved.staging and resolved.branch is not None:
        return repo.branch_view(repo.branch(resolved.branch))
    return repo.commit_view(resolved.commit_id)


def lookup(repo: Repository, resolved: ResolvedRef, path: str) -> Entry | None:
    """The entry at `path` through a resolved ref, in O(1)."""
    if resolved.staging and resolved.branch is not None:
        return repo.branch_get(repo.branch(resolved.branch), path)
    return repo.commit(resolved.commit_id).tree.get(path)
