"""REST API of the sales app: the same services as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from entrepreneurs.models import Sector
from perspectives.core.downloads import private_file
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.models import Role
from perspectives.tenancy.permissions import HasRole
from sales import selectors, services
from sales.einvoicing_apis import SalesLifecycleStatusSerializer
from sales.models import (
    ActivityBranding,
    Customer,
    Document,
    DocumentEmail,
    DocumentLine,
    OperationCategory,
    Payment,
    Product,
    RetentionRelease,
    Unit,
)
from sales.permissions import SALES_APPROVER_ROLES, SALES_ROLES, releases_retention_early
from sales.services import approval, branding, emails, reminders, series
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
    progress_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=True
    )
    retention_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=True
    )
    retention_amount = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
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
    # A credit note's part taken back from a situation's retention still withheld (4117).
    credits_retention = serializers.BooleanField()
    retention_credited = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]

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
        retention_percent = serializers.DecimalField(
            max_digits=5, decimal_places=2, default=Decimal(0)
        )
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
        summary=(
            "Validate an invoice or credit note: numbered and posted, or handed to support "
            "staff (status pending) when the activity's validation rule says so"
        ),
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        document = self.document(sales_document_id)
        if not document.is_invoice_like:
            raise ApplicationError(_("Seules les factures et les avoirs se valident."))
        approval.document_submit(
            document=document,
            membership=self.membership,
            user=request.user,  # type: ignore[arg-type]
        )
        return Response(SalesDocumentDetailSerializer(self.document(sales_document_id)).data)


class QuoteActionApi(_SalesApi):
    class ActionSerializer(serializers.Serializer[Any]):
        action = serializers.ChoiceField(
            choices=["send", "accept", "refuse", "invoice", "deposit", "progress"]
        )
        percent = serializers.DecimalField(
            max_digits=5, decimal_places=2, required=False, allow_null=True
        )
        amount = serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, allow_null=True
        )

    @extend_schema(
        request=ActionSerializer,
        responses=SalesDocumentDetailSerializer,
        summary=(
            "Send a quote, record its answer, or invoice it (whole, a deposit, or a progress "
            "invoice bringing the billing to the cumulative percent of the works)"
        ),
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        quote = self.document(sales_document_id)
        serializer = self.ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = serializer.validated_data["action"]
        if action == "send":
            if quote.kind != Document.Kind.QUOTE:
                raise ApplicationError(_("Ce document n'est pas un devis."))
            result = approval.document_submit(
                document=quote,
                membership=self.membership,
                user=request.user,  # type: ignore[arg-type]
            )
        elif action in ("accept", "refuse"):
            result = services.quote_answer(quote=quote, accepted=action == "accept")
        else:
            result = services.quote_invoice(
                quote=quote,
                mode={"invoice": "whole"}.get(action, action),
                percent=serializer.validated_data.get("percent"),
                amount=serializer.validated_data.get("amount"),
                user=request.user,  # type: ignore[arg-type]
            )
        return Response(SalesDocumentDetailSerializer(self.document(result.pk)).data)


class CreditNoteApi(_SalesApi):
    class InputSerializer(serializers.Serializer[Any]):
        lines = SalesLineSerializer(many=True, required=False)
        on_retention = serializers.BooleanField(
            required=False,
            default=False,
            help_text="A credit note on the retention still withheld by a situation alone "
            "(credited to 4117); its lines are required.",
        )

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
            on_retention=serializer.validated_data["on_retention"],
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


class SalesRetentionReleaseSerializer(serializers.ModelSerializer[RetentionRelease]):
    class Meta:
        model = RetentionRelease
        fields = ("id", "works_accepted_on", "date", "amount")
        read_only_fields = ("id", "amount")
        extra_kwargs = {"date": {"required": False, "allow_null": True}}


class RetentionReleaseApi(_SalesApi):
    @extend_schema(
        request=SalesRetentionReleaseSerializer,
        responses={201: SalesRetentionReleaseSerializer},
        summary=(
            "Release a situation's retention guarantee (D 411 / C 4117): one year after the "
            "acceptance of the works, earlier by a manager"
        ),
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        invoice = self.document(sales_document_id)
        serializer = SalesRetentionReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        release = services.retention_release(
            invoice=invoice,
            works_accepted_on=serializer.validated_data["works_accepted_on"],
            date=serializer.validated_data.get("date"),
            early_allowed=releases_retention_early(self.membership),
            user=request.user,  # type: ignore[arg-type]
        )
        return Response(
            SalesRetentionReleaseSerializer(release).data, status=status.HTTP_201_CREATED
        )


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


class SalesDocumentEmailSerializer(serializers.ModelSerializer[DocumentEmail]):
    class Meta:
        model = DocumentEmail
        fields = (
            "id",
            "kind",
            "step",
            "recipient",
            "subject",
            "message",
            "state",
            "error",
            "requested_at",
            "sent_at",
        )
        read_only_fields = fields


class DocumentEmailListApi(_SalesApi):
    class InputSerializer(serializers.Serializer[Any]):
        recipient = serializers.EmailField(required=False, allow_blank=True, default="")
        message = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=2000
        )

    @extend_schema(
        responses=SalesDocumentEmailSerializer(many=True),
        summary="The e-mails of a document (sendings and reminders), oldest first",
    )
    def get(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        document = self.document(sales_document_id)
        return Response(SalesDocumentEmailSerializer(document.emails.all(), many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={202: SalesDocumentEmailSerializer},
        summary="E-mail a sent quote or a validated invoice with its PDF (sent by a worker)",
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        document = self.document(sales_document_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = emails.document_email_request(
            document=document,
            user=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(SalesDocumentEmailSerializer(email).data, status=status.HTTP_202_ACCEPTED)


class DocumentEmailRetryApi(_SalesApi):
    class InputSerializer(serializers.Serializer[Any]):
        email = serializers.IntegerField()

    @extend_schema(
        request=InputSerializer,
        responses={202: SalesDocumentEmailSerializer},
        summary="Send a failed e-mail of the document again",
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        document = self.document(sales_document_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = document.emails.filter(pk=serializer.validated_data["email"]).first()
        if email is None:
            raise Http404
        email = emails.document_email_retry(email=email)
        return Response(SalesDocumentEmailSerializer(email).data, status=status.HTTP_202_ACCEPTED)


class _ApproverApi(_SalesApi):
    permission_classes = [HasRole.of(*SALES_APPROVER_ROLES)]


class ApprovalListApi(PaginatedApiMixin, _ApproverApi):
    @extend_schema(
        responses=SalesDocumentSerializer(many=True),
        summary="Documents waiting for support staff's validation, oldest first",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(
            selectors.documents_pending(membership=self.membership), SalesDocumentSerializer
        )


class DocumentApprovalApi(_ApproverApi):
    class InputSerializer(serializers.Serializer[Any]):
        decision = serializers.ChoiceField(choices=["approve", "return"])
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)

    @extend_schema(
        request=InputSerializer,
        responses=SalesDocumentDetailSerializer,
        summary=(
            "Support staff validate a waiting document (invoice numbered and posted, quote "
            "sent) or send it back to its author as a draft with a reason"
        ),
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        document = self.document(sales_document_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["decision"] == "approve":
            approval.document_approve(
                document=document,
                membership=self.membership,
                user=request.user,  # type: ignore[arg-type]
            )
        else:
            approval.document_return(
                document=document,
                membership=self.membership,
                note=serializer.validated_data["note"],
            )
        return Response(SalesDocumentDetailSerializer(self.document(sales_document_id)).data)


class SalesValidationRuleSerializer(serializers.Serializer[Any]):
    activity = serializers.IntegerField(source="activity.pk", read_only=True)
    activity_name = serializers.CharField(source="activity.name", read_only=True)
    self_validation = serializers.BooleanField()
    amount_cap = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        allow_null=True,
        required=False,
        coerce_to_string=True,
    )


class ValidationRuleListApi(_ApproverApi):
    @extend_schema(
        responses=SalesValidationRuleSerializer(many=True),
        summary="Each activity's validation rule (self-validation and cap excluding VAT)",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        rows = selectors.validation_rules(membership=self.membership)
        return Response(SalesValidationRuleSerializer(rows, many=True).data)


class ValidationRuleApi(_ApproverApi):
    @extend_schema(
        request=SalesValidationRuleSerializer,
        responses=SalesValidationRuleSerializer,
        summary="Set an activity's validation rule",
    )
    def put(self, request: Request, cooperative_slug: str, activity_id: int) -> Response:
        activity = selectors.activity_get_for_member(
            membership=self.membership, activity_id=activity_id
        )
        serializer = SalesValidationRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = approval.validation_rule_set(
            activity=activity,
            user=request.user,  # type: ignore[arg-type]
            self_validation=serializer.validated_data["self_validation"],
            amount_cap=serializer.validated_data.get("amount_cap"),
        )
        return Response(SalesValidationRuleSerializer(rule).data)


class SalesOverdueSerializer(serializers.Serializer[Any]):
    invoice = serializers.IntegerField(source="invoice.pk")
    number = serializers.CharField(source="invoice.number")
    customer = serializers.CharField(source="invoice.customer.name")
    customer_email = serializers.CharField(source="invoice.customer.email")
    due_date = serializers.DateField(source="invoice.due_date")
    outstanding = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    days_overdue = serializers.IntegerField()
    last_step = serializers.IntegerField(allow_null=True)
    last_sent_at = serializers.DateTimeField(allow_null=True)
    next_step = serializers.IntegerField(allow_null=True)


class ReminderListApi(_SalesApi):
    @extend_schema(
        responses=SalesOverdueSerializer(many=True),
        summary="Overdue invoices, their latest reminder and the step due today",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        rows = selectors.overdue_invoices(
            steps=reminders.reminder_steps(), membership=self.membership
        )
        return Response(SalesOverdueSerializer(rows, many=True).data)


class ReminderStepsApi(_SalesApi):
    class StepsSerializer(serializers.Serializer[Any]):
        steps = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=999))

    @extend_schema(
        responses=StepsSerializer,
        summary="The cooperative's reminder steps (days past the due date; the last is the "
        "formal notice)",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return Response({"steps": reminders.reminder_steps()})

    @extend_schema(
        request=StepsSerializer,
        responses=StepsSerializer,
        summary="Set the reminder steps (managers); an empty list stops automatic reminders",
    )
    def put(self, request: Request, cooperative_slug: str) -> Response:
        if not self.membership.has_role(Role.MANAGER, Role.ADMIN):
            raise PermissionDenied
        serializer = self.StepsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reminders.reminder_steps_set(
            text=",".join(str(step) for step in serializer.validated_data["steps"])
        )
        return Response({"steps": reminders.reminder_steps()})


class InvoiceRemindApi(_SalesApi):
    class InputSerializer(serializers.Serializer[Any]):
        recipient = serializers.EmailField(required=False, allow_blank=True, default="")
        message = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=2000
        )

    @extend_schema(
        request=InputSerializer,
        responses={202: SalesDocumentEmailSerializer},
        summary="Remind the customer of an overdue invoice now (sent by a worker)",
    )
    def post(self, request: Request, cooperative_slug: str, sales_document_id: int) -> Response:
        invoice = self.document(sales_document_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = reminders.invoice_remind(
            invoice=invoice,
            user=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(SalesDocumentEmailSerializer(email).data, status=status.HTTP_202_ACCEPTED)


class _ManagerApi(_SalesApi):
    permission_classes = [HasRole.of(Role.MANAGER, Role.ADMIN)]


class SalesSeriesSerializer(serializers.Serializer[Any]):
    invoice_series = serializers.CharField(max_length=4, allow_blank=True)
    credit_note_series = serializers.CharField(max_length=4, allow_blank=True)


class SalesSectorSeriesSerializer(serializers.Serializer[Any]):
    sector = serializers.IntegerField(source="sector.pk")
    sector_name = serializers.CharField(source="sector.name")
    invoice_series = serializers.CharField(source="own.invoice_series", allow_null=True)
    credit_note_series = serializers.CharField(source="own.credit_note_series", allow_null=True)


class SalesCounterSerializer(serializers.Serializer[Any]):
    series = serializers.CharField()
    year = serializers.IntegerField()
    last_number = serializers.IntegerField()
    last_date = serializers.DateField(allow_null=True)


class SalesNumberingSerializer(serializers.Serializer[Any]):
    invoice_series = serializers.CharField()
    credit_note_series = serializers.CharField()
    sectors = SalesSectorSeriesSerializer(many=True)
    counters = SalesCounterSerializer(many=True)


def _numbering() -> dict[str, Any]:
    settings = services.settings_get()
    return SalesNumberingSerializer(
        {
            "invoice_series": settings.invoice_series,
            "credit_note_series": settings.credit_note_series,
            "sectors": selectors.sector_series_list(),
            "counters": selectors.invoice_counters(year=timezone.localdate().year),
        }
    ).data


class NumberingApi(_ManagerApi):
    @extend_schema(
        responses=SalesNumberingSerializer,
        summary="Numbering series: the cooperative's, each sector's own, this year's counters",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return Response(_numbering())

    @extend_schema(
        request=SalesSeriesSerializer,
        responses=SalesNumberingSerializer,
        summary="Set the cooperative's series for invoices and credit notes",
    )
    def put(self, request: Request, cooperative_slug: str) -> Response:
        serializer = SalesSeriesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        series.default_series_set(**serializer.validated_data)
        return Response(_numbering())


class SectorSeriesApi(_ManagerApi):
    @extend_schema(
        request=SalesSeriesSerializer,
        responses=SalesNumberingSerializer,
        summary="Set a sector's own series (both empty: the cooperative's again)",
        operation_id="v1_c_sales_numbering_sector_update",
    )
    def put(self, request: Request, cooperative_slug: str, sector_id: int) -> Response:
        sector = get_object_or_404(Sector.objects.all(), pk=sector_id)
        serializer = SalesSeriesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        series.sector_series_set(sector=sector, **serializer.validated_data)
        return Response(_numbering())


class SalesBrandingSerializer(serializers.Serializer[Any]):
    activity = serializers.IntegerField(read_only=True)
    accent_color = serializers.CharField(allow_blank=True, required=False, default="")
    accent_text_color = serializers.CharField(read_only=True)
    footer = serializers.CharField(
        allow_blank=True, required=False, default="", trim_whitespace=False
    )
    has_logo = serializers.BooleanField(read_only=True)
    logo = serializers.FileField(
        write_only=True, required=False, help_text="PNG or JPEG, 1 MB at most"
    )
    remove_logo = serializers.BooleanField(write_only=True, required=False, default=False)


def _branding_data(activity_id: int, branding: ActivityBranding | None) -> dict[str, Any]:
    return {
        "activity": activity_id,
        "accent_color": branding.accent_color if branding else "",
        "accent_text_color": branding.accent_text_color if branding else "",
        "footer": branding.footer if branding else "",
        "has_logo": bool(branding and branding.logo),
    }


class BrandingApi(_SalesApi):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=SalesBrandingSerializer, summary="An activity's PDF branding")
    def get(self, request: Request, cooperative_slug: str, activity_id: int) -> Response:
        activity = selectors.activity_get_for_member(
            membership=self.membership, activity_id=activity_id
        )
        found = selectors.branding_for(activity=activity)
        return Response(SalesBrandingSerializer(_branding_data(activity.pk, found)).data)

    @extend_schema(
        request={
            "multipart/form-data": SalesBrandingSerializer,
            "application/json": SalesBrandingSerializer,
        },
        responses=SalesBrandingSerializer,
        summary="Set an activity's PDF branding (logo, accent colour, footer)",
    )
    def put(self, request: Request, cooperative_slug: str, activity_id: int) -> Response:
        activity = selectors.activity_get_for_member(
            membership=self.membership, activity_id=activity_id
        )
        serializer = SalesBrandingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = branding.branding_set(
            activity=activity,
            user=request.user,  # type: ignore[arg-type]
            accent_color=serializer.validated_data["accent_color"],
            footer=serializer.validated_data["footer"],
            logo=serializer.validated_data.get("logo"),
            remove_logo=serializer.validated_data["remove_logo"],
        )
        return Response(SalesBrandingSerializer(_branding_data(activity.pk, saved)).data)
