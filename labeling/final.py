"""The final label of an item: the one definition that snapshots and exports use.

- Usable annotations are the accepted ones when the project requires review, otherwise
  the accepted and pending ones (rejected annotations never count).
- With one usable annotation (overlap k = 1) its result is the final label.
- With several (k > 1) the final label is their consensus (``labeling.agreement.consensus``):
  majority per class control, boxes and spans kept when a strict majority drew them. A tie
  means no final label: the item needs a reviewer, whose accepted or fixed annotation then
  decides (a reviewed item with exactly one accepted annotation uses that one).
- Items without a usable annotation have no final label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from labeling.agreement import consensus
from labeling.schemas import LabelSchema

Region = dict[str, Any]


def final_result(
    *,
    schema: LabelSchema,
    annotations: Sequence[tuple[str, list[Region]]],
    review_required: bool,
) -> list[Region] | None:
    """``annotations`` are (status, result) pairs of one item."""
    usable = {"accepted"} if review_required else {"accepted", "pending"}
    accepted = [result for status, result in annotations if status == "accepted"]
    results = [result for status, result in annotations if status in usable]
    if not results:
        return None
    if len(results) == 1:
        return results[0]
    agreed = consensus(schema, results)
    if agreed is None and len(accepted) == 1:
        return accepted[0]
    return agreed
