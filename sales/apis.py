"""REST API of the sales app: the same services as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from perspectives.core.downloads import private_file
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.permissions import HasRole
from sales import selectors, services
from sales.einvoicing_apis import SalesLifecycleStatusSerializer
from sales.models import Customer, Document, DocumentLine, OperationCategory, Payment, Product, Unit
from sales.permissions import SALES_ROLES
from sales.services.rendering import document_pdf_request

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class _SalesApi(TenantApiView):
    permission_classes = [HasRole.of(*SALES_ROLES)]

    def document(self, sales_document_id: int) -> Document:
        return selectors.document_get_for_member(
            membership=self.membership, document_id=sales_document_id
        )


class SalesCustomerSerializer(serializers.ModelSerializer[Customer]):
    activity = serializers.IntegerField(source="activity_id")

    class Meta:
        model = Customer
        fields = (
            "id",
            "activity",
            "kind",
            "name",
            "legal_form",
            "siren",
            "siret",
            "vat_number",
            "service_code",
            "email",
            "phone",
            "address_line",
            "address_line2",
            "postal_code",
            "city",
            "country",
            "delivery_address_line",
            "delivery_postal_code",
            "delivery_city",
        )
        read_only_fields = ("id",)


class CustomerListApi(PaginatedApiMixin, _SalesApi):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Recherche (nom, SIREN, ville)")],
        responses=SalesCustomerSerializer(many=True),
        summary="Customers of the activities the reader handles",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        customers = selectors.customer_list(
            membership=self.membership, search=request.query_params.get("q", "")
        )
        return self.paginated_response(customers, SalesCustomerSerializer)

    @extend_schema(
        request=SalesCustomerSerializer,
        responses={201: SalesCustomerSerializer},
        summary="Create a customer",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = SalesCustomerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        activity = selectors.activity_get_for_member(
            membership=self.membership, activity_id=data.pop("activity_id")
        )
        customer = services.customer_create(activity=activity, **data)
        return Response(SalesCustomerSerializer(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(_SalesApi):
    @extend_schema(responses=SalesCustomerSerializer, summary="One customer")
    def get(self, request: Request, cooperative_slug: str, customer_id: int) -> Response:
        customer = selectors.customer_get_for_member(
            membership=self.membership, customer_id=customer_id
        )
        return Response(SalesCustomerSerializer(customer).data)


class SalesProductSerializer(serializers.ModelSerializer[Product]):
    activity = serializers.IntegerField(source="activity_id")

    class Meta:
        model = Product
        fields = (
            "id",
            "activity",
            "kind",
            "label",
            "description",
            "unit",
            "unit_price",
            "vat_rate",
            "revenue_account",
            "is_active",
        )
        read_only_fields = ("id",)


class ProductListApi(PaginatedApiMixin, _SalesApi):
    @extend_schema(responses=SalesProductSerializer(many=True), summary="The catalogue")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(
            selectors.product_list(membership=self.membership), SalesProductSerializer
        )

    @extend_schema(
        request=SalesProductSerializer,
        responses={201: SalesProductSerializer},
        summary="Add a product or service to an activity's catalogue",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = SalesProductSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        activity = selectors.activity_get_for_member(
            membership=self.membership, activity_id=data.pop("activity_id")
        )
        product = services.product_create(activity=activity, **data)
        return Response(SalesProductSerializer(product).data, status=status.HTTP_201_CREATED)


class SalesLineSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=DocumentLine.Kind.choices, default=DocumentLine.Kind.ITEM
    )
    product = serializers.IntegerField(required=False, allow_null=True, default=None)
    designation = serializers.CharField(source="label", max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=4, default=Decimal(1))
    unit = serializers.ChoiceField(choices=Unit.choices, default=Unit.UNIT)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, default=Decimal(20))
    net_amount = serializers.DecimalField(read_only=True, **MONEY)  # type: ignore[arg-type]


class SalesVatSerializer(serializers.Serializer[Any]):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True)
    taxable = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    vat = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]


class SalesDocumentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    type_code = serializers.CharField()
    status = serializers.CharField()
    number = serializers.CharField()
    activity = serializers.IntegerField(source="activity_id")
    customer = serializers.IntegerField(source="customer_id")
    customer_name = serializers.CharField(source="customer.name")
    title = serializers.CharField()
    issue_date = serializers.DateField(allow_null=True)
    delivery_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    validity_date = serializers.DateField(allow_null=True)
    category = serializers.CharField()
    quote = serializers.IntegerField(source="quote_id", allow_null=True)
    credited_invoice = serializers.IntegerField(source="credited_invoice_id", allow_null=True)
    total_without_vat = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    vat_total = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    total_with_vat = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    prepaid_total = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    amount_due = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    paid = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]


class SalesDocumentDetailSerializer(SalesDocumentSerializer):
    lines = SalesLineSerializer(many=True, source="lines.all")
    vat_breakdown = serializers.SerializerMethodField()
    lifecycle = SalesLifecycleStatusSerializer(many=True, source="lifecycle_statuses.all")

    @extend_schema_field(SalesVatSerializer(many=True))
    def get_vat_breakdown(self, document: Document) -> list[dict[str, Any]]:
        totals = services.document_totals(document)
        return SalesVatSerializer(totals.breakdown, many=True).data  # type: ignore[return-value]


def _lines(data: list[dict[str, Any]], api: _SalesApi) -> list[services.LineData]:
    lines = []
    for line in data:
        product_id = line.pop("product", None)
        line.pop("net_amount", None)
        product = (
            selectors.product_get_for_member(membership=api.membership, product_id=product_id)
            if product_id
            else None
        )
        lines.append(services.LineData(product=product, **line))
    return lines


class DocumentListApi(PaginatedApiMixin, _SalesApi):
    class CreateSerializer(serializers.Serializer[Any]):
        kind = serializers.ChoiceField(choices=Document.Kind.choices)
        customer = serializers.IntegerField()
        title = serializers.CharField(required=False, allow_blank=True, max_length=200)
        delivery_date = serializers.DateField(required=False, allow_null=True)
        due_date = serializers.DateField(required=False, allow_null=True)
        category = serializers.ChoiceField(
            choices=OperationCategory.choices, default=OperationCategory.SERVICES
        )
        discount_percent = serializers.DecimalField(
            max_digits=5, decimal_places=2, default=Decimal(0)
        )
        reverse_charge = serializers.BooleanField(default=False)
        vat_exemption = serializers.CharField(required=False, allow_blank=True, max_length=200)
        buyer_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
        notes = serializers.CharField(required=False, allow_blank=True)
        lines = SalesLineSerializer(many=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=Document.Kind.values),
            OpenApiParameter("activity", int),
            OpenApiParameter("status", str, enum=Document.Status.values),
        ],
        responses=SalesDocumentSerializer(many=True),
        summary="Quotes, invoices and credit notes, newest first",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        activity = request.query_params.get("activity")
        documents = selectors.document_list(
            membership=self.membership,
            kind=request.query_params.get("kind") or None,
            activity_id=int(activity) if activity and activity.isdigit() else None,
            status=request.query_params.get("status") or None,
        )
        return self.paginated_response(documents, SalesDocumentSerializer)

    @extend_schema(
        request=CreateSerializer,
        responses={201: SalesDocumentDetailSerializer},
        summary="Create a draft quote, invoice or credit note",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = self.CreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer = selectors.customer_get_for_member(
            membership=self.membership, customer_id=data.pop("customer")
        )
        lines = _lines([dict(line) for line in data.pop("lines")], self)
        document = services.document_create(
            activity=customer.activity,
            customer=customer,
            lines=lines,
            user=request.user,  # type: ignore[arg-type]
            **data,
        )
        document = self.document(document.pk)
        return Response(
            SalesDocumentDetailSerializer(document).data, status=status.HTTP_201_CREATED
        )


class DocumentDetailApi(_SalesApi):
    @extend_schema(responses=SalesDocumentDetailSerializer, summary="One document with its lines")
    def get(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        return Response(SalesDocumentDetailSerializer(self.document(sales_document_id)).data)


class DocumentValidateApi(_SalesApi):
    @extend_schema(
        request=None,
        responses=SalesDocumentDetailSerializer,
        summary="Validate an invoice or credit note: numbered and posted",
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        document = self.document(sales_document_id)
        services.invoice_validate(document=document, user=request.user)  # type: ignore[arg-type]
        return Response(SalesDocumentDetailSerializer(self.document(sales_document_id)).data)


class QuoteActionApi(_SalesApi):
    class ActionSerializer(serializers.Serializer[Any]):
        action = serializers.ChoiceField(choices=["send", "accept", "refuse", "invoice", "deposit"])
        percent = serializers.DecimalField(
            max_digits=5, decimal_places=2, required=False, allow_null=True
        )
        amount = serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, allow_null=True
        )

    @extend_schema(
        request=ActionSerializer,
        responses=SalesDocumentDetailSerializer,
        summary="Send a quote, record its answer, or invoice it (whole or a deposit)",
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        quote = self.document(sales_document_id)
        serializer = self.ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = serializer.validated_data["action"]
        if action == "send":
            result = services.quote_send(quote=quote)
        elif action in ("accept", "refuse"):
            result = services.quote_answer(quote=quote, accepted=action == "accept")
        else:
            result = services.quote_invoice(
                quote=quote,
                mode="whole" if action == "invoice" else "deposit",
                percent=serializer.validated_data.get("percent"),
                amount=serializer.validated_data.get("amount"),
                user=request.user,  # type: ignore[arg-type]
            )
        return Response(SalesDocumentDetailSerializer(self.document(result.pk)).data)


class CreditNoteApi(_SalesApi):
    class InputSerializer(serializers.Serializer[Any]):
        lines = SalesLineSerializer(many=True, required=False)

    @extend_schema(
        request=InputSerializer,
        responses={201: SalesDocumentDetailSerializer},
        summary="A draft credit note of a validated invoice (all its lines, or the given ones)",
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        invoice = self.document(sales_document_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lines = serializer.validated_data.get("lines")
        credit = services.credit_note_create(
            invoice=invoice,
            user=request.user,  # type: ignore[arg-type]
            lines=_lines([dict(line) for line in lines], self) if lines else None,
        )
        return Response(
            SalesDocumentDetailSerializer(self.document(credit.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class SalesPaymentSerializer(serializers.ModelSerializer[Payment]):
    class Meta:
        model = Payment
        fields = ("id", "date", "amount", "method", "reference", "vat_released")
        read_only_fields = ("id", "vat_released")


class PaymentListApi(_SalesApi):
    @extend_schema(responses=SalesPaymentSerializer(many=True), summary="An invoice's payments")
    def get(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        invoice = self.document(sales_document_id)
        return Response(SalesPaymentSerializer(invoice.payments.all(), many=True).data)

    @extend_schema(
        request=SalesPaymentSerializer,
        responses={201: SalesPaymentSerializer},
        summary="Record a payment (part or whole) and post it",
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        invoice = self.document(sales_document_id)
        serializer = SalesPaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = services.payment_record(
            invoice=invoice,
            user=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(SalesPaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class DocumentPdfApi(_SalesApi):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="The PDF (Factur-X for invoices and credit notes); 404 while not rendered",
    )
    def get(self, request: Request, cooperative_slug: str, sales_document_id: int) -> FileResponse:
        document = self.document(sales_document_id)
        file = getattr(document, "file", None)
        if file is None or not file.pdf:
            if not document.is_draft:
                document_pdf_request(document=document)
            raise Http404
        return private_file(
            file.pdf, content_type="application/pdf", filename=f"{document.number}.pdf"
        )


class ReceivableSerializer(serializers.Serializer[Any]):
    invoice = serializers.IntegerField(source="invoice.pk")
    number = serializers.CharField(source="invoice.number")
    customer = serializers.CharField(source="invoice.customer.name")
    due_date = serializers.DateField(source="invoice.due_date")
    outstanding = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    days_overdue = serializers.IntegerField()
    bucket = serializers.CharField()


class ReceivablesApi(_SalesApi):
    class OutputSerializer(serializers.Serializer[Any]):
        rows = ReceivableSerializer(many=True)
        totals = serializers.DictField(child=serializers.DecimalField(**MONEY))  # type: ignore[arg-type]
        total = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]

    @extend_schema(responses=OutputSerializer, summary="Unpaid invoices by age")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return Response(
            self.OutputSerializer(selectors.receivables_by_age(membership=self.membership)).data
        )
