"""Validated payslips post balanced, idempotent entries on their activity; payment posts too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounting.models import Entry, EntryLine
from entrepreneurs.models import Activity
from payroll.journal import contribution_summary
from payroll.models import PayrollRun, Payslip
from payroll.services import (
    pay_profile_set,
    payroll_run_create,
    payroll_run_mark_paid,
    payroll_run_validate,
    payroll_settings_set,
)
from payroll.services.ledger import payslip_post
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.payroll.conftest import Payroll, compute_run, january_with_leave_and_sickness

JAN = dt.date(2026, 1, 1)


def _lines(entry: Entry) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (line.account.code, line.debit, line.credit)
        for line in EntryLine.objects.filter(entry=entry).select_related("account").order_by("pk")
    ]


def test_validation_posts_each_payslip_on_its_activity(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=JAN, created_by=world.carl)
        compute_run(run.pk)
        payroll_run_validate(run_id=run.pk)
        alice_slip = Payslip.objects.get(entrepreneur=payroll.alice)
        entry = Entry.objects.get(idempotency_key=f"payslip:{alice_slip.pk}")
        activity = Activity.objects.get(members__entrepreneur=payroll.alice)
        lines = _lines(entry)
        activities = set(
            EntryLine.objects.filter(entry=entry).values_list("activity_id", flat=True)
        )
        # Posting again (a retried validation) gives the same entry.
        assert payslip_post(payslip=alice_slip).pk == entry.pk
        assert Entry.objects.filter(journal__code="PAIE").count() == 2
        payroll_run_mark_paid(run_id=run.pk)
        payment = Entry.objects.get(idempotency_key=f"payslip-payment:{alice_slip.pk}")
        payment_lines = _lines(payment)
        journal = entry.journal.code
    # 2 500 € gross at 30 staff and 1 % AT: net paid 1 978.99 (no PAS rate: neutral grid 0 %),
    # employer cost 3 126.90.
    employer = alice_slip.employer_cost - alice_slip.gross
    assert (entry.date, journal) == (dt.date(2026, 1, 31), "PAIE")
    # AGIRC-ARRCO T1 + CEG on 2,500 €: 3.15 + 0.86 % employee, 4.72 + 1.29 % employer = 250.50,
    # less its share of the 429.75 € RGDU (0.0601 / T = 0.0601 / 0.3981 of it: 64.88); URSSAF
    # the rest of the contributions, less the rest of the RGDU; 71.76 € of PAS (neutral grid).
    assert alice_slip.reduction == Decimal("429.75")
    assert lines == [
        ("6411", Decimal("2500.00"), Decimal("0.00")),
        ("6451", employer, Decimal("0.00")),
        ("421", Decimal("0.00"), Decimal("1907.23")),
        (
            "431",
            Decimal("0.00"),
            alice_slip.employer_cost - Decimal("1907.23") - Decimal("185.62") - Decimal("71.76"),
        ),
        ("4371", Decimal("0.00"), Decimal("185.62")),
        ("4421", Decimal("0.00"), Decimal("71.76")),
    ]
    assert (
        sum(d for _c, d, _cr in lines) == sum(c for _c, _d, c in lines) == alice_slip.employer_cost
    )
    assert activities == {activity.pk}
    assert payment_lines == [
        ("421", alice_slip.net_paid, Decimal("0.00")),
        ("512", Decimal("0.00"), alice_slip.net_paid),
    ]


def test_a_payslip_without_activity_blocks_validation_and_changes_nothing(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        Activity.objects.filter(members__entrepreneur=payroll.other).delete()
        run = payroll_run_create(period=JAN, created_by=world.carl)
        compute_run(run.pk)
        with pytest.raises(ApplicationError, match="n'a pas d'activité"):
            payroll_run_validate(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == PayrollRun.Status.COMPUTED
        assert not Payslip.objects.filter(issued_at__isnull=False).exists()
        assert not Entry.objects.filter(journal__code="PAIE").exists()


def _ledger_by_account(entries: list[int]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for code, debit, credit in EntryLine.objects.filter(
        entry_id__in=entries, account__code__regex=r"^(43|4421)"
    ).values_list("account__code", "debit", "credit"):
        totals[code] = totals.get(code, Decimal(0)) + credit - debit
    return totals


def test_each_social_body_is_credited_on_its_account_as_the_summary_says(
    world: World, payroll: Payroll
) -> None:
    """A cadre with a personal PAS rate, health and welfare contracts and 50+ staff (FNAL on the
    whole pay, PEEC to Action Logement): every 43x/4421 balance of the run's entries equals the
    contribution summary's row for that account, to the cent."""
    with cooperative_context(world.coop_a.pk):
        payroll_settings_set(
            valid_from=JAN,
            headcount=60,
            at_rate=Decimal("1.00"),
            mutuelle_employee=Decimal("30.00"),
            mutuelle_employer=Decimal("30.00"),
            prevoyance_employee_rate=Decimal("0.50"),
            prevoyance_employer_rate=Decimal("1.50"),
        )
        pay_profile_set(
            entrepreneur=payroll.alice,
            monthly_gross=Decimal("5200.00"),
            status="cadre",
            pas_rate=Decimal("7.50"),
        )
        run = payroll_run_create(period=JAN, created_by=world.carl)
        compute_run(run.pk)
        payroll_run_validate(run_id=run.pk)
        summary = contribution_summary(run=run)
        entries = list(
            Entry.objects.filter(journal__code="PAIE", source="payroll").values_list(
                "pk", flat=True
            )
        )
        ledger = _ledger_by_account(entries)
        pas = sum((Decimal(p.data["pas_amount"]) for p in Payslip.objects.all()), Decimal(0))
    assert [row.account for row in summary] == ["431", "4371", "4372", "4373", "4378", "4421"]
    assert {row.account: row.total for row in summary} == ledger
    # Alice's 5,200 €: mutuelle 30 + 30, prévoyance on T1 (4,005 €) 20.03 + 60.08, PEEC 0.45 %
    # = 23.40 (and 8.55 on the other's 1,900 €), PAS 7.5 % of her taxable pay.
    by_account = {row.account: row for row in summary}
    assert (by_account["4372"].employee, by_account["4372"].employer) == (
        Decimal("60.00"),
        Decimal("60.00"),
    )
    assert by_account["4378"].employer == Decimal("23.40") + Decimal("8.55")
    assert by_account["4421"].employee == pas
    assert sum(ledger.values(), Decimal(0)) == sum((row.total for row in summary), Decimal(0))


def test_ijss_in_subrogation_are_receivable_from_the_cpam_not_netted_with_urssaf(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = january_with_leave_and_sickness(world, payroll)
        payroll_run_validate(run_id=run.pk)
        alice_slip = Payslip.objects.get(run=run, entrepreneur=payroll.alice)
        lines = _lines(Entry.objects.get(idempotency_key=f"payslip:{alice_slip.pk}"))
        summary = contribution_summary(run=run)
        ledger = _ledger_by_account(
            list(Entry.objects.filter(journal__code="PAIE").values_list("pk", flat=True))
        )
    # 287.70 € of IJSS less 19.27 € of CSG/CRDS withheld by the CPAM, paid on with the net.
    assert ("4387", Decimal("268.43"), Decimal("0.00")) in lines
    assert sum(d for _c, d, _cr in lines) == sum(c for _c, _d, c in lines)
    assert ledger.pop("4387") == Decimal("-268.43")
    assert {row.account: row.total for row in summary} == ledger
