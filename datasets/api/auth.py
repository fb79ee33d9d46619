"""``Authorization: Bearer <read token>`` for training jobs.

The request stays anonymous (so every endpoint that needs a user refuses it); only views
that call ``read_token_dataset`` accept the token, and only for its own dataset.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from datasets.models import Dataset, ReadToken
from datasets.services.tokens import token_lookup


class ReadTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ReadToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Bearer header.")
        token = token_lookup(header[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown, expired or revoked token.")
        return AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def read_token_dataset(request: Request, slug: str) -> Dataset | None:
    """The dataset a Bearer token grants, if the request carries one for ``slug``."""
    token = request.auth
    if not isinstance(token, ReadToken):
        return None
    if token.dataset.slug != slug:
        raise exceptions.NotFound()
    return token.dataset


class ReadTokenScheme(OpenApiAuthenticationExtension):
    """Documents the Bearer read token in the OpenAPI schema."""

    target_class = "datasets.api.auth.ReadTokenAuthentication"
    name = "datasetReadToken"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A dataset read token (alk_...), issued by a manager; read-only, "
            "one dataset, expiring.",
        }
