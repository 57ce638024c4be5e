"""The dashboards' figures in the API, for cooperatives that build their own tools."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from entrepreneurs import selectors as people
from entrepreneurs.models import Stage
from perspectives.tenancy.apis import TenantApiView
from perspectives.tenancy.models import Role
from perspectives.tenancy.permissions import HasRole
from top.dashboards import selectors


def money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class AlertSerializer(serializers.Serializer[Any]):
    level = serializers.CharField()
    message = serializers.CharField()


class EntrepreneurDashboardApi(TenantApiView):
    class OutputSerializer(serializers.Serializer[Any]):
        class MonthSerializer(serializers.Serializer[Any]):
            month = serializers.DateField()
            revenue = money()
            expenses = money()
            contribution = money()
            salary_cost = money()
            margin = money()
            cash_end = money()

        class ProjectionSerializer(serializers.Serializer[Any]):
            month = serializers.DateField()
            expected_revenue = money()
            treasury = money()
            fragile = serializers.BooleanField()

        months = MonthSerializer(many=True)
        treasury_reference = money(source="treasury.reference")
        treasury_future = money(source="treasury.future")
        reserve_target = money()
        reserve_target_entered = serializers.BooleanField()
        sustainable_budget = money(source="projection.sustainable_budget")
        projection = ProjectionSerializer(source="projection.months", many=True)
        fragile_months = serializers.ListField(source="fragile", child=serializers.IntegerField())
        alerts = AlertSerializer(many=True)

    @extend_schema(responses=OutputSerializer, summary="An entrepreneur's dashboard figures")
    def get(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        entrepreneur = people.entrepreneur_get_for_member(
            membership=self.membership, entrepreneur_id=entrepreneur_id
        )
        activities = selectors.entrepreneur_activities(entrepreneur=entrepreneur)
        dashboard = selectors.activity_dashboard(
            activities=activities, today=timezone.localdate(), entrepreneur=entrepreneur
        )
        dashboard.fragile = sorted(dashboard.fragile)  # type: ignore[assignment]
        return Response(self.OutputSerializer(dashboard).data)


class PortfolioDashboardApi(TenantApiView):
    permission_classes = [HasRole.of(Role.SUPPORT, Role.MANAGER, Role.ADMIN)]

    class OutputSerializer(serializers.Serializer[Any]):
        entrepreneur = serializers.IntegerField(source="entrepreneur.pk")
        name = serializers.CharField(source="entrepreneur.__str__")
        revenue_12_months = serializers.ListField(source="revenue_12", child=money())
        treasury = money()
        risk = serializers.IntegerField()
        alerts = AlertSerializer(many=True)

    @extend_schema(responses=OutputSerializer(many=True), summary="The support staff portfolio")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        today = timezone.localdate()
        filters = people.PortfolioFilters(referent_id=self.membership.user_id)
        entrepreneurs = list(
            people.portfolio(filters=filters, today=today).exclude(stage=Stage.EXITED)
        )
        rows = selectors.support_dashboard(entrepreneurs=entrepreneurs, today=today)
        return Response(self.OutputSerializer(rows, many=True).data)


class CooperativeDashboardApi(TenantApiView):
    permission_classes = [HasRole.of(Role.MANAGER, Role.ADMIN)]

    class OutputSerializer(serializers.Serializer[Any]):
        months = serializers.ListField(child=serializers.DateField())
        revenue_by_sector = serializers.DictField(child=serializers.ListField(child=money()))
        stages = serializers.ListField(child=serializers.ListField())
        associates = serializers.IntegerField()
        contribution = serializers.ListField(child=money())
        payroll = serializers.ListField(child=money())
        reserves = money()
        at_risk_by_sector = serializers.ListField(child=serializers.ListField())

    @extend_schema(responses=OutputSerializer, summary="The cooperative's dashboard figures")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        dashboard = selectors.cooperative_dashboard(today=timezone.localdate())
        return Response(self.OutputSerializer(dashboard).data)
