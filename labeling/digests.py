"""Content digests the database keeps beside each item and annotation (generated columns).

A snapshot learns which items changed by comparing fingerprints built from these digests
(datasets/selectors.py). Kept as stored generated columns, they are computed once per
write, by the database, from the very row version written, instead of hashing every text
and JSON value of a project on every snapshot (that was most of a re-snapshot's time).

Each input but the last is written ``<length>:<text>`` (a NULL gives an empty length, so
it differs from ''), the last, a JSON value, as it is: the pieces decode unambiguously.
Only immutable functions are used, as generated columns require, and as few calls as that
allows: the expression runs for every imported item (~3 us each).
"""

from __future__ import annotations

from django.db.models import CharField, F, Func, TextField, Value
from django.db.models.functions import MD5, Cast, Coalesce, Length

DIGEST_LENGTH = 32


class Cat(Func):
    """``a || b || ...``: flat, where ``Concat`` nests a COALESCE per argument (deeper than
    SQLite's parser takes for a dozen), and immutable, unlike ``CONCAT()``. NULL in, NULL
    out: wrap nullable pieces in ``Coalesce``."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = TextField()


def _prefixed(name: str, *, nullable: bool = False) -> list[object]:
    text = Cast(F(name), TextField())
    length = Cast(Length(text), CharField())
    if nullable:
        return [Coalesce(length, Value("")), Value(":"), Coalesce(text, Value(""))]
    return [length, Value(":"), text]


# The item's text and JSON inputs of a dataset document; the scalars (size, state,
# agreement) change on every review and are hashed by the snapshot, exactly.
ITEM_DIGEST = MD5(
    Cat(
        *_prefixed("external_id", nullable=True),
        *_prefixed("text"),
        *_prefixed("media_sha256"),
        *_prefixed("media_ext"),
        Cast(F("meta"), TextField()),
    )
)
# What an annotation contributes besides its annotator's name (a join away).
ANNOTATION_DIGEST = MD5(Cat(*_prefixed("status"), Cast(F("result"), TextField())))
