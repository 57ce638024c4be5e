"""Demo data of the sales app, called by `seed_demo` inside each demo cooperative.

For a share of the demo activities (always the demo entrepreneur's): customers, a small
catalogue, and this year's documents through the services — a quote accepted then invoiced as a
30 % deposit and its balance, invoices paid in part or in whole, a credit note, a draft quote —
so that every figure comes from numbered, posted documents. Deterministic (the seeder's
generator) and idempotent (a second run creates nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone
from stdnum import luhn

from entrepreneurs.models import Activity
from perspectives.tenancy.models import Cooperative
from sales import services
from sales.models import Customer, Document, Payment, Product, SalesSettings
from sales.services import LineData

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
    for fraction, step in steps:
        for activity, company, person, products in plans:
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
