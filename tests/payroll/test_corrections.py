"""Correcting an issued payslip: a new version, the old one untouched and linked, the ledger's
reversal and new posting, both PDFs downloadable, the employee told of the correction."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal

from django.test import Client

from accounting.models import Entry, EntryLine
from payroll.journal import contribution_summary
from payroll.models import PayrollRun, Payslip
from payroll.services import payroll_run_create, payroll_run_validate, payslip_pdf_render
from payroll.services.ledger import payslip_post, payslip_reversal_post
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.payroll.conftest import Payroll, compute_run

JAN = dt.date(2026, 1, 1)


def _issued(world: World) -> tuple[PayrollRun, dict[int, int]]:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=JAN, created_by=world.carl)
        compute_run(run.pk)
        for payslip_id in payroll_run_validate(run_id=run.pk):
            payslip_pdf_render(payslip_id=payslip_id)
        return run, dict(Payslip.objects.values_list("entrepreneur_id", "pk"))


def _url(payslip_id: int, slug: str = "coop-a") -> str:
    return f"/c/{slug}/payroll/payslips/{payslip_id}/correct/"


def _account_totals(activity_lines: list[tuple[str, Decimal, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for code, debit, credit in activity_lines:
        totals[code] = totals.get(code, Decimal(0)) + debit - credit
    return totals


def test_the_payroll_officer_corrects_an_issued_payslip(
    world: World, payroll: Payroll, client: Client
) -> None:
    run, ids = _issued(world)
    original_id = ids[payroll.alice.pk]
    with cooperative_context(world.coop_a.pk):
        original = Payslip.objects.get(pk=original_id)
        before = (original.gross, original.net_paid, original.data, original.pdf.name)
    client.force_login(world.carl)
    page = client.get(_url(original_id))
    assert page.status_code == 200
    assert "Salaire brut rectifié" in page.content.decode()
    response = client.post(_url(original_id), {"gross": "2600.00"})
    assert response.status_code == 302
    assert response["Location"] == f"/c/coop-a/payroll/runs/{run.pk}/"
    with cooperative_context(world.coop_a.pk):
        original.refresh_from_db()
        correction = Payslip.objects.get(replaces=original)
        payslip_pdf_render(payslip_id=correction.pk)  # what the worker does after the commit
        old_entry = Entry.objects.get(idempotency_key=f"payslip:{original_id}")
        reversal = Entry.objects.get(reverses=old_entry)
        new_entry = Entry.objects.get(idempotency_key=f"payslip:{correction.pk}")
        # Posting again (a retry) gives the same entries.
        assert payslip_reversal_post(payslip=original).pk == reversal.pk  # type: ignore[union-attr]
        assert payslip_post(payslip=correction).pk == new_entry.pk
        lines = list(
            EntryLine.objects.filter(entry__in=[old_entry, reversal, new_entry]).values_list(
                "account__code", "debit", "credit"
            )
        )
        summary = contribution_summary(run=run)
        paie = list(Entry.objects.filter(journal__code="PAIE").values_list("pk", flat=True))
        ledger: dict[str, Decimal] = {}
        for code, debit, credit in EntryLine.objects.filter(
            entry_id__in=paie, account__code__regex=r"^(43|4421)"
        ).values_list("account__code", "debit", "credit"):
            ledger[code] = ledger.get(code, Decimal(0)) + credit - debit
    assert (original.gross, original.net_paid, original.data, original.pdf.name) == before
    assert (correction.version, correction.gross, correction.issued_at is not None) == (
        2,
        Decimal("2600.00"),
        True,
    )
    assert reversal.date == new_entry.date == dt.date(2026, 1, 31)
    # The old posting and its reversal cancel out: what remains is the corrected payslip's.
    totals = _account_totals(lines)
    assert totals["6411"] == Decimal("2600.00")
    assert totals["421"] == -correction.net_paid
    assert sum(totals.values(), Decimal(0)) == 0
    assert {row.account: row.total for row in summary} == ledger
    # Both PDFs stay downloadable, by payroll and by the employee.
    for user in (world.carl, world.alice):
        client.force_login(user)
        for payslip_id in (original_id, correction.pk):
            pdf = client.get(f"/c/coop-a/payroll/payslips/{payslip_id}/pdf/")
            assert pdf.status_code == 200, (user, payslip_id)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 (poppler-utils on PATH)
        input=b"".join(pdf.streaming_content),  # type: ignore[attr-defined]
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "il annule et remplace le bulletin version 1" in " ".join(text.split())
    home = client.get("/c/coop-a/payroll/").content.decode()
    assert "bulletin rectificatif du" in home
    assert "remplace la version 1" in home
    assert "remplacé par un bulletin rectificatif" in home


def test_a_refused_correction_changes_nothing(
    world: World, payroll: Payroll, client: Client
) -> None:
    _run, ids = _issued(world)
    original_id = ids[payroll.alice.pk]
    client.force_login(world.carl)
    assert client.post(_url(original_id), {"gross": "2600.00"}).status_code == 302
    with cooperative_context(world.coop_a.pk):
        counts = (Payslip.objects.count(), Entry.objects.count())
    again = client.post(_url(original_id), {"gross": "2700.00"})
    assert again.status_code == 200
    assert "déjà été rectifié : rectifiez la dernière version" in again.content.decode()
    for bad in ("-5", "abc", "2000000"):
        response = client.post(_url(original_id), {"gross": bad})
        assert response.status_code == 200
    with cooperative_context(world.coop_a.pk):
        assert (Payslip.objects.count(), Entry.objects.count()) == counts


def test_only_payroll_officers_and_managers_correct(
    world: World, payroll: Payroll, client: Client
) -> None:
    _run, ids = _issued(world)
    original_id = ids[payroll.alice.pk]
    for user in (world.alice, world.bob):
        client.force_login(user)
        assert client.get(_url(original_id)).status_code == 403
        assert client.post(_url(original_id), {"gross": "1.00"}).status_code == 403
    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        assert client.get(_url(original_id, slug)).status_code == 404
        assert client.post(_url(original_id, slug), {"gross": "1.00"}).status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert Payslip.objects.count() == 2
        assert not Entry.objects.filter(reverses__isnull=False).exists()
