"""The period report for the cooperative's funders (region, France Travail, the Department):
people accompanied, entries and exits by outcome, breakdowns by gender, age band, education
level, situation at entry, prescriber, sector, QPV/ZRR/RQTH residence or status; revenue and
salaries by sector and gender. It covers what enDI's data queries cover for these funders."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from accounting.models import MonthlyBalance
from entrepreneurs.models import (
    ActivityMember,
    Civility,
    EducationLevel,
    Entrepreneur,
    EntrySituation,
    PathStep,
    Prescriber,
)
from payroll.models import Payslip

AGE_BANDS = ((0, 25, "moins de 26 ans"), (26, 44, "26 à 44 ans"), (45, 54, "45 à 54 ans"))
ZERO = Decimal("0.00")


@dataclass
class FunderReport:
    start: dt.date
    end: dt.date
    accompanied: int = 0
    entries: int = 0
    exits: int = 0
    # (title, [(label, count)])
    breakdowns: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)
    # (title, [(label, amount)])
    amounts: list[tuple[str, list[tuple[str, Decimal]]]] = field(default_factory=list)

    def rows(self) -> list[list[object]]:
        """The report as one table (section, label, value), for CSV and XLSX."""
        period = f"{self.start.isoformat()} – {self.end.isoformat()}"
        rows: list[list[object]] = [
            [_("Période"), period, ""],
            [_("Personnes accompagnées"), "", self.accompanied],
            [_("Entrées (CAPE ou CESA)"), "", self.entries],
            [_("Sorties"), "", self.exits],
        ]
        for title, items in self.breakdowns:
            rows += [[title, label, count] for label, count in items]
        for title, amounts in self.amounts:
            rows += [[title, label, amount] for label, amount in amounts]
        return rows


def _age_band(birth: dt.date | None, on: dt.date) -> str:
    if birth is None:
        return _("non renseigné")
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return _(label)
    return _("55 ans et plus")


def _labels(choices: Sequence[tuple[str, object]]) -> dict[str, str]:
    return {key: str(label) for key, label in choices}


def _counted(values: list[str], labels: dict[str, str]) -> list[tuple[str, int]]:
    counts = Counter(values)
    ordered = [(labels[key], counts[key]) for key in labels if counts.get(key)]
    if counts.get(""):
        ordered.append((_("non renseigné"), counts[""]))
    return ordered


def funder_report(*, start: dt.date, end: dt.date) -> FunderReport:
    report = FunderReport(start=start, end=end)
    # Accompanied in the period: a path begun by its end (by the path's own dates, so that a
    # file opened or imported later still counts), not left before its start.
    begun = PathStep.objects.filter(entrepreneur=OuterRef("pk"), date__lte=end)
    people = list(
        Entrepreneur.objects.select_related("sector")
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=start))
        .filter(Exists(begun) | Q(created_at__date__lte=end))
    )
    report.accompanied = len(people)
    entries = PathStep.objects.filter(
        kind__in=(PathStep.Kind.CAPE_START, PathStep.Kind.CESA_START), date__range=(start, end)
    )
    # A CAPE followed by a CESA in the period is one entry.
    report.entries = entries.values("entrepreneur").distinct().count()
    exits = list(
        PathStep.objects.filter(kind=PathStep.Kind.EXIT, date__range=(start, end)).values_list(
            "exit_reason", flat=True
        )
    )
    report.exits = len(exits)
    report.breakdowns = [
        (_("Sorties par motif"), _counted(exits, _labels(PathStep.ExitReason.choices))),
        (_("Genre"), _counted([p.civility for p in people], _labels(Civility.choices))),
        (
            _("Âge"),
            sorted(Counter(_age_band(p.birth_date, end) for p in people).items()),
        ),
        (
            _("Niveau de formation"),
            _counted([p.education_level for p in people], _labels(EducationLevel.choices)),
        ),
        (
            _("Situation à l'entrée"),
            _counted([p.entry_situation for p in people], _labels(EntrySituation.choices)),
        ),
        (_("Prescripteur"), _counted([p.prescriber for p in people], _labels(Prescriber.choices))),
        (_("Pôle"), sorted(Counter(p.sector.name for p in people).items())),
        (
            _("Résidence et reconnaissance"),
            [
                (_("quartier prioritaire (QPV)"), sum(p.qpv for p in people)),
                (_("zone de revitalisation rurale (ZRR)"), sum(p.zrr for p in people)),
                (_("travailleur handicapé (RQTH)"), sum(p.rqth for p in people)),
            ],
        ),
    ]
    report.amounts = _money(start=start, end=end)
    return report


def _money(*, start: dt.date, end: dt.date) -> list[tuple[str, list[tuple[str, Decimal]]]]:
    civility = _labels(Civility.choices)
    # Revenue: class 70 less the contribution coopérative the structure invoices itself (7088).
    revenue = (
        MonthlyBalance.objects.filter(
            month__range=(start.replace(day=1), end),
            account__code__startswith="70",
            activity__isnull=False,
        )
        .exclude(account__code__startswith="7088")
        .values("activity_id")
        .annotate(credit=Sum("credit"), debit=Sum("debit"))
    )
    by_activity = {row["activity_id"]: row["credit"] - row["debit"] for row in revenue}
    by_sector: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_gender: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for member in ActivityMember.objects.filter(activity_id__in=by_activity).select_related(
        "activity__sector", "entrepreneur"
    ):
        part = (by_activity[member.activity_id] * member.share / 100).quantize(Decimal("0.01"))
        by_sector[member.activity.sector.name] += part
        by_gender[civility.get(member.entrepreneur.civility, _("non renseigné"))] += part
    salaries_sector: dict[str, Decimal] = defaultdict(lambda: ZERO)
    salaries_gender: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for payslip in Payslip.objects.filter(
        period__range=(start.replace(day=1), end), issued_at__isnull=False
    ).select_related("entrepreneur__sector"):
        salaries_sector[payslip.entrepreneur.sector.name] += payslip.gross
        salaries_gender[civility.get(payslip.entrepreneur.civility, _("non renseigné"))] += (
            payslip.gross
        )
    return [
        (_("Chiffre d'affaires par pôle (€)"), sorted(by_sector.items())),
        (_("Chiffre d'affaires par genre (€)"), sorted(by_gender.items())),
        (_("Salaires bruts par pôle (€)"), sorted(salaries_sector.items())),
        (_("Salaires bruts par genre (€)"), sorted(salaries_gender.items())),
    ]


def funder_report_xlsx(report: FunderReport) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Financeurs")
    sheet.append([_("Indicateur"), _("Détail"), _("Valeur")])
    for row in report.rows():
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
