"""Pages of the ledger: parse → selector → render (HTML, `?format=csv` or `?format=pdf`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounting import fec, integrity, pdf, selectors, services
from accounting.forms import AsOfForm, DateRangeForm
from accounting.models import Account, EntryLine, ThirdParty
from accounting.permissions import (
    CLOSING_ROLES,
    LEDGER_ROLES,
    sees_statements,
    sees_whole_ledger,
)
from entrepreneurs.models import Activity
from perspectives.core.csvexport import csv_response, spooled_file
from perspectives.core.exceptions import ApplicationError
from perspectives.core.formats import money_header
from perspectives.core.pdf import document_pdf
from perspectives.tenancy.permissions import current_membership, role_required

GENERAL_LEDGER_PAGE_LINES = 2000


# --- Helpers ---------------------------------------------------------------------------------


def _range(request: HttpRequest) -> tuple[DateRangeForm, dt.date, dt.date]:
    today = timezone.localdate()
    form = DateRangeForm(request.GET, year=selectors.fiscal_year_current(today=today), today=today)
    date_from, date_to = form.range()
    return form, date_from, date_to


def _wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def _wants_pdf(request: HttpRequest) -> bool:
    return request.GET.get("format") == "pdf"


def pdf_response(
    request: HttpRequest,
    *,
    template: str,
    filename: str,
    title: str,
    period: str,
    context: dict[str, Any],
    landscape: bool = False,
) -> HttpResponse:
    body = document_pdf(
        template=template,
        cooperative=current_membership(request).cooperative,
        title=title,
        period=period,
        context=context,
        landscape=landscape,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_refused(request: HttpRequest, *, count: int) -> HttpResponse:
    """A ledger too long to print: a clear message, the CSV instead (400, nothing rendered)."""
    query = request.GET.copy()
    query["format"] = "csv"
    csv_url = f"?{query.urlencode()}"
    query.pop("format")
    return render(
        request,
        "accounting/pdf_refused.html",
        {
            "count": count,
            "limit": pdf.PDF_MAX_LINES,
            "csv_url": csv_url,
            "page_url": f"?{query.urlencode()}",
        },
        status=400,
    )


def _activity(request: HttpRequest, activity_id: int) -> Activity:
    membership = current_membership(request)
    if not sees_statements(membership):
        raise PermissionDenied
    return selectors.activity_get_for_member(membership=membership, activity_id=activity_id)


def _stamp(date_from: dt.date, date_to: dt.date) -> str:
    return f"{date_from:%Y%m%d}-{date_to:%Y%m%d}"


# --- Whole ledger (accounting team and managers) ---------------------------------------------


@require_GET
def ledger_home(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    if not sees_statements(membership):
        raise PermissionDenied
    today = timezone.localdate()
    activities = list(selectors.activities_visible(membership=membership))
    years = list(selectors.fiscal_year_list()) if sees_whole_ledger(membership) else []
    context = {
        "whole": sees_whole_ledger(membership),
        "can_close": membership.has_role(*CLOSING_ROLES),
        "activities": activities,
        "years": years,
        "today": today,
    }
    return render(request, "accounting/home.html", context)


@require_GET
@role_required(*LEDGER_ROLES)
def trial_balance(request: HttpRequest, cooperative_slug: str) -> Any:
    form, date_from, date_to = _range(request)
    balance = selectors.trial_balance(date_from=date_from, date_to=date_to)
    if _wants_csv(request):
        return csv_response(
            f"balance-{_stamp(date_from, date_to)}.csv",
            [
                _("Compte"),
                _("Intitulé"),
                money_header(_("Débit")),
                money_header(_("Crédit")),
                money_header(_("Solde")),
            ],
            ([r.code, r.label, r.debit, r.credit, r.balance] for r in balance.rows),
        )
    if _wants_pdf(request):
        return pdf_response(
            request,
            template="accounting/pdf/trial_balance.html",
            filename=f"balance-{_stamp(date_from, date_to)}.pdf",
            title=_("Balance générale"),
            period=pdf.period_label(date_from, date_to),
            context={"balance": balance},
        )
    return render(
        request,
        "accounting/trial_balance.html",
        {"form": form, "balance": balance, "date_from": date_from, "date_to": date_to},
    )


GENERAL_LEDGER_CSV_HEADER = [
    gettext_lazy("Compte"),
    gettext_lazy("Date"),
    gettext_lazy("Journal"),
    gettext_lazy("N° écriture"),
    gettext_lazy("Pièce"),
    gettext_lazy("Libellé"),
    gettext_lazy("Activité"),
    gettext_lazy("Tiers"),
    gettext_lazy("Débit"),
    gettext_lazy("Crédit"),
    gettext_lazy("Lettrage"),
]
GENERAL_LEDGER_CSV_AMOUNTS = (8, 9)  # debit, credit


@require_GET
@role_required(*LEDGER_ROLES)
def general_ledger(request: HttpRequest, cooperative_slug: str) -> Any:
    """Grand livre; `?account=512` for one account's ledger, `?third_party=CODE` for one third
    party's (compte auxiliaire)."""
    form, date_from, date_to = _range(request)
    account, third_party = _ledger_filters(request)
    scope: dict[str, Any] = {
        "date_from": date_from,
        "date_to": date_to,
        "account_ids": [account.pk] if account else None,
        "third_party_id": third_party.pk if third_party else None,
    }
    if _wants_csv(request):
        lines = selectors.ledger_lines(**scope)
        return csv_response(
            f"grand-livre-{_stamp(date_from, date_to)}.csv",
            [
                money_header(name) if index in GENERAL_LEDGER_CSV_AMOUNTS else str(name)
                for index, name in enumerate(GENERAL_LEDGER_CSV_HEADER)
            ],
            (
                _ledger_csv_row(line)
                for line in selectors.with_entries(lines.iterator(chunk_size=2000))
            ),
        )
    count = selectors.ledger_lines(**scope).count()
    if _wants_pdf(request):
        if count > pdf.PDF_MAX_LINES:
            return pdf_refused(request, count=count)
        title, name = _ledger_title(account, third_party)
        return _ledger_pdf(
            request,
            sections=selectors.general_ledger(**scope),
            title=title,
            filename=f"{name}-{_stamp(date_from, date_to)}.pdf",
            date_from=date_from,
            date_to=date_to,
            show_activity=True,
        )
    # Beyond a page: the whole ledger asks for an account; one account shows its first lines.
    too_many = count > GENERAL_LEDGER_PAGE_LINES and account is None and third_party is None
    truncated = count > GENERAL_LEDGER_PAGE_LINES and not too_many
    limit = GENERAL_LEDGER_PAGE_LINES if truncated else None
    sections = [] if too_many else selectors.general_ledger(**scope, limit=limit)
    return render(
        request,
        "accounting/general_ledger.html",
        {
            "form": form,
            "sections": sections,
            "account": account,
            "third_party": third_party,
            "too_many": too_many,
            "truncated": truncated,
            "limit": GENERAL_LEDGER_PAGE_LINES,
            "count": count,
            "accounts": selectors.account_list(),
            "date_from": date_from,
            "date_to": date_to,
        },
    )


