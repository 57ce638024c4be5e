"""Demo data of the accounting app, called by `seed_demo` inside each demo cooperative.

Three years of ledger history for every demo activity (invoices and payments, purchases,
payroll, the contribution coopérative, VAT returns), with the sectors' seasons and building
falling this year, as in the interview. Posted through the bulk posting service (so every rule
of the ledger applies) in a handful of statements. Deterministic (the seeder's generator, and
each activity's size drawn from its own code) and idempotent (a second run posts nothing).

The cooperative invoices with the sales app since `sales_from` (the first day of the month twelve
months ago): before it, the sales entries were brought over from the previous software (their
customers all paid by then); from it on, `seed` posts no sales, no customer payments, no
contribution and no VAT return. The sales demo invoices those months (following
`accounting.history.month_revenue` for each `demo_profiles` activity), then `settle` posts each
month's contribution on the revenue and its VAT return on the VAT the ledger then holds, and
closes and seals the past years once three months have passed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounting import services
from accounting.history import (
    ActivityProfile,
    active_in,
    history_key,
    money,
    month_entries,
    settlement_entries,
)
from accounting.models import Entry, EntryLine, FiscalYear, Journal, ThirdParty
from accounting.services.fiscal import add_months
from entrepreneurs.models import Activity, ActivityMember, Entrepreneur
from perspectives.tenancy.models import Cooperative

SOURCE = "demo"
YEARS = 3
# The contribution and VAT returns of the sales app's months, posted by `settle`.
SETTLE_KEY = "demo:settle:"
REVENUE_PREFIX = "70"
VAT_COLLECTED = "44571"
VAT_DEDUCTIBLE = "44566"
SUPPLIERS = (
    ("BOIS-CATALAN", "Bois et matériaux catalans"),
    ("QUINCAILLERIE", "Quincaillerie du Roussillon"),
    ("PEPINIERE", "Pépinière de la Têt"),
    ("IMPRIMERIE", "Imprimerie du Vallespir"),
    ("TELECOM", "Télécom Sud"),
    ("ASSURANCES", "Mutuelle d'assurances des artisans"),
    ("BUREAU", "Fournitures de bureau 66"),
    ("LOCAL", "SCI des Platanes (locaux)"),
    ("GROSSISTE", "Grossiste du Midi"),
    ("CARBURANT", "Station du Conflent"),
)


def _activities(cooperative: Cooperative) -> list[Activity]:
    """The demo activities; one per entrepreneur when the entrepreneurs' seeder made none."""
    activities = list(Activity.objects.select_related("sector").order_by("analytic_code"))
    if activities:
        return activities
    people = list(Entrepreneur.objects.select_related("sector").order_by("pk"))
    today = timezone.localdate()
    created = Activity.objects.bulk_create(
        Activity(
            cooperative=cooperative,
            analytic_code=f"A{n:03d}",
            name=f"{person.first_name} {person.last_name}",
            sector=person.sector,
            start_date=today.replace(year=today.year - YEARS, month=1, day=1),
        )
        for n, person in enumerate(people, start=1)
    )
    ActivityMember.objects.bulk_create(
        ActivityMember(
            cooperative=cooperative, activity=activity, entrepreneur=person, share=Decimal(100)
        )
        for activity, person in zip(created, people, strict=True)
    )
    return list(Activity.objects.select_related("sector").order_by("analytic_code"))


def _third_parties(cooperative: Cooperative, activities: list[Activity]) -> None:
    from accounting.models import Account

    existing = set(ThirdParty.objects.values_list("code", flat=True))
    customers = Account.objects.get(code="411")
    suppliers = Account.objects.get(code="401")
    rows = [
        ThirdParty(
            cooperative=cooperative,
            kind=ThirdParty.Kind.SUPPLIER,
            code=code,
            name=name,
            account=suppliers,
        )
        for code, name in SUPPLIERS
        if code not in existing
    ]
    rows += [
        ThirdParty(
            cooperative=cooperative,
            kind=ThirdParty.Kind.CUSTOMER,
            code=f"C{activity.analytic_code}-{n}",
            name=f"Client {n} de {activity.analytic_code}",
            account=customers,
            activity=activity,
        )
        for activity in activities
        for n in (1, 2, 3)
        if f"C{activity.analytic_code}-{n}" not in existing
    ]
    ThirdParty.objects.bulk_create(rows)


def _counts() -> dict[str, int]:
    """This seeder's rows only (the payroll app's demo posts its payslips too)."""
    return {
        "ledger_entries": Entry.objects.filter(source=SOURCE).count(),
        "ledger_lines": EntryLine.objects.filter(entry__source=SOURCE).count(),
        "fiscal_years": FiscalYear.objects.count(),
    }


def sales_from(today: dt.date) -> dt.date:
    """The first day the sales app invoices: the first of the month twelve months ago."""
    return add_months(today.replace(day=1), -12)


def _size(cooperative: Cooperative, activity: Activity) -> float:
    """The activity's size relative to its sector's typical revenue, from its own generator."""
    generator = random.Random(f"{cooperative.slug}:{activity.analytic_code}")  # noqa: S311 - demo data
    return generator.uniform(0.45, 1.7)


