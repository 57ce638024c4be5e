"""Pages of the sales app: parse → service/selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entrepreneurs.models import Sector
from perspectives.core.downloads import private_file
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.models import Role
from perspectives.tenancy.permissions import current_membership, role_required
from sales import selectors, services
from sales.forms import (
    LINE_ROWS,
    CustomerForm,
    DocumentForm,
    EmailForm,
    LineForm,
    PaymentForm,
    ProductForm,
    QuoteInvoiceForm,
    ReminderStepsForm,
    RetentionCreditForm,
    RetentionReleaseForm,
    ReturnForm,
    SeriesForm,
    ValidationRuleForm,
)
from sales.models import Document, DocumentLine
from sales.permissions import (
    SALES_APPROVER_ROLES,
    SALES_ROLES,
    approves_sales,
    releases_retention_early,
)
from sales.services import acceptance, approval, branding, emails, reminders, series
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
        "retention_form": RetentionReleaseForm(),
        "quote_form": QuoteInvoiceForm(),
        "emails": document.emails.all(),
        "email_form": EmailForm(initial={"recipient": document.customer.email}),
        "can_approve": approves_sales(membership),
        "return_form": ReturnForm(),
    }
    if document.kind == Document.Kind.INVOICE and document.status == Document.Status.VALIDATED:
        context["outstanding"] = services.invoice_outstanding(invoice=document)
        context["retention_held"] = services.retention_held(invoice=document)
        if context["retention_held"]:
            first_line = document.lines.exclude(kind=DocumentLine.Kind.SECTION).first()
            context["retention_credit_form"] = RetentionCreditForm(
                initial={"vat_rate": f"{first_line.vat_rate:.2f}" if first_line else "20.00"}
            )
        context["overdue"] = (
            context["outstanding"] > 0
            and document.due_date is not None
            and document.due_date < timezone.localdate()
        )
    if document.kind == Document.Kind.QUOTE and document.status == Document.Status.SENT:
        context["public_link"] = request.build_absolute_uri(
            acceptance.quote_link_path(quote=document)
        )
    if not document.is_numbered and document.is_invoice_like:
        context["missing"] = services.missing_mentions(document)
    return render(request, "sales/document_detail.html", context)


@require_POST
@role_required(*SALES_ROLES)
@submitted_once
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
        if action in ("validate", "send"):
            result = approval.document_submit(
                document=document,
                membership=membership,
                user=user,  # type: ignore[arg-type]
            )
            messages.success(request, _submitted_message(result))
        elif action == "approve":
            result = approval.document_approve(
                document=document,
                membership=membership,
                user=user,  # type: ignore[arg-type]
            )
            messages.success(request, _submitted_message(result))
        elif action == "return":
            return_form = ReturnForm(request.POST)
            if not return_form.is_valid():
                raise ApplicationError(_("Indiquez le motif du renvoi à l'entrepreneur."))
            approval.document_return(
                document=document, membership=membership, note=return_form.cleaned_data["note"]
            )
            messages.success(request, _("Document renvoyé en brouillon à l'entrepreneur."))
        elif action == "remind":
            reminders.invoice_remind(
                invoice=document,
                user=user,  # type: ignore[arg-type]
            )
            messages.success(request, _("Relance en cours d'envoi, avec la facture."))
        elif action == "email_retry":
            email = document.emails.filter(pk=_int(request.POST.get("email")) or 0).first()
            if email is None:
                raise Http404
            emails.document_email_retry(email=email)
            messages.info(request, _("E-mail remis dans la file d'envoi."))
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
        elif action == "retention_credit":
            credit_form = RetentionCreditForm(request.POST)
            if not credit_form.is_valid():
                raise ApplicationError(_("Avoir non créé : indiquez le montant repris HT."))
            target = services.credit_note_create(
                invoice=document,
                user=user,  # type: ignore[arg-type]
                lines=[credit_form.line()],
                on_retention=True,
                title=_("Avoir sur la retenue de garantie de la facture %(number)s")
                % {"number": document.number},
            )
            messages.success(
                request,
                _("Avoir sur la retenue créé en brouillon : vérifiez-le et validez-le."),
            )
        elif action == "duplicate":
            target = services.document_duplicate(document=document, user=user)  # type: ignore[arg-type]
        elif action == "delete":
            services.document_delete(document=document)
            return redirect("sales_home", cooperative_slug)
        elif action == "pdf":
            document_pdf_request(document=document)
            messages.info(request, _("PDF demandé : il apparaît dans quelques instants."))
        elif action == "retention_release":
            release_form = RetentionReleaseForm(request.POST)
            if not release_form.is_valid():
                raise ApplicationError(_("Indiquez la date de réception des travaux."))
            services.retention_release(
                invoice=document,
                works_accepted_on=release_form.cleaned_data["works_accepted_on"],
                date=release_form.cleaned_data["date"],
                early_allowed=releases_retention_early(membership),
                user=user,  # type: ignore[arg-type]
            )
            messages.success(
                request, _("Retenue de garantie libérée : elle est due par le client.")
            )
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


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _submitted_message(document: Document) -> str:
    if document.status == Document.Status.PENDING:
        return _("Document transmis à l'équipe d'appui pour validation.")
    if document.kind == Document.Kind.QUOTE:
        return _("Devis %(number)s envoyé.") % {"number": document.number}
    return _("Facture validée et comptabilisée.")


@require_POST
@role_required(*SALES_ROLES)
@submitted_once
def document_email(
    request: HttpRequest, cooperative_slug: str, sales_document_id: int
) -> HttpResponse:
    """E-mail the document with its PDF to the customer (or another address)."""
    membership = current_membership(request)
    document = selectors.document_get_for_member(
        membership=membership, document_id=sales_document_id
    )
    form = EmailForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("E-mail non envoyé : l'adresse n'est pas valide."))
    else:
        try:
            email = emails.document_email_request(
                document=document,
                recipient=form.cleaned_data["recipient"],
                message=form.cleaned_data["message"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("E-mail à %(to)s en cours d'envoi, avec le PDF.") % {"to": email.recipient},
            )
    return redirect("sales_document", cooperative_slug, document.pk)


@role_required(*SALES_APPROVER_ROLES)
def approvals(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The documents waiting for support staff, oldest first."""
    membership = current_membership(request)
    return render(
        request,
        "sales/approvals.html",
        {
            "documents": selectors.documents_pending(membership=membership),
            "return_form": ReturnForm(),
        },
    )


