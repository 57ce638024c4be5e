"""The payroll journal of a run and its contributions summed per collecting body (reads)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from payroll.bodies import BODIES, body_rules_at
from payroll.models import PayrollRun, Payslip

JOURNAL_HEADER = [
    _("Entrepreneur·e"),
    _("Brut"),
    _("Cotisations salariales"),
    _("CSG déductible"),
    _("CSG/CRDS non déductible"),
    _("Net social"),
    _("Net avant impôt"),
    _("Prélèvement à la source"),
    _("Net payé"),
    _("Cotisations patronales"),
    _("RGDU"),
    _("Coût employeur"),
]

JOURNAL_KEYS = (
    "gross",
    "employee_contributions",
    "csg_deductible",
    "csg_crds_non_deductible",
    "net_social",
    "net_before_tax",
    "pas_amount",
    "net_paid",
    "employer_contributions",
    "rgdu",
    "employer_cost",
)


@dataclass(frozen=True)
class JournalRow:
    name: str
    version: int
    amounts: tuple[Decimal, ...]  # in the order of JOURNAL_KEYS


def _latest(run: PayrollRun) -> QuerySet[Payslip]:
    """The run's payslips that no correction replaces (a corrected payslip is shown once)."""
    replaced = Payslip.objects.filter(run=run, replaces__isnull=False).values("replaces_id")
    return run.payslips.exclude(pk__in=replaced)


def payroll_journal(*, run: PayrollRun) -> tuple[list[JournalRow], tuple[Decimal, ...]]:
    """One row per entrepreneur (the latest version of the payslip) and the column totals."""
    rows = [
        JournalRow(
            str(payslip.entrepreneur),
            payslip.version,
            tuple(Decimal(payslip.data[key]) for key in JOURNAL_KEYS),
        )
        for payslip in _latest(run)
        .select_related("entrepreneur")
        .order_by("entrepreneur__last_name", "entrepreneur__first_name")
    ]
    totals = tuple(
        sum((row.amounts[index] for row in rows), Decimal(0)) for index in range(len(JOURNAL_KEYS))
    )
    return rows, totals


@dataclass(frozen=True)
class BodyTotal:
    body: str
    account: str
    employee: Decimal
    employer: Decimal

    @property
    def total(self) -> Decimal:
        return self.employee + self.employer


def contribution_summary(*, run: PayrollRun) -> list[BodyTotal]:
    """What each collecting body is owed for the month, from the latest version of each payslip:
    the same amounts the validation credits on the body's account (payroll.bodies)."""
    rules = body_rules_at(run.period)
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for data in _latest(run).values_list("data", flat=True):
        for code, (employee, employer) in rules.amounts(data).items():
            totals[code][0] += employee
            totals[code][1] += employer
    return [
        BodyTotal(str(body.label), body.account, *totals[body.code])
        for body in BODIES
        if body.code in totals
    ]
