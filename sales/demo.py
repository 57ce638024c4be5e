"""Demo data of the sales app, called by `seed_demo` inside each demo cooperative.

For a share of the demo activities (always the demo entrepreneur's): customers, a small
catalogue, and this year's documents through the services — a quote accepted then invoiced as a
30 % deposit and its balance, invoices paid in part or in whole, a credit note, a draft quote —
so that every figure comes from numbered, posted documents. One building activity also has a
works quote with a 5 % retention guarantee billed in two situations (the first paid), an invoice
above its self-validation cap waiting for support staff, and the demo activity an e-mailed
invoice and a reminder of an overdue one. Deterministic (the seeder's
generator) and idempotent (a second run creates nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone
from stdnum import luhn

from entrepreneurs.models import Activity
from perspectives.tenancy.models import Cooperative, Membership, Role
from sales import services
from sales.models import Customer, Document, Payment, Product, SalesSettings
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
    "Espaces verts": (
        ("Taille et entretien", "HUR", "42"),
        ("Évacuation des déchets", "XPK", "90"),
    ),
    "Formation et conseil": (
        ("Journée de formation", "DAY", "850"),
        ("Accompagnement", "HUR", "75"),
    ),
    "Communication": (("Création graphique", "DAY", "420"), ("Impression", "XPK", "180")),
}
DEFAULT_SERVICES = (("Prestation", "HUR", "55"), ("Forfait déplacement", "XPK", "35"))


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


# Long on purpose: the demo's sales year told in order (customers, quote, deposit, balance, credit
# note, payments), through the services.
def seed(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    """Create this app's demo rows in the active cooperative (idempotent); returns counts."""
    if Document.objects.exists():
        return _counts()
    _settings(cooperative)
    today = timezone.localdate()
    start = max(today.replace(month=1, day=1), today - dt.timedelta(days=120))
    activities = _chosen_activities(rng)
    plans = []
    for index, activity in enumerate(activities):
        company_name, city, postal_code = COMPANIES[index % len(COMPANIES)]
        siren = _siren(rng)
        company = services.customer_create(
            activity=activity,
            kind=Customer.Kind.PUBLIC
            if company_name.startswith("Mairie")
            else Customer.Kind.COMPANY,
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
        products = [
            services.product_create(
                activity=activity,
                kind=Product.Kind.GOODS if unit == "C62" else Product.Kind.SERVICE,
                label=label,
                unit=unit,
                unit_price=Decimal(price),
            )
            for label, unit, price in SERVICES.get(activity.sector.name, DEFAULT_SERVICES)
        ]
        plans.append((activity, company, person, products))

    span = max((today - start).days, 1)

    def day(fraction: float) -> dt.date:
        return start + dt.timedelta(days=int(span * fraction))

    # Documents step by step across every activity, so each series stays chronological.
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
    state: dict[int, dict[str, Document]] = {a.pk: {} for a in activities}
    building = _building(activities)
    for fraction, step in steps:
        for activity, company, person, products in plans:
            if activity == building:
                _building_step(step, day(fraction), activity, company, state[activity.pk])
            if activity == activities[0]:
                _follow_up_step(step, today, state[activity.pk])
            docs = state[activity.pk]
            when = day(fraction)
            render = activity == activities[0]
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
                )
                docs["quote"] = services.quote_send(quote=quote, date=when)
                services.quote_answer(quote=docs["quote"], accepted=True)
            elif step == "deposit":
                deposit = services.quote_invoice(quote=docs["quote"], mode="deposit", percent="30")
                services.document_update(
                    document=deposit, delivery_date=when, due_date=when + dt.timedelta(days=30)
                )
                docs["deposit"] = services.invoice_validate(
                    document=deposit, date=when, render=render
                )
            elif step == "invoice":
                invoice = services.document_create(
                    kind=Document.Kind.INVOICE,
                    activity=activity,
                    customer=company,
                    delivery_date=when,
                    due_date=when + dt.timedelta(days=30),
                    lines=[LineData.from_product(products[1], rng.randrange(1, 4))],
                )
                docs["invoice"] = services.invoice_validate(
                    document=invoice, date=when, render=render
                )
            elif step == "deposit_paid":
                services.payment_record(
                    invoice=docs["deposit"], amount=docs["deposit"].amount_due, date=when
                )
            elif step == "balance":
                balance = services.quote_invoice(quote=docs["quote"], mode="whole")
                services.document_update(
                    document=balance, delivery_date=when, due_date=when + dt.timedelta(days=30)
                )
                docs["balance"] = services.invoice_validate(
                    document=balance, date=when, render=render
                )
            elif step == "person_invoice":
                invoice = services.document_create(
                    kind=Document.Kind.INVOICE,
                    activity=activity,
                    customer=person,
                    delivery_date=when,
                    due_date=when + dt.timedelta(days=15),
                    lines=[LineData.from_product(products[0], 1)],
                )
                docs["person"] = services.invoice_validate(
                    document=invoice, date=when, render=render
                )
            elif step == "credit_note":
                credit = services.credit_note_create(
                    invoice=docs["invoice"],
                    lines=[LineData("Geste commercial", unit_price=Decimal("20.00"))],
                )
                services.invoice_validate(document=credit, date=when, render=render)
            elif step == "payments":
                services.payment_record(
                    invoice=docs["person"], amount=docs["person"].amount_due, date=when
                )
                half = (docs["balance"].amount_due / 2).quantize(Decimal("0.01"))
                services.payment_record(
                    invoice=docs["balance"], amount=half, date=when, method="cheque"
                )
            elif step == "draft":
                services.document_create(
                    kind=Document.Kind.QUOTE,
                    activity=activity,
                    customer=person,
                    title="Devis à envoyer",
                    lines=[LineData.from_product(products[0], 1)],
                )
    return _counts()


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
