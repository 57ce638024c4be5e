"""Receiving e-invoices from real EN 16931 example files: each format parsed, checked, routed to
the activity by its routing address, deduplicated; malformed and hostile files refused with a
French reason and nothing saved; the `einvoice_receive` command's contract."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounting.models import Entry
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.einvoice import einvoice_parse
from purchases.models import RoutingAddress, Supplier, SupplierInvoice
from tests.conftest import World
from tests.purchases.conftest import COOP_A_SIREN, Purchases, entry_lines
from tests.purchases.einvoices_helpers import addressed_to, example, facturx


def _activity_address(p: Purchases) -> str:
    return f"{COOP_A_SIREN}_{p.activity.pk}"


def test_each_real_example_is_parsed() -> None:
    cii = einvoice_parse(example("CII_example1.xml"))
    ubl = einvoice_parse(example("ubl-tc434-example1.xml"))
    pdf = einvoice_parse(facturx(example("CII_example1.xml")))
    for parsed in (cii, ubl, pdf):
        assert (parsed.number, parsed.issue_date, parsed.seller_name) == (
            "12115118",
            dt.date(2015, 1, 9),
            "De Koksmaat",
        )
        assert (parsed.total_excl_tax, parsed.total_vat, parsed.total_incl_tax) == (
            Decimal("229.6"),
            Decimal("20.73"),
            Decimal("250.33"),
        )
        assert len(parsed.lines) == 20
        assert [(v.rate, v.base, v.amount) for v in parsed.vat] == [
            (Decimal(6), Decimal("183.23"), Decimal("10.99")),
            (Decimal(21), Decimal("46.37"), Decimal("9.74")),
        ]
    assert (cii.format, ubl.format, pdf.format) == ("cii", "ubl", "facturx")
    assert pdf.pdf is not None
    assert pdf.pdf.startswith(b"%PDF")
    norwegian = einvoice_parse(example("ubl-tc434-example2.xml"))
    assert (norwegian.number, norwegian.currency, norwegian.seller_siren) == ("TOSL108", "NOK", "")


def test_cii_lands_as_a_draft_on_the_activity_of_its_routing_address(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        services.routing_addresses_ensure()
        data = addressed_to(
            "CII_example1.xml", siren=COOP_A_SIREN, address=_activity_address(purchases)
        )
        invoice = services.einvoice_receive(data=data, filename="12115118.xml")
        lines = list(invoice.lines.values_list("amount_excl_tax", "vat_rate", "vat_amount"))
        supplier = invoice.supplier
        # The entrepreneur confirms, support staff validates: the ledger gets the invoice.
        services.supplier_invoice_submit(invoice=invoice)
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        posted = entry_lines(Entry.objects.get(pk=invoice.entry_id or 0))
    assert invoice.activity_id == purchases.activity.pk
    assert (invoice.format, invoice.source, invoice.routing_address) == (
        "cii",
        "upload",
        _activity_address(purchases),
    )
    assert (invoice.total_excl_tax, invoice.total_vat, invoice.total_incl_tax) == (
        Decimal("229.60"),
        Decimal("20.73"),
        Decimal("250.33"),
    )
    assert len(lines) == 20
    assert sum(vat for _amount, rate, vat in lines if rate == 6) == Decimal("10.99")
    assert sum(vat for _amount, rate, vat in lines if rate == 21) == Decimal("9.74")
    assert (supplier.name, supplier.vat_number, supplier.iban, supplier.country) == (
        "De Koksmaat",
        "NL820098395B01",
        "NL57RABO0107307510",
        "NL",
    )
    # The example states no cadre de facturation (BT-23): services until the entrepreneur says
    # otherwise, its VAT waits in 44564 for the payment.
    assert posted == [
        ("604", "ALICE", Decimal("229.60"), Decimal("0.00")),
        ("44564", "ALICE", Decimal("20.73"), Decimal("0.00")),
        ("401", "ALICE", Decimal("0.00"), Decimal("250.33")),
    ]


def test_same_invoice_in_another_format_is_a_duplicate(world: World, purchases: Purchases) -> None:
    address = _activity_address(purchases)
    with cooperative_context(world.coop_a.pk):
        services.routing_addresses_ensure()
        services.einvoice_receive(
            data=addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=address),
            filename="a.xml",
        )
        with pytest.raises(ApplicationError, match="Doublon : la facture n° 12115118"):
            services.einvoice_receive(
                data=addressed_to("ubl-tc434-example1.xml", siren=COOP_A_SIREN, address=address),
                filename="b.xml",
            )
        counts = (SupplierInvoice.objects.count(), Supplier.objects.count())
    assert counts == (1, 2)


def test_ubl_to_the_cooperative_address_waits_in_the_queue(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        services.routing_addresses_ensure()
        invoice = services.einvoice_receive(
            data=addressed_to("ubl-tc434-example1.xml", siren=COOP_A_SIREN, address=COOP_A_SIREN),
            filename="ubl.xml",
        )
        fallback = RoutingAddress.objects.get(activity=None).address
    assert (invoice.activity_id, invoice.format, invoice.routing_address) == (
        None,
        "ubl",
        COOP_A_SIREN,
    )
    assert fallback == COOP_A_SIREN


def test_facturx_keeps_the_pdf(world: World, purchases: Purchases) -> None:
    pdf = facturx(
        addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=_activity_address(purchases))
    )
    with cooperative_context(world.coop_a.pk):
        services.routing_addresses_ensure()
        invoice = services.einvoice_receive(data=pdf, filename="facture.pdf")
        stored = invoice.attachment.read()
    assert (invoice.format, invoice.attachment_type, invoice.activity_id) == (
        "facturx",
        "application/pdf",
        purchases.activity.pk,
    )
    assert stored == pdf


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol2;</Invoice>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;</Invoice>"""