def _ledger_filters(request: HttpRequest) -> tuple[Account | None, ThirdParty | None]:
    """The account and third party asked for in the query string; 404 for an unknown one."""
    account_code = request.GET.get("account", "").strip()[:20]
    third_party_code = request.GET.get("third_party", "").strip()[:17]
    account = selectors.account_by_code(code=account_code) if account_code else None
    third_party = selectors.third_party_by_code(code=third_party_code) if third_party_code else None
    if (account_code and account is None) or (third_party_code and third_party is None):
        raise Http404
    return account, third_party


def _ledger_csv_row(line: EntryLine) -> list[object]:
    return [
        line.account.code,
        line.date.isoformat(),
        line.entry.journal.code,
        line.entry.reference,
        line.entry.piece_ref,
        line.label or line.entry.label,
        line.activity.analytic_code if line.activity else "STRUCTURE",
        line.third_party.code if line.third_party else "",
        line.debit,
        line.credit,
        line.lettering or "",
    ]


def _ledger_title(account: Account | None, third_party: ThirdParty | None) -> tuple[str, str]:
    """The PDF's title and file name stem."""
    if account is not None:
        title = _("Grand livre du compte %(code)s · %(label)s") % {
            "code": account.code,
            "label": account.label,
        }
        return title, f"grand-livre-{account.code}"
    if third_party is not None:
        title = _("Compte auxiliaire %(code)s · %(name)s") % {
            "code": third_party.code,
            "name": third_party.name,
        }
        return title, f"compte-{third_party.code}"
    return _("Grand livre"), "grand-livre"


def _ledger_pdf(
    request: HttpRequest,
    *,
    sections: list[selectors.LedgerSection],
    title: str,
    filename: str,
    date_from: dt.date,
    date_to: dt.date,
    show_activity: bool,
) -> HttpResponse:
    return pdf_response(
        request,
        template="accounting/pdf/ledger.html",
        filename=filename,
        title=title,
        period=pdf.period_label(date_from, date_to),
        context={
            "sections": sections,
            "show_activity": show_activity,
            "total_debit": sum((s.total_debit for s in sections), Decimal(0)),
            "total_credit": sum((s.total_credit for s in sections), Decimal(0)),
        },
        landscape=True,
    )


