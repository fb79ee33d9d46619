"""Read tokens: scoped to one dataset, read-only, expiring, revocable, stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from core.errors import NotFound, ValidationFailed
from datasets.models import Dataset, ReadToken

PREFIX = "alk_"
MAX_DAYS = 365


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_issue(
    *, dataset: Dataset, user: User, name: str, days: int = 30
) -> tuple[ReadToken, str]:
    """Create a token; returns it with its secret, which is not stored and not shown again."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(f"must be from 1 to {MAX_DAYS} days", field="days")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ReadToken.objects.create(
        dataset=dataset, name=name, key_hash=_hash(secret), prefix=secret[:12],
        created_by=user, expires_at=timezone.now() + timedelta(days=days),
    )  # fmt: skip
    return token, secret


def token_revoke(*, dataset: Dataset, token_id: int) -> None:
    updated = ReadToken.objects.filter(dataset=dataset, pk=token_id, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound("No such active token.", field="token")


def token_lookup(secret: str) -> ReadToken | None:
    """The live token for a secret, or None (unknown, expired or revoked alike)."""
    if not secret.startswith(PREFIX):
        return None
    now = timezone.now()
    token = (
        ReadToken.objects.select_related("dataset")
        .filter(key_hash=_hash(secret), revoked_at=None, expires_at__gt=now)
        .first()
    )
    if token is not None and (
        token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5)
    ):
        ReadToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