def _tampered(old: bytes, new: bytes, p: Purchases) -> bytes:
    data = addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=_activity_address(p))
    assert old in data
    return data.replace(old, new)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not_us", r"l'acheteur \(ODIN 59\) n'est pas la coopérative \(SIREN 732829320\)"),
        ("billion_laughs", "le XML déclare un DTD ou des entités"),
        ("xxe", "le XML déclare un DTD ou des entités"),
        ("huge", "au-delà de la limite de 10 Mo"),
        ("malformed", "XML mal formé"),
        ("not_an_invoice", "Format non reconnu"),
        ("pdf_without_xml", "ne contient pas de facture électronique"),
        ("wrong_total", r"total HT 229.6 \+ TVA 20.73 ≠ total TTC 251.33"),
        ("wrong_vat", r"TVA à 21 % de 46.37 = 9.74, pas 19.74"),
        ("foreign_currency", "devise DKK"),
    ],
)
def test_refused_files_save_nothing(
    world: World, purchases: Purchases, case: str, message: str
) -> None:
    from tests.purchases.einvoices_helpers import blank_pdf

    files = {
        "not_us": lambda: example("CII_example1.xml"),
        "billion_laughs": lambda: BILLION_LAUGHS,
        "xxe": lambda: XXE,
        "huge": lambda: b"<a>" + b" " * (10 * 1024 * 1024) + b"</a>",
        "malformed": lambda: b"<Invoice><unclosed></Invoice>",
        "not_an_invoice": lambda: b"<html><body>Facture</body></html>",
        "pdf_without_xml": blank_pdf,
        "wrong_total": lambda: _tampered(
            b"<ram:GrandTotalAmount>250.33", b"<ram:GrandTotalAmount>251.33", purchases
        ),
        "wrong_vat": lambda: (
            _tampered(b"<ram:CalculatedAmount>9.74", b"<ram:CalculatedAmount>19.74", purchases)
            .replace(b"20.73</ram:TaxTotalAmount>", b"30.73</ram:TaxTotalAmount>")
            .replace(b"<ram:GrandTotalAmount>250.33", b"<ram:GrandTotalAmount>260.33")
        ),
        "foreign_currency": lambda: addressed_to(
            "CII_example4.xml", siren=COOP_A_SIREN, address=COOP_A_SIREN
        ),
    }
    data = files[case]()
    with cooperative_context(world.coop_a.pk):
        suppliers = Supplier.objects.count()
        with pytest.raises(ApplicationError, match=message):
            services.einvoice_receive(data=data, filename="x.xml")
        counts = (SupplierInvoice.objects.count(), Supplier.objects.count())
    assert counts == (0, suppliers)


def test_command_prints_the_draft_as_json(
    world: World, purchases: Purchases, tmp_path: Path
) -> None:
    with cooperative_context(world.coop_a.pk):
        services.routing_addresses_ensure()
    path = tmp_path / "facture.xml"
    path.write_bytes(
        addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=_activity_address(purchases))
    )
    out = StringIO()
    call_command("einvoice_receive", "--cooperative", "coop-a", "--file", str(path), stdout=out)
    data = json.loads(out.getvalue())
    del data["id"]
    assert data == {
        "status": "draft",
        "format": "cii",
        "supplier": {"name": "De Koksmaat", "siren": None},
        "number": "12115118",
        "issue_date": "2015-01-09",
        "due_date": "2015-01-09",
        "total_excl_tax": "229.60",
        "total_vat": "20.73",
        "total_incl_tax": "250.33",
        "routing_address": _activity_address(purchases),
        "activity": {
            "id": purchases.activity.pk,
            "analytic_code": "ALICE",
            "name": "Atelier Alice",
        },
    }


def test_command_refuses_with_a_french_reason_and_exit_1(
    world: World, purchases: Purchases, tmp_path: Path
) -> None:
    path = tmp_path / "facture.xml"
    path.write_bytes(example("CII_example1.xml"))
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("einvoice_receive", "--cooperative", "coop-a", "--file", str(path), stderr=err)
    with cooperative_context(world.coop_a.pk):
        count = SupplierInvoice.objects.count()
    assert exit_info.value.code == 1
    assert err.getvalue().strip() == (
        "Facture refusée : l'acheteur (ODIN 59) n'est pas la coopérative (SIREN 732829320)."
    )
    assert count == 0
