"""Pull versions of Annolake datasets for training jobs (standard library only).

    from annolake_client import pull, iter_items

    result = pull("https://annolake.example.com", "reviews", "v3", format="jsonl", out="data/")
    print(result.commit)                  # also in data/COMMIT and data/annolake-version.json
    for item in iter_items("https://annolake.example.com", "reviews", "v3", split="val"):
        ...

The token comes from ``token=`` or ``$ANNOLAKE_TOKEN``: a dataset read token (``alk_...``,
sent as ``Bearer``) or a user API token (sent as ``Token``).
"""

from annolake_client._version import __version__
from annolake_client.errors import (
    AnnolakeError,
    ChecksumMismatch,
    ServerError,
    UnsafePath,
    VersionConflict,
)
from annolake_client.items import iter_items
from annolake_client.pull import PullResult, pull

__all__ = [
    "AnnolakeError",
    "ChecksumMismatch",
    "PullResult",
    "ServerError",
    "UnsafePath",
    "VersionConflict",
    "__version__",
    "iter_items",
    "pull",
]
