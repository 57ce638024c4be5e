"""`invoices_export`: the command contract, and the PDF rendered by a real worker as a job."""

from __future__ import annotations

import time
from pathlib import Path

import facturx
import pytest
from django.core.management import call_command

from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from sales import services
from sales.models import DocumentFile
from tests.factories import CooperativeFactory
from tests.sales.conftest import DAY, Sales, build_sales


def test_invoices_export_writes_each_validated_invoice_and_credit_note_of_the_year(
    sales: Sales, tmp_path: Path
) -> None:
    first = sales.validated_invoice()
    sales.validated_invoice()
    services.invoice_validate(document=services.credit_note_create(invoice=first), date=DAY)
    sales.invoice()  # a draft: not exported
    services.quote_send(quote=sales.invoice(kind="quote"), date=DAY)  # a quote: not exported

    call_command(
        "invoices_export",
        "--cooperative",
        sales.cooperative.slug,
        "--year",
        "2026",
        "--output",
        str(tmp_path / "out"),
    )

    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["AV2026-00001.pdf", "F2026-00001.pdf", "F2026-00002.pdf"]
    name, xml = facturx.get_xml_from_pdf(
        (tmp_path / "out" / "AV2026-00001.pdf").read_bytes(), check_xsd=True
    )
    assert name == "factur-x.xml"
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml


def test_invoices_export_of_another_year_writes_nothing(sales: Sales, tmp_path: Path) -> None:
    sales.validated_invoice()
    call_command(
        "invoices_export",
        "--cooperative",
        sales.cooperative.slug,
        "--year",
        "2025",
        "--output",
        str(tmp_path),
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.celery_worker
def test_validation_hands_the_factur_x_render_to_a_real_worker(worker: None) -> None:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        sales = build_sales(cooperative)
        invoice = sales.validated_invoice()
        job = Job.objects.get(task="sales.tasks.document_pdf_render_task")
        assert job.kwargs == {"document_id": invoice.pk}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with cooperative_context(cooperative.pk):
            job.refresh_from_db()
            if job.state in (Job.State.DONE, Job.State.FAILED):
                break
        time.sleep(0.5)
    with cooperative_context(cooperative.pk):
        assert job.state == Job.State.DONE, job.error
        file = DocumentFile.objects.get(document=invoice)
        assert len(file.sha256) == 64
        assert file.pdf.name.startswith(f"cooperatives/{cooperative.pk}/sales/")
