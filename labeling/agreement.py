"""Inter-annotator agreement and consensus for items labelled by k > 1 annotators.

Inputs are results already canonicalised by ``labeling.schemas.validate_result``.

Project level: ``class_agreement`` is Krippendorff's alpha (nominal) over items x annotators,
with ``None`` for a missing rating. It is ``None`` when undefined: fewer than two pairable
values (an item needs two ratings to be pairable), or no variation at all (every value equal,
so expected disagreement is 0).

Item level, ``item_agreement(schema, results)``:

* each pair of annotators gets a score per control, in [0, 1]:
  class -> Jaccard index of the two label sets (for single choice: 1 if they picked the same
  label, else 0; both leaving the control empty counts as agreeing);
  bbox -> ``box_agreement``; polygon -> ``box_agreement`` on the polygons' bounding boxes (a
  coarse stand-in for polygon IoU); span -> ``span_agreement``; keypoint -> not scored;
* a control's score is the mean over all annotator pairs; controls no annotator used on this
  item are skipped, so optional controls do not inflate the score with trivial 1.0s;
* the item score is the mean over the scored controls; 1.0 if every annotator left every
  scorable control empty; ``None`` with fewer than two results or no scorable control.

Consensus, ``consensus(schema, results)``, is the final result for an item or ``None`` when a
person has to review it:

* single-choice class: plurality vote, where "no region" is a vote too; a tie for first place,
  or "no region" winning for a required control, needs review;
* multi-choice class: a label is kept if a strict majority chose it; one chosen by exactly
  half the annotators needs review;
* bbox and polygon: annotators are processed in order; each one's regions are matched one to
  one (same label, IoU >= 0.5, maximal total IoU) to the seed region of existing clusters, and
  unmatched regions seed new clusters. Clusters with support from a strict majority are kept:
  boxes as the mean of their corners, polygons as their seed (the earliest annotator's);
* span: a (start, end, label) is kept if a strict majority marked it;
* keypoint: any keypoint on the item needs review (no scale to judge distances by).

Ties in matching are broken by input order, so the same inputs always give the same output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import combinations
from statistics import fmean
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from labeling.schemas import Control, LabelSchema

Region = dict[str, Any]
CONSENSUS_IOU = 0.5


class Box(NamedTuple):
    label: str
    x: float
    y: float
    w: float
    h: float

    @classmethod
    def from_region(cls, region: Region) -> Box:
        """A bbox region's box, or a polygon region's bounding box."""
        if "bbox" in region:
            b = region["bbox"]
            return cls(region["label"], b["x"], b["y"], b["w"], b["h"])
        xs = [p[0] for p in region["points"]]
        ys = [p[1] for p in region["points"]]
        return cls(region["label"], min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


class Span(NamedTuple):
    start: int
    end: int
    label: str


def class_item_agreement(values: Sequence[str | None]) -> float | None:
    """Fraction of annotator pairs that gave this item the same value; ``None`` is missing."""
    present = [v for v in values if v is not None]
    pairs = len(present) * (len(present) - 1) // 2
    if pairs == 0:
        return None
    agreeing = sum(n * (n - 1) // 2 for n in Counter(present).values())
    return agreeing / pairs


def class_agreement(ratings: Sequence[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha, nominal; ``ratings[item][annotator]``, ``None`` when missing."""
    matches = 0.0  # sum of the coincidence matrix diagonal, o_cc
    totals: Counter[str] = Counter()  # n_c: pairable values per category
    for row in ratings:
        present = [v for v in row if v is not None]
        if len(present) < 2:
            continue
        counts = Counter(present)
        matches += sum(n * (n - 1) for n in counts.values()) / (len(present) - 1)
        totals.update(counts)
    n = sum(totals.values())
    expected = sum(c * (c - 1) for c in totals.values())
    denominator = n * (n - 1) - expected
    if n < 2 or denominator == 0:
        return None
    return ((n - 1) * matches - expected) / denominator


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes, ignoring labels."""
    dx = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    dy = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    if dx <= 0 or dy <= 0:
        return 0.0
    inter = dx * dy
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union > 0 else 0.0


def box_agreement(a: Sequence[Box], b: Sequence[Box]) -> float:
    """Mean IoU over an optimal one-to-one matching of same-label boxes.

    Unmatched boxes score 0, so the sum is divided by ``max(len(a), len(b))``; two empty lists
    agree perfectly.
    """
    if not a and not b:
        return 1.0
    total = sum(score for _, _, score in match_boxes(a, b))
    return total / max(len(a), len(b))


def match_boxes(
    a: Sequence[Box], b: Sequence[Box], min_iou: float = 0.0
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, iou) of a maximum-total-IoU matching of same-label boxes.

    Only pairs with IoU > 0 and >= ``min_iou`` may match. Boxes that overlap nothing cannot
    change the optimum, so the assignment problem is solved per connected group of
    overlapping boxes, which keeps 100-box items fast.
    """
    edges: dict[tuple[int, int], float] = {}
    parent = list(range(len(a) + len(b)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, box_a in enumerate(a):
        for j, box_b in enumerate(b):
            if box_a.label == box_b.label:
                score = iou(box_a, box_b)
                if score > 0 and score >= min_iou:
                    edges[i, j] = score
                    parent[root(i)] = root(len(a) + j)
    # dicts as insertion-ordered sets, so the result does not depend on hashing
    groups: dict[int, tuple[dict[int, None], dict[int, None]]] = {}
    for i, j in edges:
        row_set, col_set = groups.setdefault(root(i), ({}, {}))
        row_set[i] = col_set[j] = None
    pairs: list[tuple[int, int, float]] = []
    for row_set, col_set in groups.values():
        rows, cols = list(row_set), list(col_set)
        weights = [[edges.get((i, j), 0.0) for j in cols] for i in rows]
        for r, c in _max_assignment(weights):
            if weights[r][c] > 0:
                pairs.append((rows[r], cols[c], weights[r][c]))
    return sorted(pairs)


def _max_assignment(weights: list[list[float]]) -> list[tuple[int, int]]:
    if len(weights) > len(weights[0]):
        flipped = [list(column) for column in zip(*weights, strict=True)]
        return [(r, c) for c, r in _max_assignment(flipped)]
    return list(enumerate(_hungarian([[-w for w in row] for row in weights])))


def _hungarian(cost: list[list[float]]) -> list[int]:
    """Minimum-cost assignment, rows <= columns, O(n^2 m); returns each row's column.

    The potentials formulation (Kuhn-Munkres with Dijkstra-like augmentation), 1-based inside.
    """
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    owner, way = [0] * (m + 1), [0] * (m + 1)  # owner[j]: row assigned to column j
    for row in range(1, n + 1):
        owner[0], j0 = row, 0
        best, done = [inf] * (m + 1), [False] * (m + 1)
        while owner[j0]:
            done[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            costs = cost[i0 - 1]
            for j in range(1, m + 1):
                if not done[j]:
                    reduced = costs[j - 1] - u[i0] - v[j]
                    if reduced < best[j]:
                        best[j], way[j] = reduced, j0
                    if best[j] < delta:
                        delta, j1 = best[j], j
            for j in range(m + 1):
                if done[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    best[j] -= delta
            j0 = j1
        while j0:
            owner[j0] = owner[way[j0]]
            j0 = way[j0]
    assigned = [0] * n
    for j in range(1, m + 1):
        if owner[j]:
            assigned[owner[j] - 1] = j - 1
    return assigned


def span_agreement(a: Sequence[Span], b: Sequence[Span]) -> float:
    """F1 of exact (start, end, label) matches; two empty lists agree perfectly."""
    if not a and not b:
        return 1.0
    matched = sum((Counter(a) & Counter(b)).values())
    return 2 * matched / (len(a) + len(b))


def _class_pair(a: list[Region], b: list[Region]) -> float:
    left = {name for region in a for name in region["labels"]}
    right = {name for region in b for name in region["labels"]}
    union = left | right
    return len(left & right) / len(union) if union else 1.0


def _box_pair(a: list[Region], b: list[Region]) -> float:
    return box_agreement([Box.from_region(r) for r in a], [Box.from_region(r) for r in b])


def _span_pair(a: list[Region], b: list[Region]) -> float:
    return span_agreement([_span(r) for r in a], [_span(r) for r in b])


def _span(region: Region) -> Span:
    return Span(region["start"], region["end"], region["label"])


_PAIR_SCORES: dict[str, Callable[[list[Region], list[Region]], float]] = {
    "class": _class_pair,
    "bbox": _box_pair,
    "polygon": _box_pair,
    "span": _span_pair,
}


def _by_control(result: list[Region]) -> dict[str, list[Region]]:
    grouped: dict[str, list[Region]] = {}
    for region in result:
        grouped.setdefault(region["control"], []).append(region)
    return grouped


def item_agreement(schema: LabelSchema, results: Sequence[list[Region]]) -> float | None:
    """Agreement of k annotators on one item, in [0, 1]; see the module docstring."""
    if len(results) < 2:
        return None
    grouped = [_by_control(result) for result in results]
    scorable = False
    scores = []
    for control in schema.controls:
        pair_score = _PAIR_SCORES.get(control.type)
        if pair_score is None:
            continue
        scorable = True
        regions = [by_control.get(control.name, []) for by_control in grouped]
        if any(regions):
            scores.append(fmean(pair_score(a, b) for a, b in combinations(regions, 2)))
    if not scores:
        return 1.0 if scorable else None
    return fmean(scores)


class _NeedsReview(Exception):
    """Raised inside consensus when a control cannot be decided automatically."""


def consensus(schema: LabelSchema, results: Sequence[list[Region]]) -> list[Region] | None:
    """The agreed result of k annotators, or ``None`` if it needs review; see module docstring."""
    if not results:
        return None
    grouped = [_by_control(result) for result in results]
    out: list[Region] = []
    try:
        for control in schema.controls:
            regions = [by_control.get(control.name, []) for by_control in grouped]
            out.extend(_CONSENSUS[control.type](control, regions))
    except _NeedsReview:
        return None
    return out


def _class_consensus(control: Control, regions: list[list[Region]]) -> list[Region]:
    k = len(regions)
    chosen = [{name for region in rs for name in region["labels"]} for rs in regions]
    if control.multiple:
        votes = Counter(name for names in chosen for name in names)
        if any(2 * count == k for count in votes.values()):
            raise _NeedsReview
        labels = [name for name in control.label_names if 2 * votes[name] > k]
    else:
        ballots = Counter(min(names) if names else None for names in chosen)
        ranked = ballots.most_common(2)
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            raise _NeedsReview
        labels = [ranked[0][0]] if ranked[0][0] is not None else []
    if not labels:
        if control.required:
            raise _NeedsReview
        return []
    return [{"control": control.name, "type": "class", "labels": labels}]


def _cluster(per_annotator: list[list[Box]]) -> list[list[tuple[int, int]]]:
    """Clusters of (annotator, index) built as described in the module docstring."""
    clusters: list[list[tuple[int, int]]] = []
    seeds: list[Box] = []
    for annotator, boxes in enumerate(per_annotator):
        matched = set()
        for c, j, _ in match_boxes(seeds, boxes, CONSENSUS_IOU):
            clusters[c].append((annotator, j))
            matched.add(j)
        for j, box in enumerate(boxes):
            if j not in matched:
                clusters.append([(annotator, j)])
                seeds.append(box)
    return clusters


def _shape_consensus(control: Control, regions: list[list[Region]]) -> list[Region]:
    boxes = [[Box.from_region(r) for r in rs] for rs in regions]
    majority = [c for c in _cluster(boxes) if 2 * len(c) > len(regions)]
    return [_merge(control, regions, boxes, cluster) for cluster in majority]


def _merge(
    control: Control,
    regions: list[list[Region]],
    boxes: list[list[Box]],
    cluster: list[tuple[int, int]],
) -> Region:
    annotator, index = cluster[0]
    seed = regions[annotator][index]
    merged: Region = {"control": control.name, "type": control.type, "label": seed["label"]}
    if control.type == "polygon":
        # Polygons with different vertex counts have no meaningful average.
        merged["points"] = [list(p) for p in seed["points"]]
        return merged
    members = [boxes[a][j] for a, j in cluster]
    x, y = fmean(b.x for b in members), fmean(b.y for b in members)
    right, bottom = fmean(b.x + b.w for b in members), fmean(b.y + b.h for b in members)
    w, h = round(right - x, 2), round(bottom - y, 2)
    merged["bbox"] = {"x": round(x, 2), "y": round(y, 2), "w": w, "h": h}
    return merged


def _span_consensus(control: Control, regions: list[list[Region]]) -> list[Region]:
    votes = Counter(span for rs in regions for span in {_span(r) for r in rs})
    kept = [span for span, count in votes.items() if 2 * count > len(regions)]
    kept.sort(key=lambda s: (s.start, s.end, control.label_index[s.label]))
    return [
        {"control": control.name, "type": "span", "label": s.label, "start": s.start, "end": s.end}
        for s in kept
    ]


def _keypoint_consensus(control: Control, regions: list[list[Region]]) -> list[Region]:
    if any(regions):
        raise _NeedsReview
    return []


_CONSENSUS: dict[str, Callable[[Control, list[list[Region]]], list[Region]]] = {
    "class": _class_consensus,
    "bbox": _shape_consensus,
    "polygon": _shape_consensus,
    "span": _span_consensus,
    "keypoint": _keypoint_consensus,
}
