"""Expense reports (notes de dépenses): a monthly sheet per entrepreneur with expense lines and
mileage allowances, submitted, validated by support staff and posted, then reimbursed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.services import LineInput, entry_post, fiscal_year_ensure
from accounting.services.fiscal import month_end
from entrepreneurs.models import Activity, Entrepreneur
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from purchases import mileage
from purchases.models import (
    EXPENSE_ACCOUNTS,
    MILEAGE_ACCOUNT,
    ExpenseCategory,
    ExpenseLine,
    ExpenseReport,
    MileageAllowance,
)
from purchases.services.common import (
    DEDUCTIBLE_VAT,
    EXPENSES_JOURNAL,
    account_get,
    entrepreneur_third_party,
    money,
    settings_get,
    upload_check,
)


def _check_activity(entrepreneur: Entrepreneur, activity: Activity) -> None:
    if not activity.members.filter(entrepreneur=entrepreneur).exists():
        raise ApplicationError(
            _("%(name)s ne fait pas partie de l'activité %(activity)s.")
            % {"name": entrepreneur, "activity": activity}
        )


@transaction.atomic
def expense_report_get_or_create(*, entrepreneur: Entrepreneur, day: dt.date) -> ExpenseReport:
    report, _created = ExpenseReport.objects.get_or_create(
        cooperative_id=require_cooperative_id(),
        entrepreneur=entrepreneur,
        month=day.replace(day=1),
    )
    return report


def _editable(report: ExpenseReport) -> ExpenseReport:
    locked: ExpenseReport = ExpenseReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ExpenseReport.Status.DRAFT:
        raise ApplicationError(_("Cette note est déjà soumise : elle ne change plus."))
    return locked


def _in_month(report: ExpenseReport, day: dt.date) -> None:
    if day.replace(day=1) != report.month:
        raise ApplicationError(
            _("La date %(day)s n'est pas dans le mois de la note (%(month)s).")
            % {"day": day.strftime("%d/%m/%Y"), "month": report.month.strftime("%m/%Y")}
        )


@transaction.atomic
def expense_line_add(
    *,
    report: ExpenseReport,
    activity: Activity,
    day: dt.date,
    category: str,
    label: str,
    amount_incl_tax: Decimal,
    vat_recoverable: Decimal = Decimal(0),
    receipt: UploadedFile | None = None,
) -> ExpenseLine:
    report = _editable(report)
    _in_month(report, day)
    _check_activity(report.entrepreneur, activity)
    if category not in ExpenseCategory.values:
        raise ApplicationError(_("Catégorie de dépense inconnue."))
    amount, vat = money(amount_incl_tax), money(vat_recoverable)
    if amount <= 0:
        raise ApplicationError(_("Le montant doit être positif."))
    if vat < 0 or vat >= amount:
        raise ApplicationError(_("La TVA récupérable est comprise entre 0 et le montant TTC."))
    threshold = settings_get().receipt_required_above
    if receipt is None and amount > threshold:
        raise ApplicationError(
            _("Joignez le justificatif (obligatoire au-delà de %(threshold)s € TTC).")
            % {"threshold": threshold}
        )
    line = ExpenseLine(
        cooperative_id=report.cooperative_id,
        report=report,
        activity=activity,
        date=day,
        category=category,
        label=label.strip()[:200] or str(ExpenseCategory(category).label),
        amount_incl_tax=amount,
        vat_recoverable=vat,
    )
    if receipt is not None:
        line.receipt_sha256 = upload_check(receipt)
        line.receipt_name = (receipt.name or "justificatif")[:255]
        line.receipt_type = (receipt.content_type or "")[:100]
        line.receipt.save(receipt.name or "justificatif", receipt, save=False)
    line.save()
    return line


def mileage_km_before(
    *, entrepreneur: Entrepreneur, year: int, vehicle: str, fiscal_power: int, electric: bool
) -> Decimal:
    """Kilometres of this vehicle class already claimed this year, on every sheet."""
    total = MileageAllowance.objects.filter(
        report__entrepreneur=entrepreneur,
        date__year=year,
        vehicle=vehicle,
        fiscal_power=fiscal_power,
        electric=electric,
    ).aggregate(total=Sum("km"))["total"]
    return Decimal(total or 0)


@transaction.atomic
def mileage_add(
    *,
    report: ExpenseReport,
    activity: Activity,
    day: dt.date,
    vehicle: str,
    fiscal_power: int,
    km: Decimal,
    purpose: str,
    electric: bool = False,
    route: str = "",
    registration: str = "",
) -> MileageAllowance:
    """A mileage claim paid at the scale on the year's cumulative distance."""
    report = _editable(report)
    _in_month(report, day)
    _check_activity(report.entrepreneur, activity)
    if vehicle not in MileageAllowance.Vehicle.values:
        raise ApplicationError(_("Type de véhicule inconnu."))
    km = Decimal(km).quantize(Decimal("0.1"))
    if km <= 0:
        raise ApplicationError(_("Le nombre de kilomètres doit être positif."))
    if not purpose.strip():
        raise ApplicationError(_("Indiquez le motif du déplacement."))
    if vehicle != MileageAllowance.Vehicle.MOPED and fiscal_power < 1:
        raise ApplicationError(_("Indiquez la puissance fiscale du véhicule (CV)."))
    # Serialise the claims of one person: the yearly total must not be read twice at once.
    Entrepreneur.objects.select_for_update().filter(pk=report.entrepreneur_id).first()
    before = mileage_km_before(
        entrepreneur=report.entrepreneur,
        year=day.year,
        vehicle=vehicle,
        fiscal_power=fiscal_power,
        electric=electric,
    )
    amount, row = mileage.allowance(
        vehicle=vehicle,
        fiscal_power=fiscal_power,
        electric=electric,
        day=day,
        km_before=before,
        km=km,
    )
    allowance: MileageAllowance = MileageAllowance.objects.create(
        cooperative_id=report.cooperative_id,
        report=report,
        activity=activity,
        date=day,
        vehicle=vehicle,
        fiscal_power=fiscal_power,
        electric=electric,
        registration=registration[:20],
        purpose=purpose.strip()[:200],
        route=route[:200],
        km=km,
        km_before=before,
        amount=amount,
        scale_reference=row.reference[:200],
    )
    return allowance


