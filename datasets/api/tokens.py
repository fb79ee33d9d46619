"""Managers issue and revoke a dataset's read tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.request import signed_in
from datasets.api.views import managed_dataset
from datasets.models import ReadToken
from datasets.services.tokens import token_issue, token_revoke


class ReadTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReadToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
        read_only_fields = fields


class IssuedTokenSerializer(ReadTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; only a hash is kept.")

    class Meta(ReadTokenSerializer.Meta):
        fields = [*ReadTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class TokenInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(default=30)


class TokenListView(generics.ListAPIView):
    """Read tokens of the dataset; POST issues one (its secret is in the response only)."""

    serializer_class = ReadTokenSerializer

    def get_queryset(self) -> QuerySet[ReadToken]:
        dataset = managed_dataset(self.request, self.kwargs["slug"])
        return ReadToken.objects.filter(dataset=dataset).order_by("-created_at")

    @extend_schema(request=TokenInSerializer, responses={201: IssuedTokenSerializer})
    def post(self, request: Request, slug: str) -> Response:
        dataset = managed_dataset(request, slug)
        data = TokenInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = token_issue(dataset=dataset, user=signed_in(request), **data.validated_data)
        token.token = secret  # type: ignore[attr-defined]
        return Response(IssuedTokenSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, slug: str, token_id: int) -> Response:
        """Revoke a token at once."""
        token_revoke(dataset=managed_dataset(request, slug), token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
