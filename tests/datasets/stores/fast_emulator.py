"""The lakeFS emulator for the store benchmark: the same server, with O(1) staged lookups.

`Repository.branch_view` copies the branch's whole tree on every call, and every upload calls
it (for If-None-Match / If-Match), so N uploads to one branch cost O(N^2): 100k uploads did
not finish in 20 minutes. Here it returns a read-only overlay instead (same answers). Run as
`python -m tests.datasets.stores.fast_emulator`: prints the endpoint, serves until stdin
closes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping

from tests.support.lakefs_emulator import LakeFSEmulator
from tests.support.lakefs_emulator.model import Branch, Entry, Repository


class _Overlay(Mapping[str, Entry]):
    def __init__(self, tree: Mapping[str, Entry], staging: Mapping[str, Entry | None]) -> None:
        self._tree, self._staging = tree, staging

    def __getitem__(self, path: str) -> Entry:
        if path in self._staging:
            entry = self._staging[path]
            if entry is None:
                raise KeyError(path)
            return entry
        return self._tree[path]

    def __iter__(self) -> Iterator[str]:
        yield from (path for path in self._tree if path not in self._staging)
        yield from (path for path, entry in self._staging.items() if entry is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _branch_view(self: Repository, branch: Branch) -> _Overlay:
    return _Overlay(self.commits[branch.head].tree, dict(branch.staging))


if __name__ == "__main__":
    Repository.branch_view = _branch_view  # type: ignore[assignment,method-assign]
    with LakeFSEmulator(access_key=sys.argv[1], secret_key=sys.argv[2]) as emulator:
        print(emulator.endpoint, flush=True)
        sys.stdin.read()
