"""Demo data of the accounting app, called by `seed_demo` inside each demo cooperative.

Three years of ledger history for every demo activity (invoices and payments, purchases,
payroll, the contribution coopérative, VAT returns), with the sectors' seasons and building
falling this year, as in the interview. Posted through the bulk posting service (so every rule
of the ledger applies) in a handful of statements; the past years are then closed and sealed
once three months have passed. Deterministic (the seeder's generator) and idempotent (a second
run posts nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounting import services
from accounting.history import ActivityProfile, month_entries
from accounting.models import Entry, EntryLine, FiscalYear, ThirdParty
from accounting.services.fiscal import add_months
from entrepreneurs.models import Activity, ActivityMember, Entrepreneur
from perspectives.tenancy.models import Cooperative

SOURCE = "demo"
YEARS = 3
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
    rate = cooperative.default_contribution_rate
    profiles = [
        ActivityProfile(
            activity_id=activity.pk,
            code=activity.analytic_code,
            sector=activity.sector.name,
            level=rng.uniform(0.45, 1.7),
            customers=tuple(f"C{activity.analytic_code}-{n}" for n in (1, 2, 3)),
            suppliers=tuple(code for code, _name in SUPPLIERS),
            contribution_rate=activity.contribution_rate or rate,
            start=max(activity.start_date, start),
            end=activity.end_date,
            decline_from=dt.date(today.year, 1, 1) if activity.sector.name == "Bâtiment" else None,
        )
        for activity in activities
    ]
    month = start
    # From last month on, salaries are the payroll app's (its demo validates last month's run,
    # which posts the payslips to the ledger).
    payroll_from = add_months(today.replace(day=1), -1)
    batch: list[services.EntryInput] = []
    while month <= today:
        for profile in profiles:
            for data in month_entries(
                profile,
                month,
                rng,
                today=today,
                invoices=2,
                purchases=1,
                payroll=month < payroll_from,
            ):
                batch.append(
                    services.EntryInput(
                        journal=data.journal,
                        date=data.date,
                        label=data.label,
                        lines=data.lines,
                        idempotency_key=f"demo:{data.idempotency_key}",
                        piece_ref=data.piece_ref,
                        piece_date=data.piece_date,
                        source=SOURCE,
                    )
                )
        if month.month == 12 or add_months(month, 1) > today:
            services.entries_post_bulk(entries=batch)
            batch = []
        month = add_months(month, 1)
    # Years that ended over three months ago are closed and sealed, as an accountant would have
    # done by spring; a year that has just ended stays open for its late entries (December's
    # payslips are posted in January).
    for past in FiscalYear.objects.filter(end_date__lt=add_months(today, -3)):
        services.fiscal_year_start_closing(fiscal_year=past)
        services.fiscal_year_close(fiscal_year=past)
    return _counts()
