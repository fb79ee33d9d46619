"""``Authorization: Token <key>`` for API users, checked in one query.

Kept apart from the login views: DRF imports the authentication classes named in settings
while it loads its own views module, so this module must not import ``APIView``.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication
from rest_framework.authtoken.models import Token


class TokenAuthentication(DrfTokenAuthentication):
    """DRF's ``Authorization: Token <key>`` check, as one hand-written query.

    Same answers as DRF's class. Building DRF's ORM lookup (a select_related join) took a
    third of a gunicorn worker's CPU in the queue benchmark (W2, py-spy --gil). Nothing is
    cached, so a deleted token or a deactivated user is refused at once.
    """

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        users = list(
            User.objects.raw(
                "SELECT u.* FROM auth_user u JOIN authtoken_token t ON t.user_id = u.id"
                " WHERE t.key = %s",
                [key],
            )
        )
        if not users:
            raise exceptions.AuthenticationFailed("Invalid token.")
        user = users[0]
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, Token(key=key, user=user)


class TokenScheme(OpenApiAuthenticationExtension):
    """Documents the token scheme as DRF's own class would (``tokenAuth``)."""

    target_class = "core.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
