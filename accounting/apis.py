"""REST API of the ledger's statements (read-only): the same figures as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounting import selectors
from accounting.forms import AsOfForm, DateRangeForm
from accounting.permissions import sees_statements, sees_whole_ledger
from accounting.views import GENERAL_LEDGER_PAGE_LINES
from entrepreneurs.models import Activity
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView

RANGE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="Début (AAAA-MM-JJ)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Fin (AAAA-MM-JJ)"),
]
MONEY = {"max_digits": 18, "decimal_places": 2, "coerce_to_string": True}


def _range(request: Request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    form = DateRangeForm(
        request.query_params, year=selectors.fiscal_year_current(today=today), today=today
    )
    if not form.is_valid():
        raise ValidationError(_errors(form))
    return form.cleaned_data["date_from"], form.cleaned_data["date_to"]


def _errors(form: Any) -> dict[str, list[str]]:
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


class _LedgerApi(TenantApiView):
    def require_whole_ledger(self) -> None:
        if not sees_whole_ledger(self.membership):
            raise PermissionDenied

    def activity(self, activity_id: int) -> Activity:
        if not sees_statements(self.membership):
            raise PermissionDenied
        return selectors.activity_get_for_member(
            membership=self.membership, activity_id=activity_id
        )


class TrialBalanceRowSerializer(serializers.Serializer[Any]):
    account = serializers.CharField(source="code")
    account_label = serializers.CharField(source="label")
    debit = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    credit = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    balance = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]


class TrialBalanceSerializer(serializers.Serializer[Any]):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    rows = TrialBalanceRowSerializer(many=True)
    total_debit = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    total_credit = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]


class TrialBalanceApi(_LedgerApi):
    @extend_schema(
        parameters=RANGE_PARAMETERS, responses=TrialBalanceSerializer, summary="Balance générale"
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        self.require_whole_ledger()
        date_from, date_to = _range(request)
        balance = selectors.trial_balance(date_from=date_from, date_to=date_to)
        return Response(TrialBalanceSerializer(balance).data)


class LedgerLineSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    journal = serializers.CharField()
    reference = serializers.CharField()
    piece_ref = serializers.CharField()
    line_label = serializers.CharField(source="label")
    activity = serializers.CharField(source="activity_code")
    third_party = serializers.CharField()
    debit = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    credit = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    balance = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    lettering = serializers.CharField()


class LedgerSectionSerializer(serializers.Serializer[Any]):
    account = serializers.CharField(source="code")
    account_label = serializers.CharField(source="label")
    opening = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    total_debit = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    total_credit = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    closing = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    lines = LedgerLineSerializer(many=True)


class GeneralLedgerApi(_LedgerApi):
    @extend_schema(
        parameters=[
            *RANGE_PARAMETERS,
            OpenApiParameter("account", str, description="Numéro de compte"),
            OpenApiParameter("third_party", str, description="Compte auxiliaire"),
        ],
        responses=LedgerSectionSerializer(many=True),
        summary="Grand livre (d'un compte, d'un tiers)",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        self.require_whole_ledger()
        date_from, date_to = _range(request)
        account_ids = None
        third_party_id = None
        if code := request.query_params.get("account", "").strip()[:20]:
            account = selectors.account_by_code(code=code)
            if account is None:
                raise NotFound
            account_ids = [account.pk]
        if code := request.query_params.get("third_party", "").strip()[:17]:
            third_party = selectors.third_party_by_code(code=code)
            if third_party is None:
                raise NotFound
            third_party_id = third_party.pk
        if account_ids is None and third_party_id is None:
            count = selectors.ledger_lines(date_from=date_from, date_to=date_to).count()
            if count > GENERAL_LEDGER_PAGE_LINES:
                raise ValidationError(
                    {"account": f"{count} lignes : précisez un compte ou un tiers."}
                )
        sections = selectors.general_ledger(
            date_from=date_from,
            date_to=date_to,
            account_ids=account_ids,
            third_party_id=third_party_id,
        )
        return Response(LedgerSectionSerializer(sections, many=True).data)


class ActivitySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    analytic_code = serializers.CharField()
    name = serializers.CharField()


class ActivityListApi(PaginatedApiMixin, _LedgerApi):
    @extend_schema(responses=ActivitySerializer(many=True), summary="Activités visibles")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        if not sees_statements(self.membership):
            raise PermissionDenied
        activities = selectors.activities_visible(membership=self.membership)
        return self.paginated_response(activities, ActivitySerializer)


class ActivityLedgerApi(_LedgerApi):
    @extend_schema(
        parameters=RANGE_PARAMETERS,
        responses=LedgerSectionSerializer(many=True),
        summary="Grand livre analytique d'une activité",
    )
    def get(self, request: Request, cooperative_slug: str, activity_id: int) -> Response:
        activity = self.activity(activity_id)
        date_from, date_to = _range(request)
        sections = selectors.general_ledger(
            date_from=date_from, date_to=date_to, scope=frozenset({activity.pk})
        )
        return Response(LedgerSectionSerializer(sections, many=True).data)


class PnlRowSerializer(serializers.Serializer[Any]):
    account = serializers.CharField(source="code")
    account_label = serializers.CharField(source="label")
    amount = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]


class PnlSerializer(serializers.Serializer[Any]):
    activity = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    income = PnlRowSerializer(many=True)
    expenses = PnlRowSerializer(many=True)
    total_income = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    total_expenses = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    result = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    months = serializers.ListField(child=serializers.DictField())


class ActivityPnlApi(_LedgerApi):
    @extend_schema(
        parameters=RANGE_PARAMETERS,
        responses=PnlSerializer,
        summary="Compte de résultat d'une activité",
    )
    def get(self, request: Request, cooperative_slug: str, activity_id: int) -> Response:
        activity = self.activity(activity_id)
        date_from, date_to = _range(request)
        pnl = selectors.activity_pnl(
            scope=frozenset({activity.pk}), date_from=date_from, date_to=date_to
        )
        data = {
            "activity": activity.analytic_code,
            "date_from": date_from,
            "date_to": date_to,
            "income": pnl.income,
            "expenses": pnl.expenses,
            "total_income": pnl.total_income,
            "total_expenses": pnl.total_expenses,
            "result": pnl.result,
            "months": [
                {
                    "month": month.isoformat()[:7],
                    "income": f"{income:.2f}",
                    "expenses": f"{expenses:.2f}",
                    "result": f"{result:.2f}",
                }
                for month, income, expenses, result in pnl.months
            ],
        }
        return Response(PnlSerializer(data).data)


class TreasurySerializer(serializers.Serializer[Any]):
    activity = serializers.CharField()
    as_of = serializers.DateField()
    cash = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    taxes_due = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    suppliers_due = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    reference = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    salaries_due = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    expenses_due = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    customers_due = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    future = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]


class ActivityTreasuryApi(_LedgerApi):
    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="Date")],
        responses=TreasurySerializer,
        summary="État de trésorerie d'une activité",
    )
    def get(self, request: Request, cooperative_slug: str, activity_id: int) -> Response:
        activity = self.activity(activity_id)
        form = AsOfForm(request.query_params, today=timezone.localdate())
        if not form.is_valid():
            raise ValidationError(_errors(form))
        treasury = selectors.treasury_statement(scope=frozenset({activity.pk}), as_of=form.day())
        data = {
            "activity": activity.analytic_code,
            "as_of": treasury.as_of,
            "cash": treasury.cash,
            "taxes_due": treasury.taxes_due,
            "suppliers_due": treasury.suppliers_due,
            "reference": treasury.reference,
            "salaries_due": treasury.salaries_due,
            "expenses_due": treasury.expenses_due,
            "customers_due": treasury.customers_due,
            "future": treasury.future,
        }
        return Response(TreasurySerializer(data).data)
