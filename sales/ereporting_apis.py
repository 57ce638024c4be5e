"""API of what the platform was sent and said outside one invoice: the e-reporting reports
(flux 10), the retry of a failed one, and the statuses that name no invoice."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.permissions import HasRole
from sales import selectors
from sales.ereporting_views import parse_period_start
from sales.models import UnmatchedLifecycleStatus
from sales.permissions import PLATFORM_FOLLOW_ROLES
from sales.services.ereporting import ereport_retry


class SalesEReportSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    state = serializers.CharField(help_text="submitted, pending, running, done or failed")
    state_label = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    flow_id = serializers.CharField()
    error = serializers.CharField()


class SalesUnmatchedStatusSerializer(serializers.ModelSerializer[UnmatchedLifecycleStatus]):
    class Meta:
        model = UnmatchedLifecycleStatus
        fields = (
            "id",
            "flow_id",
            "code",
            "code_label",
            "invoice_number",
            "invoice_flow_id",
            "tracking_id",
            "issue_date",
            "seller_siren",
            "reason",
            "why",
            "received_at",
        )

    code_label = serializers.CharField(read_only=True)


class _PlatformFollowApi(TenantApiView):
    permission_classes = [HasRole.of(*PLATFORM_FOLLOW_ROLES)]


class EReportListApi(PaginatedApiMixin, _PlatformFollowApi):
    @extend_schema(
        responses=SalesEReportSerializer(many=True),
        summary="E-reporting reports (flux 10): submitted ones and those asked for, latest first",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(
            selectors.ereport_list(),  # type: ignore[arg-type]
            SalesEReportSerializer,
        )


class EReportRetryApi(_PlatformFollowApi):
    @extend_schema(
        request=None,
        responses={202: SalesEReportSerializer},
        summary="Submit a failed e-reporting report again (a job; idempotent)",
    )
    def post(self, request: Request, cooperative_slug: str, kind: str, start: str) -> Response:
        row = selectors.ereport_get(kind=kind, start=parse_period_start(start))
        ereport_retry(kind=row.kind, start=row.start)
        row = selectors.ereport_get(kind=row.kind, start=row.start)
        return Response(SalesEReportSerializer(row).data, status=status.HTTP_202_ACCEPTED)


class UnmatchedStatusListApi(PaginatedApiMixin, _PlatformFollowApi):
    @extend_schema(
        responses=SalesUnmatchedStatusSerializer(many=True),
        summary="Platform statuses that name no invoice of the cooperative for sure, latest first",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(
            selectors.unmatched_status_list(), SalesUnmatchedStatusSerializer
        )
