"""Factories of the sales app. Documents are drafts: numbering and validation belong to the
services and the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import factory

from perspectives.tenancy.models import Cooperative
from sales import models as m
from tests.factories.core import CooperativeFactory
from tests.factories.entrepreneurs import ActivityFactory, SectorFactory


class SalesSettingsFactory(factory.django.DjangoModelFactory[m.SalesSettings]):
    class Meta:
        model = m.SalesSettings

    cooperative = factory.SubFactory(CooperativeFactory)
    legal_form_label = "SCOP SARL à capital variable"
    share_capital = "capital variable"
    rcs = "RCS Perpignan"
    vat_number = "FR40303265045"
    iban = "FR7630006000011234567890189"
    bic = "AGRIFRPP"


class CustomerFactory(factory.django.DjangoModelFactory[m.Customer]):
    class Meta:
        model = m.Customer

    activity = factory.SubFactory(ActivityFactory)
    cooperative = factory.SelfAttribute("activity.cooperative")
    kind = m.Customer.Kind.COMPANY
    name = factory.Sequence(lambda n: f"Client {n}")
    siren = "732829320"
    address_line = "1 rue de la Loge"
    postal_code = "66000"
    city = "Perpignan"


class ContactFactory(factory.django.DjangoModelFactory[m.Contact]):
    class Meta:
        model = m.Contact

    customer = factory.SubFactory(CustomerFactory)
    cooperative = factory.SelfAttribute("customer.cooperative")
    name = "Jeanne Martin"


class ProductFactory(factory.django.DjangoModelFactory[m.Product]):
    class Meta:
        model = m.Product

    activity = factory.SubFactory(ActivityFactory)
    cooperative = factory.SelfAttribute("activity.cooperative")
    kind = m.Product.Kind.SERVICE
    label = factory.Sequence(lambda n: f"Prestation {n}")
    unit = m.Unit.HOUR
    unit_price = Decimal("60.0000")


class InvoiceCounterFactory(factory.django.DjangoModelFactory[m.InvoiceCounter]):
    class Meta:
        model = m.InvoiceCounter

    cooperative = factory.SubFactory(CooperativeFactory)
    series = "F"
    year = factory.Sequence(lambda n: 2000 + n)


class DocumentFactory(factory.django.DjangoModelFactory[m.Document]):
    class Meta:
        model = m.Document

    customer = factory.SubFactory(CustomerFactory)
    activity = factory.SelfAttribute("customer.activity")
    cooperative = factory.SelfAttribute("customer.cooperative")
    kind = m.Document.Kind.QUOTE
    type_code = m.Document.InvoiceKind.QUOTE


class DocumentLineFactory(factory.django.DjangoModelFactory[m.DocumentLine]):
    class Meta:
        model = m.DocumentLine

    document = factory.SubFactory(DocumentFactory)
    cooperative = factory.SelfAttribute("document.cooperative")
    position = factory.Sequence(lambda n: n + 1)
    label = "Prestation"


class DocumentFileFactory(factory.django.DjangoModelFactory[m.DocumentFile]):
    class Meta:
        model = m.DocumentFile

    document = factory.SubFactory(DocumentFactory)
    cooperative = factory.SelfAttribute("document.cooperative")


def _payment(cooperative: Cooperative) -> m.Payment:
    """A real payment: a validated invoice and its posting, through the services."""
    from tests.sales.conftest import build_sales

    sales = build_sales(cooperative)
    invoice = sales.validated_invoice()
    from sales.services import payment_record

    return payment_record(invoice=invoice, amount="10.00")


class QuoteAcceptanceFactory(factory.django.DjangoModelFactory[m.QuoteAcceptance]):
    class Meta:
        model = m.QuoteAcceptance

    quote = factory.SubFactory(DocumentFactory)
    cooperative = factory.SelfAttribute("quote.cooperative")
    accepted = True
    name = "Jeanne Martin, gérante"
    pdf_sha256 = "0" * 64


class ValidationRuleFactory(factory.django.DjangoModelFactory[m.ValidationRule]):
    class Meta:
        model = m.ValidationRule

    activity = factory.SubFactory(ActivityFactory)
    cooperative = factory.SelfAttribute("activity.cooperative")
    self_validation = False


class ActivityBrandingFactory(factory.django.DjangoModelFactory[m.ActivityBranding]):
    class Meta:
        model = m.ActivityBranding

    activity = factory.SubFactory(ActivityFactory)
    cooperative = factory.SelfAttribute("activity.cooperative")
    accent_color = "#1F4E79"
    footer = "Atelier – bois massif"


class DocumentEmailFactory(factory.django.DjangoModelFactory[m.DocumentEmail]):
    class Meta:
        model = m.DocumentEmail

    document = factory.SubFactory(DocumentFactory)
    cooperative = factory.SelfAttribute("document.cooperative")
    recipient = "compta@client.example"
    subject = "Devis"


class SectorSeriesFactory(factory.django.DjangoModelFactory[m.SectorSeries]):
    class Meta:
        model = m.SectorSeries

    sector = factory.SubFactory(SectorFactory)
    cooperative = factory.SelfAttribute("sector.cooperative")
    invoice_series = "BAT"
    credit_note_series = "AVB"


class EInvoiceSubmissionFactory(factory.django.DjangoModelFactory[m.EInvoiceSubmission]):
    class Meta:
        model = m.EInvoiceSubmission

    document = factory.SubFactory(DocumentFactory)
    cooperative = factory.SelfAttribute("document.cooperative")
    flow_id = factory.Sequence(lambda n: f"flow-{n}")
    sha256 = "0" * 64


class LifecycleStatusFactory(factory.django.DjangoModelFactory[m.LifecycleStatus]):
    class Meta:
        model = m.LifecycleStatus

    document = factory.SubFactory(DocumentFactory)
    cooperative = factory.SelfAttribute("document.cooperative")
    code = m.LifecycleCode.DEPOSITED
    origin = m.LifecycleStatus.Origin.PLATFORM
    flow_id = factory.Sequence(lambda n: f"status-{n}")


class LifecycleCursorFactory(factory.django.DjangoModelFactory[m.LifecycleCursor]):
    class Meta:
        model = m.LifecycleCursor

    cooperative = factory.SubFactory(CooperativeFactory)


class UnmatchedLifecycleStatusFactory(
    factory.django.DjangoModelFactory[m.UnmatchedLifecycleStatus]
):
    class Meta:
        model = m.UnmatchedLifecycleStatus

    cooperative = factory.SubFactory(CooperativeFactory)
    flow_id = factory.Sequence(lambda n: f"unmatched-{n}")
    code = m.LifecycleCode.DEPOSITED
    invoice_number = "FC2026-09999"
    why = "Aucune facture de ce numéro."


class EReportFactory(factory.django.DjangoModelFactory[m.EReport]):
    class Meta:
        model = m.EReport

    cooperative = factory.SubFactory(CooperativeFactory)
    kind = m.EReport.Kind.TRANSACTIONS
    start = dt.date(2026, 9, 1)
    end = dt.date(2026, 9, 10)
    flow_id = factory.Sequence(lambda n: f"report-{n}")
    sha256 = "0" * 64


class RetentionReleaseFactory(factory.django.DjangoModelFactory[m.RetentionRelease]):
    class Meta:
        model = m.RetentionRelease

    invoice = factory.SubFactory(DocumentFactory)
    cooperative = factory.SelfAttribute("invoice.cooperative")
    works_accepted_on = dt.date(2026, 1, 15)
    date = dt.date(2027, 1, 15)
    amount = Decimal("60.00")
    # The entry is linked without a database constraint, as the other links to the ledger.
    entry_id = factory.Sequence(lambda n: n + 1)


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    m.SalesSettings: lambda c: SalesSettingsFactory.create(cooperative=c),
    m.Customer: lambda c: CustomerFactory.create(activity__sector__cooperative=c),
    m.Contact: lambda c: ContactFactory.create(customer__activity__sector__cooperative=c),
    m.Product: lambda c: ProductFactory.create(activity__sector__cooperative=c),
    m.InvoiceCounter: lambda c: InvoiceCounterFactory.create(cooperative=c),
    m.Document: lambda c: DocumentFactory.create(customer__activity__sector__cooperative=c),
    m.DocumentLine: lambda c: DocumentLineFactory.create(
        document__customer__activity__sector__cooperative=c
    ),
    m.Payment: _payment,
    m.QuoteAcceptance: lambda c: QuoteAcceptanceFactory.create(
        quote__customer__activity__sector__cooperative=c
    ),
    m.DocumentFile: lambda c: DocumentFileFactory.create(
        document__customer__activity__sector__cooperative=c
    ),
    m.SectorSeries: lambda c: SectorSeriesFactory.create(sector__cooperative=c),
    m.ValidationRule: lambda c: ValidationRuleFactory.create(activity__sector__cooperative=c),
    m.DocumentEmail: lambda c: DocumentEmailFactory.create(
        document__customer__activity__sector__cooperative=c
    ),
    m.EInvoiceSubmission: lambda c: EInvoiceSubmissionFactory.create(
        document__customer__activity__sector__cooperative=c
    ),
    m.LifecycleStatus: lambda c: LifecycleStatusFactory.create(
        document__customer__activity__sector__cooperative=c
    ),
    m.LifecycleCursor: lambda c: LifecycleCursorFactory.create(cooperative=c),
    m.UnmatchedLifecycleStatus: lambda c: UnmatchedLifecycleStatusFactory.create(cooperative=c),
    m.EReport: lambda c: EReportFactory.create(cooperative=c),
    m.RetentionRelease: lambda c: RetentionReleaseFactory.create(
        invoice__customer__activity__sector__cooperative=c
    ),
    m.ActivityBranding: lambda c: ActivityBrandingFactory.create(activity__sector__cooperative=c),
}