# --- Per activity ----------------------------------------------------------------------------


@require_GET
def activity_ledger(request: HttpRequest, cooperative_slug: str, activity_id: int) -> Any:
    activity = _activity(request, activity_id)
    form, date_from, date_to = _range(request)
    scope = frozenset({activity.pk})
    if _wants_csv(request):
        lines = selectors.ledger_lines(date_from=date_from, date_to=date_to, scope=scope)
        return csv_response(
            f"grand-livre-{activity.analytic_code}-{_stamp(date_from, date_to)}.csv",
            [
                _("Compte"),
                _("Date"),
                _("Journal"),
                _("N° écriture"),
                _("Pièce"),
                _("Libellé"),
                _("Tiers"),
                money_header(_("Débit")),
                money_header(_("Crédit")),
            ],
            (
                [
                    line.account.code,
                    line.date.isoformat(),
                    line.entry.journal.code,
                    line.entry.reference,
                    line.entry.piece_ref,
                    line.label or line.entry.label,
                    line.third_party.code if line.third_party else "",
                    line.debit,
                    line.credit,
                ]
                for line in selectors.with_entries(lines.iterator(chunk_size=2000))
            ),
        )
    if _wants_pdf(request):
        count = selectors.ledger_lines(date_from=date_from, date_to=date_to, scope=scope).count()
        if count > pdf.PDF_MAX_LINES:
            return pdf_refused(request, count=count)
        return _ledger_pdf(
            request,
            sections=selectors.general_ledger(date_from=date_from, date_to=date_to, scope=scope),
            title=_("Grand livre analytique · %(code)s %(name)s")
            % {"code": activity.analytic_code, "name": activity.name},
            filename=f"grand-livre-{activity.analytic_code}-{_stamp(date_from, date_to)}.pdf",
            date_from=date_from,
            date_to=date_to,
            show_activity=False,
        )
    sections = selectors.general_ledger(date_from=date_from, date_to=date_to, scope=scope)
    return render(
        request,
        "accounting/activity_ledger.html",
        {
            "form": form,
            "activity": activity,
            "sections": sections,
            "date_from": date_from,
            "date_to": date_to,
        },
    )


@require_GET
def activity_pnl(request: HttpRequest, cooperative_slug: str, activity_id: int) -> Any:
    activity = _activity(request, activity_id)
    form, date_from, date_to = _range(request)
    pnl = selectors.activity_pnl(
        scope=frozenset({activity.pk}), date_from=date_from, date_to=date_to
    )
    if _wants_csv(request):
        rows: list[list[Any]] = [[_("Produits"), r.code, r.label, r.amount] for r in pnl.income]
        rows += [[_("Charges"), r.code, r.label, r.amount] for r in pnl.expenses]
        rows.append([_("Résultat"), "", "", pnl.result])
        return csv_response(
            f"resultat-{activity.analytic_code}-{_stamp(date_from, date_to)}.csv",
            [_("Rubrique"), _("Compte"), _("Intitulé"), money_header(_("Montant"))],
            rows,
        )
    if _wants_pdf(request):
        return pdf_response(
            request,
            template="accounting/pdf/pnl.html",
            filename=f"resultat-{activity.analytic_code}-{_stamp(date_from, date_to)}.pdf",
            title=_("Compte de résultat · %(code)s %(name)s")
            % {"code": activity.analytic_code, "name": activity.name},
            period=pdf.period_label(date_from, date_to),
            context={"pnl": pnl, "chart": pdf.pnl_chart_svg(pnl)},
        )
    return render(
        request,
        "accounting/activity_pnl.html",
        {
            "form": form,
            "activity": activity,
            "pnl": pnl,
            "date_from": date_from,
            "date_to": date_to,
        },
    )


def treasury_rows(treasury: selectors.Treasury) -> list[tuple[str, str, Decimal, bool]]:
    """(operator, label, amount, is_total) in the enDI order; the amounts keep their sign in
    the statement's arithmetic (what is due is subtracted)."""
    return [
        ("", _("Trésorerie disponible"), treasury.cash, False),
        ("−", _("Impôts et taxes à payer"), treasury.taxes_due, False),
        ("−", _("Fournisseurs à payer"), treasury.suppliers_due, False),
        ("=", _("Trésorerie de référence"), treasury.reference, True),
        ("−", _("Salaires et charges sociales à payer"), treasury.salaries_due, False),
        ("−", _("Frais à rembourser"), treasury.expenses_due, False),
        ("+", _("Clients à encaisser"), treasury.customers_due, False),
        ("=", _("Trésorerie future"), treasury.future, True),
    ]


