"""A supplier invoice or an expense report paid by a bank line the accountant reconciles: marked
paid (reimbursed) as a payment batch would, the VAT on services made deductible; undoing the
reconciliation sets them back to pay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from accounting.models import Entry, EntryLine
from bank import services as bank
from bank.demo import CamtEntry, camt053_document
from bank.models import BankLine, Reconciliation
from bank.services import Allocation
from perspectives.tenancy.context import cooperative_context
from purchases import selectors, services
from purchases.models import ExpenseReport, SupplierInvoice
from purchases.services import InvoiceLineData
from tests.conftest import World, travel_to
from tests.factories.bank import IBANS
from tests.purchases.conftest import Purchases, entry_lines

D = Decimal
MARCH = dt.date(2026, 3, 10)


@travel_to("2026-03-25")
def test_bank_lines_mark_an_invoice_paid_and_a_report_reimbursed_and_undo_reverts(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.activity,
            number="FS-2026-07",
            issue_date=MARCH,
            nature=SupplierInvoice.Nature.SERVICES,
            lines=[InvoiceLineData("Conseil juridique", D("1000.00"), D("20"), "622")],
        )
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        report = services.expense_report_get_or_create(entrepreneur=purchases.alice, day=MARCH)
        services.expense_line_add(
            report=report,
            activity=purchases.activity,
            day=dt.date(2026, 3, 5),
            category="meals",
            label="Déjeuner client",
            amount_incl_tax=D("22.00"),
            vat_recoverable=D("2.00"),
            receipt=SimpleUploadedFile("t.jpg", b"\xff\xd8photo", content_type="image/jpeg"),
        )
        services.expense_report_submit(report=report)
        report = services.expense_report_validate(report=report, user=world.bob)
        account = bank.bank_account_create(iban=IBANS[0])
        bank.statement_import(
            bank_account=account,
            data=camt053_document(
                iban=account.iban,
                start=dt.date(2026, 3, 1),
                end=dt.date(2026, 3, 31),
                opening=D("5000.00"),
                entries=[
                    CamtEntry(dt.date(2026, 3, 16), D("-1200.00"), "CABINET", "FACTURE FS-2026-07"),
                    CamtEntry(dt.date(2026, 3, 17), D("-22.00"), "ALICE", "NOTE DE FRAIS MARS"),
                ],
                statement_id="MARS-2026",
            ),
        )
        paid = account.lines.select_related("bank_account").get(amount=D("-1200.00"))
        reimbursed = account.lines.select_related("bank_account").get(amount=D("-22.00"))
        best = bank.suggestions_for(paid)[0]
        assert best.label == "Pièces FS-2026-07"
        on_invoice = bank.reconciliation_confirm(line=paid, allocations=best.allocations)
        refund = bank.suggestions_for(reimbursed)[0]
        assert refund.kind == "amount"
        on_report = bank.reconciliation_confirm(line=reimbursed, allocations=refund.allocations)

        invoice.refresh_from_db()
        report.refresh_from_db()
        assert (invoice.status, invoice.paid_at, invoice.payment_entry_id) == (
            SupplierInvoice.Status.PAID,
            dt.date(2026, 3, 16),
            on_invoice.entry_id,
        )
        assert (report.status, report.paid_at, report.payment_entry_id) == (
            ExpenseReport.Status.PAID,
            dt.date(2026, 3, 17),
            on_report.entry_id,
        )
        assert report.get_status_display() == "Remboursée"
        # The VAT on services waiting in 44564 is deductible from the payment day.
        vat = Entry.objects.get(idempotency_key__startswith="purchases-settled-vat:")
        assert (vat.date, vat.journal.code) == (dt.date(2026, 3, 16), "BQ")
        assert entry_lines(vat) == [
            ("44566", "ALICE", D("200.00"), D("0.00")),
            ("44564", "ALICE", D("0.00"), D("200.00")),
        ]
        assert (list(selectors.payable_invoices()), list(selectors.payable_reports())) == ([], [])

        bank.reconciliation_undo(reconciliation=on_invoice)
        bank.reconciliation_undo(reconciliation=on_report)
        invoice.refresh_from_db()
        report.refresh_from_db()
        assert (invoice.status, invoice.paid_at, invoice.payment_entry_id) == (
            SupplierInvoice.Status.VALIDATED,
            None,
            None,
        )
        assert (report.status, report.paid_at, report.payment_entry_id) == (
            ExpenseReport.Status.VALIDATED,
            None,
            None,
        )
        assert Entry.objects.get(reverses=vat).date == dt.date(2026, 3, 16)
        assert entry_lines(Entry.objects.get(reverses=vat)) == [
            ("44566", "ALICE", D("0.00"), D("200.00")),
            ("44564", "ALICE", D("200.00"), D("0.00")),
        ]
        assert (list(selectors.payable_invoices()), list(selectors.payable_reports())) == (
            [invoice],
            [report],
        )


@travel_to("2026-03-25")
def test_a_partial_payment_leaves_the_invoice_validated(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.activity,
            number="FG-2026-08",
            issue_date=MARCH,
            nature=SupplierInvoice.Nature.GOODS,
            lines=[InvoiceLineData("Ramettes", D("100.00"), D("20"), "6064")],
        )
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        account = bank.bank_account_create(iban=IBANS[0])
        bank.statement_import(
            bank_account=account,
            data=camt053_document(
                iban=account.iban,
                start=dt.date(2026, 3, 1),
                end=dt.date(2026, 3, 31),
                opening=D("5000.00"),
                entries=[CamtEntry(dt.date(2026, 3, 16), D("-50.00"), "PAPETERIE", "FG-2026-08")],
                statement_id="MARS-2026",
            ),
        )
        line = account.lines.select_related("bank_account").get()
        best = bank.suggestions_for(line)[0]
        assert (best.kind, best.label) == ("partial", "Paiement partiel de FG-2026-08")
        bank.reconciliation_confirm(line=line, allocations=best.allocations)
        invoice.refresh_from_db()
        assert (invoice.status, invoice.paid_at) == (SupplierInvoice.Status.VALIDATED, None)


def _import(lines: list[CamtEntry]) -> None:
    account = bank.bank_account_create(iban=IBANS[0])
    bank.statement_import(
        bank_account=account,
        data=camt053_document(
            iban=account.iban,
            start=dt.date(2026, 3, 1),
            end=dt.date(2026, 3, 31),
            opening=D("5000.00"),
            entries=lines,
            statement_id="MARS-2026",
        ),
    )


def _bank_entry(reconciliation: Reconciliation) -> list[tuple[str, str, Decimal, Decimal, str]]:
    return [
        (code, activity or "", debit, credit, party or "")
        for code, activity, debit, credit, party in EntryLine.objects.filter(
            entry_id=reconciliation.entry_id or 0
        )
        .order_by("line_no")
        .values_list(
            "account__code", "activity__analytic_code", "debit", "credit", "third_party__name"
        )
    ]


@travel_to("2026-03-25")
def test_a_supplier_refunds_a_credit_note_after_payment(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.activity,
            number="FA-100",
            issue_date=MARCH,
            nature=SupplierInvoice.Nature.SERVICES,
            lines=[InvoiceLineData("Conseil", D("1000.00"), D("20"), "622")],
        )
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        batch = services.payment_batch_create(
            execution_date=dt.date(2026, 3, 25), supplier_invoices=[invoice]
        )
        services.payment_batch_mark_sent(batch=batch, user=world.carl)
        note = services.supplier_credit_note_create(
            invoice=invoice,
            number="AV-1",
            issue_date=dt.date(2026, 3, 25),
            lines=[InvoiceLineData("Remise commerciale", D("100.00"), D("20"), "622")],
        )
        note = services.supplier_invoice_validate(invoice=note, membership=world.bob_membership)
        assert note.status == SupplierInvoice.Status.VALIDATED
        _import(
            [
                CamtEntry(
                    dt.date(2026, 3, 25),
                    D("120.00"),
                    "PAPETERIE DU ROUSSILLON",
                    "REMBOURSEMENT AVOIR AV-1",
                )
            ]
        )
        line = BankLine.objects.select_related("bank_account").get()
        suggestions = bank.suggestions_for(line)
        assert [(s.kind, s.label, s.score) for s in suggestions] == [
            ("reference", "Pièces AV-1", 100),
        ]
        done = bank.reconciliation_confirm(line=line, allocations=suggestions[0].allocations)
        assert _bank_entry(done) == [
            ("512", "ALICE", D("120.00"), D("0.00"), ""),
            ("401", "ALICE", D("0.00"), D("120.00"), "Papeterie du Roussillon"),
        ]
        invoice.refresh_from_db()
        assert list(
            EntryLine.objects.filter(account__code="401")
            .order_by("pk")
            .values_list("entry_id", "debit", "credit", "lettering")
        ) == [
            (invoice.entry_id, D("0.00"), D("1200.00"), "A"),
            (invoice.payment_entry_id, D("1200.00"), D("0.00"), "A"),
            (note.entry_id, D("120.00"), D("0.00"), "B"),
            (done.entry_id, D("0.00"), D("120.00"), "B"),
        ]
        note.refresh_from_db()
        assert (note.status, note.paid_at) == (SupplierInvoice.Status.PAID, dt.date(2026, 3, 25))
        bank.reconciliation_undo(reconciliation=done)
        note.refresh_from_db()
        assert (note.status, note.paid_at) == (SupplierInvoice.Status.VALIDATED, None)


@travel_to("2026-03-25")
def test_a_supplier_paid_twice_refunds_the_debit_balance_of_its_401(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.activity,
            number="FG-2026-09",
            issue_date=MARCH,
            nature=SupplierInvoice.Nature.GOODS,
            lines=[InvoiceLineData("Ramettes", D("1000.00"), D("20"), "6064")],
        )
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        _import(
            [
                CamtEntry(dt.date(2026, 3, 12), D("-1500.00"), "PAPETERIE DU ROUSSILLON", "FG"),
                CamtEntry(dt.date(2026, 3, 20), D("300.00"), "PAPETERIE DU ROUSSILLON", "TROP"),
            ]
        )
        paid = BankLine.objects.select_related("bank_account").get(amount=D("-1500.00"))
        supplier = EntryLine.objects.select_related("third_party").get(
            entry_id=invoice.entry_id or 0, account__code="401"
        )
        assert supplier.third_party is not None
        # Paid too much by mistake: posted against the supplier, nothing lettered.
        bank.reconciliation_confirm(
            line=paid,
            allocations=[
                Allocation(
                    account="401",
                    amount=D("-1500.00"),
                    activity=purchases.activity,
                    third_party=supplier.third_party.code,
                )
            ],
        )
        refund = BankLine.objects.select_related("bank_account").get(amount=D("300.00"))
        best = bank.suggestions_for(refund)[0]
        assert (best.kind, best.label, best.score) == (
            "balance",
            "Solde des pièces ouvertes de Papeterie du Roussillon (401)",
            85,
        )
        done = bank.reconciliation_confirm(line=refund, allocations=best.allocations)
        assert _bank_entry(done) == [
            ("512", "ALICE", D("300.00"), D("0.00"), ""),
            ("401", "ALICE", D("0.00"), D("300.00"), "Papeterie du Roussillon"),
        ]
        assert list(
            EntryLine.objects.filter(account__code="401")
            .order_by("pk")
            .values_list("debit", "credit", "lettering")
        ) == [
            (D("0.00"), D("1200.00"), "A"),
            (D("1500.00"), D("0.00"), "A"),
            (D("0.00"), D("300.00"), "A"),
        ]
        invoice.refresh_from_db()
        assert (invoice.status, invoice.paid_at) == (
            SupplierInvoice.Status.PAID,
            dt.date(2026, 3, 20),
        )