def demo_profiles(cooperative: Cooperative) -> list[ActivityProfile]:
    """Every demo activity's revenue profile. Its size comes from its own generator (its code),
    so the sales demo invoices each activity at the scale of its ledger history."""
    today = timezone.localdate()
    start = dt.date(today.year - YEARS + 1, 1, 1)
    rate = cooperative.default_contribution_rate
    return [
        ActivityProfile(
            activity_id=activity.pk,
            code=activity.analytic_code,
            sector=activity.sector.name,
            level=_size(cooperative, activity),
            customers=tuple(f"C{activity.analytic_code}-{n}" for n in (1, 2, 3)),
            suppliers=tuple(code for code, _name in SUPPLIERS),
            contribution_rate=activity.contribution_rate or rate,
            start=max(activity.start_date, start),
            end=activity.end_date,
            decline_from=dt.date(today.year, 1, 1) if activity.sector.name == "Bâtiment" else None,
        )
        for activity in Activity.objects.select_related("sector").order_by("analytic_code")
    ]


def seed(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    """Create this app's demo rows in the active cooperative (idempotent); returns counts."""
    services.chart_seed_defaults()
    today = timezone.localdate()
    first_year = today.year - YEARS + 1
    for year in range(first_year, today.year + 1):
        services.fiscal_year_ensure(day=dt.date(year, 6, 30))
    if Entry.objects.filter(source=SOURCE).exists():
        return _counts()
    activities = _activities(cooperative)
    _third_parties(cooperative, activities)
    start = dt.date(first_year, 1, 1)
    profiles = demo_profiles(cooperative)
    month = start
    # From last month on, salaries are the payroll app's (its demo validates last month's run,
    # which posts the payslips to the ledger).
    payroll_from = add_months(today.replace(day=1), -1)
    invoicing_from = sales_from(today)
    batch: list[services.EntryInput] = []
    while month <= today:
        brought_over = month < invoicing_from
        for profile in profiles:
            for data in month_entries(
                profile,
                month,
                rng,
                today=today,
                invoices=2 if brought_over else 0,
                purchases=1,
                payroll=month < payroll_from,
                settle=brought_over,
                settled_by=invoicing_from - dt.timedelta(days=1),
            ):
                batch.append(_entry_input(data, f"demo:{data.idempotency_key}"))
        if month.month == 12 or add_months(month, 1) > today:
            services.entries_post_bulk(entries=batch)
            batch = []
        month = add_months(month, 1)
    return _counts()


def _entry_input(data: services.EntryInput, key: str) -> services.EntryInput:
    return services.EntryInput(
        journal=data.journal,
        date=data.date,
        label=data.label,
        lines=data.lines,
        idempotency_key=key,
        piece_ref=data.piece_ref,
        piece_date=data.piece_date,
        source=SOURCE,
    )


def _month_sums(since: dt.date, today: dt.date) -> dict[tuple[int, dt.date, str], Decimal]:
    """Per (activity, month, what): the revenue (excl. VAT), the VAT collected and the VAT
    deductible the ledger holds since `since`, VAT returns and contributions (OD) and
    à-nouveaux aside."""
    rows = (
        EntryLine.objects.filter(
            Q(account__code__startswith=REVENUE_PREFIX)
            | Q(account__code__in=(VAT_COLLECTED, VAT_DEDUCTIBLE)),
            entry__date__gte=since,
            entry__date__lte=today,
            activity__isnull=False,
        )
        .exclude(entry__journal__code="OD")
        .exclude(entry__journal__kind=Journal.Kind.OPENING)
        .annotate(month=TruncMonth("entry__date"))
        .values("activity_id", "month", "account__code")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    sums: dict[tuple[int, dt.date, str], Decimal] = {}
    for row in rows:
        code = row["account__code"]
        if code == VAT_DEDUCTIBLE:
            what, amount = "deductible", row["debit"] - row["credit"]
        else:
            what = "collected" if code == VAT_COLLECTED else "revenue"
            amount = row["credit"] - row["debit"]
        key = (row["activity_id"], row["month"], what)
        sums[key] = sums.get(key, Decimal(0)) + amount
    return sums


def settle(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    """After the sales demo: each month since `sales_from`, the contribution on the revenue the
    invoices posted and the VAT return of the VAT they collected (less the purchases' VAT);
    then the past years closed and sealed (idempotent). `rng` is unused: everything comes from
    the ledger."""
    today = timezone.localdate()
    since = sales_from(today)
    if not Entry.objects.filter(idempotency_key__startswith=SETTLE_KEY).exists():
        sums = _month_sums(since, today)
        batch = []
        for profile in demo_profiles(cooperative):
            month = since
            while month <= today:
                # A month of the activity's, or one where its customers still paid.
                if active_in(profile, month) or any(
                    (profile.activity_id, month, what) in sums
                    for what in ("revenue", "collected", "deductible")
                ):

                    def amount(
                        what: str, month: dt.date = month, pk: int = profile.activity_id
                    ) -> Decimal:
                        return money(sums.get((pk, month, what), Decimal(0)))

                    for data in settlement_entries(
                        profile,
                        month,
                        revenue=amount("revenue"),
                        collected=amount("collected"),
                        deductible=amount("deductible"),
                        today=today,
                    ):
                        key = (data.idempotency_key or "").removeprefix(history_key(profile, month))
                        batch.append(
                            _entry_input(data, f"{SETTLE_KEY}{profile.code}:{month:%Y-%m}{key}")
                        )
                month = add_months(month, 1)
        services.entries_post_bulk(entries=batch)
    # Years that ended over three months ago are closed and sealed, as an accountant would have
    # done by spring; a year that has just ended stays open for its late entries (December's
    # payslips are posted in January).
    for past in FiscalYear.objects.filter(
        end_date__lt=add_months(today, -3), status=FiscalYear.Status.OPEN
    ).order_by("start_date"):
        services.fiscal_year_start_closing(fiscal_year=past)
        services.fiscal_year_close(fiscal_year=past)
    return _counts()
