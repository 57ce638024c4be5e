"""Benchmarks of the purchases app (`make bench`, or `manage.py run_benchmarks purchases`).

1. Receiving 1,000 e-invoices: built beforehand from the official EN 16931 samples (a third
   Factur-X PDF, a third CII, a third UBL), each with its own number and addressed to one of 20
   activities. Measured: parsing and checking alone (no database), routing (one lookup of the
   routing address), and the whole reception (parse, check, route, supplier, draft invoice and
   lines, the file stored), one transaction per invoice as the platform sync does.
2. Building a SEPA credit transfer file of 2,000 payments (pain.001.001.09) with sepaxml,
   checked against the XSD.

Built in the development database: one cooperative (slug `bench-purchases`); each run uses new
invoice numbers, so nothing is refused as a duplicate.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from entrepreneurs.models import Activity, Sector
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, LegalForm
from perspectives.tenancy.services import cooperative_create
from purchases import sample_einvoices
from purchases.einvoice import einvoice_check, einvoice_parse
from purchases.models import Payment
from purchases.services import cooperative_vat_number, einvoice_receive, routing_addresses_ensure
from purchases.services.payments import sepa_xml_build
from purchases.services.reception import route

SLUG = "bench-purchases"
SIREN = "732829320"
INVOICES = int(os.environ.get("PURCHASES_BENCH_INVOICES", "1000"))
PAYMENTS = int(os.environ.get("PURCHASES_BENCH_PAYMENTS", "2000"))
ACTIVITIES = 20


def _cooperative() -> Cooperative:
    existing = Cooperative.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    return cooperative_create(
        name="Banc d'essai des achats", slug=SLUG, siren=SIREN, legal_form=LegalForm.SCOP_SARL
    )


def _activities(cooperative: Cooperative) -> list[Activity]:
    sector = Sector.objects.filter(name="Banc d'essai").first() or Sector.objects.create(
        cooperative=cooperative, name="Banc d'essai", position=99
    )
    existing = list(Activity.objects.filter(sector=sector).order_by("pk"))
    for index in range(len(existing), ACTIVITIES):
        existing.append(
            Activity.objects.create(
                cooperative=cooperative,
                sector=sector,
                analytic_code=f"BENCH{index:02d}",
                name=f"Activité {index}",
                start_date=dt.date(2026, 1, 1),
            )
        )
    routing_addresses_ensure()
    return existing


def _files(activities: list[Activity]) -> list[tuple[str, bytes]]:
    prefix = timezone.now().strftime("%H%M%S%f")
    files = []
    for n in range(INVOICES):
        activity = activities[n % len(activities)]
        name = "ubl-tc434-example1.xml" if n % 3 == 2 else "CII_example1.xml"
        xml = sample_einvoices.sample(
            name,
            siren=SIREN,
            address=f"{SIREN}_{activity.pk}",
            number=f"B{prefix}-{n:05d}",
            day=dt.date(2026, 11, 1 + n % 28),
        )
        data = sample_einvoices.facturx(xml) if n % 3 == 0 else xml
        files.append((f"f{n}.{'pdf' if n % 3 == 0 else 'xml'}", data))
    return files


def _timed(stdout: TextIO, label: str, count: int, work: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - start
    stdout.write(
        f"{label:<52} {count:>6} in {elapsed:8.2f} s  {count / elapsed:9.1f}/s  "
        f"{elapsed / count * 1000:7.2f} ms each\n"
    )
    return result


def run(stdout: TextIO) -> None:
    cooperative = _cooperative()
    with cooperative_context(cooperative.pk):
        activities = _activities(cooperative)
        files = _timed(
            stdout,
            "building the sample files (not the product)",
            INVOICES,
            lambda: _files(activities),
        )
        vat = cooperative_vat_number(SIREN)

        def parse_all() -> list[Any]:
            parsed = []
            for _name, data in files:
                invoice = einvoice_parse(data)
                einvoice_check(invoice, buyer_siren=SIREN, buyer_vat=vat)
                parsed.append(invoice)
            return parsed

        parsed = _timed(stdout, "parse + check (Factur-X, CII, UBL)", INVOICES, parse_all)
        routed = _timed(
            stdout, "routing to the activity", INVOICES, lambda: [route(p)[0] for p in parsed]
        )
        expected = [activities[n % len(activities)].pk for n in range(INVOICES)]
        if [a.pk if a else None for a in routed] != expected:
            raise AssertionError("an invoice was routed to the wrong activity")

        def receive_all() -> None:
            for name, data in files:
                with transaction.atomic():
                    einvoice_receive(data=data, filename=name)

        _timed(stdout, "full reception (drafts saved, files stored)", INVOICES, receive_all)
    payments = [
        Payment(
            creditor_name=f"Fournisseur {n}",
            iban="FR7630006000011234567890189",
            bic="AGRIFRPPXXX",
            amount=Decimal("12.34") + n,
            end_to_end_id=f"FF{n}",
            description=f"Facture {n}",
        )
        for n in range(PAYMENTS)
    ]
    _timed(
        stdout,
        "SEPA pain.001.001.09 file, XSD-checked",
        PAYMENTS,
        lambda: sepa_xml_build(
            reference="VIR-BENCH",
            debtor_name="Banc d'essai",
            debtor_iban="FR7630004000031234567890143",
            debtor_bic="BNPAFRPPXXX",
            execution_date=timezone.localdate() + dt.timedelta(days=1),
            payments=payments,
            version="pain.001.001.09",
        ),
    )
