"""Demo data of the purchases app, called by `seed_demo` inside each demo cooperative, through
the services: routing addresses, received e-invoices in each format (one waiting in the
accountant's queue), supplier invoices, expense reports with receipts and mileage, and a paid
SEPA batch. Idempotent: nothing is added when the cooperative already has suppliers."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum import luhn

from entrepreneurs.models import Activity, Entrepreneur
from perspectives.tenancy.models import Cooperative, Membership, Role
from purchases import sample_einvoices, services
from purchases.models import (
    ExpenseReport,
    PaymentBatch,
    PurchaseSettings,
    Supplier,
    SupplierInvoice,
)
from purchases.services import InvoiceLineData

# Valid French IBANs (check digits) for the demo's bank accounts.
COOPERATIVE_IBAN = "FR7630004000031234567890143"
ENTREPRENEUR_IBAN = "FR1420041010050500013M02606"
SUPPLIER_IBAN = "FR7630006000011234567890189"
SUPPLIERS = (
    ("Papeterie du Roussillon", "6064", "Ramettes et enveloppes", Decimal("20")),
    ("Imprimerie Catalane", "623", "Flyers A5, 500 exemplaires", Decimal("20")),
    ("Librairie Torcatis", "618", "Ouvrages professionnels", Decimal("5.5")),
)
# The smallest valid PNG (1×1 pixel): a receipt's photo in the demo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _siren(rng: random.Random) -> str:
    body = f"{rng.randrange(10_000_000, 99_999_999)}"
    return body + luhn.calc_check_digit(body)


def seed(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    """Create this app's demo rows in the active cooperative (idempotent); returns counts."""
    if not Supplier.objects.exists():
        _seed(cooperative=cooperative, rng=rng)
    return {
        "supplier_invoices": SupplierInvoice.objects.count(),
        "supplier_invoices_paid": SupplierInvoice.objects.filter(status="paid").count(),
        "expense_reports": ExpenseReport.objects.count(),
        "sepa_batches": PaymentBatch.objects.count(),
    }


# Long on purpose: the demo's purchases told in order (received e-invoices, entered invoices,
# expense reports, a paid SEPA batch), through the services.
def _seed(*, cooperative: Cooperative, rng: random.Random) -> None:
    today = timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    PurchaseSettings.objects.update_or_create(
        cooperative=cooperative,
        defaults={
            "debtor_name": cooperative.name[:70],
            "debtor_iban": COOPERATIVE_IBAN,
            "debtor_bic": "BNPAFRPPXXX",
            "self_validation_cap": Decimal("150.00"),
            "receipt_required_above": Decimal("0.00"),
        },
    )
    services.routing_addresses_ensure()
    activities = list(Activity.objects.filter(members__isnull=False).distinct().order_by("pk")[:3])
    if len(activities) < 2:
        return
    validator = (
        Membership.objects.filter(cooperative=cooperative, roles__contains=[Role.SUPPORT])
        .select_related("user", "cooperative")
        .first()
    ) or Membership.objects.filter(cooperative=cooperative).select_related("user").first()
    siren = cooperative.siren

    def address(activity: Activity | None) -> str:
        return siren if activity is None else f"{siren}_{activity.pk}"

    received = [
        services.einvoice_receive(
            data=sample_einvoices.facturx(
                sample_einvoices.sample(
                    "CII_example1.xml",
                    siren=siren,
                    address=address(activities[0]),
                    number=f"KM-{month:%Y%m}-0412",
                    day=month,
                )
            ),
            filename="KM-0412.pdf",
            source=SupplierInvoice.Source.PLATFORM,
            platform_id=f"demo-{cooperative.pk}-1",
        ),
        services.einvoice_receive(
            data=sample_einvoices.sample(
                "ubl-tc434-example1.xml",
                siren=siren,
                address=address(activities[1]),
                number=f"KM-{month:%Y%m}-0413",
                day=month + dt.timedelta(days=3),
            ),
            filename="KM-0413.xml",
            source=SupplierInvoice.Source.PLATFORM,
            platform_id=f"demo-{cooperative.pk}-2",
        ),
        services.einvoice_receive(
            data=sample_einvoices.sample(
                "CII_example1.xml",
                siren=siren,
                address=address(None),
                number=f"KM-{month:%Y%m}-0414",
                day=month + dt.timedelta(days=5),
            ),
            filename="KM-0414.xml",
            source=SupplierInvoice.Source.PLATFORM,
            platform_id=f"demo-{cooperative.pk}-3",
        ),
    ]
    validated = []
    if validator is not None:
        validated.append(
            services.supplier_invoice_validate(invoice=received[0], membership=validator)
        )
    for index, (name, account, label, rate) in enumerate(SUPPLIERS):
        supplier = services.supplier_create(name=name, siren=_siren(rng), iban=SUPPLIER_IBAN)
        activity = activities[index % len(activities)]
        invoice = services.supplier_invoice_create(
            supplier=supplier,
            activity=activity,
            number=f"{name[:3].upper()}-{month:%y%m}-{rng.randrange(100, 999)}",
            issue_date=month + dt.timedelta(days=7 + index),
            due_date=month + dt.timedelta(days=37 + index),
            lines=[InvoiceLineData(label, Decimal(rng.randrange(60, 400)), rate, account)],
        )
        if validator is not None and index < 2:
            validated.append(
                services.supplier_invoice_validate(invoice=invoice, membership=validator)
            )
    reports = []
    for activity in activities[:2]:
        member = activity.members.select_related("entrepreneur").first()
        if member is None:
            continue
        person: Entrepreneur = member.entrepreneur
        if not person.iban:
            Entrepreneur.objects.filter(pk=person.pk).update(iban=ENTREPRENEUR_IBAN)
            person.iban = ENTREPRENEUR_IBAN
        report = services.expense_report_get_or_create(entrepreneur=person, day=month)
        services.expense_line_add(
            report=report,
            activity=activity,
            day=month + dt.timedelta(days=4),
            category="meals",
            label="Déjeuner avec un client",
            amount_incl_tax=Decimal("24.20"),
            vat_recoverable=Decimal("2.20"),
            receipt=SimpleUploadedFile("ticket.png", PNG, content_type="image/png"),
        )
        services.mileage_add(
            report=report,
            activity=activity,
            day=month + dt.timedelta(days=9),
            vehicle="car",
            fiscal_power=rng.choice((4, 5, 6)),
            km=Decimal(rng.randrange(40, 180)),
            purpose="Rendez-vous chantier",
            route="Perpignan – Prades aller-retour",
        )
        services.expense_report_submit(report=report)
        reports.append(
            services.expense_report_validate(
                report=report, user=validator.user if validator else None
            )
        )
    if validated and reports:
        batch = services.payment_batch_create(
            execution_date=today, supplier_invoices=validated[:1], expense_reports=reports[:1]
        )
        services.payment_batch_mark_sent(batch=batch)
