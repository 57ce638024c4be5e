from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from entrepreneurs import selectors
from perspectives.tenancy.apis import TenantApiView


class EntrepreneurOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    sector = serializers.CharField(source="sector.name")


class EntrepreneurListApi(TenantApiView):
    @extend_schema(responses=EntrepreneurOutputSerializer(many=True), summary="Entrepreneurs")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        queryset = selectors.entrepreneur_list_visible(membership=self.membership)
        return self.paginated_response(queryset, EntrepreneurOutputSerializer)


class EntrepreneurDetailApi(TenantApiView):
    @extend_schema(responses=EntrepreneurOutputSerializer, summary="One entrepreneur")
    def get(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        entrepreneur = selectors.entrepreneur_get_for_member(
            membership=self.membership, entrepreneur_id=entrepreneur_id
        )
        return Response(EntrepreneurOutputSerializer(entrepreneur).data)
