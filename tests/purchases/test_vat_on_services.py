"""VAT on services is deductible once the supplier is paid: posted at validation to 44564 (pending)
and moved to 44566 by the payment; VAT on goods is deductible at the invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounting.models import Account, Entry
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import SupplierInvoice
from purchases.services import InvoiceLineData
from tests.conftest import World, travel_to
from tests.purchases.conftest import Purchases, entry_lines

MARCH = dt.date(2026, 3, 10)
EXECUTION = dt.date(2026, 3, 20)


def _validated(
    world: World, p: Purchases, nature: str, lines: list[InvoiceLineData]
) -> SupplierInvoice:
    invoice = services.supplier_invoice_create(
        supplier=p.supplier,
        activity=p.activity,
        number=f"S-{nature}",
        issue_date=MARCH,
        nature=nature,
        lines=lines,
    )
    return services.supplier_invoice_validate(invoice=invoice, membership=world.bob_membership)


def _pay(world: World, invoice: SupplierInvoice) -> list[tuple[str, str, Decimal, Decimal]]:
    batch = services.payment_batch_create(execution_date=EXECUTION, supplier_invoices=[invoice])
    services.payment_batch_mark_sent(batch=batch, user=world.carl)
    invoice.refresh_from_db()
    return entry_lines(Entry.objects.get(pk=invoice.payment_entry_id or 0))


@travel_to("2026-03-18")
def test_services_vat_waits_in_44564_until_the_payment(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _validated(
            world,
            purchases,
            SupplierInvoice.Nature.SERVICES,
            [InvoiceLineData("Conseil juridique", Decimal("1000.00"), Decimal("20"), "622")],
        )
        at_invoice = entry_lines(Entry.objects.get(pk=invoice.entry_id or 0))
        account = Account.objects.get(code="44564")
        at_payment = _pay(world, invoice)
    assert invoice.vat_pending == Decimal("200.00")
    assert account.label == "TVA déductible en attente de paiement"
    assert at_invoice == [
        ("622", "ALICE", Decimal("1000.00"), Decimal("0.00")),
        ("44564", "ALICE", Decimal("200.00"), Decimal("0.00")),
        ("401", "ALICE", Decimal("0.00"), Decimal("1200.00")),
    ]
    assert at_payment == [
        ("401", "ALICE", Decimal("1200.00"), Decimal("0.00")),
        ("512", "ALICE", Decimal("0.00"), Decimal("1200.00")),
        ("44566", "ALICE", Decimal("200.00"), Decimal("0.00")),
        ("44564", "ALICE", Decimal("0.00"), Decimal("200.00")),
    ]


@travel_to("2026-03-18")
def test_goods_vat_is_deductible_at_the_invoice(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _validated(
            world,
            purchases,
            SupplierInvoice.Nature.GOODS,
            [InvoiceLineData("Ramettes", Decimal("100.00"), Decimal("20"), "6064")],
        )
        at_invoice = entry_lines(Entry.objects.get(pk=invoice.entry_id or 0))
        at_payment = _pay(world, invoice)
    assert invoice.vat_pending == Decimal("0.00")
    assert at_invoice == [
        ("6064", "ALICE", Decimal("100.00"), Decimal("0.00")),
        ("44566", "ALICE", Decimal("20.00"), Decimal("0.00")),
        ("401", "ALICE", Decimal("0.00"), Decimal("120.00")),
    ]
    assert at_payment == [
        ("401", "ALICE", Decimal("120.00"), Decimal("0.00")),
        ("512", "ALICE", Decimal("0.00"), Decimal("120.00")),
    ]


@travel_to("2026-03-18")
def test_a_mixed_invoice_splits_line_by_line(world: World, purchases: Purchases) -> None:
    # Goods (60x) at the invoice; the installation (a service, 611) and the non-deductible part
    # of the meal's VAT (a cost) as they are.
    with cooperative_context(world.coop_a.pk):
        invoice = _validated(
            world,
            purchases,
            SupplierInvoice.Nature.MIXED,
            [
                InvoiceLineData("Étagères", Decimal("300.00"), Decimal("20"), "6063"),
                InvoiceLineData("Pose", Decimal("150.00"), Decimal("20"), "611"),
                InvoiceLineData(
                    "Repas d'équipe",
                    Decimal("40.00"),
                    Decimal("10"),
                    "625",
                    deductible_vat=Decimal("0.00"),
                ),
            ],
        )
        at_invoice = entry_lines(Entry.objects.get(pk=invoice.entry_id or 0))
        at_payment = _pay(world, invoice)
    assert (invoice.total_incl_tax, invoice.vat_pending) == (Decimal("584.00"), Decimal("30.00"))
    assert at_invoice == [
        ("6063", "ALICE", Decimal("300.00"), Decimal("0.00")),
        ("611", "ALICE", Decimal("150.00"), Decimal("0.00")),
        ("625", "ALICE", Decimal("44.00"), Decimal("0.00")),
        ("44566", "ALICE", Decimal("60.00"), Decimal("0.00")),
        ("44564", "ALICE", Decimal("30.00"), Decimal("0.00")),
        ("401", "ALICE", Decimal("0.00"), Decimal("584.00")),
    ]
    assert at_payment == [
        ("401", "ALICE", Decimal("584.00"), Decimal("0.00")),
        ("512", "ALICE", Decimal("0.00"), Decimal("584.00")),
        ("44566", "ALICE", Decimal("30.00"), Decimal("0.00")),
        ("44564", "ALICE", Decimal("0.00"), Decimal("30.00")),
    ]
