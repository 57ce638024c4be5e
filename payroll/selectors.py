"""Reads of the payroll app."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from payroll.engine import (
    Company,
    ParameterRow,
    Parameters,
    PayslipInput,
    YearToDate,
    gross_from_budget,
    payslip_compute,
)
from payroll.engine import (
    Payslip as EnginePayslip,
)
from payroll.engine.absences import LeaveState
from payroll.engine.payslip import year_to_date_from_json
from payroll.models import (
    LegalParameter,
    OpeningBalance,
    PayProfile,
    PayrollRun,
    PayrollSettings,
    Payslip,
)
from payroll.rights import OpeningLeave
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.models import Membership, Role


def parameters_at(date: dt.date) -> Parameters:
    """The legal parameters in force on `date`: for each key, its latest value dated on or before
    `date`. Raises a French ApplicationError when the table is empty for that date."""
    rows = [
        ParameterRow(row.key, row.valid_from, row.value, row.reference, row.source)
        for row in LegalParameter.objects.filter(valid_from__lte=date).order_by("key", "valid_from")
    ]
    if not rows:
        raise ApplicationError(
            f"Aucun paramètre légal de paie au {date:%d/%m/%Y} : chargez-les avec "
            "« manage.py payroll_parameters_load »."
        )
    return Parameters.from_rows(date, rows)


def payroll_settings_at(date: dt.date) -> PayrollSettings | None:
    """The active cooperative's settings in force on `date`."""
    return PayrollSettings.objects.filter(valid_from__lte=date).order_by("-valid_from").first()


def company_at(date: dt.date) -> Company:
    settings = payroll_settings_at(date)
    if settings is None:
        raise ApplicationError(
            f"Les paramètres de paie de la coopérative ne sont pas renseignés au {date:%d/%m/%Y} "
            "(effectif, taux accident du travail)."
        )
    return Company(
        headcount=settings.headcount,
        at_rate=settings.at_rate,
        mutuelle_employee=settings.mutuelle_employee,
        mutuelle_employer=settings.mutuelle_employer,
        prevoyance_employee_rate=settings.prevoyance_employee_rate,
        prevoyance_employer_rate=settings.prevoyance_employer_rate,
        mobility_rate=settings.mobility_rate,
        alsace_moselle=settings.alsace_moselle,
    )


# Who sees every payslip of the cooperative; an entrepreneur sees only their own issued ones.
PAYROLL_ROLES = (Role.PAYROLL, Role.MANAGER, Role.ADMIN)


def payroll_run_list() -> QuerySet[PayrollRun]:
    # Monthly payslips only: a regularisation payslip is not one more person computed.
    # Drafts of an earlier computation do not count while a recomputation runs.
    runs: QuerySet[PayrollRun] = PayrollRun.objects.annotate(
        computed=Count(
            "payslips",
            filter=Q(payslips__kind=Payslip.Kind.MONTHLY)
            & (
                Q(computation_started_at__isnull=True)
                | Q(payslips__computed_at__gte=F("computation_started_at"))
            ),
        ),
        pdf_ready=Count(
            "payslips", filter=Q(payslips__issued_at__isnull=False) & ~Q(payslips__pdf="")
        ),
        issued=Count("payslips", filter=Q(payslips__issued_at__isnull=False)),
    )
    return runs.order_by("-period")


def payroll_run_get_for_member(*, membership: Membership, run_id: int) -> PayrollRun:
    runs = payroll_run_list() if membership.has_role(*PAYROLL_ROLES) else PayrollRun.objects.none()
    run: PayrollRun = get_object_or_404(runs, pk=run_id)
    return run


def payslips_to_pay(*, run_id: int) -> QuerySet[Payslip]:
    """The issued payslips of a run whose net is to be paid: the latest version of each (a
    payslip that a correction replaces was reversed in the ledger)."""
    replaced = Payslip.objects.filter(replaces__isnull=False).values("replaces_id")
    return (
        Payslip.objects.filter(run_id=run_id, issued_at__isnull=False)
        .exclude(pk__in=replaced)
        .select_related("entrepreneur")
        .order_by("entrepreneur_id", "kind", "pk")
    )


def payslip_list_visible(*, membership: Membership) -> QuerySet[Payslip]:
    payslips = Payslip.objects.select_related("entrepreneur", "run")
    if membership.has_role(*PAYROLL_ROLES):
        return payslips
    return payslips.filter(entrepreneur__user_id=membership.user_id, issued_at__isnull=False)


def payslip_get_for_member(*, membership: Membership, payslip_id: int) -> Payslip:
    """The same 404 for a missing payslip, another cooperative's and another person's."""
    payslip: Payslip = get_object_or_404(payslip_list_visible(membership=membership), pk=payslip_id)
    return payslip


