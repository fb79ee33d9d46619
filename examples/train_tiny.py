"""Train a tiny text classifier on a pinned version of an Annolake dataset.

    python examples/train_tiny.py http://localhost:8000 reviews@v1 --out data/reviews
    (token from --token or $ANNOLAKE_TOKEN)

It pulls the ``train`` split as JSONL with ``annolake_client.pull`` (resumable, verified, the
commit id written into the folder), then streams the ``val`` split of *the same commit* with
``iter_items`` — so a branch moving between the two calls cannot mix versions — fits a
multinomial naive Bayes over bag-of-words features in pure Python, and prints the commit it
trained on and the validation accuracy. Nothing but the dataset is downloaded.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annolake_client import AnnolakeError, iter_items, pull

WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def class_of(item: dict[str, Any]) -> str | None:
    """The first class label of the item's final label (None if it has none)."""
    for region in item.get("label") or []:
        if region.get("type") == "class" and region.get("labels"):
            return str(region["labels"][0])
    return None


def examples(items: Iterable[dict[str, Any]]) -> Iterator[tuple[list[str], str]]:
    for item in items:
        label = class_of(item)
        if label is not None and item.get("text"):
            yield words(item["text"]), label


class NaiveBayes:
    """Multinomial naive Bayes with add-one smoothing."""

    def __init__(self) -> None:
        self.docs: Counter[str] = Counter()
        self.counts: dict[str, Counter[str]] = {}
        self.vocabulary: set[str] = set()

    def fit(self, data: Iterable[tuple[list[str], str]]) -> NaiveBayes:
        for tokens, label in data:
            self.docs[label] += 1
            self.counts.setdefault(label, Counter()).update(tokens)
            self.vocabulary.update(tokens)
        return self

    def predict(self, tokens: list[str]) -> str:
        total = sum(self.docs.values())
        size = len(self.vocabulary) + 1

        def score(label: str) -> float:
            counts = self.counts[label]
            denominator = sum(counts.values()) + size
            prior = math.log(self.docs[label] / total)
            return prior + sum(math.log((counts[t] + 1) / denominator) for t in tokens)

        return max(sorted(self.docs), key=score)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server")
    parser.add_argument("version", metavar="DATASET@REF")
    parser.add_argument("--out", required=True, help="where to pull the train split")
    parser.add_argument("--token", help="default: $ANNOLAKE_TOKEN")
    args = parser.parse_args(argv)
    dataset, _, ref = args.version.rpartition("@")
    try:
        pulled = pull(args.server, dataset, ref, format="jsonl", split="train", out=args.out,
                      token=args.token)  # fmt: skip
        files = [pulled.out / path for path in sorted(p.name for p in pulled.out.glob("*.jsonl"))]
        train = [example for path in files for example in examples(read_jsonl(path))]
        val_items = iter_items(args.server, dataset, pulled.commit, token=args.token, split="val")
        val = list(examples(val_items))
    except AnnolakeError as exc:
        print(f"train_tiny: {exc}", file=sys.stderr)
        return 1
    print(f"dataset {dataset}@{ref} commit {pulled.commit}")
    if not train:
        print("no labelled text items in the train split: nothing to train", file=sys.stderr)
        return 1
    model = NaiveBayes().fit(train)
    print(f"trained on {len(train)} items, {len(model.docs)} classes")
    if val:
        right = sum(model.predict(tokens) == label for tokens, label in val)
        print(f"val accuracy {right / len(val):.3f} ({right}/{len(val)})")
    else:
        print("val accuracy n/a (the val split is empty)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
