"""Login for the browser (session + CSRF) and API tokens for scripts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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

from core import login_limits
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


def client_ip(request: Request) -> str:
    """The client's address: REMOTE_ADDR, or the entry our trusted proxies added to XFF.

    With ``LOGIN_LIMIT_TRUSTED_PROXIES = n`` the n-th address from the right of
    X-Forwarded-For is the one the outermost trusted proxy saw; anything left of it is
    client-supplied and ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.LOGIN_LIMIT_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if hops <= 0 or not forwarded:
        return remote
    return forwarded[-min(hops, len(forwarded))]


def _authenticate(request: Request) -> Any:
    """Check the credentials within the sign-in limits (TooManyAttempts when locked)."""
    data = CredentialsSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    attempt = login_limits.login_attempt_reserve(
        username=data.validated_data["username"], ip=client_ip(request)
    )
    user = authenticate(request._request, **data.validated_data)
    if user is None:
        login_limits.login_attempt_failed(attempt=attempt)
        raise ValidationFailed("Wrong username or password.", code="invalid_credentials")
    login_limits.login_attempt_succeeded(attempt=attempt)
    return user


def _too_many(exc: login_limits.TooManyAttempts) -> Response:
    """429 in the error envelope, with the Retry-After header the envelope cannot carry."""
    return Response(
        {"error": exc.as_dict()},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(exc.retry_after)},
    )


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
        try:
            user = _authenticate(request)
        except login_limits.TooManyAttempts as exc:
            return _too_many(exc)
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
        try:
            user = _authenticate(request)
        except login_limits.TooManyAttempts as exc:
            return _too_many(exc)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
