"""Snapshot records: what each snapshot commit holds, so the next snapshot can be incremental.

A record says, for every item object of one commit, the fingerprint of the inputs it was
built from, its checksum, its contribution to the dataset card and its media path. A
snapshot uses a record only if it proves to describe the branch it stages on:

* the record's commit is in that branch's recent history, and
* the store's own diff from that commit to the branch head touches no managed path
  (``items/``, ``media/``, ``annolake.json``).

Anything else (no record, a record too far back, a hand-edited or merged-into branch, a
retried job whose work branch already holds staged changes) means a full rebuild. A record
is written only for a commit whose content the snapshot knows exactly: the commit it just
made, or the head it found unchanged.
"""

from __future__ import annotations

import json
import struct
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

import numpy as np
from django.db import connection
from django.utils import timezone

from core.bulk import Target, insert_many
from datasets.layout import CARD_PATH
from datasets.models import Dataset, SnapshotRecord
from datasets.stores.base import VersionStore

PAYLOAD_VERSION = 2
_MAGIC = b"ALSR"  # v1 payloads were one zlib stream; they decode as None (a full rebuild)
MANAGED_PREFIXES = ("items/", "media/")
# How far down a branch's log to look for a recorded commit: a snapshot's own commit sits
# right below the merge commit that brought it in (one or two levels per merge).
SEARCH_DEPTH = 50
KEEP_PER_DATASET = 20  # ~4 MB each at 100k items


class Table:
    """Per-item columns of one commit's item objects, kept as packed arrays.

    Columnar because a record is read and written whole on every snapshot: 100k items
    decode in milliseconds, where 100k small objects would cost most of a re-snapshot.
    """

    def __init__(self) -> None:
        self.ids = array("q")
        self.projects = array("q")
        self.groups = array("i")  # index into self.keys
        self.fingerprints = bytearray()  # 16 bytes per row (selectors.item_fingerprint)
        self.checksums = bytearray()  # 16 bytes per row: the object's MD5, as stores list it
        self.keys: list[tuple[str, ...] | None] = []  # distinct layout.label_keys
        self.media: dict[int, str] = {}  # item id -> its media object's path
        self._group_of: dict[tuple[str, ...] | None, int] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def add(
        self,
        item_id: int,
        project_id: int,
        fingerprint: bytes,
        checksum: str,
        keys: tuple[str, ...] | None,
        media: str,
    ) -> None:
        self.ids.append(item_id)
        self.projects.append(project_id)
        self.groups.append(self._group(keys))
        self.fingerprints += fingerprint
        self.checksums += bytes.fromhex(checksum)
        if media:
            self.media[item_id] = media

    def copy_rows(self, other: Table, rows: list[int]) -> None:
        """Append rows of ``other`` unchanged, a run of consecutive rows at a time (this runs
        for every kept item of an incremental snapshot; the order of rows is irrelevant)."""
        groups = [self._group(keys) for keys in other.keys]
        for start, end in _runs(sorted(rows)):
            self.ids.extend(other.ids[start:end])
            self.projects.extend(other.projects[start:end])
            self.groups.extend(map(groups.__getitem__, other.groups[start:end]))
            self.fingerprints += other.fingerprints[16 * start : 16 * end]
            self.checksums += other.checksums[16 * start : 16 * end]
        if other.media:
            for row in rows:
                item_id = other.ids[row]
                if item_id in other.media:
                    self.media[item_id] = other.media[item_id]

    def _group(self, keys: tuple[str, ...] | None) -> int:
        group = self._group_of.get(keys)
        if group is None:
            group = self._group_of[keys] = len(self.keys)
            self.keys.append(keys)
        return group

    def match(
        self, ids: array[int], fingerprints: bytes | bytearray, project_id: int
    ) -> tuple[list[int], list[int], dict[int, int]]:
        """Compare scanned items of one project (ids, 16-byte fingerprints) with this table:
        the rows whose item is unchanged, the ids of the other items, and the row this table
        has for each of those that it has. Vectorised: it runs for every item of a dataset
        on every re-snapshot, where a Python loop cost ~0.15 s per 100k items."""
        scanned = np.frombuffer(ids, dtype=np.int64)
        if not len(self) or not len(scanned):
            return [], scanned.tolist(), {}
        own = np.frombuffer(self.ids, dtype=np.int64)
        order = np.argsort(own)
        rows = order[np.searchsorted(own[order], scanned).clip(max=len(own) - 1)]
        found = own[rows] == scanned
        mine = np.frombuffer(self.fingerprints, dtype=np.uint64).reshape(-1, 2)[rows]
        theirs = np.frombuffer(fingerprints, dtype=np.uint64).reshape(-1, 2)
        projects = np.frombuffer(self.projects, dtype=np.int64)[rows]
        same = found & (mine == theirs).all(axis=1) & (projects == project_id)
        known = found & ~same
        previous = dict(zip(scanned[known].tolist(), rows[known].tolist(), strict=True))
        return rows[same].tolist(), scanned[~same].tolist(), previous

    def checksum(self, row: int) -> str:
        return self.checksums[16 * row : 16 * row + 16].hex()