def expense_report_totals(report: ExpenseReport) -> dict[int, Decimal]:
    """Amount owed to the entrepreneur per activity."""
    owed: dict[int, Decimal] = defaultdict(Decimal)
    for line in report.lines.all():
        owed[line.activity_id] += line.amount_incl_tax
    for claim in report.mileage.all():
        owed[claim.activity_id] += claim.amount
    return dict(owed)


def expense_report_total(report: ExpenseReport) -> Decimal:
    return sum(expense_report_totals(report).values(), Decimal(0))


@transaction.atomic
def expense_report_submit(*, report: ExpenseReport) -> ExpenseReport:
    report = _editable(report)
    if not report.lines.exists() and not report.mileage.exists():
        raise ApplicationError(_("La note est vide."))
    report.status = ExpenseReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    return report


@transaction.atomic
def expense_report_validate(*, report: ExpenseReport, user: User | None) -> ExpenseReport:
    """Validate and post, per activity: D 6xx (amount less recoverable VAT), D 44566, mileage
    D 625, and C the expense payable account on the entrepreneur's own auxiliary account."""
    report = ExpenseReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ExpenseReport.Status.SUBMITTED:
        raise ApplicationError(_("Seule une note soumise se valide."))
    payable_code = settings_get().expense_payable_account
    third_party = entrepreneur_third_party(report.entrepreneur, payable_code)
    day = month_end(report.month)
    label = (
        _("Note de dépenses %(month)s · %(name)s")
        % {
            "month": report.month.strftime("%m/%Y"),
            "name": f"{report.entrepreneur.first_name} {report.entrepreneur.last_name}",
        }
    )[:200]
    debits: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for line in report.lines.all():
        debits[(EXPENSE_ACCOUNTS[line.category], line.activity_id)] += (
            line.amount_incl_tax - line.vat_recoverable
        )
        debits[(DEDUCTIBLE_VAT, line.activity_id)] += line.vat_recoverable
    for claim in report.mileage.all():
        debits[(MILEAGE_ACCOUNT, claim.activity_id)] += claim.amount
    for code, _activity in debits:
        account_get(code)
    account_get(payable_code)
    fiscal_year_ensure(day=day)
    lines = [
        LineInput(code, debit=amount, activity=activity, label=label)
        for (code, activity), amount in sorted(debits.items())
        if amount
    ]
    lines += [
        LineInput(
            payable_code, credit=amount, activity=activity, third_party=third_party, label=label
        )
        for activity, amount in sorted(expense_report_totals(report).items())
    ]
    report.entry = entry_post(
        journal=EXPENSES_JOURNAL,
        date=day,
        label=label,
        lines=lines,
        idempotency_key=f"expense-report:{report.pk}",
        piece_ref=f"NDF-{report.pk}",
        source="purchases",
        user=user,
    )
    report.status = ExpenseReport.Status.VALIDATED
    report.validated_by = user
    report.validated_at = timezone.now()
    report.save(update_fields=["entry", "status", "validated_by", "validated_at"])
    return report
