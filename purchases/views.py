"""Pages of the purchases app: parse → service/selector → render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import segno
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entrepreneurs.selectors import entrepreneur_get_for_user
from perspectives.accounts.models import User
from perspectives.core.downloads import private_file
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.permissions import current_membership, role_required
from purchases import forms as f
from purchases import selectors, services
from purchases.models import ExpenseReport, SupplierInvoice
from purchases.permissions import PAYER_ROLES, VALIDATOR_ROLES, may_pay, sees_all_purchases
from purchases.services import InvoiceLineData
from purchases.services.settings import TOKEN_MASK

SETTINGS_FIELDS = tuple(services.SettingsData.__dataclass_fields__)

# The two forms of an expense report share field names: their ids differ, so that each label
# names its own field.
LINE_IDS = "line_%s"
TRIP_IDS = "trip_%s"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _files(request: HttpRequest) -> Any:
    return request.FILES or None


def purchases_home(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    status = request.GET.get("status", "")
    if status not in SupplierInvoice.Status.values:
        status = ""
    queue = request.GET.get("queue") == "1" and sees_all_purchases(membership)
    invoices = selectors.supplier_invoice_list(membership=membership, status=status, queue=queue)
    return render(
        request,
        "purchases/home.html",
        {
            "invoices": invoices[:200],
            "status": status,
            "queue": queue,
            "statuses": SupplierInvoice.Status.choices,
            "staff": sees_all_purchases(membership),
            "payer": may_pay(membership),
        },
    )


@submitted_once
def invoice_new(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Upload an e-invoice file, or enter a paper or foreign invoice (PDF or photo) by hand."""
    membership = current_membership(request)
    activities = selectors.activities_of(membership=membership)
    suppliers = selectors.supplier_choices()
    posted = request.method == "POST"
    kind = request.POST.get("kind", "")
    upload_form = f.EInvoiceUploadForm(
        request.POST if posted and kind == "einvoice" else None,
        _files(request) if kind == "einvoice" else None,
        activities=activities,
    )
    manual_form = f.ManualInvoiceForm(
        request.POST if posted and kind == "manual" else None,
        _files(request) if kind == "manual" else None,
        activities=activities,
        suppliers=suppliers,
    )
    if posted and kind == "einvoice" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            invoice = services.einvoice_receive(
                data=upload.read(),
                filename=upload.name,
                user=_user(request),
                activity=upload_form.cleaned_data["activity"],
            )
        except ApplicationError as error:
            upload_form.add_error(None, error.message)
        else:
            messages.success(request, _("Facture reçue : vérifiez-la puis confirmez-la."))
            return redirect("purchases_invoice_detail", cooperative_slug, invoice.pk)
    if posted and kind == "manual" and manual_form.is_valid():
        data = manual_form.cleaned_data
        try:
            supplier = data["supplier"] or services.supplier_create(name=data["supplier_name"])
            invoice = services.supplier_invoice_create(
                supplier=supplier,
                activity=data["activity"],
                number=data["number"],
                issue_date=data["issue_date"],
                due_date=data["due_date"],
                lines=[
                    InvoiceLineData(
                        data["label"],
                        data["amount_excl_tax"],
                        data["vat_rate"],
                        data["account_code"],
                    )
                ],
                user=_user(request),
                attachment=data["attachment"],
            )
        except ApplicationError as error:
            manual_form.add_error(None, error.message)
        else:
            messages.success(request, _("Facture enregistrée en brouillon."))
            return redirect("purchases_invoice_detail", cooperative_slug, invoice.pk)
    return render(
        request,
        "purchases/invoice_new.html",
        {"upload_form": upload_form, "manual_form": manual_form},
        status=400 if posted else 200,
    )


def invoice_detail(request: HttpRequest, cooperative_slug: str, invoice_id: int) -> HttpResponse:
    membership = current_membership(request)
    invoice = selectors.supplier_invoice_get_for_member(
        membership=membership, invoice_id=invoice_id
    )
    return render(
        request,
        "purchases/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "lifecycle": invoice.lifecycle.all(),
            "credit_notes": invoice.credit_notes.order_by("issue_date", "pk"),
            "remaining": services.supplier_invoice_remaining(invoice),
            "staff": sees_all_purchases(membership),
            "may_validate": services.may_validate(invoice=invoice, membership=membership),
            "assign_form": f.AssignForm(activities=selectors.activities_of(membership=membership)),
            "refuse_form": f.RefuseForm(),
            "dispute_form": f.DisputeForm(),
        },
    )


