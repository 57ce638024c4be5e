"""Dashboard figures, read from the other apps through their selectors only."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounting import selectors as ledger
from accounting.models import TreasuryGroup
from entrepreneurs import selectors as people
from entrepreneurs.models import Activity, Entrepreneur, Stage
from entrepreneurs.services import associate_deadline
from governance import selectors as register
from perspectives.tenancy.context import require_cooperative_id
from sales import selectors as sales_selectors
from top.dashboards import figures as fig
from top.dashboards.models import DashboardSettings, ForecastItem, ReserveTarget

HISTORY_YEARS = 5
# A key per ledger version: a new line makes new keys, the old ones expire unread.
HISTORY_CACHE_SECONDS = 24 * 3600
TreasuryKey = TreasuryGroup.Key


def settings_get() -> DashboardSettings:
    settings, _created = DashboardSettings.objects.get_or_create(
        cooperative_id=require_cooperative_id()
    )
    return settings


def _codes() -> dict[int, str]:
    return dict(ledger.account_list().values_list("pk", "code"))


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _euros(value: Decimal) -> str:
    return f"{number_format(_whole(value), 0, force_grouping=True)}\u00a0€"


@dataclass
class Alert:
    level: str  # "danger" or "warning"
    message: str


@dataclass
class KeyFigure:
    label: str
    month: Decimal
    month_last_year: Decimal
    year_to_date: Decimal
    year_to_date_last_year: Decimal

    @property
    def change(self) -> Decimal | None:
        return fig.change_percent(self.year_to_date, self.year_to_date_last_year)


@dataclass
class ActivityDashboard:
    today: dt.date
    activities: list[Activity]
    months: list[fig.MonthFigures]  # 24 months ending with the current one
    previous_year: list[fig.MonthFigures]  # the 24 months one year earlier, for the overlay
    key_figures: list[KeyFigure]
    treasury: ledger.Treasury
    reserve_target: Decimal
    fragile: set[int]
    projection: fig.Projection
    salary_cost_now: Decimal
    expenses_by_category: list[tuple[str, Decimal]]
    forecast: list[ForecastItem]
    alerts: list[Alert] = field(default_factory=list)
    reserve_target_entered: bool = False  # entered per activity rather than the rule


def _history(
    scope: frozenset[int | None] | None, today: dt.date, years: int
) -> list[fig.MonthFigures]:
    """Monthly figures from `years` years ago to the current month, cached under the scope's
    ledger version: any new line in the scope gives another key, so the figures are always
    those of the ledger now."""
    scope_key = "*" if scope is None else ",".join(sorted(str(i) for i in scope))
    key = "dashboards:history:{}:{}:{}:{}:{}".format(
        require_cooperative_id(),
        today.isoformat(),
        years,
        hashlib.sha256(scope_key.encode()).hexdigest()[:32],
        ":".join(map(str, ledger.ledger_version(scope=scope))),
    )
    history: list[fig.MonthFigures] | None = cache.get(key)
    if history is None:
        history = _history_compute(scope, today, years)
        cache.set(key, history, HISTORY_CACHE_SECONDS)
    return history


def _history_compute(
    scope: frozenset[int | None] | None, today: dt.date, years: int
) -> list[fig.MonthFigures]:
    """One grouped query on the monthly balances, plus the opening cash before the first
    month."""
    first = dt.date(today.year - years, 1, 1)
    codes = _codes()
    movements = [
        (codes[account_id], month, debit, credit)
        for (account_id, month), (debit, credit) in ledger.sums(
            group_by=["account_id", "month"], date_from=first, date_to=today, scope=scope
        ).items()
    ]
    cash_ids = [pk for pk, code in codes.items() if code.startswith(fig.CASH_PREFIXES)]
    opening = sum(
        (
            d - c
            for (d, c) in ledger.sums(
                group_by=["account_id"],
                date_from=None,
                date_to=first - dt.timedelta(days=1),
                scope=scope,
                account_ids=cash_ids,
            ).values()
        ),
        fig.ZERO,
    )
    return fig.monthly_figures(
        months=fig.month_range(first, today), movements=movements, opening_cash=opening
    )


def _key_figures(
    history: list[fig.MonthFigures], today: dt.date, treasury: ledger.Treasury
) -> list[KeyFigure]:
    by_month = {f.month: f for f in history}
    this_month = today.replace(day=1)
    last_year_month = fig.add_months(this_month, -12)
    year_months = [f for f in history if f.month.year == today.year and f.month <= this_month]
    last_year = [
        f for f in history if f.month.year == today.year - 1 and f.month <= last_year_month
    ]
    empty = fig.MonthFigures(this_month)
    result = []
    for attribute, label in (
        ("revenue", _("Chiffre d'affaires")),
        ("expenses", _("Charges")),
        ("margin", _("Marge")),
        ("contribution", _("Contribution coopérative")),
        ("salary_cost", _("Coût salarial")),
    ):
        result.append(
            KeyFigure(
                label,
                getattr(by_month.get(this_month, empty), attribute),
                getattr(by_month.get(last_year_month, empty), attribute),
                fig.total(year_months, attribute),
                fig.total(last_year, attribute),
            )
        )
    return result


def _average(values: list[Decimal]) -> Decimal:
    return fig.money(sum(values, fig.ZERO) / len(values)) if values else fig.ZERO


def activity_dashboard(
    *, activities: list[Activity], today: dt.date, entrepreneur: Entrepreneur | None = None
) -> ActivityDashboard:
    settings = settings_get()
    scope: frozenset[int | None] = frozenset(a.pk for a in activities)
    history = _history(scope, today, HISTORY_YEARS)
    this_month = today.replace(day=1)
    months = [f for f in history if f.month > fig.add_months(this_month, -24)]
    previous = [
        f
        for f in history
        if fig.add_months(this_month, -36) < f.month <= fig.add_months(this_month, -12)
    ]
    treasury = ledger.treasury_statement(scope=scope, as_of=today)
    closed = [f for f in history if f.month < this_month][-12:]
    salary_now = _average([f.salary_cost for f in closed[-3:]])
    salary_year = _average([f.salary_cost for f in closed])
    entered = list(
        ReserveTarget.objects.filter(activity__in=activities).values_list("amount", flat=True)
    )
    # An entered target replaces the rule for the whole dashboard: mixing an entered amount
    # with months of a salary cost shared by several activities would count it twice.
    reserve_target = (
        fig.money(sum(entered, fig.ZERO))
        if entered
        else fig.money(salary_year * settings.reserve_months)
    )
    fragile = fig.fragile_months([f for f in history if f.month < dt.date(today.year, 1, 1)])
    forecast = list(
        ForecastItem.objects.filter(activity__in=activities, expected_on__gte=today).order_by(
            "expected_on"
        )
    )
    rates = [
        a.contribution_rate
        if a.contribution_rate is not None
        else a.cooperative.default_contribution_rate
        for a in activities
    ]
    projection = fig.project(
        start=this_month,
        treasury=treasury.future,
        forecast=[(item.expected_on, item.amount, item.probability) for item in forecast]
        + sales_selectors.accepted_quotes_forecast(
            activity_ids=[a.pk for a in activities], today=today
        ),
        monthly_expenses=_average([f.expenses for f in closed]),
        contribution_rate=max(rates, default=Decimal(0)),
        salary_cost=salary_now,
        reserve_target=reserve_target,
        fragile=fragile,
    )
    categories: dict[str, Decimal] = defaultdict(lambda: fig.ZERO)
    for figure in closed:
        for prefix, amount in figure.by_category.items():
            categories[prefix] += amount
    labels = dict(fig.EXPENSE_CATEGORIES)
    dashboard = ActivityDashboard(
        today=today,
        activities=activities,
        months=months,
        previous_year=previous,
        key_figures=_key_figures(history, today, treasury),
        treasury=treasury,
        reserve_target=reserve_target,
        reserve_target_entered=bool(entered),
        fragile=fragile,
        projection=projection,
        salary_cost_now=salary_now,
        expenses_by_category=[
            (_(labels.get(p, p)), fig.money(v)) for p, v in sorted(categories.items()) if v
        ],
        forecast=forecast,
    )
    dashboard.alerts = _alerts(dashboard, history, settings, entrepreneur)
    return dashboard


# Long on purpose: each alert is a short independent rule; listed together they read as the alerts'
# specification, in the order they show.
def _alerts(
    dashboard: ActivityDashboard,
    history: list[fig.MonthFigures],
    settings: DashboardSettings,
    entrepreneur: Entrepreneur | None,
) -> list[Alert]:
    alerts: list[Alert] = []
    today, treasury = dashboard.today, dashboard.treasury.reference
    if treasury < 0:
        alerts.append(
            Alert(
                "danger",
                _("Votre trésorerie est négative : %(amount)s.") % {"amount": _euros(treasury)},
            )
        )
    elif treasury < dashboard.reserve_target:
        alerts.append(
            Alert(
                "warning",
                _("Votre trésorerie (%(amount)s) est sous votre réserve cible (%(target)s).")
                % {"amount": _euros(treasury), "target": _euros(dashboard.reserve_target)},
            )
        )
    this_month = today.replace(day=1)
    by_month = {f.month: f for f in history}
    recent = [by_month.get(fig.add_months(this_month, -n)) for n in (1, 2, 3)]
    before = [by_month.get(fig.add_months(this_month, -n - 12)) for n in (1, 2, 3)]
    recent_total = sum((f.revenue for f in recent if f), fig.ZERO)
    before_total = sum((f.revenue for f in before if f), fig.ZERO)
    change = fig.change_percent(recent_total, before_total)
    if change is not None and change <= -settings.revenue_drop_percent:
        alerts.append(
            Alert(
                "warning",
                _("Chiffre d'affaires des trois derniers mois : −%(n)s %% sur un an.")
                % {"n": number_format(_whole(-change), 0)},
            )
        )
    if dashboard.salary_cost_now > dashboard.projection.sustainable_budget:
        alerts.append(
            Alert(
                "warning",
                _("Salaire actuel : %(cost)s par mois ; l'activité en permet %(budget)s.")
                % {
                    "cost": _euros(dashboard.salary_cost_now),
                    "budget": _euros(dashboard.projection.sustainable_budget),
                },
            )
        )
    if entrepreneur is not None and entrepreneur.stage == Stage.CESA:
        months_without = 0
        for n in range(1, 13):
            figure = by_month.get(fig.add_months(this_month, -n))
            if figure is None or figure.salary_cost > 0:
                break
            months_without += 1
        if months_without >= settings.no_salary_months:
            alerts.append(
                Alert(
                    "warning",
                    _("Aucun salaire depuis %(n)s mois : vos droits ne progressent plus.")
                    % {"n": months_without},
                )
            )
        paid = [by_month.get(fig.add_months(this_month, -n)) for n in range(1, 13)]
        average_gross = sum((f.gross_salaries for f in paid if f), fig.ZERO) / 12
        smic = _smic_month(today)
        if smic is not None and 0 < average_gross < smic:
            alerts.append(
                Alert(
                    "warning",
                    _(
                        "Salaire brut moyen de %(gross)s sur douze mois, sous le SMIC : "
                        "vos allocations chômage seraient faibles."
                    )
                    % {"gross": _euros(fig.money(average_gross))},
                )
            )
        deadline = associate_deadline(
            cesa_start=entrepreneur.cesa_start, cape_days=entrepreneur.cape_days
        )
        if deadline and entrepreneur.associate_since is None and (deadline - today).days <= 183:
            alerts.append(
                Alert(
                    "warning",
                    _("Vous devez devenir associé·e avant le %(date)s.")
                    % {"date": deadline.strftime("%d/%m/%Y")},
                )
            )
    if entrepreneur is not None:
        expiring = entrepreneur.documents.filter(
            expires_on__lte=today + dt.timedelta(days=30)
        ).count()
        if expiring:
            alerts.append(
                Alert(
                    "warning",
                    _("%(n)s document(s) expiré(s) ou bientôt : pensez à les renouveler.")
                    % {"n": expiring},
                )
            )
    upcoming_fragile = [p.month for p in dashboard.projection.months if p.fragile]
    if upcoming_fragile:
        alerts.append(
            Alert(
                "warning",
                _("Période habituellement creuse à venir : %(months)s.")
                % {"months": ", ".join(m.strftime("%m/%Y") for m in upcoming_fragile)},
            )
        )
    return alerts


def _smic_month(today: dt.date) -> Decimal | None:
    """The full-time monthly SMIC from payroll's dated parameters (None when none are loaded)."""
    from payroll.engine.payslip import smic_month
    from payroll.selectors import parameters_at
    from perspectives.core.exceptions import ApplicationError

    try:
        return smic_month(parameters_at(today))
    except (ApplicationError, KeyError):
        return None


