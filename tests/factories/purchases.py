"""Factories of the purchases app. Validated and paid states come from the services (they post
to the ledger); these make drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import factory

from perspectives.tenancy.models import Cooperative
from purchases import models as m
from tests.factories.core import CooperativeFactory
from tests.factories.entrepreneurs import ActivityFactory, EntrepreneurFactory


class PurchaseSettingsFactory(factory.django.DjangoModelFactory[m.PurchaseSettings]):
    class Meta:
        model = m.PurchaseSettings

    cooperative = factory.SubFactory(CooperativeFactory)


class SupplierFactory(factory.django.DjangoModelFactory[m.Supplier]):
    class Meta:
        model = m.Supplier

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Fournisseur {n}")


class SupplierInvoiceFactory(factory.django.DjangoModelFactory[m.SupplierInvoice]):
    class Meta:
        model = m.SupplierInvoice

    supplier = factory.SubFactory(SupplierFactory)
    cooperative = factory.SelfAttribute("supplier.cooperative")
    activity = factory.SubFactory(
        ActivityFactory, sector__cooperative=factory.SelfAttribute("...cooperative")
    )
    number = factory.Sequence(lambda n: f"F-{n:05d}")
    issue_date = dt.date(2026, 3, 10)
    total_excl_tax = Decimal("100.00")
    total_vat = Decimal("20.00")
    total_incl_tax = Decimal("120.00")


class SupplierInvoiceLineFactory(factory.django.DjangoModelFactory[m.SupplierInvoiceLine]):
    class Meta:
        model = m.SupplierInvoiceLine

    invoice = factory.SubFactory(SupplierInvoiceFactory)
    cooperative = factory.SelfAttribute("invoice.cooperative")
    label = "Prestation"
    amount_excl_tax = Decimal("100.00")
    vat_amount = Decimal("20.00")
    deductible_vat = Decimal("20.00")


class ExpenseReportFactory(factory.django.DjangoModelFactory[m.ExpenseReport]):
    class Meta:
        model = m.ExpenseReport

    entrepreneur = factory.SubFactory(EntrepreneurFactory)
    cooperative = factory.SelfAttribute("entrepreneur.cooperative")
    month = factory.Sequence(lambda n: dt.date(2000 + n // 12 % 100, n % 12 + 1, 1))


class ExpenseLineFactory(factory.django.DjangoModelFactory[m.ExpenseLine]):
    class Meta:
        model = m.ExpenseLine

    report = factory.SubFactory(ExpenseReportFactory)
    cooperative = factory.SelfAttribute("report.cooperative")
    activity = factory.SubFactory(
        ActivityFactory, sector=factory.SelfAttribute("..report.entrepreneur.sector")
    )
    date = factory.LazyAttribute(lambda o: o.report.month)
    category = m.ExpenseCategory.MEALS
    label = "Repas"
    amount_incl_tax = Decimal("22.00")
    vat_recoverable = Decimal("2.00")


class MileageAllowanceFactory(factory.django.DjangoModelFactory[m.MileageAllowance]):
    class Meta:
        model = m.MileageAllowance

    report = factory.SubFactory(ExpenseReportFactory)
    cooperative = factory.SelfAttribute("report.cooperative")
    activity = factory.SubFactory(
        ActivityFactory, sector=factory.SelfAttribute("..report.entrepreneur.sector")
    )
    date = factory.LazyAttribute(lambda o: o.report.month)
    vehicle = m.MileageAllowance.Vehicle.CAR
    fiscal_power = 5
    purpose = "Rendez-vous client"
    km = Decimal("100.0")
    amount = Decimal("63.60")


class RoutingAddressFactory(factory.django.DjangoModelFactory[m.RoutingAddress]):
    class Meta:
        model = m.RoutingAddress

    activity = factory.SubFactory(ActivityFactory)
    cooperative = factory.SelfAttribute("activity.cooperative")
    address = factory.LazyAttribute(lambda o: f"{o.cooperative.siren}_{o.activity.pk}")


class LifecycleStatusFactory(factory.django.DjangoModelFactory[m.LifecycleStatus]):
    class Meta:
        model = m.LifecycleStatus

    invoice = factory.SubFactory(SupplierInvoiceFactory)
    cooperative = factory.SelfAttribute("invoice.cooperative")
    code = m.LifecycleStatus.Code.TAKEN_OVER


class PaymentBatchFactory(factory.django.DjangoModelFactory[m.PaymentBatch]):
    class Meta:
        model = m.PaymentBatch

    cooperative = factory.SubFactory(CooperativeFactory)
    reference = factory.Sequence(lambda n: f"VIR-{n:06d}")
    execution_date = dt.date(2026, 3, 31)
    sepa_version = "pain.001.001.09"
    total = Decimal("120.00")


class PaymentFactory(factory.django.DjangoModelFactory[m.Payment]):
    class Meta:
        model = m.Payment

    batch = factory.SubFactory(PaymentBatchFactory)
    cooperative = factory.SelfAttribute("batch.cooperative")
    supplier_invoice = factory.SubFactory(
        SupplierInvoiceFactory, supplier__cooperative=factory.SelfAttribute("...cooperative")
    )
    creditor_name = "Fournisseur"
    iban = "FR7630006000011234567890189"
    amount = Decimal("120.00")
    end_to_end_id = factory.Sequence(lambda n: f"FF{n}")
    description = "Facture"


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    m.PurchaseSettings: lambda coop: PurchaseSettingsFactory.create(cooperative=coop),
    m.Supplier: lambda coop: SupplierFactory.create(cooperative=coop),
    m.SupplierInvoice: lambda coop: SupplierInvoiceFactory.create(supplier__cooperative=coop),
    m.SupplierInvoiceLine: lambda coop: SupplierInvoiceLineFactory.create(
        invoice__supplier__cooperative=coop
    ),
    m.ExpenseReport: lambda coop: ExpenseReportFactory.create(
        entrepreneur__sector__cooperative=coop
    ),
    m.ExpenseLine: lambda coop: ExpenseLineFactory.create(
        report__entrepreneur__sector__cooperative=coop
    ),
    m.MileageAllowance: lambda coop: MileageAllowanceFactory.create(
        report__entrepreneur__sector__cooperative=coop
    ),
    m.RoutingAddress: lambda coop: RoutingAddressFactory.create(activity__sector__cooperative=coop),
    m.LifecycleStatus: lambda coop: LifecycleStatusFactory.create(
        invoice__supplier__cooperative=coop
    ),
    m.PaymentBatch: lambda coop: PaymentBatchFactory.create(cooperative=coop),
    m.Payment: lambda coop: PaymentFactory.create(batch__cooperative=coop),
}