def payslip_line_groups(payslip: Payslip) -> list[tuple[str, list[dict[str, str]]]]:
    """The payslip's contribution lines grouped by risk, in the order the law gives them."""
    groups: list[tuple[str, list[dict[str, str]]]] = []
    for line in payslip.data["lines"]:
        if not groups or groups[-1][0] != line["group_label"]:
            groups.append((line["group_label"], []))
        groups[-1][1].append(line)
    return groups


def payslip_history(*, entrepreneur_id: int) -> list[tuple[dt.date, Decimal]]:
    """(month, gross) of the entrepreneur's issued payslips, the latest version of each month."""
    latest: dict[tuple[dt.date, str], Decimal] = {}
    for period, kind, gross in (
        Payslip.objects.filter(entrepreneur_id=entrepreneur_id, issued_at__isnull=False)
        .order_by("period", "kind", "version")
        .values_list("period", "kind", "gross")
    ):
        latest[(period, kind)] = gross
    # A month's regularisation payslip adds to its monthly one.
    months: dict[dt.date, Decimal] = {}
    for (period, _kind), gross in latest.items():
        months[period] = months.get(period, Decimal(0)) + gross
    return sorted(months.items())


def leave_counters_get(*, entrepreneur_id: int) -> LeaveState | None:
    """The running paid-leave counters of the entrepreneur's last issued monthly payslip (the
    latest version of its month), None before the first of them."""
    payslip = (
        Payslip.objects.filter(
            entrepreneur_id=entrepreneur_id,
            issued_at__isnull=False,
            kind=Payslip.Kind.MONTHLY,
            data__has_key="leave",
        )
        .order_by("-period", "-version")
        .first()
    )
    if payslip is None:
        return None
    leave = payslip.data["leave"]
    return LeaveState(Decimal(leave["acquired"]), Decimal(leave["taken"]))


def opening_leave_get(*, entrepreneur_id: int, today: dt.date) -> OpeningLeave | None:
    """The paid-leave counters of the entrepreneur's latest opening balance up to this year, and
    the reference period of the move: that of their first payslip issued here from the balance's
    year on, or this month's while none is."""
    opening = (
        OpeningBalance.objects.filter(entrepreneur_id=entrepreneur_id, year__lte=today.year)
        .order_by("-year")
        .first()
    )
    if opening is None:
        return None
    first = (
        Payslip.objects.filter(
            entrepreneur_id=entrepreneur_id,
            issued_at__isnull=False,
            period__gte=dt.date(opening.year, 1, 1),
        )
        .order_by("period")
        .values_list("period", flat=True)
        .first()
    )
    moved = first or today.replace(day=1)
    return OpeningLeave(
        period_start=dt.date(moved.year if moved.month >= 6 else moved.year - 1, 6, 1),
        acquired=opening.leave_acquired,
        taken=opening.leave_taken,
    )


def opening_balance_list() -> QuerySet[OpeningBalance]:
    """Every opening balance of the cooperative, latest year first, then by person."""
    return OpeningBalance.objects.select_related("entrepreneur", "recorded_by").order_by(
        "-year", "entrepreneur__last_name", "entrepreneur__first_name", "pk"
    )


def pay_profile_get(*, entrepreneur_id: int) -> PayProfile | None:
    return PayProfile.objects.filter(entrepreneur_id=entrepreneur_id).first()


def payslip_year_to_date(*, entrepreneur_id: int, period: dt.date) -> YearToDate:
    """Cumulatives of the entrepreneur's issued payslips earlier in the same calendar year; before
    the first of them, the year's opening balance (the previous software's figures), if any."""
    previous = (
        Payslip.objects.filter(
            entrepreneur_id=entrepreneur_id,
            issued_at__isnull=False,
            period__year=period.year,
            period__lt=period,
        )
        # The regularisation payslip of a month comes after its monthly payslip.
        .order_by("-period", "-kind", "-version")
        .first()
    )
    if previous is not None:
        return year_to_date_from_json(previous.data["ytd"])
    opening = OpeningBalance.objects.filter(
        entrepreneur_id=entrepreneur_id, year=period.year
    ).first()
    if opening is None:
        return YearToDate()
    return YearToDate(
        gross=opening.gross,
        smic=opening.smic,
        reduction=opening.reduction,
        net_social=opening.net_social,
        taxable=opening.taxable,
        employer_cost=opening.employer_cost,
    )


def payslip_simulate(
    *,
    period: dt.date,
    status: str,
    gross: Decimal | None = None,
    budget: Decimal | None = None,
    pas_rate: Decimal | None = None,
) -> EnginePayslip:
    """One payslip with the cooperative's settings of the month, from a gross or from a budget
    (the total employer cost to fit), stored nowhere."""
    if (gross is None) == (budget is None):
        raise ApplicationError(_("Indiquez soit un salaire brut, soit un budget."))
    params = parameters_at(period)
    template = PayslipInput(
        period=period,
        gross=Decimal(0),
        status=status,
        company=company_at(period),
        pas_rate=pas_rate,
    )
    if gross is None:
        return gross_from_budget(params, budget=budget or Decimal(0), template=template)
    return payslip_compute(params, replace(template, gross=gross))
