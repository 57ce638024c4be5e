from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from payroll.models import PayrollRun, Payslip
from payroll.services import (
    payroll_run_create,
    payroll_run_mark_paid,
    payroll_run_start,
    payroll_run_validate,
    payslip_correct,
    payslip_draft_compute,
    payslip_pdf_render,
)
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.payroll.conftest import Payroll, compute_run

JAN = dt.date(2026, 1, 1)


def _computed_run(world: World, period: dt.date = JAN) -> PayrollRun:
    run = payroll_run_create(period=period, created_by=world.carl)
    compute_run(run.pk)
    run.refresh_from_db()
    return run


def test_a_run_computes_one_draft_per_entrepreneur_and_rerunning_never_duplicates(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = _computed_run(world)
        first = {p.entrepreneur_id: (p.pk, p.net_before_tax) for p in Payslip.objects.all()}
        compute_run(run.pk)
        again = {p.entrepreneur_id: (p.pk, p.net_before_tax) for p in Payslip.objects.all()}
        run.refresh_from_db()
        assert (run.status, run.expected) == (PayrollRun.Status.COMPUTED, 2)
    assert (
        first
        == again
        == {
            payroll.alice.pk: (first[payroll.alice.pk][0], Decimal("1978.99")),
            payroll.other.pk: (first[payroll.other.pk][0], Decimal("1504.03")),
        }
    )
    with cooperative_context(world.coop_b.pk):
        assert not Payslip.objects.exists()


def test_a_second_run_for_the_same_month_is_refused(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        payroll_run_create(period=dt.date(2026, 1, 15), created_by=world.carl)
        with pytest.raises(ApplicationError, match="Une paie existe déjà pour 01/2026"):
            payroll_run_create(period=JAN, created_by=world.carl)
        assert list(PayrollRun.objects.values_list("period", flat=True)) == [JAN]


def test_a_run_without_parameters_or_settings_is_refused(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        with pytest.raises(ApplicationError, match="Paramètre de paie manquant au 01/01/2024"):
            payroll_run_create(period=dt.date(2024, 1, 1), created_by=world.carl)
        with pytest.raises(ApplicationError, match="ne sont pas renseignés au 01/12/2025"):
            payroll_run_create(period=dt.date(2025, 12, 1), created_by=world.carl)
        assert not PayrollRun.objects.exists()


def test_validation_issues_immutable_payslips_and_locks_the_period(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = _computed_run(world)
        ids = payroll_run_validate(run_id=run.pk)
        assert len(ids) == 2
        before = list(Payslip.objects.order_by("pk").values_list("pk", "gross", "issued_at"))
        with pytest.raises(ApplicationError, match="période est verrouillée"):
            payroll_run_start(run_id=run.pk)
        with pytest.raises(ApplicationError, match="période est verrouillée"):
            payslip_draft_compute(run_id=run.pk, entrepreneur_id=payroll.alice.pk)
        with pytest.raises(DatabaseError, match="immuable"), transaction.atomic():
            Payslip.objects.filter(pk=ids[0]).update(gross=Decimal("1.00"))
        with pytest.raises(DatabaseError, match="ne peut pas être supprimé"), transaction.atomic():
            Payslip.objects.filter(pk=ids[0]).delete()
        assert (
            list(Payslip.objects.order_by("pk").values_list("pk", "gross", "issued_at")) == before
        )
        assert payroll_run_mark_paid(run_id=run.pk).status == PayrollRun.Status.PAID


def test_validation_needs_a_computed_run(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=JAN, created_by=world.carl)
        with pytest.raises(ApplicationError, match="entièrement calculée"):
            payroll_run_validate(run_id=run.pk)
        with pytest.raises(ApplicationError, match="Seule une paie validée"):
            payroll_run_mark_paid(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == PayrollRun.Status.DRAFT


def test_february_carries_january_cumulatives(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        payroll_run_validate(run_id=_computed_run(world).pk)
        _computed_run(world, dt.date(2026, 2, 1))
        february = Payslip.objects.get(period=dt.date(2026, 2, 1), entrepreneur=payroll.alice)
    assert february.data["ytd"]["gross"] == "5000.00"
    assert february.data["ytd"]["reduction"] == "859.50"
    assert february.reduction == Decimal("429.75")


def test_the_pdf_is_rendered_once_under_the_cooperative_folder(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = _computed_run(world)
        [first, _second] = payroll_run_validate(run_id=run.pk)
        payslip_pdf_render(payslip_id=first)
        payslip = Payslip.objects.get(pk=first)
        name = payslip.pdf.name
        assert name.startswith(f"cooperatives/{world.coop_a.pk}/payslips/")
        assert payslip.pdf.read(5) == b"%PDF-"
        assert payslip_pdf_render(payslip_id=first).pdf.name == name
        draft_run = payroll_run_create(period=dt.date(2026, 2, 1), created_by=world.carl)
        compute_run(draft_run.pk)
        draft = Payslip.objects.filter(run=draft_run).first()
        assert draft is not None
        with pytest.raises(ApplicationError, match="Seul un bulletin émis"):
            payslip_pdf_render(payslip_id=draft.pk)


def test_the_employee_is_told_once_by_email_that_her_payslip_is_ready(
    world: World,
    payroll: Payroll,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = _computed_run(world)
        ids = payroll_run_validate(run_id=run.pk)
        alice_id = Payslip.objects.get(entrepreneur=payroll.alice, pk__in=ids).pk
        with django_capture_on_commit_callbacks(execute=True):
            payslip_pdf_render(payslip_id=alice_id)
        with django_capture_on_commit_callbacks(execute=True):
            payslip_pdf_render(payslip_id=alice_id)
    assert [message.to for message in mailoutbox] == [["alice@a.example"]]
    assert "http://" in mailoutbox[0].body or "https://" in mailoutbox[0].body
    assert "/c/coop-a/payroll/" in mailoutbox[0].body
    assert b"%PDF" not in mailoutbox[0].body.encode()
    assert not mailoutbox[0].attachments


def test_a_correction_is_a_new_payslip_and_the_original_stays(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = _computed_run(world)
        payroll_run_validate(run_id=run.pk)
        original = Payslip.objects.get(entrepreneur=payroll.alice)
        before = (original.gross, original.data)
        correction = payslip_correct(payslip_id=original.pk, gross=Decimal("2600.00"))
        original.refresh_from_db()
        assert (original.gross, original.data) == before
        assert (correction.version, correction.replaces_id, correction.gross) == (
            2,
            original.pk,
            Decimal("2600.00"),
        )
        assert correction.issued_at is not None
        with pytest.raises(ApplicationError, match="déjà été rectifié"):
            payslip_correct(payslip_id=original.pk, gross=Decimal("2700.00"))
        assert Payslip.objects.filter(entrepreneur=payroll.alice).count() == 2
        # February's cumulatives start from the corrected January.
        february = _computed_run(world, dt.date(2026, 2, 1))
        assert (
            Payslip.objects.get(run=february, entrepreneur=payroll.alice).data["ytd"]["gross"]
            == "5100.00"
        )
