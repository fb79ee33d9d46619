"""A local store that can be stopped at a chosen point of a snapshot, in a worker process.

`VERSION_STORE=tests.support.gated_store.GatedLocalStore` in a worker's environment gives
the embedded store with two test knobs, read from the environment:

* `ANNOLAKE_TEST_PUT_BATCH`: `put_many` stages every this many objects (the real store
  stages every 5,000, so a small snapshot would stage nothing before it ends);
* `ANNOLAKE_TEST_GATE_AFTER` and `ANNOLAKE_TEST_GATE_FILE`: once that many objects are
  staged, touch the file and hang, so a test can SIGKILL the worker mid-upload knowing
  exactly what was staged.

Everything else is `LocalStore` unchanged.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from datasets.stores.base import PutSummary
from datasets.stores.local import LocalStore


class GatedLocalStore(LocalStore):
    batch = 100
    gate_after: int | None = None
    gate_file: Path | None = None

    @classmethod
    def from_settings(cls) -> GatedLocalStore:
        store = super().from_settings()
        assert isinstance(store, GatedLocalStore)
        store.batch = int(os.environ.get("ANNOLAKE_TEST_PUT_BATCH", "100"))
        if os.environ.get("ANNOLAKE_TEST_GATE_AFTER"):
            store.gate_after = int(os.environ["ANNOLAKE_TEST_GATE_AFTER"])
            store.gate_file = Path(os.environ["ANNOLAKE_TEST_GATE_FILE"])
        return store

    def put_many(
        self,
        repo: str,
        branch: str,
        objects: Iterable[tuple[str, bytes]],
        *,
        workers: int | None = None,
    ) -> PutSummary:
        pending = iter(objects)
        count = size = 0
        while chunk := list(islice(pending, self.batch)):
            done = super().put_many(repo, branch, chunk, workers=workers)
            count, size = count + done.objects, size + done.bytes
            if self.gate_after is not None and count >= self.gate_after:
                self._hang(count)
        return PutSummary(count, size)

    def _hang(self, staged: int) -> None:
        assert self.gate_file is not None
        self.gate_file.write_text(str(staged))
        while True:  # until the test kills this process
            time.sleep(1)