def entrepreneur_activities(*, entrepreneur: Entrepreneur) -> list[Activity]:
    return list(
        Activity.objects.filter(members__entrepreneur=entrepreneur)
        .select_related("cooperative")
        .distinct()
    )


@dataclass
class PortfolioRow:
    entrepreneur: Entrepreneur
    revenue_12: list[Decimal]
    treasury: Decimal
    alerts: list[people.Alert]
    risk: int


def support_dashboard(*, entrepreneurs: list[Entrepreneur], today: dt.date) -> list[PortfolioRow]:
    """One row per entrepreneur: 12-month revenue trend, treasury, alerts. A fixed number of
    queries whatever the portfolio's size."""
    settings = people.settings_get()
    ids = [e.pk for e in entrepreneurs]
    shares = Activity.objects.filter(members__entrepreneur_id__in=ids).values_list(
        "pk", "members__entrepreneur_id"
    )
    activity_owner: dict[int, list[int]] = defaultdict(list)
    for activity_id, entrepreneur_id in shares:
        activity_owner[activity_id].append(entrepreneur_id)
    scope: frozenset[int | None] = frozenset(activity_owner)
    codes = _codes()
    this_month = today.replace(day=1)
    first = fig.add_months(this_month, -11)
    months = fig.month_range(first, today)
    revenue: dict[int, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(lambda: fig.ZERO))
    revenue_ids = [pk for pk, code in codes.items() if code.startswith(fig.REVENUE_PREFIX)]
    for (activity_id, month), (debit, credit) in ledger.sums(
        group_by=["activity_id", "month"],
        date_from=first,
        date_to=today,
        scope=scope,
        account_ids=revenue_ids,
    ).items():
        for owner in activity_owner.get(activity_id, []):
            revenue[owner][month] += credit - debit
    # Reference treasury = cash − taxes due − suppliers due; with balances signed debit-positive
    # that is the plain sum of the three groups' balances.
    groups = ledger.treasury_groups()
    prefixes = tuple(
        prefix
        for key in (TreasuryKey.CASH, TreasuryKey.TAXES_DUE, TreasuryKey.SUPPLIERS_DUE)
        for prefix in groups.get(key, [])
    )
    treasury_ids = [pk for pk, code in codes.items() if prefixes and code.startswith(prefixes)]
    treasury: dict[int, Decimal] = defaultdict(lambda: fig.ZERO)
    for (activity_id,), (debit, credit) in ledger.sums(
        group_by=["activity_id"],
        date_from=None,
        date_to=today,
        scope=scope,
        account_ids=treasury_ids,
    ).items():
        for owner in activity_owner.get(activity_id, []):
            treasury[owner] += debit - credit
    rows = []
    for entrepreneur in entrepreneurs:
        alerts = people.entrepreneur_alerts(
            entrepreneur=entrepreneur, today=today, settings=settings
        )
        cash = fig.money(treasury[entrepreneur.pk])
        if cash < 0:
            alerts = [
                people.Alert(
                    "danger", _("Trésorerie négative : %(amount)s") % {"amount": _euros(cash)}
                ),
                *alerts,
            ]
        risk = sum(2 if a.level == "danger" else 1 for a in alerts)
        rows.append(
            PortfolioRow(
                entrepreneur, [revenue[entrepreneur.pk][m] for m in months], cash, alerts, risk
            )
        )
    return rows


