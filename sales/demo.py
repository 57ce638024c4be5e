"""Demo data of the sales app, called by `seed_demo` inside each demo cooperative.

A year of invoicing for every demo activity, through the services, so that the ledger's sales
(revenue, customers, VAT collected, customers' payments) come from numbered, posted documents.
Since `accounting.demo.sales_from` (the first day of the month twelve months ago; the accounting
demo posts no sales from then on, and the sales before it were brought over from the previous
software), each activity invoices about the revenue of its ledger history
(`accounting.history.month_revenue`): each month an invoice to one of its two customers, every
few months a quote billed with a 30 % deposit and its balance the next month (building: a works
quote billed in three monthly progress invoices), once a year a commercial credit note; customers
pay 15 to 60 days later, so the last weeks' invoices are still to collect. After this seeder,
`accounting.demo.settle` posts the months' contribution and VAT returns from those postings.

For a share of the activities (always the demo entrepreneur's), this year's story on top — a quote
accepted then invoiced as a 30 % deposit and its balance, invoices paid in part or in whole, a
credit note, a draft quote. One building activity also has a works quote with a 5 % retention
guarantee billed in two situations (the first paid), an invoice above its self-validation cap
waiting for support staff, and the demo activity an e-mailed invoice and a reminder of an overdue
one. Every document is validated in date order (the series' numbers follow dates). Only the demo
entrepreneur's story invoices get their PDF (queued to the worker); the others render on demand.
Deterministic (the seeder's generator) and idempotent (a second run creates nothing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from stdnum import luhn

from accounting.demo import demo_profiles, sales_from
from accounting.history import NO_VAT_SECTORS, ActivityProfile, active_in, month_revenue
from accounting.services.fiscal import add_months
from entrepreneurs.models import Activity
from perspectives.tenancy.models import Cooperative, Membership, Role
from sales import services
from sales.models import Customer, Document, OperationCategory, Payment, Product, SalesSettings
from sales.services import LineData, approval, emails, reminders

# Enough activities to fill the lists, few enough to keep the seeding quick.
ACTIVITIES = 8
COMPANIES = (
    ("Boulangerie Py", "Perpignan", "66000"),
    ("Domaine des Aspres", "Thuir", "66300"),
    ("Mairie de Prades", "Prades", "66500"),
    ("Camping Les Pins", "Argelès-sur-Mer", "66700"),
    ("Cabinet Roig", "Céret", "66400"),
    ("Hôtel du Canigou", "Vernet-les-Bains", "66820"),
)
PEOPLE = ("Marie Sabaté", "Jordi Puig", "Anne Bosch", "Pere Vidal")
SERVICES = {
    "Bâtiment": (("Pose de menuiseries", "DAY", "380"), ("Fournitures", "C62", "240")),
    "Espaces verts et jardinage": (
        ("Taille et entretien", "HUR", "42"),
        ("Évacuation des déchets", "XPK", "90"),
    ),
    "Formation et conseil": (
        ("Journée de formation", "DAY", "850"),
        ("Accompagnement", "HUR", "75"),
    ),
    "Communication": (("Création graphique", "DAY", "420"), ("Impression", "XPK", "180")),
    "Commerce": (("Articles du catalogue", "C62", "48"), ("Coffrets cadeaux", "C62", "65")),
    "Bien-être": (("Séance de massage", "HUR", "60"), ("Bon cadeau", "XPK", "50")),
}
DEFAULT_SERVICES = (("Prestation", "HUR", "55"), ("Forfait déplacement", "XPK", "35"))
# Training is exempt from VAT, as in the ledger's history.
VAT_EXEMPTION = "Exonération de TVA, article 261-4-4° a du CGI"
CENT = Decimal("0.01")
PAYMENT_DELAYS = (15, 30, 30, 45, 60)
# Steps of the same day in this order: quotes, then invoices and credit notes, then payments.
QUOTE, INVOICE, CREDIT, PAYMENT = range(4)


def _siren(rng: random.Random) -> str:
    body = f"{rng.randrange(10_000_000, 99_999_999)}"
    return body + luhn.calc_check_digit(body)


def _siret(siren: str) -> str:
    body = f"{siren}0001"
    return body + luhn.calc_check_digit(body)


def _vat_number(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _settings(cooperative: Cooperative) -> None:
    if SalesSettings.objects.exists():
        return
    services.settings_update(
        legal_form_label=f"{cooperative.get_legal_form_display()} à capital variable",
        share_capital="capital variable",
        rcs="RCS Perpignan",
        vat_number=_vat_number(cooperative.siren),
        email=f"facturation@{cooperative.slug}.example",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )


def _chosen_activities(rng: random.Random) -> list[Activity]:
    activities = list(
        Activity.objects.filter(status=Activity.Status.ACTIVE)
        .select_related("sector")
        .order_by("analytic_code")
    )
    # The demo entrepreneur's activity first (the first entrepreneur created has the first
    # activity), then a stable draw among the others.
    return activities[:1] + rng.sample(activities[1:], min(ACTIVITIES - 1, len(activities) - 1))


def _building(activities: list[Activity]) -> Activity:
    """The building activity of the demo: the first chosen one of the "Bâtiment" sector."""
    return next((a for a in activities if a.sector.name == "Bâtiment"), activities[0])


def _entrepreneur_membership(activity: Activity) -> Membership | None:
    """The membership of one of the activity's entrepreneurs, when they have an account."""
    users = activity.members.filter(entrepreneur__user__isnull=False).values_list(
        "entrepreneur__user", flat=True
    )
    return (
        Membership.objects.filter(
            cooperative_id=activity.cooperative_id,
            user__in=users,
            roles__contains=[Role.ENTREPRENEUR],
        )
        .order_by("pk")
        .first()
    )


