"""Reads of the purchases app: an entrepreneur sees their own activities' purchases and their own
expense reports; support staff, accountants and managers see the whole cooperative's. The
`_get_for_member` helpers give one 404 for missing, another cooperative's and not visible."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from accounting.models import EntryLine
from entrepreneurs.models import Activity
from payroll.models import PayrollRun
from perspectives.tenancy.models import Membership
from purchases.models import (
    ExpenseLine,
    ExpenseReport,
    Payment,
    PaymentBatch,
    RoutingAddress,
    Supplier,
    SupplierInvoice,
)
from purchases.permissions import may_pay, sees_all_purchases


def activities_of(*, membership: Membership) -> QuerySet[Activity]:
    """The activities the member may attach a purchase to."""
    if sees_all_purchases(membership):
        return Activity.objects.order_by("analytic_code")
    return (
        Activity.objects.filter(members__entrepreneur__user_id=membership.user_id)
        .distinct()
        .order_by("analytic_code")
    )


def supplier_list(*, membership: Membership) -> QuerySet[Supplier]:
    if sees_all_purchases(membership):
        return Supplier.objects.order_by("name")
    return (
        Supplier.objects.filter(
            invoices__activity__members__entrepreneur__user_id=membership.user_id
        )
        .distinct()
        .order_by("name")
    )


def supplier_choices() -> QuerySet[Supplier]:
    """Every supplier of the cooperative, to pick one when entering an invoice (names and
    identifiers of companies, no one's private data)."""
    return Supplier.objects.order_by("name")


def supplier_get_for_member(*, membership: Membership, supplier_id: int) -> Supplier:
    return get_object_or_404(supplier_list(membership=membership), pk=supplier_id)


def supplier_invoice_list(
    *, membership: Membership, status: str = "", queue: bool = False
) -> QuerySet[SupplierInvoice]:
    invoices = SupplierInvoice.objects.select_related("supplier", "activity")
    if not sees_all_purchases(membership):
        invoices = invoices.filter(activity__in=activities_of(membership=membership).values("pk"))
    if status:
        invoices = invoices.filter(status=status)
    if queue:
        invoices = invoices.filter(activity__isnull=True)
    return invoices.order_by("-issue_date", "-pk")


def supplier_invoice_get_for_member(*, membership: Membership, invoice_id: int) -> SupplierInvoice:
    return get_object_or_404(supplier_invoice_list(membership=membership), pk=invoice_id)


def expense_report_list(*, membership: Membership) -> QuerySet[ExpenseReport]:
    reports = ExpenseReport.objects.select_related("entrepreneur")
    if not sees_all_purchases(membership):
        reports = reports.filter(entrepreneur__user_id=membership.user_id)
    return reports.order_by("-month", "entrepreneur__last_name")


def expense_report_get_for_member(*, membership: Membership, report_id: int) -> ExpenseReport:
    return get_object_or_404(expense_report_list(membership=membership), pk=report_id)


def expense_line_get_for_member(*, membership: Membership, line_id: int) -> ExpenseLine:
    return get_object_or_404(
        ExpenseLine.objects.filter(report__in=expense_report_list(membership=membership)),
        pk=line_id,
    )


def payment_batch_list(*, membership: Membership) -> QuerySet[PaymentBatch]:
    if not may_pay(membership):
        return PaymentBatch.objects.none()
    return PaymentBatch.objects.order_by("-created_at", "-pk")


def payment_batch_get_for_member(*, membership: Membership, batch_id: int) -> PaymentBatch:
    return get_object_or_404(payment_batch_list(membership=membership), pk=batch_id)


def payable_invoices() -> QuerySet[SupplierInvoice]:
    """Validated, not yet in a batch nor settled in the ledger otherwise (a bank line
    reconciled against it), oldest due first."""
    return (
        SupplierInvoice.objects.filter(
            status=SupplierInvoice.Status.VALIDATED, kind=SupplierInvoice.Kind.INVOICE
        )
        .exclude(pk__in=_paid_items("supplier_invoice_id"))
        .exclude(_settled_in_ledger())
        .select_related("supplier", "activity")
        .order_by("due_date", "issue_date", "pk")
    )


def credit_note_targets(*, credit_note: SupplierInvoice) -> QuerySet[SupplierInvoice]:
    """The invoices a draft credit note may cancel: its supplier's validated or paid ones."""
    return SupplierInvoice.objects.filter(
        supplier_id=credit_note.supplier_id,
        kind=SupplierInvoice.Kind.INVOICE,
        status__in=(SupplierInvoice.Status.VALIDATED, SupplierInvoice.Status.PAID),
    ).order_by("-issue_date", "-pk")


def payable_reports() -> QuerySet[ExpenseReport]:
    return (
        ExpenseReport.objects.filter(status=ExpenseReport.Status.VALIDATED)
        .exclude(pk__in=_paid_items("expense_report_id"))
        .exclude(_settled_in_ledger())
        .select_related("entrepreneur")
        .order_by("month", "pk")
    )


def payable_runs() -> QuerySet[PayrollRun]:
    """Validated payroll runs none of whose payslips is in a batch yet."""
    return (
        PayrollRun.objects.filter(status=PayrollRun.Status.VALIDATED)
        .exclude(payslips__pk__in=_paid_items("payslip_id"))
        .order_by("period")
    )


def _settled_in_ledger() -> Exists:
    """The item's entry has its third party's line lettered: paid, whoever recorded it."""
    return Exists(
        EntryLine.objects.filter(
            entry_id=OuterRef("entry_id"), third_party__isnull=False, lettering__isnull=False
        )
    )


def _paid_items(field: str) -> QuerySet[Payment, dict[str, Any]]:
    paid: QuerySet[Payment, dict[str, Any]] = Payment.objects.exclude(
        **{f"{field}__isnull": True}
    ).values(field)
    return paid


def routing_addresses_of(*, membership: Membership) -> QuerySet[RoutingAddress]:
    return RoutingAddress.objects.filter(
        activity__in=activities_of(membership=membership).values("pk")
    ).select_related("activity")