@dataclass
class CooperativeDashboard:
    today: dt.date
    months: list[dt.date]
    revenue_by_sector: dict[str, list[Decimal]]
    revenue_by_sector_last_year: dict[str, list[Decimal]]
    stages: list[tuple[str, int]]
    associates: int
    contribution: list[Decimal]
    payroll: list[Decimal]
    reserves: Decimal
    at_risk_by_sector: list[tuple[str, int]]

    @property
    def contribution_total(self) -> Decimal:
        return sum(self.contribution, fig.ZERO)

    @property
    def payroll_total(self) -> Decimal:
        return sum(self.payroll, fig.ZERO)

    def sector_changes(self) -> list[tuple[str, Decimal, Decimal, Decimal | None]]:
        """Per sector: last 12 months, the 12 before, and the change in %."""
        return [
            (
                sector,
                fig.money(sum(values, fig.ZERO)),
                fig.money(sum(self.revenue_by_sector_last_year[sector], fig.ZERO)),
                fig.change_percent(
                    sum(values, fig.ZERO), sum(self.revenue_by_sector_last_year[sector], fig.ZERO)
                ),
            )
            for sector, values in self.revenue_by_sector.items()
        ]


def cooperative_dashboard(*, today: dt.date) -> CooperativeDashboard:
    codes = _codes()
    this_month = today.replace(day=1)
    first = fig.add_months(this_month, -23)
    months = fig.month_range(first, today)
    current, previous = months[12:], months[:12]
    sector_of = dict(Activity.objects.values_list("pk", "sector__name"))
    sectors = [s.name for s in people.sector_list()]
    by_sector: dict[str, dict[dt.date, Decimal]] = {
        s: defaultdict(lambda: fig.ZERO) for s in sectors
    }
    contribution: dict[dt.date, Decimal] = defaultdict(lambda: fig.ZERO)
    payroll: dict[dt.date, Decimal] = defaultdict(lambda: fig.ZERO)
    # Only the accounts read below, revenue summed per activity by the database: a 20-year
    # ledger of 150 activities otherwise sends every (activity, account, month) of two years.
    kinds = {pk: fig.classify(code) for pk, code in codes.items()}
    revenue_ids = [pk for pk, kind in kinds.items() if kind == "revenue"]
    for (activity_id, month), (debit, credit) in ledger.sums(
        group_by=["activity_id", "month"], date_from=first, date_to=today, account_ids=revenue_ids
    ).items():
        if activity_id in sector_of:
            by_sector.setdefault(sector_of[activity_id], defaultdict(lambda: fig.ZERO))[month] += (
                credit - debit
            )
    cost_ids = [pk for pk, kind in kinds.items() if kind in ("contribution", "salary_cost")]
    for (account_id, month), (debit, credit) in ledger.sums(
        group_by=["account_id", "month"], date_from=first, date_to=today, account_ids=cost_ids
    ).items():
        if kinds[account_id] == "contribution":
            contribution[month] += debit - credit
        else:
            payroll[month] += debit - credit
    # Reserves (106) and the results not yet allocated (11 report à nouveau, 12 result): a
    # cooperative whose years are closed but whose assembly has not allocated the result yet
    # still has those reserves to come, and "0 €" would misread it.
    reserve_ids = [pk for pk, code in codes.items() if code.startswith(("106", "11", "12"))]
    reserves = -sum(
        (
            d - c
            for d, c in ledger.sums(
                group_by=["account_id"], date_from=None, date_to=today, account_ids=reserve_ids
            ).values()
        ),
        fig.ZERO,
    )
    entrepreneurs = list(
        people.portfolio(filters=people.PortfolioFilters(), today=today).exclude(stage=Stage.EXITED)
    )
    settings = people.settings_get()
    at_risk: dict[str, int] = defaultdict(int)
    for entrepreneur in entrepreneurs:
        if any(
            a.level == "danger"
            for a in people.entrepreneur_alerts(
                entrepreneur=entrepreneur, today=today, settings=settings
            )
        ):
            at_risk[entrepreneur.sector.name] += 1
    stage_counts: dict[str, int] = defaultdict(int)
    for entrepreneur in Entrepreneur.objects.only("stage"):
        stage_counts[entrepreneur.stage] += 1
    # The register of associates is the one source: the assembly's roll is drawn from it, and
    # it counts associates who are not entrepreneurs (staff, founders).
    associates = register.associate_list(current_only=True).count()
    return CooperativeDashboard(
        today=today,
        months=current,
        revenue_by_sector={s: [fig.money(v[m]) for m in current] for s, v in by_sector.items()},
        revenue_by_sector_last_year={
            s: [fig.money(v[m]) for m in previous] for s, v in by_sector.items()
        },
        stages=[(str(label), stage_counts.get(value, 0)) for value, label in Stage.choices],
        associates=associates,
        contribution=[fig.money(contribution[m]) for m in current],
        payroll=[fig.money(payroll[m]) for m in current],
        reserves=fig.money(reserves),
        at_risk_by_sector=[(s, at_risk.get(s, 0)) for s in sectors],
    )