@role_required(*SALES_APPROVER_ROLES)
def validation_rules(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    return render(
        request,
        "sales/validation_rules.html",
        {"rows": selectors.validation_rules(membership=membership)},
    )


@require_POST
@role_required(*SALES_APPROVER_ROLES)
def validation_rule_edit(
    request: HttpRequest, cooperative_slug: str, activity_id: int
) -> HttpResponse:
    membership = current_membership(request)
    activity = selectors.activity_get_for_member(membership=membership, activity_id=activity_id)
    form = ValidationRuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Règle non enregistrée : le plafond est un montant positif."))
    else:
        try:
            approval.validation_rule_set(
                activity=activity,
                user=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Règle de validation de %(name)s enregistrée.") % {"name": activity.name}
            )
    return redirect("sales_validation_rules", cooperative_slug)


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


@role_required(*SALES_ROLES)
def reminders_page(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Overdue invoices with their reminders, and the cooperative's steps."""
    membership = current_membership(request)
    steps = reminders.reminder_steps()
    return render(
        request,
        "sales/reminders.html",
        {
            "rows": selectors.overdue_invoices(steps=steps, membership=membership),
            "steps": steps,
            "can_set_steps": membership.has_role(Role.MANAGER, Role.ADMIN),
            "form": ReminderStepsForm(initial={"steps": ", ".join(map(str, steps))}),
        },
    )


@require_POST
@role_required(Role.MANAGER, Role.ADMIN)
def reminder_steps_edit(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = ReminderStepsForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Étapes de relance illisibles."))
        reminders.reminder_steps_set(text=form.cleaned_data["steps"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Étapes de relance enregistrées."))
    return redirect("sales_reminders", cooperative_slug)


@role_required(Role.MANAGER, Role.ADMIN)
def numbering(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The cooperative's series, each sector's own, and where each series stands this year."""
    settings = services.settings_get()
    if request.method == "POST":
        form = SeriesForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(_("Séries illisibles."))
            series.default_series_set(**form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Séries de la coopérative enregistrées."))
            return redirect("sales_numbering", cooperative_slug)
    return render(
        request,
        "sales/numbering.html",
        {
            "form": SeriesForm(
                initial={
                    "invoice_series": settings.invoice_series,
                    "credit_note_series": settings.credit_note_series,
                }
            ),
            "rows": selectors.sector_series_list(),
            "counters": selectors.invoice_counters(year=timezone.localdate().year),
            "year": timezone.localdate().year,
        },
    )


@require_POST
@role_required(Role.MANAGER, Role.ADMIN)
def sector_series_edit(request: HttpRequest, cooperative_slug: str, sector_id: int) -> HttpResponse:
    sector = get_object_or_404(Sector.objects.all(), pk=sector_id)
    form = SeriesForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Séries illisibles."))
        series.sector_series_set(sector=sector, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Séries du pôle %(name)s enregistrées.") % {"name": sector.name}
        )
    return redirect("sales_numbering", cooperative_slug)


@role_required(*SALES_ROLES)
def branding_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The activities whose documents' branding the member sets."""
    membership = current_membership(request)
    return render(
        request,
        "sales/branding_list.html",
        {"activities": selectors.activities_for(membership=membership).order_by("name")},
    )


@role_required(*SALES_ROLES)
def branding_edit(request: HttpRequest, cooperative_slug: str, activity_id: int) -> HttpResponse:
    """The activity's logo, accent colour and footer on its PDF documents."""
    membership = current_membership(request)
    activity = selectors.activity_get_for_member(membership=membership, activity_id=activity_id)
    if request.method == "POST":
        try:
            branding.branding_set(
                activity=activity,
                user=request.user,  # type: ignore[arg-type]
                accent_color=request.POST.get("accent_color", ""),
                footer=request.POST.get("footer", ""),
                logo=request.FILES.get("logo"),
                remove_logo=bool(request.POST.get("remove_logo")),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Charte graphique de %(name)s enregistrée.") % {"name": activity.name}
            )
            return redirect("sales_branding", cooperative_slug, activity.pk)
    return render(
        request,
        "sales/branding.html",
        {"activity": activity, "branding": selectors.branding_for(activity=activity)},
    )


@role_required(*SALES_ROLES)
def branding_logo(request: HttpRequest, cooperative_slug: str, activity_id: int) -> FileResponse:
    membership = current_membership(request)
    activity = selectors.activity_get_for_member(membership=membership, activity_id=activity_id)
    found = selectors.branding_for(activity=activity)
    if found is None or not found.logo:
        raise Http404
    return private_file(
        found.logo,
        content_type=found.logo_content_type,
        filename=found.logo.name.rsplit("/", 1)[-1],
    )
