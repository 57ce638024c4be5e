"""SEPA credit transfer batches: the pain.001 file validates against the official XSD, marking
the batch sent posts and letters each payment, nothing is paid twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from lxml import etree

from accounting.models import Entry, EntryLine
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import ExpenseReport, Payment, PaymentBatch, SupplierInvoice
from purchases.services import InvoiceLineData
from purchases.services.payments import sepa_xml_build
from tests.conftest import World
from tests.purchases.conftest import Purchases, entry_lines

XSD_DIR = Path(sepaxml.__file__).resolve().parent / "schemas"
MARCH = dt.date(2026, 3, 10)


def _validated_items(world: World, p: Purchases) -> tuple[SupplierInvoice, ExpenseReport]:
    invoice = services.supplier_invoice_create(
        supplier=p.supplier,
        activity=p.activity,
        number="FA-2026-031",
        issue_date=MARCH,
        nature=SupplierInvoice.Nature.GOODS,
        lines=[
            InvoiceLineData("Ramettes de papier", Decimal("100.00"), Decimal("20"), "6064"),
            InvoiceLineData("Livres", Decimal("50.00"), Decimal("5.5"), "618"),
        ],
    )
    invoice = services.supplier_invoice_validate(invoice=invoice, membership=world.bob_membership)
    report = services.expense_report_get_or_create(entrepreneur=p.alice, day=MARCH)
    services.expense_line_add(
        report=report,
        activity=p.activity,
        day=dt.date(2026, 3, 5),
        category="meals",
        label="Déjeuner client",
        amount_incl_tax=Decimal("22.00"),
        vat_recoverable=Decimal("2.00"),
        receipt=SimpleUploadedFile("t.jpg", b"\xff\xd8photo", content_type="image/jpeg"),
    )
    services.mileage_add(
        report=report,
        activity=p.activity,
        day=MARCH,
        vehicle="car",
        fiscal_power=5,
        km=Decimal("120"),
        purpose="Chantier",
    )
    services.expense_report_submit(report=report)
    report = services.expense_report_validate(report=report, user=world.bob)
    return invoice, report


def _xsd(version: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{version}.xsd")))


@pytest.mark.parametrize("version", ["pain.001.001.09", "pain.001.001.03"])
def test_batch_file_validates_against_the_xsd(
    world: World, purchases: Purchases, version: str
) -> None:
    day = timezone.localdate() + dt.timedelta(days=3)
    with cooperative_context(world.coop_a.pk):
        invoice, report = _validated_items(world, purchases)
        batch = services.payment_batch_create(
            execution_date=day,
            supplier_invoices=[invoice],
            expense_reports=[report],
            user=world.carl,
            sepa_version=version,
        )
        xml = batch.file.read()
    document = etree.fromstring(xml)
    _xsd(version).assertValid(document)
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{version}"}

    def text(path: str) -> list[str]:
        return [node.text for node in document.xpath(path, namespaces=ns)]

    assert batch.total == Decimal("271.07")  # 172.75 + 22.00 + 76.32
    assert text("//p:GrpHdr/p:MsgId") == [batch.reference]
    assert text("//p:GrpHdr/p:NbOfTxs") == ["2"]
    assert text("//p:GrpHdr/p:CtrlSum") == ["271.07"]
    assert text("//p:DbtrAcct/p:Id/p:IBAN") == ["FR7630004000031234567890143"]
    assert text("//p:CdtTrfTxInf/p:PmtId/p:EndToEndId") == [f"FF{invoice.pk}", f"NDF{report.pk}"]
    assert text("//p:CdtTrfTxInf/p:Amt/p:InstdAmt") == ["172.75", "98.32"]
    assert text("//p:CdtTrfTxInf/p:Cdtr/p:Nm")[1] == "Alice Arnaud"
    date_path = "//p:ReqdExctnDt/p:Dt" if version.endswith("09") else "//p:ReqdExctnDt"
    assert text(date_path) == [day.isoformat()]


def test_marking_sent_posts_and_letters_each_payment(world: World, purchases: Purchases) -> None:
    day = timezone.localdate() + dt.timedelta(days=3)
    with cooperative_context(world.coop_a.pk):
        invoice, report = _validated_items(world, purchases)
        batch = services.payment_batch_create(
            execution_date=day, supplier_invoices=[invoice], expense_reports=[report]
        )
        services.payment_batch_mark_sent(batch=batch, user=world.carl)
        invoice.refresh_from_db()
        report.refresh_from_db()
        invoice_payment = entry_lines(Entry.objects.get(pk=invoice.payment_entry_id or 0))
        report_payment = entry_lines(Entry.objects.get(pk=report.payment_entry_id or 0))
        lettered_401 = set(
            EntryLine.objects.filter(account__code="401").values_list("lettering", flat=True)
        )
        lettered_467 = set(
            EntryLine.objects.filter(account__code="467").values_list("lettering", flat=True)
        )
        with pytest.raises(ApplicationError, match="déjà marqué envoyé"):
            services.payment_batch_mark_sent(batch=batch)
        batch.refresh_from_db()
    assert (invoice.status, invoice.paid_at) == ("paid", day)
    assert (report.status, report.paid_at) == ("paid", day)
    assert invoice_payment == [
        ("401", "ALICE", Decimal("172.75"), Decimal("0.00")),
        ("512", "ALICE", Decimal("0.00"), Decimal("172.75")),
    ]
    assert report_payment == [
        ("467", "ALICE", Decimal("98.32"), Decimal("0.00")),
        ("512", "ALICE", Decimal("0.00"), Decimal("98.32")),
    ]
    assert lettered_401 == {"A"}
    assert lettered_467 == {"A"}
    assert batch.status == PaymentBatch.Status.SENT


def test_an_item_is_never_paid_twice(world: World, purchases: Purchases) -> None:
    day = timezone.localdate() + dt.timedelta(days=3)
    with cooperative_context(world.coop_a.pk):
        invoice, report = _validated_items(world, purchases)
        services.payment_batch_create(execution_date=day, supplier_invoices=[invoice])
        with pytest.raises(ApplicationError, match="déjà dans un lot"):
            services.payment_batch_create(
                execution_date=day, supplier_invoices=[invoice], expense_reports=[report]
            )
        counts = (PaymentBatch.objects.count(), Payment.objects.count())
    assert counts == (1, 1)


def test_batch_refusals(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        draft = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.activity,
            number="DRAFT-1",
            issue_date=MARCH,
            lines=[InvoiceLineData("Service", Decimal("10.00"))],
        )
        with pytest.raises(ApplicationError, match="date d'exécution est passée"):
            services.payment_batch_create(
                execution_date=timezone.localdate() - dt.timedelta(days=1),
                supplier_invoices=[draft],
            )
        with pytest.raises(ApplicationError, match="n'est pas validée"):
            services.payment_batch_create(
                execution_date=timezone.localdate() + dt.timedelta(days=1),
                supplier_invoices=[draft],
            )
        count = PaymentBatch.objects.count()
    assert count == 0


def test_sepa_file_of_2000_payments_builds_and_validates() -> None:
    payments = [
        Payment(
            creditor_name=f"Fournisseur {n}",
            iban="FR7630006000011234567890189",
            bic="AGRIFRPPXXX",
            amount=Decimal("12.34") + n,
            end_to_end_id=f"FF{n}",
            description=f"Facture {n}",
        )
        for n in range(2000)
    ]
    xml = sepa_xml_build(
        reference="VIR-BENCH",
        debtor_name="Coopérative A",
        debtor_iban="FR7630004000031234567890143",
        debtor_bic="BNPAFRPPXXX",
        execution_date=dt.date(2030, 1, 2),
        payments=payments,
        version="pain.001.001.09",
    )
    document = etree.fromstring(xml)
    _xsd("pain.001.001.09").assertValid(document)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    # Σ (12.34 + n) for n < 2000 = 24,680 + 1,999,000.
    assert document.xpath("string(//p:GrpHdr/p:CtrlSum)", namespaces=ns) == "2023680.00"


def test_an_invoice_settled_by_a_bank_line_is_no_longer_payable(
    world: World, purchases: Purchases
) -> None:
    from bank import services as bank
    from bank.demo import CamtEntry, camt053_document
    from purchases import selectors
    from tests.factories.bank import IBANS

    with cooperative_context(world.coop_a.pk):
        invoice, report = _validated_items(world, purchases)
        assert (list(selectors.payable_invoices()), list(selectors.payable_reports())) == (
            [invoice],
            [report],
        )
        account = bank.bank_account_create(iban=IBANS[0])
        paid = CamtEntry(
            MARCH + dt.timedelta(days=5),
            -invoice.total_incl_tax,
            "FOURNITURES",
            f"FACTURE {invoice.number}",
        )
        bank.statement_import(
            bank_account=account,
            data=camt053_document(
                iban=account.iban,
                start=dt.date(2026, 3, 1),
                end=dt.date(2026, 3, 31),
                opening=Decimal("5000.00"),
                entries=[paid],
            ),
        )
        line = account.lines.get()
        best = bank.suggestions_for(line)[0]
        assert best.label == f"Pièces {invoice.number}"
        bank.reconciliation_confirm(line=line, allocations=best.allocations)
        assert (list(selectors.payable_invoices()), list(selectors.payable_reports())) == (
            [],
            [report],
        )