MAX_LINE_ROWS = 50


def _draft_line_forms(request: HttpRequest, invoice: SupplierInvoice) -> list[f.InvoiceLineForm]:
    """The draft's lines and two blank rows; on POST, as many rows as the page sent (bounded)."""
    if request.method == "POST":
        try:
            rows = min(max(int(request.POST.get("rows", "0")), 1), MAX_LINE_ROWS)
        except ValueError:
            rows = 1
        return [f.InvoiceLineForm(request.POST, prefix=f"line{i}") for i in range(rows)]
    initial = [
        {
            "label": line.label,
            "account_code": line.account_code,
            "amount_excl_tax": line.amount_excl_tax,
            "vat_rate": line.vat_rate,
            "vat_amount": line.vat_amount,
            "deductible_vat": line.deductible_vat,
        }
        for line in invoice.lines.all()
    ]
    initial += [{}, {}]
    return [
        f.InvoiceLineForm(initial=data or None, prefix=f"line{i}")
        for i, data in enumerate(initial[:MAX_LINE_ROWS])
    ]


def invoice_edit(request: HttpRequest, cooperative_slug: str, invoice_id: int) -> HttpResponse:
    """Correct a draft before submitting it: number, dates, nature, lines, accounts and VAT."""
    invoice = selectors.supplier_invoice_get_for_member(
        membership=current_membership(request), invoice_id=invoice_id
    )
    form = f.InvoiceDraftForm(
        request.POST or None,
        initial={
            "number": invoice.number,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "nature": invoice.nature,
        },
    )
    lines = _draft_line_forms(request, invoice)
    credit = (
        f.CreditedInvoiceForm(
            request.POST or None,
            invoices=selectors.credit_note_targets(credit_note=invoice),
            initial={"credited_invoice": invoice.credited_invoice_id},
        )
        if invoice.kind == SupplierInvoice.Kind.CREDIT_NOTE
        else None
    )
    if request.method == "POST":
        if (
            form.is_valid()
            and all(line.is_valid() for line in lines)
            and (credit is None or credit.is_valid())
        ):
            data = form.cleaned_data
            try:
                services.supplier_invoice_update(
                    invoice=invoice,
                    credited_invoice=credit.cleaned_data["credited_invoice"] if credit else None,
                    number=data["number"],
                    issue_date=data["issue_date"],
                    due_date=data["due_date"],
                    nature=data["nature"],
                    lines=[
                        InvoiceLineData(
                            label=line.cleaned_data["label"],
                            amount_excl_tax=line.cleaned_data["amount_excl_tax"],
                            vat_rate=line.cleaned_data["vat_rate"],
                            account_code=line.cleaned_data["account_code"].strip(),
                            vat_amount=line.cleaned_data["vat_amount"],
                            deductible_vat=line.cleaned_data["deductible_vat"],
                        )
                        for line in lines
                        if line.has_content()
                    ],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Brouillon enregistré."))
                return redirect("purchases_invoice_detail", cooperative_slug, invoice.pk)
        else:
            form.add_error(None, _("Brouillon non enregistré : vérifiez les champs."))
    return render(
        request,
        "purchases/invoice_edit.html",
        {"invoice": invoice, "form": form, "lines": lines, "credit_form": credit},
        status=400 if request.method == "POST" else 200,
    )


@submitted_once
def credit_note_new(request: HttpRequest, cooperative_slug: str, invoice_id: int) -> HttpResponse:
    """Enter a supplier's credit note (avoir) against this invoice, as a draft."""
    invoice = selectors.supplier_invoice_get_for_member(
        membership=current_membership(request), invoice_id=invoice_id
    )
    first = invoice.lines.first()
    form = f.CreditNoteForm(
        request.POST or None,
        _files(request),
        initial={
            "account_code": first.account_code if first else "604",
            "vat_rate": first.vat_rate if first else Decimal("20"),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = services.supplier_credit_note_create(
                invoice=invoice,
                number=data["number"],
                issue_date=data["issue_date"],
                lines=[
                    InvoiceLineData(
                        data["label"],
                        data["amount_excl_tax"],
                        data["vat_rate"],
                        data["account_code"].strip(),
                    )
                ],
                user=_user(request),
                attachment=data["attachment"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Avoir enregistré en brouillon."))
            return redirect("purchases_invoice_detail", cooperative_slug, note.pk)
    return render(
        request,
        "purchases/credit_note_new.html",
        {"invoice": invoice, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def invoice_file(request: HttpRequest, cooperative_slug: str, invoice_id: int) -> FileResponse:
    invoice = selectors.supplier_invoice_get_for_member(
        membership=current_membership(request), invoice_id=invoice_id
    )
    if not invoice.attachment:
        from django.http import Http404

        raise Http404
    return private_file(
        invoice.attachment,
        content_type=invoice.attachment_type or "application/octet-stream",
        filename=invoice.attachment_name or "facture",
    )


def _invoice_action(
    request: HttpRequest, cooperative_slug: str, invoice_id: int, action: str
) -> HttpResponse:
    membership = current_membership(request)
    invoice = selectors.supplier_invoice_get_for_member(
        membership=membership, invoice_id=invoice_id
    )
    try:
        if action == "submit":
            services.supplier_invoice_submit(invoice=invoice)
            messages.success(request, _("Facture confirmée : elle part en validation."))
        elif action == "validate":
            services.supplier_invoice_validate(invoice=invoice, membership=membership)
            messages.success(request, _("Facture validée et comptabilisée."))
        elif action == "refuse":
            form = f.RefuseForm(request.POST)
            form.is_valid()
            services.supplier_invoice_refuse(
                invoice=invoice,
                reason=form.cleaned_data.get("reason", ""),
                reason_code=form.cleaned_data.get("reason_code", ""),
            )
            messages.success(request, _("Facture refusée."))
        elif action == "dispute":
            dispute = f.DisputeForm(request.POST)
            dispute.is_valid()
            services.supplier_invoice_dispute(
                invoice=invoice,
                reason=dispute.cleaned_data.get("reason", ""),
                reason_code=dispute.cleaned_data.get("reason_code", ""),
            )
            messages.success(request, _("Litige enregistré : il sera transmis au fournisseur."))
        elif action == "assign":
            assign = f.AssignForm(
                request.POST, activities=selectors.activities_of(membership=membership)
            )
            if not assign.is_valid():
                raise ApplicationError(_("Choisissez une activité."))
            services.supplier_invoice_assign(
                invoice=invoice, activity=assign.cleaned_data["activity"]
            )
            messages.success(request, _("Facture affectée."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("purchases_invoice_detail", cooperative_slug, invoice.pk)


@require_POST
def invoice_submit(request: HttpRequest, cooperative_slug: str, invoice_id: int) -> HttpResponse:
    return _invoice_action(request, cooperative_slug, invoice_id, "submit")


@require_POST
def invoice_validate(request: HttpRequest, cooperative_slug: str, invoice_id: int) -> HttpResponse:
    return _invoice_action(request, cooperative_slug, invoice_id, "validate")


@require_POST
def invoice_refuse(request: HttpRequest, cooperative_slug: str, invoice_id: int) -> HttpResponse:
    return _invoice_action(request, cooperative_slug, invoice_id, "refuse")


@require_POST
def invoice_assign(request: HttpRequest, cooperative_slug: str, invoice_id: int) -> HttpResponse:
    return _invoice_action(request, cooperative_slug, invoice_id, "assign")


@role_required(*VALIDATOR_ROLES)
@submitted_once
def supplier_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    form = f.SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_create(**form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Fournisseur ajouté."))
            return redirect("purchases_supplier_list", cooperative_slug)
    return render(
        request,
        "purchases/supplier_list.html",
        {"suppliers": selectors.supplier_list(membership=membership), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@submitted_once
def expense_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Staff: every sheet; an entrepreneur: their own, and opens the sheet of a month."""
    membership = current_membership(request)
    entrepreneur = entrepreneur_get_for_user(membership=membership)
    form = f.ExpenseMonthForm(request.POST or None)
    if request.method == "POST":
        if entrepreneur is None:
            messages.error(request, _("Seul·e un·e entrepreneur·e a des notes de dépenses."))
        elif form.is_valid():
            report = services.expense_report_get_or_create(
                entrepreneur=entrepreneur, day=form.cleaned_data["month"]
            )
            return redirect("purchases_expense_detail", cooperative_slug, report.pk)
    reports = selectors.expense_report_list(membership=membership)
    return render(
        request,
        "purchases/expense_list.html",
        {"reports": reports[:200], "form": form, "entrepreneur": entrepreneur},
    )


def _expense_context(request: HttpRequest, report: ExpenseReport, **forms_: Any) -> dict[str, Any]:
    membership = current_membership(request)
    activities = selectors.activities_of(membership=membership).filter(
        members__entrepreneur=report.entrepreneur
    )
    return {
        "report": report,
        "lines": report.lines.select_related("activity"),
        "mileage": report.mileage.select_related("activity"),
        "total": services.expense_report_total(report),
        "staff": sees_all_purchases(membership),
        "own": report.entrepreneur.user_id == membership.user_id,
        "line_form": forms_.get("line_form")
        or f.ExpenseLineForm(activities=activities, auto_id=LINE_IDS),
        "mileage_form": forms_.get("mileage_form")
        or f.MileageForm(activities=activities, auto_id=TRIP_IDS),
    }


def expense_detail(request: HttpRequest, cooperative_slug: str, report_id: int) -> HttpResponse:
    report = selectors.expense_report_get_for_member(
        membership=current_membership(request), report_id=report_id
    )
    return render(request, "purchases/expense_detail.html", _expense_context(request, report))


def _own_report(request: HttpRequest, report_id: int) -> ExpenseReport:
    membership = current_membership(request)
    report = selectors.expense_report_get_for_member(membership=membership, report_id=report_id)
    if report.entrepreneur.user_id != membership.user_id:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return report


@require_POST
@submitted_once
def expense_line_add(request: HttpRequest, cooperative_slug: str, report_id: int) -> HttpResponse:
    report = _own_report(request, report_id)
    activities = selectors.activities_of(membership=current_membership(request))
    form = f.ExpenseLineForm(request.POST, _files(request), activities=activities, auto_id=LINE_IDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.expense_line_add(
                report=report,
                activity=data["activity"],
                day=data["date"],
                category=data["category"],
                label=data["label"],
                amount_incl_tax=data["amount_incl_tax"],
                vat_recoverable=data["vat_recoverable"] or Decimal(0),
                receipt=data["receipt"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Dépense ajoutée."))
            return redirect("purchases_expense_detail", cooperative_slug, report.pk)
    return render(
        request,
        "purchases/expense_detail.html",
        _expense_context(request, report, line_form=form),
        status=400,
    )


@require_POST
@submitted_once
def expense_mileage_add(
    request: HttpRequest, cooperative_slug: str, report_id: int
) -> HttpResponse:
    report = _own_report(request, report_id)
    activities = selectors.activities_of(membership=current_membership(request))
    form = f.MileageForm(request.POST, activities=activities, auto_id=TRIP_IDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.mileage_add(
                report=report,
                activity=data["activity"],
                day=data["date"],
                vehicle=data["vehicle"],
                fiscal_power=data["fiscal_power"],
                electric=data["electric"],
                km=data["km"],
                purpose=data["purpose"],
                route=data["route"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Indemnité kilométrique ajoutée."))
            return redirect("purchases_expense_detail", cooperative_slug, report.pk)
    return render(
        request,
        "purchases/expense_detail.html",
        _expense_context(request, report, mileage_form=form),
        status=400,
    )


@require_POST
def expense_submit(request: HttpRequest, cooperative_slug: str, report_id: int) -> HttpResponse:
    report = _own_report(request, report_id)
    try:
        services.expense_report_submit(report=report)
        messages.success(request, _("Note soumise à l'équipe d'appui."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("purchases_expense_detail", cooperative_slug, report.pk)


@require_POST
@role_required(*VALIDATOR_ROLES)
def expense_validate(request: HttpRequest, cooperative_slug: str, report_id: int) -> HttpResponse:
    report = selectors.expense_report_get_for_member(
        membership=current_membership(request), report_id=report_id
    )
    try:
        services.expense_report_validate(report=report, user=_user(request))
        messages.success(request, _("Note validée et comptabilisée."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("purchases_expense_detail", cooperative_slug, report.pk)


def receipt_download(request: HttpRequest, cooperative_slug: str, line_id: int) -> FileResponse:
    line = selectors.expense_line_get_for_member(
        membership=current_membership(request), line_id=line_id
    )
    if not line.receipt:
        from django.http import Http404

        raise Http404
    return private_file(
        line.receipt,
        content_type=line.receipt_type or "application/octet-stream",
        filename=line.receipt_name or "justificatif",
        no_store=True,
    )


@role_required(*PAYER_ROLES)
@submitted_once
def batch_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    form = f.PaymentBatchForm(
        request.POST or None,
        invoices=selectors.payable_invoices(),
        reports=selectors.payable_reports(),
        runs=selectors.payable_runs(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.payment_batch_create(
                execution_date=data["execution_date"],
                supplier_invoices=list(data["invoices"]),
                expense_reports=list(data["reports"]),
                payroll_runs=list(data["runs"]),
                user=_user(request),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Lot %(ref)s prêt : téléchargez le fichier.") % {"ref": batch.reference}
            )
            return redirect("purchases_batch_list", cooperative_slug)
    return render(
        request,
        "purchases/batch_list.html",
        {"batches": selectors.payment_batch_list(membership=membership)[:100], "form": form},
        status=400 if request.method == "POST" else 200,
    )


def batch_file(request: HttpRequest, cooperative_slug: str, batch_id: int) -> FileResponse:
    batch = selectors.payment_batch_get_for_member(
        membership=current_membership(request), batch_id=batch_id
    )
    return private_file(
        batch.file, content_type="application/xml", filename=f"{batch.reference}.xml"
    )


@require_POST
def batch_sent(request: HttpRequest, cooperative_slug: str, batch_id: int) -> HttpResponseBase:
    batch = selectors.payment_batch_get_for_member(
        membership=current_membership(request), batch_id=batch_id
    )
    try:
        services.payment_batch_mark_sent(batch=batch, user=_user(request))
        messages.success(request, _("Lot marqué envoyé : paiements comptabilisés et lettrés."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("purchases_batch_list", cooperative_slug)


def routing(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Each activity's address for receiving e-invoices, to give to suppliers (text and QR)."""
    membership = current_membership(request)
    services.routing_addresses_ensure()
    addresses = [
        (address, segno.make(address.address, micro=False).svg_inline(scale=4))
        for address in selectors.routing_addresses_of(membership=membership)
    ]
    return render(request, "purchases/routing.html", {"addresses": addresses})


@role_required(*PAYER_ROLES)
def purchase_settings(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The purchase settings and the connection to the accredited platform (token masked)."""
    config = services.settings_get()
    initial = {key: getattr(config, key) for key in SETTINGS_FIELDS}
    form = f.PurchaseSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.purchase_settings_update(
                data=services.SettingsData(**{key: data[key] for key in SETTINGS_FIELDS}),
                platform_token=data["platform_token"] or None,
                clear_token=data["clear_token"],
                platform_client_secret=data["platform_client_secret"] or None,
                clear_client_secret=data["clear_client_secret"],
                user=_user(request),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Réglages des achats enregistrés."))
            return redirect("purchases_settings", cooperative_slug)
    return render(
        request,
        "purchases/settings.html",
        {
            "form": form,
            "token_set": bool(config.platform_token),
            "secret_set": bool(config.platform_client_secret),
            "mask": TOKEN_MASK,
            "token_unreadable": services.platform_token_unreadable(config)
            and services.token_unreadable_message(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@role_required(*PAYER_ROLES)
def platform_sync_now(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Receive from the platform now rather than at the next scheduled run (a job)."""
    from perspectives.tenancy.jobs import job_enqueue
    from purchases.tasks import platform_sync_task

    if not services.platform_configured():
        messages.error(request, _("La plateforme agréée n'est pas configurée (adresse et jeton)."))
    else:
        job_enqueue(platform_sync_task)
        messages.success(request, _("Réception lancée : suivez-la dans les tâches."))
    return redirect("purchases_settings", cooperative_slug)


@require_POST
def invoice_dispute(request: HttpRequest, cooperative_slug: str, invoice_id: int) -> HttpResponse:
    return _invoice_action(request, cooperative_slug, invoice_id, "dispute")
