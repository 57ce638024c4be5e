"""Pages of the sales app: parse → service/selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from perspectives.core.downloads import private_file
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.permissions import current_membership, role_required
from sales import selectors, services
from sales.forms import (
    LINE_ROWS,
    CustomerForm,
    DocumentForm,
    LineForm,
    PaymentForm,
    ProductForm,
    QuoteInvoiceForm,
)
from sales.models import Document
from sales.permissions import SALES_ROLES
from sales.services.rendering import document_pdf_request


@role_required(*SALES_ROLES)
def sales_home(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    kind = request.GET.get("kind") or ""
    if kind not in ("", *Document.Kind.values):
        raise Http404
    documents = selectors.document_list(membership=membership, kind=kind or None)[:200]
    return render(
        request,
        "sales/home.html",
        {"documents": documents, "kind": kind, "kinds": Document.Kind.choices},
    )


@role_required(*SALES_ROLES)
def customer_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    search = request.GET.get("q", "")
    return render(
        request,
        "sales/customers.html",
        {
            "customers": selectors.customer_list(membership=membership, search=search)[:500],
            "search": search,
            "form": CustomerForm(membership=membership),
        },
    )


@require_POST
@role_required(*SALES_ROLES)
@submitted_once
def customer_create(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    form = CustomerForm(request.POST, membership=membership)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            customer = services.customer_create(**data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Client « %(name)s » créé.") % {"name": customer.name})
    else:
        messages.error(request, _("Client non créé : vérifiez les champs."))
    return redirect("sales_customers", cooperative_slug)


@role_required(*SALES_ROLES)
def customer_detail(request: HttpRequest, cooperative_slug: str, customer_id: int) -> HttpResponse:
    membership = current_membership(request)
    customer = selectors.customer_get_for_member(membership=membership, customer_id=customer_id)
    documents = selectors.document_list(membership=membership).filter(customer=customer)[:200]
    return render(
        request, "sales/customer_detail.html", {"customer": customer, "documents": documents}
    )


@role_required(*SALES_ROLES)
def product_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    if request.method == "POST":
        form = ProductForm(request.POST, membership=membership)
        if form.is_valid():
            try:
                services.product_create(**form.cleaned_data)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                return redirect("sales_products", cooperative_slug)
        else:
            messages.error(request, _("Produit non créé : vérifiez les champs."))
    else:
        form = ProductForm(membership=membership)
    return render(
        request,
        "sales/products.html",
        {"products": selectors.product_list(membership=membership)[:500], "form": form},
    )


def _line_forms(request: HttpRequest) -> list[LineForm]:
    data = request.POST if request.method == "POST" else None
    return [LineForm(data, prefix=f"line{index}") for index in range(LINE_ROWS)]


@role_required(*SALES_ROLES)
@submitted_once
def document_create(request: HttpRequest, cooperative_slug: str) -> HttpResponseBase:
    membership = current_membership(request)
    kind = request.GET.get("kind") or request.POST.get("kind") or Document.Kind.QUOTE
    if kind not in (Document.Kind.QUOTE, Document.Kind.INVOICE):
        raise Http404
    form = DocumentForm(request.POST or None, membership=membership, initial={"kind": kind})
    lines = _line_forms(request)
    if request.method == "POST":
        if form.is_valid() and all(line.is_valid() for line in lines):
            data = dict(form.cleaned_data)
            customer = data.pop("customer")
            data.pop("kind")
            try:
                document = services.document_create(
                    kind=kind,
                    activity=customer.activity,
                    customer=customer,
                    lines=[line.line_data() for line in lines if line.has_content()],
                    user=request.user,  # type: ignore[arg-type]
                    **data,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                return redirect("sales_document", cooperative_slug, document.pk)
        else:
            messages.error(request, _("Document non créé : vérifiez les champs."))
    return render(
        request,
        "sales/document_form.html",
        {"form": form, "lines": lines, "kind": kind},
    )


@role_required(*SALES_ROLES)
def document_detail(
    request: HttpRequest, cooperative_slug: str, sales_document_id: int
) -> HttpResponse:
    membership = current_membership(request)
    document = selectors.document_get_for_member(
        membership=membership, document_id=sales_document_id
    )
    context: dict[str, Any] = {
        "document": document,
        "lines": document.lines.all(),
        "totals": services.document_totals(document),
        "payments": document.payments.all(),
        "credit_notes": document.credit_notes.all(),
        "invoices": document.invoices.all(),
        "file": getattr(document, "file", None),
        "payment_form": PaymentForm(),
        "quote_form": QuoteInvoiceForm(),
    }
    if document.kind == Document.Kind.INVOICE and document.status == Document.Status.VALIDATED:
        context["outstanding"] = services.invoice_outstanding(invoice=document)
    if document.is_draft and document.is_invoice_like:
        context["missing"] = services.missing_mentions(document)
    return render(request, "sales/document_detail.html", context)


@require_POST
@role_required(*SALES_ROLES)
def document_action(
    request: HttpRequest, cooperative_slug: str, sales_document_id: int
) -> HttpResponse:
    """The buttons of a document's page: each one a service."""
    membership = current_membership(request)
    document = selectors.document_get_for_member(
        membership=membership, document_id=sales_document_id
    )
    action = request.POST.get("action")
    user = request.user
    target = document
    try:
        if action == "validate":
            services.invoice_validate(document=document, user=user)  # type: ignore[arg-type]
            messages.success(request, _("Facture validée et comptabilisée."))
        elif action == "send":
            services.quote_send(quote=document)
        elif action in ("accept", "refuse"):
            services.quote_answer(quote=document, accepted=action == "accept")
        elif action == "invoice":
            quote_form = QuoteInvoiceForm(request.POST)
            if not quote_form.is_valid():
                raise ApplicationError(_("Acompte illisible."))
            target = services.quote_invoice(
                quote=document,
                mode=quote_form.cleaned_data["mode"],
                percent=quote_form.cleaned_data.get("percent"),
                amount=quote_form.cleaned_data.get("amount"),
                user=user,  # type: ignore[arg-type]
            )
        elif action == "credit_note":
            target = services.credit_note_create(invoice=document, user=user)  # type: ignore[arg-type]
        elif action == "duplicate":
            target = services.document_duplicate(document=document, user=user)  # type: ignore[arg-type]
        elif action == "delete":
            services.document_delete(document=document)
            return redirect("sales_home", cooperative_slug)
        elif action == "pdf":
            document_pdf_request(document=document)
            messages.info(request, _("PDF demandé : il apparaît dans quelques instants."))
        elif action == "payment":
            payment_form = PaymentForm(request.POST)
            if not payment_form.is_valid():
                raise ApplicationError(_("Paiement non enregistré : vérifiez les champs."))
            services.payment_record(invoice=document, user=user, **payment_form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, _("Paiement enregistré et comptabilisé."))
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("sales_document", cooperative_slug, target.pk)


@role_required(*SALES_ROLES)
def document_pdf(
    request: HttpRequest, cooperative_slug: str, sales_document_id: int
) -> FileResponse:
    membership = current_membership(request)
    document = selectors.document_get_for_member(
        membership=membership, document_id=sales_document_id
    )
    file = getattr(document, "file", None)
    if file is None or not file.pdf:
        raise Http404
    return private_file(file.pdf, content_type="application/pdf", filename=f"{document.number}.pdf")


@role_required(*SALES_ROLES)
def receivables(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    return render(
        request,
        "sales/receivables.html",
        {
            "receivables": selectors.receivables_by_age(membership=membership),
            "buckets": [
                ("not_due", _("Non échu")),
                ("1_30", _("1 à 30 jours")),
                ("31_60", _("31 à 60 jours")),
                ("61_90", _("61 à 90 jours")),
                ("over_90", _("Plus de 90 jours")),
            ],
        },
    )
