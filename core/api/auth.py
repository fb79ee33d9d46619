"""Login for the browser (session + CSRF) and API tokens for scripts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ValidationFailed


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


UserSerializer = inline_serializer(
    "SessionUser",
    {
        "id": serializers.IntegerField(),
        "username": serializers.CharField(),
        "is_staff": serializers.BooleanField(),
    },
)


def _user_json(user: Any) -> dict[str, Any] | None:
    if not user.is_authenticated:
        return None
    return {"id": user.pk, "username": user.get_username(), "is_staff": user.is_staff}


def _authenticate(request: Request) -> Any:
    data = CredentialsSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    user = authenticate(request._request, **data.validated_data)
    if user is None:
        raise ValidationFailed("Wrong username or password.", code="invalid_credentials")
    return user


@method_decorator(ensure_csrf_cookie, name="get")
class SessionView(APIView):
    """GET who is signed in (and set the CSRF cookie); POST to sign in; DELETE to sign out."""

    permission_classes = [AllowAny]

    @extend_schema(responses=inline_serializer("Session", {"user": UserSerializer}))
    def get(self, request: Request) -> Response:
        return Response({"user": _user_json(request.user)})

    @extend_schema(
        request=CredentialsSerializer,
        responses=inline_serializer("SessionCreated", {"user": UserSerializer}),
    )
    def post(self, request: Request) -> Response:
        # DRF checks CSRF only for signed-in sessions; signing in must be protected too
        # (login CSRF would sign the victim into the attacker's account).
        SessionAuthentication().enforce_csrf(request)
        user = _authenticate(request)
        login(request._request, user)
        return Response({"user": _user_json(user)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenView(APIView):
    """Exchange a username and password for an API token (``Authorization: Token <t>``)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # a token request must not depend on a session or CSRF

    @extend_schema(
        request=CredentialsSerializer,
        responses=inline_serializer("TokenIssued", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        user = _authenticate(request)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
