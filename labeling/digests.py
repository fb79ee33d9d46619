"""Content digests the database keeps beside each item and annotation (generated columns).

A snapshot learns which items changed by comparing fingerprints built from these digests
(datasets/selectors.py). Kept as stored generated columns, they are computed once per
write, by the database, from the very row version written, instead of hashing every text
and JSON value of a project on every snapshot (that was most of a re-snapshot's time).

The encoding is ``<length>:<text>`` per input (NULL gives ``:``), so concatenated pieces
decode unambiguously; only immutable functions are used, as generated columns require.
"""

from __future__ import annotations

from django.db.models import CharField, F, Func, TextField, Value
from django.db.models.functions import MD5, Cast, Coalesce, Length

DIGEST_LENGTH = 32


class Cat(Func):
    """``COALESCE(a, '') || COALESCE(b, '') || ...`` (NULL as ''): flat, where ``Concat``
    nests one level per argument, deeper than SQLite's parser takes for fifteen of them, and
    immutable, unlike ``CONCAT()``, as generated columns need."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = TextField()

    def __init__(self, *expressions: object) -> None:
        super().__init__(*(Coalesce(e, Value("")) for e in expressions))


def _piece(name: str) -> list[object]:
    text = Cast(F(name), TextField())
    return [Cast(Length(text), CharField()), Value(":"), text]


def md5_of(*names: str) -> MD5:
    return MD5(Cat(*(part for name in names for part in _piece(name))))


# The item's text and JSON inputs of a dataset document; the scalars (size, state,
# agreement) change on every review and are hashed by the snapshot, exactly.
ITEM_DIGEST = md5_of("external_id", "text", "media_sha256", "media_ext", "meta")
# What an annotation contributes besides its annotator's name (a join away).
ANNOTATION_DIGEST = md5_of("status", "result")
