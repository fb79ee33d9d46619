"""Stream the items of a version as dicts, straight from the JSONL export, in constant memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

from annolake_client.errors import AnnolakeError
from annolake_client.manifest import SPLITS
from annolake_client.pull import make_transport
from annolake_client.transport import NETWORK_ERRORS

MAX_LINE = 64 * 1024 * 1024  # one item document; far above any real one


def export_url(dataset: str, ref: str, *, format: str = "jsonl", split: str | None = None) -> str:
    query = {"format": format, **({"split": split} if split else {})}
    path = f"/api/datasets/{quote(dataset, safe='')}/refs/{quote(ref, safe='')}/export"
    return f"{path}?{urlencode(query)}"


def iter_items(
    server: str,
    dataset: str,
    ref: str,
    *,
    token: str | None = None,
    split: str | None = None,
    token_scheme: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield every item document of ``dataset@ref`` (one per line of the JSONL export).

    Nothing is written to disk and only one line is held at a time. The request is sent when
    iteration starts; an HTTP error raises ``ServerError`` with the server's message. To know
    exactly which commit you read, pass a commit id or tag as ``ref`` (or use ``pull``).
    """
    if split is not None and split not in SPLITS:
        raise AnnolakeError(f"unknown split {split!r} (known: {', '.join(SPLITS)})")
    transport = make_transport(server, token, token_scheme)
    url = export_url(dataset, ref, split=split)
    # No Accept header: the server's content negotiation answers 406 to application/x-ndjson.
    try:
        response = transport.get(url)
    except BaseException:
        transport.close()
        raise
    line_no = 0
    try:
        while True:
            try:
                line = response.readline(MAX_LINE + 1)
            except NETWORK_ERRORS as exc:
                raise AnnolakeError(
                    f"the export stream of {dataset}@{ref} broke after {line_no} items: {exc}"
                ) from exc
            if not line:
                return
            if len(line) > MAX_LINE:
                raise AnnolakeError(f"line {line_no + 1} of the export is over {MAX_LINE} bytes")
            line_no += 1
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise AnnolakeError(f"line {line_no} of the export is not JSON: {exc}") from exc
    finally:
        response.close()
        transport.close()
