"""The dashboards' charts, built from the figures (kept apart from views so reports reuse them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from perspectives.core.charts import Chart, Number, Series
from perspectives.core.formats import month_short
from top.dashboards.figures import MonthFigures
from top.dashboards.selectors import ActivityDashboard, CooperativeDashboard


def _label(month: dt.date) -> str:
    return month_short(month)


def _partial(months: list[dt.date], today: dt.date) -> int | None:
    """The index of the month still being counted: drawn apart, never read as a fall."""
    this_month = today.replace(day=1)
    return months.index(this_month) if this_month in months else None


def _has_history(figure: MonthFigures) -> bool:
    return any(
        (
            figure.revenue,
            figure.expenses,
            figure.contribution,
            figure.salary_cost,
            figure.cash_movement,
        )
    )


def _from_start(figures: list[MonthFigures], values: Sequence[Number]) -> tuple[Number | None, ...]:
    """Months before the first one with any entry have no history: no bar, no line, not 0 €."""
    start = next((i for i, f in enumerate(figures) if _has_history(f)), len(figures))
    return tuple(None if i < start else v for i, v in enumerate(values))


def _leading_none(values: Sequence[Number]) -> tuple[Number | None, ...]:
    start = next((i for i, v in enumerate(values) if v), len(values))
    return tuple(None if i < start else v for i, v in enumerate(values))


def activity_charts(dashboard: ActivityDashboard) -> dict[str, Chart]:
    months = dashboard.months
    started = next((f.month for f in dashboard.previous_year if _has_history(f)), dt.date.max)
    previous = {
        f.month.replace(year=f.month.year + 1): f.revenue
        for f in dashboard.previous_year
        if f.month >= started
    }
    fragile = tuple(i for i, f in enumerate(months) if f.month.month in dashboard.fragile)
    partial = _partial([f.month for f in months], dashboard.today)
    return {
        "revenue": Chart(
            title=_("Chiffre d'affaires sur 24 mois, et l'année précédente"),
            categories=tuple(_label(f.month) for f in months),
            series=(
                Series(_("Chiffre d'affaires"), _from_start(months, [f.revenue for f in months])),
                Series(
                    _("Un an plus tôt"), tuple(previous.get(f.month) for f in months), kind="line"
                ),
            ),
            unit="€",
            description=_("Les mois surlignés ont été creux les années passées."),
            marks=fragile,
            partial=partial,
        ),
        "margin": Chart(
            title=_("Marge mensuelle et trésorerie"),
            categories=tuple(_label(f.month) for f in months),
            series=(
                Series(_("Marge"), _from_start(months, [f.margin for f in months])),
                Series(
                    _("Trésorerie en fin de mois"),
                    _from_start(months, [f.cash_end for f in months]),
                    kind="line",
                ),
            ),
            unit="€",
            partial=partial,
        ),
        "expenses": Chart(
            title=_("Charges des douze derniers mois par catégorie"),
            categories=tuple(label for label, _amount in dashboard.expenses_by_category),
            series=(
                Series(
                    _("Charges"), tuple(amount for _label, amount in dashboard.expenses_by_category)
                ),
            ),
            unit="€",
            horizontal=True,
        ),
        "projection": Chart(
            title=_("Projection de trésorerie sur six mois"),
            categories=tuple(_label(p.month) for p in dashboard.projection.months),
            series=(
                Series(
                    _("Encaissements attendus"),
                    tuple(p.expected_revenue for p in dashboard.projection.months),
                ),
                Series(
                    _("Trésorerie projetée"),
                    tuple(p.treasury for p in dashboard.projection.months),
                    kind="line",
                ),
            ),
            unit="€",
            marks=tuple(i for i, p in enumerate(dashboard.projection.months) if p.fragile),
        ),
    }


def cooperative_charts(dashboard: CooperativeDashboard) -> dict[str, Chart]:
    categories = tuple(_label(m) for m in dashboard.months)
    partial = _partial(dashboard.months, dashboard.today)
    return {
        "sectors": Chart(
            title=_("Chiffre d'affaires par pôle sur douze mois"),
            categories=categories,
            series=tuple(
                Series(sector, _leading_none(values), kind="line")
                for sector, values in dashboard.revenue_by_sector.items()
            ),
            unit="€",
            partial=partial,
        ),
        "sector_change": Chart(
            title=_("Chiffre d'affaires par pôle : douze derniers mois et les douze d'avant"),
            categories=tuple(sector for sector, *_rest in dashboard.sector_changes()),
            series=(
                Series(
                    _("Douze derniers mois"),
                    tuple(current for _s, current, _p, _c in dashboard.sector_changes()),
                ),
                Series(
                    _("Douze mois d'avant"),
                    tuple(before for _s, _c, before, _ch in dashboard.sector_changes()),
                ),
            ),
            unit="€",
            horizontal=True,
        ),
        "payroll": Chart(
            title=_("Masse salariale et contribution coopérative"),
            categories=categories,
            series=(
                Series(_("Coût salarial"), _leading_none(dashboard.payroll)),
                Series(
                    _("Contribution coopérative"),
                    _leading_none(dashboard.contribution),
                    kind="line",
                ),
            ),
            unit="€",
            partial=partial,
        ),
        "stages": Chart(
            title=_("Entrepreneur·es par étape du parcours"),
            categories=tuple(label for label, _n in dashboard.stages),
            series=(Series(_("Personnes"), tuple(Decimal(n) for _l, n in dashboard.stages)),),
            horizontal=True,
        ),
    }
