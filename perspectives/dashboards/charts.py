"""The dashboards' charts, built from the figures (kept apart from views so reports reuse them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from perspectives.core.charts import Chart, Series
from perspectives.dashboards.selectors import ActivityDashboard, CooperativeDashboard


def _label(month: dt.date) -> str:
    return date_format(month, "M y")


def activity_charts(dashboard: ActivityDashboard) -> dict[str, Chart]:
    months = dashboard.months
    previous = {f.month.replace(year=f.month.year + 1): f.revenue for f in dashboard.previous_year}
    fragile = tuple(i for i, f in enumerate(months) if f.month.month in dashboard.fragile)
    return {
        "revenue": Chart(
            title=_("Chiffre d'affaires sur 24 mois, et l'année précédente"),
            categories=tuple(_label(f.month) for f in months),
            series=(
                Series(_("Chiffre d'affaires"), tuple(f.revenue for f in months)),
                Series(
                    _("Un an plus tôt"), tuple(previous.get(f.month) for f in months), kind="line"
                ),
            ),
            unit="€",
            description=_("Les mois surlignés ont été creux les années passées."),
            marks=fragile,
        ),
        "margin": Chart(
            title=_("Marge mensuelle et trésorerie"),
            categories=tuple(_label(f.month) for f in months),
            series=(
                Series(_("Marge"), tuple(f.margin for f in months)),
                Series(
                    _("Trésorerie en fin de mois"), tuple(f.cash_end for f in months), kind="line"
                ),
            ),
            unit="€",
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
    return {
        "sectors": Chart(
            title=_("Chiffre d'affaires par pôle sur douze mois"),
            categories=categories,
            series=tuple(
                Series(sector, tuple(values), kind="line")
                for sector, values in dashboard.revenue_by_sector.items()
            ),
            unit="€",
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
        ),
        "payroll": Chart(
            title=_("Masse salariale et contribution coopérative"),
            categories=categories,
            series=(
                Series(_("Coût salarial"), tuple(dashboard.payroll)),
                Series(_("Contribution coopérative"), tuple(dashboard.contribution), kind="line"),
            ),
            unit="€",
        ),
        "stages": Chart(
            title=_("Entrepreneur·es par étape du parcours"),
            categories=tuple(label for label, _n in dashboard.stages),
            series=(Series(_("Personnes"), tuple(Decimal(n) for _l, n in dashboard.stages)),),
        ),
    }
