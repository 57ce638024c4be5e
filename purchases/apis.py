"""REST API of the purchases app (under /api/v1/c/<cooperative_slug>/purchases/)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from entrepreneurs.models import Activity
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.permissions import HasRole
from purchases import selectors, services
from purchases.models import (
    ExpenseLine,
    LifecycleStatus,
    MileageAllowance,
    PurchaseSettings,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from purchases.permissions import PAYER_ROLES, VALIDATOR_ROLES
from purchases.reason_codes import ALLOWED_REASON_CODES


class PurchaseSupplierOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    siren = serializers.CharField()
    vat_number = serializers.CharField()
    country = serializers.CharField()
    iban = serializers.CharField()
    bic = serializers.CharField()
    email = serializers.CharField()
    address_line = serializers.CharField()
    address_line2 = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    contact_name = serializers.CharField()
    contact_email = serializers.CharField()
    contact_phone = serializers.CharField()


class PurchaseSupplierInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    siren = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    vat_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=2, required=False, default="FR")
    iban = serializers.CharField(max_length=42, required=False, allow_blank=True, default="")
    bic = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address_line = serializers.CharField(
        max_length=250, required=False, allow_blank=True, default=""
    )
    address_line2 = serializers.CharField(
        max_length=250, required=False, allow_blank=True, default=""
    )
    postal_code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )


class SupplierListApi(PaginatedApiMixin, TenantApiView):
    @extend_schema(
        responses=PurchaseSupplierOutputSerializer(many=True),
        summary="Suppliers (staff: all; an entrepreneur: those of their activities' invoices)",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(
            selectors.supplier_list(membership=self.membership), PurchaseSupplierOutputSerializer
        )

    @extend_schema(
        request=PurchaseSupplierInputSerializer,
        responses={201: PurchaseSupplierOutputSerializer},
        summary="Create a supplier (support staff, accountants, managers)",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        if not HasRole.of(*VALIDATOR_ROLES)().has_permission(request, self):
            self.permission_denied(request)
        serializer = PurchaseSupplierInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplier = services.supplier_create(**serializer.validated_data)
        return Response(
            PurchaseSupplierOutputSerializer(supplier).data, status=status.HTTP_201_CREATED
        )


class PurchaseInvoiceLineOutputSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]
    account_code = serializers.CharField()
    amount_excl_tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    vat_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    deductible_vat = serializers.DecimalField(max_digits=14, decimal_places=2)


class PurchaseActivityRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    analytic_code = serializers.CharField()
    name = serializers.CharField()


class PurchaseSupplierRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    siren = serializers.CharField()


class SupplierInvoiceOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="invoice, or credit_note (amounts positive)")
    credited_invoice = serializers.IntegerField(
        source="credited_invoice_id", allow_null=True, help_text="The invoice a credit note cancels"
    )
    supplier = PurchaseSupplierRefSerializer()
    activity = PurchaseActivityRefSerializer(allow_null=True)
    number = serializers.CharField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    format = serializers.CharField()
    routing_address = serializers.CharField()
    total_excl_tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_vat = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_incl_tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    vat_pending = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="Deductible VAT on services waiting for the payment (44564)",
    )
    lines = PurchaseInvoiceLineOutputSerializer(many=True)


def _invoices(api: TenantApiView) -> Any:
    return selectors.supplier_invoice_list(membership=api.membership).prefetch_related(
        Prefetch("lines", queryset=SupplierInvoiceLine.objects.order_by("pk"))
    )


class SupplierInvoiceListApi(PaginatedApiMixin, TenantApiView):
    @extend_schema(
        responses=SupplierInvoiceOutputSerializer(many=True),
        summary="Supplier invoices (staff: all; an entrepreneur: their activities')",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(_invoices(self), SupplierInvoiceOutputSerializer)


class PurchaseInvoiceLineInputSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(max_length=200)  # type: ignore[assignment]
    account_code = serializers.CharField(max_length=20, default="604")
    amount_excl_tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, default=Decimal("20.00"))
    vat_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    deductible_vat = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )


class SupplierInvoiceDraftInputSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=60)
    issue_date = serializers.DateField()
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    nature = serializers.ChoiceField(choices=SupplierInvoice.Nature.choices)
    # DRF's list serializer takes max_length; its stubs do not know it yet.
    lines = PurchaseInvoiceLineInputSerializer(many=True, allow_empty=False, max_length=200)  # type: ignore[call-arg]
    credited_invoice = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="For a credit note"
    )


class SupplierInvoiceDetailApi(TenantApiView):
    @extend_schema(responses=SupplierInvoiceOutputSerializer, summary="A supplier invoice")
    def get(self, request: Request, cooperative_slug: str, invoice_id: int) -> Response:
        invoice = selectors.supplier_invoice_get_for_member(
            membership=self.membership, invoice_id=invoice_id
        )
        return Response(SupplierInvoiceOutputSerializer(invoice).data)

    @extend_schema(
        request=SupplierInvoiceDraftInputSerializer,
        responses=SupplierInvoiceOutputSerializer,
        summary="Correct a draft supplier invoice: header and all its lines (replaced)",
    )
    def put(self, request: Request, cooperative_slug: str, invoice_id: int) -> Response:
        invoice = selectors.supplier_invoice_get_for_member(
            membership=self.membership, invoice_id=invoice_id
        )
        serializer = SupplierInvoiceDraftInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        credited = None
        if data["credited_invoice"] is not None:
            credited = (
                selectors.credit_note_targets(credit_note=invoice)
                .filter(pk=data["credited_invoice"])
                .first()
            )
            if credited is None:
                raise ApplicationError(_("Facture d'origine inconnue pour ce fournisseur."))
        invoice = services.supplier_invoice_update(
            invoice=invoice,
            credited_invoice=credited,
            number=data["number"],
            issue_date=data["issue_date"],
            due_date=data["due_date"],
            nature=data["nature"],
            lines=[services.InvoiceLineData(**line) for line in data["lines"]],
        )
        invoice.refresh_from_db()
        return Response(SupplierInvoiceOutputSerializer(invoice).data)


class SupplierCreditNoteInputSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=60)
    issue_date = serializers.DateField()
    # DRF's list serializer takes max_length; its stubs do not know it yet.
    lines = PurchaseInvoiceLineInputSerializer(many=True, allow_empty=False, max_length=200)  # type: ignore[call-arg]


class CreditNoteCreateApi(TenantApiView):
    @extend_schema(
        request=SupplierCreditNoteInputSerializer,
        responses={201: SupplierInvoiceOutputSerializer},
        summary="Enter a supplier's credit note against this invoice (a draft, amounts positive)",
    )
    def post(self, request: Request, cooperative_slug: str, invoice_id: int) -> Response:
        invoice = selectors.supplier_invoice_get_for_member(
            membership=self.membership, invoice_id=invoice_id
        )
        serializer = SupplierCreditNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        note = services.supplier_credit_note_create(
            invoice=invoice,
            number=data["number"],
            issue_date=data["issue_date"],
            lines=[services.InvoiceLineData(**line) for line in data["lines"]],
            user=self.membership.user,
        )
        return Response(SupplierInvoiceOutputSerializer(note).data, status=status.HTTP_201_CREATED)


class SupplierInvoiceValidateApi(TenantApiView):
    @extend_schema(
        request=None,
        responses=SupplierInvoiceOutputSerializer,
        summary="Validate and post a supplier invoice (staff, or its entrepreneur under the cap)",
    )
    def post(self, request: Request, cooperative_slug: str, invoice_id: int) -> Response:
        invoice = selectors.supplier_invoice_get_for_member(
            membership=self.membership, invoice_id=invoice_id
        )
        invoice = services.supplier_invoice_validate(invoice=invoice, membership=self.membership)
        return Response(SupplierInvoiceOutputSerializer(invoice).data)


class SupplierInvoiceRefuseInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=300, allow_blank=True, help_text="Why, in words: sent to the supplier"
    )
    reason_code = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="The reason code sent with the 210 (CDAR MDT-113), one of "
        + ", ".join(ALLOWED_REASON_CODES[LifecycleStatus.Code.REFUSED.value])
        + "; NON_CONFORME when omitted",
    )


class SupplierInvoiceRefuseApi(TenantApiView):
    @extend_schema(
        request=SupplierInvoiceRefuseInputSerializer,
        responses=SupplierInvoiceOutputSerializer,
        summary="Refuse a received supplier invoice (status 210 sent to the platform)",
    )
    def post(self, request: Request, cooperative_slug: str, invoice_id: int) -> Response:
        invoice = selectors.supplier_invoice_get_for_member(
            membership=self.membership, invoice_id=invoice_id
        )
        serializer = SupplierInvoiceRefuseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.supplier_invoice_refuse(invoice=invoice, **serializer.validated_data)
        return Response(SupplierInvoiceOutputSerializer(invoice).data)


class SupplierInvoiceDisputeInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=300, allow_blank=True, help_text="Why, in words: sent to the supplier"
    )
    reason_code = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="The reason code sent with the 207 (CDAR MDT-113), one of "
        + ", ".join(ALLOWED_REASON_CODES[LifecycleStatus.Code.DISPUTED.value])
        + "; AUTRE when omitted",
    )


class SupplierInvoiceDisputeApi(TenantApiView):
    @extend_schema(
        request=SupplierInvoiceDisputeInputSerializer,
        responses=SupplierInvoiceOutputSerializer,
        summary="Dispute a supplier invoice received from the platform (status 207 sent)",
    )
    def post(self, request: Request, cooperative_slug: str, invoice_id: int) -> Response:
        invoice = selectors.supplier_invoice_get_for_member(
            membership=self.membership, invoice_id=invoice_id
        )
        serializer = SupplierInvoiceDisputeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.supplier_invoice_dispute(invoice=invoice, **serializer.validated_data)
        return Response(SupplierInvoiceOutputSerializer(invoice).data)


class EInvoiceReceiveInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="Factur-X PDF, UN/CEFACT CII or UBL 2.1 XML")
    activity = serializers.IntegerField(
        required=False, help_text="Overrides the routing address (one of your activities)"
    )


class EInvoiceReceiveApi(TenantApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": EInvoiceReceiveInputSerializer},
        responses={201: SupplierInvoiceOutputSerializer},
        summary="Receive an e-invoice file as a draft supplier invoice",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = EInvoiceReceiveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity: Activity | None = None
        if "activity" in serializer.validated_data:
            activity = (
                selectors.activities_of(membership=self.membership)
                .filter(pk=serializer.validated_data["activity"])
                .first()
            )
            if activity is None:
                raise ApplicationError(_("Activité inconnue."))
        upload = serializer.validated_data["file"]
        invoice = services.einvoice_receive(
            data=upload.read(), filename=upload.name, user=self.membership.user, activity=activity
        )
        return Response(
            SupplierInvoiceOutputSerializer(invoice).data, status=status.HTTP_201_CREATED
        )


class PurchaseExpenseLineOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    date = serializers.DateField()
    activity = serializers.IntegerField(source="activity_id")
    category = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    amount_incl_tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    vat_recoverable = serializers.DecimalField(max_digits=14, decimal_places=2)
    has_receipt = serializers.SerializerMethodField()

    def get_has_receipt(self, line: ExpenseLine) -> bool:
        return bool(line.receipt)


class PurchaseMileageOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    date = serializers.DateField()
    activity = serializers.IntegerField(source="activity_id")
    vehicle = serializers.CharField()
    fiscal_power = serializers.IntegerField()
    electric = serializers.BooleanField()
    km = serializers.DecimalField(max_digits=8, decimal_places=1)
    km_before = serializers.DecimalField(max_digits=9, decimal_places=1)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    purpose = serializers.CharField()


class ExpenseReportOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    entrepreneur = serializers.IntegerField(source="entrepreneur_id")
    month = serializers.DateField()
    status = serializers.CharField()
    lines = PurchaseExpenseLineOutputSerializer(many=True)
    mileage = PurchaseMileageOutputSerializer(many=True)


def _reports(api: TenantApiView) -> Any:
    return selectors.expense_report_list(membership=api.membership).prefetch_related(
        Prefetch("lines", queryset=ExpenseLine.objects.order_by("date", "pk")),
        Prefetch("mileage", queryset=MileageAllowance.objects.order_by("date", "pk")),
    )


class ExpenseReportListApi(PaginatedApiMixin, TenantApiView):
    @extend_schema(
        responses=ExpenseReportOutputSerializer(many=True),
        summary="Expense reports (staff: all; an entrepreneur: their own)",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(_reports(self), ExpenseReportOutputSerializer)


class ExpenseReportDetailApi(TenantApiView):
    @extend_schema(responses=ExpenseReportOutputSerializer, summary="An expense report")
    def get(self, request: Request, cooperative_slug: str, report_id: int) -> Response:
        report = selectors.expense_report_get_for_member(
            membership=self.membership, report_id=report_id
        )
        return Response(ExpenseReportOutputSerializer(report).data)


class PurchaseSettingsOutputSerializer(serializers.Serializer[Any]):
    self_validation_cap = serializers.DecimalField(max_digits=14, decimal_places=2)
    receipt_required_above = serializers.DecimalField(max_digits=14, decimal_places=2)
    expense_payable_account = serializers.CharField()
    debtor_name = serializers.CharField()
    debtor_iban = serializers.CharField()
    debtor_bic = serializers.CharField()
    sepa_version = serializers.CharField()
    platform_url = serializers.CharField()
    platform_directory_url = serializers.CharField()
    platform_token_set = serializers.SerializerMethodField(
        help_text="Whether a token is saved: the token itself is never returned"
    )
    platform_token_url = serializers.CharField()
    platform_client_id = serializers.CharField()
    platform_client_secret_set = serializers.SerializerMethodField(
        help_text="Whether an OAuth2 client secret is saved: the secret is never returned"
    )

    def get_platform_token_set(self, config: Any) -> bool:
        return bool(config.platform_token)

    def get_platform_client_secret_set(self, config: Any) -> bool:
        return bool(config.platform_client_secret)


class PurchaseSettingsInputSerializer(serializers.Serializer[Any]):
    self_validation_cap = serializers.DecimalField(max_digits=14, decimal_places=2)
    receipt_required_above = serializers.DecimalField(max_digits=14, decimal_places=2)
    expense_payable_account = serializers.CharField(max_length=20)
    debtor_name = serializers.CharField(max_length=70, allow_blank=True)
    debtor_iban = serializers.CharField(max_length=42, allow_blank=True)
    debtor_bic = serializers.CharField(max_length=11, allow_blank=True)
    sepa_version = serializers.ChoiceField(choices=PurchaseSettings.SepaVersion.choices)
    platform_url = serializers.CharField(max_length=200, allow_blank=True)
    platform_directory_url = serializers.CharField(
        max_length=200, allow_blank=True, required=False, default=""
    )
    platform_token = serializers.CharField(
        max_length=200,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        write_only=True,
        help_text="Write-only. Absent or null keeps the saved token; an empty string clears it",
    )
    platform_token_url = serializers.CharField(
        max_length=200,
        allow_blank=True,
        required=False,
        default="",
        help_text="OAuth2 token endpoint (client credentials); blank for a fixed token",
    )
    platform_client_id = serializers.CharField(
        max_length=200, allow_blank=True, required=False, default=""
    )
    platform_client_secret = serializers.CharField(
        max_length=200,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        write_only=True,
        help_text="Write-only. Absent or null keeps the saved secret; an empty string clears it",
    )


class PurchaseSettingsApi(TenantApiView):
    permission_classes = [HasRole.of(*PAYER_ROLES)]

    @extend_schema(
        responses=PurchaseSettingsOutputSerializer, summary="Purchase settings (token masked)"
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return Response(PurchaseSettingsOutputSerializer(services.settings_get()).data)

    @extend_schema(
        request=PurchaseSettingsInputSerializer,
        responses=PurchaseSettingsOutputSerializer,
        summary="Save the purchase settings and the accredited platform's connection",
    )
    def put(self, request: Request, cooperative_slug: str) -> Response:
        serializer = PurchaseSettingsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        token = data.pop("platform_token")
        secret = data.pop("platform_client_secret")
        config = services.purchase_settings_update(
            data=services.SettingsData(**data),
            platform_token=token or None,
            clear_token=token == "",
            platform_client_secret=secret or None,
            clear_client_secret=secret == "",
            user=self.membership.user,
        )
        return Response(PurchaseSettingsOutputSerializer(config).data)


class PurchasePaymentOutputSerializer(serializers.Serializer[Any]):
    creditor_name = serializers.CharField()
    iban = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    end_to_end_id = serializers.CharField()
    supplier_invoice = serializers.IntegerField(source="supplier_invoice_id", allow_null=True)
    expense_report = serializers.IntegerField(source="expense_report_id", allow_null=True)
    payslip = serializers.IntegerField(source="payslip_id", allow_null=True)


class PaymentBatchOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    execution_date = serializers.DateField()
    sepa_version = serializers.CharField()
    status = serializers.CharField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    payments = PurchasePaymentOutputSerializer(many=True)


class PaymentBatchInputSerializer(serializers.Serializer[Any]):
    execution_date = serializers.DateField()
    supplier_invoices = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=10_000
    )
    expense_reports = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=10_000
    )
    payroll_runs = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        max_length=12,
        help_text="Validated payroll runs: the net of each payslip",
    )
    sepa_version = serializers.ChoiceField(
        choices=PurchaseSettings.SepaVersion.choices, required=False, allow_null=True, default=None
    )


def _chosen(queryset: Any, ids: list[int]) -> list[Any]:
    found = list(queryset.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ApplicationError(_("Un des éléments à payer est introuvable ou déjà payé."))
    return found


class PaymentBatchListApi(PaginatedApiMixin, TenantApiView):
    permission_classes = [HasRole.of(*PAYER_ROLES)]

    @extend_schema(responses=PaymentBatchOutputSerializer(many=True), summary="SEPA batches")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        batches = selectors.payment_batch_list(membership=self.membership).prefetch_related(
            "payments"
        )
        return self.paginated_response(batches, PaymentBatchOutputSerializer)

    @extend_schema(
        request=PaymentBatchInputSerializer,
        responses={201: PaymentBatchOutputSerializer},
        summary="Prepare a SEPA credit transfer batch (pain.001): invoices, reports, salaries",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = PaymentBatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        batch = services.payment_batch_create(
            execution_date=data["execution_date"],
            supplier_invoices=_chosen(selectors.payable_invoices(), data["supplier_invoices"]),
            expense_reports=_chosen(selectors.payable_reports(), data["expense_reports"]),
            payroll_runs=_chosen(selectors.payable_runs(), data["payroll_runs"]),
            user=self.membership.user,
            sepa_version=data["sepa_version"],
        )
        return Response(PaymentBatchOutputSerializer(batch).data, status=status.HTTP_201_CREATED)


class PaymentBatchSentApi(TenantApiView):
    permission_classes = [HasRole.of(*PAYER_ROLES)]

    @extend_schema(
        request=None,
        responses=PaymentBatchOutputSerializer,
        summary="The file went to the bank: post and letter each payment",
    )
    def post(self, request: Request, cooperative_slug: str, batch_id: int) -> Response:
        batch = selectors.payment_batch_get_for_member(
            membership=self.membership, batch_id=batch_id
        )
        batch = services.payment_batch_mark_sent(batch=batch, user=self.membership.user)
        return Response(PaymentBatchOutputSerializer(batch).data)
