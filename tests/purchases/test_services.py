"""Supplier invoices and expense reports: entry, validation with posting, deduplication,
mileage on the year's cumulative distance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from accounting.models import Entry
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import ExpenseReport, MileageAllowance, SupplierInvoice
from purchases.services import InvoiceLineData
from tests.conftest import World
from tests.purchases.conftest import Purchases, entry_lines

MARCH = dt.date(2026, 3, 10)


def _invoice(p: Purchases, number: str = "FA-2026-031") -> SupplierInvoice:
    return services.supplier_invoice_create(
        supplier=p.supplier,
        activity=p.activity,
        number=number,
        issue_date=MARCH,
        due_date=dt.date(2026, 4, 9),
        nature=SupplierInvoice.Nature.GOODS,
        lines=[
            InvoiceLineData("Ramettes de papier", Decimal("100.00"), Decimal("20"), "6064"),
            InvoiceLineData("Livres", Decimal("50.00"), Decimal("5.5"), "618"),
        ],
    )


def _receipt(name: str = "ticket.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0 photo", content_type="image/jpeg")


def test_supplier_identifiers_are_checked(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        with pytest.raises(ApplicationError, match="SIREN valide"):
            services.supplier_create(name="X", siren="123456789")
        with pytest.raises(ApplicationError, match="IBAN FR7630006000011234567890188 invalide"):
            services.supplier_create(name="X", iban="FR76 3000 6000 0112 3456 7890 188")
        with pytest.raises(ApplicationError, match="ne correspond pas au SIREN"):
            services.supplier_create(name="X", siren="732829320", vat_number="FR96552100554")
        with pytest.raises(ApplicationError, match="existe déjà"):
            services.supplier_create(name="Doublon", siren="552100554")
        supplier = services.supplier_create(
            name="Imprimerie", vat_number="FR44732829320", iban="FR76 3000 6000 0112 3456 7890 189"
        )
    # The SIREN comes from the VAT number, the BIC from the bank registry.
    assert (supplier.siren, supplier.iban, supplier.bic) == (
        "732829320",
        "FR7630006000011234567890189",
        "AGRIFRPPXXX",
    )


def test_validation_posts_the_purchase_on_the_activity(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _invoice(purchases)
        services.supplier_invoice_submit(invoice=invoice)
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        entry = Entry.objects.select_related("journal").get(pk=invoice.entry_id or 0)
        lines = entry_lines(entry)
        third_party = entry.lines.get(account__code="401").third_party
    assert (invoice.total_excl_tax, invoice.total_vat, invoice.total_incl_tax) == (
        Decimal("150.00"),
        Decimal("22.75"),
        Decimal("172.75"),
    )
    assert invoice.status == SupplierInvoice.Status.VALIDATED
    assert (entry.journal.code, entry.date, entry.piece_ref) == ("AC", MARCH, "FA-2026-031")
    assert lines == [
        ("6064", "ALICE", Decimal("100.00"), Decimal("0.00")),
        ("618", "ALICE", Decimal("50.00"), Decimal("0.00")),
        ("44566", "ALICE", Decimal("22.75"), Decimal("0.00")),
        ("401", "ALICE", Decimal("0.00"), Decimal("172.75")),
    ]
    assert third_party is not None
    assert (third_party.code, third_party.name) == (
        f"F{purchases.supplier.pk:06d}",
        "Papeterie du Roussillon",
    )


def test_non_deductible_vat_is_a_cost(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.activity,
            number="HOTEL-1",
            issue_date=MARCH,
            lines=[
                InvoiceLineData(
                    "Hôtel", Decimal("80.00"), Decimal("10"), "625", deductible_vat=Decimal(0)
                )
            ],
        )
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        lines = entry_lines(Entry.objects.get(pk=invoice.entry_id or 0))
    assert lines == [
        ("625", "ALICE", Decimal("88.00"), Decimal("0.00")),
        ("401", "ALICE", Decimal("0.00"), Decimal("88.00")),
    ]


def test_entrepreneur_self_validates_under_the_cap_only(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        big = _invoice(purchases)  # 172.75 TTC > 150.00
        small = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.activity,
            number="FA-SMALL",
            issue_date=MARCH,
            lines=[InvoiceLineData("Stylos", Decimal("125.00"), Decimal("20"), "6064")],
        )
        with pytest.raises(ApplicationError, match=r"Au-delà de 150\.00 € TTC"):
            services.supplier_invoice_validate(invoice=big, membership=world.alice_membership)
        services.supplier_invoice_validate(invoice=small, membership=world.alice_membership)
        statuses = dict(SupplierInvoice.objects.values_list("number", "status"))
        entries = Entry.objects.count()
    assert statuses == {"FA-2026-031": "draft", "FA-SMALL": "validated"}
    assert entries == 1


def test_duplicate_supplier_number_is_refused(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        _invoice(purchases)
        with pytest.raises(ApplicationError, match="Doublon : la facture n° FA-2026-031"):
            _invoice(purchases)
        count = SupplierInvoice.objects.count()
        first = SupplierInvoice.objects.get()
        # The database refuses it too, whatever the code path.
        first.pk = None
        with pytest.raises(IntegrityError, match="supplierinvoice_unique_number"):
            first.save()
    assert count == 1


def test_queue_invoice_needs_an_activity_before_validation(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=None,
            number="Q-1",
            issue_date=MARCH,
            lines=[InvoiceLineData("Service", Decimal("10.00"))],
        )
        with pytest.raises(ApplicationError, match="Choisissez d'abord l'activité"):
            services.supplier_invoice_validate(invoice=invoice, membership=world.bob_membership)
        services.supplier_invoice_assign(invoice=invoice, activity=purchases.other_activity)
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        activities = {line[1] for line in entry_lines(Entry.objects.get(pk=invoice.entry_id or 0))}
    assert activities == {"OTHER"}


def test_refusal_needs_a_reason(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _invoice(purchases)
        with pytest.raises(ApplicationError, match="motif du refus"):
            services.supplier_invoice_refuse(invoice=invoice, reason=" ")
        invoice = services.supplier_invoice_refuse(invoice=invoice, reason="Non commandé")
    assert (invoice.status, invoice.refusal_reason) == ("refused", "Non commandé")


def _march_report(world: World, p: Purchases) -> ExpenseReport:
    report = services.expense_report_get_or_create(entrepreneur=p.alice, day=MARCH)
    services.expense_line_add(
        report=report,
        activity=p.activity,
        day=dt.date(2026, 3, 5),
        category="meals",
        label="Déjeuner client",
        amount_incl_tax=Decimal("22.00"),
        vat_recoverable=Decimal("2.00"),
        receipt=_receipt(),
    )
    services.mileage_add(
        report=report,
        activity=p.activity,
        day=MARCH,
        vehicle="car",
        fiscal_power=5,
        km=Decimal("120"),
        purpose="Chantier à Céret",
        route="Perpignan – Céret aller-retour",
    )
    return report


def test_expense_report_posts_to_the_entrepreneur_account(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        report = _march_report(world, purchases)
        services.expense_report_submit(report=report)
        report = services.expense_report_validate(report=report, user=world.bob)
        entry = Entry.objects.select_related("journal").get(pk=report.entry_id or 0)
        lines = entry_lines(entry)
        payable = entry.lines.get(account__code="467").third_party
    # 120 km in a 5 CV car: 120 × 0.636 = 76.32.
    assert (entry.journal.code, entry.date) == ("OD", dt.date(2026, 3, 31))
    assert lines == [
        ("44566", "ALICE", Decimal("2.00"), Decimal("0.00")),
        ("625", "ALICE", Decimal("96.32"), Decimal("0.00")),
        ("467", "ALICE", Decimal("0.00"), Decimal("98.32")),
    ]
    assert payable is not None
    assert (payable.code, payable.kind) == (f"E{purchases.alice.pk:06d}", "employee")
    assert report.status == ExpenseReport.Status.VALIDATED


def test_mileage_band_uses_the_yearly_distance_across_sheets(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        _march_report(world, purchases)
        april = services.expense_report_get_or_create(
            entrepreneur=purchases.alice, day=dt.date(2026, 4, 2)
        )
        crossing = services.mileage_add(
            report=april,
            activity=purchases.activity,
            day=dt.date(2026, 4, 2),
            vehicle="car",
            fiscal_power=5,
            km=Decimal("4950"),
            purpose="Tournée",
        )
        above = services.mileage_add(
            report=april,
            activity=purchases.activity,
            day=dt.date(2026, 4, 20),
            vehicle="car",
            fiscal_power=5,
            km=Decimal("100"),
            purpose="Tournée",
        )
        electric = services.mileage_add(
            report=april,
            activity=purchases.activity,
            day=dt.date(2026, 4, 21),
            vehicle="car",
            fiscal_power=9,
            electric=True,
            km=Decimal("100"),
            purpose="Salon",
        )
        next_year = services.mileage_add(
            report=services.expense_report_get_or_create(
                entrepreneur=purchases.alice, day=dt.date(2027, 1, 4)
            ),
            activity=purchases.activity,
            day=dt.date(2027, 1, 4),
            vehicle="car",
            fiscal_power=5,
            km=Decimal("100"),
            purpose="Nouvelle année",
        )
    # 120 km before; 5,070 km after: 5070 × 0.357 + 1395 = 3,204.99; minus 120 × 0.636 = 76.32.
    assert (crossing.km_before, crossing.amount) == (Decimal("120.0"), Decimal("3128.67"))
    # From 5,070 to 5,170 km: 100 × 0.357 = 35.70.
    assert (above.km_before, above.amount) == (Decimal("5070.0"), Decimal("35.70"))
    # 9 CV takes the 7 CV line, electric +20 %: 100 × 0.697 × 1.2 = 83.64 (its own vehicle).
    assert (electric.km_before, electric.amount) == (Decimal("0.0"), Decimal("83.64"))
    # The distance starts again on 1 January.
    assert (next_year.km_before, next_year.amount) == (Decimal("0.0"), Decimal("63.60"))


def test_expense_line_rules(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        report = services.expense_report_get_or_create(entrepreneur=purchases.alice, day=MARCH)
        with pytest.raises(ApplicationError, match="Joignez le justificatif"):
            services.expense_line_add(
                report=report,
                activity=purchases.activity,
                day=MARCH,
                category="meals",
                label="Repas",
                amount_incl_tax=Decimal("15.00"),
            )
        with pytest.raises(ApplicationError, match="ne fait pas partie de l'activité"):
            services.expense_line_add(
                report=report,
                activity=purchases.other_activity,
                day=MARCH,
                category="meals",
                label="Repas",
                amount_incl_tax=Decimal("15.00"),
                receipt=_receipt(),
            )
        with pytest.raises(ApplicationError, match="pas dans le mois de la note"):
            services.mileage_add(
                report=report,
                activity=purchases.activity,
                day=dt.date(2026, 4, 1),
                vehicle="car",
                fiscal_power=4,
                km=Decimal(10),
                purpose="Visite",
            )
        with pytest.raises(ApplicationError, match="La note est vide"):
            services.expense_report_submit(report=report)
        counts = (report.lines.count(), MileageAllowance.objects.count())
    assert counts == (0, 0)
