"""A received e-invoice's nature (goods, services, mixed) read from the French cadre de
facturation (BT-23: CII business process parameter, UBL ProfileID), services when absent; the
nature decides when its VAT is deductible (44566 at the invoice for goods, 44564 until the
payment for services)."""

from __future__ import annotations

from decimal import Decimal

from accounting.models import Entry
from perspectives.tenancy.context import cooperative_context
from purchases import sample_einvoices, services
from purchases.einvoice import BILLING_MODES, einvoice_parse, nature_from_billing_mode
from purchases.models import SupplierInvoice
from tests.conftest import World
from tests.purchases.conftest import COOP_A_SIREN, Purchases, entry_lines
from tests.purchases.einvoices_helpers import addressed_to, example, facturx


def _address(p: Purchases) -> str:
    return f"{COOP_A_SIREN}_{p.activity.pk}"


def test_the_letter_of_each_french_code_is_the_nature() -> None:
    natures = {code: nature_from_billing_mode(code) for code in sorted(BILLING_MODES)}
    assert natures == {
        "B1": "goods",
        "B2": "goods",
        "B4": "goods",
        "B7": "goods",
        "B8": "goods",
        "B9": "goods",
        "M1": "mixed",
        "M2": "mixed",
        "M4": "mixed",
        "M8": "mixed",
        "M9": "mixed",
        "S1": "services",
        "S2": "services",
        "S3": "services",
        "S4": "services",
        "S5": "services",
        "S6": "services",
        "S7": "services",
        "S8": "services",
        "S9": "services",
    }
    assert set(natures.values()) == set(SupplierInvoice.Nature.values)
    # Absent, a code outside the French list, a Peppol profile: services, the cautious choice.
    assert [
        nature_from_billing_mode(code)
        for code in ("", "B3", "M7", "X1", "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0", " b1 ")
    ] == ["services", "services", "services", "services", "services", "goods"]


def test_each_format_carries_bt_23() -> None:
    cii = einvoice_parse(
        addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address="x", billing_mode="B1")
    )
    ubl = einvoice_parse(
        addressed_to("ubl-tc434-example1.xml", siren=COOP_A_SIREN, address="x", billing_mode="M4")
    )
    pdf = einvoice_parse(
        facturx(
            addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address="x", billing_mode="S5")
        )
    )
    # The official examples: no BT-23 in the CII one, a Peppol or free ProfileID in UBL.
    plain = [
        einvoice_parse(example(name))
        for name in ("CII_example1.xml", "ubl-tc434-creditnote1.xml", "ubl-tc434-example2.xml")
    ]
    assert [(p.format, p.billing_mode, p.nature) for p in (cii, ubl, pdf)] == [
        ("cii", "B1", "goods"),
        ("ubl", "M4", "mixed"),
        ("facturx", "S5", "services"),
    ]
    assert [(p.billing_mode, p.nature) for p in plain] == [
        ("", "services"),
        ("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0", "services"),
        ("Invoicing on purchase order", "services"),
    ]


def test_a_goods_invoice_deducts_its_vat_at_the_invoice(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        services.routing_addresses_ensure()
        data = addressed_to(
            "CII_example1.xml", siren=COOP_A_SIREN, address=_address(purchases), billing_mode="B1"
        )
        invoice = services.einvoice_receive(data=data, filename="12115118.xml")
        nature = invoice.nature
        services.supplier_invoice_submit(invoice=invoice)
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        posted = entry_lines(Entry.objects.get(pk=invoice.entry_id or 0))
    assert nature == SupplierInvoice.Nature.GOODS
    assert invoice.vat_pending == Decimal("0.00")
    assert posted == [
        ("604", "ALICE", Decimal("229.60"), Decimal("0.00")),
        ("44566", "ALICE", Decimal("20.73"), Decimal("0.00")),
        ("401", "ALICE", Decimal("0.00"), Decimal("250.33")),
    ]


def test_services_and_mixed_wait_for_the_payment(world: World, purchases: Purchases) -> None:
    address = _address(purchases)
    with cooperative_context(world.coop_a.pk):
        services.routing_addresses_ensure()
        mixed = services.einvoice_receive(
            data=addressed_to(
                "ubl-tc434-example1.xml", siren=COOP_A_SIREN, address=address, billing_mode="M1"
            ),
            filename="ubl.xml",
        )
        services_invoice = services.einvoice_receive(
            data=sample_einvoices.addressed_to(
                example("CII_example1.xml").replace(b"12115118", b"F2026-77"),
                siren=COOP_A_SIREN,
                address=address,
                billing_mode="S1",
            ),
            filename="cii.xml",
        )
        services.supplier_invoice_submit(invoice=services_invoice)
        services_invoice = services.supplier_invoice_validate(
            invoice=services_invoice, membership=world.bob_membership
        )
        posted = entry_lines(Entry.objects.get(pk=services_invoice.entry_id or 0))
    assert (mixed.nature, services_invoice.nature) == ("mixed", "services")
    assert services_invoice.vat_pending == Decimal("20.73")
    assert posted == [
        ("604", "ALICE", Decimal("229.60"), Decimal("0.00")),
        ("44564", "ALICE", Decimal("20.73"), Decimal("0.00")),
        ("401", "ALICE", Decimal("0.00"), Decimal("250.33")),
    ]
