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
from dataclasses import dataclass
from itertools import islice

from datasets.layout import CARD_PATH
from datasets.models import Dataset, SnapshotRecord
from datasets.stores.base import VersionStore

PAYLOAD_VERSION = 1
MANAGED_PREFIXES = ("items/", "media/")
# How far down a branch's log to look for a recorded commit: a snapshot's own commit sits
# right below the merge commit that brought it in (one or two levels per merge).
SEARCH_DEPTH = 50
KEEP_PER_DATASET = 20  # ~4 MB each at 100k items


@dataclass(frozen=True, slots=True)
class Entry:
    """One item object of a commit."""

    project_id: int
    fingerprint: bytes  # 16 bytes, datasets.selectors.item_fingerprint
    checksum: str  # the object's hex MD5, as the store lists it
    keys: tuple[str, ...] | None  # datasets.layout.label_keys of its final label
    media: str  # its media object's path, "" for text


@dataclass(frozen=True)
class State:
    commit: str
    entries: dict[int, Entry]  # by item id
    card: str  # checksum of annolake.json


def is_managed(path: str) -> bool:
    return path == CARD_PATH or path.startswith(MANAGED_PREFIXES)


def encode(entries: dict[int, Entry], card: str) -> bytes:
    ids = sorted(entries)
    groups: dict[tuple[str, ...] | None, int] = {}
    group_of = array("i")
    projects, media = array("q"), {}
    fingerprints, checksums = bytearray(), bytearray()
    for index, item_id in enumerate(ids):
        entry = entries[item_id]
        group_of.append(groups.setdefault(entry.keys, len(groups)))
        projects.append(entry.project_id)
        fingerprints += entry.fingerprint
        checksums += bytes.fromhex(entry.checksum)
        if entry.media:
            media[str(index)] = entry.media
    header = json.dumps(
        {"version": PAYLOAD_VERSION, "card": card, "groups": list(groups), "media": media}
    ).encode()
    body = b"".join(
        [struct.pack("<II", len(header), len(ids)), header, array("q", ids).tobytes(),
         projects.tobytes(), group_of.tobytes(), bytes(fingerprints), bytes(checksums)]
    )  # fmt: skip
    return zlib.compress(body, 1)


def decode(commit: str, payload: bytes) -> State | None:
    body = zlib.decompress(payload)
    size, count = struct.unpack_from("<II", body)
    offset = 8 + size
    header = json.loads(body[8:offset])
    if header["version"] != PAYLOAD_VERSION:
        return None

    def take(typecode: str) -> array:
        nonlocal offset
        values = array(typecode)
        end = offset + count * values.itemsize
        values.frombytes(body[offset:end])
        offset = end
        return values

    ids, projects, group_of = take("q"), take("q"), take("i")
    groups = [None if g is None else tuple(g) for g in header["groups"]]
    fingerprints = body[offset : offset + 16 * count]
    checksums = body[offset + 16 * count : offset + 32 * count].hex()
    media = {int(index): path for index, path in header["media"].items()}
    entries = {
        item_id: Entry(
            projects[i],
            fingerprints[16 * i : 16 * i + 16],
            checksums[32 * i : 32 * i + 32],
            groups[group_of[i]],
            media.get(i, ""),
        )
        for i, item_id in enumerate(ids)
    }
    return State(commit=commit, entries=entries, card=header["card"])


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


def record_save(*, dataset: Dataset, commit: str, entries: dict[int, Entry], card: str) -> None:
    SnapshotRecord.objects.update_or_create(
        dataset=dataset,
        commit=commit,
        defaults={"items": len(entries), "payload": encode(entries, card)},
    )
    old = SnapshotRecord.objects.filter(dataset=dataset).order_by("-pk")[KEEP_PER_DATASET:]
    SnapshotRecord.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
