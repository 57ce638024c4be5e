"""Pages of the bank app: accounts, statements and their lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bank import selectors, services, vat
from bank.forms import (
    BankAccountForm,
    CsvMappingForm,
    EntryForm,
    EntryTemplateForm,
    RuleForm,
    SplitForm,
    StatementUploadForm,
)
from bank.importers.csvfile import CsvMapping
from bank.models import BankLine, ReconciliationRule
from bank.permissions import (
    BANK_ROLES,
    RECONCILE_ROLES,
    handles_bank,
    portfolio_activity_ids,
)
from perspectives.accounts.models import User
from perspectives.core.csvexport import csv_response
from perspectives.core.downloads import private_file
from perspectives.core.exceptions import ApplicationError
from perspectives.core.formats import money_header
from perspectives.core.pdf import document_pdf
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.permissions import current_membership, role_required

LINES_PER_PAGE = 100


def _scope(request: HttpRequest) -> frozenset[int] | None:
    """None for the accounting team; a support member's portfolio activities otherwise."""
    return portfolio_activity_ids(current_membership(request))


@require_http_methods(["GET", "POST"])
@role_required(*RECONCILE_ROLES)
@submitted_once
def bank_home(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The bank accounts (a support member's: those of their portfolio); POST adds one."""
    manages = handles_bank(current_membership(request))
    if request.method == "POST" and not manages:
        raise PermissionDenied
    form = BankAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.bank_account_create(
                iban=data["iban"],
                name=data["name"],
                bic=data["bic"],
                account_code=data["account_code"] or None,
                activity=data["activity"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Compte bancaire ajouté."))
            return redirect(
                "bank_account", cooperative_slug=cooperative_slug, account_id=account.pk
            )
    return render(
        request,
        "bank/home.html",
        {
            "accounts": selectors.bank_account_list(scope=_scope(request)),
            "form": form if manages else None,
        },
    )


def _account_page(
    request: HttpRequest, account_id: int, *, form: StatementUploadForm | None = None
) -> HttpResponse:
    account = selectors.bank_account_get(bank_account_id=account_id, scope=_scope(request))
    manages = handles_bank(current_membership(request))
    state = request.GET.get("state", "")
    if state not in ("", *BankLine.State.values):
        raise Http404
    page = Paginator(
        selectors.bank_line_list(bank_account=account, state=state or None), LINES_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "bank/account.html",
        {
            "account": account,
            "statements": selectors.statement_list(bank_account=account)[:24],
            "page": page,
            "state": state,
            "form": (form or StatementUploadForm()) if manages else None,
            "balances": selectors.bank_balance_check(bank_account=account),
        },
    )


@require_GET
@role_required(*RECONCILE_ROLES)
def bank_account(request: HttpRequest, cooperative_slug: str, account_id: int) -> HttpResponse:
    """An account: its statements, their balances against the ledger's, and its lines."""
    return _account_page(request, account_id)


@require_POST
@role_required(*BANK_ROLES)
@submitted_once
def statement_upload(request: HttpRequest, cooperative_slug: str, account_id: int) -> HttpResponse:
    account = selectors.bank_account_get(bank_account_id=account_id)
    form = StatementUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.statement_import(
                bank_account=account,
                data=upload.read(),
                file_name=upload.name or "",
                file_format=form.cleaned_data["format"] or None,
                closing_balance=form.cleaned_data["closing_balance"],
                user=cast(User, request.user),
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, result.message)
            return redirect(
                "bank_account", cooperative_slug=cooperative_slug, account_id=account.pk
            )
    response = _account_page(request, account_id, form=form)
    response.status_code = 400
    return response


@require_http_methods(["GET", "POST"])
@role_required(*BANK_ROLES)
def csv_mapping(request: HttpRequest, cooperative_slug: str, account_id: int) -> HttpResponse:
    """The column mapping of the bank's CSV exports for this account. POST `action=preview`
    reads the sample file with the mapping typed, nothing saved; `action=save` saves it (after
    reading the sample file, when one is given)."""
    account = selectors.bank_account_get(bank_account_id=account_id)
    saved = account.csv_mapping or CsvMapping().as_dict()
    form = CsvMappingForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=saved,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None:
                preview = selectors.csv_preview(mapping=mapping, data=upload.read())
            if request.POST.get("action") == "save":
                services.bank_account_csv_mapping_set(bank_account=account, mapping=mapping)
                messages.success(request, _("Format CSV enregistré."))
                return redirect(
                    "bank_csv_mapping", cooperative_slug=cooperative_slug, account_id=account.pk
                )
            if preview is None:
                form.add_error("file", _("Choisissez un fichier d'exemple pour l'aperçu."))
        except ApplicationError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "bank/csv_mapping.html",
        {"account": account, "form": form, "preview": preview, "saved": bool(account.csv_mapping)},
        status=400 if form.errors else 200,
    )


@require_GET
@role_required(*RECONCILE_ROLES)
def statement_detail(
    request: HttpRequest, cooperative_slug: str, statement_id: int
) -> HttpResponse:
    statement = selectors.statement_get(statement_id=statement_id, scope=_scope(request))
    lines = selectors.bank_line_list(statement=statement)
    context: dict[str, Any] = {
        "statement": statement,
        "lines": lines,
        "open_count": sum(1 for line in lines if line.state == BankLine.State.OPEN),
        "ledger_balance": selectors.ledger_balance(
            bank_account=statement.bank_account, as_of=statement.end_date
        ),
    }
    return render(request, "bank/statement.html", context)


def _line_context(line: BankLine, scope: frozenset[int] | None, **extra: Any) -> dict[str, Any]:
    open_line = line.state == BankLine.State.OPEN
    return {
        "line": line,
        "suggestions": services.suggestions_for(line, activities=scope) if open_line else [],
        "split_form": extra.pop("split_form", None) or SplitForm(),
        "reconciliations": line.reconciliations.select_related(
            "entry__journal", "reversal__journal"
        ),
        **extra,
    }


@require_GET
@role_required(*RECONCILE_ROLES)
def bank_line(request: HttpRequest, cooperative_slug: str, line_id: int) -> HttpResponse:
    """A bank line and what may reconcile it: suggestions, a split by hand, its history."""
    scope = _scope(request)
    line = selectors.bank_line_get(line_id=line_id, scope=scope)
    return render(request, "bank/line.html", _line_context(line, scope))


def _allocations_from_split(line: BankLine, form: SplitForm) -> list[services.Allocation]:
    sign = 1 if line.amount > 0 else -1
    return [
        services.Allocation(
            account=row["account"],
            amount=sign * row["amount"],
            activity=row["activity"],
            third_party=row["third_party"],
        )
        for row in form.rows()
    ]


@require_POST
@role_required(*RECONCILE_ROLES)
@submitted_once
def bank_line_reconcile(request: HttpRequest, cooperative_slug: str, line_id: int) -> HttpResponse:
    """POST `suggestion=<n>` to accept the n-th suggestion, or the split form's rows."""
    scope = _scope(request)
    line = selectors.bank_line_get(line_id=line_id, scope=scope)
    split_form = None
    try:
        if "suggestion" in request.POST:
            index = request.POST["suggestion"]
            suggestions = services.suggestions_for(line, activities=scope)
            if not index.isdigit() or int(index) >= len(suggestions):
                raise ApplicationError(_("Cette suggestion n'existe plus : actualisez la page."))
            chosen = suggestions[int(index)]
            rule = None
            if chosen.rule_id is not None:
                rule = ReconciliationRule.objects.filter(pk=chosen.rule_id).first()
            services.reconciliation_confirm(
                line=line,
                allocations=chosen.allocations,
                pointed=chosen.pointed,
                user=cast(User, request.user),
                rule=rule,
                activities=scope,
            )
        else:
            split_form = SplitForm(request.POST)
            if not split_form.is_valid():
                raise ApplicationError(_("Vérifiez la répartition."))
            services.reconciliation_confirm(
                line=line,
                allocations=_allocations_from_split(line, split_form),
                user=cast(User, request.user),
                activities=scope,
            )
    except ApplicationError as error:
        messages.error(request, error.message)
        response = render(
            request, "bank/line.html", _line_context(line, scope, split_form=split_form)
        )
        response.status_code = 400
        return response
    messages.success(request, _("Ligne rapprochée."))
    return redirect("bank_line", cooperative_slug=cooperative_slug, line_id=line.pk)


@require_POST
@role_required(*RECONCILE_ROLES)
def bank_line_undo(request: HttpRequest, cooperative_slug: str, line_id: int) -> HttpResponse:
    scope = _scope(request)
    line = selectors.bank_line_get(line_id=line_id, scope=scope)
    reconciliation = line.reconciliations.filter(undone_at__isnull=True).first()
    if reconciliation is None:
        messages.error(request, _("Cette ligne n'est pas rapprochée."))
    else:
        try:
            services.reconciliation_undo(
                reconciliation=reconciliation, user=cast(User, request.user), activities=scope
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Rapprochement annulé."))
    return redirect("bank_line", cooperative_slug=cooperative_slug, line_id=line.pk)


@require_http_methods(["GET", "POST"])
@role_required(*BANK_ROLES)
@submitted_once
def rule_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The cooperative's reconciliation rules; POST adds one. `?preview=<id>` shows the open
    lines a rule would reconcile."""
    form = RuleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(**form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Règle ajoutée."))
            return redirect(f"{request.path}?preview={rule.pk}")
    rules = list(ReconciliationRule.objects.select_related("account", "activity"))
    preview = request.GET.get("preview", "")
    previewed = next((r for r in rules if str(r.pk) == preview), None)
    if preview and previewed is None:
        raise Http404
    return render(
        request,
        "bank/rules.html",
        {
            "rules": rules,
            "form": form,
            "previewed": previewed,
            "preview_lines": services.rule_preview(rule=previewed) if previewed else [],
        },
    )


def _vat_period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """?from=&to=, by default last month."""
    today = timezone.localdate()
    default_end = today.replace(day=1) - dt.timedelta(days=1)
    default_start = default_end.replace(day=1)
    source = request.POST if request.method == "POST" else request.GET
    try:
        start = dt.date.fromisoformat(source.get("from") or default_start.isoformat())
        end = dt.date.fromisoformat(source.get("to") or default_end.isoformat())
    except ValueError:
        raise Http404 from None
    if end < start or (end - start).days > 366:
        raise Http404
    return start, end


@require_http_methods(["GET", "POST"])
@role_required(*BANK_ROLES)
def vat_return(request: HttpRequest, cooperative_slug: str) -> HttpResponseBase:
    """The CA3 of a period: each box, its drill-down (`?box=20`), the CSV and PDF worksheet
    (`?format=csv|pdf`); POST validates it (posts the settlement entry)."""
    start, end = _vat_period(request)
    if request.method == "POST":
        try:
            entry = vat.vat_return_validate(
                date_from=start, date_to=end, user=cast(User, request.user)
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Déclaration validée : écriture %(ref)s.") % {"ref": entry.reference}
            )
        return redirect(f"{request.path}?from={start.isoformat()}&to={end.isoformat()}")
    result = vat.vat_return_compute(date_from=start, date_to=end)
    period = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    if request.GET.get("format") == "csv":
        return csv_response(
            f"ca3-{start:%Y%m%d}-{end:%Y%m%d}.csv",
            [
                _("Case"),
                _("Code EDI"),
                _("Libellé"),
                money_header(_("Montant arrondi à l'euro")),
                money_header(_("Montant exact")),
            ],
            [(b.code, b.edi, str(b.label), int(b.amount), b.exact) for b in result.boxes],
        )
    if request.GET.get("format") == "pdf":
        body = document_pdf(
            template="bank/pdf/vat_return.html",
            cooperative=current_membership(request).cooperative,
            title=_("Déclaration de TVA CA3"),
            period=period,
            context={"vat": result},
        )
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="ca3-{start:%Y%m}.pdf"'
        return response
    box = request.GET.get("box", "")
    context: dict[str, Any] = {"vat": result, "period": period, "box": box}
    if box:
        if box not in {b.code for b in result.boxes}:
            raise Http404
        context["box_lines"] = vat.box_lines(date_from=start, date_to=end, code=box)[:500]
    return render(request, "bank/vat_return.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*BANK_ROLES)
@submitted_once
def entry_new(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The journal entry by hand: POST `action=draft` keeps a draft, `action=validate` posts
    it; the balance overall and per activity is shown when it does not add up."""
    form = EntryForm(request.POST if request.method == "POST" else None)
    balance = None
    template, asks_total = _template_prefill(request, form)
    if request.method == "POST" and form.is_valid():
        lines = form.lines()
        balance = services.entry_balance(lines)
        try:
            entry = services.manual_entry_save(
                journal=form.cleaned_data["journal"],
                date=form.cleaned_data["date"],
                label=form.cleaned_data["label"],
                piece_ref=form.cleaned_data["piece_ref"],
                lines=lines,
                validate=request.POST.get("action") == "validate",
                user=cast(User, request.user),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if entry.is_validated:
                messages.success(request, _("Écriture %(ref)s validée.") % {"ref": entry.reference})
            else:
                messages.success(request, _("Brouillard enregistré."))
            return redirect("bank_entry_new", cooperative_slug=cooperative_slug)
    return render(
        request,
        "bank/entry.html",
        {
            "form": form,
            "balance": balance,
            "entries": selectors.manual_entry_list(),
            "templates": selectors.entry_template_list(),
            "template": template,
            "asks_total": asks_total,
        },
        status=400 if form.errors else 200,
    )


def _template_prefill(request: HttpRequest, form: EntryForm) -> tuple[Any, bool]:
    """`?template=<id>[&total=<amount>]` pre-fills the form from a template; a template that
    splits a total asks for it first (then the template and True are returned)."""
    template_id = request.GET.get("template", "")
    if request.method != "GET" or not template_id.isdigit():
        return None, False
    template = selectors.entry_template_get(template_id=int(template_id))
    total = None
    if template.uses_shares:
        raw = request.GET.get("total", "").replace(" ", "").replace(",", ".")
        if not raw:
            return template, True
        try:
            total = Decimal(raw)
            if not total.is_finite() or abs(total) >= Decimal("1e12"):
                raise InvalidOperation
        except InvalidOperation:
            form.initial["label"] = template.label
            messages.error(request, _("Le total doit être un montant, par exemple 1200,00."))
            return template, True
    try:
        lines = services.entry_template_lines(template=template, total=total)
    except ApplicationError as error:
        messages.error(request, error.message)
        return template, True
    form.initial.update(
        {"journal": template.journal_id, "label": template.label, "date": timezone.localdate()}
    )
    form.prefill(lines)
    return template, False


@require_http_methods(["GET", "POST"])
@role_required(*BANK_ROLES)
@submitted_once
def entry_template_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The templates of recurring entries; POST adds one."""
    form = EntryTemplateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_template_create(
                name=form.cleaned_data["name"],
                journal=form.cleaned_data["journal"],
                label=form.cleaned_data["label"],
                lines=form.lines(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Modèle d'écriture enregistré."))
            return redirect("bank_entry_templates", cooperative_slug=cooperative_slug)
    return render(
        request,
        "bank/entry_templates.html",
        {"form": form, "templates": selectors.entry_template_list(), "template": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*BANK_ROLES)
def entry_template_edit(
    request: HttpRequest, cooperative_slug: str, template_id: int
) -> HttpResponse:
    template = selectors.entry_template_get(template_id=template_id)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.entry_template_delete(template=template)
        messages.success(request, _("Modèle d'écriture supprimé."))
        return redirect("bank_entry_templates", cooperative_slug=cooperative_slug)
    if request.method == "POST":
        form = EntryTemplateForm(request.POST)
        if form.is_valid():
            try:
                services.entry_template_update(
                    template=template,
                    name=form.cleaned_data["name"],
                    journal=form.cleaned_data["journal"],
                    label=form.cleaned_data["label"],
                    lines=form.lines(),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Modèle d'écriture enregistré."))
                return redirect("bank_entry_templates", cooperative_slug=cooperative_slug)
    else:
        form = EntryTemplateForm.for_template(template)
    return render(
        request,
        "bank/entry_templates.html",
        {"form": form, "templates": None, "template": template},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(*BANK_ROLES)
def entry_action(
    request: HttpRequest, cooperative_slug: str, entry_id: int, action: str
) -> HttpResponse:
    entry = selectors.entry_get(entry_id=entry_id)
    try:
        if action == "validate":
            entry = services.manual_entry_validate(entry=entry, user=cast(User, request.user))
            messages.success(request, _("Écriture %(ref)s validée.") % {"ref": entry.reference})
        elif action == "reverse":
            reversal = services.manual_entry_reverse(entry=entry, user=cast(User, request.user))
            messages.success(request, _("Extourne %(ref)s passée.") % {"ref": reversal.reference})
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("bank_entry_new", cooperative_slug=cooperative_slug)


@require_http_methods(["GET", "POST"])
@role_required(*BANK_ROLES)
@submitted_once
def entry_detail(request: HttpRequest, cooperative_slug: str, entry_id: int) -> HttpResponse:
    """An entry by hand: its lines and supporting documents; POST attaches files."""
    entry = selectors.manual_entry_get(entry_id=entry_id)
    error = ""
    if request.method == "POST":
        try:
            added = services.entry_attachments_add(
                entry=entry, uploads=request.FILES.getlist("files"), user=cast(User, request.user)
            )
        except ApplicationError as refusal:
            error = refusal.message
        else:
            messages.success(
                request,
                ngettext("%(n)s pièce jointe.", "%(n)s pièces jointes.", len(added))
                % {"n": len(added)},
            )
            return redirect("bank_entry", cooperative_slug=cooperative_slug, entry_id=entry.pk)
    return render(
        request,
        "bank/entry_detail.html",
        {
            "entry": entry,
            "attachments": selectors.entry_attachment_list(entry=entry),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
@role_required(*BANK_ROLES)
def entry_attachment_download(
    request: HttpRequest, cooperative_slug: str, entry_id: int, attachment_id: int
) -> FileResponse:
    entry = selectors.manual_entry_get(entry_id=entry_id)
    attachment = selectors.entry_attachment_get(entry=entry, attachment_id=attachment_id)
    return private_file(
        attachment.file, content_type=attachment.content_type, filename=attachment.name
    )


@require_POST
@role_required(*BANK_ROLES)
def entry_attachment_delete(
    request: HttpRequest, cooperative_slug: str, entry_id: int, attachment_id: int
) -> HttpResponse:
    """Remove a document of a draft; a validated entry keeps its documents."""
    entry = selectors.manual_entry_get(entry_id=entry_id)
    attachment = selectors.entry_attachment_get(entry=entry, attachment_id=attachment_id)
    try:
        services.entry_attachment_delete(attachment=attachment)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pièce jointe %(name)s supprimée.") % {"name": attachment.name})
    return redirect("bank_entry", cooperative_slug=cooperative_slug, entry_id=entry.pk)
