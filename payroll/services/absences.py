"""Absences entered for a run (paid leave, sick leave) and the paid-leave counters read from the
payslips: writes and reads of the absence sub-domain."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from entrepreneurs.models import Entrepreneur
from payroll.engine.absences import (
    AbsencePeriod,
    LeaveReference,
    LeaveState,
    MonthAbsences,
    SickReference,
    month_absences,
    month_end,
)
from payroll.engine.money import ZERO
from payroll.engine.parameters import Parameters
from payroll.models import (
    Absence,
    OpeningBalance,
    PayProfile,
    PayrollRun,
    PayrollSettings,
    Payslip,
)
from payroll.services.run_lock import locked_run
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError


def _months_before(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def leave_period_start(period: dt.date) -> dt.date:
    """Paid leave is acquired from 1 June to 31 May (L3141-10, absent an agreement)."""
    return dt.date(period.year if period.month >= 6 else period.year - 1, 6, 1)


def _issued_latest(entrepreneur_id: int, *, before: dt.date) -> list[Payslip]:
    """The latest issued version of each (month, kind) before `before`, oldest first."""
    latest: dict[tuple[dt.date, str], Payslip] = {}
    for payslip in Payslip.objects.filter(
        entrepreneur_id=entrepreneur_id, issued_at__isnull=False, period__lt=before
    ).order_by("period", "kind", "version"):
        latest[(payslip.period, payslip.kind)] = payslip
    return list(latest.values())


def leave_state_before(*, entrepreneur_id: int, period: dt.date) -> LeaveState:
    """The counters carried by the last issued monthly payslip before `period`; before the first
    of them, those of the latest opening balance (the previous software's counters), if any."""
    for payslip in reversed(_issued_latest(entrepreneur_id, before=period)):
        leave = payslip.data.get("leave")
        if payslip.kind == Payslip.Kind.MONTHLY and leave:
            return LeaveState(Decimal(leave["acquired"]), Decimal(leave["taken"]))
    opening = (
        OpeningBalance.objects.filter(entrepreneur_id=entrepreneur_id, year__lte=period.year)
        .order_by("-year")
        .first()
    )
    if opening is not None:
        return LeaveState(opening.leave_acquired, opening.leave_taken)
    return LeaveState()


def _leave_reference(payslips: list[Payslip], period: dt.date) -> LeaveReference:
    """Gross and days acquired over the last complete reference period, or the current one so
    far for a newcomer (the 1/10 rule's base, L3141-24)."""
    current = leave_period_start(period)
    previous = dt.date(current.year - 1, 6, 1)
    for start, end in ((previous, current), (current, period)):
        chosen = [p for p in payslips if start <= p.period < end]
        if chosen:
            return LeaveReference(
                gross=sum((p.gross for p in chosen), ZERO),
                days=sum(
                    (
                        Decimal(p.data["leave"]["month_acquired"])
                        for p in chosen
                        if p.kind == Payslip.Kind.MONTHLY and p.data.get("leave")
                    ),
                    ZERO,
                ),
            )
    return LeaveReference(gross=ZERO, days=ZERO)


def _gross_between(payslips: list[Payslip], start: dt.date, end: dt.date) -> Decimal:
    return sum((p.gross for p in payslips if start <= p.period < end), ZERO)


@dataclass(frozen=True)
class MonthInputs:
    absences: MonthAbsences
    periods: list[Absence]


def month_inputs(
    params: Parameters, *, run: PayrollRun, profile: PayProfile, base_gross: Decimal
) -> MonthInputs:
    """Everything the month's absences put on the payslip, from the run's absences and the
    entrepreneur's issued payslips."""
    entrepreneur = profile.entrepreneur
    absences = list(
        Absence.objects.filter(run=run, entrepreneur_id=entrepreneur.pk).order_by("start")
    )
    history = _issued_latest(entrepreneur.pk, before=run.period)
    sick = [a for a in absences if a.kind == Absence.Kind.SICK]
    sick_reference = None
    if sick:
        spell_month = sick[0].spell_start.replace(day=1)
        start = entrepreneur.cesa_start
        sick_reference = SickReference(
            gross_last_3_months=_gross_between(
                history, _months_before(spell_month, 3), spell_month
            ),
            gross_last_6_months=_gross_between(
                history, _months_before(spell_month, 6), spell_month
            ),
            seniority_years=(sick[0].spell_start - start).days // 365 if start else 0,
        )
    settings = (
        PayrollSettings.objects.filter(valid_from__lte=run.period).order_by("-valid_from").first()
    )
    exit_on = entrepreneur.exited_on
    computed = month_absences(
        params,
        period=run.period,
        base_gross=base_gross,
        absences=tuple(
            AbsencePeriod(a.kind, a.start, a.end, a.spell_start, a.subrogation) for a in absences
        ),
        leave_before=leave_state_before(entrepreneur_id=entrepreneur.pk, period=run.period),
        leave_reference=_leave_reference(history, run.period),
        sick_reference=sick_reference,
        leave_method=settings.leave_method if settings else "best",
        exit_on=exit_on if exit_on and exit_on <= month_end(run.period) else None,
    )
    return MonthInputs(computed, absences)


def month_data(inputs: MonthInputs) -> dict[str, Any]:
    """What the payslip stores about the month's absences and leave (decimal strings)."""
    computed = inputs.absences
    return {
        "leave": {
            "acquired": str(computed.leave.acquired),
            "taken": str(computed.leave.taken),
            "remaining": str(computed.leave.remaining),
            "month_acquired": str(computed.leave_acquired),
            "month_taken": str(computed.leave_taken),
        },
        "absences": [
            {
                "kind": a.kind,
                "label": str(a.get_kind_display()),
                "start": f"{a.start:%d/%m/%Y}",
                "end": f"{a.end:%d/%m/%Y}",
                "subrogation": a.subrogation,
            }
            for a in inputs.periods
        ],
        "ijss_estimate": str(computed.ijss_estimate),
        "warnings": list(computed.warnings),
    }


# --- Writes ------------------------------------------------------------------------------------


# Long on purpose: one absence checked against the month, the contract and the rights, in the order
# a payroll officer checks them.
@transaction.atomic
def absence_add(
    *,
    run_id: int,
    entrepreneur_id: int,
    kind: str,
    start: dt.date,
    end: dt.date,
    subrogation: bool = False,
    created_by: User | None = None,
) -> Absence:
    """Record a paid leave or a sick leave of the run's month, refused in French when the
    dates are reversed, leave the month, precede the hire or follow the exit, overlap another
    absence, or exceed the paid-leave balance."""
    from payroll.engine.absences import working_days
    from payroll.selectors import parameters_at

    run = locked_run(run_id)
    # One absence at a time per person: the profile row serialises concurrent entries.
    profile = (
        PayProfile.objects.select_for_update(of=("self",))
        .select_related("entrepreneur")
        .filter(entrepreneur_id=entrepreneur_id)
        .first()
    )
    if profile is None:
        raise ApplicationError(_("Cette personne n'a pas de profil de rémunération."))
    entrepreneur: Entrepreneur = profile.entrepreneur
    if kind not in Absence.Kind.values:
        raise ApplicationError(_("Nature d'absence inconnue."))
    if end < start:
        raise ApplicationError(_("La date de fin précède la date de début."))
    first, last = run.period, month_end(run.period)
    if start < first or end > last:
        raise ApplicationError(
            _("Les absences se saisissent dans le mois de la paie (du %(first)s au %(last)s).")
            % {"first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"}
        )
    if entrepreneur.cesa_start is None or start < entrepreneur.cesa_start:
        raise ApplicationError(
            _("L'absence commence avant l'embauche (début du CESA : %(date)s).")
            % {"date": f"{entrepreneur.cesa_start:%d/%m/%Y}" if entrepreneur.cesa_start else "—"}
        )
    if entrepreneur.exited_on is not None and end > entrepreneur.exited_on:
        raise ApplicationError(
            _("L'absence se termine après la sortie (le %(date)s).")
            % {"date": f"{entrepreneur.exited_on:%d/%m/%Y}"}
        )
    if subrogation and kind != Absence.Kind.SICK:
        raise ApplicationError(_("La subrogation ne concerne que les arrêts maladie."))
    clash = (
        Absence.objects.filter(entrepreneur_id=entrepreneur_id, start__lte=end, end__gte=start)
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise ApplicationError(
            _("Cette absence chevauche une autre absence (%(kind)s du %(start)s au %(end)s).")
            % {
                "kind": clash.get_kind_display(),
                "start": f"{clash.start:%d/%m/%Y}",
                "end": f"{clash.end:%d/%m/%Y}",
            }
        )
    month = list(Absence.objects.filter(run=run, entrepreneur_id=entrepreneur_id))
    if kind == Absence.Kind.PAID_LEAVE:
        params = parameters_at(run.period)
        sick_days = sum(a.days for a in month if a.kind == Absence.Kind.SICK)
        share = Decimal(sick_days) / ((last - first).days + 1)
        acquired = (
            params.decimal("leave.days_per_month") * (1 - share)
            + params.decimal("leave.sick_days_per_month") * share
        )
        available = (
            leave_state_before(entrepreneur_id=entrepreneur_id, period=run.period).remaining
            + acquired
        ).quantize(Decimal("0.01"))
        asked = working_days(start, end) + sum(
            working_days(a.start, a.end) for a in month if a.kind == Absence.Kind.PAID_LEAVE
        )
        if asked > available:
            raise ApplicationError(
                _(
                    "Solde de congés payés insuffisant : %(available)s jours ouvrables "
                    "disponibles ce mois-ci, %(asked)s posés."
                )
                % {"available": available, "asked": asked}
            )
    spell_start = start
    if kind == Absence.Kind.SICK:
        previous = Absence.objects.filter(
            entrepreneur_id=entrepreneur_id,
            kind=Absence.Kind.SICK,
            end=start - dt.timedelta(days=1),
        ).first()
        if previous is not None:
            spell_start = previous.spell_start
    absence: Absence = Absence.objects.create(
        cooperative_id=run.cooperative_id,
        run=run,
        entrepreneur_id=entrepreneur_id,
        kind=kind,
        start=start,
        end=end,
        spell_start=spell_start,
        subrogation=subrogation,
        created_by=created_by,
    )
    return absence


@transaction.atomic
def absence_delete(*, run_id: int, absence_id: int) -> None:

    run = locked_run(run_id)
    deleted, _detail = Absence.objects.filter(run=run, pk=absence_id).delete()
    if not deleted:
        raise ApplicationError(_("Absence introuvable."))


# --- Reads -------------------------------------------------------------------------------------


def absence_list(*, run: PayrollRun, entrepreneur_id: int) -> QuerySet[Absence]:
    return Absence.objects.filter(run=run, entrepreneur_id=entrepreneur_id).order_by("start")


@dataclass(frozen=True)
class LeaveMonth:
    period: dt.date
    acquired: Decimal
    taken: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class LeaveOverview:
    balance: LeaveState
    months: list[LeaveMonth]
    leaves: list[Absence]  # paid leave of issued payslips' months


def leave_overview(*, entrepreneur_id: int) -> LeaveOverview:
    """The entrepreneur's leave as their issued payslips state it, month by month."""
    months = []
    balance = LeaveState()
    for payslip in _issued_latest(entrepreneur_id, before=dt.date.max):
        leave = payslip.data.get("leave")
        if payslip.kind != Payslip.Kind.MONTHLY or not leave:
            continue
        balance = LeaveState(Decimal(leave["acquired"]), Decimal(leave["taken"]))
        months.append(
            LeaveMonth(
                payslip.period,
                Decimal(leave["month_acquired"]),
                Decimal(leave["month_taken"]),
                balance.remaining,
            )
        )
    leaves = list(
        Absence.objects.filter(
            entrepreneur_id=entrepreneur_id,
            kind=Absence.Kind.PAID_LEAVE,
            run__status__in=(PayrollRun.Status.VALIDATED, PayrollRun.Status.PAID),
        ).order_by("-start")
    )
    return LeaveOverview(balance=balance, months=months[::-1], leaves=leaves)
