"""Presigned URLs on the emulator itself, like lakeFS on an S3/GCS/Azure blockstore.

With `LakeFSEmulator(presign=True)`, `/config` reports `pre_sign_support`, and stat/list
with `presign=true` put `<emulator>/_presigned/<token>` into `physical_address` (plus
`physical_address_expiry`); `get_object` with `presign=true` answers 302 to it. The URL
serves the object's bytes with no credentials at all, with Range support, until it expires.

A token is `<payload>.<signature>`, both base64url: the payload names the repository, the
commit (or, for a branch read with its staged objects, the branch), the path, the object's
physical address and the expiry; the signature is an HMAC-SHA256 of the payload under a key
random per emulator. The address pins the object version, as a blockstore URL does: when the
path now holds something else, the URL no longer serves (404), it never serves other bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field

from .protocol import ApiError

PRESIGNED_PREFIX = "/_presigned/"
DEFAULT_EXPIRES = 900  # seconds; lakeFS' default presigned URL lifetime is 15 minutes


@dataclass(frozen=True)
class Grant:
    """What a valid token allows: reading `path` at `ref` while it is still `address`."""

    repository: str
    ref: str
    path: str
    address: str
    expiry: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Presigner:
    expires: int = DEFAULT_EXPIRES
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def _signature(self, payload: str) -> bytes:
        digest = hmac.new(self.key, payload.encode("utf-8"), hashlib.sha256).digest()
        return _b64(digest).encode("ascii")

    def sign(
        self,
        base_url: str,
        repository: str,
        ref: str,
        path: str,
        address: str,
        *,
        expires: int | None = None,
    ) -> tuple[str, int]:
        """An absolute URL on the emulator and its expiry (epoch seconds)."""
        expiry = int(time.time()) + (self.expires if expires is None else expires)
        body = {"r": repository, "c": ref, "p": path, "a": address, "e": expiry}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
        signature = self._signature(payload).decode("ascii")
        return f"{base_url}{PRESIGNED_PREFIX}{payload}.{signature}", expiry

    def verify(self, token: str) -> Grant:
        """The grant of a token; 403 when it is malformed, tampered with or expired."""
        payload, _, signature = token.partition(".")
        if not hmac.compare_digest(signature.encode("utf-8"), self._signature(payload)):
            raise ApiError(403, "presigned URL: signature does not match")
        try:
            body = json.loads(_unb64(payload))
            grant = Grant(body["r"], body["c"], body["p"], body["a"], body["e"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise ApiError(403, "presigned URL: malformed token") from None
        if grant.expiry < time.time():
            raise ApiError(403, "presigned URL: request has expired")
        return grant