def _runs(rows: list[int]) -> Iterator[tuple[int, int]]:
    """[start, end) ranges of consecutive values in ascending ``rows``."""
    start = previous = None
    for row in rows:
        if previous is None or row != previous + 1:
            if start is not None and previous is not None:
                yield start, previous + 1
            start = row
        previous = row
    if start is not None and previous is not None:
        yield start, previous + 1


@dataclass(frozen=True)
class State:
    commit: str
    table: Table
    card: str  # checksum of annolake.json


def is_managed(path: str) -> bool:
    return path == CARD_PATH or path.startswith(MANAGED_PREFIXES)


def encode(table: Table, card: str) -> bytes:
    """Magic, then the zlib-compressed header and id columns, then the 16-byte columns raw.

    Fingerprints and checksums are digests: zlib cannot shrink them and spent most of the
    encoding time trying.
    """
    header = json.dumps(
        {"version": PAYLOAD_VERSION, "card": card, "keys": table.keys, "media": table.media}
    ).encode()
    columns = [table.ids.tobytes(), table.projects.tobytes(), table.groups.tobytes()]
    packed = zlib.compress(
        b"".join([struct.pack("<II", len(header), len(table)), header, *columns]), 1
    )
    return b"".join(
        [_MAGIC, struct.pack("<I", len(packed)), packed, table.fingerprints, table.checksums]
    )


def decode(commit: str, payload: bytes) -> State | None:
    if payload[: len(_MAGIC)] != _MAGIC:
        return None
    (packed_size,) = struct.unpack_from("<I", payload, len(_MAGIC))
    start = len(_MAGIC) + 4
    body = zlib.decompress(payload[start : start + packed_size])
    size, count = struct.unpack_from("<II", body)
    offset = 8 + size
    header = json.loads(body[8:offset])
    if header["version"] != PAYLOAD_VERSION:
        return None
    table = Table()
    for column in (table.ids, table.projects, table.groups):
        end = offset + count * column.itemsize
        column.frombytes(body[offset:end])
        offset = end
    digests = start + packed_size
    table.fingerprints = bytearray(payload[digests : digests + 16 * count])
    table.checksums = bytearray(payload[digests + 16 * count : digests + 32 * count])
    table.keys = [None if keys is None else tuple(keys) for keys in header["keys"]]
    table._group_of = {keys: group for group, keys in enumerate(table.keys)}
    table.media = {int(item_id): path for item_id, path in header["media"].items()}
    return State(commit=commit, table=table, card=header["card"])


def record_find(*, store: VersionStore, dataset: Dataset, head: str) -> State | None:
    """The recorded state of commit ``head``'s managed content, or None (rebuild fully)."""
    recent = [info.id for info in islice(store.log(dataset.repository, head), SEARCH_DEPTH)]
    recorded = set(
        SnapshotRecord.objects.filter(dataset=dataset, commit__in=recent).values_list(
            "commit", flat=True
        )
    )
    commit = next((c for c in recent if c in recorded), None)
    if commit is None:
        return None
    if commit != head:
        # Proof that the branch holds exactly the recorded objects, from the store itself.
        changes = store.diff(dataset.repository, commit, head)
        if any(is_managed(change.path) for change in changes):
            return None
    payload = SnapshotRecord.objects.filter(dataset=dataset, commit=commit).values_list(
        "payload", flat=True
    )
    return decode(commit, bytes(payload[0])) if payload else None


_RECORD_COLUMNS: Target = (
    SnapshotRecord,
    ("dataset_id", "commit", "items", "payload", "created_at"),
    ("bigint", "text", "bigint", "bytea", "timestamptz"),
)


def _record_conflict(quote: Callable[[str], str]) -> str:
    sets = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in ("items", "payload"))
    return f"ON CONFLICT ({quote('dataset_id')}, {quote('commit')}) DO UPDATE SET {sets}"


def record_save(*, dataset: Dataset, commit: str, table: Table, card: str) -> None:
    """Record ``table`` as the content of ``commit``.

    An upsert with the payload as a binary parameter: through the ORM's client-side
    binding, 5 MB at 100k items went over as 10 MB of escaped SQL text.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    row = (dataset.pk, commit, len(table), encode(table, card), now)
    insert_many(_RECORD_COLUMNS, [row], _record_conflict)
    old = SnapshotRecord.objects.filter(dataset=dataset).order_by("-pk")[KEEP_PER_DATASET:]
    SnapshotRecord.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