def _counts() -> dict[str, int]:
    return {
        "sales_customers": Customer.objects.count(),
        "sales_documents": Document.objects.count(),
        "sales_payments": Payment.objects.count(),
    }


def _terms(activity: Activity) -> dict[str, Any]:
    """The sector's document terms: goods for commerce, the VAT exemption for training."""
    if activity.sector.name in NO_VAT_SECTORS:
        return {"vat_exemption": VAT_EXEMPTION}
    if activity.sector.name == "Commerce":
        return {"category": OperationCategory.GOODS}
    return {}


class _Timeline:
    """The documents' steps, run in date order (then quotes, invoices, payments) once planned:
    each series numbers its invoices in the order of their dates."""

    def __init__(self) -> None:
        self.steps: list[tuple[dt.date, int, int, Callable[[], None]]] = []

    def add(self, day: dt.date, phase: int, run: Callable[[], None]) -> None:
        self.steps.append((day, phase, len(self.steps), run))

    def run(self) -> None:
        for _day, _phase, _seq, run in sorted(self.steps, key=lambda step: step[:3]):
            run()


# Long on purpose: the demo's sales year told in order (customers, then the routine year of
# every activity and this year's story of a few, on one timeline), through the services.
def seed(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    """Create this app's demo rows in the active cooperative (idempotent); returns counts."""
    if Document.objects.exists():
        return _counts()
    _settings(cooperative)
    today = timezone.localdate()
    profiles = {p.activity_id: p for p in demo_profiles(cooperative)}
    activities = _chosen_activities(rng)
    chosen = {a.pk for a in activities}
    everyone = list(
        Activity.objects.filter(pk__in=profiles).select_related("sector").order_by("analytic_code")
    )
    # The story's activities first, then the others, so the story keeps its customers.
    ordered = activities + [a for a in everyone if a.pk not in chosen]
    plans = {}
    for index, activity in enumerate(ordered):
        company, person = _customers(activity, index, rng)
        products = [
            services.product_create(
                activity=activity,
                kind=Product.Kind.GOODS if unit == "C62" else Product.Kind.SERVICE,
                label=label,
                unit=unit,
                unit_price=Decimal(price),
                vat_rate=Decimal(0) if activity.sector.name in NO_VAT_SECTORS else Decimal(20),
            )
            for label, unit, price in SERVICES.get(activity.sector.name, DEFAULT_SERVICES)
        ]
        plans[activity.pk] = (activity, company, person, products)
    timeline = _Timeline()
    since = sales_from(today)
    for activity in everyone:
        if activity.pk in profiles:
            _routine_year(
                timeline, profiles[activity.pk], plans[activity.pk], rng, since=since, today=today
            )
    _story(timeline, [plans[a.pk] for a in activities], rng, today)
    timeline.run()
    return _counts()


def _customers(activity: Activity, index: int, rng: random.Random) -> tuple[Customer, Customer]:
    company_name, city, postal_code = COMPANIES[index % len(COMPANIES)]
    siren = _siren(rng)
    company = services.customer_create(
        activity=activity,
        kind=Customer.Kind.PUBLIC if company_name.startswith("Mairie") else Customer.Kind.COMPANY,
        name=company_name,
        siret=_siret(siren),
        vat_number=_vat_number(siren),
        address_line=f"{rng.randrange(1, 60)} avenue de la Gare",
        postal_code=postal_code,
        city=city,
        email=f"compta@{company_name.lower().split()[-1]}.example",
    )
    person = services.customer_create(
        activity=activity,
        kind=Customer.Kind.INDIVIDUAL,
        name=PEOPLE[index % len(PEOPLE)],
        address_line=f"{rng.randrange(1, 40)} rue des Écoles",
        postal_code="66000",
        city="Perpignan",
    )
    return company, person


def _lines(products: list[Product], net: Decimal) -> list[LineData]:
    """Lines worth `net` (excl. VAT): the main product's units, the rest in the second one."""
    main, extra = products
    quantity = int(net * Decimal("0.8") / main.unit_price)
    if quantity < 1:
        return [dataclasses.replace(LineData.from_product(main, 1), unit_price=net)]
    rest = (net - quantity * main.unit_price).quantize(CENT)
    lines = [LineData.from_product(main, quantity)]
    if rest > 0:
        lines.append(dataclasses.replace(LineData.from_product(extra, 1), unit_price=rest))
    return lines


def _day(month: dt.date, rng: random.Random, first: int = 1, last: int = 28) -> dt.date:
    return month.replace(day=rng.randint(first, last))


# Long on purpose: one activity's routine year (invoices, quotes with deposits or progress
# invoices, a credit note, payments) planned month by month on the timeline.
def _routine_year(
    timeline: _Timeline,
    profile: ActivityProfile,
    plan: tuple[Activity, Customer, Customer, list[Product]],
    rng: random.Random,
    *,
    since: dt.date,
    today: dt.date,
) -> None:
    """Plan the activity's invoicing from `since` to `today`, about its ledger's revenue."""
    activity, company, person, products = plan
    terms = _terms(activity)
    building = activity.sector.name == "Bâtiment"
    months = []
    month = since
    while month <= today:
        if active_in(profile, month):
            months.append(month)
        month = add_months(month, 1)
    offset = rng.randrange(3 if building else 4)
    credit_month = rng.choice(months) if months else None
    billed: set[dt.date] = set()

    def net_of(month: dt.date, spread: float = 0.2) -> Decimal:
        value = month_revenue(profile, month) * rng.uniform(1 - spread, 1 + spread)
        return Decimal(str(value)).quantize(CENT)

    def pay(day: dt.date, docs: dict[str, Document], name: str) -> None:
        paid = day + dt.timedelta(days=rng.choice(PAYMENT_DELAYS))
        if paid > today:
            return
        method = rng.choice((Payment.Method.TRANSFER, Payment.Method.TRANSFER, "cheque"))

        def run() -> None:
            amount = services.invoice_outstanding(invoice=docs[name])
            if amount > 0:
                services.payment_record(invoice=docs[name], amount=amount, date=paid, method=method)

        timeline.add(paid, PAYMENT, run)

    for index, month in enumerate(months):
        if month in billed:
            continue
        if index % (3 if building else 4) == offset:
            # Building: the works of three months in one quote, billed month by month.
            # Others: a quote billed with a 30 % deposit this month, its balance the next.
            span = list(months[index : index + (3 if building else 2)])
            if len(span) < 2 and not building:
                span = []
            if span:
                billed.update(span if building else span[1:])
                _quote_chain(
                    timeline,
                    plan,
                    terms,
                    rng,
                    today=today,
                    building=building,
                    months=span,
                    nets=[net_of(m, 0.1) for m in span],
                    pay=pay,
                )
                if building:
                    continue
        customer = rng.choice((company, company, person))
        day = _day(month, rng)
        if day > today:
            continue
        net = net_of(month)
        docs: dict[str, Document] = {}

        def invoice(
            day: dt.date = day,
            net: Decimal = net,
            customer: Customer = customer,
            docs: dict[str, Document] = docs,
        ) -> None:
            draft = services.document_create(
                kind=Document.Kind.INVOICE,
                activity=activity,
                customer=customer,
                delivery_date=day,
                due_date=day + dt.timedelta(days=30),
                lines=_lines(products, net),
                **terms,
            )
            docs["invoice"] = services.invoice_validate(document=draft, date=day, render=False)

        timeline.add(day, INVOICE, invoice)
        if month == credit_month:
            credited = day + dt.timedelta(days=7)
            if credited <= today:
                rate = Decimal(0) if activity.sector.name in NO_VAT_SECTORS else Decimal(20)
                discount = (net / 10).quantize(CENT)

                def credit(
                    credited: dt.date = credited,
                    docs: dict[str, Document] = docs,
                    discount: Decimal = discount,
                    rate: Decimal = rate,
                ) -> None:
                    note = services.credit_note_create(
                        invoice=docs["invoice"],
                        lines=[LineData("Remise commerciale", unit_price=discount, vat_rate=rate)],
                    )
                    services.invoice_validate(document=note, date=credited, render=False)

                timeline.add(credited, CREDIT, credit)
        pay(day, docs, "invoice")


def _quote_chain(
    timeline: _Timeline,
    plan: tuple[Activity, Customer, Customer, list[Product]],
    terms: dict[str, Any],
    rng: random.Random,
    *,
    today: dt.date,
    building: bool,
    months: list[dt.date],
    nets: list[Decimal],
    pay: Callable[[dt.date, dict[str, Document], str], None],
) -> None:
    """A quote sent and accepted early in the first month, then billed: building, in progress
    invoices at the end of each month (the cumulative progress of the quote's total); others,
    a 30 % deposit invoice mid-month and the balance the next month."""
    activity, company, _person, products = plan
    sent = _day(months[0], rng, 1, 5)
    if sent > today:
        return
    docs: dict[str, Document] = {}
    total = sum(nets, Decimal(0))

    def quote() -> None:
        draft = services.document_create(
            kind=Document.Kind.QUOTE,
            activity=activity,
            customer=company,
            title="Chantier" if building else "Commande",
            delivery_date=months[-1],
            lines=_lines(products, total),
            **terms,
        )
        docs["quote"] = services.quote_send(quote=draft, date=sent)
        services.quote_answer(quote=docs["quote"], accepted=True)

    timeline.add(sent, QUOTE, quote)
    if building:
        done = Decimal(0)
        for n, (month, net) in enumerate(zip(months, nets, strict=True)):
            done += net
            day = _day(month, rng, 20, 28)
            if day > today:
                return
            percent = (
                Decimal(100) if n == len(months) - 1 else (done / total * 100).quantize(Decimal(1))
            )
            name = f"situation_{n}"

            def situation(day: dt.date = day, percent: Decimal = percent, name: str = name) -> None:
                draft = services.quote_invoice(
                    quote=docs["quote"], mode="progress", percent=percent
                )
                services.document_update(
                    document=draft, delivery_date=day, due_date=day + dt.timedelta(days=30)
                )
                docs[name] = services.invoice_validate(document=draft, date=day, render=False)

            timeline.add(day, INVOICE, situation)
            pay(day, docs, name)
        return
    for name, month, mode in (("deposit", months[0], "deposit"), ("balance", months[1], "whole")):
        day = _day(month, rng, 8, 14) if mode == "deposit" else _day(month, rng, 15, 28)
        if day > today:
            return

        def bill(day: dt.date = day, mode: str = mode, name: str = name) -> None:
            draft = services.quote_invoice(
                quote=docs["quote"], mode=mode, percent="30" if mode == "deposit" else None
            )
            services.document_update(
                document=draft, delivery_date=day, due_date=day + dt.timedelta(days=30)
            )
            docs[name] = services.invoice_validate(document=draft, date=day, render=False)

        timeline.add(day, INVOICE, bill)
        pay(day, docs, name)


# Long on purpose: this year's story of the chosen activities, step by step on the timeline.
def _story(
    timeline: _Timeline,
    plans: list[tuple[Activity, Customer, Customer, list[Product]]],
    rng: random.Random,
    today: dt.date,
) -> None:
    """Documents step by step across the chosen activities (their first the demo
    entrepreneur's), in the last four months of this year."""
    start = max(today.replace(month=1, day=1), today - dt.timedelta(days=120))
    span = max((today - start).days, 1)

    def day(fraction: float) -> dt.date:
        return start + dt.timedelta(days=int(span * fraction))

    steps: list[tuple[float, str]] = [
        (0.05, "quote"),
        (0.15, "deposit"),
        (0.30, "invoice"),
        (0.45, "deposit_paid"),
        (0.55, "balance"),
        (0.65, "person_invoice"),
        (0.75, "credit_note"),
        (0.85, "payments"),
        (0.95, "draft"),
    ]
    state: dict[int, dict[str, Document]] = {plan[0].pk: {} for plan in plans}
    activities = [plan[0] for plan in plans]
    building = _building(activities)
    for fraction, step in steps:
        when = day(fraction)

        def run(step: str = step, when: dt.date = when) -> None:
            for plan in plans:
                _story_step(step, when, plan, state, building, activities[0], rng, today)

        timeline.add(when, INVOICE, run)


# Long on purpose: each step of the story is a short branch; side by side they read in order.
def _story_step(
    step: str,
    when: dt.date,
    plan: tuple[Activity, Customer, Customer, list[Product]],
    state: dict[int, dict[str, Document]],
    building: Activity,
    demo_activity: Activity,
    rng: random.Random,
    today: dt.date,
) -> None:
    activity, company, person, products = plan
    if activity == building:
        _building_step(step, when, activity, company, state[activity.pk])
    if activity == demo_activity:
        _follow_up_step(step, today, state[activity.pk])
    docs = state[activity.pk]
    render = activity == demo_activity
    terms = _terms(activity)
    if step == "quote":
        quote = services.document_create(
            kind=Document.Kind.QUOTE,
            activity=activity,
            customer=company,
            title="Chantier de printemps",
            delivery_date=when + dt.timedelta(days=30),
            lines=[
                LineData.from_product(products[0], rng.randrange(2, 8)),
                LineData.from_product(products[1], 1),
            ],
            **terms,
        )
        docs["quote"] = services.quote_send(quote=quote, date=when)
        services.quote_answer(quote=docs["quote"], accepted=True)
    elif step == "deposit":
        deposit = services.quote_invoice(quote=docs["quote"], mode="deposit", percent="30")
        services.document_update(
            document=deposit, delivery_date=when, due_date=when + dt.timedelta(days=30)
        )
        docs["deposit"] = services.invoice_validate(document=deposit, date=when, render=render)
    elif step == "invoice":
        invoice = services.document_create(
            kind=Document.Kind.INVOICE,
            activity=activity,
            customer=company,
            delivery_date=when,
            due_date=when + dt.timedelta(days=30),
            lines=[LineData.from_product(products[1], rng.randrange(1, 4))],
            **terms,
        )
        docs["invoice"] = services.invoice_validate(document=invoice, date=when, render=render)
    elif step == "deposit_paid":
        services.payment_record(
            invoice=docs["deposit"], amount=docs["deposit"].amount_due, date=when
        )
    elif step == "balance":
        balance = services.quote_invoice(quote=docs["quote"], mode="whole")
        services.document_update(
            document=balance, delivery_date=when, due_date=when + dt.timedelta(days=30)
        )
        docs["balance"] = services.invoice_validate(document=balance, date=when, render=render)
    elif step == "person_invoice":
        invoice = services.document_create(
            kind=Document.Kind.INVOICE,
            activity=activity,
            customer=person,
            delivery_date=when,
            due_date=when + dt.timedelta(days=15),
            lines=[LineData.from_product(products[0], 1)],
            **terms,
        )
        docs["person"] = services.invoice_validate(document=invoice, date=when, render=render)
    elif step == "credit_note":
        rate = Decimal(0) if activity.sector.name in NO_VAT_SECTORS else Decimal(20)
        credit = services.credit_note_create(
            invoice=docs["invoice"],
            lines=[LineData("Geste commercial", unit_price=Decimal("20.00"), vat_rate=rate)],
        )
        services.invoice_validate(document=credit, date=when, render=render)
    elif step == "payments":
        services.payment_record(invoice=docs["person"], amount=docs["person"].amount_due, date=when)
        half = (docs["balance"].amount_due / 2).quantize(Decimal("0.01"))
        services.payment_record(invoice=docs["balance"], amount=half, date=when, method="cheque")
    elif step == "draft":
        services.document_create(
            kind=Document.Kind.QUOTE,
            activity=activity,
            customer=person,
            title="Devis à envoyer",
            lines=[LineData.from_product(products[0], 1)],
            **terms,
        )


def _building_step(
    step: str, when: dt.date, activity: Activity, customer: Customer, docs: dict[str, Document]
) -> None:
    """The building activity's works: a quote with a 5 % retention guarantee, two situations (the
    first paid, net of the retention), and an invoice above the self-validation cap sent to
    support staff."""
    if step == "quote":
        works = services.document_create(
            kind=Document.Kind.QUOTE,
            activity=activity,
            customer=customer,
            title="Rénovation de la façade",
            delivery_date=when + dt.timedelta(days=60),
            retention_percent=Decimal("5"),
            lines=[
                LineData("Échafaudage et protection", unit_price=Decimal("2400.00")),
                LineData("Ravalement de façade", quantity=120, unit="MTK", unit_price=Decimal(65)),
            ],
        )
        docs["works"] = services.quote_send(quote=works, date=when)
        services.quote_answer(quote=docs["works"], accepted=True)
    elif step in ("invoice", "balance"):
        percent = "40" if step == "invoice" else "75"
        situation = services.quote_invoice(quote=docs["works"], mode="progress", percent=percent)
        services.document_update(
            document=situation, delivery_date=when, due_date=when + dt.timedelta(days=30)
        )
        docs[f"situation_{percent}"] = services.invoice_validate(
            document=situation, date=when, render=False
        )
    elif step == "payments":
        first = docs["situation_40"]
        services.payment_record(
            invoice=first, amount=services.invoice_outstanding(invoice=first), date=when
        )
    elif step == "draft":
        membership = _entrepreneur_membership(activity)
        if membership is None:
            return
        approval.validation_rule_set(activity=activity, self_validation=True, amount_cap="5000")
        invoice = services.document_create(
            kind=Document.Kind.INVOICE,
            activity=activity,
            customer=customer,
            title="Extension du garage",
            delivery_date=when,
            lines=[LineData("Maçonnerie", quantity=8, unit="DAY", unit_price=Decimal(780))],
        )
        approval.document_submit(document=invoice, membership=membership, user=membership.user)


def _follow_up_step(step: str, today: dt.date, docs: dict[str, Document]) -> None:
    """The demo activity's e-mails: its first invoice sent to the customer, then reminded once
    overdue (the worker's sending done here, so the demo shows them sent)."""
    invoice = docs.get("invoice")
    if invoice is None:
        return
    if step == "deposit_paid":
        sent = emails.document_email_request(document=invoice)
        emails.document_email_send(email_id=sent.pk)
    elif step == "draft" and invoice.due_date and invoice.due_date < today:
        reminder = reminders.invoice_remind(invoice=invoice)
        emails.document_email_send(email_id=reminder.pk)
