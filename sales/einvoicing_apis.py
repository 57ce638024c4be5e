"""API of a document's e-invoicing: its state at the platforms, and the request to submit it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from perspectives.tenancy.apis import TenantApiView
from perspectives.tenancy.permissions import HasRole
from sales import selectors
from sales.models import EInvoiceSubmission, LifecycleStatus
from sales.permissions import SALES_ROLES
from sales.services.einvoicing import einvoice_submit_request


class SalesLifecycleStatusSerializer(serializers.ModelSerializer[LifecycleStatus]):
    name = serializers.CharField(source="get_code_display")
    sent = serializers.SerializerMethodField()

    class Meta:
        model = LifecycleStatus
        fields = ("code", "name", "origin", "reason", "amount", "occurred_at", "sent")

    def get_sent(self, status: LifecycleStatus) -> bool:
        """Whether the platform has it (always, for a status it sent)."""
        return status.origin == LifecycleStatus.Origin.PLATFORM or status.sent_at is not None


class SalesEInvoiceSubmissionSerializer(serializers.ModelSerializer[EInvoiceSubmission]):
    class Meta:
        model = EInvoiceSubmission
        fields = ("flow_id", "processing_rule", "sha256", "submitted_at")


class SalesEInvoiceJobSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    state = serializers.CharField()
    error = serializers.CharField()


class SalesEInvoicingSerializer(serializers.Serializer[Any]):
    out_of_scope = serializers.CharField()
    submission = SalesEInvoiceSubmissionSerializer(allow_null=True)
    job = SalesEInvoiceJobSerializer(allow_null=True)
    statuses = SalesLifecycleStatusSerializer(many=True)


class DocumentEInvoicingApi(TenantApiView):
    permission_classes = [HasRole.of(*SALES_ROLES)]

    def _state(self, sales_document_id: int) -> dict[str, Any]:
        document = selectors.document_get_for_member(
            membership=self.membership, document_id=sales_document_id
        )
        state = selectors.einvoicing_state_get(document=document)
        return SalesEInvoicingSerializer(state).data

    @extend_schema(
        responses=SalesEInvoicingSerializer,
        summary="A document at the platforms: its submission and lifecycle statuses",
    )
    def get(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        return Response(self._state(sales_document_id))

    @extend_schema(
        request=None,
        responses={202: SalesEInvoicingSerializer},
        summary="Submit an invoice or credit note to the customer's platform (a job)",
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        document = selectors.document_get_for_member(
            membership=self.membership, document_id=sales_document_id
        )
        einvoice_submit_request(document=document)
        return Response(self._state(sales_document_id), status=status.HTTP_202_ACCEPTED)
