"""Factories of the bank app. Bank accounts come from the service (it picks the 512x account),
statements and lines are plain rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import factory

from bank import models as m
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from tests.factories.accounting import ledger_ready

# Valid French IBANs (checksums right), for tests and the demo.
IBANS = (
    "FR7630006000011234567890189",
    "FR7610107001011234567890129",
    "FR7630004000031234567890143",
    "FR1420041010050500013M02606",
)


def bank_account(cooperative: Cooperative, *, iban: str = IBANS[0], **kwargs: Any) -> m.BankAccount:
    from bank import services

    with cooperative_context(cooperative.pk):
        ledger_ready()
        return services.bank_account_create(iban=iban, **kwargs)


class StatementFactory(factory.django.DjangoModelFactory[m.Statement]):
    class Meta:
        model = m.Statement

    cooperative = factory.SelfAttribute("bank_account.cooperative")
    format = m.Statement.Format.CAMT053
    file = factory.django.FileField(filename="releve.xml", data=b"<Document/>")
    file_sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
    start_date = dt.date(2025, 3, 1)
    end_date = dt.date(2025, 3, 31)
    opening_balance = Decimal("1000.00")
    closing_balance = Decimal("1000.00")


class BankLineFactory(factory.django.DjangoModelFactory[m.BankLine]):
    class Meta:
        model = m.BankLine

    cooperative = factory.SelfAttribute("statement.cooperative")
    bank_account = factory.SelfAttribute("statement.bank_account")
    booking_date = dt.date(2025, 3, 10)
    amount = Decimal("120.00")
    label = factory.Sequence(lambda n: f"VIR SEPA CLIENT {n}")
    fingerprint = factory.Sequence(lambda n: hashlib.sha256(f"line{n}".encode()).hexdigest())


def _statement(cooperative: Cooperative) -> m.Statement:
    return StatementFactory.create(bank_account=bank_account(cooperative))


def _line(cooperative: Cooperative) -> m.BankLine:
    return BankLineFactory.create(statement=_statement(cooperative))


def _rule(cooperative: Cooperative) -> m.ReconciliationRule:
    from bank import services

    ledger_ready()
    return services.rule_create(name="Frais CB", label_contains="FRAIS CB", account="627")


def _reconciliation(cooperative: Cooperative) -> m.Reconciliation:
    from bank import services

    line = _line(cooperative)
    return services.reconciliation_confirm(
        line=line, allocations=[services.Allocation(account="627", amount=line.amount)]
    )


def _pointed_line(cooperative: Cooperative) -> m.PointedLine:
    """A bank line pointed against a payment the ledger already holds."""
    from accounting.services import LineInput, entry_post
    from bank import services

    line = _line(cooperative)
    entry = entry_post(
        journal="BQ",
        date=line.booking_date,
        label="Encaissement",
        source="sales",
        lines=[
            LineInput("512", debit=line.amount),
            LineInput("467", credit=line.amount),
        ],
    )
    pointed = entry.lines.get(account__code="512").pk
    reconciliation = services.reconciliation_confirm(line=line, allocations=[], pointed=[pointed])
    return m.PointedLine.objects.get(reconciliation=reconciliation)


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    m.BankAccount: bank_account,
    m.Statement: _statement,
    m.BankLine: _line,
    m.ReconciliationRule: _rule,
    m.Reconciliation: _reconciliation,
    m.PointedLine: _pointed_line,
}


class EntryTemplateFactory(factory.django.DjangoModelFactory[m.EntryTemplate]):
    class Meta:
        model = m.EntryTemplate

    journal = factory.SubFactory("tests.factories.accounting.JournalFactory")
    cooperative = factory.SelfAttribute("journal.cooperative")
    name = factory.Sequence(lambda n: f"Loyer {n}")
    label = "Loyer du local"


class EntryAttachmentFactory(factory.django.DjangoModelFactory[m.EntryAttachment]):
    class Meta:
        model = m.EntryAttachment

    entry = factory.SubFactory("tests.factories.accounting.EntryFactory")
    cooperative = factory.SelfAttribute("entry.cooperative")
    file = factory.django.FileField(filename="facture.pdf", data=b"%PDF-1.4\n")
    name = "facture.pdf"
    content_type = "application/pdf"
    size = 9


def _entry_template(cooperative: Cooperative) -> m.EntryTemplate:
    from tests.factories.accounting import JournalFactory

    return EntryTemplateFactory.create(journal=JournalFactory.create(cooperative=cooperative))


def _entry_template_line(cooperative: Cooperative) -> m.EntryTemplateLine:
    return m.EntryTemplateLine.objects.create(
        cooperative=cooperative,
        template=_entry_template(cooperative),
        line_no=1,
        account="613",
        side=m.EntryTemplateLine.Side.DEBIT,
        share=Decimal("100"),
    )


def _entry_attachment(cooperative: Cooperative) -> m.EntryAttachment:
    from tests.factories.accounting import EntryFactory

    return EntryAttachmentFactory.create(
        entry=EntryFactory.create(journal__cooperative=cooperative)
    )


TENANT_FACTORIES.update(
    {
        m.EntryTemplate: _entry_template,
        m.EntryTemplateLine: _entry_template_line,
        m.EntryAttachment: _entry_attachment,
    }
)