@require_GET
def activity_treasury(request: HttpRequest, cooperative_slug: str, activity_id: int) -> Any:
    activity = _activity(request, activity_id)
    form = AsOfForm(request.GET, today=timezone.localdate())
    as_of = form.day()
    treasury = selectors.treasury_statement(scope=frozenset({activity.pk}), as_of=as_of)
    rows = treasury_rows(treasury)
    if _wants_csv(request):
        return csv_response(
            f"tresorerie-{activity.analytic_code}-{as_of:%Y%m%d}.csv",
            [_("Rubrique"), money_header(_("Montant"))],
            # Signed, so that the column adds up: what is due is negative.
            ([label, -value if op == "−" else value] for op, label, value, _total in rows),
        )
    if _wants_pdf(request):
        return pdf_response(
            request,
            template="accounting/pdf/treasury.html",
            filename=f"tresorerie-{activity.analytic_code}-{as_of:%Y%m%d}.pdf",
            title=_("État de trésorerie · %(code)s %(name)s")
            % {"code": activity.analytic_code, "name": activity.name},
            period=pdf.period_label(None, as_of),
            context={"rows": rows},
        )
    return render(
        request,
        "accounting/activity_treasury.html",
        {"form": form, "activity": activity, "rows": rows, "as_of": as_of},
    )


# --- FEC and integrity -----------------------------------------------------------------------


@require_GET
@role_required(*LEDGER_ROLES)
def fec_download(request: HttpRequest, cooperative_slug: str) -> Any:
    """The FEC of a fiscal year (`?year=<id>`), or its description file (`&description=1`)."""
    membership = current_membership(request)
    cooperative = membership.cooperative
    year_param = request.GET.get("year", "")
    if not year_param:
        return render(
            request,
            "accounting/fec.html",
            {"years": selectors.fiscal_year_list(), "cooperative": cooperative},
        )
    if not year_param.isdigit():
        raise Http404
    year = selectors.fiscal_year_get(fiscal_year_id=int(year_param))
    name = fec.fec_filename(cooperative, year)
    if request.GET.get("description"):
        body = fec.fec_description(cooperative, year).encode("utf-8")
        response = HttpResponse(body, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{name.removesuffix(".txt")}_description.txt"'
        )
        return response
    spool = spooled_file()
    for line in fec.fec_lines(cooperative, year):
        spool.write(line.encode("utf-8"))
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=name, content_type="text/plain; charset=utf-8"
    )


@require_GET
@role_required(*LEDGER_ROLES)
def ledger_verify(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Re-check the rules and the hash chain of one fiscal year (`?year=<id>`)."""
    years = list(selectors.fiscal_year_list())
    year_param = request.GET.get("year", "")
    report = None
    year = None
    if year_param.isdigit():
        year = selectors.fiscal_year_get(fiscal_year_id=int(year_param))
        report = integrity.ledger_verify(fiscal_year=year)
    return render(
        request, "accounting/verify.html", {"years": years, "year": year, "report": report}
    )


# --- Closing ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*CLOSING_ROLES)
def fiscal_year_closing(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The fiscal years and their closing (`?year=<id>`): result per section, seal, opening
    entries generated in the next year. POST `action=start` (soft locks) or `action=close` (a
    worker seals the year and posts the opening entries; the page follows its progress)."""
    year_param = request.POST.get("year") if request.method == "POST" else request.GET.get("year")
    year = None
    if year_param:
        if not year_param.isdigit():
            raise Http404
        year = selectors.fiscal_year_get(fiscal_year_id=int(year_param))
    if request.method == "POST":
        if year is None:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "start":
                services.fiscal_year_start_closing(fiscal_year=year)
                messages.success(
                    request,
                    _("Exercice en clôture : ses périodes sont verrouillées provisoirement."),
                )
            elif action == "close":
                services.fiscal_year_close_request(fiscal_year=year, user=request.user)  # type: ignore[arg-type]
                messages.success(
                    request,
                    _("Clôture lancée : l'exercice sera scellé et ses à-nouveaux passés."),
                )
            else:
                messages.error(request, _("Action inconnue."))
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect(f"{request.path}?year={year.pk}")
    context: dict[str, Any] = {"years": selectors.fiscal_year_list(), "year": year}
    if year is not None:
        context["results"] = results = selectors.year_results(fiscal_year=year)
        context["total_result"] = sum((r.result for r in results), Decimal(0))
        context["openings"] = selectors.opening_entries(fiscal_year=year)
        context["earlier_open"] = selectors.fiscal_year_earlier_open(fiscal_year=year)
        context["closing"] = services.closing_state(fiscal_year=year)
    return render(request, "accounting/closing.html", context)
